#include "api/pod_encode.hpp"

#include "api/json_fields.hpp"

namespace api {
namespace {

using nlohmann::ordered_json;
using namespace json_fields;

ordered_json encode(const ResourceList& list) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, q] : list) out[name] = q.canonical();
  return out;
}

ordered_json encode(const SeccompProfile& p) {
  ordered_json out = {{"type", p.type}};
  put_optional(out, "localhostProfile", p.localhost_profile);
  return out;
}

ordered_json encode(const SecurityContext& sc) {
  ordered_json out = ordered_json::object();
  if (sc.capabilities) {
    ordered_json caps = ordered_json::object();
    put_list(caps, "add", sc.capabilities->add);
    put_list(caps, "drop", sc.capabilities->drop);
    out["capabilities"] = std::move(caps);
  }
  put_optional(out, "privileged", sc.privileged);
  put_optional(out, "runAsUser", sc.run_as_user);
  put_optional(out, "runAsGroup", sc.run_as_group);
  put_optional(out, "runAsNonRoot", sc.run_as_non_root);
  put_optional(out, "readOnlyRootFilesystem", sc.read_only_root_filesystem);
  put_optional(out, "allowPrivilegeEscalation", sc.allow_privilege_escalation);
  if (sc.seccomp_profile) out["seccompProfile"] = encode(*sc.seccomp_profile);
  return out;
}

ordered_json encode(const PodSecurityContext& sc) {
  ordered_json out = ordered_json::object();
  put_optional(out, "runAsUser", sc.run_as_user);
  put_optional(out, "runAsGroup", sc.run_as_group);
  put_optional(out, "runAsNonRoot", sc.run_as_non_root);
  put_list(out, "supplementalGroups", sc.supplemental_groups);
  put_optional(out, "fsGroup", sc.fs_group);
  if (sc.seccomp_profile) out["seccompProfile"] = encode(*sc.seccomp_profile);
  return out;
}

ordered_json encode(const Probe& p) {
  ordered_json out = ordered_json::object();
  if (p.exec) {
    ordered_json exec = ordered_json::object();
    put_list(exec, "command", p.exec->command);
    out["exec"] = std::move(exec);
  }
  // Every int32 of Probe is omitempty.
  if (p.initial_delay_seconds != 0) out["initialDelaySeconds"] = p.initial_delay_seconds;
  if (p.timeout_seconds != 0) out["timeoutSeconds"] = p.timeout_seconds;
  if (p.period_seconds != 0) out["periodSeconds"] = p.period_seconds;
  if (p.success_threshold != 0) out["successThreshold"] = p.success_threshold;
  if (p.failure_threshold != 0) out["failureThreshold"] = p.failure_threshold;
  return out;
}

ordered_json encode(const EnvVar& var) {
  ordered_json out = {{"name", var.name}};
  put_string(out, "value", var.value);
  if (var.value_from) {
    ordered_json from = ordered_json::object();
    if (var.value_from->field_ref) {
      ordered_json ref = ordered_json::object();
      put_string(ref, "apiVersion", var.value_from->field_ref->api_version);
      ref["fieldPath"] = var.value_from->field_ref->field_path;
      from["fieldRef"] = std::move(ref);
    }
    out["valueFrom"] = std::move(from);
  }
  return out;
}

ordered_json encode(const VolumeMount& m) {
  ordered_json out = {{"name", m.name}};
  if (m.read_only) out["readOnly"] = true;
  out["mountPath"] = m.mount_path;
  put_string(out, "subPath", m.sub_path);
  return out;
}

ordered_json encode(const Container& c) {
  ordered_json out = ordered_json::object();
  out["name"] = c.name;
  put_string(out, "image", c.image);
  put_list(out, "command", c.command);
  put_list(out, "args", c.args);
  put_string(out, "workingDir", c.working_dir);
  if (!c.env.empty()) {
    ordered_json env = ordered_json::array();
    for (const auto& var : c.env) env.push_back(encode(var));
    out["env"] = std::move(env);
  }
  // ResourceRequirements is a non-pointer struct: always written, {} when empty.
  ordered_json resources = ordered_json::object();
  if (!c.resources.limits.empty()) resources["limits"] = encode(c.resources.limits);
  if (!c.resources.requests.empty()) resources["requests"] = encode(c.resources.requests);
  out["resources"] = std::move(resources);
  if (!c.volume_mounts.empty()) {
    ordered_json mounts = ordered_json::array();
    for (const auto& m : c.volume_mounts) mounts.push_back(encode(m));
    out["volumeMounts"] = std::move(mounts);
  }
  if (c.readiness_probe) out["readinessProbe"] = encode(*c.readiness_probe);
  put_string(out, "terminationMessagePath", c.termination_message_path);
  put_string(out, "terminationMessagePolicy", c.termination_message_policy);
  put_string(out, "imagePullPolicy", c.image_pull_policy);
  if (c.security_context) out["securityContext"] = encode(*c.security_context);
  return out;
}

ordered_json encode(const Volume& v) {
  ordered_json out = {{"name", v.name}};
  if (v.host_path) {
    ordered_json hp = {{"path", v.host_path->path}};
    put_optional(hp, "type", v.host_path->type);
    out["hostPath"] = std::move(hp);
  }
  if (v.empty_dir) {
    ordered_json ed = ordered_json::object();
    put_string(ed, "medium", v.empty_dir->medium);
    if (v.empty_dir->size_limit) ed["sizeLimit"] = v.empty_dir->size_limit->canonical();
    out["emptyDir"] = std::move(ed);
  }
  return out;
}

