// runtime/container_exec.cpp: see container_exec.hpp. Prepares the program's plan exactly as the
// spawner does (program_plan.hpp), forks the relay (exec_child.cpp) into the container's cgroup
// and reads its outcome.
#include "runtime/container_exec.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "runtime/container_state.hpp"
#include "runtime/exec_plan.hpp"
#include "runtime/proc_identity.hpp"
#include "runtime/program_plan.hpp"
#include "runtime/spawn_failure.hpp"

namespace runtime {

struct ExecProcess::Plan {
  ContainerSpec spec;
  detail::ProgramPlan program;
  detail::ChildPlan child;
};

namespace {

// The CLONE_NEW* flags of the namespaces in which `pid` differs from this process.
base::Result<int> differing_namespaces(pid_t pid) {
  struct Kind {
    const char* name;
    int flag;
  };
  static constexpr Kind kinds[] = {{"mnt", CLONE_NEWNS},        {"uts", CLONE_NEWUTS},
                                   {"ipc", CLONE_NEWIPC},       {"net", CLONE_NEWNET},
                                   {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID},
                                   {"user", CLONE_NEWUSER}};
  int flags = 0;
  for (const Kind& k : kinds) {
    struct stat ours {
    }, theirs{};
    const std::string mine = std::string("/proc/self/ns/") + k.name;
    const std::string target = "/proc/" + std::to_string(pid) + "/ns/" + k.name;
    if (::stat(mine.c_str(), &ours) != 0) return base::Error::from_errno("stat " + mine, errno);
    if (::stat(target.c_str(), &theirs) != 0) {
      return base::Error::from_errno("stat " + target, errno);
    }
    if (ours.st_ino != theirs.st_ino || ours.st_dev != theirs.st_dev) flags |= k.flag;
  }
  return flags;
}

base::Status read_exactly(int fd, void* data, std::size_t size, const char* what) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno(std::string("exec: read ") + what, errno);
    if (n == 0) return base::Error(std::string("exec: the relay ended without its ") + what);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

base::Result<ContainerProcess> open_container_process(const std::filesystem::path& state_dir) {
  auto state = read_shim_state(state_dir / "state.json");
  if (!state.ok()) return state.error();
  if (!*state || (*state)->container_pid <= 0) {
    return base::Error::from_errno("container in " + state_dir.string() + " is not running", ESRCH);
  }
  auto pidfd = open_verified_pidfd((*state)->container_pid, (*state)->container_start_ticks);
  if (!pidfd.ok()) return pidfd.error();
  return ContainerProcess{(*state)->container_pid, std::move(*pidfd)};
}

ExecProcess::ExecProcess() = default;
ExecProcess::~ExecProcess() { kill_and_reap(); }
ExecProcess::ExecProcess(ExecProcess&& other) noexcept = default;

ExecProcess& ExecProcess::operator=(ExecProcess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    plan_ = std::move(other.plan_);
    relay_pidfd_ = std::move(other.relay_pidfd_);
    result_ = std::move(other.result_);
    report_ = std::move(other.report_);
  }
  return *this;
}

void ExecProcess::kill_and_reap() {
  if (!relay_pidfd_.valid()) return;
  (void)::syscall(SYS_pidfd_send_signal, relay_pidfd_.get(), SIGKILL, nullptr, 0);
  siginfo_t info{};
  while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(relay_pidfd_.get()), &info,
                  WEXITED) != 0 &&
         errno == EINTR) {
  }
  relay_pidfd_.reset();
}

base::Result<ExecResult> ExecProcess::finish() {
  if (!relay_pidfd_.valid()) return base::Error("exec: already finished");
  siginfo_t info{};
  int rc;
  do {
    rc = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(relay_pidfd_.get()), &info,
                  WEXITED);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return base::Error::from_errno("exec: wait for the relay", errno);
  relay_pidfd_.reset();

  detail::ChildReport report;
  const ssize_t n = ::recv(report_.get(), &report, sizeof report, MSG_DONTWAIT);
  if (n == static_cast<ssize_t>(sizeof report)) {
    return child_step_error(report, plan_->spec, plan_->child);
  }
  if (info.si_code != CLD_EXITED || info.si_status != 0) {
    return base::Error("exec: the relay process ended with status " +
                       std::to_string(info.si_status));
  }
  detail::ExecOutcome outcome;
  if (auto s = read_exactly(result_.get(), &outcome, sizeof outcome, "outcome"); !s) {
    return s.error();
  }
  ExecResult result;
  result.output.resize(outcome.output_length);
  if (auto s = read_exactly(result_.get(), result.output.data(), result.output.size(), "output");
      !s) {
    return s.error();
  }
  switch (static_cast<detail::ExecEnd>(outcome.end)) {
    case detail::ExecEnd::exited:
      result.exit.exit_code = outcome.status;
      break;
    case detail::ExecEnd::signaled:
      result.exit.signal = outcome.status;
      break;
    case detail::ExecEnd::timed_out:
      result.timed_out = true;
      break;
  }
  return result;
}

