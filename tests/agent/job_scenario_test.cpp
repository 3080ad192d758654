// Scenario tests of agent/job_controller: whole jobs run on the simulated node of
// tests/agent/job_scenario.hpp (fake clock, fake pod store, scripted kubelet). They check the
// timelines of spec §5 and §6.1, the reference snapshots of §10, and survival of agent restarts.
#include "tests/agent/job_scenario.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using agent::ControllerPod;
using agent::PodPhase;
using agent::testing::PodScript;
using agent::testing::RecordedEvent;
using agent::testing::Scenario;

namespace {

api::Job make_job(std::optional<int> parallelism, std::optional<int> completions, int backoff_limit,
                  std::string restart_policy = "Never") {
  api::Job j;
  j.metadata.name = "pi";
  j.metadata.namespace_ = "default";
  j.metadata.uid = "job-uid";
  j.spec.parallelism = parallelism;
  j.spec.completions = completions;
  j.spec.backoff_limit = backoff_limit;
  j.spec.completion_mode = "NonIndexed";
  j.spec.template_.spec.restart_policy = std::move(restart_policy);
  j.spec.template_.spec.containers.push_back(api::Container{});
  return j;
}

PodScript exits(std::vector<int> codes, base::Duration run_time = 1s) {
  PodScript s;
  s.exits = std::move(codes);
  s.run_time = run_time;
  return s;
}

std::vector<std::chrono::seconds> gaps(const std::vector<base::TimePoint>& times) {
  std::vector<std::chrono::seconds> out;
  for (std::size_t i = 1; i < times.size(); ++i) {
    out.push_back(std::chrono::duration_cast<std::chrono::seconds>(times[i] - times[i - 1]));
  }
  return out;
}

std::vector<std::string> conditions(const api::JobStatus& st) {
  std::vector<std::string> out;
  for (const auto& c : st.conditions) out.push_back(c.type + "/" + c.status + "/" + c.reason);
  return out;
}

const std::vector<std::string> kComplete = {"SuccessCriteriaMet/True/CompletionsReached",
                                            "Complete/True/CompletionsReached"};
const std::vector<std::string> kBackoffFailed = {"FailureTarget/True/BackoffLimitExceeded",
                                                 "Failed/True/BackoffLimitExceeded"};

}  // namespace

TEST_CASE("pod-recreation backoff: 10, 20, 40, 80, 160, 320, 360, 360 s", "[unit]") {
  Scenario sc(make_job(1, 1, 8));
  sc.script = [](const ControllerPod&) { return exits({1}, 0s); };  // fails the moment it starts
  sc.run(24h);
  CHECK(gaps(sc.pods.created_times) ==
        std::vector<std::chrono::seconds>{10s, 20s, 40s, 80s, 160s, 320s, 360s, 360s});
  CHECK(sc.job.status.failed == 9);
  CHECK(conditions(sc.job.status) == kBackoffFailed);
}

TEST_CASE("the backoff base and cap are options", "[unit]") {
  Scenario sc(make_job(1, 1, 5));
  sc.options.backoff = agent::BackoffPolicy{1s, 4s};
  sc.restart_controller();
  sc.script = [](const ControllerPod&) { return exits({1}, 0s); };
  sc.run(1h);
  CHECK(gaps(sc.pods.created_times) == std::vector<std::chrono::seconds>{1s, 2s, 4s, 4s, 4s});
}

TEST_CASE("the backoff is measured from the failure, and a success resets it", "[unit]") {
  Scenario sc(make_job(1, 3, 10));
  int ordinal = 0;
  // fail, fail, succeed, fail, succeed, succeed; each pod runs 5 s.
  const std::vector<int> codes = {1, 1, 0, 1, 0, 0};
  sc.script = [&](const ControllerPod&) { return exits({codes.at(ordinal++)}, 5s); };
  sc.run(1h);
  // Gap = the previous pod's 5 s run + the wait for the failures since the last success.
  CHECK(gaps(sc.pods.created_times) == std::vector<std::chrono::seconds>{15s, 25s, 5s, 15s, 5s});
  CHECK(agent::derive_backoff_record(sc.job, sc.pods.pods) == agent::BackoffRecord{});
  CHECK(sc.job.status.succeeded == 3);
  CHECK(sc.job.status.failed == 3);
  CHECK(conditions(sc.job.status) == kComplete);
}

