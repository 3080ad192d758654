// api/stored_pod.hpp: a Pod as the store holds it back into api::Pod (metadata with the
// server-set fields, spec, status) — the reader side of api/pod_encode.hpp.
//
// Contract: decode_stored_pod() accepts what encode_pod() writes (round trip), ignores
// managedFields and fields it does not know, and reports a document that is not a v1 Pod or
// whose spec does not decode as an error naming why (the store only holds validated pods).
// The spec is read by the same decoder that reads a Job's pod template, so the two never
// disagree on a field.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/pod.hpp"
#include "base/result.hpp"

namespace api {

base::Result<Pod> decode_stored_pod(const nlohmann::json& object);
base::Result<PodStatus> decode_pod_status(const nlohmann::json& status);

}  // namespace api
