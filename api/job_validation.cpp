#include "api/job_validation.hpp"

#include <set>

#include "api/index_intervals.hpp"
#include "api/name_rules.hpp"
#include "api/object_meta_validation.hpp"
#include "api/pod_validation.hpp"

namespace api {
namespace {

// Upstream's limits (pkg/apis/batch/validation).
constexpr std::size_t kMaxPodFailurePolicyRules = 20;
constexpr std::size_t kMaxOnExitCodesValues = 255;
constexpr std::size_t kMaxOnPodConditionsPatterns = 20;
constexpr std::size_t kMaxSuccessPolicyRules = 20;
constexpr std::size_t kMaxSucceededIndexesBytes = 64 * 1024;
constexpr std::size_t kMaxManagedByLength = 63;
constexpr std::int32_t kMaxIndexedParallelism = 100000;
constexpr std::int32_t kMaxIndexedCompletions = 100000;
constexpr std::int32_t kMaxMaxFailedIndexes = 100000;
constexpr std::int32_t kMaxParallelismWithBackoffLimitPerIndex = 10000;

// Go's %#v of a map[string]string (keys sorted, as fmt prints maps).
std::string go_string_map(const Labels& labels) {
  std::string out = "map[string]string{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ", ";
    first = false;
    out += quote(k);
    out += ':';
    out += quote(v);
  }
  out += '}';
  return out;
}

// Go's %#v of an []int32, as field errors print them: []int32{19, 11}.
std::string go_int32s(const std::vector<std::int32_t>& values) {
  std::string out = "[]int32{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

// A deterministic stand-in for Go's %#v of a batch.SuccessPolicy. Upstream prints pointer
// addresses for set fields, which no client can rely on; this keeps the shape and shows values.
std::string go_success_policy_text(const SuccessPolicy& policy) {
  std::string out = "batch.SuccessPolicy{Rules:[]batch.SuccessPolicyRule{";
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    const auto& rule = policy.rules[i];
    if (i > 0) out += ", ";
    out += "batch.SuccessPolicyRule{SucceededIndexes:";
    out += rule.succeeded_indexes ? "(*string)(" + quote(*rule.succeeded_indexes) + ")"
                                  : std::string("(*string)(nil)");
    out += ", SucceededCount:";
    out += rule.succeeded_count ? "(*int32)(" + std::to_string(*rule.succeeded_count) + ")"
                                : std::string("(*int32)(nil)");
    out += '}';
  }
  out += "}}";
  return out;
}

void non_negative(const std::optional<std::int64_t>& v, const std::string& field,
                  FieldErrors& out) {
  if (v && *v < 0) {
    out.push_back(invalid(field, render(*v), "must be greater than or equal to 0"));
  }
}

void validate_metadata(const ObjectMeta& meta, FieldErrors& out) {
  if (meta.name.empty()) {
    out.push_back(required("metadata.name", "name or generateName is required"));
  } else {
    for (auto& e : dns1123_subdomain_errors(meta.name)) {
      out.push_back(invalid("metadata.name", quote(meta.name), e));
    }
  }
  for (auto& e : dns1123_label_errors(meta.namespace_)) {
    out.push_back(invalid("metadata.namespace", quote(meta.namespace_), e));
  }
  validate_labels(meta.labels, "metadata.labels", out);
  validate_annotations(meta.annotations, "metadata.annotations", out);
  validate_owner_references(meta.owner_references, "metadata.ownerReferences", out);
  validate_finalizers(meta.finalizers, "metadata.finalizers", out);
}

void validate_generated_selector(const Job& job, bool require_prefixed_labels, FieldErrors& out) {
  if (job.spec.manual_selector.value_or(false)) return;
  const Labels& labels = job.spec.template_.metadata.labels;
  const std::string prefix = "spec.template.metadata.labels";
  // Upstream's ValidateHasLabel: Required when missing, Invalid (with the labels) when wrong.
  auto expect = [&](std::string_view key, const std::string& want) {
    const std::string field = prefix + "[" + std::string(key) + "]";
    auto it = labels.find(std::string(key));
    if (it == labels.end()) {
      out.push_back(required(field, "must be '" + want + "'"));
    } else if (it->second != want) {
      out.push_back(invalid(field, go_string_map(labels), "must be '" + want + "'"));
    }
  };
  expect(kLegacyControllerUidLabel, job.metadata.uid);
  expect(kLegacyJobNameLabel, job.metadata.name);
  Labels expected{{std::string(kLegacyControllerUidLabel), job.metadata.uid},
                  {std::string(kLegacyJobNameLabel), job.metadata.name}};
  if (require_prefixed_labels) {
    expect(kControllerUidLabel, job.metadata.uid);
    expect(kJobNameLabel, job.metadata.name);
    expected.emplace(std::string(kControllerUidLabel), job.metadata.uid);
    expected.emplace(std::string(kJobNameLabel), job.metadata.name);
  }
  // The selector must select exactly what generation would have produced: a selector the user
  // wrote (its labels are kept, generation only adds the uid) does not.
  const auto& selector = job.spec.selector;
  if (!selector || (parses(*selector) && !matches(*selector, expected))) {
    out.push_back(invalid("spec.selector", selector ? go_label_selector(*selector) : quote("null"),
                          "`selector` not auto-generated"));
  }
}

// apimachinery's IsDomainPrefixedPath, used for spec.managedBy.
void validate_domain_prefixed_path(const std::string& value, const std::string& field,
                                   FieldErrors& out) {
  if (value.empty()) {
    out.push_back(required(field));
    return;
  }
  const auto slash = value.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == value.size()) {
    out.push_back(
        invalid(field, quote(value), "must be a domain-prefixed path (such as \"acme.io/foo\")"));
    return;
  }
  const std::string host = value.substr(0, slash);
  const std::string path = value.substr(slash + 1);
  for (auto& e : dns1123_subdomain_errors(host)) out.push_back(invalid(field, quote(host), e));
  static constexpr std::string_view kPathChars = "/-._~%!$&'()*+,;=:";
  for (char c : path) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kPathChars.find(c) == std::string_view::npos) {
      out.push_back(invalid(field, quote(path), "Invalid path"));
      break;
    }
  }
}

