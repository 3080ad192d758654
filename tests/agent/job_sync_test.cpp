// The store path of the agent without containers: informer + JobSyncer + StorePodControl on a
// real SQLite store, the test playing the kubelet (pod status writes). Every step goes through
// stored JSON, so what a restarted agent would read is what is tested.
#include "agent/job_sync.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "agent/event_store.hpp"
#include "agent/informer.hpp"
#include "agent/pod_creation.hpp"
#include "agent/pod_objects.hpp"
#include "agent/pod_writes.hpp"
#include "api/pod_encode.hpp"
#include "api/stored_pod.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace {

struct SyncFixture : agent_test::StoreFixture {
  agent::StoreEventSink events{*store, clock, "node-1"};
  agent::JobEventRecorder recorder{events};
  agent::StorePodControl control{*store, clock, events, "node-1"};
  agent::StorePodStatus status{*store};
  agent::JobController controller{clock, control, recorder};
  agent::JobSyncer syncer{*store, clock, controller, events};
  agent::Informer informer;
  api::ResourceVersion seen = 0;

  void load() {
    auto jobs = store->list("jobs.batch", std::nullopt);
    auto pods = store->list("pods", std::nullopt);
    REQUIRE(jobs.ok());
    REQUIRE(pods.ok());
    informer.reset(jobs->objects, pods->objects, jobs->resource_version);
    seen = jobs->resource_version;
  }
  void catch_up() {
    auto changes = store->changes_since(seen);
    REQUIRE(changes.ok());
    for (const auto& c : changes->changes) {
      informer.apply(c);
      seen = c.object.resource_version;
    }
  }
  agent::JobSyncOutcome sync(const std::string& job_uid) {
    catch_up();
    const agent::CachedJob* job = informer.job(job_uid);
    REQUIRE(job != nullptr);
    auto outcome = syncer.sync(*job, informer.candidate_pods(*job));
    REQUIRE(outcome.error.ok());
    catch_up();
    return outcome;
  }
  // The kubelet's part: the pod's only container ran and exited with `code`.
  void finish_pod(const agent::CachedPod& cached, int code) {
    api::Pod pod = cached.pod;
    pod.status.phase = code == 0 ? "Succeeded" : "Failed";
    api::ContainerStatus cs;
    cs.name = pod.spec.containers.at(0).name;
    api::ContainerStateTerminated t;
    t.exit_code = code;
    t.reason = code == 0 ? "Completed" : "Error";
    t.started_at = clock.now();
    t.finished_at = clock.now();
    cs.state.terminated = t;
    pod.status.container_statuses = {cs};
    REQUIRE(status.update_status(pod).ok());
  }
  const api::Job& job(const std::string& uid) { return informer.job(uid)->job; }
};

}  // namespace

TEST_CASE("a stored pod decodes back to what was encoded", "[unit]") {
  SyncFixture f;
  api::Job job = f.put_job(agent_test::job_from_yaml(
      agent_test::job_yaml("pi", "  completionMode: Indexed\n  completions: 2\n"), f.clock.now()));
  api::Pod pod = agent::job_pod(job, agent::pod_creation_for(job, 1), "pi-1-abcde", "uid-1",
                                f.clock.now(), "node-1");
  pod.metadata.resource_version = "9";
  pod.metadata.deletion_timestamp = f.clock.now();
  pod.metadata.deletion_grace_period_seconds = 30;
  api::ContainerStatus cs;
  cs.name = "main";
  cs.restart_count = 2;
  cs.state.waiting = api::ContainerStateWaiting{"CrashLoopBackOff", "back-off 20s"};
  api::ContainerStateTerminated last;
  last.exit_code = 1;
  last.reason = "Error";
  last.started_at = f.clock.now();
  last.finished_at = f.clock.now();
  last.container_id = "batchlet://x";
  cs.last_state.terminated = last;
  cs.started = false;
  pod.status.container_statuses = {cs};
  pod.status.start_time = f.clock.now();
  pod.status.host_ip = "127.0.0.1";
  pod.status.qos_class = "BestEffort";
  const auto encoded = api::encode_pod(pod);
  auto decoded = api::decode_stored_pod(nlohmann::json::parse(encoded.dump()));
  if (!decoded.ok()) FAIL(decoded.error().message());
  CHECK(api::encode_pod(*decoded).dump() == encoded.dump());
  CHECK(decoded->spec.hostname == "pi-1");
  CHECK(decoded->spec.node_name == "node-1");
}

