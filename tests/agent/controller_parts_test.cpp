// Unit tests of the Job controller's building blocks: the pod view predicates, pod creation
// metadata, deletion ranking and index choice, the backoff record, expectations, conditions.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "agent/controller_pod.hpp"
#include "agent/expectations.hpp"
#include "agent/job_conditions.hpp"
#include "agent/pod_claim.hpp"
#include "agent/pod_creation.hpp"
#include "agent/pod_selection.hpp"
#include "agent/recreate_backoff.hpp"
#include "agent/sync_queue.hpp"

using namespace std::chrono_literals;
using agent::ControllerPod;
using agent::PodPhase;

namespace {

const base::TimePoint kT0 = base::TimePoint(std::chrono::hours(24 * 365 * 56));

ControllerPod pod(std::string name, PodPhase phase = PodPhase::running) {
  ControllerPod p;
  p.name = name;
  p.uid = "uid-" + name;
  p.phase = phase;
  p.creation_time = kT0;
  return p;
}

ControllerPod with_index(std::string name, std::string index) {
  ControllerPod p = pod(std::move(name));
  p.annotations["batch.kubernetes.io/job-completion-index"] = std::move(index);
  return p;
}

std::vector<std::string> names(const std::vector<const ControllerPod*>& pods) {
  std::vector<std::string> out;
  for (const auto* p : pods) out.push_back(p->name);
  return out;
}

}  // namespace

TEST_CASE("completion index is read like strconv.Atoi, negative and garbage are unknown",
          "[unit]") {
  const std::vector<std::pair<std::string, int>> cases = {
      {"0", 0},   {"3", 3},  {"+3", 3}, {"-0", 0},           {"007", 7},
      {"-1", -1}, {"", -1},  {"a", -1}, {"3a", -1},          {"+-3", -1},
      {" 3", -1}, {"-", -1}, {"+", -1}, {"99999999999", -1}, {"2147483647", 2147483647},
  };
  for (const auto& [text, want] : cases) {
    INFO("annotation \"" << text << "\"");
    CHECK(agent::completion_index(with_index("p", text)) == want);
  }
  CHECK(agent::completion_index(pod("no-annotation")) == agent::kUnknownCompletionIndex);
}

TEST_CASE("pod predicates: active, terminating, failed by replacement policy", "[unit]") {
  api::Job default_policy;
  api::Job failed_only;
  failed_only.spec.pod_replacement_policy = "Failed";

  ControllerPod running = pod("r");
  CHECK(agent::is_active(running));
  CHECK_FALSE(agent::is_terminating(running));
  CHECK_FALSE(agent::is_pod_failed(running, default_policy));

  ControllerPod deleting = pod("d");
  deleting.deletion_time = kT0;
  CHECK_FALSE(agent::is_active(deleting));
  CHECK(agent::is_terminating(deleting));
  CHECK(agent::is_pod_failed(deleting, default_policy));
  CHECK_FALSE(agent::is_pod_failed(deleting, failed_only));

  ControllerPod deleted_succeeded = pod("s", PodPhase::succeeded);
  deleted_succeeded.deletion_time = kT0;
  CHECK_FALSE(agent::is_terminating(deleted_succeeded));
  CHECK_FALSE(agent::is_pod_failed(deleted_succeeded, default_policy));

  ControllerPod failed = pod("f", PodPhase::failed);
  CHECK(agent::is_pod_failed(failed, failed_only));
  CHECK_FALSE(agent::is_active(failed));
}

TEST_CASE("finish time falls back: containers, Ready=False, deletion - grace, creation", "[unit]") {
  ControllerPod p = pod("p", PodPhase::failed);
  CHECK(agent::finish_time(p) == kT0);
  p.deletion_time = kT0 + 100s;
  p.deletion_grace_period_seconds = 30;
  CHECK(agent::finish_time(p) == kT0 + 70s);
  p.not_ready_since = kT0 + 50s;
  CHECK(agent::finish_time(p) == kT0 + 50s);
  p.containers_finished_at = kT0 + 60s;
  CHECK(agent::finish_time(p) == kT0 + 60s);
}