void validate_on_exit_codes(const PodFailurePolicyOnExitCodes& codes, const std::string& field,
                            const std::set<std::string>& container_names, FieldErrors& out) {
  if (codes.operator_.empty()) {
    out.push_back(required(field + ".operator", "valid values: [\"In\" \"NotIn\"]"));
  } else if (codes.operator_ != "In" && codes.operator_ != "NotIn") {
    out.push_back(not_supported(field + ".operator", codes.operator_, {"In", "NotIn"}));
  }
  if (codes.container_name && container_names.count(*codes.container_name) == 0) {
    out.push_back(invalid(field + ".containerName", quote(*codes.container_name),
                          "must be one of the container or initContainer names in the pod "
                          "template"));
  }
  const std::string values = field + ".values";
  if (codes.values.empty()) {
    out.push_back(invalid(values, go_int32s(codes.values), "at least one value is required"));
  } else if (codes.values.size() > kMaxOnExitCodesValues) {
    out.push_back(too_many(values, codes.values.size(), kMaxOnExitCodesValues));
  } else {
    bool ordered = true;
    std::set<std::int32_t> seen;
    for (std::size_t j = 0; j < codes.values.size(); ++j) {
      const std::int32_t v = codes.values[j];
      const std::string item = values + "[" + std::to_string(j) + "]";
      if (codes.operator_ == "In" && v == 0) {
        out.push_back(invalid(item, render(v), "must not be 0 for the In operator"));
      }
      if (!seen.insert(v).second) out.push_back(duplicate(item, render(v)));
      if (j > 0 && codes.values[j - 1] > v) ordered = false;
    }
    if (!ordered) out.push_back(invalid(values, go_int32s(codes.values), "must be ordered"));
  }
}

