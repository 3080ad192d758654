#include "api/list_encode.hpp"

#include "api/pod_encode.hpp"

namespace api {

using nlohmann::ordered_json;

ordered_json encode_list(std::string_view kind, std::string_view api_version,
                         const std::string& resource_version, std::vector<ordered_json> items) {
  ordered_json out = ordered_json::object();
  out["kind"] = kind;
  out["apiVersion"] = api_version;
  ordered_json meta = ordered_json::object();
  if (!resource_version.empty()) meta["resourceVersion"] = resource_version;
  out["metadata"] = std::move(meta);
  ordered_json list = ordered_json::array();
  for (auto& item : items) {
    item.erase("kind");
    item.erase("apiVersion");
    list.push_back(std::move(item));
  }
  out["items"] = std::move(list);
  return out;
}

ordered_json encode_watch_event(std::string_view type, ordered_json object) {
  ordered_json out = ordered_json::object();
  out["type"] = type;
  out["object"] = std::move(object);
  return out;
}

ordered_json encode_namespace(ObjectMeta meta) {
  meta.labels["kubernetes.io/metadata.name"] = meta.name;
  const bool terminating = meta.deletion_timestamp.has_value();
  ordered_json out = ordered_json::object();
  out["kind"] = "Namespace";
  out["apiVersion"] = "v1";
  out["metadata"] = encode_metadata(meta);
  out["spec"] = {{"finalizers", {"kubernetes"}}};
  out["status"] = {{"phase", terminating ? "Terminating" : "Active"}};
  return out;
}

}  // namespace api
