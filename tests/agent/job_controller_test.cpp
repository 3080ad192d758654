// Unit tests of agent/job_controller: one sync (or one settled instant) at a time, in the
// manner of upstream's TestControllerSyncJob tables.
#include "agent/job_controller.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/agent/job_controller_test_support.hpp"
#include "tests/agent/job_scenario.hpp"

using namespace std::chrono_literals;
using agent::ControllerPod;
using agent::PodPhase;
using agent::testing::RecordedEvent;
using agent::testing::Scenario;
using namespace controller_test;

struct TableCase {
  const char* name;
  std::optional<int> parallelism;
  std::optional<int> completions;
  int backoff_limit;
  int pending, active, ready, succeeded, failed;
  // expected after the instant settles
  std::size_t creations, deletions;
  int active_after, ready_after, succeeded_after, failed_after, terminating_after;
  std::vector<std::string> conditions;
};

TEST_CASE("syncJob table (upstream TestControllerSyncJob shapes)", "[unit]") {
  const std::vector<std::string> none;
  const std::vector<std::string> complete = {"SuccessCriteriaMet/True/CompletionsReached",
                                             "Complete/True/CompletionsReached"};
  const std::vector<std::string> backoff = {"FailureTarget/True/BackoffLimitExceeded",
                                            "Failed/True/BackoffLimitExceeded"};
  const std::vector<TableCase> cases = {
      {"job start", 2, 5, 6, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, none},
      {"work-queue job start", 2, std::nullopt, 6, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, none},
      {"pending pods", 2, 5, 6, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, none},
      {"correct # of pods", 3, 5, 6, 0, 3, 2, 0, 0, 0, 0, 3, 2, 0, 0, 0, none},
      {"too few active pods", 2, 5, 6, 0, 1, 0, 1, 0, 1, 0, 2, 0, 1, 0, 0, none},
      {"too many active pods", 2, 5, 6, 0, 3, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, none},
      {"failed + succeeded pods", 2, 5, 6, 0, 1, 0, 1, 1, 1, 0, 2, 0, 1, 1, 0, none},
      {"new failed pod", 2, 5, 6, 0, 1, 0, 0, 1, 1, 0, 2, 0, 0, 1, 0, none},
      {"job finish", 2, 5, 6, 0, 0, 0, 5, 0, 0, 0, 0, 0, 5, 0, 0, complete},
      {"work-queue job finishing", 2, std::nullopt, 6, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, none},
      {"work-queue job all finished", 2, std::nullopt, 6, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 0, 0,
       complete},
      {"work-queue job all finished despite one failure", 2, std::nullopt, 6, 0, 0, 0, 1, 1, 0, 0,
       0, 0, 1, 1, 0, complete},
      {"more active pods than parallelism", 2, 5, 6, 0, 10, 0, 0, 0, 0, 8, 2, 0, 0, 0, 8, none},
      {"more active pods than remaining completions", 3, 4, 6, 0, 3, 0, 2, 0, 0, 1, 2, 0, 2, 0, 1,
       none},
      {"status change", 2, 5, 6, 0, 2, 0, 2, 0, 0, 0, 2, 0, 2, 0, 0, none},
      {"too many job failures", 2, 5, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, backoff},
      {"parallelism 0", 0, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, none},
      {"completions 0", 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, complete},
  };
  for (const TableCase& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Scenario sc(make_job(c.parallelism, c.completions, c.backoff_limit));
      add_pods(sc, c.pending, PodPhase::pending);
      add_pods(sc, c.ready, PodPhase::running, true);
      add_pods(sc, c.active - c.ready, PodPhase::running);
      add_pods(sc, c.succeeded, PodPhase::succeeded);
      add_pods(sc, c.failed, PodPhase::failed);
      sc.settle();
      const api::JobStatus& st = sc.job.status;
      CHECK(sc.pods.creations.size() == c.creations);
      CHECK(sc.pods.deletions.size() == c.deletions);
      CHECK(st.active == c.active_after);
      CHECK(st.ready == c.ready_after);
      CHECK(st.succeeded == c.succeeded_after);
      CHECK(st.failed == c.failed_after);
      CHECK(st.terminating == c.terminating_after);
      CHECK(conditions(st) == c.conditions);
      REQUIRE(st.uncounted_terminated_pods.has_value());
      CHECK(st.uncounted_terminated_pods->succeeded.empty());
      CHECK(st.uncounted_terminated_pods->failed.empty());
      CHECK(st.start_time.has_value());
      CHECK(st.completion_time.has_value() == (c.conditions == complete));
    }
  }
}

