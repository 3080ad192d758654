#include "api/job_decode.hpp"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>

#include "api/line_index.hpp"

namespace api {
namespace {

using nlohmann::json;

// The fields batchlet honours, per object (docs/compatibility.md); any other is Forbidden.
constexpr std::array<std::string_view, 5> kJobFields{"apiVersion", "kind", "metadata", "spec",
                                                     "status"};
constexpr std::array<std::string_view, 5> kObjectMetaFields{"name", "generateName", "namespace",
                                                            "labels", "annotations"};
constexpr std::array<std::string_view, 2> kTemplateMetaFields{"labels", "annotations"};
constexpr std::array<std::string_view, 15> kJobSpecFields{"parallelism",
                                                          "completions",
                                                          "activeDeadlineSeconds",
                                                          "backoffLimit",
                                                          "ttlSecondsAfterFinished",
                                                          "manualSelector",
                                                          "completionMode",
                                                          "suspend",
                                                          "podReplacementPolicy",
                                                          "template",
                                                          "podFailurePolicy",
                                                          "successPolicy",
                                                          "backoffLimitPerIndex",
                                                          "maxFailedIndexes",
                                                          "managedBy"};
constexpr std::array<std::string_view, 1> kRulesFields{"rules"};
constexpr std::array<std::string_view, 3> kPodFailureRuleFields{"action", "onExitCodes",
                                                                "onPodConditions"};
constexpr std::array<std::string_view, 3> kOnExitCodesFields{"containerName", "operator", "values"};
constexpr std::array<std::string_view, 2> kOnPodConditionsFields{"type", "status"};
constexpr std::array<std::string_view, 2> kSuccessRuleFields{"succeededIndexes", "succeededCount"};
constexpr std::array<std::string_view, 2> kPodTemplateFields{"metadata", "spec"};
constexpr std::array<std::string_view, 6> kPodSpecFields{
    "containers", "restartPolicy",   "terminationGracePeriodSeconds",
    "dnsPolicy",  "securityContext", "schedulerName"};
constexpr std::array<std::string_view, 0> kPodSecurityContextFields{};
constexpr std::array<std::string_view, 7> kContainerFields{
    "name", "image", "imagePullPolicy", "command", "args", "env", "workingDir"};
constexpr std::array<std::string_view, 2> kEnvVarFields{"name", "value"};

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

  // Calls `field(name, value, path)` for each member of `object` listed in `known`; reports every
  // other member as unsupported. Returns false (and reports) when `object` is not an object.
  template <typename Fn>
  bool each_field(const json& object, const std::string& path,
                  std::span<const std::string_view> known, Fn field) {
    if (!object.is_object()) {
      type_error(path, object, "must be an object");
      return false;
    }
    for (const auto& [key, value] : object.items()) {
      // null is "unset" for supported and unsupported fields alike: kubectl 1.31 and older send
      // "creationTimestamp": null with every `create job` (tests/api/testdata/protobuf).
      if (value.is_null()) continue;
      std::string child = LineIndex::child(path, key);
      bool listed = false;
      for (auto k : known) listed = listed || k == key;
      if (!listed) {
        errors.push_back(forbidden(child, std::string(kUnsupportedFieldDetail)));
      } else {
        field(key, value, child);
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
    const std::span<const std::string_view> fields =
        is_template ? std::span<const std::string_view>(kTemplateMetaFields) : kObjectMetaFields;
    each_field(v, path, fields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "name") meta.name = string(value, p);
                 if (key == "generateName") meta.generate_name = string(value, p);
                 if (key == "namespace") meta.namespace_ = string(value, p);
                 if (key == "labels") meta.labels = string_map(value, p);
                 if (key == "annotations") meta.annotations = string_map(value, p);
               });
    return meta;
  }

  Container container(const json& v, const std::string& path) {
    Container c;
    each_field(v, path, kContainerFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "name") c.name = string(value, p);
                 if (key == "image") c.image = string(value, p);
                 if (key == "imagePullPolicy") c.image_pull_policy = string(value, p);
                 if (key == "command") c.command = strings(value, p);
                 if (key == "args") c.args = strings(value, p);
                 if (key == "workingDir") c.working_dir = string(value, p);
                 if (key == "env") c.env = env(value, p);
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

  PodSpec pod_spec(const json& v, const std::string& path) {
    PodSpec spec;
    each_field(v, path, kPodSpecFields,
               [&](const std::string& key, const json& value, const std::string& p) {
                 if (key == "restartPolicy") spec.restart_policy = string(value, p);
                 if (key == "dnsPolicy") spec.dns_policy = string(value, p);
                 if (key == "schedulerName") spec.scheduler_name = string(value, p);
                 if (key == "securityContext") {
                   each_field(value, p, kPodSecurityContextFields,
                              [](const std::string&, const json&, const std::string&) {});
                   spec.security_context.emplace();
                 }
                 if (key == "terminationGracePeriodSeconds") {
                   spec.termination_grace_period_seconds = integer<std::int64_t>(value, p);
                 }
                 if (key == "containers") {
                   each_item(value, p, [&](const json& item, const std::string& item_path) {
                     spec.containers.push_back(container(item, item_path));
                   });
                 }
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

DecodedJob decode_job(const json& object) {
  DecodedJob out;
  Decoder d;
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
  return out;
}

}  // namespace api
