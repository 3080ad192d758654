// api/watch_stream.hpp: a watch as an HTTP response body — the WatchHub's events for one
// watcher, each sent as one chunk `{"type":..,"object":..}\n`, as the API server streams them.
//
// Contract: the hub watch starts when the server starts the stream (after the headers), and
// stops when the client goes away (cancel), when the hub ends it (too slow, or after an ERROR
// event such as 410 Expired), or at `timeout` (then the body ends cleanly, as upstream's
// timeoutSeconds does). `transform` turns a stored object into what the event carries (the
// object itself, or a one-row Table); it runs on the store's commit thread, so it must be quick
// and must not call the store.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/http_message.hpp"
#include "api/watch_hub.hpp"
#include "base/clock.hpp"

namespace api {

class WatchStream final : public http::Stream {
 public:
  using Transform = std::function<nlohmann::ordered_json(const StoredObject&)>;

  WatchStream(WatchHub& hub, WatchRequest request, Transform transform,
              std::optional<base::Duration> timeout);
  ~WatchStream() override;

  void start(std::shared_ptr<http::StreamWriter> writer) override;
  void cancel() override;

 private:
  class Sink;
  class Timer;
  WatchHub& hub_;
  WatchRequest request_;
  Transform transform_;
  std::optional<base::Duration> timeout_;
  std::mutex mutex_;
  bool cancelled_ = false;
  std::shared_ptr<Sink> sink_;
  std::unique_ptr<Watch> watch_;
  std::unique_ptr<Timer> timer_;
};

}  // namespace api
