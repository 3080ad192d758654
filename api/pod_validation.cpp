#include "api/pod_validation.hpp"

#include <array>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include "api/name_rules.hpp"

namespace api {
namespace {

constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();

std::string item(const std::string& field, std::size_t i) {
  std::string out = field;
  out += '[';
  out += std::to_string(i);
  out += ']';
  return out;
}

std::string key(const std::string& field, std::string_view k) {
  std::string out = field;
  out += '[';
  out += k;
  out += ']';
  return out;
}

// apimachinery's InclusiveRangeError.
std::string inclusive_range(std::int64_t lo, std::int64_t hi) {
  return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", inclusive";
}

// Deterministic stand-ins for Go's %#v of the pointers upstream passes as values (it prints
// addresses); the shape is Go's, pointed-to values are shown instead of addresses.
std::string go_optional_string(const std::optional<std::string>& v) {
  return v ? "(*string)(" + quote(*v) + ")" : std::string("(*string)(nil)");
}

std::string go_seccomp_profile(const SeccompProfile& p) {
  return "core.SeccompProfile{Type:" + quote(p.type) +
         ", LocalhostProfile:" + go_optional_string(p.localhost_profile) + "}";
}

std::string go_security_context(const SecurityContext& sc) {
  auto b = [](const std::optional<bool>& v) {
    return v ? std::string("(*bool)(") + (*v ? "true" : "false") + ")"
             : std::string("(*bool)(nil)");
  };
  auto i = [](const std::optional<std::int64_t>& v) {
    return v ? "(*int64)(" + std::to_string(*v) + ")" : std::string("(*int64)(nil)");
  };
  std::string out = "core.SecurityContext{Capabilities:";
  if (sc.capabilities) {
    out += "&core.Capabilities{Add:[]core.Capability{";
    for (std::size_t k = 0; k < sc.capabilities->add.size(); ++k) {
      if (k > 0) out += ", ";
      out += quote(sc.capabilities->add[k]);
    }
    out += "}, Drop:[]core.Capability{";
    for (std::size_t k = 0; k < sc.capabilities->drop.size(); ++k) {
      if (k > 0) out += ", ";
      out += quote(sc.capabilities->drop[k]);
    }
    out += "}}";
  } else {
    out += "(*core.Capabilities)(nil)";
  }
  out += ", Privileged:" + b(sc.privileged);
  out += ", RunAsUser:" + i(sc.run_as_user);
  out += ", RunAsGroup:" + i(sc.run_as_group);
  out += ", RunAsNonRoot:" + b(sc.run_as_non_root);
  out += ", ReadOnlyRootFilesystem:" + b(sc.read_only_root_filesystem);
  out += ", AllowPrivilegeEscalation:" + b(sc.allow_privilege_escalation);
  out += ", SeccompProfile:";
  out += sc.seccomp_profile ? "&" + go_seccomp_profile(*sc.seccomp_profile)
                            : std::string("(*core.SeccompProfile)(nil)");
  out += '}';
  return out;
}

// validatePathNoBacksteps: no ".." element.
void no_backsteps(const std::string& path, const std::string& field, FieldErrors& out) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0) {
      out.push_back(invalid(field, quote(path), "must not contain '..'"));
      return;
    }
    start = end + 1;
  }
}

// validateLocalDescendingPath: relative, no "..".
void local_descending_path(const std::string& path, const std::string& field, FieldErrors& out) {
  if (!path.empty() && path.front() == '/') {
    out.push_back(invalid(field, quote(path), "must be a relative path"));
  }
  no_backsteps(path, field, out);
}

void dns_label(const std::string& value, const std::string& field, FieldErrors& out) {
  for (auto& e : dns1123_label_errors(value)) out.push_back(invalid(field, quote(value), e));
}

// The volumes of the pod that are valid (only those can be mounted, as upstream).
using ValidVolumes = std::set<std::string>;