TEST_CASE("a job syncs through the store: pods created, counted, Complete", "[unit]") {
  SyncFixture f;
  api::Job created = f.put_job(agent_test::job_from_yaml(
      agent_test::job_yaml("two", "  completions: 2\n  parallelism: 2\n"), f.clock.now()));
  const std::string uid = created.metadata.uid;
  f.load();
  f.sync(uid);
  auto pods = f.informer.pods_owned_by(uid);
  REQUIRE(pods.size() == 2);
  CHECK(f.job(uid).status.active == 2);
  CHECK(f.job(uid).status.start_time);

  f.finish_pod(*pods[0], 0);
  f.finish_pod(*pods[1], 0);
  // First sync records the finished pods as uncounted, the next counts them (spec §4.3).
  f.sync(uid);
  f.sync(uid);
  f.sync(uid);
  const api::JobStatus& st = f.job(uid).status;
  CHECK(st.succeeded == 2);
  CHECK(st.active == 0);
  CHECK(st.true_condition("Complete") != nullptr);
  for (const agent::CachedPod* p : f.informer.pods_owned_by(uid)) {
    CHECK(p->pod.metadata.finalizers.empty());  // tracking finalizers gone once counted
  }
  // The events the controller recorded went into the store as Events about the job.
  f.events.flush();
  auto events = f.store->list("events", "default");
  REQUIRE(events.ok());
  int created_events = 0;
  for (const auto& e : events->objects) {
    const auto json = nlohmann::json::parse(e.json);
    if (json["reason"] == "SuccessfulCreate") created_events += json["count"].get<int>();
  }
  CHECK(created_events == 2);
}

TEST_CASE("the backoff record is persisted with the status and read back after a restart",
          "[unit]") {
  SyncFixture f;
  api::Job created = f.put_job(agent_test::job_from_yaml(
      agent_test::job_yaml("fail", "  backoffLimit: 3\n"), f.clock.now()));
  const std::string uid = created.metadata.uid;
  f.load();
  f.sync(uid);
  auto pods = f.informer.pods_owned_by(uid);
  REQUIRE(pods.size() == 1);
  f.finish_pod(*pods[0], 1);
  f.sync(uid);
  auto outcome = f.sync(uid);
  CHECK(f.job(uid).status.failed == 1);
  auto side = f.store->side_record(uid);
  REQUIRE(side.ok());
  REQUIRE(side->has_value());
  auto record = agent::decode_backoff_record(**side);
  REQUIRE(record);
  CHECK(record->failures_after_last_success == 1);
  REQUIRE(outcome.requeue_after);
  CHECK(*outcome.requeue_after == std::chrono::seconds(10));

  // A new agent (fresh informer and controller) 4 s later waits the remaining 6 s.
  f.clock.advance(std::chrono::seconds(4));
  agent::JobController fresh(f.clock, f.control, f.recorder);
  agent::JobSyncer syncer(*f.store, f.clock, fresh, f.events);
  f.load();
  const agent::CachedJob* job = f.informer.job(uid);
  auto again = syncer.sync(*job, f.informer.candidate_pods(*job));
  REQUIRE(again.error.ok());
  f.catch_up();
  CHECK(f.informer.pods_owned_by(uid).size() == 1);  // no new pod yet
  REQUIRE(again.requeue_after);
  CHECK(*again.requeue_after == std::chrono::seconds(6));
}

TEST_CASE("backoff records encode and decode exactly", "[unit]") {
  agent::BackoffRecord r;
  r.failures_after_last_success = 3;
  r.last_failure_time = base::TimePoint(std::chrono::nanoseconds(1'800'000'000'123'456'789));
  auto back = agent::decode_backoff_record(agent::encode_backoff_record(r));
  REQUIRE(back);
  CHECK(*back == r);
  CHECK_FALSE(agent::decode_backoff_record("not json"));
}