TEST_CASE("first sync publishes ready, terminating and an empty uncounted object", "[unit]") {
  Scenario sc(make_job(0, 1));
  const auto r = sc.sync();
  CHECK(r.status_changed);
  CHECK(r.status.ready == 0);
  CHECK(r.status.terminating == 0);
  REQUIRE(r.status.uncounted_terminated_pods.has_value());
  CHECK(r.status.start_time == sc.clock.now());
  // Nothing changes on a second sync: no status write.
  CHECK_FALSE(sc.sync().status_changed);
}

TEST_CASE("a terminated pod is recorded first, then unfinalized and counted", "[unit]") {
  Scenario sc(make_job(1, 2));
  add_pods(sc, 1, PodPhase::succeeded);
  const std::string uid = sc.pods.pods[0].uid;

  const auto first = sc.sync();
  REQUIRE(first.requeue_after == base::Duration::zero());
  CHECK(first.status.uncounted_terminated_pods->succeeded == std::vector<std::string>{uid});
  CHECK(first.status.succeeded == 0);
  CHECK(sc.pods.finalizer_removals.empty());  // not before the record is persisted
  CHECK(sc.pods.pods[0].has_tracking_finalizer);

  const auto second = sc.sync();
  CHECK(second.status.uncounted_terminated_pods->succeeded.empty());
  CHECK(second.status.succeeded == 1);
  CHECK(sc.pods.finalizer_removals.size() == 1);
  CHECK_FALSE(sc.pods.pods[0].has_tracking_finalizer);

  // Counted once only, whatever happens later.
  sc.settle();
  CHECK(sc.job.status.succeeded == 1);
}

TEST_CASE("a crash between finalizer removal and the status write loses and repeats nothing",
          "[unit]") {
  Scenario sc(make_job(1, 3));
  add_pods(sc, 1, PodPhase::failed);
  sc.sync();  // records the pod as uncounted failed; persisted
  REQUIRE(sc.job.status.uncounted_terminated_pods->failed.size() == 1);
  // Second step runs, but its status write is lost (agent killed).
  const api::JobStatus persisted = sc.job.status;
  const std::vector<ControllerPod> snapshot = sc.pods.pods;
  const auto lost = sc.controller->sync(sc.job, snapshot, sc.backoff);
  CHECK(lost.status.failed == 1);
  CHECK_FALSE(sc.pods.pods[0].has_tracking_finalizer);
  sc.restart_controller();
  sc.job.status = persisted;
  sc.settle();
  CHECK(sc.job.status.failed == 1);
  CHECK(sc.job.status.uncounted_terminated_pods->failed.empty());
}

TEST_CASE("a failed finalizer removal keeps the pod uncounted until it succeeds", "[unit]") {
  Scenario sc(make_job(1, 3));
  add_pods(sc, 1, PodPhase::succeeded);
  sc.sync();
  sc.pods.fail_finalizer_removals = 1;
  const auto r = sc.sync();
  CHECK_FALSE(r.error.ok());
  CHECK(r.error.error().message() == "removing tracking finalizer: conflict");
  CHECK(sc.job.status.succeeded == 0);
  CHECK(sc.job.status.uncounted_terminated_pods->succeeded.size() == 1);
  sc.sync();
  CHECK(sc.job.status.succeeded == 1);
}

