// agent/pods_scope.hpp: under systemd, the pods' cgroups live in a delegated transient scope
// beside the service ("batchlet-pods.scope"), not in the service's own cgroup.
//
// Why: with pods' cgroups (and their controllers) inside the service's cgroup, systemd before
// 254 cannot start the next agent of a `systemctl restart` there (no-internal-process rule;
// see systemd/transient_scope.hpp). In a scope of their own the pods outlive the agent as
// KillMode=process intends, and the service's cgroup holds only the agent.
//
// A scope must hold a process, and systemd stops it (and removes its cgroups) once it empties,
// as it would between two pods. So a keeper holds it: a process that only waits, in
// <tree>/agent of the scope. It is no child of the agent (it outlives restarts, as the pods do;
// the next agent finds it there) and it has none of the agent's descriptors. `systemctl stop
// batchlet-pods.scope` ends it along with every pod.
//
// Contract: nothing here is called unless cgroups::discover() found a systemd-delegated unit.
// Errors leave nothing behind (a keeper started for a scope that failed is killed).
#pragma once

#include <string>

#include "base/result.hpp"
#include "cgroups/discovery.hpp"
#include "cgroups/manager.hpp"

namespace agent {

// The cgroup of the pods' scope, relative to the cgroup2 root: the active scope of a previous
// agent, else a new one started with a new keeper in it. `discovery` is the agent's own
// (tree mode systemd_delegated).
base::Result<std::string> open_pods_scope(const cgroups::Discovery& discovery);

// Once the manager opened its tree in the scope: a keeper is in <tree>/agent (a new one if the
// previous agent's is gone).
base::Status ensure_scope_keeper(const cgroups::Manager& manager);

}  // namespace agent