TEST_CASE("generateName of controller pods (spec §2.3)", "[unit]") {
  CHECK(agent::pod_generate_name("pi", std::nullopt) == "pi-");
  CHECK(agent::pod_generate_name("pi", 3) == "pi-3-");
  const std::string long_name(63, 'a');
  const std::string indexed = agent::pod_generate_name(long_name, 12);
  CHECK(indexed.size() == 58);
  CHECK(indexed == std::string(54, 'a') + "-12-");
  const std::string fits(54, 'b');
  CHECK(agent::pod_generate_name(fits, 12) == fits + "-12-");
}

TEST_CASE("NonIndexed pods get template metadata and the tracking finalizer", "[unit]") {
  api::Job job;
  job.metadata.name = "pi";
  job.spec.template_.metadata.labels = {{"app", "pi"}};
  job.spec.template_.metadata.annotations = {{"note", "x"}};
  job.spec.template_.metadata.finalizers = {"example.com/keep"};
  const agent::PodCreation c = agent::pod_creation_for(job, std::nullopt);
  CHECK(c.generate_name == "pi-");
  CHECK(c.labels == api::Labels{{"app", "pi"}});
  CHECK(c.annotations == api::Labels{{"note", "x"}});
  CHECK(c.finalizers ==
        std::vector<std::string>{"example.com/keep", "batch.kubernetes.io/job-tracking"});
  job.spec.template_.metadata.finalizers = {"batch.kubernetes.io/job-tracking"};
  CHECK(agent::pod_creation_for(job, std::nullopt).finalizers ==
        std::vector<std::string>{"batch.kubernetes.io/job-tracking"});
  CHECK_FALSE(c.completion_index.has_value());
  CHECK(c.hostname.empty());
  CHECK(c.env.empty());
}

TEST_CASE("deletion ranking (upstream ActivePods)", "[unit]") {
  ControllerPod a = pod("a");
  ControllerPod b = pod("b");
  SECTION("unscheduled first") {
    a.scheduled = false;
    CHECK(agent::delete_before(a, b));
    CHECK_FALSE(agent::delete_before(b, a));
  }
  SECTION("pending < unknown < running") {
    a.phase = PodPhase::pending;
    b.phase = PodPhase::unknown;
    CHECK(agent::delete_before(a, b));
    a.phase = PodPhase::running;
    CHECK(agent::delete_before(b, a));
  }
  SECTION("not ready first; of two ready pods the more recently ready") {
    b.ready = true;
    CHECK(agent::delete_before(a, b));
    a.ready = true;
    a.ready_since = kT0 + 10s;
    b.ready_since = kT0 + 5s;
    CHECK(agent::delete_before(a, b));
    a.ready_since.reset();
    CHECK(agent::delete_before(a, b));
  }
  SECTION("more restarts first, then newer first") {
    a.max_container_restarts = 2;
    CHECK(agent::delete_before(a, b));
    b.max_container_restarts = 2;
    b.creation_time = kT0 + 1s;
    CHECK(agent::delete_before(b, a));
    CHECK_FALSE(agent::delete_before(a, a));
  }
}

