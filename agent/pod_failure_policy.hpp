// agent/pod_failure_policy.hpp: a Job's spec.podFailurePolicy applied to one failed pod, and the
// job's successPolicy applied to its completed indexes (spec §4.13, §4.14; upstream
// matchPodFailurePolicy, getFailJobMessage, matchSuccessPolicy).
//
// Contract:
// - Pure functions of the job spec and the pod views; the controller decides what a verdict
//   means for counters, indexes and the job's conditions.
// - Rules are tried in order and the first match wins; no rule matching (or no policy) is Count.
//   onExitCodes looks at containers whose *current* state is terminated with a non-zero code,
//   regular containers before init containers, only `containerName` when it is set; In matches
//   a listed code, NotIn an unlisted one. onPodConditions matches a pod condition of equal type
//   and status, the pod's conditions in their order.
// - A FailJob verdict carries upstream's message, which becomes the job's condition message and
//   the PodFailurePolicy event: "Container <c> for pod <ns>/<pod> failed with exit code <n>
//   matching FailJob rule at index <i>" or "Pod <ns>/<pod> has condition <Type> matching FailJob
//   rule at index <i>".
// - The success policy is met by the first rule that holds: succeededCount alone needs that
//   many completed indexes; succeededIndexes alone needs all of them; both need that many of the
//   listed ones. It is never met before an index completed. Its message is
//   "Matched rules at index <i>".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/controller_pod.hpp"
#include "api/index_intervals.hpp"
#include "api/job.hpp"

namespace agent {

enum class FailureAction { count, fail_job, fail_index, ignore };

struct FailureVerdict {
  FailureAction action = FailureAction::count;
  std::string fail_job_message;  // set for FailureAction::fail_job

  // Whether the failure counts towards status.failed, backoffLimit and the index's failure
  // count (everything but Ignore).
  bool counts() const { return action != FailureAction::ignore; }
};

// The verdict for `pod`, which the caller considers failed (is_pod_failed).
FailureVerdict match_pod_failure_policy(const api::Job& job, const ControllerPod& pod);

// The FailJob message of the first failed pod (in list order) that matches a FailJob rule.
std::optional<std::string> fail_job_message(const api::Job& job,
                                            const std::vector<ControllerPod>& pods);

// The SuccessPolicy message when the job's successPolicy is met by `succeeded` indexes.
std::optional<std::string> match_success_policy(const api::Job& job,
                                                const api::IndexSet& succeeded);

}  // namespace agent
