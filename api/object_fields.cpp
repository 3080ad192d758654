#include "api/object_fields.hpp"

namespace api {

namespace {

using nlohmann::ordered_json;

std::string field_text(const ordered_json& object, std::initializer_list<const char*> path) {
  const ordered_json* at = &object;
  for (const char* key : path) {
    if (!at->is_object()) return {};
    auto it = at->find(key);
    if (it == at->end()) return {};
    at = &*it;
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_boolean()) return at->get<bool>() ? "true" : "false";
  if (at->is_number_integer()) return std::to_string(at->get<std::int64_t>());
  return {};
}

}  // namespace

std::map<std::string, std::string> selectable_fields(std::string_view resource,
                                                     const ordered_json& object) {
  std::map<std::string, std::string> fields = {
      {"metadata.name", field_text(object, {"metadata", "name"})},
      {"metadata.namespace", field_text(object, {"metadata", "namespace"})},
  };
  if (resource == "jobs") {
    std::string succeeded = field_text(object, {"status", "succeeded"});
    fields["status.successful"] = succeeded.empty() ? "0" : succeeded;
  } else if (resource == "pods") {
    for (const char* spec : {"nodeName", "restartPolicy", "schedulerName", "serviceAccountName"}) {
      fields[std::string("spec.") + spec] = field_text(object, {"spec", spec});
    }
    const std::string host_network = field_text(object, {"spec", "hostNetwork"});
    fields["spec.hostNetwork"] = host_network.empty() ? "false" : host_network;
    for (const char* status : {"phase", "podIP", "nominatedNodeName"}) {
      fields[std::string("status.") + status] = field_text(object, {"status", status});
    }
    fields["status.podIPs"] = field_text(object, {"status", "podIP"});
  } else if (resource == "events") {
    for (const char* involved :
         {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}) {
      fields[std::string("involvedObject.") + involved] =
          field_text(object, {"involvedObject", involved});
    }
    fields["reason"] = field_text(object, {"reason"});
    fields["reportingComponent"] = field_text(object, {"reportingComponent"});
    fields["source"] = field_text(object, {"source", "component"});
    fields["type"] = field_text(object, {"type"});
  } else if (resource == "namespaces") {
    fields["status.phase"] = field_text(object, {"status", "phase"});
  }
  return fields;
}

}  // namespace api