TEST_CASE("expectations: pods not yet visible are not created twice", "[unit]") {
  Scenario sc(make_job(3, 10));
  sc.pods.hide_new_pods = true;
  sc.sync();
  CHECK(sc.pods.creations.size() == 3);
  // The pod list does not show them yet; many syncs later there are still only three.
  for (int i = 0; i < 5; ++i) sc.sync();
  CHECK(sc.pods.creations.size() == 3);
  sc.pods.publish();
  sc.sync();
  CHECK(sc.pods.creations.size() == 3);
  CHECK(sc.job.status.active == 3);
}

TEST_CASE("expectations expire after five minutes", "[unit]") {
  Scenario sc(make_job(1, 1));
  sc.pods.hide_new_pods = true;
  const auto r = sc.sync();
  CHECK(r.requeue_after == std::chrono::minutes(5));
  sc.clock.advance(5min);
  sc.sync();
  CHECK(sc.pods.creations.size() == 1);
  sc.clock.advance(1s);
  sc.sync();
  CHECK(sc.pods.creations.size() == 2);  // the lost pod is replaced
}

TEST_CASE("slow start: batches of 1, 2, 4, ... and a failed batch stops the rest", "[unit]") {
  SECTION("all succeed") {
    Scenario sc(make_job(20, 20));
    sc.sync();
    CHECK(sc.pods.creations.size() == 20);
    CHECK(sc.job.status.active == 20);
  }
  SECTION("first create fails") {
    Scenario sc(make_job(20, 20));
    sc.pods.fail_creates = 1;
    const auto r = sc.sync();
    CHECK(sc.pods.creations.size() == 1);
    CHECK(sc.job.status.active == 0);
    CHECK_FALSE(r.error.ok());
    REQUIRE_FALSE(sc.events.events.empty());
    CHECK(sc.events.events[0] ==
          RecordedEvent{"Warning", "FailedCreate",
                        "Error creating: pods \"foobar-\" is forbidden: exceeded quota"});
  }
  SECTION("a failure in the third batch (pods 4-7) skips the remaining 13") {
    Scenario sc2(make_job(20, 20));
    // 1 + 2 succeed, then the first of the batch of 4 fails: the batch completes, then stop.
    struct FailThird final : agent::PodControl {
      agent::testing::FakePodControl& inner;
      int n = 0;
      explicit FailThird(agent::testing::FakePodControl& i) : inner(i) {}
      base::Result<agent::CreatedPod> create_pod(const api::Job& j,
                                                 const agent::PodCreation& c) override {
        if (++n == 4) return base::Error("boom");
        return inner.create_pod(j, c);
      }
      base::Status delete_pod(const api::Job& j, const ControllerPod& p) override {
        return inner.delete_pod(j, p);
      }
      base::Status remove_tracking_finalizer(const api::Job& j, const ControllerPod& p) override {
        return inner.remove_tracking_finalizer(j, p);
      }
    } control(sc2.pods);
    agent::JobController controller(sc2.clock, control, sc2.events);
    const std::vector<ControllerPod> none_yet;
    const auto r = controller.sync(sc2.job, none_yet, {});
    CHECK(control.n == 7);
    CHECK(r.status.active == 6);
    CHECK(r.error.error().message() == "creating pod: boom");
  }
}

TEST_CASE("events for created and deleted pods", "[unit]") {
  Scenario sc(make_job(1, 1));
  sc.sync();
  REQUIRE(sc.events.events.size() == 1);
  CHECK(sc.events.events[0] ==
        RecordedEvent{"Normal", "SuccessfulCreate", "Created pod: foobar-0"});
  sc.job.spec.parallelism = 0;
  sc.sync();
  CHECK(sc.events.events.back() ==
        RecordedEvent{"Normal", "SuccessfulDelete", "Deleted pod: foobar-0"});
  // Scale-down deletions are not counted: the finalizer goes first.
  CHECK(sc.pods.finalizer_removals == std::vector<std::string>{"foobar-0"});
  sc.pods.fail_deletes = 1;
  sc.job.spec.parallelism = 1;
  sc.sync();
  sc.job.spec.parallelism = 0;
  sc.clock.advance(1s);
  sc.sync();
  CHECK(sc.events.events.back() ==
        RecordedEvent{"Warning", "FailedDelete", "Error deleting: etcdserver: request timed out"});
}

