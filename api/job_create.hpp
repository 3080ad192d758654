// api/job_create.hpp: what the API server does with a Job on create, in its order: decode,
// default, prepare (uid, name, generated selector), validate, then default again as the stored
// object is read back.
//
// Contract: an empty `errors` and no `bad_request` means the Job is exactly what the API server
// would store. `bad_request` is the 400 message of a strict decoding failure (validation did not
// run); `errors` are the 422 field errors. `warnings` are what the API server sends as `Warning`
// headers: unknown fields under FieldValidation::warn (even when the create fails), then, only
// for a Job that passed validation, the registry's create warnings (spec §2.2).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "api/field_error.hpp"
#include "api/job.hpp"
#include "api/job_decode.hpp"

namespace api {

struct CreatedJob {
  Job job;
  FieldErrors errors;
  std::optional<std::string> bad_request;
  std::vector<std::string> warnings;
};

CreatedJob create_job(const nlohmann::json& object, base::TimePoint now, std::mt19937_64& rng,
                      FieldValidation mode = FieldValidation::strict);

// The registry's WarningsOnCreate for a valid Job: a name that is not a DNS label, and Indexed
// jobs too large to track failed indexes reliably.
std::vector<std::string> job_create_warnings(const Job& job);

}  // namespace api
