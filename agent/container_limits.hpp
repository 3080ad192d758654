// agent/container_limits.hpp: a pod's Kubernetes resources as the cgroup limits the kubelet
// gives its containers and the pod (cgroups/limits.hpp does the file values).
//
// Contract: container_limits() reads limits.cpu (millicores), requests.cpu (falling back to
// limits.cpu, as API defaulting does) and limits.memory (bytes); ephemeral-storage has no
// cgroup. pod_cgroup_limits() is cgroups::pod_limits() over the app and init containers, with
// `pids_limit` (the agent's podPidsLimit) as pids.max when no container sets one.
#pragma once

#include <cstdint>
#include <optional>

#include "api/pod_spec.hpp"
#include "cgroups/limits.hpp"

namespace agent {

cgroups::Limits container_limits(const api::Container& container);
cgroups::Limits pod_cgroup_limits(const api::PodSpec& spec,
                                  std::optional<std::int64_t> pids_limit = std::nullopt);

}  // namespace agent
