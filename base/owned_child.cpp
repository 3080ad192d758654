#include "base/owned_child.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace base {
namespace {

int sys_pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // pidfds are always O_CLOEXEC
}

ProcessExit decode(const siginfo_t& info) {
  ProcessExit exit;
  if (info.si_code == CLD_EXITED) {
    exit.exit_code = info.si_status;
  } else {
    exit.signal = info.si_status;
  }
  return exit;
}

}  // namespace

Result<OwnedChild> OwnedChild::adopt(pid_t pid) {
  // Race-free: `pid` is our unreaped child, so it cannot have been recycled yet.
  int fd = sys_pidfd_open(pid);
  if (fd < 0) return Error::from_errno("pidfd_open " + std::to_string(pid), errno);
  return OwnedChild(pid, UniqueFd(fd));
}

OwnedChild::~OwnedChild() { kill_and_reap(); }

OwnedChild::OwnedChild(OwnedChild&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}

OwnedChild& OwnedChild::operator=(OwnedChild&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
  }
  return *this;
}

Status OwnedChild::signal_group(int sig) const {
  if (pid_ <= 0) return Error("signal: the process was already reaped");
  // The group id equals the child's pid while the child (the group leader) is unreaped, so
  // the group cannot be a recycled one either.
  if (::kill(-pid_, sig) != 0 && errno != ESRCH) {
    return Error::from_errno("kill process group " + std::to_string(pid_), errno);
  }
  return {};
}

Result<std::optional<ProcessExit>> OwnedChild::try_wait() {
  if (pid_ <= 0) return Error("wait: the process was already reaped");
  siginfo_t info{};
  if (::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG) != 0) {
    return Error::from_errno("waitid " + std::to_string(pid_), errno);
  }
  if (info.si_pid == 0) return std::optional<ProcessExit>();
  pid_ = -1;
  pidfd_.reset();
  return std::optional<ProcessExit>(decode(info));
}

Result<ProcessExit> OwnedChild::wait() {
  if (pid_ <= 0) return Error("wait: the process was already reaped");
  siginfo_t info{};
  int rc;
  do {
    rc = ::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return Error::from_errno("waitid " + std::to_string(pid_), errno);
  pid_ = -1;
  pidfd_.reset();
  return decode(info);
}

void OwnedChild::kill_and_reap() {
  if (pid_ <= 0) return;
  (void)signal_group(SIGKILL);
  (void)wait();
}

}  // namespace base
