// api/job_decode.hpp: JSON object -> api::Job, collecting field errors instead of stopping at
// the first one.
//
// Contract: every field of the input is either decoded into the Job or reported: a field
// Kubernetes defines but batchlet cannot honour yet is a Forbidden error naming its path (never
// silently dropped, whatever the mode), and a value of the wrong JSON type is an Invalid error.
// A field Kubernetes itself does not know is handled as the API server's fieldValidation says:
// Strict makes it a strict decoding error (HTTP 400), Warn a warning (HTTP `Warning` header),
// Ignore drops it; both texts read `unknown field "spec.foo"`. `status` is accepted and
// discarded, as the API server discards it on create. JSON null means "unset" for every
// optional field.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace api {

// The API server's ?fieldValidation= modes. kubectl sends Strict by default.
enum class FieldValidation { strict, warn, ignore };

struct DecodedJob {
  Job job;
  FieldErrors errors;                      // 422 Unprocessable Entity
  std::vector<std::string> strict_errors;  // Strict: `unknown field "spec.foo"` (400 Bad Request)
  std::vector<std::string> warnings;       // Warn: `unknown field "spec.foo"`
};

DecodedJob decode_job(const nlohmann::json& object, FieldValidation mode = FieldValidation::strict);

// The 400 Status message for strict decoding errors, as the API server words it:
// `Job in version "v1" cannot be handled as a Job: strict decoding error: unknown field "x", ...`.
std::string strict_decoding_message(std::string_view kind, const std::vector<std::string>& errors);

// The detail of the Forbidden error for fields outside what batchlet supports.
inline constexpr std::string_view kUnsupportedFieldDetail =
    "not supported by batchlet (see docs/compatibility.md)";

}  // namespace api