TEST_CASE("backoffLimit: the (limit+1)-th failure fails the job, running pods counted", "[unit]") {
  Scenario sc(make_job(2, 5, 1));
  add_pods(sc, 1, PodPhase::running, true);
  add_pods(sc, 2, PodPhase::failed);
  auto r = sc.sync();
  CHECK(conditions(r.status) ==
        std::vector<std::string>{"FailureTarget/True/BackoffLimitExceeded"});
  CHECK(r.status.conditions[0].message == "Job has reached the specified backoff limit");
  CHECK(r.status.active == 0);
  CHECK(r.status.ready == 0);
  CHECK(r.status.terminating == 1);
  CHECK(sc.pods.deletions.size() == 1);
  // The running pod is still terminating: Failed waits for it.
  sc.settle();
  CHECK_FALSE(sc.job.status.finished());
  CHECK(sc.job.status.failed == 3);  // the deleted running pod counts as failed
  CHECK(sc.events.reasons() == std::vector<std::string>{"SuccessfulDelete"});
  // It stops; the job fails.
  sc.pods.finish(sc.pods.pods[0], PodPhase::failed, sc.clock.now(), 1);
  sc.clock.advance(3s);
  sc.settle();
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"FailureTarget/True/BackoffLimitExceeded",
                                 "Failed/True/BackoffLimitExceeded"});
  CHECK(sc.job.status.failed == 3);
  CHECK(sc.job.status.terminating == 0);
  CHECK_FALSE(sc.job.status.completion_time.has_value());
  CHECK(sc.events.events.back() == RecordedEvent{"Warning", "BackoffLimitExceeded",
                                                 "Job has reached the specified backoff limit"});
  // The Failed condition's time is when it was written, not when FailureTarget was.
  CHECK(sc.job.status.conditions[1].last_transition_time -
            sc.job.status.conditions[0].last_transition_time ==
        3s);
}

TEST_CASE("backoffLimit with restartPolicy OnFailure counts restarts (>= limit)", "[unit]") {
  auto job = make_job(1, 1, 2);
  job.spec.template_.spec.restart_policy = "OnFailure";
  Scenario sc(job);
  add_pods(sc, 1, PodPhase::running);
  sc.pods.pods[0].restart_count = 1;
  sc.settle();
  CHECK(sc.job.status.conditions.empty());
  sc.pods.pods[0].restart_count = 2;
  sc.settle();
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"FailureTarget/True/BackoffLimitExceeded"});
  SECTION("backoffLimit 0: one restart is too many") {
    auto j0 = make_job(1, 1, 0);
    j0.spec.template_.spec.restart_policy = "OnFailure";
    Scenario s0(j0);
    add_pods(s0, 1, PodPhase::running);
    s0.pods.pods[0].restart_count = 1;
    s0.settle();
    CHECK(conditions(s0.job.status) ==
          std::vector<std::string>{"FailureTarget/True/BackoffLimitExceeded"});
  }
  SECTION("restarts of a succeeded pod no longer count") {
    auto j1 = make_job(1, 2, 2);
    j1.spec.template_.spec.restart_policy = "OnFailure";
    Scenario s1(j1);
    add_pods(s1, 1, PodPhase::succeeded);
    s1.pods.pods[0].restart_count = 5;
    s1.settle();
    CHECK(s1.job.status.conditions.empty());
  }
}

