// agent/index_failures.hpp: backoffLimitPerIndex (Indexed jobs, spec §4.12, §5 per-index
// backoff; upstream calculateFailedIndexes, isIndexFailed, getPodsWithDelayedDeletionPerIndex,
// getNewIndexFailureCounts, getRemainingTimePerIndex).
//
// Contract:
// - Every pod of a job with backoffLimitPerIndex carries the job-index-failure-count annotation:
//   the counted failures of the earlier pods of its index; ignored failures (podFailurePolicy
//   Ignore) are carried in job-index-ignored-failure-count instead. A malformed or negative
//   annotation reads as 0.
// - An index is failed when one of its failed pods matched a FailIndex rule, or counted and had
//   already used up backoffLimitPerIndex. Failed indexes are never retried and only grow
//   (status.failedIndexes is read back and added to).
// - The newest failed pod of an index that is neither succeeded, failed nor running keeps its
//   tracking finalizer until a replacement exists: it is where the replacement's counts and its
//   backoff come from (a crash between the two loses nothing).
// - The per-index backoff replaces the job-level one: after the last failed pod of the index,
//   delay(failure count + ignored count + 1) from that pod's finish time.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "agent/controller_pod.hpp"
#include "agent/recreate_backoff.hpp"
#include "api/index_intervals.hpp"
#include "api/job.hpp"
#include "base/clock.hpp"

namespace agent {

inline constexpr std::string_view kJobIndexFailureCountKey =
    "batch.kubernetes.io/job-index-failure-count";
inline constexpr std::string_view kJobIndexIgnoredFailureCountKey =
    "batch.kubernetes.io/job-index-ignored-failure-count";

bool has_backoff_limit_per_index(const api::Job& job);

std::int32_t index_failure_count(const ControllerPod& pod);
std::int32_t index_ignored_failure_count(const ControllerPod& pod);

// Whether this pod's failure fails its index.
bool is_index_failed(const api::Job& job, const ControllerPod& pod);

// status.failedIndexes (as read back) plus the indexes the pods now fail, below completions.
api::IndexSet failed_indexes(const api::Job& job, const std::vector<ControllerPod>& pods);

// The failed pod whose finalizer waits for its index's replacement, per index. `pods` are the
// pods still to be accounted for (tracking finalizer, valid index).
std::map<std::int32_t, const ControllerPod*> last_failed_pod_per_index(
    const api::Job& job, const std::vector<const ControllerPod*>& pods, const api::IndexSet& active,
    const api::IndexSet& succeeded, const api::IndexSet& failed);

struct IndexFailureCounts {
  std::int32_t failures = 0;
  std::int32_t ignored = 0;
};

// The annotations of the pod that replaces `replaced` (nullptr: the index's first pod).
IndexFailureCounts next_index_failure_counts(const api::Job& job, const ControllerPod* replaced);

// How long the replacement of `last_failed` must still wait (zero without one).
base::Duration remaining_index_backoff(const ControllerPod* last_failed,
                                       const BackoffPolicy& policy, base::TimePoint now);

}  // namespace agent