ValidVolumes validate_volumes(const std::vector<Volume>& volumes, const std::string& field,
                              FieldErrors& out) {
  static constexpr std::array<std::string_view, 8> kHostPathTypes{
      "",     "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
      "File", "FileOrCreate", "Socket"};
  ValidVolumes valid;
  std::set<std::string> names;
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    const Volume& v = volumes[i];
    const std::string path = item(field, i);
    FieldErrors errs;
    // validateVolumeSource, in upstream's source order (hostPath is checked after emptyDir).
    if (v.empty_dir && v.empty_dir->size_limit && v.empty_dir->size_limit->sign() < 0) {
      errs.push_back(forbidden(path + ".emptyDir.sizeLimit",
                               "SizeLimit field must be a valid resource quantity"));
    }
    if (v.host_path) {
      if (v.empty_dir) {
        errs.push_back(forbidden(path + ".hostPath", "may not specify more than 1 volume type"));
      } else if (v.host_path->path.empty()) {
        errs.push_back(required(path + ".hostPath.path"));
      } else {
        no_backsteps(v.host_path->path, path + ".hostPath.path", errs);
        const std::string type = v.host_path->type.value_or("");
        bool known = false;
        for (auto t : kHostPathTypes) known = known || t == type;
        if (!known) {
          errs.push_back(not_supported(path + ".hostPath.type", type,
                                       {kHostPathTypes.begin(), kHostPathTypes.end()}));
        }
      }
    }
    if (!v.host_path && !v.empty_dir) errs.push_back(required(path, "must specify a volume type"));
    if (v.name.empty()) {
      errs.push_back(required(path + ".name"));
    } else {
      dns_label(v.name, path + ".name", errs);
    }
    if (names.count(v.name)) errs.push_back(duplicate(path + ".name", quote(v.name)));
    // batchlet: tmpfs or node disk; HugePages media cannot be provided.
    if (v.empty_dir && v.empty_dir->medium != "" && v.empty_dir->medium != "Memory") {
      errs.push_back(not_supported(path + ".emptyDir.medium", v.empty_dir->medium, {"", "Memory"}));
    }
    if (errs.empty()) {
      names.insert(v.name);
      valid.insert(v.name);
    } else {
      out.insert(out.end(), errs.begin(), errs.end());
    }
  }
  return valid;
}

void validate_volume_mounts(const std::vector<VolumeMount>& mounts, const ValidVolumes& volumes,
                            const std::string& field, FieldErrors& out) {
  std::set<std::string> mount_points;
  for (std::size_t i = 0; i < mounts.size(); ++i) {
    const VolumeMount& m = mounts[i];
    const std::string path = item(field, i);
    if (m.name.empty()) out.push_back(required(path + ".name"));
    if (!volumes.count(m.name)) out.push_back(not_found(path + ".name", quote(m.name)));
    if (m.mount_path.empty()) out.push_back(required(path + ".mountPath"));
    if (mount_points.count(m.mount_path)) {
      out.push_back(invalid(path + ".mountPath", quote(m.mount_path), "must be unique"));
    }
    mount_points.insert(m.mount_path);
    // Upstream reports subPath on the list's path, not the item's.
    if (!m.sub_path.empty()) local_descending_path(m.sub_path, field + ".subPath", out);
  }
}

