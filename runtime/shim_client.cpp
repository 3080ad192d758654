#include "runtime/shim_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "base/paths.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/container_spec_json.hpp"
#include "runtime/proc_identity.hpp"

namespace runtime {
namespace {

constexpr int kShimReportFd = 3;

// Async-signal-safe decimal formatting for the pre-exec failure report.
void write_errno_report(int fd, int err) {
  char buf[32] = "exec-failed ";
  std::size_t n = 12;
  char digits[12];
  std::size_t d = 0;
  do {
    digits[d++] = static_cast<char>('0' + err % 10);
    err /= 10;
  } while (err > 0 && d < sizeof digits);
  while (d > 0) buf[n++] = digits[--d];
  buf[n++] = '\n';
  (void)!::write(fd, buf, n);
}

// The grandchild: becomes the shim. Only async-signal-safe calls.
[[noreturn]] void exec_shim(int null_fd, int log_fd, int report_fd, const char* binary,
                            char* const* argv) {
  // Move the three sources above the targets first, so no dup2 clobbers another source.
  const int null_hi = ::fcntl(null_fd, F_DUPFD, 10);
  const int log_hi = ::fcntl(log_fd, F_DUPFD, 10);
  const int report_hi = ::fcntl(report_fd, F_DUPFD, 10);
  if (null_hi < 0 || log_hi < 0 || report_hi < 0 || ::dup2(null_hi, 0) < 0 ||
      ::dup2(null_hi, 1) < 0 || ::dup2(log_hi, 2) < 0 || ::dup2(report_hi, kShimReportFd) < 0) {
    write_errno_report(report_fd, errno);
    ::_exit(127);
  }
  ::syscall(SYS_close_range, kShimReportFd + 1, ~0U, 0);
  (void)!::chdir("/");  // hold no directory of the agent's busy
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  char* const envp[] = {nullptr};
  ::execve(binary, argv, envp);
  write_errno_report(kShimReportFd, errno);
  ::_exit(127);
}

base::Result<std::string> read_report(int fd) {
  std::string text;
  std::array<char, 4096> buf;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno("read shim report", errno);
    if (n == 0) return text;
    text.append(buf.data(), static_cast<std::size_t>(n));
  }
}

base::Status remove_if_exists(const std::filesystem::path& file) {
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) {
    return base::Error::from_errno("remove " + file.string(), errno);
  }
  return {};
}

// How long a restart waits for the previous shim, whose container has exited, to go away.
constexpr int kFinishingShimWaitMs = 5000;

std::string lost_reason(const ShimState& s) {
  return "container lost: its shim (pid " + std::to_string(s.shim_pid) +
         ") exited without recording an exit status";
}

}  // namespace

base::Result<ContainerHandle> start_container(const StartRequest& request) {
  const base::ContainerStatePaths paths{request.state_dir};
  std::error_code ec;
  std::filesystem::create_directories(paths.dir, ec);
  if (ec) return base::Error("create " + paths.dir.string() + ": " + ec.message());
  // A restart reuses the directory; a shim still running there must not be disowned.
  auto previous = read_shim_state(paths.state());
  if (previous && *previous) {
    auto alive = open_verified_pidfd((*previous)->shim_pid, (*previous)->shim_start_ticks);
    // A shim that already recorded the exit status is only finishing up (closing its log,
    // exiting): give it a moment instead of refusing an immediate restart.
    if (alive && !pidfd_exited(alive->get()) && std::filesystem::exists(paths.exit_status())) {
      pollfd finishing{alive->get(), POLLIN, 0};
      (void)::poll(&finishing, 1, kFinishingShimWaitMs);
    }
    if (alive && !pidfd_exited(alive->get())) {
      return base::Error("start container " + paths.dir.string() + ": its shim (pid " +
                         std::to_string((*previous)->shim_pid) + ") is still running");
    }
  }
  for (const auto& stale : {paths.state(), paths.exit_status()}) {
    if (auto s = remove_if_exists(stale); !s) return s.error();
  }
  if (auto s = write_file_atomically(paths.spec(), container_spec_to_json(request.spec)); !s) {
    return s.error();
  }
  if (auto s = write_shim_options(paths.shim_options(), request.options); !s) return s.error();

  base::UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd.valid()) return base::Error::from_errno("open /dev/null", errno);
  base::UniqueFd log_fd(
      ::open(paths.shim_log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!log_fd.valid()) return base::Error::from_errno("open " + paths.shim_log().string(), errno);
  auto report = base::make_pipe();
  if (!report) return report.error().context("start shim");

  const std::string binary = request.shim_binary.string();
  std::string arg0 = "batchlet", arg1 = "shim", arg2 = paths.dir.string();
  char* const argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};

  const pid_t middle = ::fork();
  if (middle < 0) return base::Error::from_errno("fork", errno);
  if (middle == 0) {
    ::setsid();  // its own session: no terminal signals, no process group shared with the agent
    const pid_t shim = ::fork();
    if (shim != 0) ::_exit(shim < 0 ? 1 : 0);
    exec_shim(null_fd.get(), log_fd.get(), report->write.get(), binary.c_str(), argv);
  }
  report->write.reset();
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return base::Error("start shim: fork failed");
  }

  auto text = read_report(report->read.get());
  if (!text) return text.error();
  if (text->rfind("exec-failed ", 0) == 0) {
    return base::Error::from_errno("exec shim " + binary, std::atoi(text->c_str() + 12));
  }
  if (text->rfind("error ", 0) == 0) {
    std::string message = text->substr(6);
    if (!message.empty() && message.back() == '\n') message.pop_back();
    return base::Error(std::move(message));
  }
  if (text->rfind("started ", 0) != 0) {
    return base::Error("start shim: it exited without reporting (see " + paths.shim_log().string() +
                       ")");
  }
  auto state = read_shim_state(paths.state());
  if (!state) return state.error();
  if (!*state) return base::Error("start shim: no " + paths.state().string());
  ContainerHandle handle;
  handle.state_dir = paths.dir;
  handle.shim_pid = (*state)->shim_pid;
  handle.container_pid = (*state)->container_pid;
  handle.started_at = (*state)->started_at;
  auto pidfd = open_verified_pidfd(handle.shim_pid, (*state)->shim_start_ticks);
  if (pidfd) {
    handle.shim_pidfd = std::move(*pidfd);
    return handle;
  }
  // The container and its shim were already done (and the shim reaped): an eventfd that polls
  // readable at once stands in for the pidfd.
  handle.shim_pidfd.reset(::eventfd(1, EFD_CLOEXEC));
  if (!handle.shim_pidfd.valid()) return base::Error::from_errno("eventfd", errno);
  return handle;
}

