// api/watch_hub.hpp: the watch fan-out — every committed change goes to each watcher whose
// resource and filter it matches, in resourceVersion order, with no gap between a watcher's
// starting point and the live stream.
//
// Contract:
// - publish() is called with every change the store commits, in resourceVersion order (the
//   store's commit listener). It only hands changes to watchers' sinks; a sink must not block
//   (an HTTP stream writer posts to its connection).
// - watch(request) starts a watcher:
//   * from_resource_version set (N > 0): first the store's logged changes after N (exclusive),
//     then live ones; if the log no longer reaches back to N the watcher gets one ERROR event
//     with a 410 Expired Status (`too old resource version: N (current)`) and ends — the
//     API server's behaviour, which makes clients relist;
//   * unset or 0: synthetic ADDED events for every current object (a consistent snapshot), then
//     the changes after that snapshot — what kubectl needs for `get -w` and `wait`.
//   No change is delivered twice or skipped, whatever commits while the watch starts.
// - A watcher with more than `max_pending` undelivered events is too slow: it is ended (its sink
//   gets close()), as the API server drops slow watchers; the client re-watches.
// - Cancel by destroying the returned Watch (or calling stop()); after stop() returns, the sink
//   is never called again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/object_store.hpp"
#include "base/result.hpp"

namespace api {

// What a watcher receives.
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  // type: "ADDED", "MODIFIED", "DELETED"; object: as stored.
  virtual void event(std::string_view type, const StoredObject& object) = 0;
  // A watch-level error (the Status JSON); the watch ends after it.
  virtual void error(const std::string& status_json) = 0;
  // The watch ended (hub stopped it: too slow, or error already sent).
  virtual void close() = 0;
};

struct WatchRequest {
  std::string resource;                   // "jobs.batch"
  std::optional<std::string> name_space;  // nullopt: all namespaces
  std::optional<ResourceVersion> from_resource_version;
  // Which objects the watcher wants (label / field selectors); empty: all.
  std::function<bool(const StoredObject&)> filter;
};

class Watch {
 public:
  virtual ~Watch() = default;
  virtual void stop() = 0;
};

class WatchHub {
 public:
  explicit WatchHub(ObjectStore& store, std::size_t max_pending = 10000);
  ~WatchHub();

  void publish(const Change& change);
  base::Result<std::unique_ptr<Watch>> watch(WatchRequest request, std::shared_ptr<WatchSink> sink);

  std::size_t watcher_count() const;

 private:
  struct Watcher;
  class Handle;
  void remove(const std::shared_ptr<Watcher>& watcher);

  ObjectStore& store_;
  std::size_t max_pending_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
};

}  // namespace api
