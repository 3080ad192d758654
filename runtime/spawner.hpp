// runtime/spawner.hpp: the seam through which the shim starts a container's process.
//
// Contract: spawn() starts the process described by a ContainerSpec with the given descriptors
// as its stdout and stderr (stdin is /dev/null) and returns it as an unreaped child of the
// caller, with a pidfd, or the precise error of the failing step (`exec "/nope": No such file or
// directory`), having left nothing running. The process starts with default signal
// dispositions and an empty signal mask, whatever the caller's (the shim blocks SIGTERM,
// SIGINT and SIGCHLD and ignores SIGHUP and SIGPIPE). kill_all() sends SIGKILL to everything the
// container started (its process group, or its cgroup when it has one); the shim calls it only
// while `init` is unreaped, so ids it relies on cannot have been recycled.
//
// container_spawner() is the real one: runtime/spawn.hpp's namespaced container (rootfs,
// namespaces, seccomp, capabilities, cgroup). host_spawner() runs a plain process on the host's
// own filesystem (runtime/host_process.hpp: argv, env and cwd only), for hosts where namespaces
// are unavailable.
#pragma once

#include <functional>

#include "base/owned_child.hpp"
#include "base/result.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

struct StdioFds {
  int out = -1;
  int err = -1;
};

struct SpawnedContainer {
  base::OwnedChild init;                   // the container's first process
  std::function<base::Status()> kill_all;  // SIGKILL to every process of the container
};

using Spawner =
    std::function<base::Result<SpawnedContainer>(const ContainerSpec&, const StdioFds&)>;

Spawner container_spawner();
Spawner host_spawner();

}  // namespace runtime
