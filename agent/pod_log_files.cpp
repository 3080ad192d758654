#include "agent/pod_log_files.hpp"

#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <thread>

#include "base/unique_fd.hpp"
#include "runtime/log_reader.hpp"

namespace agent {

namespace {

runtime::LogReadOptions read_options(const api::PodLogRequest& request) {
  runtime::LogReadOptions options;
  options.tail_lines = request.tail_lines;
  options.since = request.since;
  options.timestamps = request.timestamps;
  options.limit_bytes = request.limit_bytes;
  return options;
}

class FollowStream final : public api::http::Stream {
 public:
  FollowStream(std::filesystem::path log, api::PodLogRequest request)
      : log_(std::move(log)), request_(std::move(request)) {}
  ~FollowStream() override { cancel(); }

  void start(std::shared_ptr<api::http::StreamWriter> writer) override {
    std::lock_guard lock(mutex_);
    if (cancelled_) return;
    auto pipe = base::make_pipe();
    if (!pipe.ok()) {
      writer->finish();
      return;
    }
    cancel_read_ = std::move(pipe->read);
    cancel_write_ = std::move(pipe->write);
    thread_ = std::thread([this, writer] {
      runtime::LogReadOptions options = read_options(request_);
      options.follow = true;
      runtime::FollowControl control;
      control.cancel_fd = cancel_read_.get();
      auto last_check = std::chrono::steady_clock::time_point{};
      bool ended = false;
      control.writer_done = [&] {
        const auto now = std::chrono::steady_clock::now();
        if (!ended && now - last_check >= std::chrono::milliseconds(100)) {
          last_check = now;
          ended = !request_.run_ended || request_.run_ended();
        }
        return ended;
      };
      (void)runtime::read_logs(
          log_, options,
          [&writer](std::string_view data) -> base::Status {
            writer->write(std::string(data));
            return {};
          },
          control);
      writer->finish();
    });
  }

  void cancel() override {
    std::thread thread;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      if (cancel_write_.valid()) {
        const char byte = 1;
        (void)!::write(cancel_write_.get(), &byte, 1);
      }
      thread = std::move(thread_);
    }
    if (thread.joinable()) thread.join();
  }

 private:
  std::filesystem::path log_;
  api::PodLogRequest request_;
  std::mutex mutex_;
  bool cancelled_ = false;
  base::UniqueFd cancel_read_;
  base::UniqueFd cancel_write_;
  std::thread thread_;
};

}  // namespace

base::Result<std::string> PodLogFiles::read(const api::PodLogRequest& request) {
  std::string out;
  const auto log = paths_.container_log(request.name_space, request.pod, request.uid,
                                        request.container, request.restart);
  auto read = runtime::read_logs(log, read_options(request), [&out](std::string_view data) {
    out.append(data);
    return base::Status();
  });
  if (!read.ok()) {
    if (read.error().sys_errno() == ENOENT) return std::string();
    return read.error();
  }
  return out;
}

std::shared_ptr<api::http::Stream> PodLogFiles::follow(api::PodLogRequest request) {
  const auto log = paths_.container_log(request.name_space, request.pod, request.uid,
                                        request.container, request.restart);
  return std::make_shared<FollowStream>(log, std::move(request));
}

}  // namespace agent
