// systemd/transient_scope.hpp: a delegated transient scope unit, asked of the system manager
// over D-Bus (org.freedesktop.systemd1.Manager.StartTransientUnit through libsystemd's sd-bus),
// the way container managers keep their payload in a cgroup subtree of its own.
//
// Why batchlet needs one: with Delegate=yes the pods' cgroups could live inside the service's
// own cgroup, but once they do (with controllers enabled for their limits) that cgroup may hold
// no process, and systemd before 254 (no DelegateSubgroup=) starts the next agent of a
// `systemctl restart` right there: the start fails with EBUSY (status=219/CGROUP) while pods
// run. A scope is a unit of its own: the service's cgroup stays a plain leaf for the agent.
//
// Contract: the bus is systemd's private socket (/run/systemd/private, root only, no D-Bus
// daemon needed), else the system bus. Unit names are the caller's (validated by systemd).
// Errors carry the unit name and systemd's own message. Nothing here touches cgroupfs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace systemd {

struct ScopeRequest {
  std::string name;         // "batchlet-pods.scope"
  std::string slice;        // "system.slice"; empty: systemd's default
  std::string description;  // shown by systemctl status
  pid_t pid = 0;            // the scope's first process (systemd refuses an empty scope)
};

// The scope's control group, relative to the cgroup2 root ("/system.slice/x.scope"), when the
// unit is active; nullopt when it is not loaded or not active.
base::Result<std::optional<std::string>> active_scope_cgroup(const std::string& name);

// Starts the scope with Delegate=yes (the subtree is the caller's to manage) and
// CollectMode=inactive-or-failed (a scope that ends is forgotten), moves `pid` into it, and
// waits up to `timeout` for it to be active. Returns its control group. A scope of that name
// that is already active is an Error (use active_scope_cgroup() first); a failed one is reset
// and started again.
base::Result<std::string> start_delegated_scope(
    const ScopeRequest& request, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The scope name batchlet uses beside the unit whose cgroup is `own_cgroup` (as in
// /proc/self/cgroup): "/system.slice/batchlet.service" -> "batchlet-pods.scope", and its
// slice, "system.slice". Empty name when `own_cgroup` is not a service's cgroup.
struct ScopePlace {
  std::string name;
  std::string slice;
};
ScopePlace pods_scope_for(const std::string& own_cgroup);

}  // namespace systemd