TEST_CASE("activeDeadlineSeconds: requeue at the deadline, then DeadlineExceeded", "[unit]") {
  auto job = make_job(1, 1);
  job.spec.active_deadline_seconds = 30;
  Scenario sc(job);
  auto r = sc.sync();
  CHECK(r.requeue_after == 30s);
  sc.clock.advance(10s);
  r = sc.sync();
  CHECK(r.requeue_after == 20s);
  sc.clock.advance(20s);
  r = sc.sync();
  CHECK(conditions(r.status) == std::vector<std::string>{"FailureTarget/True/DeadlineExceeded"});
  CHECK(r.status.conditions[0].message == "Job was active longer than specified deadline");
  CHECK(sc.pods.deletions.size() == 1);
  sc.settle();
  CHECK(sc.job.status.failed == 1);
  CHECK_FALSE(sc.job.status.finished());  // its pod is still terminating
  sc.pods.finish(sc.pods.pods[0], PodPhase::failed, sc.clock.now(), 1);
  sc.settle();
  CHECK(conditions(sc.job.status) == std::vector<std::string>{"FailureTarget/True/DeadlineExceeded",
                                                              "Failed/True/DeadlineExceeded"});
  CHECK(sc.events.events.back() == RecordedEvent{"Warning", "DeadlineExceeded",
                                                 "Job was active longer than specified deadline"});
  SECTION("activeDeadlineSeconds 0 fails at once") {
    auto j0 = make_job(1, 1);
    j0.spec.active_deadline_seconds = 0;
    Scenario s0(j0);
    s0.settle();
    CHECK(conditions(s0.job.status) ==
          std::vector<std::string>{"FailureTarget/True/DeadlineExceeded",
                                   "Failed/True/DeadlineExceeded"});
    CHECK(s0.pods.creations.empty());
  }
}

TEST_CASE("backoff beats the deadline in the decision order", "[unit]") {
  auto job = make_job(1, 5, 0);
  job.spec.active_deadline_seconds = 1;
  Scenario sc(job);
  add_pods(sc, 1, PodPhase::failed);
  sc.sync();
  sc.clock.advance(5s);
  sc.settle();
  CHECK(sc.job.status.conditions.at(0).reason == "BackoffLimitExceeded");
}

TEST_CASE("suspend and resume", "[unit]") {
  SECTION("created suspended: no pods, no startTime, Suspended condition") {
    auto job = make_job(2, 4);
    job.spec.suspend = true;
    job.spec.active_deadline_seconds = 5;
    Scenario sc(job);
    auto r = sc.sync();
    CHECK(sc.pods.creations.empty());
    CHECK_FALSE(r.status.start_time.has_value());
    CHECK(conditions(r.status) == std::vector<std::string>{"Suspended/True/JobSuspended"});
    CHECK(r.status.conditions[0].message == "Job suspended");
    CHECK(sc.events.events == std::vector<RecordedEvent>{{"Normal", "Suspended", "Job suspended"}});
    CHECK_FALSE(r.requeue_after.has_value());  // the deadline clock is stopped
    sc.clock.advance(1h);
    sc.sync();
    CHECK(sc.job.status.conditions.size() == 1);

    sc.job.spec.suspend = false;
    r = sc.sync();
    CHECK(conditions(r.status) == std::vector<std::string>{"Suspended/False/JobResumed"});
    CHECK(r.status.conditions[0].message == "Job resumed");
    CHECK(r.status.conditions[0].last_transition_time == sc.clock.now());
    CHECK(r.status.start_time == sc.clock.now());
    CHECK(sc.pods.creations.size() == 2);
    CHECK(sc.events.events.back() == RecordedEvent{"Normal", "Resumed", "Job resumed"});
  }
  SECTION("suspending a running job deletes its pods without counting them") {
    Scenario sc(make_job(2, 4));
    sc.sync();
    for (auto& p : sc.pods.pods) p.phase = PodPhase::running, p.ready = true;
    sc.job.spec.suspend = true;
    auto r = sc.sync();
    CHECK(r.status.active == 0);
    CHECK(r.status.ready == 0);
    CHECK(r.status.terminating == 2);
    CHECK(sc.pods.finalizer_removals.size() == 2);
    for (auto& p : sc.pods.pods) p.phase = PodPhase::failed;
    sc.pods.collect();
    sc.settle();
    CHECK(sc.job.status.failed == 0);
    CHECK(sc.job.status.terminating == 0);
    CHECK(conditions(sc.job.status) == std::vector<std::string>{"Suspended/True/JobSuspended"});
  }
  SECTION("a never-suspended job has no Suspended condition") {
    Scenario sc(make_job(1, 1));
    sc.settle();
    CHECK(sc.job.status.conditions.empty());
  }
}

