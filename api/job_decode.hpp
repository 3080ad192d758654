// api/job_decode.hpp: JSON object -> api::Job, collecting field errors instead of stopping at
// the first one.
//
// Contract: every field of the input is either decoded into the Job or reported: a field
// batchlet cannot honour yet is a Forbidden error naming its path (never silently dropped), and
// a value of the wrong JSON type is an Invalid error. `status` is accepted and discarded, as the
// API server discards it on create. JSON null means "unset" for every optional field.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace api {

struct DecodedJob {
  Job job;
  FieldErrors errors;
};

DecodedJob decode_job(const nlohmann::json& object);

// The detail of the Forbidden error for fields outside what batchlet supports.
inline constexpr std::string_view kUnsupportedFieldDetail =
    "not supported by batchlet (see docs/compatibility.md)";

}  // namespace api