TEST_CASE("pods chosen for removal", "[unit]") {
  api::Job job;
  job.spec.completions = 3;
  ControllerPod old_ready = pod("old-ready");
  old_ready.ready = true;
  ControllerPod fresh = pod("fresh");
  fresh.creation_time = kT0 + 10s;
  ControllerPod pending = pod("pending", PodPhase::pending);
  SECTION("NonIndexed: lowest ranked first, exactly as many as asked") {
    CHECK(names(agent::pods_for_removal(job, {&old_ready, &fresh, &pending}, 2)) ==
          std::vector<std::string>{"pending", "fresh"});
    CHECK(agent::pods_for_removal(job, {&old_ready, &fresh}, 0).empty());
  }
  SECTION("Indexed: duplicates, unknown and out-of-range indexes go even when none is asked") {
    job.spec.completion_mode = "Indexed";
    ControllerPod a0 = with_index("a0", "0");
    a0.ready = true;
    ControllerPod b0 = with_index("b0", "0");
    ControllerPod c1 = with_index("c1", "1");
    ControllerPod d3 = with_index("d3", "3");
    ControllerPod bad = with_index("bad", "x");
    CHECK(names(agent::pods_for_removal(job, {&a0, &b0, &c1, &d3, &bad}, 0)) ==
          std::vector<std::string>{"bad", "b0", "d3"});
    CHECK(names(agent::pods_for_removal(job, {&a0, &c1}, 1)) == std::vector<std::string>{"c1"});
  }
}

TEST_CASE("first pending indexes skip taken ones and stop at completions", "[unit]") {
  const api::IndexSet taken = api::IndexSet::from_indexes({1, 3, 4});
  CHECK(agent::first_pending_indexes(taken, 3, 7) == std::vector<std::int32_t>{0, 2, 5});
  CHECK(agent::first_pending_indexes(taken, 10, 7) == std::vector<std::int32_t>{0, 2, 5, 6});
  CHECK(agent::first_pending_indexes(taken, 10, 3) == std::vector<std::int32_t>{0, 2});
  CHECK(agent::first_pending_indexes(taken, 0, 7).empty());
  CHECK(agent::first_pending_indexes(api::IndexSet::from_indexes({0, 1, 2}), 5, 3).empty());
  CHECK(agent::first_pending_indexes({}, 2, 5) == std::vector<std::int32_t>{0, 1});
}

TEST_CASE("backoff record update (upstream newBackoffRecord)", "[unit]") {
  auto finished = [](std::string name, PodPhase phase, base::Duration at) {
    ControllerPod p = pod(std::move(name), phase);
    p.containers_finished_at = kT0 + at;
    return p;
  };
  const ControllerPod f1 = finished("f1", PodPhase::failed, 10s);
  const ControllerPod f2 = finished("f2", PodPhase::failed, 30s);
  const ControllerPod f3 = finished("f3", PodPhase::failed, 20s);
  const ControllerPod s1 = finished("s1", PodPhase::succeeded, 20s);
  const agent::BackoffRecord start{2, kT0};

  CHECK(agent::update_backoff_record(start, {}, {}) == start);
  CHECK(agent::update_backoff_record(start, {}, {&f2, &f1}) == agent::BackoffRecord{4, kT0 + 30s});
  CHECK(agent::update_backoff_record(start, {&s1}, {}) == agent::BackoffRecord{});
  // Only failures strictly after the latest new success remain (f3 ties with s1).
  CHECK(agent::update_backoff_record(start, {&s1}, {&f1, &f2, &f3}) ==
        agent::BackoffRecord{1, kT0 + 30s});
}

TEST_CASE("remaining backoff", "[unit]") {
  const agent::BackoffPolicy policy = agent::default_backoff_policy();
  CHECK(agent::remaining_backoff({}, policy, kT0) == 0s);
  CHECK(agent::remaining_backoff({1, kT0}, policy, kT0) == 10s);
  CHECK(agent::remaining_backoff({1, kT0}, policy, kT0 + 4s) == 6s);
  CHECK(agent::remaining_backoff({1, kT0}, policy, kT0 + 10s) == 0s);
  CHECK(agent::remaining_backoff({3, kT0}, policy, kT0 + 1h) == 0s);  // time shortens the wait
  CHECK(agent::remaining_backoff({7, kT0}, policy, kT0) == 360s);
  CHECK(agent::remaining_backoff({1000000, kT0}, policy, kT0) == 360s);
  CHECK(agent::remaining_backoff({2, kT0}, {1s, 60s}, kT0) == 2s);
}

