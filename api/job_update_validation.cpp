#include "api/job_update_validation.hpp"

#include <algorithm>
#include <set>

#include "api/index_intervals.hpp"
#include "api/job_encode.hpp"
#include "api/job_validation.hpp"
#include "api/rfc3339.hpp"

namespace api {
namespace {

constexpr std::string_view kImmutable = "field is immutable";

template <typename T>
std::string render_optional(const std::optional<T>& v) {
  if (!v) return quote("null");  // apimachinery prints a nil pointer as the string "null"
  if constexpr (std::is_same_v<T, std::string>) {
    return quote(*v);
  } else {
    return render(*v);
  }
}

// metav1.Time prints through time.Time's String(): "2026-11-23 18:00:00 +0000 UTC".
std::string render_time(const std::optional<base::TimePoint>& t) {
  if (!t) return quote("null");
  std::string text = format_time(*t);  // 2026-11-23T18:00:00Z
  text[10] = ' ';
  text.pop_back();
  text += " +0000 UTC";
  return text;
}

void immutable_metadata(const ObjectMeta& old, const ObjectMeta& updated, FieldErrors& out) {
  if (updated.name != old.name) {
    out.push_back(invalid("metadata.name", quote(updated.name), std::string(kImmutable)));
  }
  if (updated.namespace_ != old.namespace_) {
    out.push_back(
        invalid("metadata.namespace", quote(updated.namespace_), std::string(kImmutable)));
  }
  if (updated.uid != old.uid) {
    out.push_back(invalid("metadata.uid", quote(updated.uid), std::string(kImmutable)));
  }
}

bool condition_true(const JobStatus& status, std::string_view type) {
  return std::any_of(status.conditions.begin(), status.conditions.end(),
                     [&](const JobCondition& c) { return c.type == type && c.status == "True"; });
}

bool has_prefixed_labels(const Job& job) {
  const Labels& labels = job.spec.template_.metadata.labels;
  return labels.count(std::string(kJobNameLabel)) && labels.count(std::string(kControllerUidLabel));
}

// validateFailedIndexesNotOverlapCompleted: fragments that do not parse are skipped here (the
// format checks report them).
std::optional<std::int32_t> first_overlap(const std::string& completed, const std::string& failed,
                                          std::int32_t completions) {
  auto fragments = [&](const std::string& text) {
    std::vector<std::optional<IndexInterval>> out;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t comma = text.find(',', start);
      if (comma == std::string::npos) comma = text.size();
      auto parsed = parse_indexes_strict(text.substr(start, comma - start), completions);
      if (parsed && parsed->intervals().size() == 1) {
        out.push_back(parsed->intervals().front());
      } else {
        out.push_back(std::nullopt);
      }
      start = comma + 1;
    }
    return out;
  };
  if (completed.empty() || failed.empty()) return std::nullopt;
  const auto c = fragments(completed);
  const auto f = fragments(failed);
  std::size_t ci = 0;
  std::size_t fi = 0;
  while (ci < c.size() && fi < f.size()) {
    if (!c[ci]) {
      ++ci;
    } else if (!f[fi]) {
      ++fi;
    } else if (c[ci]->first <= f[fi]->last && f[fi]->first <= c[ci]->last) {
      return std::max(c[ci]->first, f[fi]->first);
    } else if (c[ci]->first <= f[fi]->first) {
      ++ci;
    } else {
      ++fi;
    }
  }
  return std::nullopt;
}

}  // namespace