base::Result<ExecProcess> start_exec(const ContainerSpec& spec, const ContainerProcess& target,
                                     const ExecRequest& request) {
  if (request.argv.empty() || request.argv.front().empty()) {
    return base::Error("exec: no command given");
  }
  const auto exited = [&] {
    return base::Error::from_errno("exec: the container's process has exited", ESRCH);
  };
  if (pidfd_exited(target.pidfd.get())) return exited();
  auto namespaces = differing_namespaces(target.pid);
  // The stat calls named the process by pid: make sure it is still the one of the pidfd.
  if (pidfd_exited(target.pidfd.get())) return exited();
  if (!namespaces.ok()) return namespaces.error();

  ExecProcess process;
  process.plan_ = std::make_unique<ExecProcess::Plan>();
  ExecProcess::Plan& p = *process.plan_;
  p.spec = spec;
  if (auto s = p.program.prepare(spec, request.argv, ::geteuid() != 0); !s) return s.error();

  auto output = base::make_pipe();
  if (!output.ok()) return output.error();
  if (auto s = base::set_nonblocking(output->read.get()); !s) return s.error();
  auto result = base::make_pipe();
  if (!result.ok()) return result.error();
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return base::Error::from_errno("exec: socketpair", errno);
  }
  base::UniqueFd report_read(sv[0]);
  base::UniqueFd report_write(sv[1]);
  base::UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_fd.valid()) return base::Error::from_errno("open /dev/null", errno);
  base::UniqueFd cgroup_fd;
  if (!spec.cgroup_dir.empty()) {
    cgroup_fd.reset(::open(spec.cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cgroup_fd.valid()) {
      return base::Error::from_errno("open cgroup " + spec.cgroup_dir.string(), errno);
    }
  }
  // The relay writes the kept output into a pipe before it exits: stay below a pipe's capacity.
  std::string buffer(std::min<std::size_t>(request.output_limit, 32 * 1024), '\0');

  detail::ExecPlan plan;
  plan.program.stdin_fd = null_fd.get();
  plan.program.stdout_fd = output->write.get();
  plan.program.stderr_fd = output->write.get();
  plan.program.report_fd = report_write.get();
  plan.program.parent_death_signal = SIGKILL;
  plan.target_pidfd = target.pidfd.get();
  plan.namespaces = *namespaces;
  plan.output_read_fd = output->read.get();
  plan.output_write_fd = output->write.get();
  plan.result_fd = result->write.get();
  plan.timeout_ms = static_cast<int>(std::max<std::int64_t>(1, request.timeout.count()));
  plan.buffer = buffer.data();
  plan.buffer_size = buffer.size();

  // As for a spawn: no signal handler may run in the fork before the program resets them.
  sigset_t all, saved_mask;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &saved_mask);
  p.program.fill(plan.program);
  p.child = plan.program;
  int relay_pidfd = -1;
  clone_args args{};
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&relay_pidfd);
  args.exit_signal = SIGCHLD;
  if (cgroup_fd.valid()) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<std::uint64_t>(cgroup_fd.get());
  }
  const long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) ::_exit(detail::run_exec_relay(plan));
  const int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  if (pid < 0) {
    std::string what = "exec: clone3";
    if (!spec.cgroup_dir.empty()) what += " into cgroup " + spec.cgroup_dir.string();
    return base::Error::from_errno(what, clone_errno);
  }
  process.relay_pidfd_.reset(relay_pidfd);
  process.result_ = std::move(result->read);
  process.report_ = std::move(report_read);
  return process;
}

}  // namespace runtime
