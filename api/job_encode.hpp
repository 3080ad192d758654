// api/job_encode.hpp: api::Job -> JSON exactly as the API server writes it.
//
// Contract: fields come in the Go struct order of k8s.io/api (kind, apiVersion, metadata, spec,
// status; then each struct's own order) and follow its omitempty rules: unset pointers and
// empty omitempty values are left out, while non-pointer structs always appear, which is why a
// template shows "creationTimestamp": null and a container "resources": {}. Timestamps are
// RFC 3339 in UTC with second precision.
#pragma once

#include <nlohmann/json.hpp>

#include "api/job.hpp"

namespace api {

nlohmann::ordered_json encode_job(const Job& job);

}  // namespace api
