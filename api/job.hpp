// api/job.hpp: the batch/v1 Job types batchlet understands (the pod template's types are in
// api/pod_spec.hpp, metadata in api/object_meta.hpp).
//
// Field names follow the Kubernetes API (camelCase in JSON, snake_case here). Optional pointer
// fields of the Go types are std::optional, so "unset" and "zero" stay distinct, which the
// defaulting rules of spec §2.1 depend on. api/job_decode.cpp rejects every field outside these
// types by name instead of dropping it; agent/node_admission.cpp refuses what this node
// cannot honour yet.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/label_selector.hpp"
#include "api/object_meta.hpp"
#include "api/pod_spec.hpp"
#include "base/clock.hpp"

namespace api {

// Well-known names (spec §1).
inline constexpr std::string_view kJobNameLabel = "batch.kubernetes.io/job-name";
inline constexpr std::string_view kControllerUidLabel = "batch.kubernetes.io/controller-uid";
inline constexpr std::string_view kLegacyJobNameLabel = "job-name";
inline constexpr std::string_view kLegacyControllerUidLabel = "controller-uid";

struct PodFailurePolicyOnExitCodes {
  std::optional<std::string> container_name;
  std::string operator_;  // In | NotIn ("operator" in JSON)
  std::vector<std::int32_t> values;
};

struct PodFailurePolicyOnPodConditionsPattern {
  std::string type;
  std::string status;  // True | False | Unknown; defaulted to True
};

struct PodFailurePolicyRule {
  std::string action;  // FailJob | FailIndex | Ignore | Count
  std::optional<PodFailurePolicyOnExitCodes> on_exit_codes;
  std::vector<PodFailurePolicyOnPodConditionsPattern> on_pod_conditions;
};

struct PodFailurePolicy {
  std::vector<PodFailurePolicyRule> rules;
};

struct SuccessPolicyRule {
  std::optional<std::string> succeeded_indexes;
  std::optional<std::int32_t> succeeded_count;
};

struct SuccessPolicy {
  std::vector<SuccessPolicyRule> rules;
};

struct JobSpec {
  std::optional<std::int32_t> parallelism;
  std::optional<std::int32_t> completions;
  std::optional<std::int64_t> active_deadline_seconds;
  std::optional<PodFailurePolicy> pod_failure_policy;
  std::optional<SuccessPolicy> success_policy;
  std::optional<std::int32_t> backoff_limit;
  std::optional<std::int32_t> backoff_limit_per_index;
  std::optional<std::int32_t> max_failed_indexes;
  std::optional<std::int32_t> ttl_seconds_after_finished;
  std::optional<LabelSelector> selector;
  std::optional<bool> manual_selector;
  std::optional<std::string> completion_mode;  // NonIndexed | Indexed
  std::optional<bool> suspend;
  std::optional<std::string> pod_replacement_policy;  // TerminatingOrFailed | Failed
  std::optional<std::string> managed_by;
  PodTemplateSpec template_;  // "template" in JSON
};

// Condition types and reasons (spec §1, §4.5).
inline constexpr std::string_view kConditionComplete = "Complete";
inline constexpr std::string_view kConditionFailed = "Failed";
inline constexpr std::string_view kConditionFailureTarget = "FailureTarget";
inline constexpr std::string_view kConditionSuccessCriteriaMet = "SuccessCriteriaMet";
inline constexpr std::string_view kConditionSuspended = "Suspended";
inline constexpr std::string_view kReasonCompletionsReached = "CompletionsReached";
inline constexpr std::string_view kMessageCompletionsReached =
    "Reached expected number of succeeded pods";
inline constexpr std::string_view kReasonBackoffLimitExceeded = "BackoffLimitExceeded";
inline constexpr std::string_view kMessageBackoffLimitExceeded =
    "Job has reached the specified backoff limit";
inline constexpr std::string_view kReasonDeadlineExceeded = "DeadlineExceeded";
inline constexpr std::string_view kMessageDeadlineExceeded =
    "Job was active longer than specified deadline";

struct JobCondition {
  std::string type;
  std::string status;  // True | False | Unknown
  std::string reason;
  std::string message;
  base::TimePoint last_probe_time;
  base::TimePoint last_transition_time;
};

struct UncountedTerminatedPods {
  std::vector<std::string> succeeded;  // pod UIDs
  std::vector<std::string> failed;
};

// Pointer fields of upstream's JobStatus are optional here: a Job the controller never synced
// has status {} (spec §10), one it manages always shows ready, terminating and
// uncountedTerminatedPods, zero or empty included (§4.3).
struct JobStatus {
  std::vector<JobCondition> conditions;
  std::optional<base::TimePoint> start_time;
  std::optional<base::TimePoint> completion_time;
  std::int32_t active = 0;
  std::int32_t succeeded = 0;
  std::int32_t failed = 0;
  std::optional<std::int32_t> terminating;
  std::string completed_indexes;              // interval syntax (api/index_intervals.hpp)
  std::optional<std::string> failed_indexes;  // present only with backoffLimitPerIndex
  std::optional<UncountedTerminatedPods> uncounted_terminated_pods;
  std::optional<std::int32_t> ready;

  // The condition of `type` whose status is True, if any.
  const JobCondition* true_condition(std::string_view type) const;
  // Complete=True or Failed=True (spec §1).
  bool finished() const;
};

struct Job {
  std::string api_version = "batch/v1";
  std::string kind = "Job";
  ObjectMeta metadata;
  JobSpec spec;
  JobStatus status;
};

// The Job's True Complete or Failed condition once it has finished; nullptr before.
inline const JobCondition* finished_condition(const JobStatus& status) {
  for (const JobCondition& c : status.conditions) {
    if ((c.type == kConditionComplete || c.type == kConditionFailed) && c.status == "True") {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace api