TEST_CASE("durable backoff: a restarted controller does not retry early", "[unit]") {
  Scenario sc(make_job(1, 1, 100));
  sc.script = [](const ControllerPod&) { return exits({1}, 0s); };
  sc.run(100s);  // pods at 0, 10, 30, 70 s; the fourth failure wants 80 s, until t0 + 150 s
  REQUIRE(sc.pods.created_times.size() == 4);
  REQUIRE(sc.backoff.failures_after_last_success == 4);
  const base::TimePoint t0 = sc.pods.created_times.front();

  // The record matches what the retained pods say.
  CHECK(agent::derive_backoff_record(sc.job, sc.pods.pods) == sc.backoff);

  // Same inputs (job, pods, persisted backoff record), new controller: it waits.
  sc.restart_controller();
  sc.clock.set(t0 + 100s);
  auto r = sc.sync();
  CHECK(sc.pods.creations.size() == 4);
  CHECK(r.requeue_after == 50s);
  sc.clock.set(t0 + 149s);
  r = sc.sync();
  CHECK(sc.pods.creations.size() == 4);
  CHECK(r.requeue_after == 1s);
  sc.clock.set(t0 + 150s);
  sc.sync();
  CHECK(sc.pods.creations.size() == 5);

  SECTION("without the persisted record it would have retried at once") {
    Scenario other(make_job(1, 1, 100));
    other.script = sc.script;
    other.run(100s);
    agent::testing::FakePodControl store = other.pods;
    agent::testing::RecordingEvents events;
    agent::JobController amnesiac(other.clock, store, events);
    const std::vector<ControllerPod> snapshot = store.pods;
    amnesiac.sync(other.job, snapshot, agent::BackoffRecord{});
    CHECK(store.creations.size() == 5);
  }
}

TEST_CASE("spec §5 example: backoffLimit 2, always failing: 3 pods, then Failed", "[unit]") {
  Scenario sc(make_job(1, 1, 2));
  sc.script = [](const ControllerPod&) { return exits({1}, 1s); };
  sc.run(1h);
  CHECK(gaps(sc.pods.created_times) == std::vector<std::chrono::seconds>{11s, 21s});
  // Reference snapshot (spec §10, failed by backoff).
  const api::JobStatus& st = sc.job.status;
  CHECK(st.failed == 3);
  CHECK(st.succeeded == 0);
  CHECK(st.active == 0);
  CHECK(st.ready == 0);
  CHECK(st.terminating == 0);
  CHECK(st.start_time.has_value());
  CHECK_FALSE(st.completion_time.has_value());
  CHECK(conditions(st) == kBackoffFailed);
  for (const auto& c : st.conditions) {
    CHECK(c.message == "Job has reached the specified backoff limit");
  }
  CHECK(st.uncounted_terminated_pods->failed.empty());
  CHECK(sc.events.events.back() == RecordedEvent{"Warning", "BackoffLimitExceeded",
                                                 "Job has reached the specified backoff limit"});
  for (const auto& p : sc.pods.pods) CHECK_FALSE(p.has_tracking_finalizer);
}

TEST_CASE("backoffLimit 1: exactly two pods, both Failed", "[unit]") {
  Scenario sc(make_job(1, 1, 1));
  sc.script = [](const ControllerPod&) { return exits({1}); };
  sc.run(1h);
  CHECK(sc.pods.creations.size() == 2);
  CHECK(sc.job.status.failed == 2);
  CHECK(conditions(sc.job.status) == kBackoffFailed);
}

