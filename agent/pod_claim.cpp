#include "agent/pod_claim.hpp"

namespace agent {

bool selector_matches(const std::optional<api::LabelSelector>& selector,
                      const api::Labels& labels) {
  if (!selector || selector->match_labels.empty()) return false;
  for (const auto& [key, value] : selector->match_labels) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
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
