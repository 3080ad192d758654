// Update (spec §3.3) and status-update (§3.4) validation: upstream's immutability and status
// transition rules with their messages.
#include "api/job_update_validation.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "api/job_create.hpp"
#include "api/rfc3339.hpp"

namespace {

using nlohmann::json;

api::Job created_job(json manifest) {
  std::mt19937_64 rng(7);
  auto created = api::create_job(manifest, *api::parse_time("2026-11-23T18:00:00Z"), rng);
  REQUIRE(created.errors.empty());
  return created.job;
}

json pi() {
  return json::parse(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi"},
    "spec":{"template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],
    "restartPolicy":"Never"}}}})");
}

std::vector<std::string> messages(const api::FieldErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.to_string());
  return out;
}

api::JobCondition condition(std::string type) {
  api::JobCondition c;
  c.type = std::move(type);
  c.status = "True";
  return c;
}

}  // namespace

TEST_CASE("an unchanged job and the mutable fields pass update validation", "[unit]") {
  const api::Job old = created_job(pi());
  CHECK(api::validate_job_update(old, old).empty());
  api::Job updated = old;
  updated.spec.parallelism = 3;
  updated.spec.active_deadline_seconds = 60;
  updated.spec.backoff_limit = 2;
  updated.spec.suspend = true;
  updated.spec.ttl_seconds_after_finished = 10;
  updated.metadata.labels["extra"] = "yes";
  CHECK(messages(api::validate_job_update(old, updated)).empty());
}

TEST_CASE("immutable spec fields", "[unit]") {
  const api::Job old = created_job(pi());
  api::Job updated = old;
  updated.spec.completions = 5;
  updated.spec.completion_mode = "Indexed";
  updated.spec.template_.spec.containers[0].image = "perl:5.36";
  updated.spec.managed_by = "example.com/other";
  updated.metadata.name = "other";
  const auto errors = messages(api::validate_job_update(old, updated));
  // The create rules run first (the renamed job no longer matches its generated labels).
  auto has = [&](const std::string& text) {
    return std::find(errors.begin(), errors.end(), text) != errors.end();
  };
  CHECK(has("metadata.name: Invalid value: \"other\": field is immutable"));
  CHECK(has("spec.completionMode: Invalid value: \"Indexed\": field is immutable"));
  CHECK(has("spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"));
  CHECK(has("spec.managedBy: Invalid value: \"example.com/other\": field is immutable"));
  // Indexed now: completions may change only together with parallelism.
  CHECK(
      has("spec.completions: Invalid value: 5: can only be modified in tandem with "
          "spec.parallelism"));
}

TEST_CASE("completions of a NonIndexed job are immutable, elastic Indexed jobs scale", "[unit]") {
  const api::Job old = created_job(pi());
  api::Job updated = old;
  updated.spec.completions = 2;
  CHECK(messages(api::validate_job_update(old, updated)) ==
        std::vector<std::string>{"spec.completions: Invalid value: 2: field is immutable"});

  json indexed = pi();
  indexed["spec"]["completionMode"] = "Indexed";
  indexed["spec"]["completions"] = 4;
  indexed["spec"]["parallelism"] = 4;
  const api::Job old_indexed = created_job(indexed);
  api::Job scaled = old_indexed;
  scaled.spec.completions = 6;
  scaled.spec.parallelism = 6;
  CHECK(api::validate_job_update(old_indexed, scaled).empty());
}

TEST_CASE("a suspended job that never started may change template labels and nodeSelector",
          "[unit]") {
  json manifest = pi();
  manifest["spec"]["suspend"] = true;
  const api::Job old = created_job(manifest);
  api::Job updated = old;
  updated.spec.template_.metadata.labels["queue"] = "fast";
  updated.spec.template_.metadata.annotations["note"] = "x";
  updated.spec.template_.spec.node_selector["disktype"] = "ssd";
  CHECK(messages(api::validate_job_update(old, updated)).empty());

  api::Job started = old;
  started.status.start_time = *api::parse_time("2026-11-23T18:01:00Z");
  updated.status = started.status;
  CHECK(messages(api::validate_job_update(started, updated)) ==
        std::vector<std::string>{
            "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"});
}

