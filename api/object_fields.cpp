#include "api/object_fields.hpp"

#include "api/json_fields.hpp"

namespace api {

using json_fields::text_at;
using nlohmann::ordered_json;

std::map<std::string, std::string> selectable_fields(std::string_view resource,
                                                     const ordered_json& object) {
  std::map<std::string, std::string> fields = {
      {"metadata.name", text_at(object, {"metadata", "name"})},
      {"metadata.namespace", text_at(object, {"metadata", "namespace"})},
  };
  if (resource == "jobs") {
    std::string succeeded = text_at(object, {"status", "succeeded"});
    fields["status.successful"] = succeeded.empty() ? "0" : succeeded;
  } else if (resource == "pods") {
    for (const char* spec : {"nodeName", "restartPolicy", "schedulerName", "serviceAccountName"}) {
      fields[std::string("spec.") + spec] = text_at(object, {"spec", spec});
    }
    const std::string host_network = text_at(object, {"spec", "hostNetwork"});
    fields["spec.hostNetwork"] = host_network.empty() ? "false" : host_network;
    for (const char* status : {"phase", "podIP", "nominatedNodeName"}) {
      fields[std::string("status.") + status] = text_at(object, {"status", status});
    }
    fields["status.podIPs"] = text_at(object, {"status", "podIP"});
  } else if (resource == "events") {
    for (const char* involved :
         {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}) {
      fields[std::string("involvedObject.") + involved] =
          text_at(object, {"involvedObject", involved});
    }
    fields["reason"] = text_at(object, {"reason"});
    fields["reportingComponent"] = text_at(object, {"reportingComponent"});
    fields["source"] = text_at(object, {"source", "component"});
    fields["type"] = text_at(object, {"type"});
  } else if (resource == "namespaces") {
    fields["status.phase"] = text_at(object, {"status", "phase"});
  }
  return fields;
}

}  // namespace api
