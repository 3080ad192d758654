// podFailurePolicy, successPolicy and backoffLimitPerIndex in the controller (spec §4.12-§4.14),
// as rules on single pods and as the e2e scenarios of spec §9 run on the simulated node.
#include <catch2/catch.hpp>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent/index_failures.hpp"
#include "agent/job_controller.hpp"
#include "agent/pod_failure_policy.hpp"
#include "tests/agent/job_controller_test_support.hpp"
#include "tests/agent/job_scenario.hpp"

using namespace std::chrono_literals;
using agent::ControllerPod;
using agent::FailureAction;
using agent::PodPhase;
using agent::testing::PodScript;
using agent::testing::RecordedEvent;
using agent::testing::Scenario;
using namespace controller_test;

namespace {

constexpr int kMaxInt32 = std::numeric_limits<std::int32_t>::max();

api::PodFailurePolicyRule exit_rule(std::string action, std::string op, std::vector<int> codes,
                                    std::optional<std::string> container = std::nullopt) {
  api::PodFailurePolicyRule r;
  r.action = std::move(action);
  r.on_exit_codes = api::PodFailurePolicyOnExitCodes{
      std::move(container), std::move(op), {codes.begin(), codes.end()}};
  return r;
}

api::PodFailurePolicyRule condition_rule(std::string action, std::string type) {
  api::PodFailurePolicyRule r;
  r.action = std::move(action);
  r.on_pod_conditions.push_back({std::move(type), "True"});
  return r;
}

api::Job with_policy(api::Job j, std::vector<api::PodFailurePolicyRule> rules) {
  j.spec.pod_failure_policy = api::PodFailurePolicy{std::move(rules)};
  j.spec.pod_replacement_policy = "Failed";  // what defaulting does with a podFailurePolicy
  return j;
}

api::Job per_index_job(int parallelism, int completions, int backoff_limit_per_index) {
  api::Job j = indexed_job(parallelism, completions);
  j.spec.backoff_limit = kMaxInt32;  // the default with backoffLimitPerIndex
  j.spec.backoff_limit_per_index = backoff_limit_per_index;
  return j;
}

ControllerPod failed_pod(std::vector<agent::TerminatedContainer> containers) {
  ControllerPod p;
  p.name = "p";
  p.namespace_ = "ns";
  p.phase = PodPhase::failed;
  p.terminated_containers = std::move(containers);
  return p;
}

// Exit 1 for odd indexes, 0 for even ones (spec §9 failOddSucceedEven).
PodScript fail_odd_succeed_even(const ControllerPod& p) {
  return PodScript{0s, 1s, {agent::completion_index(p) % 2 == 1 ? 1 : 0}};
}

// The failure-count annotations of every pod created, per index, in creation order.
std::map<int, std::vector<std::string>> failure_counts(const Scenario& sc) {
  std::map<int, std::vector<std::string>> out;
  for (const agent::PodCreation& c : sc.pods.creations) {
    const auto it = c.annotations.find(std::string(agent::kJobIndexFailureCountKey));
    out[c.completion_index.value_or(-1)].push_back(it == c.annotations.end() ? "-" : it->second);
  }
  return out;
}

}  // namespace

