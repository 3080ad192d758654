#include "agent/event_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "api/names.hpp"
#include "api/rfc3339.hpp"

namespace agent {
namespace {

const std::string kEvents = "events";

// Upstream names an Event "<object>.<UnixNano in hex>"; the nanoseconds keep names unique
// enough, the random low bits make them unique for certain within one process.
std::string event_name(const std::string& object_name, base::TimePoint now, std::mt19937_64& rng) {
  const auto nanos = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", nanos ^ (rng() & 0xfffULL));
  std::string name = object_name;
  name += '.';
  name += hex;
  return name;
}

api::Render render(api::Event event) {
  return [event = std::move(event)](api::ResourceVersion rv) mutable {
    event.metadata.resource_version = std::to_string(rv);
    return api::encode_event(event).dump();
  };
}

}  // namespace

StoreEventSink::StoreEventSink(api::ObjectStore& store, const base::Clock& clock,
                               std::string node_name)
    : store_(store), clock_(clock), node_name_(std::move(node_name)), rng_(api::seeded_engine()) {}

void StoreEventSink::record(const InvolvedObject& object, std::string_view type,
                            std::string_view reason, std::string_view message,
                            std::string_view component) {
  const base::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  SeriesKey key{object.uid, std::string(type), std::string(reason), std::string(message),
                std::string(component)};
  if (auto found = series_.find(key); found != series_.end()) {
    Series& series = found->second;
    if (series.event.last_timestamp && now - *series.event.last_timestamp < kEventDedupWindow) {
      api::Event next = series.event;
      next.count += 1;
      next.last_timestamp = now;
      auto written = store_.update({kEvents, next.metadata.namespace_, next.metadata.name},
                                   api::Preconditions{std::nullopt, series.uid}, render(next));
      if (written.ok() && written->outcome == api::WriteOutcome::written) {
        series.event = std::move(next);
        return;
      }
      // Gone (pruned or deleted by a user): start a new series below.
    }
    series_.erase(found);
  }

  api::Event event;
  event.metadata.name = event_name(object.name, now, rng_);
  event.metadata.namespace_ = object.name_space.empty() ? "default" : object.name_space;
  event.metadata.uid = api::new_uid(rng_);
  event.metadata.creation_timestamp = now;
  event.involved_object = {object.kind,      object.name_space,  object.name,
                           object.uid,       object.api_version, object.resource_version,
                           object.field_path};
  event.reason = std::string(reason);
  event.message = std::string(message);
  event.source = {std::string(component), node_name_};
  event.first_timestamp = now;
  event.last_timestamp = now;
  event.count = 1;
  event.type = std::string(type);
  event.reporting_component = std::string(component);
  event.reporting_instance = node_name_;
  const std::string uid = event.metadata.uid;
  auto written =
      store_.create({kEvents, event.metadata.namespace_, event.metadata.name}, uid, render(event));
  if (!written.ok()) {
    spdlog::warn("record event {} for {} {}/{}: {}", reason, object.kind, object.name_space,
                 object.name, written.error().message());
    return;
  }
  if (written->outcome != api::WriteOutcome::written) return;
  series_.emplace(std::move(key), Series{std::move(event), uid});
}

std::size_t StoreEventSink::prune(base::TimePoint now) {
  auto listed = store_.list(kEvents, std::nullopt);
  if (!listed.ok()) {
    spdlog::warn("prune events: {}", listed.error().message());
    return 0;
  }
  std::size_t removed = 0;
  for (const api::StoredObject& object : listed->objects) {
    const auto json = nlohmann::json::parse(object.json, nullptr, false);
    if (json.is_discarded()) continue;
    std::optional<base::TimePoint> last;
    for (const char* field : {"lastTimestamp", "eventTime", "firstTimestamp"}) {
      if (auto it = json.find(field); it != json.end() && it->is_string()) {
        last = api::parse_time(it->get<std::string>());
        if (last) break;
      }
    }
    if (!last) {
      if (auto meta = json.find("metadata");
          meta != json.end() && meta->contains("creationTimestamp")) {
        last = api::parse_time((*meta)["creationTimestamp"].get<std::string>());
      }
    }
    if (!last || now - *last < kEventTtl) continue;
    const std::string stored = object.json;
    auto gone = store_.remove(object.key, api::Preconditions{object.resource_version, object.uid},
                              [&stored](api::ResourceVersion) { return stored; });
    if (gone.ok() && gone->outcome == api::WriteOutcome::written) ++removed;
  }
  if (removed > 0) {
    std::lock_guard lock(mutex_);
    std::erase_if(series_, [&](const auto& entry) {
      return entry.second.event.last_timestamp &&
             now - *entry.second.event.last_timestamp >= kEventTtl;
    });
  }
  return removed;
}

void JobEventRecorder::record(const api::Job& job, std::string_view type, std::string_view reason,
                              std::string_view message) {
  sink_.record(involved_job(job), type, reason, message, "job-controller");
}

InvolvedObject involved_job(const api::Job& job) {
  return {"Job",
          "batch/v1",
          job.metadata.namespace_,
          job.metadata.name,
          job.metadata.uid,
          job.metadata.resource_version,
          {}};
}

InvolvedObject involved_pod(const api::Pod& pod, std::string_view field_path) {
  return {"Pod",
          "v1",
          pod.metadata.namespace_,
          pod.metadata.name,
          pod.metadata.uid,
          pod.metadata.resource_version,
          std::string(field_path)};
}

}  // namespace agent
