// api/list_encode.hpp: the envelopes the API server wraps objects in: typed lists (JobList,
// PodList, EventList, NamespaceList), watch events, and the Namespace object itself.
//
// Contract: encode_list takes items already encoded as whole objects (with kind and apiVersion)
// and drops those two members from each, as typed list responses carry them only once, on the
// list. encode_watch_event keeps the object whole. Nothing here throws except std::bad_alloc.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/object_meta.hpp"

namespace api {

// {"kind": <kind>, "apiVersion": ..., "metadata": {"resourceVersion": ...}, "items": [...]}.
nlohmann::ordered_json encode_list(std::string_view kind, std::string_view api_version,
                                   const std::string& resource_version,
                                   std::vector<nlohmann::ordered_json> items);

// metav1.WatchEvent: type ADDED | MODIFIED | DELETED | BOOKMARK | ERROR.
nlohmann::ordered_json encode_watch_event(std::string_view type, nlohmann::ordered_json object);

// A core/v1 Namespace as the API server shows an active one: the
// kubernetes.io/metadata.name label (added by the server), spec.finalizers ["kubernetes"],
// status.phase Active (Terminating once deletionTimestamp is set).
nlohmann::ordered_json encode_namespace(ObjectMeta meta);

}  // namespace api