FieldErrors validate_job_update(const Job& old, const Job& updated) {
  FieldErrors out = validate_job(updated, has_prefixed_labels(old));
  immutable_metadata(old.metadata, updated.metadata, out);

  const JobSpec& spec = updated.spec;
  const JobSpec& old_spec = old.spec;
  const auto encoded = encode_job(updated);
  const auto old_encoded = encode_job(old);
  auto same = [&](const char* key) {
    const auto& a = encoded["spec"];
    const auto& b = old_encoded["spec"];
    const bool in_a = a.contains(key);
    const bool in_b = b.contains(key);
    return in_a == in_b && (!in_a || a[key] == b[key]);
  };

  // validateCompletions (ElasticIndexedJob): Indexed jobs may change completions together with
  // parallelism.
  if (spec.completions != old_spec.completions) {
    if (spec.completion_mode != "Indexed") {
      out.push_back(
          invalid("spec.completions", render_optional(spec.completions), std::string(kImmutable)));
    } else if (spec.completions && spec.completions != spec.parallelism) {
      out.push_back(invalid("spec.completions", render(*spec.completions),
                            "can only be modified in tandem with spec.parallelism"));
    }
  }
  if (!same("selector")) {
    out.push_back(invalid("spec.selector",
                          spec.selector ? go_label_selector(*spec.selector) : quote("null"),
                          std::string(kImmutable)));
  }
  // validatePodTemplateUpdate: scheduling directives may change while the job is suspended and
  // has never started.
  Job relaxed = old;
  if (old_spec.suspend.value_or(false) && !old.status.start_time) {
    PodTemplateSpec& t = relaxed.spec.template_;
    t.metadata.labels = spec.template_.metadata.labels;
    t.metadata.annotations = spec.template_.metadata.annotations;
    t.spec.node_selector = spec.template_.spec.node_selector;
  }
  if (encode_job(relaxed)["spec"]["template"] != encoded["spec"]["template"]) {
    out.push_back(invalid("spec.template", "core.PodTemplateSpec{...}", std::string(kImmutable)));
  }
  if (spec.completion_mode != old_spec.completion_mode) {
    out.push_back(invalid("spec.completionMode", render_optional(spec.completion_mode),
                          std::string(kImmutable)));
  }
  if (!same("podFailurePolicy")) {
    out.push_back(invalid("spec.podFailurePolicy",
                          spec.pod_failure_policy ? "batch.PodFailurePolicy{...}" : quote("null"),
                          std::string(kImmutable)));
  }
  if (spec.backoff_limit_per_index != old_spec.backoff_limit_per_index) {
    out.push_back(invalid("spec.backoffLimitPerIndex",
                          render_optional(spec.backoff_limit_per_index), std::string(kImmutable)));
  }
  if (spec.managed_by != old_spec.managed_by) {
    out.push_back(
        invalid("spec.managedBy", render_optional(spec.managed_by), std::string(kImmutable)));
  }
  if (!same("successPolicy")) {
    out.push_back(
        invalid("spec.successPolicy",
                spec.success_policy ? go_success_policy(*spec.success_policy) : quote("null"),
                std::string(kImmutable)));
  }
  return out;
}