TEST_CASE("status updates: counters, terminal conditions, times", "[unit]") {
  api::Job old = created_job(pi());
  old.status.failed = 2;
  old.status.succeeded = 1;
  old.status.start_time = *api::parse_time("2026-11-23T18:00:00Z");
  old.status.conditions = {condition("FailureTarget"), condition("Failed")};
  api::Job updated = old;
  updated.status.failed = 1;
  updated.status.succeeded = 0;
  updated.status.conditions.clear();
  updated.status.start_time.reset();
  CHECK(messages(api::validate_job_status_update(old, updated)) ==
        std::vector<std::string>{
            "status.conditions: Invalid value: cannot disable the terminal Failed=True condition",
            "status.conditions: Invalid value: cannot disable the terminal FailureTarget=True "
            "condition",
            "status.failed: Invalid value: 1: cannot decrease the failed counter",
            "status.succeeded: Invalid value: 0: cannot decrease the succeeded counter",
            "status.startTime: Required value: startTime cannot be removed for unsuspended job"});
}

TEST_CASE("status updates: a finished job's consistency", "[unit]") {
  const api::Job old = created_job(pi());
  api::Job updated = old;
  updated.status.conditions = {condition("Complete"), condition("Failed")};
  updated.status.active = 1;
  updated.status.ready = 2;
  updated.status.terminating = 1;
  updated.status.completed_indexes = "0";
  updated.status.uncounted_terminated_pods = api::UncountedTerminatedPods{{"a", "a"}, {""}};
  CHECK(messages(api::validate_job_status_update(old, updated)) ==
        std::vector<std::string>{
            "status.uncountedTerminatedPods.succeeded[1]: Duplicate value: \"a\"",
            "status.uncountedTerminatedPods.failed[0]: Invalid value: \"\": must not be empty",
            "status.conditions: Invalid value: cannot set Complete=True and Failed=true "
            "conditions",
            "status.completionTime: Required value: completionTime is required for Complete jobs",
            "status.conditions: Invalid value: cannot set Failed=True condition without the "
            "FailureTarget=true condition",
            "status.conditions: Invalid value: cannot set Complete=True condition without the "
            "SuccessCriteriaMet=true condition",
            "status.active: Invalid value: 1: active>0 is invalid for finished job",
            "status.startTime: Required value: startTime is required for finished job",
            "status.uncountedTerminatedPods: Invalid value: batch.UncountedTerminatedPods{...}: "
            "uncountedTerminatedPods needs to be empty for finished job",
            "status.completedIndexes: Invalid value: \"0\": cannot set non-empty "
            "completedIndexes when non-indexed completion mode",
            "status.terminating: Invalid value: 1: terminating>0 is invalid for finished job",
            "status.ready: Invalid value: 2: cannot set more ready pods than active"});
}

TEST_CASE("status updates: completion time and indexes", "[unit]") {
  json manifest = pi();
  manifest["spec"]["completionMode"] = "Indexed";
  manifest["spec"]["completions"] = 4;
  manifest["spec"]["backoffLimitPerIndex"] = 1;
  api::Job old = created_job(manifest);
  old.status.start_time = *api::parse_time("2026-11-23T18:00:00Z");
  old.status.completion_time = *api::parse_time("2026-11-23T18:05:00Z");
  api::Job updated = old;
  updated.status.completion_time = *api::parse_time("2026-11-23T17:00:00Z");
  updated.status.completed_indexes = "0-2";
  updated.status.failed_indexes = "2,3";
  CHECK(messages(api::validate_job_status_update(old, updated)) ==
        std::vector<std::string>{
            "status.completionTime: Invalid value: 2026-11-23 17:00:00 +0000 UTC: cannot set "
            "completionTime when there is no Complete=True condition",
            "status.completionTime: Invalid value: 2026-11-23 17:00:00 +0000 UTC: "
            "completionTime cannot be set before startTime",
            "status.failedIndexes: Invalid value: \"2,3\": failedIndexes and completedIndexes "
            "overlap at index: 2",
            "status.completionTime: Invalid value: 2026-11-23 17:00:00 +0000 UTC: "
            "completionTime cannot be mutated"});
  api::Job bad_format = old;
  bad_format.status.completion_time = old.status.completion_time;
  bad_format.status.completed_indexes = "3,1";
  bad_format.status.failed_indexes = "";
  api::Job no_change = old;
  no_change.status.failed_indexes = "";
  CHECK(
      messages(api::validate_job_status_update(no_change, bad_format)) ==
      std::vector<std::string>{"status.completedIndexes: Invalid value: \"3,1\": error parsing "
                               "completedIndexes: non-increasing order, previous: 3, current: 1"});
}
