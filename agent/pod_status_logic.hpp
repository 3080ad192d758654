// agent/pod_status_logic.hpp: the kubelet's status rules as pure functions (spec §6.2, §6.3):
// the pod phase from its containers' states, the pod conditions, and container states for
// exits, start errors and restarts.
//
// Contract:
// - pod_phase(): any regular container waiting without a previous termination -> Pending;
//   else any running -> Running; else (all stopped; a waiting container with a previous
//   termination counts as stopped) Never/OnFailure with all exit 0 -> Succeeded, Never with a
//   non-zero exit -> Failed, OnFailure with a non-zero exit -> Running (it restarts),
//   Always -> Running. A pod with an init container still to run is Pending.
// - refresh_conditions(): PodReadyToStartContainers, Initialized, ContainersReady, Ready
//   (PodScheduled is the scheduler's and kept); lastTransitionTime moves only when a
//   condition's status changes; terminal pods get Ready/ContainersReady False with reason
//   PodCompleted (or PodFailed).
// - terminated_state(): reason Completed (0) / Error (non-zero) / OOMKilled / StartError
//   (exit 128 with the runtime's message), containerID batchlet://<id>.
#pragma once

#include <string>

#include "api/pod.hpp"
#include "base/clock.hpp"
#include "runtime/container_state.hpp"

namespace agent {

std::string pod_phase(const api::PodSpec& spec, const api::PodStatus& status);

void refresh_conditions(const api::PodSpec& spec, api::PodStatus& status, base::TimePoint now);

api::ContainerStateTerminated terminated_state(const runtime::ExitStatus& exit,
                                               const std::string& container_id, bool oom_killed);

// The status entry of `name` in `statuses`, created (waiting `reason`) if missing.
api::ContainerStatus& container_status(std::vector<api::ContainerStatus>& statuses,
                                       const api::Container& container, const std::string& reason);

// Guaranteed / Burstable / BestEffort from the containers' requests and limits.
std::string qos_class(const api::PodSpec& spec);

}  // namespace agent
