#include "agent/event_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "api/names.hpp"
#include "api/rfc3339.hpp"

namespace agent {
namespace {

// Every Event is also a log line (info), ending in the key=value words a journal turns into
// fields (systemd/journal_log.hpp): namespace= and job=, or namespace=, pod= and pod_uid=.
void log_event(const InvolvedObject& object, std::string_view type, std::string_view reason,
               std::string_view message) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  std::string text(message);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  if (object.kind == "Job") {
    spdlog::info("{} {}: {} namespace={} job={}", type, reason, text, object.name_space,
                 object.name);
  } else if (object.kind == "Pod") {
    spdlog::info("{} {}: {} namespace={} pod={} pod_uid={}", type, reason, text, object.name_space,
                 object.name, object.uid);
  } else {
    spdlog::info("{} {}: {} namespace={} {}={}", type, reason, text, object.name_space, object.kind,
                 object.name);
  }
}

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

StoreEventSink::StoreEventSink(Store& store, const base::Clock& clock, std::string node_name)
    : store_(store), clock_(clock), node_name_(std::move(node_name)), rng_(api::seeded_engine()) {
  writer_ = std::thread([this] { write_queued(); });
}

StoreEventSink::~StoreEventSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_cv_.notify_all();
  writer_.join();
}

void StoreEventSink::record(const InvolvedObject& object, std::string_view type,
                            std::string_view reason, std::string_view message,
                            std::string_view component) {
  log_event(object, type, reason, message);
  const base::TimePoint now = clock_.now();
  SeriesKey key{object.uid, std::string(type), std::string(reason), std::string(message),
                std::string(component)};
  std::lock_guard lock(mutex_);
  if (auto found = series_.find(key); found != series_.end()) {
    Series& series = found->second;
    if (series.event.last_timestamp && now - *series.event.last_timestamp < kEventDedupWindow) {
      series.event.count += 1;
      series.event.last_timestamp = now;
      queue_.push_back(Queued{std::move(key), series.event, series.uid, false});
      ++queued_count_;
      queued_cv_.notify_one();
      return;
    }
    series_.erase(found);
  }
  api::Event event;
  event.involved_object = {object.kind,      object.name_space,  object.name,
                           object.uid,       object.api_version, object.resource_version,
                           object.field_path};
  event.metadata.namespace_ = object.name_space.empty() ? "default" : object.name_space;
  event.reason = std::string(reason);
  event.message = std::string(message);
  event.source = {std::string(component), node_name_};
  event.type = std::string(type);
  event.reporting_component = std::string(component);
  event.reporting_instance = node_name_;
  start_series(std::move(key), std::move(event), now);
}

void StoreEventSink::start_series(SeriesKey key, api::Event event, base::TimePoint now,
                                  bool retry) {
  event.metadata.name = event_name(event.involved_object.name, now, rng_);
  event.metadata.uid = api::new_uid(rng_);
  event.metadata.creation_timestamp = now;
  event.first_timestamp = now;
  event.last_timestamp = now;
  event.count = 1;
  const std::string uid = event.metadata.uid;
  series_.insert_or_assign(key, Series{event, uid});
  queue_.push_back(Queued{std::move(key), std::move(event), uid, true});
  if (!retry) ++queued_count_;  // a retry keeps the place of the write it replaces
  queued_cv_.notify_one();
}

void StoreEventSink::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_count_;
  written_cv_.wait(lock, [&] { return written_count_ >= target; });
}

void StoreEventSink::write_queued() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    std::vector<Queued> batch;
    batch.swap(queue_);
    lock.unlock();
    std::vector<Store::GroupWrite> writes;
    writes.reserve(batch.size());
    for (const Queued& q : batch) {
      Store::GroupWrite w;
      w.type = q.create ? ChangeType::added : ChangeType::modified;
      w.key = {kEvents, q.event.metadata.namespace_, q.event.metadata.name};
      w.uid = q.uid;
      if (!q.create) w.preconditions.uid = q.uid;
      w.render = render(q.event);
      writes.push_back(std::move(w));
    }
    auto results = store_.write_group(writes);
    lock.lock();
    std::uint64_t retried = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Queued& q = batch[i];
      const auto& result = results[i];
      if (result.ok() && result->outcome == api::WriteOutcome::written) continue;
      if (!result.ok()) {
        spdlog::warn("record event {} for {} {}/{}: {}", q.event.reason,
                     q.event.involved_object.kind, q.event.involved_object.namespace_,
                     q.event.involved_object.name, result.error().message());
      }
      auto series = series_.find(q.key);
      const bool current = series != series_.end() && series->second.uid == q.uid;
      if (current) series_.erase(series);
      // A repeat whose Event is gone (pruned, or deleted by a user), or a new Event whose name
      // was taken (same object, same nanosecond), starts the series again.
      const bool retry =
          result.ok() && (q.create ? result->outcome == api::WriteOutcome::already_exists
                                   : result->outcome == api::WriteOutcome::not_found);
      if (retry && current) {
        start_series(q.key, q.event, clock_.now(), true);
        ++retried;
      }
    }
    written_count_ += batch.size() - retried;
    written_cv_.notify_all();
  }
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
  // A series past its dedup window is never bumped again: its memory can go.
  std::lock_guard lock(mutex_);
  std::erase_if(series_, [&](const auto& entry) {
    return !entry.second.event.last_timestamp ||
           now - *entry.second.event.last_timestamp >= kEventDedupWindow;
  });
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