TEST_CASE("podFailurePolicy rules: first match wins, exit codes of terminated containers only",
          "[unit]") {
  const api::Job job = with_policy(make_job(1, 1), {exit_rule("Ignore", "In", {42}),
                                                    exit_rule("FailJob", "NotIn", {0, 3}, "main"),
                                                    condition_rule("Count", "DisruptionTarget")});
  SECTION("In") {
    const auto v = agent::match_pod_failure_policy(job, failed_pod({{"main", false, 42}}));
    CHECK(v.action == FailureAction::ignore);
    CHECK_FALSE(v.counts());
  }
  SECTION("NotIn with containerName, upstream's message") {
    const auto v = agent::match_pod_failure_policy(job, failed_pod({{"main", false, 7}}));
    CHECK(v.action == FailureAction::fail_job);
    CHECK(v.fail_job_message ==
          "Container main for pod ns/p failed with exit code 7 matching FailJob rule at index 1");
  }
  SECTION("another container's code does not match a containerName rule") {
    const auto v = agent::match_pod_failure_policy(job, failed_pod({{"side", false, 7}}));
    CHECK(v.action == FailureAction::count);
    CHECK(v.counts());
  }
  SECTION("exit code 0 never matches, not even NotIn") {
    api::Job j = with_policy(make_job(1, 1), {exit_rule("FailJob", "NotIn", {1})});
    CHECK(agent::match_pod_failure_policy(j, failed_pod({{"main", false, 0}})).action ==
          FailureAction::count);
  }
  SECTION("regular containers are looked at before init containers") {
    api::Job j = with_policy(make_job(1, 1), {exit_rule("FailJob", "In", {1, 2})});
    const auto v =
        agent::match_pod_failure_policy(j, failed_pod({{"init", true, 2}, {"main", false, 1}}));
    CHECK(v.fail_job_message ==
          "Container main for pod ns/p failed with exit code 1 matching FailJob rule at index 0");
    const auto w = agent::match_pod_failure_policy(j, failed_pod({{"init", true, 2}}));
    CHECK(w.fail_job_message ==
          "Container init for pod ns/p failed with exit code 2 matching FailJob rule at index 0");
  }
  SECTION("pod conditions: type and status must both match") {
    api::Job j = with_policy(make_job(1, 1), {condition_rule("Ignore", "Other"),
                                              condition_rule("FailJob", "DisruptionTarget")});
    ControllerPod p = failed_pod({});
    p.conditions = {{"DisruptionTarget", "False"}};
    CHECK(agent::match_pod_failure_policy(j, p).action == FailureAction::count);
    p.conditions = {{"Ready", "False"}, {"DisruptionTarget", "True"}};
    CHECK(agent::match_pod_failure_policy(j, p).fail_job_message ==
          "Pod ns/p has condition DisruptionTarget matching FailJob rule at index 1");
  }
  SECTION("no policy: every failure counts") {
    CHECK(agent::match_pod_failure_policy(make_job(1, 1), failed_pod({{"main", false, 42}}))
              .counts());
  }
}

TEST_CASE("successPolicy rules", "[unit]") {
  api::Job job = indexed_job(2, 10);
  auto set = [](std::vector<std::int32_t> ix) { return api::IndexSet::from_indexes(ix); };
  auto rule = [](std::optional<std::string> indexes, std::optional<int> count) {
    return api::SuccessPolicyRule{std::move(indexes), count};
  };
  job.spec.success_policy = api::SuccessPolicy{
      {rule("0-2,7", std::nullopt), rule("4-6", 2), rule(std::nullopt, 5), rule("12-20", 1)}};
  CHECK_FALSE(agent::match_success_policy(job, set({})));
  CHECK_FALSE(agent::match_success_policy(job, set({0, 1, 2})));
  CHECK(agent::match_success_policy(job, set({0, 1, 2, 7})) == "Matched rules at index 0");
  CHECK_FALSE(agent::match_success_policy(job, set({4, 8})));
  CHECK(agent::match_success_policy(job, set({4, 6})) == "Matched rules at index 1");
  CHECK(agent::match_success_policy(job, set({0, 1, 3, 8, 9})) == "Matched rules at index 2");
  job.spec.success_policy = std::nullopt;
  CHECK_FALSE(agent::match_success_policy(job, set({0, 1, 2, 7})));
}

TEST_CASE("FailJob on an exit code fails the job early with upstream's reason and message",
          "[unit]") {
  // Spec §9 scenario 2: P=2, C=4, B=6, the first pod to finish exits 1.
  Scenario sc(with_policy(make_job(2, 4), {exit_rule("FailJob", "In", {1})}));
  int started = 0;
  sc.script = [&](const ControllerPod&) {
    return ++started == 1 ? PodScript{0s, 1s, {1}} : PodScript{0s, 60s, {0}};
  };
  sc.run(1h);
  const std::string message = "Container main for pod default/" +
                              sc.pods.creations[0].generate_name +
                              "0 failed with exit code 1 matching FailJob rule at index 0";
  CHECK(conditions(sc.job.status) == std::vector<std::string>{"FailureTarget/True/PodFailurePolicy",
                                                              "Failed/True/PodFailurePolicy"});
  CHECK(sc.job.status.conditions[1].message == message);
  CHECK(sc.events.events.back() == RecordedEvent{"Warning", "PodFailurePolicy", message});
  CHECK(sc.pods.creations.size() == 2);  // no replacement for the failed pod
  CHECK(sc.job.status.failed == 2);      // the running pod was stopped and counts as failed
  CHECK(sc.job.status.active == 0);
  CHECK(sc.job.status.terminating == 0);
}