void validate_on_pod_conditions(const std::vector<PodFailurePolicyOnPodConditionsPattern>& patterns,
                                const std::string& field, FieldErrors& out) {
  if (patterns.size() > kMaxOnPodConditionsPatterns) {
    out.push_back(too_many(field, patterns.size(), kMaxOnPodConditionsPatterns));
  }
  for (std::size_t j = 0; j < patterns.size(); ++j) {
    const std::string item = field + "[" + std::to_string(j) + "]";
    for (auto& e : qualified_name_errors(patterns[j].type)) {
      out.push_back(invalid(item + ".type", quote(patterns[j].type), e));
    }
    const std::string& status = patterns[j].status;
    if (status.empty()) {
      out.push_back(required(item + ".status", "valid values: [\"False\" \"True\" \"Unknown\"]"));
    } else if (status != "True" && status != "False" && status != "Unknown") {
      out.push_back(not_supported(item + ".status", status, {"False", "True", "Unknown"}));
    }
  }
}

void validate_pod_failure_policy(const JobSpec& spec, FieldErrors& out) {
  const std::string rules = "spec.podFailurePolicy.rules";
  const auto& policy = *spec.pod_failure_policy;
  if (policy.rules.size() > kMaxPodFailurePolicyRules) {
    out.push_back(too_many(rules, policy.rules.size(), kMaxPodFailurePolicyRules));
  }
  std::set<std::string> container_names;
  for (const auto& c : spec.template_.spec.containers) container_names.insert(c.name);
  for (const auto& c : spec.template_.spec.init_containers) container_names.insert(c.name);
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    const auto& rule = policy.rules[i];
    const std::string field = rules + "[" + std::to_string(i) + "]";
    const std::string action = field + ".action";
    if (rule.action.empty()) {
      out.push_back(
          required(action, "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"));
    } else if (rule.action == "FailIndex") {
      if (!spec.backoff_limit_per_index) {
        out.push_back(
            invalid(action, quote(rule.action), "requires the backoffLimitPerIndex to be set"));
      }
    } else if (rule.action != "Count" && rule.action != "FailJob" && rule.action != "Ignore") {
      out.push_back(
          not_supported(action, rule.action, {"Count", "FailIndex", "FailJob", "Ignore"}));
    }
    if (rule.on_exit_codes) {
      validate_on_exit_codes(*rule.on_exit_codes, field + ".onExitCodes", container_names, out);
    }
    if (!rule.on_pod_conditions.empty()) {
      validate_on_pod_conditions(rule.on_pod_conditions, field + ".onPodConditions", out);
    }
    if (rule.on_exit_codes && !rule.on_pod_conditions.empty()) {
      out.push_back(invalid(field, std::nullopt,
                            "specifying both OnExitCodes and OnPodConditions is not supported"));
    }
    if (!rule.on_exit_codes && rule.on_pod_conditions.empty()) {
      out.push_back(invalid(field, std::nullopt,
                            "specifying one of OnExitCodes and OnPodConditions is required"));
    }
  }
}

void validate_success_policy(const JobSpec& spec, FieldErrors& out) {
  const std::string field = "spec.successPolicy";
  const auto& policy = *spec.success_policy;
  if (spec.completion_mode.value_or("") != "Indexed") {
    // Upstream checks the rules only for Indexed jobs (they are read against completions).
    out.push_back(
        invalid(field, go_success_policy_text(policy), "requires indexed completion mode"));
    return;
  }
  if (policy.rules.empty()) {
    out.push_back(required(field + ".rules",
                           "at least one rules must be specified when the successPolicy is "
                           "specified"));
  }
  if (policy.rules.size() > kMaxSuccessPolicyRules) {
    out.push_back(too_many(field + ".rules", policy.rules.size(), kMaxSuccessPolicyRules));
  }
  const std::int32_t completions = spec.completions.value_or(0);
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    const auto& rule = policy.rules[i];
    const std::string rule_field = field + ".rules[" + std::to_string(i) + "]";
    std::int64_t total_indexes = 0;
    if (rule.succeeded_indexes) {
      const std::string indexes_field = rule_field + ".succeededIndexes";
      if (rule.succeeded_indexes->size() > kMaxSucceededIndexesBytes) {
        out.push_back(too_long(indexes_field, kMaxSucceededIndexesBytes));
      }
      auto parsed = parse_indexes_strict(*rule.succeeded_indexes, completions);
      if (parsed) {
        total_indexes = parsed->count();
      } else {
        out.push_back(invalid(indexes_field, quote(*rule.succeeded_indexes),
                              "error parsing succeededIndexes: " + parsed.error().message()));
      }
    }
    if (rule.succeeded_count) {
      const std::string count_field = rule_field + ".succeededCount";
      const std::int32_t count = *rule.succeeded_count;
      if (count < 0) {
        out.push_back(invalid(count_field, render(count), "must be greater than or equal to 0"));
      }
      if (count > completions) {
        out.push_back(invalid(count_field, render(count),
                              "must be less than or equal to " + std::to_string(completions) +
                                  " (the number of specified completions)"));
      }
      if (rule.succeeded_indexes && count > total_indexes) {
        out.push_back(invalid(count_field, render(count),
                              "must be less than or equal to " + std::to_string(total_indexes) +
                                  " (the number of indexes in the specified succeededIndexes "
                                  "field)"));
      }
    }
    if (!rule.succeeded_indexes && !rule.succeeded_count) {
      out.push_back(required(rule_field,
                             "at least one of succeededCount or succeededIndexes must be "
                             "specified"));
    }
  }
}