// podshelper.ConvertDownwardAPIFieldLabel: the internal path, or the conversion error.
std::optional<std::string> convert_field_label(const ObjectFieldSelector& ref, std::string& error) {
  if (ref.api_version != "v1") {
    error = "unsupported pod version: " + ref.api_version;
    return std::nullopt;
  }
  const std::string& label = ref.field_path;
  const bool subscripted = label.size() >= 2 && label.compare(label.size() - 2, 2, "']") == 0 &&
                           label.find("['") != std::string::npos && label.find("['") > 0;
  if (subscripted) {
    const std::string path = label.substr(0, label.find("['"));
    if (path == "metadata.annotations" || path == "metadata.labels") return label;
    error = "field label does not support subscript: " + label;
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 14> kLabels{
      "metadata.annotations", "metadata.labels", "metadata.name",      "metadata.namespace",
      "metadata.uid",         "spec.nodeName",   "spec.restartPolicy", "spec.serviceAccountName",
      "spec.schedulerName",   "status.phase",    "status.hostIP",      "status.hostIPs",
      "status.podIP",         "status.podIPs"};
  for (auto l : kLabels) {
    if (l == label) return label;
  }
  if (label == "spec.host") return std::string("spec.nodeName");  // old v1 clients
  error = "field label not supported: " + label;
  return std::nullopt;
}

void validate_field_ref(const ObjectFieldSelector& ref, const std::string& field,
                        FieldErrors& out) {
  static const std::vector<std::string_view> kEnvPaths{"metadata.name",
                                                       "metadata.namespace",
                                                       "metadata.uid",
                                                       "spec.nodeName",
                                                       "spec.serviceAccountName",
                                                       "status.hostIP",
                                                       "status.hostIPs",
                                                       "status.podIP",
                                                       "status.podIPs"};
  if (ref.api_version.empty()) {
    out.push_back(required(field + ".apiVersion"));
    return;
  }
  if (ref.field_path.empty()) {
    out.push_back(required(field + ".fieldPath"));
    return;
  }
  std::string error;
  auto internal = convert_field_label(ref, error);
  if (!internal) {
    out.push_back(invalid(field + ".fieldPath", quote(ref.field_path),
                          "error converting fieldPath: " + error));
    return;
  }
  const auto open = internal->find("['");
  if (internal->size() >= 2 && internal->compare(internal->size() - 2, 2, "']") == 0 &&
      open != std::string::npos && open > 0) {
    const std::string path = internal->substr(0, open);
    std::string subscript = internal->substr(open + 2, internal->size() - open - 4);
    if (path == "metadata.annotations") {
      for (char& c : subscript) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (auto& e : qualified_name_errors(subscript)) {
      out.push_back(invalid(field, quote(subscript), e));
    }
    return;
  }
  for (auto p : kEnvPaths) {
    if (p == *internal) return;
  }
  out.push_back(not_supported(field + ".fieldPath", *internal, kEnvPaths));
}

void validate_env(const std::vector<EnvVar>& env, const std::string& field, FieldErrors& out) {
  for (std::size_t i = 0; i < env.size(); ++i) {
    const EnvVar& var = env[i];
    const std::string path = item(field, i);
    if (var.name.empty()) {
      out.push_back(required(path + ".name"));
    } else {
      bool printable = var.name.find('=') == std::string::npos;
      for (unsigned char ch : var.name) printable = printable && ch >= 0x20 && ch < 0x7f;
      if (!printable) {
        out.push_back(invalid(path + ".name", quote(var.name),
                              "a valid environment variable name must consist only of printable "
                              "ASCII characters other than '='"));
      }
    }
    if (!var.value_from) continue;
    const std::string from = path + ".valueFrom";
    if (!var.value_from->field_ref) {
      out.push_back(invalid(from, quote(""),
                            "must specify one of: `fieldRef`, `resourceFieldRef`, "
                            "`configMapKeyRef` or `secretKeyRef`"));
      continue;
    }
    validate_field_ref(*var.value_from->field_ref, from + ".fieldRef", out);
    if (!var.value.empty()) {
      out.push_back(invalid(from, quote(""), "may not be specified when `value` is not empty"));
    }
  }
}

bool is_standard_resource_name(std::string_view name) {
  static constexpr std::array<std::string_view, 20> kStandard{"cpu",
                                                              "memory",
                                                              "ephemeral-storage",
                                                              "requests.cpu",
                                                              "requests.memory",
                                                              "requests.ephemeral-storage",
                                                              "limits.cpu",
                                                              "limits.memory",
                                                              "limits.ephemeral-storage",
                                                              "pods",
                                                              "services",
                                                              "replicationcontrollers",
                                                              "resourcequotas",
                                                              "secrets",
                                                              "configmaps",
                                                              "persistentvolumeclaims",
                                                              "storage",
                                                              "requests.storage",
                                                              "services.nodeports",
                                                              "services.loadbalancers"};
  for (auto s : kStandard) {
    if (s == name) return true;
  }
  for (std::string_view prefix : {"hugepages-", "requests.hugepages-", "limits.hugepages-"}) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

// validateContainerResourceName, then batchlet's own rule: only what the agent can account for.
void validate_resource_name(const std::string& name, const std::string& field, FieldErrors& out) {
  const std::size_t before = out.size();
  for (auto& e : qualified_name_errors(name)) out.push_back(invalid(field, quote(name), e));
  if (out.size() != before) return;
  if (name.find('/') == std::string::npos) {
    if (!is_standard_resource_name(name)) {
      out.push_back(
          invalid(field, quote(name), "must be a standard resource type or fully qualified"));
    }
    const bool container_resource = name == "cpu" || name == "memory" ||
                                    name == "ephemeral-storage" || name.rfind("hugepages-", 0) == 0;
    if (!container_resource) {
      out.push_back(invalid(field, quote(name), "must be a standard resource for containers"));
    }
  }
  if (out.size() != before) return;
  if (name != "cpu" && name != "memory" && name != "ephemeral-storage") {
    out.push_back(not_supported(field, name, {"cpu", "ephemeral-storage", "memory"}));
  }
}

void validate_resources(const ResourceRequirements& r, const std::string& field, FieldErrors& out) {
  const std::string limits = field + ".limits";
  const std::string requests = field + ".requests";
  for (const auto& [name, q] : r.limits) {
    const std::string path = key(limits, name);
    validate_resource_name(name, path, out);
    if (q.sign() < 0) {
      out.push_back(invalid(path, quote(q.canonical()), "must be greater than or equal to 0"));
    }
  }
  for (const auto& [name, q] : r.requests) {
    const std::string path = key(requests, name);
    validate_resource_name(name, path, out);
    if (q.sign() < 0) {
      out.push_back(invalid(path, quote(q.canonical()), "must be greater than or equal to 0"));
    }
    // cpu, memory and ephemeral-storage may be overcommitted: requests <= limits.
    auto limit = r.limits.find(name);
    if (limit != r.limits.end() && q.compare(limit->second) > 0) {
      out.push_back(invalid(
          requests, quote(q.canonical()),
          "must be less than or equal to " + name + " limit of " + limit->second.canonical()));
    }
  }
}

void id_range(const std::optional<std::int64_t>& id, const std::string& field, FieldErrors& out) {
  if (id && (*id < 0 || *id > kMaxInt32)) {
    out.push_back(invalid(field, render(*id), inclusive_range(0, kMaxInt32)));
  }
}

void validate_seccomp_profile(const std::optional<SeccompProfile>& p, const std::string& field,
                              FieldErrors& out) {
  if (!p) return;
  const std::string type = field + ".type";
  if (p->type.empty()) {
    out.push_back(required(type, "type is required when seccompProfile is set"));
  } else if (p->type != "Localhost" && p->type != "RuntimeDefault" && p->type != "Unconfined") {
    out.push_back(not_supported(type, p->type, {"Localhost", "RuntimeDefault", "Unconfined"}));
  }
  const std::string localhost = field + ".localhostProfile";
  if (p->type == "Localhost") {
    if (!p->localhost_profile) {
      out.push_back(required(localhost, "must be set when seccomp type is Localhost"));
    } else {
      local_descending_path(*p->localhost_profile, localhost, out);
    }
  } else if (p->localhost_profile) {
    out.push_back(invalid(localhost, go_seccomp_profile(*p),
                          "can only be set when seccomp type is Localhost"));
  }
}

// ValidateSecurityContext. `privileged: true` passes, as on clusters started with
// --allow-privileged (kubeadm's default).
void validate_security_context(const std::optional<SecurityContext>& sc, const std::string& field,
                               FieldErrors& out) {
  if (!sc) return;
  id_range(sc->run_as_user, field + ".runAsUser", out);
  id_range(sc->run_as_group, field + ".runAsGroup", out);
  validate_seccomp_profile(sc->seccomp_profile, field + ".seccompProfile", out);
  if (sc->allow_privilege_escalation && !*sc->allow_privilege_escalation) {
    if (sc->privileged.value_or(false)) {
      out.push_back(invalid(field, go_security_context(*sc),
                            "cannot set `allowPrivilegeEscalation` to false and `privileged` to "
                            "true"));
    }
    if (sc->capabilities) {
      for (const auto& cap : sc->capabilities->add) {
        if (cap == "CAP_SYS_ADMIN") {
          out.push_back(invalid(field, go_security_context(*sc),
                                "cannot set `allowPrivilegeEscalation` to false and "
                                "`capabilities.Add` CAP_SYS_ADMIN"));
        }
      }
    }
  }
}

void validate_pod_security_context(const std::optional<PodSecurityContext>& sc,
                                   const std::string& field, FieldErrors& out) {
  if (!sc) return;
  id_range(sc->fs_group, field + ".fsGroup", out);
  id_range(sc->run_as_user, field + ".runAsUser", out);
  id_range(sc->run_as_group, field + ".runAsGroup", out);
  for (std::size_t i = 0; i < sc->supplemental_groups.size(); ++i) {
    id_range(sc->supplemental_groups[i], item(field + ".supplementalGroups", i), out);
  }
  validate_seccomp_profile(sc->seccomp_profile, field + ".seccompProfile", out);
}

// validateContainerCommon.
void validate_container_common(const Container& c, const ValidVolumes& volumes,
                               const std::string& field, FieldErrors& out) {
  if (c.name.empty()) {
    out.push_back(required(field + ".name"));
  } else {
    dns_label(c.name, field + ".name", out);
  }
  if (c.image.empty()) out.push_back(required(field + ".image"));
  const std::string& policy = c.termination_message_policy;
  if (policy.empty()) {
    out.push_back(required(field + ".terminationMessagePolicy"));
  } else if (policy != "File" && policy != "FallbackToLogsOnError") {
    out.push_back(not_supported(field + ".terminationMessagePolicy", policy,
                                {"File", "FallbackToLogsOnError"}));
  }
  validate_env(c.env, field + ".env", out);
  validate_volume_mounts(c.volume_mounts, volumes, field + ".volumeMounts", out);
  const std::string& pull = c.image_pull_policy;
  if (pull.empty()) {
    out.push_back(required(field + ".imagePullPolicy"));
  } else if (pull != "Always" && pull != "IfNotPresent" && pull != "Never") {
    out.push_back(
        not_supported(field + ".imagePullPolicy", pull, {"Always", "IfNotPresent", "Never"}));
  }
  validate_resources(c.resources, field + ".resources", out);
  validate_security_context(c.security_context, field + ".securityContext", out);
}

void validate_probe(const Probe& p, const std::string& field, FieldErrors& out) {
  if (!p.exec) {
    out.push_back(required(field, "must specify a handler type"));
  } else if (p.exec->command.empty()) {
    out.push_back(required(field + ".exec.command"));
  }
  auto non_negative = [&](std::int32_t v, const char* name) {
    if (v < 0) {
      out.push_back(invalid(field + "." + name, render(v), "must be greater than or equal to 0"));
    }
  };
  non_negative(p.initial_delay_seconds, "initialDelaySeconds");
  non_negative(p.timeout_seconds, "timeoutSeconds");
  non_negative(p.period_seconds, "periodSeconds");
  non_negative(p.success_threshold, "successThreshold");
  non_negative(p.failure_threshold, "failureThreshold");
}

void validate_pod_spec(const PodSpec& pod, const std::string& field, FieldErrors& out) {
  const ValidVolumes volumes = validate_volumes(pod.volumes, field + ".volumes", out);

  const std::string containers = field + ".containers";
  if (pod.containers.empty()) out.push_back(required(containers));
  std::set<std::string> names;
  for (std::size_t i = 0; i < pod.containers.size(); ++i) {
    const Container& c = pod.containers[i];
    const std::string path = item(containers, i);
    validate_container_common(c, volumes, path, out);
    if (!names.insert(c.name).second) out.push_back(duplicate(path + ".name", quote(c.name)));
    if (c.readiness_probe) validate_probe(*c.readiness_probe, path + ".readinessProbe", out);
  }
  const std::string init = field + ".initContainers";
  for (std::size_t i = 0; i < pod.init_containers.size(); ++i) {
    const Container& c = pod.init_containers[i];
    const std::string path = item(init, i);
    validate_container_common(c, volumes, path, out);
    if (names.count(c.name)) {
      out.push_back(duplicate(path + ".name", quote(c.name)));
    } else if (!c.name.empty()) {
      names.insert(c.name);
    }
    if (c.readiness_probe) {
      out.push_back(forbidden(path + ".readinessProbe",
                              "may not be set for init containers without restartPolicy=Always"));
    }
  }
  if (pod.termination_grace_period_seconds && *pod.termination_grace_period_seconds < 0) {
    out.push_back(invalid(field + ".terminationGracePeriodSeconds",
                          render(*pod.termination_grace_period_seconds),
                          "must be greater than or equal to 0"));
  }

  // The Pod's own rule runs before the Job's narrower one (job_validation.cpp).
  const std::string& restart = pod.restart_policy;
  if (restart != "Always" && restart != "OnFailure" && restart != "Never") {
    out.push_back(
        not_supported(field + ".restartPolicy", restart, {"Always", "OnFailure", "Never"}));
  }
  const std::string& dns = pod.dns_policy;
  if (dns != "ClusterFirst" && dns != "ClusterFirstWithHostNet" && dns != "Default" &&
      dns != "None") {
    out.push_back(not_supported(field + ".dnsPolicy", dns,
                                {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}));
  }
  validate_labels(pod.node_selector, field + ".nodeSelector", out);
  validate_pod_security_context(pod.security_context, field + ".securityContext", out);
  if (dns == "None") {  // dnsConfig is not decodable yet, so it is always missing here
    out.push_back(
        required(field + ".dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"));
  }
  if (pod.active_deadline_seconds) {
    const std::int64_t v = *pod.active_deadline_seconds;
    if (v < 1 || v > kMaxInt32) {
      out.push_back(
          invalid(field + ".activeDeadlineSeconds", render(v), inclusive_range(1, kMaxInt32)));
    }
  }
  if (!pod.hostname.empty()) dns_label(pod.hostname, field + ".hostname", out);
  if (!pod.subdomain.empty()) dns_label(pod.subdomain, field + ".subdomain", out);
  if (!pod.scheduler_name.empty()) {
    for (auto& e : dns1123_subdomain_errors(pod.scheduler_name)) {
      out.push_back(invalid(field + ".schedulerName", quote(pod.scheduler_name), e));
    }
  }
}

}  // namespace

void validate_pod_template(const PodTemplateSpec& tmpl, const std::string& field,
                           FieldErrors& out) {
  validate_labels(tmpl.metadata.labels, field + ".labels", out);
  validate_annotations(tmpl.metadata.annotations, field + ".annotations", out);
  validate_pod_spec(tmpl.spec, field + ".spec", out);
}

}  // namespace api
