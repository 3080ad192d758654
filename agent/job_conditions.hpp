// agent/job_conditions.hpp: Job condition bookkeeping and status comparison for the controller.
//
// Contract:
// - new_condition(): status/reason/message with lastProbeTime = lastTransitionTime = now.
// - ensure_condition(): upstream ensureJobConditionStatus: updates the condition of that type in
//   place when status, reason or message differ (all fields renewed), appends it when absent
//   unless the status is False (a False condition is never added from nothing); returns whether
//   the list changed.
// - same_status(): field-by-field equality, to decide whether a status write is needed.
#pragma once

#include <string_view>
#include <vector>

#include "api/job.hpp"
#include "base/clock.hpp"

namespace agent {

// Reasons and messages the controller writes that api/job.hpp does not name (spec §4.9,
// §4.12-§4.14).
inline constexpr std::string_view kReasonJobSuspended = "JobSuspended";
inline constexpr std::string_view kMessageJobSuspended = "Job suspended";
inline constexpr std::string_view kReasonJobResumed = "JobResumed";
inline constexpr std::string_view kMessageJobResumed = "Job resumed";
inline constexpr std::string_view kReasonPodFailurePolicy = "PodFailurePolicy";
inline constexpr std::string_view kReasonMaxFailedIndexesExceeded = "MaxFailedIndexesExceeded";
inline constexpr std::string_view kMessageMaxFailedIndexesExceeded =
    "Job has exceeded the specified maximal number of failed indexes";
inline constexpr std::string_view kReasonFailedIndexes = "FailedIndexes";
inline constexpr std::string_view kMessageFailedIndexes = "Job has failed indexes";
inline constexpr std::string_view kReasonSuccessPolicy = "SuccessPolicy";

api::JobCondition new_condition(std::string_view type, std::string_view status,
                                std::string_view reason, std::string_view message,
                                base::TimePoint now);

bool ensure_condition(std::vector<api::JobCondition>& conditions, std::string_view type,
                      std::string_view status, std::string_view reason, std::string_view message,
                      base::TimePoint now);

bool same_status(const api::JobStatus& a, const api::JobStatus& b);

}  // namespace agent
