#include "agent/pod_failure_policy.hpp"

#include <algorithm>

namespace agent {
namespace {

// The first container of `init` kind whose current state is a non-zero exit that the
// requirement matches.
const TerminatedContainer* matching_container(const ControllerPod& pod, bool init,
                                              const api::PodFailurePolicyOnExitCodes& req) {
  for (const TerminatedContainer& c : pod.terminated_containers) {
    if (c.init != init || c.exit_code == 0) continue;
    if (req.container_name && *req.container_name != c.name) continue;
    const bool listed =
        std::find(req.values.begin(), req.values.end(), c.exit_code) != req.values.end();
    if (listed == (req.operator_ == "In")) return &c;
  }
  return nullptr;
}

const PodConditionView* matching_condition(
    const ControllerPod& pod, const std::vector<api::PodFailurePolicyOnPodConditionsPattern>& req) {
  for (const PodConditionView& c : pod.conditions) {
    for (const auto& pattern : req) {
      if (c.type == pattern.type && c.status == pattern.status) return &c;
    }
  }
  return nullptr;
}

FailureAction action_of(const std::string& action) {
  if (action == "FailJob") return FailureAction::fail_job;
  if (action == "FailIndex") return FailureAction::fail_index;
  if (action == "Ignore") return FailureAction::ignore;
  return FailureAction::count;
}

std::string pod_ref(const ControllerPod& pod) { return pod.namespace_ + "/" + pod.name; }

}  // namespace

FailureVerdict match_pod_failure_policy(const api::Job& job, const ControllerPod& pod) {
  FailureVerdict verdict;
  if (!job.spec.pod_failure_policy) return verdict;
  const auto& rules = job.spec.pod_failure_policy->rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const api::PodFailurePolicyRule& rule = rules[i];
    const std::string at = " matching " + rule.action + " rule at index " + std::to_string(i);
    if (rule.on_exit_codes) {
      const TerminatedContainer* c = matching_container(pod, false, *rule.on_exit_codes);
      if (!c) c = matching_container(pod, true, *rule.on_exit_codes);
      if (!c) continue;
      verdict.action = action_of(rule.action);
      if (verdict.action == FailureAction::fail_job) {
        verdict.fail_job_message = "Container " + c->name + " for pod " + pod_ref(pod) +
                                   " failed with exit code " + std::to_string(c->exit_code) + at;
      }
      return verdict;
    }
    if (!rule.on_pod_conditions.empty()) {
      const PodConditionView* c = matching_condition(pod, rule.on_pod_conditions);
      if (!c) continue;
      verdict.action = action_of(rule.action);
      if (verdict.action == FailureAction::fail_job) {
        verdict.fail_job_message = "Pod " + pod_ref(pod) + " has condition " + c->type + at;
      }
      return verdict;
    }
  }
  return verdict;
}

std::optional<std::string> fail_job_message(const api::Job& job,
                                            const std::vector<ControllerPod>& pods) {
  if (!job.spec.pod_failure_policy) return std::nullopt;
  for (const ControllerPod& p : pods) {
    if (!is_pod_failed(p, job)) continue;
    FailureVerdict verdict = match_pod_failure_policy(job, p);
    if (verdict.action == FailureAction::fail_job) return std::move(verdict.fail_job_message);
  }
  return std::nullopt;
}

std::optional<std::string> match_success_policy(const api::Job& job,
                                                const api::IndexSet& succeeded) {
  if (!job.spec.success_policy || succeeded.empty() || !job.spec.completions) {
    return std::nullopt;
  }
  const auto& rules = job.spec.success_policy->rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const api::SuccessPolicyRule& rule = rules[i];
    bool met = false;
    if (rule.succeeded_indexes) {
      const api::IndexSet required =
          api::parse_indexes_lenient(*rule.succeeded_indexes, *job.spec.completions);
      if (required.empty()) continue;  // nothing readable below completions
      std::int64_t done = 0;
      for (const api::IndexInterval& r : required.intervals()) {
        for (const api::IndexInterval& s : succeeded.intervals()) {
          const std::int64_t overlap =
              std::int64_t{std::min(r.last, s.last)} - std::max(r.first, s.first) + 1;
          if (overlap > 0) done += overlap;
        }
      }
      met = done == required.count() || (rule.succeeded_count && done >= *rule.succeeded_count);
    } else if (rule.succeeded_count) {
      met = succeeded.count() >= *rule.succeeded_count;
    }
    if (met) return "Matched rules at index " + std::to_string(i);
  }
  return std::nullopt;
}

}  // namespace agent
