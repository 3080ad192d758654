#include "api/job_encode.hpp"

#include "api/json_fields.hpp"
#include "api/pod_encode.hpp"

namespace api {
namespace {

using nlohmann::ordered_json;

using namespace json_fields;

ordered_json encode(const PodFailurePolicy& policy) {
  ordered_json rules = ordered_json::array();
  for (const auto& rule : policy.rules) {
    ordered_json item = {{"action", rule.action}};
    if (rule.on_exit_codes) {
      ordered_json codes = ordered_json::object();
      put_optional(codes, "containerName", rule.on_exit_codes->container_name);
      codes["operator"] = rule.on_exit_codes->operator_;
      codes["values"] = rule.on_exit_codes->values;
      item["onExitCodes"] = std::move(codes);
    }
    // onPodConditions has no omitempty in k8s.io/api, so it is always written. batchlet writes
    // an empty list as []; Go would write a nil slice as null (not verified against a server).
    ordered_json patterns = ordered_json::array();
    for (const auto& p : rule.on_pod_conditions) {
      patterns.push_back({{"type", p.type}, {"status", p.status}});
    }
    item["onPodConditions"] = std::move(patterns);
    rules.push_back(std::move(item));
  }
  return {{"rules", std::move(rules)}};
}

ordered_json encode(const SuccessPolicy& policy) {
  ordered_json rules = ordered_json::array();
  for (const auto& rule : policy.rules) {
    ordered_json item = ordered_json::object();
    put_optional(item, "succeededIndexes", rule.succeeded_indexes);
    put_optional(item, "succeededCount", rule.succeeded_count);
    rules.push_back(std::move(item));
  }
  return {{"rules", std::move(rules)}};
}

ordered_json encode_spec(const JobSpec& spec) {
  ordered_json out = ordered_json::object();
  put_optional(out, "parallelism", spec.parallelism);
  put_optional(out, "completions", spec.completions);
  put_optional(out, "activeDeadlineSeconds", spec.active_deadline_seconds);
  if (spec.pod_failure_policy) out["podFailurePolicy"] = encode(*spec.pod_failure_policy);
  if (spec.success_policy) out["successPolicy"] = encode(*spec.success_policy);
  put_optional(out, "backoffLimit", spec.backoff_limit);
  put_optional(out, "backoffLimitPerIndex", spec.backoff_limit_per_index);
  put_optional(out, "maxFailedIndexes", spec.max_failed_indexes);
  if (spec.selector) {
    ordered_json selector = ordered_json::object();
    put_labels(selector, "matchLabels", spec.selector->match_labels);
    if (!spec.selector->match_expressions.empty()) {
      ordered_json expressions = ordered_json::array();
      for (const auto& r : spec.selector->match_expressions) {
        ordered_json item = {{"key", r.key}, {"operator", r.operator_}};
        put_list(item, "values", r.values);
        expressions.push_back(std::move(item));
      }
      selector["matchExpressions"] = std::move(expressions);
    }
    out["selector"] = std::move(selector);
  }
  put_optional(out, "manualSelector", spec.manual_selector);
  out["template"] = {{"metadata", encode_metadata(spec.template_.metadata)},
                     {"spec", encode_pod_spec(spec.template_.spec)}};
  put_optional(out, "ttlSecondsAfterFinished", spec.ttl_seconds_after_finished);
  put_optional(out, "completionMode", spec.completion_mode);
  put_optional(out, "suspend", spec.suspend);
  put_optional(out, "podReplacementPolicy", spec.pod_replacement_policy);
  put_optional(out, "managedBy", spec.managed_by);
  return out;
}

ordered_json encode_status(const JobStatus& st) {
  ordered_json out = ordered_json::object();
  if (!st.conditions.empty()) {
    ordered_json conditions = ordered_json::array();
    for (const auto& c : st.conditions) {
      ordered_json item = {{"type", c.type},
                           {"status", c.status},
                           {"lastProbeTime", format_time(c.last_probe_time)},
                           {"lastTransitionTime", format_time(c.last_transition_time)}};
      put_string(item, "reason", c.reason);
      put_string(item, "message", c.message);
      conditions.push_back(std::move(item));
    }
    out["conditions"] = std::move(conditions);
  }
  if (st.start_time) out["startTime"] = format_time(*st.start_time);
  if (st.completion_time) out["completionTime"] = format_time(*st.completion_time);
  if (st.active != 0) out["active"] = st.active;
  if (st.succeeded != 0) out["succeeded"] = st.succeeded;
  if (st.failed != 0) out["failed"] = st.failed;
  put_optional(out, "terminating", st.terminating);
  put_string(out, "completedIndexes", st.completed_indexes);
  put_optional(out, "failedIndexes", st.failed_indexes);
  if (st.uncounted_terminated_pods) {
    ordered_json uncounted = ordered_json::object();
    const auto& u = *st.uncounted_terminated_pods;
    if (!u.succeeded.empty()) uncounted["succeeded"] = u.succeeded;
    if (!u.failed.empty()) uncounted["failed"] = u.failed;
    out["uncountedTerminatedPods"] = std::move(uncounted);
  }
  put_optional(out, "ready", st.ready);
  return out;
}

}  // namespace

ordered_json encode_job(const Job& job) {
  ordered_json out = ordered_json::object();
  out["kind"] = job.kind;
  out["apiVersion"] = job.api_version;
  out["metadata"] = encode_metadata(job.metadata);
  out["spec"] = encode_spec(job.spec);
  out["status"] = encode_status(job.status);
  return out;
}

}  // namespace api
