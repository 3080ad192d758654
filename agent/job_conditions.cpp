#include "agent/job_conditions.hpp"

#include <algorithm>
#include <tuple>

namespace agent {

api::JobCondition new_condition(std::string_view type, std::string_view status,
                                std::string_view reason, std::string_view message,
                                base::TimePoint now) {
  api::JobCondition c;
  c.type = type;
  c.status = status;
  c.reason = reason;
  c.message = message;
  c.last_probe_time = now;
  c.last_transition_time = now;
  return c;
}

bool ensure_condition(std::vector<api::JobCondition>& conditions, std::string_view type,
                      std::string_view status, std::string_view reason, std::string_view message,
                      base::TimePoint now) {
  const auto it = std::find_if(conditions.begin(), conditions.end(),
                               [&](const api::JobCondition& c) { return c.type == type; });
  if (it != conditions.end()) {
    if (it->status == status && it->reason == reason && it->message == message) return false;
    *it = new_condition(type, status, reason, message, now);
    return true;
  }
  if (status == "False") return false;
  conditions.push_back(new_condition(type, status, reason, message, now));
  return true;
}

namespace {

auto condition_fields(const api::JobCondition& c) {
  return std::tie(c.type, c.status, c.reason, c.message, c.last_probe_time, c.last_transition_time);
}

bool same_uncounted(const std::optional<api::UncountedTerminatedPods>& a,
                    const std::optional<api::UncountedTerminatedPods>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->succeeded == b->succeeded && a->failed == b->failed);
}

}  // namespace

bool same_status(const api::JobStatus& a, const api::JobStatus& b) {
  if (a.conditions.size() != b.conditions.size()) return false;
  for (std::size_t i = 0; i < a.conditions.size(); ++i) {
    if (condition_fields(a.conditions[i]) != condition_fields(b.conditions[i])) return false;
  }
  return a.start_time == b.start_time && a.completion_time == b.completion_time &&
         a.active == b.active && a.succeeded == b.succeeded && a.failed == b.failed &&
         a.terminating == b.terminating && a.completed_indexes == b.completed_indexes &&
         a.failed_indexes == b.failed_indexes && a.ready == b.ready &&
         same_uncounted(a.uncounted_terminated_pods, b.uncounted_terminated_pods);
}

}  // namespace agent
