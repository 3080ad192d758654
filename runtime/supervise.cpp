#include "runtime/supervise.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>

namespace runtime {
namespace {

// Reads what is available on a non-blocking pipe; closes it at end of file.
void pump(base::UniqueFd& fd, Stream stream, OutputSink& sink) {
  std::array<char, 16384> buf;
  while (fd.valid()) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n > 0) {
      sink.write(stream, std::string_view(buf.data(), static_cast<std::size_t>(n)));
    } else if (n == 0) {
      fd.reset();
    } else if (errno != EINTR) {
      return;  // EAGAIN: nothing more for now
    }
  }
}

int timeout_ms(const base::Clock& clock, std::optional<base::TimePoint> deadline) {
  if (!deadline) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(base::remaining(clock, *deadline));
  return static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
}

// The main process has exited (a zombie until reaped): kill what it left behind, drain the
// pipes, then reap it.
base::Result<base::ProcessExit> finish(HostProcess& process, OutputSink& sink) {
  (void)process.child.signal_group(SIGKILL);
  pump(process.stdout_pipe, Stream::out, sink);
  pump(process.stderr_pipe, Stream::err, sink);
  process.stdout_pipe.reset();
  process.stderr_pipe.reset();
  return process.child.wait();
}

}  // namespace

base::Result<WaitResult> supervise(HostProcess& process, OutputSink& sink, const base::Clock& clock,
                                   std::optional<base::TimePoint> deadline, int cancel_fd) {
  while (true) {
    std::array<pollfd, 4> fds{};
    fds[0] = {process.child.pidfd(), POLLIN, 0};
    fds[1] = {process.stdout_pipe.get(), POLLIN, 0};  // a negative fd is ignored by poll
    fds[2] = {process.stderr_pipe.get(), POLLIN, 0};
    fds[3] = {cancel_fd, POLLIN, 0};
    const int rc = ::poll(fds.data(), fds.size(), timeout_ms(clock, deadline));
    if (rc < 0 && errno != EINTR) return base::Error::from_errno("poll", errno);
    if (fds[1].revents != 0) pump(process.stdout_pipe, Stream::out, sink);
    if (fds[2].revents != 0) pump(process.stderr_pipe, Stream::err, sink);
    if (fds[0].revents != 0) {
      auto exit = finish(process, sink);
      if (!exit) return exit.error();
      return WaitResult{WaitOutcome::exited, *exit};
    }
    if (cancel_fd >= 0 && fds[3].revents != 0) return WaitResult{WaitOutcome::cancelled, {}};
    if (deadline && clock.now() >= *deadline) return WaitResult{WaitOutcome::deadline, {}};
  }
}

base::Result<base::ProcessExit> terminate(HostProcess& process, OutputSink& sink,
                                          const base::Clock& clock, base::Duration grace) {
  if (auto s = process.child.signal_group(SIGTERM); !s) return s.error();
  auto waited = supervise(process, sink, clock, clock.now() + grace, -1);
  if (!waited) return waited.error();
  if (waited->outcome == WaitOutcome::exited) return *waited->exit;
  if (auto s = process.child.signal_group(SIGKILL); !s) return s.error();
  return finish(process, sink);
}

}  // namespace runtime
