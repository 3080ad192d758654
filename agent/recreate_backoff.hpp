// agent/recreate_backoff.hpp: the Job-level pod-recreation backoff state (spec §5) and how a
// sync updates it.
//
// Contract:
// - A BackoffRecord is two numbers: failures since the last success and the finish time of the
//   latest of them. It is derived only from pods' finish times as each pod is counted, so it is
//   plain data the agent persists next to the job status (in the same write), and a restarted
//   agent that reloads it waits exactly as long as the one that wrote it (spec §0 "durable
//   backoff"; upstream keeps it in memory and loses it).
// - update_backoff_record() folds in the pods that terminated since the last counted sync:
//   without a new success the failures add up; with one, only failures that finished strictly
//   after the latest new success remain. Time alone never resets the count.
// - remaining_backoff() is how long pod creation must still wait: delay(n) - (now - last), >= 0.
#pragma once

#include <optional>
#include <vector>

#include "agent/controller_pod.hpp"
#include "api/job.hpp"
#include "base/clock.hpp"

namespace agent {

struct BackoffRecord {
  std::int32_t failures_after_last_success = 0;
  std::optional<base::TimePoint> last_failure_time;

  friend bool operator==(const BackoffRecord&, const BackoffRecord&) = default;
};

struct BackoffPolicy {
  base::Duration base;
  base::Duration cap;
};

// The project's defaults: 10 s doubling, capped at 6 minutes (base/limits.hpp).
BackoffPolicy default_backoff_policy();

BackoffRecord update_backoff_record(BackoffRecord record,
                                    const std::vector<const ControllerPod*>& new_succeeded,
                                    const std::vector<const ControllerPod*>& new_failed);

// Rebuilds a record from the pods the store still holds, for a job that has none persisted
// (e.g. one written before records were kept): the failed pods that finished after the latest
// succeeded one. Pods already gone cannot be seen, so this can only under-count; the persisted
// record is the source of truth.
BackoffRecord derive_backoff_record(const api::Job& job, const std::vector<ControllerPod>& pods);

base::Duration remaining_backoff(const BackoffRecord& record, const BackoffPolicy& policy,
                                 base::TimePoint now);

}  // namespace agent
