#include "api/job_decode.hpp"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>

#include "api/job_fields.hpp"
#include "api/line_index.hpp"
#include "api/quantity.hpp"

namespace api {
namespace {

using nlohmann::json;

using namespace job_fields;

// Renders a wrongly typed value for an error message.
std::string render_json(const json& v) {
  if (v.is_string()) return quote(v.get_ref<const std::string&>());
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  return v.dump();
}

class Decoder {
 public:
  FieldErrors errors;

  FieldValidation mode = FieldValidation::strict;
  std::vector<std::string> unknown;  // paths of members unknown to Kubernetes, in input order

  // Calls `field(name, value, path)` for each supported member of `object`; a member Kubernetes
  // knows but batchlet does not support is Forbidden (an explicit null, meaning "unset", is
  // accepted), any other member is unknown. Returns false (and reports) when `object` is not an
  // object.
  template <typename Fn>
  bool each_field(const json& object, const std::string& path, const FieldSet& fields, Fn field) {
    if (!object.is_object()) {
      type_error(path, object, "must be an object");
      return false;
    }
    for (const auto& [key, value] : object.items()) {
      // null is "unset" for supported and unsupported fields alike: kubectl 1.31 and older send
      // "creationTimestamp": null with every `create job` (tests/api/testdata/protobuf).
      if (value.is_null()) continue;
      std::string child = LineIndex::child(path, key);
      auto has = [&](std::span<const std::string_view> names) {
        for (auto k : names) {
          if (k == key) return true;
        }
        return false;
      };
      if (has(fields.supported)) {
        if (!value.is_null()) field(key, value, child);
      } else if (has(fields.unsupported)) {
        if (!value.is_null()) {
          errors.push_back(forbidden(child, std::string(kUnsupportedFieldDetail)));
        }
      } else if (mode != FieldValidation::ignore) {
        // Upstream names unknown members by their JSON path, keys joined with '.'.
        unknown.push_back(path.empty() ? key : path + "." + key);
      }
    }
    return true;
  }

  void type_error(const std::string& path, const json& v, std::string_view expected) {
    errors.push_back(invalid(path, render_json(v), std::string(expected)));
  }

  // Calls `item(element, path[i])` for each element of the list `v`.
  template <typename Fn>
  void each_item(const json& v, const std::string& path, Fn item) {
    if (!v.is_array()) {
      type_error(path, v, "must be a list");
      return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) item(v[i], LineIndex::item(path, i));
  }

  std::string string(const json& v, const std::string& path) {
    if (v.is_string()) return v.get<std::string>();
    type_error(path, v, "must be a string");
    return {};
  }

  template <typename Int>
  std::optional<Int> integer(const json& v, const std::string& path) {
    if (v.is_number_integer()) {
      auto n = v.get<std::int64_t>();
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::numeric_limits<Int>::max()) {
        n = std::numeric_limits<std::int64_t>::max();
      }
      if (n >= std::numeric_limits<Int>::min() && n <= std::numeric_limits<Int>::max()) {
        return static_cast<Int>(n);
      }
      type_error(
          path, v,
          sizeof(Int) == 4 ? "must fit in a 32-bit integer" : "must fit in a 64-bit integer");
      return std::nullopt;
    }
    type_error(path, v, "must be an integer");
    return std::nullopt;
  }

  std::optional<bool> boolean(const json& v, const std::string& path) {
    if (v.is_boolean()) return v.get<bool>();
    type_error(path, v, "must be a boolean");
    return std::nullopt;
  }

  std::vector<std::string> strings(const json& v, const std::string& path) {
    std::vector<std::string> out;
    if (!v.is_array()) {
      type_error(path, v, "must be a list of strings");
      return out;
    }
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(string(v[i], LineIndex::item(path, i)));
    return out;
  }

  Labels string_map(const json& v, const std::string& path) {
    Labels out;
    if (!v.is_object()) {
      type_error(path, v, "must be a map of strings");
      return out;
    }
    for (const auto& [key, value] : v.items()) {
      std::string entry = path;  // map entries print as labels[key] in field paths
      entry += '[';
      entry += key;
      entry += ']';
      out[key] = string(value, entry);
    }
    return out;
  }

