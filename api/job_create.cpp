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
  apply_job_defaults(job);
  FieldErrors errors = validate_job_create(job);
  return {std::move(job), std::move(errors)};
}

}  // namespace api