TEST_CASE("completions 4, parallelism 2: exactly 4 pods, never more than 2 at once", "[unit]") {
  Scenario sc(make_job(2, 4, 6));
  std::int32_t max_active = 0;
  sc.on_sync = [&](const agent::SyncResult& r) {
    max_active = std::max(max_active, r.status.active);
  };
  sc.run(1h);
  CHECK(sc.pods.creations.size() == 4);
  CHECK(max_active == 2);
  // Reference snapshot (spec §10, completed NonIndexed).
  const api::JobStatus& st = sc.job.status;
  CHECK(st.succeeded == 4);
  CHECK(st.active == 0);
  CHECK(st.failed == 0);
  CHECK(st.ready == 0);
  CHECK(st.terminating == 0);
  CHECK(conditions(st) == kComplete);
  CHECK(st.conditions[0].message == "Reached expected number of succeeded pods");
  CHECK(st.conditions[1].message == "Reached expected number of succeeded pods");
  REQUIRE(st.completion_time.has_value());
  CHECK(*st.completion_time == st.conditions[1].last_transition_time);
  CHECK(sc.events.reasons() == std::vector<std::string>{"SuccessfulCreate", "SuccessfulCreate",
                                                        "SuccessfulCreate", "SuccessfulCreate",
                                                        "Completed"});
}

TEST_CASE("Indexed P=2 C=4: indexes 0-3 once each, hostnames, completedIndexes 0-3", "[unit]") {
  api::Job job = make_job(2, 4, 6);
  job.spec.completion_mode = "Indexed";
  Scenario sc(job);
  sc.run(1h);
  std::vector<std::string> hostnames;
  for (const auto& c : sc.pods.creations) hostnames.push_back(c.hostname);
  CHECK(hostnames == std::vector<std::string>{"pi-0", "pi-1", "pi-2", "pi-3"});
  CHECK(sc.job.status.completed_indexes == "0-3");
  CHECK(sc.job.status.succeeded == 4);
  CHECK(conditions(sc.job.status) == kComplete);
}

TEST_CASE("Indexed: a failed index is retried after the backoff, others keep their index",
          "[unit]") {
  api::Job job = make_job(3, 3, 6);
  job.spec.completion_mode = "Indexed";
  Scenario sc(job);
  bool failed_once = false;
  sc.script = [&](const ControllerPod& p) {
    if (agent::completion_index(p) == 1 && !failed_once) {
      failed_once = true;
      return exits({1}, 2s);
    }
    return exits({0}, 30s);  // no success before the retry, which would reset the backoff
  };
  sc.run(1h);
  std::vector<int> indexes;
  for (const auto& c : sc.pods.creations) indexes.push_back(c.completion_index.value_or(-1));
  CHECK(indexes == std::vector<int>{0, 1, 2, 1});
  CHECK(gaps(sc.pods.created_times) == std::vector<std::chrono::seconds>{0s, 0s, 12s});
  CHECK(sc.job.status.failed == 1);
  CHECK(sc.job.status.completed_indexes == "0-2");
}

TEST_CASE("OnFailure: one in-place restart (failOnce), then Complete", "[unit]") {
  Scenario sc(make_job(1, 1, 6, "OnFailure"));
  sc.script = [](const ControllerPod&) { return exits({1, 0}); };
  sc.run(1h);
  CHECK(sc.pods.creations.size() == 1);
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.succeeded == 1);
  CHECK(conditions(sc.job.status) == kComplete);
}

TEST_CASE("OnFailure crash loop: Failed when the restarts reach backoffLimit (kubelet timing)",
          "[unit]") {
  Scenario sc(make_job(1, 1, 6, "OnFailure"));
  sc.script = [](const ControllerPod&) { return exits({1}, 1s); };
  sc.run(1h);
  CHECK(sc.pods.creations.size() == 1);
  // Restarts at 1 s (immediate), 12, 33, 74, 155 and 316 s (10 s doubling after each 1 s run):
  // the sixth restart meets backoffLimit 6.
  REQUIRE(sc.job.status.conditions.size() == 2);
  CHECK(sc.job.status.conditions[1].last_transition_time - *sc.job.status.start_time == 316s);
  CHECK(conditions(sc.job.status) == kBackoffFailed);
  CHECK(sc.job.status.failed == 1);
}

