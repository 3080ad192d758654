#include "runtime/shim.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/file.hpp"
#include "base/paths.hpp"
#include "base/resident_set.hpp"
#include "base/unique_fd.hpp"
#include "runtime/container_spec_json.hpp"
#include "runtime/container_state.hpp"
#include "runtime/cri_log.hpp"
#include "runtime/proc_identity.hpp"

namespace runtime {
namespace {

void diag(const std::string& message) {
  std::fprintf(stderr, "batchlet shim: %s\n", message.c_str());
}

void report(int& fd, const std::string& line) {
  if (fd < 0) return;
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the starter is gone (EPIPE): nobody to tell
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  ::close(fd);
  fd = -1;
}

// Children of this process other than `except` (orphans reparented to us, the subreaper).
std::vector<pid_t> children_except(pid_t except) {
  std::vector<pid_t> out;
  const std::string task_dir = "/proc/self/task";
  DIR* tasks = ::opendir(task_dir.c_str());
  if (tasks == nullptr) return out;
  while (dirent* t = ::readdir(tasks)) {
    if (t->d_name[0] == '.') continue;
    auto text = base::read_file(task_dir + "/" + t->d_name + "/children", 1 << 20);
    if (!text) continue;
    const char* p = text->c_str();
    char* end = nullptr;
    for (long v = std::strtol(p, &end, 10); end != p; v = std::strtol(p, &end, 10)) {
      if (v != except) out.push_back(static_cast<pid_t>(v));
      p = end;
    }
  }
  ::closedir(tasks);
  return out;
}

// Reaps exited orphans without touching `init` (reaped through its pidfd).
void reap_orphans(pid_t init) {
  for (pid_t pid : children_except(init)) ::waitpid(pid, nullptr, WNOHANG);
}

// Kills and reaps every remaining child: the container is over, nothing of it may outlive it.
void kill_orphans() {
  for (int round = 0; round < 100; ++round) {
    const auto pids = children_except(-1);
    if (pids.empty()) return;
    for (pid_t pid : pids) ::kill(pid, SIGKILL);  // our own unreaped children: no reuse race
    for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
  }
}

class Shim {
 public:
  Shim(std::filesystem::path dir, int report_fd, const Spawner& spawner)
      : paths_{std::move(dir)}, report_fd_(report_fd), spawner_(spawner) {}

  int run() {
    auto started = start();
    if (!started) {
      fail_start(started.error().message());
      return 0;
    }
    auto s = supervise();
    if (!s) {
      diag(s.error().message());
      return 1;
    }
    return 0;
  }

 private:
  base::Status start() {
    // The container must not inherit the report pipe: the starter reads it to end of file.
    if (report_fd_ >= 0) ::fcntl(report_fd_, F_SETFD, FD_CLOEXEC);
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    ::signal(SIGHUP, SIG_IGN);
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGCHLD);
    // Taken through the signalfd; the container's process starts with an empty mask.
    ::sigprocmask(SIG_BLOCK, &handled, nullptr);
    signals_.reset(::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signals_.valid()) return base::Error::from_errno("signalfd", errno);

    state_.shim_pid = ::getpid();
    auto ticks = process_start_ticks(state_.shim_pid);
    if (!ticks) return ticks.error();
    state_.shim_start_ticks = *ticks;
    state_.started_at = clock_.now();
    // Recorded before anything can fail, so recover() can tell "starting" from "lost".
    if (auto w = write_shim_state(paths_.state(), state_); !w) return w;

    auto text = base::read_file(paths_.spec(), 16 << 20);
    if (!text) return text.error();
    auto spec = container_spec_from_json(*text);
    if (!spec) return spec.error();
    spec_ = std::move(*spec);
    auto options = read_shim_options(paths_.shim_options());
    if (!options) return options.error();
    options_ = std::move(*options);

    if (::mkfifo(paths_.control().c_str(), 0600) != 0 && errno != EEXIST) {
      return base::Error::from_errno("mkfifo " + paths_.control().string(), errno);
    }
    // Read-write, so the fifo never reports end of file when a writer closes.
    control_.reset(::open(paths_.control().c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!control_.valid()) {
      return base::Error::from_errno("open " + paths_.control().string(), errno);
    }

    if (spec_.log_path.empty()) return base::Error("container spec has no log path");
    std::error_code ec;
    std::filesystem::create_directories(spec_.log_path.parent_path(), ec);
    if (ec)
      return base::Error("create " + spec_.log_path.parent_path().string() + ": " + ec.message());
    auto log = CriLogWriter::open(spec_.log_path, options_.log_rotation, clock_);
    if (!log) return log.error();
    log_.emplace(std::move(*log));

    auto out = base::make_pipe();
    if (!out) return out.error();
    auto err = base::make_pipe();
    if (!err) return err.error();
    if (auto s = base::set_nonblocking(out->read.get()); !s) return s;
    if (auto s = base::set_nonblocking(err->read.get()); !s) return s;

    // The spawner resets the child's signal mask and dispositions (its contract).
    auto spawned = spawner_(spec_, StdioFds{out->write.get(), err->write.get()});
    if (!spawned) return spawned.error();
    container_.emplace(std::move(*spawned));
    out_ = std::move(out->read);
    err_ = std::move(err->read);  // the write ends close here: only the container holds them

    state_.started_at = clock_.now();
    state_.container_pid = container_->init.pid();
    auto cticks = process_start_ticks(state_.container_pid);
    // Readable even if init already exited (an unreaped zombie keeps its /proc entry).
    if (cticks) state_.container_start_ticks = *cticks;
    if (auto w = write_shim_state(paths_.state(), state_); !w) return w;
    report(report_fd_, "started " + std::to_string(state_.container_pid) + "\n");
    // The shim idles for the container's whole life: start-up's pages need not stay.
    base::trim_resident_set();
    return {};
  }

