// runtime/container_exec.hpp: run a command inside a running container, as `runc exec` does for
// the kubelet's exec probes.
//
// Contract:
// - open_container_process() finds a container's first process from its state directory
//   (state.json), by pidfd verified against the recorded start time: an exited container is an
//   error (sys_errno() ESRCH), never a recycled pid.
// - start_exec() returns at once with the command starting: it joins the namespaces in which
//   the container's process differs from the caller (mount, uts, ipc, net, cgroup, pid; user
//   when rootless), is born in spec.cgroup_dir, and runs with the spec's environment, working
//   directory, user, groups, capabilities, no_new_privs, seccomp profile and rlimits — what the
//   container's own process got. stdin is /dev/null; stdout and stderr are collected together,
//   the first `output_limit` bytes kept.
// - ExecProcess::pidfd() polls readable once the command has ended or was killed for its
//   timeout (its whole process group); finish() then returns how it ended, or the precise error
//   when it could not run (`exec: "nope": executable file not found in $PATH`). Destroying an
//   unfinished ExecProcess kills and reaps it; nothing is ever left behind but what the command
//   itself started in the background.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/owned_child.hpp"
#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "runtime/container_spec.hpp"

namespace runtime {

struct ContainerProcess {
  pid_t pid = 0;
  base::UniqueFd pidfd;
};

base::Result<ContainerProcess> open_container_process(const std::filesystem::path& state_dir);

struct ExecRequest {
  std::vector<std::string> argv;
  std::chrono::milliseconds timeout{1000};
  std::size_t output_limit = 10 * 1024;  // the kubelet's limit on probe output
};

struct ExecResult {
  bool timed_out = false;
  base::ProcessExit exit;  // when it did not time out
  std::string output;      // stdout and stderr, interleaved as written
};

class ExecProcess {
 public:
  ExecProcess();
  ~ExecProcess();
  ExecProcess(ExecProcess&& other) noexcept;
  ExecProcess& operator=(ExecProcess&& other) noexcept;
  ExecProcess(const ExecProcess&) = delete;
  ExecProcess& operator=(const ExecProcess&) = delete;

  int pidfd() const { return relay_pidfd_.get(); }
  bool running() const { return relay_pidfd_.valid(); }
  // Blocks until the command has ended; reaps it.
  base::Result<ExecResult> finish();

 private:
  friend base::Result<ExecProcess> start_exec(const ContainerSpec&, const ContainerProcess&,
                                              const ExecRequest&);
  void kill_and_reap();

  struct Plan;  // what the command was started with, for its error messages
  std::unique_ptr<Plan> plan_;
  base::UniqueFd relay_pidfd_;
  base::UniqueFd result_;  // the relay's ExecOutcome and the output
  base::UniqueFd report_;  // a ChildReport when the command could not start
};

base::Result<ExecProcess> start_exec(const ContainerSpec& spec, const ContainerProcess& target,
                                     const ExecRequest& request);

}  // namespace runtime
