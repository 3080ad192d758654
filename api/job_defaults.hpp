// api/job_defaults.hpp: what the API server fills in for a Job (spec §2.1, §2.2).
//
// apply_job_defaults() is the decode-time defaulting and may run any number of times with the
// same result. prepare_job_for_create() is the registry's create step (status wiped, uid,
// generation 1, creation time, name from generateName, generated selector and template
// labels); call
// apply_job_defaults() before and after it, as the API server does on the request and on
// read-back.
#pragma once

#include <random>

#include "api/job.hpp"

namespace api {

void apply_job_defaults(Job& job);

void prepare_job_for_create(Job& job, base::TimePoint now, std::mt19937_64& rng);

// imagePullPolicy default: Always for a ":latest" or untagged image, else IfNotPresent.
std::string default_pull_policy(std::string_view image);

}  // namespace api
