#include "cli/log_streamer.hpp"

#include <unistd.h>

#include <cerrno>
#include <set>

#include "runtime/log_reader.hpp"

namespace cli {
namespace {

base::Status write_fd(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return base::Error::from_errno("write output", errno);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// The restart count and whether the current run has ended, for one container status.
std::pair<std::int32_t, bool> current_run(const api::ContainerStatus& status) {
  return {status.restart_count, status.state.terminated.has_value()};
}

}  // namespace

LogStreamer::LogStreamer(base::Paths paths) : paths_(std::move(paths)) {
  auto pipe = base::make_pipe();
  if (pipe.ok()) {
    cancel_read_ = std::move(pipe->read);
    cancel_write_ = std::move(pipe->write);
  }
}

LogStreamer::~LogStreamer() {
  if (cancel_write_.valid()) (void)!::write(cancel_write_.get(), "x", 1);
  for (auto& [key, run] : runs_) {
    for (auto& t : run->threads) t.join();
  }
}

void LogStreamer::follow(const agent::CachedPod& pod, const std::string& container,
                         std::int32_t restart, bool ended) {
  auto run = std::make_unique<Run>();
  run->ended = ended;
  const auto log = paths_.container_log(pod.key.name_space, pod.key.name, pod.pod.metadata.uid,
                                        container, restart);
  for (const bool out : {true, false}) {
    runtime::LogReadOptions options;
    options.follow = true;
    options.include_stdout = out;
    options.include_stderr = !out;
    const int fd = out ? STDOUT_FILENO : STDERR_FILENO;
    std::atomic<bool>* done = &run->ended;
    const int cancel = cancel_read_.get();
    run->threads.emplace_back([log, options, fd, done, cancel] {
      runtime::FollowControl control;
      control.cancel_fd = cancel;
      control.writer_done = [done] { return done->load(); };
      // A run that never started has no log: nothing to show, and the status says why.
      (void)runtime::read_logs(
          log, options, [fd](std::string_view data) { return write_fd(fd, data); }, control);
    });
  }
  runs_.emplace(RunKey{pod.pod.metadata.uid, container, restart}, std::move(run));
}

void LogStreamer::update(const std::vector<const agent::CachedPod*>& pods) {
  std::set<RunKey> live;
  for (const agent::CachedPod* pod : pods) {
    const auto visit = [&](const api::ContainerStatus& status) {
      if (!status.state.running && !status.state.terminated) return;
      const auto [restart, ended] = current_run(status);
      for (std::int32_t r = 0; r <= restart; ++r) {
        const RunKey key{pod->pod.metadata.uid, status.name, r};
        const bool run_ended = r < restart || ended || pod->pod.metadata.deletion_timestamp;
        if (auto it = runs_.find(key); it != runs_.end()) {
          if (run_ended) it->second->ended = true;
        } else {
          follow(*pod, status.name, r, run_ended);
        }
        if (!run_ended) live.insert(key);
      }
    };
    for (const auto& s : pod->pod.status.init_container_statuses) visit(s);
    for (const auto& s : pod->pod.status.container_statuses) visit(s);
  }
  // Runs of pods that are gone have ended too.
  for (auto& [key, run] : runs_) {
    if (!live.count(key)) run->ended = true;
  }
}

void LogStreamer::finish() {
  for (auto& [key, run] : runs_) {
    run->ended = true;
    for (auto& t : run->threads) t.join();
    run->threads.clear();
  }
}

}  // namespace cli
