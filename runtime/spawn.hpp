// runtime/spawn.hpp: start a container from a ContainerSpec, and stop it.
//
// Contract:
//  - spawn_container() returns once the container's program has been exec'd (or failed to be):
//    a Container owning the process by pidfd, or a SpawnError saying what failed and at which
//    stage, in words close to runc's and the kubelet's (`pivot_root: Invalid argument`,
//    `exec "/usr/bin/perl": No such file or directory`, `exec: "perl": executable file not found
//    in $PATH`, `container has runAsNonRoot and image will run as root`).
//  - The container's process is a child of the caller, init (pid 1) of new pid, mount, uts, ipc
//    and cgroup namespaces (and a network namespace unless spec.host_network), born directly in
//    spec.cgroup_dir when set (clone3 CLONE_INTO_CGROUP), leader of its own session. It gets
//    stdin from `stdio.in` (/dev/null when -1), stdout/stderr from the given fds, and no other
//    descriptor. The caller keeps its own copies of the fds.
//  - Every mount is made inside the container's own mount namespace: a failed spawn leaves no
//    mount, no process and no cgroup behind (the runtime creates no cgroup; it only uses the one
//    given).
//  - Thread-safe: spawns may run concurrently from several threads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <utility>
#include <variant>

#include "base/owned_child.hpp"
#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

// Where a spawn failed, which is what the kubelet reports as the container's waiting or
// terminated reason.
enum class SpawnStage {
  config,  // the spec cannot be honoured (runAsNonRoot with uid 0): CreateContainerConfigError
  create,  // preparing the container failed in this process (missing rootfs, bad seccomp
           // profile, unknown user, unknown capability, clone3 failed): CreateContainerError
  start,   // the container's own setup or exec failed: StartError, exit code 128
};

struct SpawnError {
  SpawnStage stage;
  base::Error error;
};

struct ContainerStdio {
  int in = -1;  // -1: /dev/null
  int out = -1;
  int err = -1;
};

// A running (or exited, not yet reaped) container this process spawned.
class Container {
 public:
  Container() = default;
  Container(pid_t pid, base::UniqueFd pidfd, base::UniqueFd cgroup_fd)
      : pid_(pid), pidfd_(std::move(pidfd)), cgroup_fd_(std::move(cgroup_fd)) {}
  // Kills (as stop() with no grace) and reaps a container still owned.
  ~Container();
  Container(Container&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)),
        pidfd_(std::move(other.pidfd_)),
        cgroup_fd_(std::move(other.cgroup_fd_)) {}
  Container& operator=(Container&& other) noexcept;
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  pid_t pid() const { return pid_; }          // in the caller's pid namespace
  int pidfd() const { return pidfd_.get(); }  // poll POLLIN: the container's init exited
  bool owned() const { return pid_ > 0; }

  // Signals the container's init (pidfd_send_signal). Note that init ignores signals it has no
  // handler for, except SIGKILL.
  base::Status signal(int sig) const;
  // SIGKILL to everything in the container: cgroup.kill when it has a cgroup, else its init
  // (which takes the whole pid namespace with it).
  base::Status kill_all() const;

  base::Result<std::optional<base::ProcessExit>> try_wait();
  base::Result<base::ProcessExit> wait();
  // SIGTERM to init, up to `grace` for it to exit, then kill_all(); reaps and returns the exit.
  base::Result<base::ProcessExit> stop(std::chrono::nanoseconds grace);

  // Gives up ownership (the caller now owns pid and pidfd); the container keeps running.
  base::UniqueFd release_pidfd();

 private:
  pid_t pid_ = -1;
  base::UniqueFd pidfd_;
  base::UniqueFd cgroup_fd_;
};

class [[nodiscard]] SpawnResult {
 public:
  SpawnResult(Container c) : state_(std::move(c)) {}   // NOLINT: implicit
  SpawnResult(SpawnError e) : state_(std::move(e)) {}  // NOLINT: implicit
  bool ok() const { return state_.index() == 0; }
  Container& value() { return std::get<0>(state_); }
  const SpawnError& error() const { return std::get<1>(state_); }

 private:
  std::variant<Container, SpawnError> state_;
};

SpawnResult spawn_container(const ContainerSpec& spec, const ContainerStdio& stdio);

}  // namespace runtime