  void fail_start(const std::string& message) {
    diag(message);
    ExitStatus e;
    e.exit.exit_code = 128;
    e.finished_at = clock_.now();
    e.start_error = message;
    if (auto w = write_exit_status(paths_.exit_status(), e); !w) diag(w.error().message());
    report(report_fd_, "error " + message + "\n");
  }

  void pump(base::UniqueFd& fd, Stream stream) {
    std::array<char, 16384> buf;
    while (fd.valid()) {
      const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n > 0) {
        if (auto s = log_->write(stream, std::string_view(buf.data(), static_cast<std::size_t>(n)));
            !s) {
          diag(s.error().message());  // a full disk loses output, never the container's status
        }
      } else if (n == 0) {
        fd.reset();
        (void)log_->finish_stream(stream);
      } else if (errno != EINTR) {
        return;
      }
    }
  }

  void begin_stop(std::chrono::nanoseconds grace) {
    const auto deadline = clock_.now() + std::chrono::duration_cast<base::Duration>(grace);
    if (kill_deadline_ && *kill_deadline_ <= deadline) return;  // an earlier stop stands
    kill_deadline_ = deadline;
    if (!term_sent_) {
      term_sent_ = true;
      if (::syscall(SYS_pidfd_send_signal, container_->init.pidfd(), SIGTERM, nullptr, 0) != 0) {
        diag("SIGTERM the container: " + std::string(std::strerror(errno)));
      }
    }
  }

  void read_control() {
    std::array<char, 256> buf;
    ssize_t n;
    while ((n = ::read(control_.get(), buf.data(), buf.size())) > 0) {
      control_text_.append(buf.data(), static_cast<std::size_t>(n));
    }
    std::size_t nl;
    while ((nl = control_text_.find('\n')) != std::string::npos) {
      const std::string line = control_text_.substr(0, nl);
      control_text_.erase(0, nl + 1);
      long long grace_ns = -1;
      if (std::sscanf(line.c_str(), "stop %lld", &grace_ns) == 1 && grace_ns >= 0) {
        begin_stop(std::chrono::nanoseconds(grace_ns));
      } else {
        diag("ignored control request \"" + line + "\"");
      }
    }
  }

  void read_signals() {
    signalfd_siginfo info;
    while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
        begin_stop(spec_.stop_grace_period);
      } else if (info.ssi_signo == SIGCHLD) {
        reap_orphans(container_->init.pid());
      }
    }
  }

  int poll_timeout_ms() const {
    if (!kill_deadline_) return -1;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(base::remaining(clock_, *kill_deadline_));
    return static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
  }

  base::Status supervise() {
    while (true) {
      std::array<pollfd, 5> fds{};
      fds[0] = {container_->init.pidfd(), POLLIN, 0};
      fds[1] = {out_.get(), POLLIN, 0};
      fds[2] = {err_.get(), POLLIN, 0};
      fds[3] = {control_.get(), POLLIN, 0};
      fds[4] = {signals_.get(), POLLIN, 0};
      const int rc = ::poll(fds.data(), fds.size(), poll_timeout_ms());
      if (rc < 0 && errno != EINTR) return base::Error::from_errno("poll", errno);
      if (fds[1].revents != 0) pump(out_, Stream::out);
      if (fds[2].revents != 0) pump(err_, Stream::err);
      if (fds[3].revents != 0) read_control();
      if (fds[4].revents != 0) read_signals();
      if (fds[0].revents != 0) return finish();
      if (kill_deadline_ && !killed_ && clock_.now() >= *kill_deadline_) {
        killed_ = true;
        if (auto s = container_->kill_all(); !s) diag(s.error().message());
      }
    }
  }

  // init has exited (a zombie until reaped): end the rest of the container, collect its last
  // output, reap everything, then record the exit.
  base::Status finish() {
    if (auto s = container_->kill_all(); !s) diag(s.error().message());
    pump(out_, Stream::out);
    pump(err_, Stream::err);
    out_.reset();
    err_.reset();
    (void)log_->finish_stream(Stream::out);
    (void)log_->finish_stream(Stream::err);
    auto exit = container_->init.wait();
    if (!exit) return exit.error();
    kill_orphans();
    if (auto s = log_->sync(); !s) diag(s.error().message());
    ExitStatus e;
    e.exit = *exit;
    e.started_at = state_.started_at;
    e.finished_at = clock_.now();
    e.message = termination_message(options_.termination_message_file,
                                    options_.fallback_to_logs_on_error, e.exit, spec_.log_path);
    return write_exit_status(paths_.exit_status(), e);
  }

  base::ContainerStatePaths paths_;
  int report_fd_;
  const Spawner& spawner_;
  base::RealClock clock_;
  ShimState state_;
  ContainerSpec spec_;
  ShimOptions options_;
  base::UniqueFd signals_;
  base::UniqueFd control_;
  std::string control_text_;
  std::optional<CriLogWriter> log_;
  std::optional<SpawnedContainer> container_;
  base::UniqueFd out_;
  base::UniqueFd err_;
  std::optional<base::TimePoint> kill_deadline_;
  bool term_sent_ = false;
  bool killed_ = false;
};

}  // namespace

void detach_from_starter(int report_fd) {
  const pid_t child = ::fork();
  if (child > 0) ::_exit(0);
  if (child < 0) {
    int fd = report_fd;
    report(fd, "error start shim: fork: " + std::string(std::strerror(errno)) + "\n");
    ::_exit(1);
  }
}

int run_shim(const std::filesystem::path& state_dir, int report_fd, const Spawner& spawner) {
  Shim shim(state_dir, report_fd, spawner);
  return shim.run();
}

}  // namespace runtime
