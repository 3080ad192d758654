#include "api/job_encode.hpp"

#include "api/rfc3339.hpp"

namespace api {
namespace {

using nlohmann::ordered_json;

// Go's encoding/json writes nil pointers as null and has no way to omit a zero struct.
ordered_json time_or_null(const std::optional<base::TimePoint>& t) {
  return t ? ordered_json(format_time(*t)) : ordered_json(nullptr);
}

void put_string(ordered_json& out, const char* key, const std::string& v) {
  if (!v.empty()) out[key] = v;  // omitempty
}

template <typename T>
void put_optional(ordered_json& out, const char* key, const std::optional<T>& v) {
  if (v) out[key] = *v;
}

void put_labels(ordered_json& out, const char* key, const Labels& labels) {
  if (labels.empty()) return;
  ordered_json map = ordered_json::object();
  for (const auto& [k, v] : labels) map[k] = v;  // Go sorts map keys; std::map is sorted
  out[key] = std::move(map);
}

ordered_json encode_metadata(const ObjectMeta& meta) {
  ordered_json out = ordered_json::object();
  put_string(out, "name", meta.name);
  put_string(out, "generateName", meta.generate_name);
  put_string(out, "namespace", meta.namespace_);
  put_string(out, "uid", meta.uid);
  put_string(out, "resourceVersion", meta.resource_version);
  if (meta.generation != 0) out["generation"] = meta.generation;
  out["creationTimestamp"] = time_or_null(meta.creation_timestamp);
  if (meta.deletion_timestamp) out["deletionTimestamp"] = format_time(*meta.deletion_timestamp);
  put_labels(out, "labels", meta.labels);
  put_labels(out, "annotations", meta.annotations);
  return out;
}

ordered_json encode_container(const Container& c) {
  ordered_json out = ordered_json::object();
  out["name"] = c.name;
  put_string(out, "image", c.image);
  if (!c.command.empty()) out["command"] = c.command;
  if (!c.args.empty()) out["args"] = c.args;
  put_string(out, "workingDir", c.working_dir);
  if (!c.env.empty()) {
    ordered_json env = ordered_json::array();
    for (const auto& var : c.env) {
      ordered_json item = {{"name", var.name}};
      put_string(item, "value", var.value);
      env.push_back(std::move(item));
    }
    out["env"] = std::move(env);
  }
  out["resources"] = ordered_json::object();
  put_string(out, "terminationMessagePath", c.termination_message_path);
  put_string(out, "terminationMessagePolicy", c.termination_message_policy);
  put_string(out, "imagePullPolicy", c.image_pull_policy);
  return out;
}

ordered_json encode_pod_spec(const PodSpec& spec) {
  ordered_json out = ordered_json::object();
  ordered_json containers = ordered_json::array();
  for (const auto& c : spec.containers) containers.push_back(encode_container(c));
  out["containers"] = std::move(containers);
  put_string(out, "restartPolicy", spec.restart_policy);
  put_optional(out, "terminationGracePeriodSeconds", spec.termination_grace_period_seconds);
  put_string(out, "dnsPolicy", spec.dns_policy);
  if (spec.security_context) out["securityContext"] = ordered_json::object();
  put_string(out, "schedulerName", spec.scheduler_name);
  return out;
}

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
