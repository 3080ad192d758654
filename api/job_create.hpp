// api/job_create.hpp: what the API server does with a Job on create, in its order: decode,
// default, prepare (uid, name, generated selector), validate, then default again as the stored
// object is read back.
//
// Contract: an empty `errors` means the Job is exactly what the API server would store.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <random>

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace api {

struct CreatedJob {
  Job job;
  FieldErrors errors;
};

CreatedJob create_job(const nlohmann::json& object, base::TimePoint now, std::mt19937_64& rng);

}  // namespace api
