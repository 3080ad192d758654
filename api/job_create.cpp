#include "api/job_create.hpp"

#include "api/job_defaults.hpp"
#include "api/job_validation.hpp"
#include "api/name_rules.hpp"

namespace api {
namespace {

// Upstream's completionsSoftLimit and parallelismSoftLimitForUnlimitedCompletions.
constexpr std::int32_t kCompletionsSoftLimit = 100000;
constexpr std::int32_t kParallelismSoftLimit = 10000;

}  // namespace

std::vector<std::string> job_create_warnings(const Job& job) {
  std::vector<std::string> out;
  const auto reasons = dns1123_label_errors(job.metadata.name);
  if (!reasons.empty()) {
    // Go's %v of a []string: the elements space-separated in brackets.
    std::string text =
        "metadata.name: this is used in Pod names and hostnames, which can result in surprising "
        "behavior; a DNS label is recommended: [";
    for (std::size_t i = 0; i < reasons.size(); ++i) {
      if (i > 0) text += ' ';
      text += reasons[i];
    }
    text += ']';
    out.push_back(std::move(text));
  }
  const JobSpec& spec = job.spec;
  if (spec.completion_mode == "Indexed" && spec.completions.value_or(0) > kCompletionsSoftLimit &&
      spec.parallelism.value_or(0) > kParallelismSoftLimit) {
    out.push_back(
        "spec: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism "
        "higher than 10^4, Kubernetes might not be able to track completedIndexes when a big "
        "number of indexes fail");
  }
  return out;
}

CreatedJob create_job(const nlohmann::json& object, base::TimePoint now, std::mt19937_64& rng,
                      FieldValidation mode) {
  DecodedJob decoded = decode_job(object, mode);
  CreatedJob out;
  out.warnings = std::move(decoded.warnings);
  if (!decoded.strict_errors.empty()) {
    out.job = std::move(decoded.job);
    out.bad_request = strict_decoding_message("Job", decoded.strict_errors);
    return out;
  }
  if (!decoded.errors.empty()) {
    out.job = std::move(decoded.job);
    out.errors = std::move(decoded.errors);
    return out;
  }
  out.job = std::move(decoded.job);
  apply_job_defaults(out.job);
  prepare_job_for_create(out.job, now, rng);
  out.errors = validate_job_create(out.job);
  // Defaulting runs again when the stored object is read back (spec §2.1.4): that is when a Job
  // without labels shows the generated ones; validation sees the object before it.
  apply_job_defaults(out.job);
  if (out.errors.empty()) {
    for (auto& w : job_create_warnings(out.job)) out.warnings.push_back(std::move(w));
  }
  return out;
}

}  // namespace api
