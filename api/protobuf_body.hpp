// api/protobuf_body.hpp: Kubernetes protobuf request bodies -> the JSON object a JSON client would
// have sent, so one pipeline (create_job: decode, default, validate) serves both encodings.
//
// Why: `kubectl create job` and `kubectl create namespace` send only
// `Content-Type: application/vnd.kubernetes.protobuf` and do not retry a 415 as JSON.
//
// Contract of decode_protobuf_body(body):
// - `body` is "k8s\0" followed by a runtime.Unknown (api/proto/runtime.proto) whose typeMeta names
//   a served kind (batch/v1 Job, v1 Namespace) and whose raw bytes are that object's message
//   (api/proto/*.proto, upstream's field numbers). contentEncoding must be empty and contentType
//   empty or application/vnd.kubernetes.protobuf.
// - The result is {"apiVersion", "kind", then the object's fields by their JSON names}, with the
//   JSON form of every Go type: a Time is RFC 3339 text (an empty Time is Go's zero time and is
//   left out, like JSON null), a Quantity its string, embedded structs (Volume's VolumeSource,
//   Probe's ProbeHandler) merged into their parent. A zero value of a Go value field is left out
//   (omitempty: Go's marshaller writes those fields always); a field Go holds as a pointer is kept
//   whenever it is on the wire, even when zero (e.g. backoffLimit: 0). See
//   api/proto/k8s_options.proto.
// - Nothing is dropped: every field of our subset that is set appears in the JSON, so the JSON
//   decoder accepts or rejects it exactly as when a JSON client sent it. A field on the wire that
//   the subset does not define is an error naming its number, message and JSON path:
//   `protobuf: unsupported field 18 in k8s.io.api.core.v1.PodSpec at spec.template.spec`; a
//   known number with another wire type is `protobuf: field 1 (name) has the wrong wire type in
//   ...ObjectMeta at metadata`.
// - Malformed input (short body, wrong magic, truncated or invalid wire data, an unserved kind,
//   a string that is not UTF-8, a time outside what base::TimePoint holds) is an error starting
//   with "protobuf: ". Never throws (except std::bad_alloc), never aborts.
// - HTTP mapping: every error is the client's malformed body: 400 BadRequest, as the API server
//   answers an undecodable body or (with fieldValidation=Strict) an unknown JSON field.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/result.hpp"

namespace api {

// The media type of Kubernetes protobuf bodies (Content-Type and Accept).
inline constexpr std::string_view kProtobufMediaType = "application/vnd.kubernetes.protobuf";

// The 4 bytes before every Kubernetes protobuf body.
inline constexpr std::string_view kProtobufMagic{"k8s\0", 4};

base::Result<nlohmann::json> decode_protobuf_body(std::string_view body);

}  // namespace api
