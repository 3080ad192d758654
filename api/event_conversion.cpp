#include "api/event_conversion.hpp"

#include <utility>

namespace api {

using nlohmann::ordered_json;

ordered_json events_v1_from_core(const ordered_json& event) {
  ordered_json out = {{"kind", "Event"}, {"apiVersion", "events.k8s.io/v1"}};
  if (!event.is_object()) return out;
  static const std::pair<const char*, const char*> kFields[] = {
      {"metadata", "metadata"},
      {"eventTime", "eventTime"},
      {"series", "series"},
      {"reportingComponent", "reportingController"},
      {"reportingInstance", "reportingInstance"},
      {"action", "action"},
      {"reason", "reason"},
      {"involvedObject", "regarding"},
      {"related", "related"},
      {"message", "note"},
      {"type", "type"},
      {"source", "deprecatedSource"},
      {"firstTimestamp", "deprecatedFirstTimestamp"},
      {"lastTimestamp", "deprecatedLastTimestamp"},
      {"count", "deprecatedCount"},
  };
  for (const auto& [from, to] : kFields) {
    if (auto it = event.find(from); it != event.end() && !it->is_null()) out[to] = *it;
  }
  if (!out.contains("eventTime")) out["eventTime"] = nullptr;
  return out;
}

}  // namespace api
