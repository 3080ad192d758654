// api/pod_encode.hpp: ObjectMeta, PodSpec, PodStatus and Pod -> JSON exactly as the API server
// writes them.
//
// Contract: fields come in the Go struct order of k8s.io/api and follow its omitempty rules
// (see api/job_encode.hpp); quantities are written in their canonical form
// (api/quantity.hpp), as the API server returns them.
#pragma once

#include <nlohmann/json.hpp>

#include "api/object_meta.hpp"
#include "api/pod.hpp"
#include "api/pod_spec.hpp"

namespace api {

nlohmann::ordered_json encode_metadata(const ObjectMeta& meta);
nlohmann::ordered_json encode_pod_spec(const PodSpec& spec);
nlohmann::ordered_json encode_pod_status(const PodStatus& status);
// The whole Pod as the API server returns it (kind, apiVersion, metadata, spec, status).
nlohmann::ordered_json encode_pod(const Pod& pod);

}  // namespace api