TEST_CASE("podReplacementPolicy Failed waits for terminating pods", "[unit]") {
  auto job = make_job(1, 1);
  job.spec.pod_replacement_policy = "Failed";
  Scenario sc(job);
  add_pods(sc, 1, PodPhase::running);
  sc.pods.pods[0].deletion_time = sc.clock.now();
  sc.settle();
  CHECK(sc.pods.creations.empty());
  CHECK(sc.job.status.active == 0);
  CHECK(sc.job.status.failed == 0);
  CHECK(sc.job.status.terminating == 1);

  SECTION("default policy: a deleted pod is failed at once and replaced") {
    Scenario s2(make_job(1, 1));
    add_pods(s2, 1, PodPhase::running);
    s2.pods.pods[0].deletion_time = s2.clock.now() - 1h;  // long ago: no backoff left
    s2.settle();
    CHECK(s2.pods.creations.size() == 1);
    CHECK(s2.job.status.failed == 1);
    CHECK(s2.job.status.terminating == 1);
  }
}

TEST_CASE("foreign managedBy and unknown completion mode are left alone", "[unit]") {
  auto job = make_job(1, 1);
  job.spec.managed_by = "example.com/other";
  Scenario sc(job);
  const auto r = sc.sync();
  CHECK_FALSE(r.status_changed);
  CHECK_FALSE(r.status.ready.has_value());
  CHECK_FALSE(r.status.start_time.has_value());
  CHECK(sc.pods.creations.empty());

  auto odd = make_job(1, 1);
  odd.spec.completion_mode = "Sideways";
  Scenario s2(odd);
  CHECK_FALSE(s2.sync().status_changed);
  CHECK(s2.events.events ==
        std::vector<RecordedEvent>{{"Warning", "UnknownCompletionMode",
                                    "Skipped Job sync because completion mode is unknown"}});
}

TEST_CASE("finished jobs only lose leftover finalizers", "[unit]") {
  Scenario sc(make_job(1, 1));
  sc.settle();
  REQUIRE(sc.pods.creations.size() == 1);
  sc.pods.finish(sc.pods.pods[0], PodPhase::succeeded, sc.clock.now(), 0);
  sc.settle();
  REQUIRE(sc.job.status.finished());
  const auto before = sc.job.status;
  add_pods(sc, 1, PodPhase::running);  // e.g. adopted late
  const auto r = sc.sync();
  CHECK_FALSE(r.status_changed);
  CHECK(sc.pods.creations.size() == 1);
  CHECK_FALSE(sc.pods.pods.back().has_tracking_finalizer);
  CHECK(sc.events.reasons() == std::vector<std::string>{"SuccessfulCreate", "Completed"});
}

TEST_CASE("TooManySucceededPods when more pods succeeded than completions", "[unit]") {
  Scenario sc(make_job(3, 2));
  add_pods(sc, 3, PodPhase::succeeded);
  sc.settle();
  CHECK(sc.job.status.succeeded == 3);
  CHECK(sc.events.events == std::vector<RecordedEvent>{
                                {"Warning", "TooManySucceededPods",
                                 "Too many succeeded pods running after completion count reached"},
                                {"Normal", "Completed", "Job completed"}});
  CHECK(sc.job.status.completion_time == sc.job.status.conditions[1].last_transition_time);
}

