#include "agent/pod_claim.hpp"

#include "api/label_selector.hpp"

namespace agent {

bool selector_matches(const std::optional<api::LabelSelector>& selector,
                      const api::Labels& labels) {
  // A job without a selector (or with an empty one) claims nothing: validation never lets one
  // through, and matching everything would adopt every pod of the namespace.
  if (!selector || (selector->match_labels.empty() && selector->match_expressions.empty())) {
    return false;
  }
  return api::matches(*selector, labels);  // matchLabels and matchExpressions (manualSelector)
}

PodClaim claim_pod(const api::Job& job, const api::Labels& pod_labels,
                   const std::optional<ControllerRef>& controller, bool pod_being_deleted) {
  const bool matches = selector_matches(job.spec.selector, pod_labels);
  const bool job_deleting = job.metadata.deletion_timestamp.has_value();
  if (controller) {
    if (controller->uid != job.metadata.uid) return PodClaim::ignore;
    if (matches) return PodClaim::owned;
    return job_deleting ? PodClaim::ignore : PodClaim::release;
  }
  if (!matches || job_deleting || pod_being_deleted) return PodClaim::ignore;
  return PodClaim::adopt;
}

}  // namespace agent