TEST_CASE("activeDeadlineSeconds 2 on a 60 s pod: Failed DeadlineExceeded after the grace period",
          "[unit]") {
  api::Job job = make_job(1, 1, 6);
  job.spec.active_deadline_seconds = 2;
  Scenario sc(job);
  sc.grace = 1s;
  sc.script = [](const ControllerPod&) { return exits({0}, 60s); };
  sc.run(1h);
  const api::JobStatus& st = sc.job.status;
  CHECK(conditions(st) == std::vector<std::string>{"FailureTarget/True/DeadlineExceeded",
                                                   "Failed/True/DeadlineExceeded"});
  CHECK(st.conditions[0].last_transition_time - *st.start_time == 2s);
  CHECK(st.conditions[1].last_transition_time - *st.start_time == 3s);
  CHECK(st.failed == 1);
  CHECK(st.active == 0);
  CHECK(sc.pods.pods.empty());  // the stopped, counted pod is gone
}

TEST_CASE("work queue: no new pods after the first success, complete when all stop", "[unit]") {
  Scenario sc(make_job(3, std::nullopt, 6));
  int ordinal = 0;
  sc.script = [&](const ControllerPod&) {
    const int n = ordinal++;
    if (n == 0) return exits({1}, 1s);   // fails early: replaced
    if (n == 1) return exits({0}, 20s);  // the first success
    return exits({0}, 40s);
  };
  sc.run(1h);
  CHECK(sc.pods.creations.size() == 4);
  CHECK(sc.job.status.succeeded == 3);
  CHECK(sc.job.status.failed == 1);
  CHECK(conditions(sc.job.status) == kComplete);
}

TEST_CASE("thousands of random steps with crashes: exact counts, no pod too many", "[unit]") {
  std::mt19937_64 rng(42);
  int total_syncs = 0;
  int total_crashes = 0;
  for (int round = 0; round < 100; ++round) {
    const bool indexed = round % 2 == 1;
    const int parallelism = 1 + static_cast<int>(rng() % 5);
    const int completions = 5 + static_cast<int>(rng() % 20);
    api::Job job = make_job(parallelism, completions, 1000);
    if (indexed) job.spec.completion_mode = "Indexed";
    Scenario sc(job);
    std::uniform_int_distribution<int> run_s(0, 30);
    std::bernoulli_distribution fails(0.3);
    std::bernoulli_distribution crash(0.05);
    int failures_scripted = 0;
    sc.script = [&](const ControllerPod&) {
      const bool f = fails(rng);
      failures_scripted += f;
      return exits({f ? 1 : 0}, std::chrono::seconds(run_s(rng)));
    };
    sc.crash_before_persist = [&] { return crash(rng); };
    std::int32_t max_active = 0;
    sc.on_sync = [&](const agent::SyncResult& r) {
      max_active = std::max(max_active, r.status.active);
    };
    sc.run(1000h);
    INFO("round " << round << " indexed " << indexed << " P " << parallelism << " C "
                  << completions);
    REQUIRE(sc.job.status.finished());
    CHECK(conditions(sc.job.status) == kComplete);
    CHECK(sc.job.status.succeeded == completions);
    CHECK(sc.job.status.failed == failures_scripted);
    CHECK(static_cast<int>(sc.pods.creations.size()) == completions + failures_scripted);
    CHECK(max_active <= parallelism);
    CHECK(sc.job.status.uncounted_terminated_pods->succeeded.empty());
    CHECK(sc.job.status.uncounted_terminated_pods->failed.empty());
    if (indexed) {
      CHECK(sc.job.status.completed_indexes ==
            (completions == 1 ? std::string("0") : "0-" + std::to_string(completions - 1)));
    }
    for (const auto& p : sc.pods.pods) CHECK_FALSE(p.has_tracking_finalizer);
    total_syncs += sc.syncs;
    total_crashes += sc.crashes;
  }
  CHECK(total_syncs > 2000);
  CHECK(total_crashes > 100);
}