TEST_CASE("Ignore on an exit code: failures are replaced and never counted", "[unit]") {
  // Spec §9 scenario 3: Indexed P=C=3, B=2, each index exits 42 once, then 0.
  Scenario sc(with_policy(indexed_job(3, 3), {exit_rule("Ignore", "In", {42})}));
  sc.job.spec.backoff_limit = 2;
  std::set<int> failed_once;
  sc.script = [&](const ControllerPod& p) {
    const bool first = failed_once.insert(agent::completion_index(p)).second;
    return PodScript{0s, 1s, {first ? 42 : 0}};
  };
  sc.run(1h);
  CHECK(conditions(sc.job.status).back() == "Complete/True/CompletionsReached");
  CHECK(sc.job.status.succeeded == 3);
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.completed_indexes == "0-2");
  CHECK(sc.pods.creations.size() == 6);
  // The job-level recreation backoff still applies to ignored failures (spec §4.13).
  REQUIRE(sc.pods.created_times.size() == 6);
  CHECK(sc.pods.created_times[3] - sc.pods.created_times[0] >= 10s);
}

TEST_CASE("Ignore on the DisruptionTarget condition, Count and FailJob on conditions", "[unit]") {
  Scenario sc(with_policy(make_job(1, 1, 0), {condition_rule("Ignore", "DisruptionTarget")}));
  sc.sync();
  REQUIRE(sc.pods.pods.size() == 1);
  ControllerPod& evicted = sc.pods.pods[0];
  evicted.conditions = {{"DisruptionTarget", "True"}};
  sc.pods.finish(evicted, PodPhase::failed, sc.clock.now(), 143);
  sc.settle();
  // backoffLimit 0 would have failed the job on one counted failure.
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.conditions.empty());
  CHECK(sc.pods.finalizer_removals.size() == 1);
  sc.clock.advance(10s);  // the job-level backoff of one failure
  sc.settle();
  CHECK(sc.pods.creations.size() == 2);
  CHECK(sc.job.status.active == 1);
}

TEST_CASE("with a podFailurePolicy a deleted pod is replaced only once it has failed", "[unit]") {
  // podReplacementPolicy is Failed: a terminating pod is neither failed nor replaced (§4.15).
  Scenario sc(with_policy(make_job(1, 1), {exit_rule("Count", "In", {1})}));
  sc.job.spec.pod_replacement_policy.reset();  // forced by the policy itself
  sc.sync();
  sc.pods.pods[0].phase = PodPhase::running;
  REQUIRE(sc.pods.delete_pod(sc.job, sc.pods.pods[0]).ok());
  sc.settle();
  CHECK(sc.job.status.active == 0);
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.terminating == 1);
  CHECK(sc.pods.creations.size() == 1);
  sc.pods.finish(sc.pods.pods[0], PodPhase::failed, sc.clock.now(), 143);
  sc.settle();
  CHECK(sc.job.status.failed == 1);
  CHECK(sc.job.status.terminating == 0);
}

TEST_CASE("successPolicy succeededCount: SuccessCriteriaMet then Complete, reason SuccessPolicy",
          "[unit]") {
  // Spec §9 scenario 10: P=C=2, every pod succeeds, rule succeededCount 2.
  api::Job job = indexed_job(2, 2);
  job.spec.success_policy = api::SuccessPolicy{{{std::nullopt, 2}}};
  Scenario sc(job);
  sc.run(1h);
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"SuccessCriteriaMet/True/SuccessPolicy",
                                 "Complete/True/SuccessPolicy"});
  CHECK(sc.job.status.conditions[1].message == "Matched rules at index 0");
  CHECK(sc.job.status.succeeded == 2);
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.active == 0);
  CHECK(sc.job.status.ready == 0);
  CHECK(sc.job.status.terminating == 0);
  CHECK(sc.job.status.completion_time);
}

