// Indexed jobs in the controller: indexes, their labels/annotations/hostname/env, completedIndexes,
// elastic scale-down and index reuse.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "agent/job_controller.hpp"
#include "tests/agent/job_controller_test_support.hpp"
#include "tests/agent/job_scenario.hpp"

using namespace std::chrono_literals;
using agent::ControllerPod;
using agent::PodPhase;
using agent::testing::RecordedEvent;
using agent::testing::Scenario;
using namespace controller_test;

TEST_CASE("indexed job start creates the lowest indexes with label, annotation, hostname, env",
          "[unit]") {
  Scenario sc(indexed_job(2, 5));
  sc.sync();
  REQUIRE(sc.pods.creations.size() == 2);
  const agent::PodCreation& c = sc.pods.creations[1];
  CHECK(c.completion_index == 1);
  CHECK(c.generate_name == "foobar-1-");
  CHECK(c.hostname == "foobar-1");
  CHECK(c.annotations.at("batch.kubernetes.io/job-completion-index") == "1");
  CHECK(c.labels.at("batch.kubernetes.io/job-completion-index") == "1");
  CHECK(c.labels.at("batch.kubernetes.io/job-name") == "foobar");
  REQUIRE(c.env.size() == 1);
  CHECK(c.env[0].name == "JOB_COMPLETION_INDEX");
  CHECK(c.env[0].field_path == "metadata.labels['batch.kubernetes.io/job-completion-index']");
  CHECK(c.finalizers == std::vector<std::string>{"batch.kubernetes.io/job-tracking"});
  CHECK(created_indexes(sc) == std::vector<int>{0, 1});
}

TEST_CASE("indexed job table", "[unit]") {
  using P = PodPhase;
  SECTION("completed") {
    Scenario sc(indexed_job(2, 3));
    add_indexed(sc, {{0, P::succeeded}, {1, P::succeeded}, {2, P::succeeded}});
    sc.settle();
    CHECK(sc.job.status.completed_indexes == "0-2");
    CHECK(sc.job.status.succeeded == 3);
    CHECK(conditions(sc.job.status).back() == "Complete/True/CompletionsReached");
  }
  SECTION("repeated completed index counts once") {
    Scenario sc(indexed_job(2, 3));
    add_indexed(sc, {{0, P::succeeded}, {1, P::succeeded}, {1, P::succeeded}});
    sc.settle();
    CHECK(sc.job.status.completed_indexes == "0,1");
    CHECK(sc.job.status.succeeded == 2);
    CHECK(created_indexes(sc) == std::vector<int>{2});
  }
  SECTION("some running and completed pods") {
    Scenario sc(indexed_job(8, 6));
    add_indexed(sc, {{0, P::running}, {2, P::running}, {3, P::succeeded}, {5, P::succeeded}});
    sc.settle();
    CHECK(sc.job.status.completed_indexes == "3,5");
    CHECK(created_indexes(sc) == std::vector<int>{1, 4});
    CHECK(sc.job.status.active == 4);
  }
  SECTION("failed pods are replaced with their index") {
    Scenario sc(indexed_job(3, 4));
    add_indexed(sc, {{0, P::failed}, {1, P::running}, {2, P::failed}});
    sc.settle();
    CHECK(sc.job.status.failed == 2);
    CHECK(created_indexes(sc) == std::vector<int>{0, 2});
  }
  SECTION("duplicates, missing and out-of-range indexes are deleted first") {
    Scenario sc(indexed_job(4, 4));
    add_indexed(sc, {{0, P::running}, {0, P::running}, {1, P::running}, {7, P::running}});
    add_pods(sc, 1, P::running);   // no index at all
    sc.pods.pods[0].ready = true;  // the ready duplicate is the one kept
    sc.sync();
    CHECK(sc.pods.deletions.size() == 3);
    CHECK(sc.pods.creations.empty());  // deletion-only sync
    CHECK(sc.job.status.active == 2);
    CHECK(std::find(sc.pods.deletions.begin(), sc.pods.deletions.end(), sc.pods.pods[0].name) ==
          sc.pods.deletions.end());
  }
  SECTION("completedIndexes survive a restart and are not recreated") {
    Scenario sc(indexed_job(2, 4));
    sc.job.status.completed_indexes = "0,1";
    sc.job.status.succeeded = 2;
    sc.settle();
    CHECK(created_indexes(sc) == std::vector<int>{2, 3});
  }
}

TEST_CASE("elastic Indexed job scaled down: higher indexes go, completedIndexes shrink", "[unit]") {
  using P = PodPhase;
  Scenario sc(indexed_job(4, 6));
  sc.job.status.completed_indexes = "0,1,5";
  sc.job.status.succeeded = 3;
  add_indexed(sc, {{2, P::running}, {3, P::running}, {4, P::running}});
  sc.job.spec.completions = 3;
  sc.job.spec.parallelism = 3;
  sc.settle();
  CHECK(sc.job.status.completed_indexes == "0,1");
  CHECK(sc.job.status.succeeded == 2);
  CHECK(sc.pods.deletions.size() == 2);  // indexes 3 and 4
  CHECK(sc.pods.creations.empty());
  CHECK(sc.job.status.active == 1);
  CHECK(sc.job.status.failed == 0);  // scale-down deletions are not failures
}

TEST_CASE("Indexed with the default replacement policy: a deleted pod's index is reused at once",
          "[unit]") {
  Scenario sc(indexed_job(2, 2));
  add_indexed(sc, {{0, PodPhase::running}, {1, PodPhase::running}});
  sc.pods.pods[1].deletion_time = sc.clock.now() - 1h;
  sc.settle();
  CHECK(created_indexes(sc) == std::vector<int>{1});
  CHECK(sc.job.status.failed == 1);
  CHECK(sc.job.status.terminating == 1);
}
