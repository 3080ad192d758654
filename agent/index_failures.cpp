#include "agent/index_failures.hpp"

#include <limits>

#include "agent/backoff.hpp"
#include "agent/pod_failure_policy.hpp"

namespace agent {
namespace {

std::int32_t count_annotation(const ControllerPod& pod, std::string_view key) {
  const auto value = annotation_int(pod, key);
  if (!value || *value < 0 || *value > std::numeric_limits<std::int32_t>::max()) return 0;
  return static_cast<std::int32_t>(*value);
}

}  // namespace

bool has_backoff_limit_per_index(const api::Job& job) {
  return job.spec.backoff_limit_per_index.has_value() &&
         job.spec.completion_mode.value_or("") == "Indexed";
}

std::int32_t index_failure_count(const ControllerPod& pod) {
  return count_annotation(pod, kJobIndexFailureCountKey);
}

std::int32_t index_ignored_failure_count(const ControllerPod& pod) {
  return count_annotation(pod, kJobIndexIgnoredFailureCountKey);
}

bool is_index_failed(const api::Job& job, const ControllerPod& pod) {
  if (!is_pod_failed(pod, job)) return false;
  const FailureVerdict verdict = match_pod_failure_policy(job, pod);
  if (verdict.action == FailureAction::fail_index) return true;
  return verdict.counts() &&
         index_failure_count(pod) >= job.spec.backoff_limit_per_index.value_or(0);
}

api::IndexSet failed_indexes(const api::Job& job, const std::vector<ControllerPod>& pods) {
  const std::int32_t completions = job.spec.completions.value_or(0);
  api::IndexSet failed =
      api::parse_indexes_lenient(job.status.failed_indexes.value_or(""), completions);
  std::vector<std::int32_t> added;
  for (const ControllerPod& p : pods) {
    const std::int32_t ix = completion_index(p);
    if (ix != kUnknownCompletionIndex && ix < completions && is_index_failed(job, p)) {
      added.push_back(ix);
    }
  }
  failed.merge(api::IndexSet::from_indexes(std::move(added)));
  return failed;
}

std::map<std::int32_t, const ControllerPod*> last_failed_pod_per_index(
    const api::Job& job, const std::vector<const ControllerPod*>& pods, const api::IndexSet& active,
    const api::IndexSet& succeeded, const api::IndexSet& failed) {
  std::map<std::int32_t, const ControllerPod*> out;
  const auto absolute = [](const ControllerPod& p) {
    return std::int64_t{index_failure_count(p)} + index_ignored_failure_count(p);
  };
  for (const ControllerPod* p : pods) {
    if (!is_pod_failed(*p, job)) continue;
    const std::int32_t ix = completion_index(*p);
    if (ix == kUnknownCompletionIndex || succeeded.contains(ix) || failed.contains(ix) ||
        active.contains(ix)) {
      continue;
    }
    auto [it, fresh] = out.try_emplace(ix, p);
    // The latest attempt: the highest count, and of equal counts the later finish.
    if (!fresh && absolute(*it->second) <= absolute(*p) &&
        finish_time(*p) >= finish_time(*it->second)) {
      it->second = p;
    }
  }
  return out;
}

IndexFailureCounts next_index_failure_counts(const api::Job& job, const ControllerPod* replaced) {
  if (!replaced) return {};
  IndexFailureCounts counts{index_failure_count(*replaced), index_ignored_failure_count(*replaced)};
  if (match_pod_failure_policy(job, *replaced).counts()) {
    ++counts.failures;
  } else {
    ++counts.ignored;
  }
  return counts;
}

base::Duration remaining_index_backoff(const ControllerPod* last_failed,
                                       const BackoffPolicy& policy, base::TimePoint now) {
  if (!last_failed) return base::Duration::zero();
  const std::int64_t failures = std::int64_t{index_failure_count(*last_failed)} +
                                index_ignored_failure_count(*last_failed) + 1;
  const base::Duration delay = pod_recreate_delay(
      static_cast<int>(std::min<std::int64_t>(failures, std::numeric_limits<int>::max())),
      policy.base, policy.cap);
  const base::Duration elapsed = now - finish_time(*last_failed);
  return elapsed >= delay ? base::Duration::zero() : delay - elapsed;
}

}  // namespace agent