TEST_CASE("expectations are satisfied by what the pod list shows", "[unit]") {
  agent::Expectations e(5min);
  const std::string job = "job";
  CHECK(e.satisfied(job));
  e.expect_creation(job, "uid-a", kT0);
  e.expect_deletion(job, "uid-b", kT0);
  e.expect_finalizer_removal(job, "uid-c");
  CHECK_FALSE(e.satisfied(job));
  CHECK(e.expiry(job) == kT0 + 5min);

  ControllerPod b = pod("b");
  ControllerPod c = pod("c");
  e.observe(job, {b, c}, kT0);  // a not visible yet, b not deleted yet
  CHECK_FALSE(e.satisfied(job));
  e.observe(job, {pod("a"), b, c}, kT0);
  CHECK_FALSE(e.satisfied(job));  // b still there, not being deleted
  b.deletion_time = kT0;
  e.observe(job, {pod("a"), b, c}, kT0);
  CHECK(e.satisfied(job));
  CHECK(e.finalizer_removal_pending(job, "uid-c"));
  c.has_tracking_finalizer = false;
  e.observe(job, {c}, kT0);
  CHECK_FALSE(e.finalizer_removal_pending(job, "uid-c"));

  SECTION("creations and deletions expire, finalizer removals do not") {
    e.expect_creation(job, "uid-lost", kT0);
    e.expect_finalizer_removal(job, "uid-d");
    e.observe(job, {pod("d")}, kT0 + 5min);
    CHECK_FALSE(e.satisfied(job));
    e.observe(job, {pod("d")}, kT0 + 5min + 1s);
    CHECK(e.satisfied(job));
    CHECK(e.finalizer_removal_pending(job, "uid-d"));
    e.forget(job);
    CHECK_FALSE(e.finalizer_removal_pending(job, "uid-d"));
  }
}

TEST_CASE("ensure_condition: update in place, never add False from nothing", "[unit]") {
  std::vector<api::JobCondition> list;
  CHECK_FALSE(
      agent::ensure_condition(list, "Suspended", "False", "JobResumed", "Job resumed", kT0));
  CHECK(list.empty());
  CHECK(agent::ensure_condition(list, "Suspended", "True", "JobSuspended", "Job suspended", kT0));
  CHECK_FALSE(agent::ensure_condition(list, "Suspended", "True", "JobSuspended", "Job suspended",
                                      kT0 + 1s));
  CHECK(list.at(0).last_transition_time == kT0);
  CHECK(agent::ensure_condition(list, "Suspended", "False", "JobResumed", "Job resumed", kT0 + 2s));
  REQUIRE(list.size() == 1);
  CHECK(list[0].status == "False");
  CHECK(list[0].last_transition_time == kT0 + 2s);
  CHECK(list[0].last_probe_time == kT0 + 2s);
}

TEST_CASE("same_status sees every field", "[unit]") {
  api::JobStatus a;
  a.uncounted_terminated_pods.emplace();
  a.ready = 0;
  a.terminating = 0;
  api::JobStatus b = a;
  CHECK(agent::same_status(a, b));
  b.ready = 1;
  CHECK_FALSE(agent::same_status(a, b));
  b = a;
  b.uncounted_terminated_pods->failed.push_back("x");
  CHECK_FALSE(agent::same_status(a, b));
  b = a;
  b.completed_indexes = "0";
  CHECK_FALSE(agent::same_status(a, b));
  b = a;
  b.conditions.push_back(agent::new_condition("Complete", "True", "r", "m", kT0));
  CHECK_FALSE(agent::same_status(a, b));
  a.conditions = b.conditions;
  b.conditions[0].last_probe_time += 1s;
  CHECK_FALSE(agent::same_status(a, b));
}

