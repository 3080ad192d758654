#include "agent/recreate_backoff.hpp"

#include <algorithm>

#include "agent/backoff.hpp"
#include "base/limits.hpp"

namespace agent {

BackoffPolicy default_backoff_policy() {
  return BackoffPolicy{base::limits::kPodRecreateBackoffBase, base::limits::kPodRecreateBackoffCap};
}

namespace {

std::vector<base::TimePoint> sorted_finish_times(const std::vector<const ControllerPod*>& pods) {
  std::vector<base::TimePoint> times;
  times.reserve(pods.size());
  for (const ControllerPod* p : pods) times.push_back(finish_time(*p));
  std::sort(times.begin(), times.end());
  return times;
}

}  // namespace

BackoffRecord update_backoff_record(BackoffRecord record,
                                    const std::vector<const ControllerPod*>& new_succeeded,
                                    const std::vector<const ControllerPod*>& new_failed) {
  const std::vector<base::TimePoint> failed = sorted_finish_times(new_failed);
  if (new_succeeded.empty()) {
    if (failed.empty()) return record;
    record.failures_after_last_success += static_cast<std::int32_t>(failed.size());
    record.last_failure_time = failed.back();
    return record;
  }
  const base::TimePoint last_success = sorted_finish_times(new_succeeded).back();
  record = BackoffRecord{};
  for (auto it = failed.rbegin(); it != failed.rend() && *it > last_success; ++it) {
    if (!record.last_failure_time) record.last_failure_time = *it;
    ++record.failures_after_last_success;
  }
  return record;
}

BackoffRecord derive_backoff_record(const api::Job& job, const std::vector<ControllerPod>& pods) {
  std::optional<base::TimePoint> last_success;
  for (const ControllerPod& p : pods) {
    if (p.phase != PodPhase::succeeded) continue;
    const base::TimePoint t = finish_time(p);
    if (!last_success || t > *last_success) last_success = t;
  }
  BackoffRecord record;
  for (const ControllerPod& p : pods) {
    if (p.phase == PodPhase::succeeded || !is_pod_failed(p, job)) continue;
    const base::TimePoint t = finish_time(p);
    if (last_success && t <= *last_success) continue;
    ++record.failures_after_last_success;
    if (!record.last_failure_time || t > *record.last_failure_time) record.last_failure_time = t;
  }
  return record;
}

base::Duration remaining_backoff(const BackoffRecord& record, const BackoffPolicy& policy,
                                 base::TimePoint now) {
  if (record.failures_after_last_success <= 0 || !record.last_failure_time) {
    return base::Duration::zero();
  }
  const base::Duration delay =
      pod_recreate_delay(record.failures_after_last_success, policy.base, policy.cap);
  const base::Duration elapsed = now - *record.last_failure_time;
  return elapsed >= delay ? base::Duration::zero() : delay - elapsed;
}

}  // namespace agent
