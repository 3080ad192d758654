// agent/pod_claim.hpp: which pods a Job controls (spec §4.17 adoption / release / orphans), for
// the pod manager to decide what it hands to JobController::sync.
//
// Contract (upstream ClaimPods, pure):
// - controlled by this Job (controller ownerReference UID = job UID): `owned` while the labels
//   still match the selector, else `release` (drop the ownerReference; the pod is no longer
//   counted and the Job creates a replacement) unless the Job is being deleted (`ignore`);
// - controlled by anything else: `ignore`;
// - no controller: `adopt` (add the controller ownerReference and the tracking finalizer, then
//   treat as owned) when the labels match, the pod is not being deleted and neither is the
//   Job; else `ignore`.
// A selector matches when every matchLabels pair is present; an empty selector matches nothing
// (validation never lets one through; matching everything would adopt the whole namespace).
#pragma once

#include <optional>
#include <string>

#include "api/job.hpp"

namespace agent {

struct ControllerRef {
  std::string api_version;  // batch/v1
  std::string kind;         // Job
  std::string name;
  std::string uid;
};

enum class PodClaim { owned, adopt, release, ignore };

bool selector_matches(const std::optional<api::LabelSelector>& selector, const api::Labels& labels);

PodClaim claim_pod(const api::Job& job, const api::Labels& pod_labels,
                   const std::optional<ControllerRef>& controller, bool pod_being_deleted);

}  // namespace agent
