// api/job_validation.hpp: create-time validation of a defaulted, prepared Job (spec §3.2), in
// the API server's order, with its messages byte for byte.
//
// Contract: the input has been through apply_job_defaults() and prepare_job_for_create(); an
// empty result means the API server would accept the Job.
#pragma once

#include "api/field_error.hpp"
#include "api/job.hpp"

namespace api {

FieldErrors validate_job_create(const Job& job);

}  // namespace api
