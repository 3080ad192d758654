#include "api/job_validation.hpp"

#include <set>

#include "api/name_rules.hpp"

namespace api {
namespace {

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
}

void validate_generated_selector(const Job& job, FieldErrors& out) {
  if (job.spec.manual_selector.value_or(false)) return;
  const Labels& labels = job.spec.template_.metadata.labels;
  const std::string prefix = "spec.template.metadata.labels";
  auto expect = [&](std::string_view key, const std::string& want) {
    auto it = labels.find(std::string(key));
    if (it == labels.end() || it->second != want) {
      out.push_back(required(prefix + "[" + std::string(key) + "]", "must be '" + want + "'"));
    }
  };
  expect(kLegacyControllerUidLabel, job.metadata.uid);
  expect(kLegacyJobNameLabel, job.metadata.name);
  expect(kControllerUidLabel, job.metadata.uid);
  expect(kJobNameLabel, job.metadata.name);
}

void validate_container(const Container& c, const std::string& field, std::set<std::string>& names,
                        FieldErrors& out) {
  if (c.name.empty()) {
    out.push_back(required(field + ".name"));
  } else {
    for (auto& e : dns1123_label_errors(c.name)) {
      out.push_back(invalid(field + ".name", quote(c.name), e));
    }
    if (!names.insert(c.name).second) out.push_back(duplicate(field + ".name", quote(c.name)));
  }
  if (c.image.empty()) out.push_back(required(field + ".image"));
  if (c.image_pull_policy != "Always" && c.image_pull_policy != "IfNotPresent" &&
      c.image_pull_policy != "Never") {
    out.push_back(not_supported(field + ".imagePullPolicy", c.image_pull_policy,
                                {"Always", "IfNotPresent", "Never"}));
  }
  for (std::size_t i = 0; i < c.env.size(); ++i) {
    const std::string env_field = field + ".env[" + std::to_string(i) + "].name";
    const std::string& name = c.env[i].name;
    if (name.empty()) {
      out.push_back(required(env_field));
      continue;
    }
    bool printable = name.find('=') == std::string::npos;
    for (unsigned char ch : name) printable = printable && ch >= 0x20 && ch < 0x7f;
    if (!printable) {
      out.push_back(invalid(env_field, quote(name),
                            "a valid environment variable name must consist only of printable "
                            "ASCII characters other than '='"));
    }
  }
}

void validate_pod_template(const PodTemplateSpec& tmpl, FieldErrors& out) {
  validate_labels(tmpl.metadata.labels, "spec.template.labels", out);
  const PodSpec& pod = tmpl.spec;
  const std::string field = "spec.template.spec";
  if (pod.containers.empty()) out.push_back(required(field + ".containers"));
  std::set<std::string> names;
  for (std::size_t i = 0; i < pod.containers.size(); ++i) {
    validate_container(pod.containers[i], field + ".containers[" + std::to_string(i) + "]", names,
                       out);
  }
  non_negative(pod.termination_grace_period_seconds, field + ".terminationGracePeriodSeconds", out);
}

}  // namespace

FieldErrors validate_job_create(const Job& job) {
  FieldErrors out;
  validate_metadata(job.metadata, out);
  validate_generated_selector(job, out);

  const JobSpec& spec = job.spec;
  non_negative(spec.parallelism, "spec.parallelism", out);
  non_negative(spec.completions, "spec.completions", out);
  non_negative(spec.active_deadline_seconds, "spec.activeDeadlineSeconds", out);
  non_negative(spec.backoff_limit, "spec.backoffLimit", out);
  non_negative(spec.ttl_seconds_after_finished, "spec.ttlSecondsAfterFinished", out);

  const std::string mode = spec.completion_mode.value_or("");
  if (mode != "NonIndexed" && mode != "Indexed") {
    out.push_back(not_supported("spec.completionMode", mode, {"NonIndexed", "Indexed"}));
  } else if (mode == "Indexed" && !spec.completions) {
    out.push_back(required("spec.completions", "when completion mode is Indexed"));
  }
  const std::string replacement = spec.pod_replacement_policy.value_or("");
  if (replacement != "Failed" && replacement != "TerminatingOrFailed") {
    out.push_back(
        not_supported("spec.podReplacementPolicy", replacement, {"Failed", "TerminatingOrFailed"}));
  }

  validate_pod_template(spec.template_, out);

  const std::string& restart = spec.template_.spec.restart_policy;
  if (restart == "Always" || restart.empty()) {
    out.push_back(
        required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
  } else if (restart != "OnFailure" && restart != "Never") {
    out.push_back(
        not_supported("spec.template.spec.restartPolicy", restart, {"OnFailure", "Never"}));
  }

  if (!spec.selector) {
    out.push_back(required("spec.selector"));
  } else {
    for (const auto& [key, value] : spec.selector->match_labels) {
      auto it = spec.template_.metadata.labels.find(key);
      if (it == spec.template_.metadata.labels.end() || it->second != value) {
        out.push_back(invalid("spec.template.metadata.labels", std::nullopt,
                              "`selector` does not match template `labels`"));
        break;
      }
    }
  }
  return out;
}

}  // namespace api