base::Status stop_container(const ContainerHandle& handle, base::Duration grace) {
  const base::ContainerStatePaths paths{handle.state_dir};
  base::UniqueFd fd(::open(paths.control().c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENXIO || errno == ENOENT) {
      return base::Error("stop container " + handle.state_dir.string() +
                         ": its shim is not running");
    }
    return base::Error::from_errno("open " + paths.control().string(), errno);
  }
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(grace).count();
  const std::string line = "stop " + std::to_string(ns < 0 ? 0 : ns) + "\n";
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return base::Error::from_errno("write " + paths.control().string(), errno);
  }
  return {};
}

base::Result<ExitStatus> collect_exit(const ContainerHandle& handle) {
  const base::ContainerStatePaths paths{handle.state_dir};
  auto exit = read_exit_status(paths.exit_status());
  if (!exit) return exit.error();
  if (*exit) return std::move(**exit);
  return base::Error("container lost: its shim (pid " + std::to_string(handle.shim_pid) +
                     ") exited without recording an exit status");
}

base::Result<std::optional<ExitStatus>> wait_container(const ContainerHandle& handle,
                                                       int cancel_fd) {
  if (!handle.shim_pidfd.valid()) return base::Error("wait container: no shim pidfd");
  while (true) {
    std::array<pollfd, 2> fds{};
    fds[0] = {handle.shim_pidfd.get(), POLLIN, 0};
    fds[1] = {cancel_fd, POLLIN, 0};
    const int rc = ::poll(fds.data(), fds.size(), -1);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return base::Error::from_errno("poll", errno);
    if (fds[0].revents != 0) {
      auto exit = collect_exit(handle);
      if (!exit) return exit.error();
      return std::optional<ExitStatus>(std::move(*exit));
    }
    if (cancel_fd >= 0 && fds[1].revents != 0) return std::optional<ExitStatus>();
  }
}

base::Result<RecoveredContainer> recover_container(const std::filesystem::path& state_dir) {
  const base::ContainerStatePaths paths{state_dir};
  RecoveredContainer r;
  r.state_dir = state_dir;
  auto exited = [&]() -> base::Result<bool> {
    auto exit = read_exit_status(paths.exit_status());
    if (!exit) return exit.error();
    if (!*exit) return false;
    r.state = RecoveredContainer::State::exited;
    r.exit = std::move(**exit);
    return true;
  };
  auto done = exited();
  if (!done) return done.error();
  if (*done) return r;

  auto state = read_shim_state(paths.state());
  if (!state) return state.error();
  if (!*state) {
    r.lost_reason = "container lost: its shim never recorded its state";
    return r;
  }
  auto pidfd = open_verified_pidfd((*state)->shim_pid, (*state)->shim_start_ticks);
  // A shim that has exited but is not reaped yet (a zombie) is gone as well.
  if (pidfd && !pidfd_exited(pidfd->get())) {
    r.state = RecoveredContainer::State::running;
    ContainerHandle h;
    h.state_dir = state_dir;
    h.shim_pid = (*state)->shim_pid;
    h.shim_pidfd = std::move(*pidfd);
    h.container_pid = (*state)->container_pid;
    h.started_at = (*state)->started_at;
    r.handle = std::move(h);
    return r;
  }
  // The shim is gone; it may have recorded the exit just before going.
  done = exited();
  if (!done) return done.error();
  if (*done) return r;
  r.lost_reason = lost_reason(**state);
  return r;
}

base::Result<std::vector<RecoveredContainer>> recover_containers(
    const std::filesystem::path& pods_dir) {
  std::vector<RecoveredContainer> out;
  std::error_code ec;
  if (!std::filesystem::exists(pods_dir, ec)) return out;
  std::vector<std::filesystem::path> dirs;
  for (const auto& pod : std::filesystem::directory_iterator(pods_dir, ec)) {
    std::error_code ec2;
    if (!pod.is_directory(ec2)) continue;
    for (const auto& c : std::filesystem::directory_iterator(pod.path(), ec2)) {
      std::error_code ec3;
      if (std::filesystem::exists(c.path() / "spec.json", ec3)) dirs.push_back(c.path());
    }
  }
  if (ec) return base::Error("list " + pods_dir.string() + ": " + ec.message());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    auto r = recover_container(dir);
    if (r) {
      out.push_back(std::move(*r));
    } else {
      RecoveredContainer lost;
      lost.state_dir = dir;
      lost.lost_reason = r.error().message();
      out.push_back(std::move(lost));
    }
  }
  return out;
}

}  // namespace runtime
