#include "api/watch_stream.hpp"

#include <condition_variable>
#include <thread>

#include "api/list_encode.hpp"

namespace api {

using nlohmann::ordered_json;

class WatchStream::Sink final : public WatchSink {
 public:
  Sink(std::shared_ptr<http::StreamWriter> writer, Transform transform)
      : writer_(std::move(writer)), transform_(std::move(transform)) {}

  void event(std::string_view type, const StoredObject& object) override {
    ordered_json body = transform_(object);
    writer_->write(encode_watch_event(type, std::move(body)).dump() + "\n");
  }
  void error(const std::string& status_json) override {
    ordered_json status = ordered_json::parse(status_json, nullptr, false);
    writer_->write(encode_watch_event("ERROR", std::move(status)).dump() + "\n");
  }
  void close() override { writer_->finish(); }

 private:
  std::shared_ptr<http::StreamWriter> writer_;
  Transform transform_;
};

// Ends the body at the watch's timeout: one thread per watch that has one, parked on a
// condition variable, so cancel() wakes and joins it at once.
class WatchStream::Timer {
 public:
  Timer(base::Duration timeout, std::function<void()> fire)
      : thread_([this, timeout, fire = std::move(fire)] {
          std::unique_lock lock(mutex_);
          if (!wake_.wait_for(lock, timeout, [this] { return stopped_; })) {
            lock.unlock();
            fire();
          }
        }) {}
  ~Timer() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
      if (thread_.get_id() == std::this_thread::get_id()) {
        thread_.detach();
      } else {
        thread_.join();
      }
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

WatchStream::WatchStream(WatchHub& hub, WatchRequest request, Transform transform,
                         std::optional<base::Duration> timeout)
    : hub_(hub),
      request_(std::move(request)),
      transform_(std::move(transform)),
      timeout_(timeout) {}

WatchStream::~WatchStream() { cancel(); }

void WatchStream::start(std::shared_ptr<http::StreamWriter> writer) {
  std::lock_guard lock(mutex_);
  if (cancelled_) return;
  sink_ = std::make_shared<Sink>(writer, transform_);
  auto started = hub_.watch(request_, sink_);
  if (!started.ok()) {
    ordered_json status = {{"kind", "Status"},
                           {"apiVersion", "v1"},
                           {"metadata", ordered_json::object()},
                           {"status", "Failure"},
                           {"message", started.error().message()},
                           {"reason", "InternalError"},
                           {"code", 500}};
    writer->write(encode_watch_event("ERROR", std::move(status)).dump() + "\n");
    writer->finish();
    return;
  }
  watch_ = std::move(*started);
  if (timeout_) {
    std::weak_ptr<http::StreamWriter> weak = writer;
    timer_ = std::make_unique<Timer>(*timeout_, [this, weak] {
      std::unique_ptr<Watch> watch;
      {
        std::lock_guard guard(mutex_);
        watch = std::move(watch_);
      }
      if (watch) watch->stop();
      if (auto w = weak.lock()) w->finish();
    });
  }
}

void WatchStream::cancel() {
  std::unique_ptr<Watch> watch;
  std::unique_ptr<Timer> timer;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    watch = std::move(watch_);
    timer = std::move(timer_);
  }
  if (watch) watch->stop();
  timer.reset();
}

}  // namespace api
