// runtime/exec_child.cpp: the relay process of an exec into a running container, from fork to
// its exit (see exec_plan.hpp for its contract). Raw system calls only: it is a fork of a
// multi-threaded process.
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "runtime/exec_plan.hpp"

namespace runtime::detail {
namespace {

std::int64_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Reads what is available; false at end of file or on error.
bool read_output(const ExecPlan& plan, std::size_t& kept) {
  char scratch[4096];
  for (;;) {
    char* into = kept < plan.buffer_size ? plan.buffer + kept : scratch;
    const std::size_t room = kept < plan.buffer_size ? plan.buffer_size - kept : sizeof scratch;
    const ssize_t n = ::read(plan.output_read_fd, into, room);
    if (n > 0) {
      if (into != scratch) kept += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

void write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Closes every descriptor above 2 but the plan's own: the relay is a fork and would otherwise
// hold copies of all of its parent's (pipe ends whose EOF others wait for).
void close_others(const ExecPlan& plan) {
  int keep[] = {plan.target_pidfd,      plan.output_read_fd,    plan.output_write_fd,
                plan.result_fd,         plan.program.report_fd, plan.program.stdin_fd,
                plan.program.stdout_fd, plan.program.stderr_fd};
  constexpr int count = sizeof keep / sizeof keep[0];
  for (int i = 1; i < count; ++i) {
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  }
  unsigned first = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(first)) continue;
    if (static_cast<unsigned>(fd) > first) ::syscall(SYS_close_range, first, fd - 1U, 0U);
    first = static_cast<unsigned>(fd) + 1;
  }
  ::syscall(SYS_close_range, first, ~0U, 0U);
}

}  // namespace

int run_exec_relay(const ExecPlan& plan) {
  close_others(plan);
  if (::syscall(SYS_setns, plan.target_pidfd, plan.namespaces) != 0) {
    return report_failure(plan.program, ChildStep::join_namespaces);
  }
  ::close(plan.target_pidfd);

  int program_pidfd = -1;
  clone_args args{};
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&program_pidfd);
  args.exit_signal = SIGCHLD;
  const long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) return report_failure(plan.program, ChildStep::fork_program);
  if (pid == 0) {
    // setns on the mount namespace put us at its root: the container's "/".
    if (::chdir(plan.program.cwd) != 0) {
      ::_exit(report_failure(plan.program, ChildStep::chdir_cwd));
    }
    ::_exit(run_program(plan.program));
  }
  ::close(plan.output_write_fd);
  ::close(plan.program.report_fd);

  ExecOutcome outcome;
  std::size_t kept = 0;
  bool output_open = true;
  bool exited = false;
  const std::int64_t deadline = now_ms() + plan.timeout_ms;
  while (!exited) {
    pollfd fds[2] = {{static_cast<int>(program_pidfd), POLLIN, 0},
                     {plan.output_read_fd, POLLIN, 0}};
    const std::int64_t left = deadline - now_ms();
    if (left <= 0) break;
    const int n = ::poll(fds, output_open ? 2 : 1, static_cast<int>(left));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (fds[0].revents != 0) exited = true;
    if (output_open && fds[1].revents != 0) output_open = read_output(plan, kept);
  }
  if (!exited) {
    // The program leads its own session: its group holds what it started.
    ::kill(-static_cast<pid_t>(pid), SIGKILL);
    ::syscall(SYS_pidfd_send_signal, program_pidfd, SIGKILL, nullptr, 0);
    outcome.end = static_cast<std::uint32_t>(ExecEnd::timed_out);
  }
  siginfo_t info{};
  int rc;
  do {
    rc = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(program_pidfd), &info, WEXITED);
  } while (rc != 0 && errno == EINTR);
  if (exited) {
    // What the program wrote before it ended; descendants still holding the pipe are not
    // waited for.
    if (output_open) (void)read_output(plan, kept);
    if (info.si_code == CLD_EXITED) {
      outcome.end = static_cast<std::uint32_t>(ExecEnd::exited);
      outcome.status = info.si_status;
    } else {
      outcome.end = static_cast<std::uint32_t>(ExecEnd::signaled);
      outcome.status = info.si_status;
    }
  }
  outcome.output_length = static_cast<std::uint32_t>(kept);
  write_all(plan.result_fd, &outcome, sizeof outcome);
  write_all(plan.result_fd, plan.buffer, kept);
  return 0;
}

}  // namespace runtime::detail