TEST_CASE("a job being deleted creates nothing and releases every finalizer", "[unit]") {
  Scenario sc(make_job(2, 4));
  add_pods(sc, 1, PodPhase::running);
  add_pods(sc, 1, PodPhase::succeeded);
  sc.job.metadata.deletion_timestamp = sc.clock.now();
  sc.settle();
  CHECK(sc.pods.creations.empty());
  for (const auto& p : sc.pods.pods) CHECK_FALSE(p.has_tracking_finalizer);
  CHECK(sc.job.status.succeeded == 1);
}

// Indexed jobs (spec §2.3, §4.6, §4.7).

TEST_CASE("failed pod writes are retried after 1 s, doubling to 60 s", "[unit]") {
  Scenario sc(make_job(1, 1));
  sc.pods.fail_creates = 100;
  std::vector<base::Duration> retries;
  for (int i = 0; i < 9; ++i) {
    const auto r = sc.sync();
    REQUIRE_FALSE(r.error.ok());
    retries.push_back(*r.requeue_after);
    sc.clock.advance(*r.requeue_after);
  }
  CHECK(retries == std::vector<base::Duration>{1s, 2s, 4s, 8s, 16s, 32s, 60s, 60s, 60s});
  sc.pods.fail_creates = 0;
  const auto ok = sc.sync();
  CHECK(ok.error.ok());
  CHECK(sc.job.status.active == 1);
  // The count starts over after a good sync.
  sc.pods.fail_deletes = 1;
  sc.job.spec.parallelism = 0;
  sc.clock.advance(1s);
  CHECK(sc.sync().requeue_after == 1s);
}

TEST_CASE("at most 500 pods created per sync, and 500 recorded as uncounted", "[unit]") {
  SECTION("creations") {
    Scenario sc(make_job(1200, 1200));
    sc.sync();
    CHECK(sc.pods.creations.size() == 500);
    sc.sync();
    CHECK(sc.pods.creations.size() == 1000);
    sc.sync();
    CHECK(sc.pods.creations.size() == 1200);
  }
  SECTION("deletions") {
    Scenario sc(make_job(0, 1200));
    add_pods(sc, 700, PodPhase::running);
    sc.sync();
    CHECK(sc.pods.deletions.size() == 500);
  }
  SECTION("terminated pods") {
    Scenario sc(make_job(0, 1200));
    add_pods(sc, 700, PodPhase::succeeded);
    auto r = sc.sync();
    CHECK(r.status.uncounted_terminated_pods->succeeded.size() == 500);
    CHECK(r.requeue_after == base::Duration::zero());
    r = sc.sync();  // counts the first 500, records the other 200
    CHECK(r.status.succeeded == 500);
    CHECK(r.status.uncounted_terminated_pods->succeeded.size() == 200);
    sc.settle();
    CHECK(sc.job.status.succeeded == 700);
    CHECK(sc.pods.finalizer_removals.size() == 700);
  }
}

TEST_CASE("suspend clears startTime: the deadline restarts on resume", "[unit]") {
  auto job = make_job(1, 1);
  job.spec.active_deadline_seconds = 30;
  Scenario sc(job);
  sc.settle();
  sc.clock.advance(20s);
  sc.job.spec.suspend = true;
  sc.settle();
  CHECK_FALSE(sc.job.status.start_time.has_value());
  sc.pods.pods[0].phase = PodPhase::failed;  // stopped by the suspension, not counted
  sc.pods.collect();
  sc.clock.advance(1h);
  sc.settle();
  sc.job.spec.suspend = false;
  auto r = sc.settle();
  CHECK(sc.job.status.conditions.size() == 1);  // Suspended/False only: no deadline verdict
  CHECK(sc.job.status.start_time == sc.clock.now());
  CHECK(r.requeue_after == 30s);
  sc.clock.advance(30s);
  sc.settle();
  CHECK(conditions(sc.job.status) ==
        std::vector<std::string>{"Suspended/False/JobResumed",
                                 "FailureTarget/True/DeadlineExceeded"});
}
