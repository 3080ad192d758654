#include "api/job_create.hpp"

#include "api/job_decode.hpp"
#include "api/job_defaults.hpp"
#include "api/job_validation.hpp"

namespace api {

CreatedJob create_job(const nlohmann::json& object, base::TimePoint now, std::mt19937_64& rng) {
  DecodedJob decoded = decode_job(object);
  if (!decoded.errors.empty()) return {std::move(decoded.job), std::move(decoded.errors)};
  Job job = std::move(decoded.job);
  apply_job_defaults(job);
  prepare_job_for_create(job, now, rng);
  FieldErrors errors = validate_job_create(job);
  // Defaulting runs again when the stored object is read back (spec §2.1.4): that is when a Job
  // without labels shows the generated ones; validation sees the object before it.
  apply_job_defaults(job);
  return {std::move(job), std::move(errors)};
}

}  // namespace api
