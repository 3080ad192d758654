#include "agent/job_sync.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "agent/object_update.hpp"
#include "agent/pod_writes.hpp"
#include "api/job_encode.hpp"

namespace agent {
namespace {

constexpr std::chrono::seconds kStatusWriteRetry{1};

// Adds the controller ownerReference of `job` and the tracking finalizer.
base::Status adopt(Store& store, const api::Job& job, const CachedPod& pod) {
  auto done =
      update_object(store, pod.key, pod.pod.metadata.uid, [&](nlohmann::ordered_json& object) {
        auto& meta = object["metadata"];
        auto& refs = meta["ownerReferences"];
        if (!refs.is_array()) refs = nlohmann::ordered_json::array();
        for (const auto& ref : refs) {
          if (ref.value("controller", false)) return Mutation::unchanged;  // someone else won
        }
        refs.push_back({{"apiVersion", "batch/v1"},
                        {"kind", "Job"},
                        {"name", job.metadata.name},
                        {"uid", job.metadata.uid},
                        {"controller", true},
                        {"blockOwnerDeletion", true}});
        auto& finalizers = meta["finalizers"];
        if (!finalizers.is_array()) finalizers = nlohmann::ordered_json::array();
        if (std::find(finalizers.begin(), finalizers.end(), kJobTrackingFinalizer) ==
            finalizers.end()) {
          finalizers.push_back(kJobTrackingFinalizer);
        }
        return Mutation::changed;
      });
  if (!done.ok()) return done.error().context("adopt pod " + pod.key.name);
  return {};
}

// Drops the ownerReference of `job` (the pod's labels no longer match its selector).
base::Status release(Store& store, const api::Job& job, const CachedPod& pod) {
  auto done =
      update_object(store, pod.key, pod.pod.metadata.uid, [&](nlohmann::ordered_json& object) {
        auto& meta = object["metadata"];
        auto refs = meta.find("ownerReferences");
        if (refs == meta.end() || !refs->is_array()) return Mutation::unchanged;
        const auto before = refs->size();
        refs->erase(std::remove_if(refs->begin(), refs->end(),
                                   [&](const nlohmann::ordered_json& ref) {
                                     return ref.value("uid", "") == job.metadata.uid;
                                   }),
                    refs->end());
        if (refs->size() == before) return Mutation::unchanged;
        if (refs->empty()) meta.erase("ownerReferences");
        return Mutation::changed;
      });
  if (!done.ok()) return done.error().context("release pod " + pod.key.name);
  return {};
}

}  // namespace

std::string encode_backoff_record(const BackoffRecord& record) {
  nlohmann::json out = {{"failuresAfterLastSuccess", record.failures_after_last_success}};
  if (record.last_failure_time) {
    out["lastFailureTimeNanos"] = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      record.last_failure_time->time_since_epoch())
                                      .count();
  }
  return out.dump();
}

std::optional<BackoffRecord> decode_backoff_record(const std::string& text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  BackoffRecord record;
  record.failures_after_last_success = json.value("failuresAfterLastSuccess", 0);
  if (auto it = json.find("lastFailureTimeNanos"); it != json.end() && it->is_number_integer()) {
    record.last_failure_time = base::TimePoint(std::chrono::duration_cast<base::Duration>(
        std::chrono::nanoseconds(it->get<std::int64_t>())));
  }
  return record;
}

JobSyncOutcome JobSyncer::sync(const CachedJob& cached,
                               const std::vector<const CachedPod*>& candidates) {
  const api::Job& job = cached.job;
  std::vector<ControllerPod> pods;
  for (const CachedPod* pod : candidates) {
    const bool deleting = pod->pod.metadata.deletion_timestamp.has_value();
    switch (claim_pod(job, pod->pod.metadata.labels, pod->controller, deleting)) {
      case PodClaim::owned:
        pods.push_back(pod->view);
        break;
      case PodClaim::adopt:
        if (auto adopted = adopt(store_, job, *pod); !adopted.ok()) {
          return {kStatusWriteRetry, adopted.error()};
        }
        pods.push_back(pod->view);
        pods.back().has_tracking_finalizer = true;
        break;
      case PodClaim::release:
        if (auto released = release(store_, job, *pod); !released.ok()) {
          return {kStatusWriteRetry, released.error()};
        }
        break;
      case PodClaim::ignore:
        break;
    }
  }

  BackoffRecord record;
  auto side = store_.side_record(job.metadata.uid);
  if (!side.ok()) return {kStatusWriteRetry, side.error()};
  if (side->has_value()) {
    record = decode_backoff_record(**side).value_or(derive_backoff_record(job, pods));
  } else {
    record = derive_backoff_record(job, pods);
  }

  SyncResult result = controller_.sync(job, pods, record);
  if (!result.error.ok()) {
    spdlog::warn("sync job {}/{}: {}", cached.key.name_space, cached.key.name,
                 result.error.error().message());
  }
  if (result.status_changed || result.backoff_changed || !side->has_value()) {
    events_.flush();
    api::Job updated = job;
    updated.status = result.status;
    const nlohmann::ordered_json status = api::encode_job(updated)["status"];
    auto written = update_object(
        store_, cached.key, job.metadata.uid,
        [&](nlohmann::ordered_json& object) {
          object["status"] = status;
          return Mutation::changed;
        },
        encode_backoff_record(result.backoff));
    if (!written.ok()) {
      return {kStatusWriteRetry,
              written.error().context("write status of job " + job.metadata.name)};
    }
  }
  return {result.requeue_after, {}};
}

}  // namespace agent