void validate_completion_mode(const JobSpec& spec, FieldErrors& out) {
  if (spec.completion_mode) {
    const std::string& mode = *spec.completion_mode;
    if (mode != "NonIndexed" && mode != "Indexed") {
      out.push_back(not_supported("spec.completionMode", mode, {"NonIndexed", "Indexed"}));
    }
    if (mode == "Indexed") {
      const auto& completions = spec.completions;
      const auto& max_failed = spec.max_failed_indexes;
      if (!completions) {
        out.push_back(required("spec.completions", "when completion mode is Indexed"));
      }
      if (spec.parallelism && *spec.parallelism > kMaxIndexedParallelism) {
        out.push_back(invalid("spec.parallelism", render(*spec.parallelism),
                              "must be less than or equal to 100000 when completion mode is "
                              "Indexed"));
      }
      if (completions && max_failed && *max_failed > *completions) {
        out.push_back(invalid("spec.maxFailedIndexes", render(*max_failed),
                              "must be less than or equal to completions"));
      }
      if (max_failed && *max_failed > kMaxMaxFailedIndexes) {
        out.push_back(invalid("spec.maxFailedIndexes", render(*max_failed),
                              "must be less than or equal to 100000"));
      }
      if (completions && *completions > kMaxIndexedCompletions && spec.backoff_limit_per_index) {
        if (!max_failed) {
          out.push_back(required("spec.maxFailedIndexes",
                                 "must be specified when completions is above 100000"));
        }
        if (spec.parallelism && *spec.parallelism > kMaxParallelismWithBackoffLimitPerIndex) {
          out.push_back(invalid("spec.parallelism", render(*spec.parallelism),
                                "must be less than or equal to 10000 when completions are above "
                                "100000 and used with backoff limit per index"));
        }
        if (max_failed && *max_failed > kMaxParallelismWithBackoffLimitPerIndex) {
          out.push_back(invalid("spec.maxFailedIndexes", render(*max_failed),
                                "must be less than or equal to 10000 when completions are above "
                                "100000 and used with backoff limit per index"));
        }
      }
    }
  }
  if (!spec.completion_mode || *spec.completion_mode == "NonIndexed") {
    if (spec.backoff_limit_per_index) {
      out.push_back(invalid("spec.backoffLimitPerIndex", render(*spec.backoff_limit_per_index),
                            "requires indexed completion mode"));
    }
    if (spec.max_failed_indexes) {
      out.push_back(invalid("spec.maxFailedIndexes", render(*spec.max_failed_indexes),
                            "requires indexed completion mode"));
    }
  }
}

void validate_pod_replacement_policy(const JobSpec& spec, FieldErrors& out) {
  if (!spec.pod_replacement_policy) return;
  const std::string& policy = *spec.pod_replacement_policy;
  if (spec.pod_failure_policy) {
    if (policy != "Failed") {
      out.push_back(not_supported("spec.podReplacementPolicy", policy, {"Failed"}));
    }
  } else if (policy != "Failed" && policy != "TerminatingOrFailed") {
    out.push_back(
        not_supported("spec.podReplacementPolicy", policy, {"Failed", "TerminatingOrFailed"}));
  }
}

