#include "runtime/shim_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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

// Spawns `binary` (the shim) in a new session with /dev/null on stdin and stdout, `log_fd` on
// stderr, `report_fd` as descriptor 3 and nothing else open, from "/" with no signal blocked and
// an empty environment. posix_spawn() shares the agent's memory until the exec (CLONE_VFORK),
// so a big agent is not copied for every container.
base::Result<pid_t> spawn_shim(int null_fd, int log_fd, int report_fd, const std::string& binary,
                               char* const* argv) {
  // The sources move above the targets first, so no dup2 clobbers another source.
  base::UniqueFd sources[3];
  const int wanted[3] = {null_fd, log_fd, report_fd};
  for (int i = 0; i < 3; ++i) {
    sources[i].reset(::fcntl(wanted[i], F_DUPFD_CLOEXEC, 10));
    if (!sources[i].valid()) return base::Error::from_errno("start shim: dup", errno);
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  if (int err = ::posix_spawn_file_actions_init(&actions); err != 0) {
    return base::Error::from_errno("start shim: posix_spawn_file_actions_init", err);
  }
  if (int err = ::posix_spawnattr_init(&attr); err != 0) {
    ::posix_spawn_file_actions_destroy(&actions);
    return base::Error::from_errno("start shim: posix_spawnattr_init", err);
  }
  sigset_t none;
  sigemptyset(&none);
  int err = 0;
  const auto step = [&err](int rc) {
    if (err == 0) err = rc;
  };
  step(::posix_spawn_file_actions_adddup2(&actions, sources[0].get(), 0));
  step(::posix_spawn_file_actions_adddup2(&actions, sources[0].get(), 1));
  step(::posix_spawn_file_actions_adddup2(&actions, sources[1].get(), 2));
  step(::posix_spawn_file_actions_adddup2(&actions, sources[2].get(), kShimReportFd));
  step(::posix_spawn_file_actions_addclosefrom_np(&actions, kShimReportFd + 1));
  step(::posix_spawn_file_actions_addchdir_np(&actions, "/"));  // hold no directory busy
  step(::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK));
  step(::posix_spawnattr_setsigmask(&attr, &none));
  pid_t pid = -1;
  char* const envp[] = {nullptr};
  if (err == 0) err = ::posix_spawn(&pid, binary.c_str(), &actions, &attr, argv, envp);
  ::posix_spawnattr_destroy(&attr);
  ::posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return base::Error::from_errno("exec shim " + binary, err);
  return pid;
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

  // The shim detaches itself (detach_from_starter): the process spawned here exits at once.
  auto middle = spawn_shim(null_fd.get(), log_fd.get(), report->write.get(), binary, argv);
  report->write.reset();
  if (!middle.ok()) return middle.error();
  int status = 0;
  while (::waitpid(*middle, &status, 0) < 0 && errno == EINTR) {
  }
  const bool detached = WIFEXITED(status) && WEXITSTATUS(status) == 0;

  auto text = read_report(report->read.get());
  if (!text) return text.error();
  if (text->rfind("error ", 0) == 0) {
    std::string message = text->substr(6);
    if (!message.empty() && message.back() == '\n') message.pop_back();
    return base::Error(std::move(message));
  }
  if (!detached) {
    return base::Error("start shim: it exited with status " + std::to_string(status) + " (see " +
                       paths.shim_log().string() + ")");
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
