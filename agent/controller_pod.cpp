#include "agent/controller_pod.hpp"

#include <charconv>
#include <limits>

namespace agent {

std::optional<std::int64_t> annotation_int(const ControllerPod& pod, std::string_view key) {
  const auto it = pod.annotations.find(std::string(key));
  if (it == pod.annotations.end()) return std::nullopt;
  std::string_view text = it->second;
  // strconv.Atoi: an optional sign, then at least one decimal digit, nothing else.
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return negative ? -value : value;
}

std::int32_t completion_index(const ControllerPod& pod) {
  const auto value = annotation_int(pod, kJobCompletionIndexKey);
  // Completions are int32, so a larger index can never be valid.
  if (!value || *value < 0 || *value > std::numeric_limits<std::int32_t>::max()) {
    return kUnknownCompletionIndex;
  }
  return static_cast<std::int32_t>(*value);
}

bool is_terminal(const ControllerPod& pod) {
  return pod.phase == PodPhase::succeeded || pod.phase == PodPhase::failed;
}

bool is_active(const ControllerPod& pod) { return !is_terminal(pod) && !pod.deletion_time; }

bool is_terminating(const ControllerPod& pod) { return pod.deletion_time && !is_terminal(pod); }

bool only_replace_failed_pods(const api::Job& job) {
  return job.spec.pod_replacement_policy.value_or("") == "Failed" ||
         job.spec.pod_failure_policy.has_value();
}

bool is_pod_failed(const ControllerPod& pod, const api::Job& job) {
  if (pod.phase == PodPhase::failed) return true;
  if (only_replace_failed_pods(job)) return false;
  // Deleted pods count as failures: an orphaned pod may never reach the Failed phase.
  return pod.deletion_time && pod.phase != PodPhase::succeeded;
}

base::TimePoint finish_time(const ControllerPod& pod) {
  if (pod.containers_finished_at) return *pod.containers_finished_at;
  if (pod.not_ready_since) return *pod.not_ready_since;
  if (pod.deletion_time) {
    return *pod.deletion_time - std::chrono::seconds(pod.deletion_grace_period_seconds.value_or(0));
  }
  return pod.creation_time.value_or(base::TimePoint{});
}

}  // namespace agent
