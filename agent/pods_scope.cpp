// agent/pods_scope.cpp: the pods' delegated scope and its keeper process.
// Contract: see pods_scope.hpp.
#include "agent/pods_scope.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "base/unique_fd.hpp"
#include "systemd/transient_scope.hpp"

namespace agent {

namespace {

// The keeper's whole life; only async-signal-safe calls (it is forked from a threaded agent).
[[noreturn]] void keeper_main() {
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
  }
  // None of the agent's descriptors (listening sockets, the database) may stay open in it.
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  ::setsid();
  ::prctl(PR_SET_NAME, "batchlet-keeper");
  // The agent blocks signals it reads from a signalfd; the keeper must stop on SIGTERM.
  for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) ::signal(signal, SIG_DFL);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (;;) ::pause();
}

// A keeper that is no child of ours: a middle process forks it, reports its pid and exits, so
// whoever adopts orphans (PID 1) reaps it. Returned with a pidfd, the only handle used on it.
struct Keeper {
  pid_t pid = -1;
  base::UniqueFd pidfd;
  void kill() const {
    if (pidfd.valid()) ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
  }
};

base::Result<Keeper> start_keeper() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return base::Error::from_errno("keeper: pipe2", errno);
  base::UniqueFd read_end(fds[0]);
  base::UniqueFd write_end(fds[1]);
  const pid_t middle = ::fork();
  if (middle < 0) return base::Error::from_errno("keeper: fork", errno);
  if (middle == 0) {
    const pid_t keeper = ::fork();
    if (keeper == 0) keeper_main();
    const int err = errno;
    const pid_t report[2] = {keeper, keeper < 0 ? err : 0};
    const bool sent = ::write(write_end.get(), report, sizeof report) == sizeof report;
    ::_exit(keeper > 0 && sent ? 0 : 1);
  }
  write_end.reset();
  pid_t report[2] = {-1, EPIPE};
  const ssize_t n = TEMP_FAILURE_RETRY(::read(read_end.get(), report, sizeof report));
  int status = 0;
  TEMP_FAILURE_RETRY(::waitpid(middle, &status, 0));
  if (n != sizeof report || report[0] <= 0) {
    return base::Error::from_errno("keeper: fork", report[1] != 0 ? report[1] : EPIPE);
  }
  Keeper keeper;
  keeper.pid = report[0];
  keeper.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, keeper.pid, 0)));
  if (!keeper.pidfd.valid()) {
    return base::Error::from_errno("keeper: pidfd_open " + std::to_string(keeper.pid), errno);
  }
  return keeper;
}

}  // namespace

base::Result<std::string> open_pods_scope(const cgroups::Discovery& discovery) {
  const systemd::ScopePlace place = systemd::pods_scope_for(discovery.own_cgroup);
  if (place.name.empty()) {
    return base::Error("no scope for the pods: " + discovery.own_cgroup + " is no service");
  }
  base::Result<std::optional<std::string>> active = systemd::active_scope_cgroup(place.name);
  if (!active.ok()) return active.error();
  if (active->has_value()) return std::move(**active);

  base::Result<Keeper> keeper = start_keeper();
  if (!keeper.ok()) return keeper.error().context("start " + place.name);
  systemd::ScopeRequest request;
  request.name = place.name;
  request.slice = place.slice;
  request.description = "batchlet pods (they outlive agent restarts)";
  request.pid = keeper->pid;
  base::Result<std::string> started = systemd::start_delegated_scope(request);
  if (!started.ok()) keeper->kill();
  return started;
}

base::Status ensure_scope_keeper(const cgroups::Manager& manager) {
  base::Result<cgroups::Cgroup> leaf = manager.agent_leaf();
  if (!leaf.ok()) return leaf.error();
  base::Result<std::vector<pid_t>> procs = leaf->procs();
  if (!procs.ok()) return procs.error();
  if (!procs->empty()) return {};
  base::Result<Keeper> keeper = start_keeper();
  if (!keeper.ok()) return keeper.error();
  base::Status moved = leaf->add_process(keeper->pid);
  if (!moved.ok()) {
    keeper->kill();
    return moved.error().context("move the keeper into " + leaf->relative());
  }
  return {};
}

}  // namespace agent
