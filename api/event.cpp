#include "api/event.hpp"

#include <chrono>
#include <cstdio>

#include "api/json_fields.hpp"
#include "api/pod_encode.hpp"

namespace api {

using nlohmann::ordered_json;
using namespace json_fields;

std::string format_micro_time(base::TimePoint t) {
  std::string seconds = format_time(t);  // ...T18:00:00Z, second precision
  const auto since_epoch = t.time_since_epoch();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    since_epoch - std::chrono::floor<std::chrono::seconds>(since_epoch))
                    .count();
  char fraction[32];  // ".123456" fits; the size covers any long long for -Wformat-truncation
  std::snprintf(fraction, sizeof fraction, ".%06lld", static_cast<long long>(micros));
  seconds.insert(seconds.size() - 1, fraction);
  return seconds;
}

ordered_json encode_event(const Event& e) {
  ordered_json out = ordered_json::object();
  out["kind"] = "Event";
  out["apiVersion"] = "v1";
  out["metadata"] = encode_metadata(e.metadata);
  ordered_json ref = ordered_json::object();
  put_string(ref, "kind", e.involved_object.kind);
  put_string(ref, "namespace", e.involved_object.namespace_);
  put_string(ref, "name", e.involved_object.name);
  put_string(ref, "uid", e.involved_object.uid);
  put_string(ref, "apiVersion", e.involved_object.api_version);
  put_string(ref, "resourceVersion", e.involved_object.resource_version);
  put_string(ref, "fieldPath", e.involved_object.field_path);
  out["involvedObject"] = std::move(ref);
  put_string(out, "reason", e.reason);
  put_string(out, "message", e.message);
  ordered_json source = ordered_json::object();
  put_string(source, "component", e.source.component);
  put_string(source, "host", e.source.host);
  out["source"] = std::move(source);
  out["firstTimestamp"] = time_or_null(e.first_timestamp);
  out["lastTimestamp"] = time_or_null(e.last_timestamp);
  if (e.count != 0) out["count"] = e.count;
  put_string(out, "type", e.type);
  out["eventTime"] =
      e.event_time ? ordered_json(format_micro_time(*e.event_time)) : ordered_json(nullptr);
  put_string(out, "action", e.action);
  out["reportingComponent"] = e.reporting_component;
  out["reportingInstance"] = e.reporting_instance;
  return out;
}

}  // namespace api
