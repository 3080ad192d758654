// api/event.hpp: the core/v1 Event (what `kubectl describe` and `kubectl get events` read) and
// its encoding exactly as the API server returns it (spec §7 lists the Job events).
//
// Contract: encode_event writes Go's field order and omitempty rules: zero timestamps are null,
// count and type are left out when empty, reportingComponent and reportingInstance are always
// written (they have no omitempty), eventTime is a MicroTime (RFC 3339 with microseconds).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/object_meta.hpp"
#include "base/clock.hpp"

namespace api {

// core/v1 ObjectReference (all fields omitempty).
struct ObjectReference {
  std::string kind;
  std::string namespace_;  // "namespace" in JSON
  std::string name;
  std::string uid;
  std::string api_version;
  std::string resource_version;
  std::string field_path;
};

struct EventSource {
  std::string component;  // e.g. "job-controller", "kubelet"
  std::string host;
};

inline constexpr std::string_view kEventNormal = "Normal";
inline constexpr std::string_view kEventWarning = "Warning";

struct Event {
  ObjectMeta metadata;
  ObjectReference involved_object;
  std::string reason;  // e.g. SuccessfulCreate, BackoffLimitExceeded
  std::string message;
  EventSource source;
  std::optional<base::TimePoint> first_timestamp;
  std::optional<base::TimePoint> last_timestamp;
  std::int32_t count = 0;
  std::string type;  // Normal | Warning
  std::optional<base::TimePoint> event_time;
  std::string action;
  std::string reporting_component;  // "reportingComponent"
  std::string reporting_instance;
};

nlohmann::ordered_json encode_event(const Event& event);

// metav1.MicroTime: "2026-11-23T18:00:00.000000Z".
std::string format_micro_time(base::TimePoint t);

}  // namespace api