TEST_CASE("pod claims: owned, adopted, released, ignored (spec §4.17)", "[unit]") {
  api::Job job;
  job.metadata.uid = "job-uid";
  job.spec.selector = api::LabelSelector{{{"batch.kubernetes.io/controller-uid", "job-uid"}}, {}};
  const api::Labels matching = {{"batch.kubernetes.io/controller-uid", "job-uid"}, {"x", "y"}};
  const api::Labels other = {{"batch.kubernetes.io/controller-uid", "someone-else"}};
  const agent::ControllerRef ours{"batch/v1", "Job", "pi", "job-uid"};
  const agent::ControllerRef theirs{"apps/v1", "ReplicaSet", "rs", "rs-uid"};
  using agent::PodClaim;

  CHECK(agent::claim_pod(job, matching, ours, false) == PodClaim::owned);
  CHECK(agent::claim_pod(job, other, ours, false) == PodClaim::release);
  CHECK(agent::claim_pod(job, matching, theirs, false) == PodClaim::ignore);
  CHECK(agent::claim_pod(job, matching, std::nullopt, false) == PodClaim::adopt);
  CHECK(agent::claim_pod(job, matching, std::nullopt, true) == PodClaim::ignore);
  CHECK(agent::claim_pod(job, other, std::nullopt, false) == PodClaim::ignore);

  job.metadata.deletion_timestamp = kT0;
  CHECK(agent::claim_pod(job, matching, std::nullopt, false) == PodClaim::ignore);
  CHECK(agent::claim_pod(job, other, ours, false) == PodClaim::ignore);
  CHECK(agent::claim_pod(job, matching, ours, false) == PodClaim::owned);

  CHECK_FALSE(agent::selector_matches(std::nullopt, matching));
  CHECK_FALSE(agent::selector_matches(api::LabelSelector{}, matching));
}

TEST_CASE("backoff record derived from retained pods", "[unit]") {
  auto at = [](std::string name, PodPhase phase, base::Duration t) {
    ControllerPod p = pod(std::move(name), phase);
    p.containers_finished_at = kT0 + t;
    return p;
  };
  ControllerPod deleting = pod("deleting", PodPhase::running);
  deleting.deletion_time = kT0 + 40s;
  deleting.deletion_grace_period_seconds = 0;
  const std::vector<ControllerPod> pods = {
      at("f1", PodPhase::failed, 10s), at("s1", PodPhase::succeeded, 20s),
      at("f2", PodPhase::failed, 30s), deleting, pod("running")};
  api::Job job;
  CHECK(agent::derive_backoff_record(job, pods) == agent::BackoffRecord{2, kT0 + 40s});
  job.spec.pod_replacement_policy = "Failed";
  CHECK(agent::derive_backoff_record(job, pods) == agent::BackoffRecord{1, kT0 + 30s});
  CHECK(agent::derive_backoff_record(job, {}) == agent::BackoffRecord{});
}

TEST_CASE("sync queue: one entry per job, the earliest time wins, due keys in order", "[unit]") {
  agent::SyncQueue q;
  CHECK(q.empty());
  CHECK_FALSE(q.next_due().has_value());
  // Three pod events within the batch window: one sync, one second after the first.
  q.add("a", kT0 + agent::kPodEventBatch);
  q.add("a", kT0 + 300ms + agent::kPodEventBatch);
  q.add("a", kT0 + 800ms + agent::kPodEventBatch);
  q.add("b", kT0 + 10s);  // a backoff timer
  CHECK(q.size() == 2);
  CHECK(q.next_due() == kT0 + 1s);
  q.add("b", kT0);  // spec change: now
  CHECK(q.next_due() == kT0);
  CHECK(q.pop_due(kT0 + 500ms) == std::vector<std::string>{"b"});
  CHECK(q.pop_due(kT0 + 500ms).empty());
  CHECK(q.pop_due(kT0 + 1s) == std::vector<std::string>{"a"});
  CHECK(q.empty());
  q.add("c", kT0 + 2s);
  q.add("d", kT0 + 1s);
  q.remove("d");
  q.remove("missing");
  CHECK(q.pop_due(kT0 + 1h) == std::vector<std::string>{"c"});
}
