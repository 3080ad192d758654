#include "api/job_encode.hpp"

#include <catch2/catch.hpp>
#include <chrono>

#include "api/job_create.hpp"
#include "api/rfc3339.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

const base::TimePoint kT0 = *api::parse_time("2026-11-23T18:00:00Z");

api::Job created(const char* manifest) {
  std::mt19937_64 rng(7);
  auto c = api::create_job(json::parse(manifest), kT0, rng);
  REQUIRE(c.errors.empty());
  return c.job;
}

// Field names of an object, in order.
std::vector<std::string> keys(const ordered_json& object) {
  std::vector<std::string> out;
  for (const auto& item : object.items()) out.push_back(item.key());
  return out;
}

api::JobCondition condition(const char* type, const char* reason, const char* message,
                            base::TimePoint t) {
  return {type, "True", reason, message, t, t};
}

}  // namespace

TEST_CASE("RFC 3339 timestamps as metav1.Time writes and Go parses them", "[unit]") {
  CHECK(api::format_time(kT0) == "2026-11-23T18:00:00Z");
  CHECK(api::format_time(kT0 + 1500ms) == "2026-11-23T18:00:01Z");  // truncated
  CHECK(api::format_time(base::TimePoint{}) == "1970-01-01T00:00:00Z");
  CHECK(api::parse_time("2026-11-23T19:30:00+01:30") == kT0);
  CHECK(api::parse_time("2026-11-23t18:00:00.250z") == kT0 + 250ms);
  CHECK(api::parse_time("2024-02-29T00:00:00Z").has_value());
  CHECK_FALSE(api::parse_time("2026-02-29T00:00:00Z").has_value());
  CHECK_FALSE(api::parse_time("2026-11-23 18:00:00Z").has_value());
  CHECK_FALSE(api::parse_time("2026-11-23T24:00:00Z").has_value());
  CHECK_FALSE(api::parse_time("2026-11-23T18:00:00").has_value());
  CHECK_FALSE(api::parse_time("2026-11-23T18:00:00.Z").has_value());
  CHECK_FALSE(api::parse_time("2026-11-23T18:00:00Zjunk").has_value());
}

TEST_CASE("a created Job encodes in the API server's field order and shape", "[unit]") {
  const api::Job job = created(R"json({"apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "pi"}, "spec": {"backoffLimit": 4, "template": {"spec": {
    "containers": [{"name": "pi", "image": "perl:5.34.0", "command": ["perl"]}],
    "restartPolicy": "Never"}}}})json");
  const ordered_json out = api::encode_job(job);
  const std::string& uid = job.metadata.uid;
  CHECK(keys(out) == std::vector<std::string>{"kind", "apiVersion", "metadata", "spec", "status"});
  CHECK(out["metadata"] ==
        ordered_json::parse(R"({"name": "pi", "namespace": "default", "uid": ")" + uid +
                            R"(", "generation": 1, "creationTimestamp": "2026-11-23T18:00:00Z",
        "labels": {"batch.kubernetes.io/controller-uid": ")" +
                            uid +
                            R"(", "batch.kubernetes.io/job-name": "pi", "controller-uid": ")" +
                            uid + R"(", "job-name": "pi"}})"));
  CHECK(keys(out["spec"]) == std::vector<std::string>{"parallelism", "completions", "backoffLimit",
                                                      "selector", "manualSelector", "template",
                                                      "completionMode", "suspend",
                                                      "podReplacementPolicy"});
  CHECK(out["spec"]["selector"] ==
        ordered_json{{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}});
  CHECK(out["spec"]["template"]["metadata"]["creationTimestamp"].is_null());
  CHECK(out["spec"]["template"]["spec"]["containers"][0] ==
        ordered_json::parse(R"({"name": "pi", "image": "perl:5.34.0", "command": ["perl"],
          "resources": {}, "terminationMessagePath": "/dev/termination-log",
          "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"})"));
  CHECK(out["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 30);
  CHECK(out["status"] == ordered_json::object());  // never synced: status {}
}

TEST_CASE("status snapshots encode as spec §10 shows them", "[unit]") {
  api::Job job;
  job.metadata.name = "j";

  SECTION("completed NonIndexed") {
    api::JobStatus& st = job.status;
    st.start_time = kT0;
    st.completion_time = kT0 + 20s;
    st.succeeded = 4;
    st.ready = 0;
    st.terminating = 0;
    st.uncounted_terminated_pods.emplace();
    const char* msg = "Reached expected number of succeeded pods";
    st.conditions = {condition("SuccessCriteriaMet", "CompletionsReached", msg, kT0 + 20s),
                     condition("Complete", "CompletionsReached", msg, kT0 + 20s)};
    CHECK(api::encode_job(job)["status"] == ordered_json::parse(R"({"conditions": [
      {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": "2026-11-23T18:00:20Z",
       "lastTransitionTime": "2026-11-23T18:00:20Z", "reason": "CompletionsReached",
       "message": "Reached expected number of succeeded pods"},
      {"type": "Complete", "status": "True", "lastProbeTime": "2026-11-23T18:00:20Z",
       "lastTransitionTime": "2026-11-23T18:00:20Z", "reason": "CompletionsReached",
       "message": "Reached expected number of succeeded pods"}],
      "startTime": "2026-11-23T18:00:00Z", "completionTime": "2026-11-23T18:00:20Z",
      "succeeded": 4, "terminating": 0, "uncountedTerminatedPods": {}, "ready": 0})"));
  }
  SECTION("failed by backoff: no completionTime, active omitted") {
    api::JobStatus& st = job.status;
    st.start_time = kT0;
    st.failed = 2;
    st.ready = 0;
    st.terminating = 0;
    st.uncounted_terminated_pods.emplace();
    const char* msg = "Job has reached the specified backoff limit";
    st.conditions = {condition("FailureTarget", "BackoffLimitExceeded", msg, kT0 + 30s),
                     condition("Failed", "BackoffLimitExceeded", msg, kT0 + 30s)};
    const ordered_json status = api::encode_job(job)["status"];
    CHECK(keys(status) == std::vector<std::string>{"conditions", "startTime", "failed",
                                                   "terminating", "uncountedTerminatedPods",
                                                   "ready"});
    CHECK(status["failed"] == 2);
  }
  SECTION("uncounted pods list their UIDs") {
    job.status.uncounted_terminated_pods = api::UncountedTerminatedPods{{"a"}, {}};
    CHECK(api::encode_job(job)["status"]["uncountedTerminatedPods"] ==
          ordered_json{{"succeeded", {"a"}}});
  }
}