void validate_restart_policy(const JobSpec& spec, FieldErrors& out) {
  const std::string field = "spec.template.spec.restartPolicy";
  const std::string& restart = spec.template_.spec.restart_policy;
  if (restart == "Always" || restart.empty()) {
    out.push_back(required(field, "valid values: \"OnFailure\", \"Never\""));
  } else if (restart != "OnFailure" && restart != "Never") {
    out.push_back(not_supported(field, restart, {"OnFailure", "Never"}));
  } else if (spec.pod_failure_policy && restart != "Never") {
    out.push_back(invalid(field, quote(restart),
                          "only \"Never\" is supported when podFailurePolicy is specified"));
  }
}

// Upstream's validateJobSpec, in its order.
void validate_spec(const JobSpec& spec, FieldErrors& out) {
  non_negative(spec.parallelism, "spec.parallelism", out);
  non_negative(spec.completions, "spec.completions", out);
  non_negative(spec.active_deadline_seconds, "spec.activeDeadlineSeconds", out);
  non_negative(spec.backoff_limit, "spec.backoffLimit", out);
  non_negative(spec.ttl_seconds_after_finished, "spec.ttlSecondsAfterFinished", out);
  non_negative(spec.backoff_limit_per_index, "spec.backoffLimitPerIndex", out);
  if (spec.max_failed_indexes) {
    non_negative(spec.max_failed_indexes, "spec.maxFailedIndexes", out);
    if (!spec.backoff_limit_per_index) {
      out.push_back(required("spec.backoffLimitPerIndex", "when maxFailedIndexes is specified"));
    }
  }
  if (spec.managed_by) {
    validate_domain_prefixed_path(*spec.managed_by, "spec.managedBy", out);
    if (spec.managed_by->size() > kMaxManagedByLength) {
      out.push_back(too_long("spec.managedBy", kMaxManagedByLength));
    }
  }
  validate_completion_mode(spec, out);
  if (spec.pod_failure_policy) validate_pod_failure_policy(spec, out);
  if (spec.success_policy) validate_success_policy(spec, out);
  validate_pod_replacement_policy(spec, out);
  validate_pod_template(spec.template_, "spec.template", out);
  validate_restart_policy(spec, out);
}

}  // namespace

std::string go_success_policy(const SuccessPolicy& policy) {
  return go_success_policy_text(policy);
}

FieldErrors validate_job_create(const Job& job) { return validate_job(job, true); }

FieldErrors validate_job(const Job& job, bool require_prefixed_labels) {
  FieldErrors out;
  validate_metadata(job.metadata, out);
  validate_generated_selector(job, require_prefixed_labels, out);
  validate_spec(job.spec, out);

  // ValidateJobSpec's selector checks follow validateJobSpec.
  const JobSpec& spec = job.spec;
  // Whether generated or written by hand, the selector must match the pods it will make; a
  // missing selector matches nothing (upstream's LabelSelectorAsSelector(nil)).
  const Labels& template_labels = spec.template_.metadata.labels;
  if (!spec.selector) {
    out.push_back(required("spec.selector"));
  } else {
    validate_label_selector(*spec.selector, "spec.selector", out);
  }
  const bool selects_template =
      spec.selector && parses(*spec.selector) && matches(*spec.selector, template_labels);
  const bool unparsable = spec.selector && !parses(*spec.selector);
  if (!selects_template && !unparsable) {
    out.push_back(
        invalid("spec.template.metadata.labels",
                template_labels.empty() ? "map[string]string(nil)" : go_string_map(template_labels),
                "`selector` does not match template `labels`"));
  }

  // Indexed pods are named and hostnamed <job>-<index>: the largest must be a DNS label.
  if (spec.completion_mode == "Indexed" && spec.completions && *spec.completions > 0) {
    const std::string longest = job.metadata.name + "-" + std::to_string(*spec.completions - 1);
    if (!dns1123_label_errors(longest).empty()) {
      out.push_back(invalid("metadata.name", quote(job.metadata.name),
                            "will not able to create pod with invalid DNS label: " + longest));
    }
  }
  return out;
}

}  // namespace api
