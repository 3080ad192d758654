// api/status.hpp: the meta/v1 Status object the API server sends back with a failed request
// (k8s.io/apimachinery pkg/api/errors, metav1.Status), so clients such as kubectl print our errors
// exactly as they print the API server's.
//
// Contract:
// - Members appear in metav1.Status's Go field order (kind, apiVersion, metadata, status, message,
//   reason, details, code; details: name, group, kind, causes; cause: reason, message, field), and
//   members Go marks omitempty are left out when empty, so dump() gives the same JSON value the
//   API server writes. encode_status() also matches its bytes.
// - invalid_status() is upstream NewInvalid: code 422, reason Invalid, one cause per error (in
//   order, duplicates kept) whose reason is the error's CauseType and whose message is the error
//   without its "field: " prefix; the message is `<Kind>.<group> "<name>" is invalid: <errors>`
//   with errors whose text repeats an earlier one dropped (upstream ToAggregate), or
//   `... is invalid` when there are none.
// - Nothing throws except std::bad_alloc.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/field_error.hpp"

namespace api {

// A 422 Invalid for an object of `kind` in API group `group` ("" for the core group).
nlohmann::ordered_json invalid_status(std::string_view group, std::string_view kind,
                                      std::string_view name, const FieldErrors& errors);

// Any other failure, e.g. failure_status(404, "NotFound", R"(jobs.batch "pi" not found)").
// An empty reason or message is left out, as upstream does.
nlohmann::ordered_json failure_status(int code, std::string_view reason, std::string_view message);

// The bytes Go's encoding/json writes for `status` (what the API server sends, without the
// trailing newline of json.Encoder): compact, '<' '>' '&' U+2028 U+2029 escaped as \u003c ...;
// invalid UTF-8 (which the YAML codec never produces) becomes U+FFFD instead of throwing.
std::string encode_status(const nlohmann::ordered_json& status);

}  // namespace api
