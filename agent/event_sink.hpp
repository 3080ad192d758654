// agent/event_sink.hpp: where every component of the agent reports core/v1 Events (the job
// controller as "job-controller", the pod manager as "kubelet", spec §7).
//
// Contract: record() never fails and never waits for I/O: the store-backed sink
// (agent/event_store.hpp) queues the Event and writes it in the background (as client-go's
// event broadcaster does), folds a repeat of the same (object, type, reason, message, source)
// into the existing Event's count and lastTimestamp, as the API server's event correlator does,
// and logs a write that fails instead of reporting it. flush() returns once every Event recorded
// before the call is written (or dropped): a component calls it before writing a status the
// Events explain, so nobody sees the status without them. Safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace agent {

// The object an Event is about (core/v1 ObjectReference).
struct InvolvedObject {
  std::string kind;         // "Job", "Pod"
  std::string api_version;  // "batch/v1", "v1"
  std::string name_space;
  std::string name;
  std::string uid;
  std::string resource_version;
  std::string field_path;  // "spec.containers{pi}" for kubelet container events, else empty
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // type: "Normal" | "Warning"; component: "job-controller" | "kubelet".
  virtual void record(const InvolvedObject& object, std::string_view type, std::string_view reason,
                      std::string_view message, std::string_view component) = 0;
  virtual void flush() {}
};

}  // namespace agent