ordered_json encode(const std::vector<Container>& containers) {
  ordered_json out = ordered_json::array();
  for (const auto& c : containers) out.push_back(encode(c));
  return out;
}

ordered_json encode(const ContainerState& state) {
  ordered_json out = ordered_json::object();
  if (state.waiting) {
    ordered_json w = ordered_json::object();
    put_string(w, "reason", state.waiting->reason);
    put_string(w, "message", state.waiting->message);
    out["waiting"] = std::move(w);
  }
  if (state.running) out["running"] = {{"startedAt", time_or_null(state.running->started_at)}};
  if (state.terminated) {
    const ContainerStateTerminated& t = *state.terminated;
    ordered_json term = {{"exitCode", t.exit_code}};
    if (t.signal != 0) term["signal"] = t.signal;
    put_string(term, "reason", t.reason);
    put_string(term, "message", t.message);
    term["startedAt"] = time_or_null(t.started_at);
    term["finishedAt"] = time_or_null(t.finished_at);
    put_string(term, "containerID", t.container_id);
    out["terminated"] = std::move(term);
  }
  return out;
}

ordered_json encode(const ContainerStatus& s) {
  ordered_json out = {{"name", s.name}};
  out["state"] = encode(s.state);
  out["lastState"] = encode(s.last_state);
  out["ready"] = s.ready;
  out["restartCount"] = s.restart_count;
  out["image"] = s.image;
  out["imageID"] = s.image_id;
  put_string(out, "containerID", s.container_id);
  put_optional(out, "started", s.started);
  return out;
}

ordered_json encode(const std::vector<ContainerStatus>& statuses) {
  ordered_json out = ordered_json::array();
  for (const auto& s : statuses) out.push_back(encode(s));
  return out;
}

}  // namespace

ordered_json encode_pod_status(const PodStatus& st) {
  ordered_json out = ordered_json::object();
  put_string(out, "phase", st.phase);
  if (!st.conditions.empty()) {
    ordered_json conditions = ordered_json::array();
    for (const auto& c : st.conditions) {
      ordered_json item = {{"type", c.type}, {"status", c.status}};
      item["lastProbeTime"] = time_or_null(c.last_probe_time);
      item["lastTransitionTime"] = time_or_null(c.last_transition_time);
      put_string(item, "reason", c.reason);
      put_string(item, "message", c.message);
      conditions.push_back(std::move(item));
    }
    out["conditions"] = std::move(conditions);
  }
  put_string(out, "message", st.message);
  put_string(out, "reason", st.reason);
  put_string(out, "hostIP", st.host_ip);
  if (!st.host_ip.empty()) out["hostIPs"] = ordered_json::array({{{"ip", st.host_ip}}});
  put_string(out, "podIP", st.pod_ip);
  if (!st.pod_ip.empty()) out["podIPs"] = ordered_json::array({{{"ip", st.pod_ip}}});
  if (st.start_time) out["startTime"] = format_time(*st.start_time);
  if (!st.init_container_statuses.empty()) {
    out["initContainerStatuses"] = encode(st.init_container_statuses);
  }
  if (!st.container_statuses.empty()) out["containerStatuses"] = encode(st.container_statuses);
  put_string(out, "qosClass", st.qos_class);
  return out;
}

ordered_json encode_pod(const Pod& pod) {
  ordered_json out = ordered_json::object();
  out["kind"] = pod.kind;
  out["apiVersion"] = pod.api_version;
  out["metadata"] = encode_metadata(pod.metadata);
  out["spec"] = encode_pod_spec(pod.spec);
  out["status"] = encode_pod_status(pod.status);
  return out;
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
  put_optional(out, "deletionGracePeriodSeconds", meta.deletion_grace_period_seconds);
  put_labels(out, "labels", meta.labels);
  put_labels(out, "annotations", meta.annotations);
  if (!meta.owner_references.empty()) {
    ordered_json refs = ordered_json::array();
    for (const auto& ref : meta.owner_references) {
      ordered_json item = {{"apiVersion", ref.api_version},
                           {"kind", ref.kind},
                           {"name", ref.name},
                           {"uid", ref.uid}};
      put_optional(item, "controller", ref.controller);
      put_optional(item, "blockOwnerDeletion", ref.block_owner_deletion);
      refs.push_back(std::move(item));
    }
    out["ownerReferences"] = std::move(refs);
  }
  put_list(out, "finalizers", meta.finalizers);
  return out;
}

ordered_json encode_pod_spec(const PodSpec& spec) {
  ordered_json out = ordered_json::object();
  if (!spec.volumes.empty()) {
    ordered_json volumes = ordered_json::array();
    for (const auto& v : spec.volumes) volumes.push_back(encode(v));
    out["volumes"] = std::move(volumes);
  }
  if (!spec.init_containers.empty()) out["initContainers"] = encode(spec.init_containers);
  out["containers"] = encode(spec.containers);  // no omitempty
  put_string(out, "restartPolicy", spec.restart_policy);
  put_optional(out, "terminationGracePeriodSeconds", spec.termination_grace_period_seconds);
  put_optional(out, "activeDeadlineSeconds", spec.active_deadline_seconds);
  put_string(out, "dnsPolicy", spec.dns_policy);
  put_labels(out, "nodeSelector", spec.node_selector);
  put_string(out, "nodeName", spec.node_name);
  if (spec.security_context) out["securityContext"] = encode(*spec.security_context);
  put_string(out, "hostname", spec.hostname);
  put_string(out, "subdomain", spec.subdomain);
  put_string(out, "schedulerName", spec.scheduler_name);
  return out;
}

}  // namespace api
