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

// Upstream ValidateJob: validate_job_create with the generated-selector check of the
// batch.kubernetes.io/ labels optional (updates of jobs created before those labels existed).
FieldErrors validate_job(const Job& job, bool require_prefixed_labels);

// How field errors print a SuccessPolicy (a deterministic stand-in for Go's %#v).
std::string go_success_policy(const SuccessPolicy& policy);

}  // namespace api
