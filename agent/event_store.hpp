// agent/event_store.hpp: the EventSink that writes core/v1 Events into the object store, and
// the Job controller's EventRecorder on top of it.
//
// Contract:
// - A new (object uid, type, reason, message, component) makes a new Event named
//   "<object name>.<16 hex digits>" (upstream: name + "." + the time in hex) in the object's
//   namespace, count 1, firstTimestamp = lastTimestamp = now, source.component and
//   reportingComponent = the component, source.host and reportingInstance = the node name.
// - A repeat of the same five within kEventDedupWindow updates that Event: count + 1 and
//   lastTimestamp = now (the API server's event correlator/series). The memory of which Event
//   to bump is per process: after a restart the next repeat starts a new Event.
// - record() only queues; one writer thread stores what is queued as one group (Store's group
//   commit: one fsync for the Events of many pods). A write that fails is logged and dropped:
//   events are best effort, as in Kubernetes. The destructor writes what is still queued.
// - prune(now) deletes Events whose lastTimestamp is older than kEventTtl (the API server's
//   --event-ttl of 1 hour), so a long-running agent's store does not grow without bound, and
//   forgets the series past their dedup window.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "agent/event_sink.hpp"
#include "agent/pod_control.hpp"
#include "agent/store.hpp"
#include "api/event.hpp"
#include "api/object_store.hpp"
#include "api/pod.hpp"
#include "base/clock.hpp"

namespace agent {

inline constexpr std::chrono::minutes kEventDedupWindow{10};
inline constexpr std::chrono::hours kEventTtl{1};

class StoreEventSink final : public EventSink {
 public:
  StoreEventSink(Store& store, const base::Clock& clock, std::string node_name);
  ~StoreEventSink() override;
  StoreEventSink(const StoreEventSink&) = delete;
  StoreEventSink& operator=(const StoreEventSink&) = delete;

  void record(const InvolvedObject& object, std::string_view type, std::string_view reason,
              std::string_view message, std::string_view component) override;
  void flush() override;

  // Deletes expired Events; returns how many went.
  std::size_t prune(base::TimePoint now);

 private:
  struct Series {
    api::Event event;  // as last written
    std::string uid;
  };
  using SeriesKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;

  struct Queued {
    SeriesKey key;
    api::Event event;  // to create (count 1) or to update (a repeat)
    std::string uid;
    bool create = true;
  };

  void write_queued();  // the writer thread
  // Under mutex_: a new series for `key` starting with `event`'s content, queued for creation
  // (`retry`: in place of a refused write, which flush() still waits for).
  void start_series(SeriesKey key, api::Event event, base::TimePoint now, bool retry = false);

  Store& store_;
  const base::Clock& clock_;
  std::string node_name_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable queued_cv_;
  std::condition_variable written_cv_;
  std::mt19937_64 rng_;
  std::map<SeriesKey, Series> series_;
  std::vector<Queued> queue_;
  std::uint64_t queued_count_ = 0;
  std::uint64_t written_count_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

// The Job controller's events as core/v1 Events about the Job (component "job-controller").
class JobEventRecorder final : public EventRecorder {
 public:
  explicit JobEventRecorder(EventSink& sink) : sink_(sink) {}
  void record(const api::Job& job, std::string_view type, std::string_view reason,
              std::string_view message) override;

 private:
  EventSink& sink_;
};

InvolvedObject involved_job(const api::Job& job);
InvolvedObject involved_pod(const api::Pod& pod, std::string_view field_path = {});

}  // namespace agent