FieldErrors validate_job_status_update(const Job& old, const Job& updated) {
  FieldErrors out;
  immutable_metadata(old.metadata, updated.metadata, out);
  const JobStatus& st = updated.status;
  const JobStatus& old_st = old.status;
  const JobSpec& spec = updated.spec;
  const std::string f = "status";

  const bool complete = condition_true(st, kConditionComplete);
  const bool failed = condition_true(st, kConditionFailed);
  const bool failure_target = condition_true(st, kConditionFailureTarget);
  const bool criteria_met = condition_true(st, kConditionSuccessCriteriaMet);
  const bool finished = st.finished();
  const bool old_complete = condition_true(old_st, kConditionComplete);
  const bool old_criteria_met = condition_true(old_st, kConditionSuccessCriteriaMet);

  // What changed decides which rules apply (the registry strategy's status options).
  const bool complete_changed = complete != old_complete;
  const bool failed_changed = failed != condition_true(old_st, kConditionFailed);
  const bool failure_target_changed =
      failure_target != condition_true(old_st, kConditionFailureTarget);
  const bool criteria_met_changed = criteria_met != old_criteria_met;
  const bool finished_changed = finished != old_st.finished();
  const bool active_changed = st.active != old_st.active;
  const bool ready_changed = st.ready != old_st.ready;
  const bool terminating_changed = st.terminating != old_st.terminating;
  const bool start_changed = st.start_time != old_st.start_time;
  const bool completion_changed = st.completion_time != old_st.completion_time;
  const bool completed_indexes_changed = st.completed_indexes != old_st.completed_indexes;
  const bool failed_indexes_changed = st.failed_indexes != old_st.failed_indexes;
  auto uncounted_size = [](const JobStatus& s) {
    return s.uncounted_terminated_pods ? s.uncounted_terminated_pods->succeeded.size() +
                                             s.uncounted_terminated_pods->failed.size()
                                       : 0;
  };
  const bool uncounted_changed =
      uncounted_size(st) != uncounted_size(old_st) ||
      (st.uncounted_terminated_pods && old_st.uncounted_terminated_pods &&
       (st.uncounted_terminated_pods->succeeded != old_st.uncounted_terminated_pods->succeeded ||
        st.uncounted_terminated_pods->failed != old_st.uncounted_terminated_pods->failed));
  const bool indexed = spec.completion_mode == "Indexed";

  // validateJobStatus
  auto non_negative = [&](std::int64_t v, const char* name) {
    if (v < 0) {
      out.push_back(invalid(f + "." + name, render(v), "must be greater than or equal to 0"));
    }
  };
  non_negative(st.active, "active");
  non_negative(st.succeeded, "succeeded");
  non_negative(st.failed, "failed");
  if (st.ready) non_negative(*st.ready, "ready");
  if (st.terminating) non_negative(*st.terminating, "terminating");
  if (st.uncounted_terminated_pods) {
    std::set<std::string> seen;
    auto check = [&](const std::vector<std::string>& uids, const std::string& path) {
      for (std::size_t i = 0; i < uids.size(); ++i) {
        const std::string item = path + "[" + std::to_string(i) + "]";
        if (uids[i].empty()) {
          out.push_back(invalid(item, quote(uids[i]), "must not be empty"));
        } else if (!seen.insert(uids[i]).second) {
          out.push_back(duplicate(item, quote(uids[i])));
        }
      }
    };
    check(st.uncounted_terminated_pods->succeeded, f + ".uncountedTerminatedPods.succeeded");
    check(st.uncounted_terminated_pods->failed, f + ".uncountedTerminatedPods.failed");
  }
  const std::string conditions = f + ".conditions";
  if ((complete_changed || failed_changed) && complete && failed) {
    out.push_back(
        invalid(conditions, std::nullopt, "cannot set Complete=True and Failed=true conditions"));
  }
  if ((complete_changed || failure_target_changed) && complete && failure_target) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set Complete=True and FailureTarget=true conditions"));
  }
  if ((complete_changed || completion_changed) && st.completion_time && !complete) {
    out.push_back(invalid(f + ".completionTime", render_time(st.completion_time),
                          "cannot set completionTime when there is no Complete=True condition"));
  }
  if ((complete_changed || completion_changed) && !st.completion_time && complete) {
    out.push_back(required(f + ".completionTime", "completionTime is required for Complete jobs"));
  }
  if ((start_changed || completion_changed) && st.start_time && st.completion_time &&
      *st.completion_time < *st.start_time) {
    out.push_back(invalid(f + ".completionTime", render_time(st.completion_time),
                          "completionTime cannot be set before startTime"));
  }
  if (failed_changed && failed && !failure_target) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set Failed=True condition without the FailureTarget=true "
                          "condition"));
  }
  if ((complete_changed || criteria_met_changed) && complete && !criteria_met) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set Complete=True condition without the SuccessCriteriaMet=true "
                          "condition"));
  }
  if ((finished_changed || active_changed) && st.active > 0 && finished) {
    out.push_back(
        invalid(f + ".active", render(st.active), "active>0 is invalid for finished job"));
  }
  if ((finished_changed || start_changed) && !st.start_time && finished) {
    out.push_back(required(f + ".startTime", "startTime is required for finished job"));
  }
  if ((finished_changed || uncounted_changed) && finished && uncounted_size(st) > 0) {
    out.push_back(invalid(f + ".uncountedTerminatedPods", "batch.UncountedTerminatedPods{...}",
                          "uncountedTerminatedPods needs to be empty for finished job"));
  }
  if (completed_indexes_changed && spec.completions && !st.completed_indexes.empty()) {
    auto parsed = parse_indexes_strict(st.completed_indexes, *spec.completions);
    if (!parsed) {
      out.push_back(invalid(f + ".completedIndexes", quote(st.completed_indexes),
                            "error parsing completedIndexes: " + parsed.error().message()));
    }
  }
  if (failed_indexes_changed && spec.completions && spec.backoff_limit_per_index &&
      st.failed_indexes && !st.failed_indexes->empty()) {
    auto parsed = parse_indexes_strict(*st.failed_indexes, *spec.completions);
    if (!parsed) {
      out.push_back(invalid(f + ".failedIndexes", quote(*st.failed_indexes),
                            "error parsing failedIndexes: " + parsed.error().message()));
    }
  }
  if (completed_indexes_changed && !st.completed_indexes.empty() && !indexed) {
    out.push_back(invalid(f + ".completedIndexes", quote(st.completed_indexes),
                          "cannot set non-empty completedIndexes when non-indexed completion "
                          "mode"));
  }
  if (failed_indexes_changed && !spec.backoff_limit_per_index && st.failed_indexes) {
    out.push_back(invalid(f + ".failedIndexes", quote(*st.failed_indexes),
                          "cannot set non-null failedIndexes when backoffLimitPerIndex is null"));
  }
  if ((failed_indexes_changed || completed_indexes_changed) && spec.completions &&
      st.failed_indexes) {
    if (auto at = first_overlap(st.completed_indexes, *st.failed_indexes, *spec.completions)) {
      out.push_back(
          invalid(f + ".failedIndexes", quote(*st.failed_indexes),
                  "failedIndexes and completedIndexes overlap at index: " + std::to_string(*at)));
    }
  }
  if ((finished_changed || terminating_changed) && st.terminating && *st.terminating > 0 &&
      finished) {
    out.push_back(invalid(f + ".terminating", render(*st.terminating),
                          "terminating>0 is invalid for finished job"));
  }
  if ((ready_changed || active_changed) && st.ready && *st.ready > st.active) {
    out.push_back(
        invalid(f + ".ready", render(*st.ready), "cannot set more ready pods than active"));
  }
  if (criteria_met && failed) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set SuccessCriteriaMet=True and Failed=true conditions"));
  }
  if (criteria_met && failure_target) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set SuccessCriteriaMet=True and FailureTarget=true conditions"));
  }
  if (spec.success_policy && !criteria_met && complete) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set Complete=True for Job with SuccessPolicy unless "
                          "SuccessCriteriaMet=True"));
  }

  // ValidateJobStatusUpdate: transitions.
  for (std::string_view type : {kConditionFailed, kConditionComplete, kConditionFailureTarget}) {
    if (condition_true(old_st, type) && !condition_true(st, type)) {
      out.push_back(
          invalid(conditions, std::nullopt,
                  "cannot disable the terminal " + std::string(type) + "=True condition"));
    }
  }
  if (st.failed < old_st.failed) {
    out.push_back(invalid(f + ".failed", render(st.failed), "cannot decrease the failed counter"));
  }
  // Elastic Indexed jobs (completions == parallelism) may be scaled down.
  const bool may_decrease_succeeded = indexed && spec.completions == spec.parallelism;
  if (!may_decrease_succeeded && st.succeeded < old_st.succeeded) {
    out.push_back(
        invalid(f + ".succeeded", render(st.succeeded), "cannot decrease the succeeded counter"));
  }
  if (st.completion_time && old_st.completion_time &&
      st.completion_time != old_st.completion_time) {
    out.push_back(invalid(f + ".completionTime", render_time(st.completion_time),
                          "completionTime cannot be mutated"));
  }
  if (start_changed && old_st.start_time && !spec.suspend.value_or(false)) {
    out.push_back(required(f + ".startTime", "startTime cannot be removed for unsuspended job"));
  }
  if (old_criteria_met && !criteria_met) {
    out.push_back(
        invalid(conditions, std::nullopt, "cannot disable the SuccessCriteriaMet=True condition"));
  }
  if (old_complete && !old_criteria_met && criteria_met) {
    out.push_back(invalid(conditions, std::nullopt,
                          "cannot set SuccessCriteriaMet=True for Job already has Complete=true "
                          "conditions"));
  }
  return out;
}

}  // namespace api