  ObjectMeta metadata(const json& v, const std::string& path, bool is_template) {
    ObjectMeta meta;
    each_field(v, path, is_template ? kTemplateMeta : kObjectMeta,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "name") meta.name = string(value, p);
                 if (key == "generateName") meta.generate_name = string(value, p);
                 if (key == "namespace") meta.namespace_ = string(value, p);
                 if (key == "labels") meta.labels = string_map(value, p);
                 if (key == "annotations") meta.annotations = string_map(value, p);
                 if (key == "finalizers") meta.finalizers = strings(value, p);
                 if (key == "ownerReferences") meta.owner_references = owner_references(value, p);
               });
    return meta;
  }

  LabelSelector label_selector(const json& v, const std::string& path) {
    LabelSelector out;
    each_field(v, path, kLabelSelectorFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "matchLabels") out.match_labels = string_map(value, p);
                 if (key != "matchExpressions") return;
                 each_item(value, p, [&](const json& item, const std::string& item_path) {
                   LabelSelectorRequirement& r = out.match_expressions.emplace_back();
                   each_field(item, item_path, kSelectorRequirementFields,
                              [&](const std::string& k, const json& rv, const std::string& rp) {
                                if (k == "key") r.key = string(rv, rp);
                                if (k == "operator") r.operator_ = string(rv, rp);
                                if (k == "values") r.values = strings(rv, rp);
                              });
                 });
               });
    return out;
  }

  std::vector<OwnerReference> owner_references(const json& v, const std::string& path) {
    std::vector<OwnerReference> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      OwnerReference& ref = out.emplace_back();
      each_field(item, item_path, kOwnerReferenceFields,
                 [&](const std::string& key, const json& value, const std::string& p) {
                   if (key == "apiVersion") ref.api_version = string(value, p);
                   if (key == "kind") ref.kind = string(value, p);
                   if (key == "name") ref.name = string(value, p);
                   if (key == "uid") ref.uid = string(value, p);
                   if (key == "controller") ref.controller = boolean(value, p);
                   if (key == "blockOwnerDeletion") ref.block_owner_deletion = boolean(value, p);
                 });
    });
    return out;
  }

  // A resource.Quantity: a string, or a bare JSON number (Quantity.UnmarshalJSON takes both).
  std::optional<Quantity> quantity(const json& v, const std::string& path) {
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number()) {
      text = v.dump();
    } else {
      type_error(path, v, "must be a quantity string");
      return std::nullopt;
    }
    auto parsed = Quantity::parse_trimmed(text);
    if (!parsed) {
      errors.push_back(invalid(path, quote(text), parsed.error().message()));
      return std::nullopt;
    }
    return *parsed;
  }

  ResourceList resource_list(const json& v, const std::string& path) {
    ResourceList out;
    if (!v.is_object()) {
      type_error(path, v, "must be a map of quantities");
      return out;
    }
    for (const auto& [key, value] : v.items()) {
      std::string entry = path;
      entry += '[';
      entry += key;
      entry += ']';
      if (auto q = quantity(value, entry)) out[key] = std::move(*q);
    }
    return out;
  }

  std::vector<std::int64_t> int64s(const json& v, const std::string& path) {
    std::vector<std::int64_t> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      if (auto n = integer<std::int64_t>(item, item_path)) out.push_back(*n);
    });
    return out;
  }

  SeccompProfile seccomp_profile(const json& v, const std::string& path) {
    SeccompProfile out;
    each_field(v, path, kSeccompProfileFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "type") out.type = string(value, p);
                 if (key == "localhostProfile") out.localhost_profile = string(value, p);
               });
    return out;
  }

  SecurityContext security_context(const json& v, const std::string& path) {
    SecurityContext sc;
    each_field(v, path, kSecurityContext,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "capabilities") {
                   Capabilities& caps = sc.capabilities.emplace();
                   each_field(value, p, kCapabilitiesFields,
                              [&](const std::string& k, const json& cv, const std::string& cp) {
                                if (k == "add") caps.add = strings(cv, cp);
                                if (k == "drop") caps.drop = strings(cv, cp);
                              });
                 }
                 if (key == "privileged") sc.privileged = boolean(value, p);
                 if (key == "runAsUser") sc.run_as_user = integer<std::int64_t>(value, p);
                 if (key == "runAsGroup") sc.run_as_group = integer<std::int64_t>(value, p);
                 if (key == "runAsNonRoot") sc.run_as_non_root = boolean(value, p);
                 if (key == "readOnlyRootFilesystem") {
                   sc.read_only_root_filesystem = boolean(value, p);
                 }
                 if (key == "allowPrivilegeEscalation") {
                   sc.allow_privilege_escalation = boolean(value, p);
                 }
                 if (key == "seccompProfile") sc.seccomp_profile = seccomp_profile(value, p);
               });
    return sc;
  }

  PodSecurityContext pod_security_context(const json& v, const std::string& path) {
    PodSecurityContext sc;
    each_field(v, path, kPodSecurityContext,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "runAsUser") sc.run_as_user = integer<std::int64_t>(value, p);
                 if (key == "runAsGroup") sc.run_as_group = integer<std::int64_t>(value, p);
                 if (key == "runAsNonRoot") sc.run_as_non_root = boolean(value, p);
                 if (key == "supplementalGroups") sc.supplemental_groups = int64s(value, p);
                 if (key == "fsGroup") sc.fs_group = integer<std::int64_t>(value, p);
                 if (key == "seccompProfile") sc.seccomp_profile = seccomp_profile(value, p);
               });
    return sc;
  }

  std::int32_t probe_int(const json& v, const std::string& path) {
    return integer<std::int32_t>(v, path).value_or(0);
  }

  Probe probe(const json& v, const std::string& path) {
    Probe pr;
    each_field(v, path, kProbe,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "exec") {
                   ExecAction& exec = pr.exec.emplace();
                   each_field(value, p, kExecActionFields,
                              [&](const std::string&, const json& cv, const std::string& cp) {
                                exec.command = strings(cv, cp);
                              });
                 }
                 if (key == "initialDelaySeconds") pr.initial_delay_seconds = probe_int(value, p);
                 if (key == "timeoutSeconds") pr.timeout_seconds = probe_int(value, p);
                 if (key == "periodSeconds") pr.period_seconds = probe_int(value, p);
                 if (key == "successThreshold") pr.success_threshold = probe_int(value, p);
                 if (key == "failureThreshold") pr.failure_threshold = probe_int(value, p);
               });
    return pr;
  }

  std::vector<VolumeMount> volume_mounts(const json& v, const std::string& path) {
    std::vector<VolumeMount> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      VolumeMount& m = out.emplace_back();
      each_field(item, item_path, kVolumeMount,
                 [&](const std::string& key, const json& value, const std::string& p) {
                   if (key == "name") m.name = string(value, p);
                   if (key == "readOnly") m.read_only = boolean(value, p).value_or(false);
                   if (key == "mountPath") m.mount_path = string(value, p);
                   if (key == "subPath") m.sub_path = string(value, p);
                 });
    });
    return out;
  }

  Container container(const json& v, const std::string& path) {
    Container c;
    each_field(v, path, kContainer,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "name") c.name = string(value, p);
                 if (key == "image") c.image = string(value, p);
                 if (key == "imagePullPolicy") c.image_pull_policy = string(value, p);
                 if (key == "command") c.command = strings(value, p);
                 if (key == "args") c.args = strings(value, p);
                 if (key == "workingDir") c.working_dir = string(value, p);
                 if (key == "env") c.env = env(value, p);
                 if (key == "resources") {
                   each_field(value, p, kResourceRequirements,
                              [&](const std::string& k, const json& rv, const std::string& rp) {
                                if (k == "limits") c.resources.limits = resource_list(rv, rp);
                                if (k == "requests") c.resources.requests = resource_list(rv, rp);
                              });
                 }
                 if (key == "volumeMounts") c.volume_mounts = volume_mounts(value, p);
                 if (key == "readinessProbe") c.readiness_probe = probe(value, p);
                 if (key == "securityContext") c.security_context = security_context(value, p);
                 if (key == "terminationMessagePath") c.termination_message_path = string(value, p);
                 if (key == "terminationMessagePolicy") {
                   c.termination_message_policy = string(value, p);
                 }
               });
    return c;
  }

  std::vector<EnvVar> env(const json& v, const std::string& path) {
    std::vector<EnvVar> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      EnvVar& var = out.emplace_back();
      each_field(item, item_path, kEnvVarFields,
                 [&](const std::string& key, const json& value, const std::string& p) {
                   if (key == "name") var.name = string(value, p);
                   if (key == "value") var.value = string(value, p);
                   if (key == "valueFrom") var.value_from = env_var_source(value, p);
                 });
    });
    return out;
  }

  EnvVarSource env_var_source(const json& v, const std::string& path) {
    EnvVarSource source;
    each_field(v, path, kEnvVarSource,
               [&](const std::string&, const json& value, const std::string& p) {
                 ObjectFieldSelector& ref = source.field_ref.emplace();
                 each_field(value, p, kObjectFieldSelectorFields,
                            [&](const std::string& k, const json& fv, const std::string& fp) {
                              if (k == "apiVersion") ref.api_version = string(fv, fp);
                              if (k == "fieldPath") ref.field_path = string(fv, fp);
                            });
               });
    return source;
  }

  std::vector<Volume> volumes(const json& v, const std::string& path) {
    std::vector<Volume> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      Volume& vol = out.emplace_back();
      each_field(item, item_path, kVolume,
                 [&](const std::string& key, const json& value, const std::string& p) {
                   if (key == "name") vol.name = string(value, p);
                   if (key == "hostPath") {
                     HostPathVolumeSource& hp = vol.host_path.emplace();
                     each_field(value, p, kHostPathFields,
                                [&](const std::string& k, const json& hv, const std::string& hpp) {
                                  if (k == "path") hp.path = string(hv, hpp);
                                  if (k == "type") hp.type = string(hv, hpp);
                                });
                   }
                   if (key == "emptyDir") {
                     EmptyDirVolumeSource& ed = vol.empty_dir.emplace();
                     each_field(value, p, kEmptyDirFields,
                                [&](const std::string& k, const json& ev, const std::string& ep) {
                                  if (k == "medium") ed.medium = string(ev, ep);
                                  if (k == "sizeLimit") ed.size_limit = quantity(ev, ep);
                                });
                   }
                 });
    });
    return out;
  }

  std::vector<std::int32_t> int32s(const json& v, const std::string& path) {
    std::vector<std::int32_t> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      if (auto n = integer<std::int32_t>(item, item_path)) out.push_back(*n);
    });
    return out;
  }

  PodFailurePolicy pod_failure_policy(const json& v, const std::string& path) {
    PodFailurePolicy policy;
    each_field(v, path, kRulesFields,
               [&](const std::string&, const json& rules, const std::string& rules_path) {
                 each_item(rules, rules_path, [&](const json& item, const std::string& item_path) {
                   PodFailurePolicyRule& rule = policy.rules.emplace_back();
                   each_field(
                       item, item_path, kPodFailureRuleFields,
                       [&](const std::string& key, const json& value, const std::string& p) {
                         if (key == "action") rule.action = string(value, p);
                         if (key == "onExitCodes") rule.on_exit_codes = on_exit_codes(value, p);
                         if (key == "onPodConditions") {
                           each_item(value, p, [&](const json& pattern, const std::string& pp) {
                             auto& out = rule.on_pod_conditions.emplace_back();
                             each_field(
                                 pattern, pp, kOnPodConditionsFields,
                                 [&](const std::string& k, const json& pv, const std::string& ppp) {
                                   if (k == "type") out.type = string(pv, ppp);
                                   if (k == "status") out.status = string(pv, ppp);
                                 });
                           });
                         }
                       });
                 });
               });
    return policy;
  }

  PodFailurePolicyOnExitCodes on_exit_codes(const json& v, const std::string& path) {
    PodFailurePolicyOnExitCodes out;
    each_field(v, path, kOnExitCodesFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "containerName") out.container_name = string(value, p);
                 if (key == "operator") out.operator_ = string(value, p);
                 if (key == "values") out.values = int32s(value, p);
               });
    return out;
  }

  SuccessPolicy success_policy(const json& v, const std::string& path) {
    SuccessPolicy policy;
    each_field(v, path, kRulesFields,
               [&](const std::string&, const json& rules, const std::string& rules_path) {
                 each_item(rules, rules_path, [&](const json& item, const std::string& item_path) {
                   SuccessPolicyRule& rule = policy.rules.emplace_back();
                   each_field(item, item_path, kSuccessRuleFields,
                              [&](const std::string& key, const json& value, const std::string& p) {
                                if (key == "succeededIndexes")
                                  rule.succeeded_indexes = string(value, p);
                                if (key == "succeededCount") {
                                  rule.succeeded_count = integer<std::int32_t>(value, p);
                                }
                              });
                 });
               });
    return policy;
  }

  std::vector<Container> containers(const json& v, const std::string& path) {
    std::vector<Container> out;
    each_item(v, path, [&](const json& item, const std::string& item_path) {
      out.push_back(container(item, item_path));
    });
    return out;
  }

  PodSpec pod_spec(const json& v, const std::string& path) {
    PodSpec spec;
    each_field(v, path, kPodSpec,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "volumes") spec.volumes = volumes(value, p);
                 if (key == "initContainers") spec.init_containers = containers(value, p);
                 if (key == "containers") spec.containers = containers(value, p);
                 if (key == "restartPolicy") spec.restart_policy = string(value, p);
                 if (key == "terminationGracePeriodSeconds") {
                   spec.termination_grace_period_seconds = integer<std::int64_t>(value, p);
                 }
                 if (key == "activeDeadlineSeconds") {
                   spec.active_deadline_seconds = integer<std::int64_t>(value, p);
                 }
                 if (key == "dnsPolicy") spec.dns_policy = string(value, p);
                 if (key == "nodeSelector") spec.node_selector = string_map(value, p);
                 if (key == "securityContext") {
                   spec.security_context = pod_security_context(value, p);
                 }
                 if (key == "hostname") spec.hostname = string(value, p);
                 if (key == "subdomain") spec.subdomain = string(value, p);
                 if (key == "schedulerName") spec.scheduler_name = string(value, p);
               });
    return spec;
  }

  JobSpec job_spec(const json& v, const std::string& path) {
    JobSpec spec;
    each_field(v, path, kJobSpecFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "parallelism") spec.parallelism = integer<std::int32_t>(value, p);
                 if (key == "completions") spec.completions = integer<std::int32_t>(value, p);
                 if (key == "activeDeadlineSeconds") {
                   spec.active_deadline_seconds = integer<std::int64_t>(value, p);
                 }
                 if (key == "backoffLimit") spec.backoff_limit = integer<std::int32_t>(value, p);
                 if (key == "ttlSecondsAfterFinished") {
                   spec.ttl_seconds_after_finished = integer<std::int32_t>(value, p);
                 }
                 if (key == "manualSelector") spec.manual_selector = boolean(value, p);
                 if (key == "completionMode") spec.completion_mode = string(value, p);
                 if (key == "suspend") spec.suspend = boolean(value, p);
                 if (key == "podReplacementPolicy") spec.pod_replacement_policy = string(value, p);
                 if (key == "podFailurePolicy") {
                   spec.pod_failure_policy = pod_failure_policy(value, p);
                 }
                 if (key == "successPolicy") spec.success_policy = success_policy(value, p);
                 if (key == "backoffLimitPerIndex") {
                   spec.backoff_limit_per_index = integer<std::int32_t>(value, p);
                 }
                 if (key == "maxFailedIndexes") {
                   spec.max_failed_indexes = integer<std::int32_t>(value, p);
                 }
                 if (key == "managedBy") spec.managed_by = string(value, p);
                 if (key == "selector") spec.selector = label_selector(value, p);
                 if (key == "template") {
                   each_field(value, p, kPodTemplateFields,
                              [&](const std::string& k, const json& tv, const std::string& tp) {
                                if (k == "metadata")
                                  spec.template_.metadata = metadata(tv, tp, true);
                                if (k == "spec") spec.template_.spec = pod_spec(tv, tp);
                              });
                 }
               });
    return spec;
  }
};

}  // namespace

