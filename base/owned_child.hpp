// base/owned_child.hpp: sole owner of a child process this program started.
//
// Contract: an OwnedChild holds the pid and a pidfd of a child of this process that has not been
// reaped. Signals go through the pidfd, so they can never reach a recycled pid. If the owner is
// destroyed while the child still runs, the child's process group is killed with SIGKILL and the
// child reaped: batchlet never leaves behind a process it started, and never touches one it did
// not start. The child is expected to lead its own process group (spawners call setpgid(0, 0)).
#pragma once

#include <sys/types.h>

#include <optional>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace base {

// How a process ended: exactly one of exit code or terminating signal.
struct ProcessExit {
  int exit_code = 0;  // meaningful when signal == 0
  int signal = 0;     // the signal that terminated it, or 0

  // The shell convention: 128 + signal for a signalled process.
  int code() const { return signal != 0 ? 128 + signal : exit_code; }
  bool success() const { return signal == 0 && exit_code == 0; }
};

class OwnedChild {
 public:
  OwnedChild() = default;
  // Takes ownership of `pid`, an unreaped child of this process; opens its pidfd.
  static Result<OwnedChild> adopt(pid_t pid);
  ~OwnedChild();

  OwnedChild(OwnedChild&& other) noexcept;
  OwnedChild& operator=(OwnedChild&& other) noexcept;
  OwnedChild(const OwnedChild&) = delete;
  OwnedChild& operator=(const OwnedChild&) = delete;

  pid_t pid() const { return pid_; }
  // Readable (poll POLLIN) once the child has exited.
  int pidfd() const { return pidfd_.get(); }
  bool running() const { return pid_ > 0; }

  // Sends `sig` to the child's whole process group (the child and what it started).
  Status signal_group(int sig) const;

  // Reaps the child if it has exited; std::nullopt if it still runs.
  Result<std::optional<ProcessExit>> try_wait();
  // Blocks until the child exits and reaps it.
  Result<ProcessExit> wait();

 private:
  OwnedChild(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  void kill_and_reap();

  pid_t pid_ = -1;
  UniqueFd pidfd_;
};

}  // namespace base