TEST_CASE("successPolicy met while indexes remain: the rest is stopped, not counted as failed",
          "[unit]") {
  // Spec §9 scenarios 11 and 12: P=2, C=5, failOddSucceedEven, rule succeededIndexes "0" or
  // succeededCount 1.
  const auto rule =
      GENERATE(api::SuccessPolicyRule{"0", std::nullopt}, api::SuccessPolicyRule{std::nullopt, 1});
  api::Job job = indexed_job(2, 5);
  job.spec.success_policy = api::SuccessPolicy{{rule}};
  Scenario sc(job);
  sc.script = [](const ControllerPod& p) {
    // Index 0 finishes first; the others would run for a minute.
    return agent::completion_index(p) == 0 ? PodScript{0s, 1s, {0}} : PodScript{0s, 60s, {1}};
  };
  sc.run(1h);
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"SuccessCriteriaMet/True/SuccessPolicy",
                                 "Complete/True/SuccessPolicy"});
  CHECK(sc.job.status.completed_indexes == "0");
  CHECK(sc.job.status.succeeded == 1);
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.active == 0);
  CHECK(sc.job.status.ready == 0);
  CHECK(sc.job.status.terminating == 0);
  CHECK(sc.events.reasons().back() == "Completed");
}

TEST_CASE("backoffLimitPerIndex: every index runs, failed ones are retried per index", "[unit]") {
  // Spec §9 scenario 13: P=2, C=4, backoffLimitPerIndex 1, failOddSucceedEven.
  Scenario sc(per_index_job(2, 4, 1));
  sc.script = fail_odd_succeed_even;
  sc.run(2h);
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"FailureTarget/True/FailedIndexes", "Failed/True/FailedIndexes"});
  CHECK(sc.job.status.conditions[1].message == "Job has failed indexes");
  CHECK(sc.job.status.failed_indexes == "1,3");
  CHECK(sc.job.status.completed_indexes == "0,2");
  CHECK(sc.job.status.failed == 4);
  CHECK(sc.job.status.succeeded == 2);
  CHECK(sc.events.events.back() ==
        RecordedEvent{"Warning", "FailedIndexes", "Job has failed indexes"});
  const auto counts = failure_counts(sc);
  CHECK(counts.at(0) == std::vector<std::string>{"0"});
  CHECK(counts.at(1) == std::vector<std::string>{"0", "1"});
  CHECK(counts.at(3) == std::vector<std::string>{"0", "1"});
}

TEST_CASE("backoffLimitPerIndex: per-index counts in annotations and a backoff per index",
          "[unit]") {
  // Spec §9 scenario 15: P=C=2, backoffLimitPerIndex 1, every pod fails.
  Scenario sc(per_index_job(2, 2, 1));
  sc.script = [](const ControllerPod&) { return PodScript{0s, 1s, {1}}; };
  sc.run(2h);
  CHECK(conditions(sc.job.status).back() == "Failed/True/FailedIndexes");
  CHECK(sc.job.status.failed_indexes == "0,1");
  CHECK(sc.job.status.completed_indexes == "");
  CHECK(sc.job.status.failed == 4);
  CHECK(sc.job.status.succeeded == 0);
  CHECK(failure_counts(sc) ==
        std::map<int, std::vector<std::string>>{{0, {"0", "1"}}, {1, {"0", "1"}}});
  // Each retry waited 10 s after its own index's failure.
  REQUIRE(sc.pods.created_times.size() == 4);
  CHECK(sc.pods.created_times[2] - sc.pods.created_times[0] >= 11s);
  CHECK(sc.pods.created_times[3] - sc.pods.created_times[1] >= 11s);
}