DecodedJob decode_job(const json& object, FieldValidation mode) {
  DecodedJob out;
  Decoder d;
  d.mode = mode;
  if (!object.is_object()) {
    d.type_error("", object, "must be an object");
    out.errors = std::move(d.errors);
    return out;
  }
  const auto kind = object.find("kind");
  const auto api_version = object.find("apiVersion");
  if (kind == object.end() || kind->is_null()) {
    d.errors.push_back(required("kind"));
  } else if (!kind->is_string() || *kind != "Job") {
    d.errors.push_back(not_supported(
        "kind", kind->is_string() ? kind->get<std::string>() : render_json(*kind), {"Job"}));
  } else if (api_version == object.end() || api_version->is_null()) {
    d.errors.push_back(required("apiVersion"));
  } else if (!api_version->is_string() || *api_version != "batch/v1") {
    d.errors.push_back(not_supported(
        "apiVersion",
        api_version->is_string() ? api_version->get<std::string>() : render_json(*api_version),
        {"batch/v1"}));
  }
  if (!d.errors.empty()) {  // not a batch/v1 Job: its fields mean nothing to us
    out.errors = std::move(d.errors);
    return out;
  }
  d.each_field(object, "", kJobFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "metadata") out.job.metadata = d.metadata(value, p, false);
                 if (key == "spec") out.job.spec = d.job_spec(value, p);
                 // "status": a create cannot set status (spec §2.2); it is discarded.
               });
  out.errors = std::move(d.errors);
  for (auto& path : d.unknown) {
    std::string text = "unknown field ";
    text += quote(path);
    (mode == FieldValidation::strict ? out.strict_errors : out.warnings).push_back(std::move(text));
  }
  return out;
}

std::string strict_decoding_message(std::string_view kind, const std::vector<std::string>& errors) {
  std::string text(kind);
  text += " in version \"v1\" cannot be handled as a ";
  text += kind;
  text += ": strict decoding error: ";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) text += ", ";
    text += errors[i];
  }
  return text;
}

}  // namespace api