TEST_CASE("maxFailedIndexes exceeded stops the job at once", "[unit]") {
  // Spec §9 scenario 14: P=1, C=4, backoffLimitPerIndex 0, maxFailedIndexes 0, every pod fails.
  api::Job job = per_index_job(1, 4, 0);
  job.spec.max_failed_indexes = 0;
  Scenario sc(job);
  sc.script = [](const ControllerPod&) { return PodScript{0s, 1s, {1}}; };
  sc.run(1h);
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"FailureTarget/True/MaxFailedIndexesExceeded",
                                 "Failed/True/MaxFailedIndexesExceeded"});
  CHECK(sc.job.status.conditions[1].message ==
        "Job has exceeded the specified maximal number of failed indexes");
  CHECK(sc.job.status.failed_indexes == "0");
  CHECK(sc.job.status.failed == 1);
  CHECK(sc.pods.creations.size() == 1);
}

TEST_CASE("FailIndex marks the index failed without a retry", "[unit]") {
  // Spec §9 scenario 16: P=C=2, backoffLimitPerIndex 1, FailIndex on exit code 1.
  Scenario sc(with_policy(per_index_job(2, 2, 1), {exit_rule("FailIndex", "In", {1})}));
  sc.script = fail_odd_succeed_even;
  sc.run(1h);
  CHECK(conditions(sc.job.status).back() == "Failed/True/FailedIndexes");
  CHECK(sc.job.status.failed_indexes == "1");
  CHECK(sc.job.status.completed_indexes == "0");
  CHECK(sc.job.status.failed == 1);
  CHECK(sc.job.status.succeeded == 1);
  CHECK(sc.pods.creations.size() == 2);
}

TEST_CASE("an ignored failure of an index raises the ignored count, not the failure count",
          "[unit]") {
  Scenario sc(with_policy(per_index_job(1, 1, 0), {exit_rule("Ignore", "In", {42})}));
  int runs = 0;
  sc.script = [&](const ControllerPod&) { return PodScript{0s, 1s, {++runs < 3 ? 42 : 0}}; };
  sc.run(1h);
  CHECK(conditions(sc.job.status).back() == "Complete/True/CompletionsReached");
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.failed_indexes == "");
  REQUIRE(sc.pods.creations.size() == 3);
  const auto& last = sc.pods.creations[2].annotations;
  CHECK(last.at(std::string(agent::kJobIndexFailureCountKey)) == "0");
  CHECK(last.at(std::string(agent::kJobIndexIgnoredFailureCountKey)) == "2");
  // The third pod waits delay(0 + 1 + 1) = 20 s after the second one (ignored count 1) ended.
  CHECK(sc.pods.created_times[2] - sc.pods.created_times[1] >= 21s);
}

TEST_CASE("the last failed pod of an index keeps its finalizer until the replacement exists",
          "[unit]") {
  Scenario sc(per_index_job(1, 1, 2));
  sc.sync();
  ControllerPod& first = sc.pods.pods[0];
  sc.pods.finish(first, PodPhase::failed, sc.clock.now(), 1);
  const std::string first_uid = first.uid;
  sc.settle();
  // Waiting for the index's backoff: the pod is counted neither way, its finalizer stays.
  REQUIRE(sc.pods.find(first_uid));
  CHECK(sc.pods.find(first_uid)->has_tracking_finalizer);
  CHECK(sc.job.status.failed == 0);
  // An agent restart in between loses nothing: the counts come from the pod.
  sc.restart_controller();
  sc.clock.advance(10s);
  sc.settle();
  REQUIRE(sc.pods.creations.size() == 2);
  CHECK(sc.pods.creations[1].annotations.at(std::string(agent::kJobIndexFailureCountKey)) == "1");
  sc.settle();  // the pod event of the creation
  CHECK(sc.job.status.failed == 1);
  REQUIRE(sc.pods.find(first_uid));
  CHECK_FALSE(sc.pods.find(first_uid)->has_tracking_finalizer);  // counted, let go
}

TEST_CASE("failure-count annotations that are not numbers read as 0", "[unit]") {
  ControllerPod p = failed_pod({{"main", false, 1}});
  for (const char* bad : {"x", "-3", "", "99999999999"}) {
    p.annotations[std::string(agent::kJobIndexFailureCountKey)] = bad;
    CHECK(agent::index_failure_count(p) == 0);
  }
  p.annotations[std::string(agent::kJobIndexFailureCountKey)] = "+4";
  CHECK(agent::index_failure_count(p) == 4);
}
