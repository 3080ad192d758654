// The agent's writes to stored objects: read-modify-write with the finalizer rule, graceful pod
// deletion, pods created for a Job, pod status, events with series, and deletion propagation.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "agent/event_store.hpp"
#include "agent/garbage_collector.hpp"
#include "agent/object_update.hpp"
#include "agent/pod_creation.hpp"
#include "agent/pod_objects.hpp"
#include "agent/pod_writes.hpp"
#include "api/pod_deletion.hpp"
#include "api/rfc3339.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace {

using agent::Mutation;
using agent_test::StoreFixture;
using json = nlohmann::ordered_json;

json stored(agent::Store& store, const agent::ObjectKey& key) {
  auto got = store.get(key);
  REQUIRE(got.ok());
  if (!got->has_value()) return json();
  return json::parse((*got)->json);
}

struct PodFixture : StoreFixture {
  agent::StoreEventSink events{*store, clock, "node-1"};
  agent::StorePodControl control{*store, clock, events, "node-1"};
  api::Job job = put_job(agent_test::job_from_yaml(agent_test::job_yaml("pi"), clock.now()));

  agent::CreatedPod create() {
    auto created = control.create_pod(job, agent::pod_creation_for(job, std::nullopt));
    if (!created.ok()) FAIL(created.error().message());
    return *created;
  }
  agent::ObjectKey key(const agent::CreatedPod& pod) { return {"pods", "default", pod.name}; }
  json events_list() {
    events.flush();  // the sink writes in the background
    auto listed = store->list("events", "default");
    REQUIRE(listed.ok());
    json out = json::array();
    for (const auto& o : listed->objects) out.push_back(json::parse(o.json));
    return out;
  }
};

}  // namespace

TEST_CASE("update_object edits the JSON, keeps unknown fields and retries on conflict", "[unit]") {
  StoreFixture f;
  const agent::ObjectKey key{"pods", "default", "p"};
  REQUIRE(
      f.store
          ->create(
              key, "uid-p",
              [](agent::ResourceVersion) {
                return R"({"metadata":{"name":"p","managedFields":[{"manager":"kubectl"}]},"x":1})";
              })
          .ok());
  int calls = 0;
  auto done = agent::update_object(*f.store, key, std::string("uid-p"), [&](nlohmann::ordered_json& o) {
    if (calls++ == 0) {  // someone else writes in between: the first attempt must conflict
      REQUIRE(
          f.store
              ->update(
                  key, {},
                  [](agent::ResourceVersion) {
                    return R"({"metadata":{"name":"p","managedFields":[{"manager":"kubectl"}]},"x":2})";
                  })
              .ok());
    }
    o["y"] = o["x"];
    return Mutation::changed;
  });
  REQUIRE(done.ok());
  REQUIRE(done->has_value());
  CHECK(calls == 2);
  const json now = stored(*f.store, key);
  CHECK(now["y"] == 2);
  CHECK(now["metadata"]["managedFields"][0]["manager"] == "kubectl");
  CHECK(now["metadata"]["resourceVersion"] == std::to_string((*done)->object.resource_version));

  // Another uid under the same name is never touched.
  auto other = agent::update_object(*f.store, key, std::string("uid-other"),
                                    [](nlohmann::ordered_json&) { return Mutation::changed; });
  REQUIRE(other.ok());
  CHECK_FALSE(other->has_value());
}

TEST_CASE("an object being deleted goes when its last finalizer goes", "[unit]") {
  StoreFixture f;
  const agent::ObjectKey key{"pods", "default", "p"};
  REQUIRE(
      f.store
          ->create(
              key, "u",
              [](agent::ResourceVersion) {
                return R"({"metadata":{"name":"p","finalizers":["a","b"],"deletionTimestamp":"2030-01-01T00:00:00Z"}})";
              })
          .ok());
  REQUIRE(agent::remove_finalizer(*f.store, key, "u", "a").ok());
  CHECK(stored(*f.store, key)["metadata"]["finalizers"] == json::array({"b"}));
  REQUIRE(agent::remove_finalizer(*f.store, key, "u", "b").ok());
  CHECK(stored(*f.store, key).is_null());
  auto changes = f.store->changes_since(0);
  REQUIRE(changes.ok());
  CHECK(changes->changes.back().type == agent::ChangeType::deleted);
}

TEST_CASE("graceful pod deletion follows the API server's pod strategy", "[unit]") {
  base::FakeClock clock;
  const auto now = clock.now();
  const auto at = [&](int seconds) {
    return api::format_time(now + std::chrono::seconds(seconds));
  };
  json running = {{"metadata", {{"name", "p"}}},
                  {"spec", {{"nodeName", "n"}, {"terminationGracePeriodSeconds", 5}}},
                  {"status", {{"phase", "Running"}}}};
  SECTION("the pod's own grace period") {
    CHECK(api::mark_pod_deleting(running, now) == Mutation::changed);
    CHECK(running["metadata"]["deletionTimestamp"] == at(5));
    CHECK(running["metadata"]["deletionGracePeriodSeconds"] == 5);
    SECTION("a second delete may only shorten it") {
      CHECK(api::mark_pod_deleting(running, now, 60) == Mutation::unchanged);
      CHECK(api::mark_pod_deleting(running, now, 1) == Mutation::changed);
      CHECK(running["metadata"]["deletionTimestamp"] == at(1));
    }
  }
  SECTION("default 30 s") {
    running["spec"].erase("terminationGracePeriodSeconds");
    CHECK(api::mark_pod_deleting(running, now) == Mutation::changed);
    CHECK(running["metadata"]["deletionGracePeriodSeconds"] == 30);
  }
  SECTION("terminal or unscheduled pods go at once, unless finalizers hold them") {
    json done = running;
    done["status"]["phase"] = "Succeeded";
    CHECK(api::mark_pod_deleting(done, now, 10) == Mutation::remove);
    json unscheduled = running;
    unscheduled["spec"].erase("nodeName");
    CHECK(api::mark_pod_deleting(unscheduled, now) == Mutation::remove);
    done["metadata"]["finalizers"] = {"batch.kubernetes.io/job-tracking"};
    CHECK(api::mark_pod_deleting(done, now) == Mutation::changed);
    CHECK(done["metadata"]["deletionGracePeriodSeconds"] == 0);
    CHECK(done["metadata"]["deletionTimestamp"] == at(0));
  }
}

TEST_CASE("pods created for a job carry the template, the owner and the node", "[unit]") {
  PodFixture f;
  const agent::CreatedPod pod = f.create();
  CHECK(pod.name.rfind("pi-", 0) == 0);
  CHECK(pod.name.size() == 8);
  const json p = stored(*f.store, f.key(pod));
  CHECK(p["metadata"]["uid"] == pod.uid);
  CHECK(p["metadata"]["generateName"] == "pi-");
  CHECK(p["metadata"]["ownerReferences"][0]["uid"] == f.job.metadata.uid);
  CHECK(p["metadata"]["ownerReferences"][0]["controller"] == true);
  CHECK(p["metadata"]["finalizers"] == json::array({"batch.kubernetes.io/job-tracking"}));
  CHECK(p["metadata"]["labels"]["job-name"] == "pi");
  CHECK(p["spec"]["nodeName"] == "node-1");
  CHECK(p["spec"]["containers"][0]["image"] == "batchlet.local/host");
  CHECK(p["status"]["phase"] == "Pending");
  const json events = f.events_list();
  REQUIRE(events.size() == 1);
  CHECK(events[0]["reason"] == "Scheduled");
  CHECK(events[0]["message"] == "Successfully assigned default/" + pod.name + " to node-1");
  CHECK(events[0]["involvedObject"]["kind"] == "Pod");
  CHECK(events[0]["source"]["component"] == "default-scheduler");
}

TEST_CASE("pod status writes replace status only, and deletion completes after finalizers",
          "[unit]") {
  PodFixture f;
  const agent::CreatedPod created = f.create();
  agent::StorePodStatus status(*f.store);
  api::Pod pod;
  pod.metadata.name = created.name;
  pod.metadata.namespace_ = "default";
  pod.metadata.uid = created.uid;
  pod.status.phase = "Succeeded";
  REQUIRE(status.update_status(pod).ok());
  json p = stored(*f.store, f.key(created));
  CHECK(p["status"]["phase"] == "Succeeded");
  CHECK(p["metadata"]["ownerReferences"][0]["uid"] == f.job.metadata.uid);  // untouched

  agent::ControllerPod view;
  view.name = created.name;
  view.namespace_ = "default";
  view.uid = created.uid;
  REQUIRE(f.control.delete_pod(f.job, view).ok());  // terminal: grace 0, held by the finalizer
  p = stored(*f.store, f.key(created));
  CHECK(p["metadata"]["deletionGracePeriodSeconds"] == 0);
  REQUIRE(status.finish_deletion(pod).ok());
  CHECK_FALSE(stored(*f.store, f.key(created)).is_null());
  REQUIRE(f.control.remove_tracking_finalizer(f.job, view).ok());
  CHECK(stored(*f.store, f.key(created)).is_null());
}

TEST_CASE("repeated events become one event with a count, and old ones are pruned", "[unit]") {
  PodFixture f;
  agent::JobEventRecorder recorder(f.events);
  recorder.record(f.job, "Normal", "SuccessfulCreate", "Created pod: pi-abcde");
  f.clock.advance(std::chrono::seconds(5));
  recorder.record(f.job, "Normal", "SuccessfulCreate", "Created pod: pi-abcde");
  recorder.record(f.job, "Normal", "Completed", "Job completed");
  json events = f.events_list();
  REQUIRE(events.size() == 2);
  json series;
  for (const auto& e : events) {
    if (e["reason"] == "SuccessfulCreate") series = e;
  }
  CHECK(series["count"] == 2);
  CHECK(series["involvedObject"]["kind"] == "Job");
  CHECK(series["involvedObject"]["name"] == "pi");
  CHECK(series["source"]["component"] == "job-controller");
  CHECK(series["lastTimestamp"] != series["firstTimestamp"]);
  CHECK(series["metadata"]["name"].get<std::string>().rfind("pi.", 0) == 0);

  f.clock.advance(std::chrono::minutes(61));
  CHECK(f.events.prune(f.clock.now()) == 2);
  CHECK(f.events_list().empty());
  recorder.record(f.job, "Normal", "SuccessfulCreate", "Created pod: pi-abcde");
  REQUIRE(f.events_list().size() == 1);
  CHECK(f.events_list()[0]["count"] == 1);
}

TEST_CASE("events recorded from many threads are written in the background, none lost", "[unit]") {
  StoreFixture f;
  constexpr int kThreads = 6;
  constexpr int kRepeats = 25;
  {
    agent::StoreEventSink events{*f.store, f.clock, "node-1"};
    std::vector<std::thread> recorders;
    for (int t = 0; t < kThreads; ++t) {
      recorders.emplace_back([&, t] {
        const agent::InvolvedObject pod{
            "Pod", "v1", "default", "p" + std::to_string(t), "uid-" + std::to_string(t), "1", ""};
        for (int i = 0; i < kRepeats; ++i) {
          events.record(pod, "Warning", "BackOff", "Back-off restarting failed container",
                        "kubelet");
          events.record(pod, "Normal", "Pulled", "pull " + std::to_string(i), "kubelet");
        }
      });
    }
    for (auto& r : recorders) r.join();
    events.flush();
    auto listed = f.store->list("events", "default");
    REQUIRE(listed.ok());
    // Per pod: one BackOff series with every repeat counted, and one Event per distinct pull.
    std::map<std::string, int> backoff_counts;
    int pulled = 0;
    for (const auto& o : listed->objects) {
      const json e = json::parse(o.json);
      if (e["reason"] == "BackOff") {
        backoff_counts[e["involvedObject"]["name"].get<std::string>()] += e["count"].get<int>();
      } else if (e["reason"] == "Pulled") {
        ++pulled;
      }
    }
    CHECK(pulled == kThreads * kRepeats);
    REQUIRE(backoff_counts.size() == kThreads);
    for (const auto& [pod, count] : backoff_counts) CHECK(count == kRepeats);

    // What is still queued when the sink goes is written before it goes.
    events.record({"Job", "batch/v1", "default", "late", "uid-late", "1", ""}, "Normal",
                  "Completed", "Job completed", "job-controller");
  }
  auto listed = f.store->list("events", "default");
  REQUIRE(listed.ok());
  CHECK(listed->objects.size() == static_cast<std::size_t>(kThreads * kRepeats + kThreads + 1));
}

TEST_CASE("deletion propagation: background, foreground and orphan", "[unit]") {
  PodFixture f;
  agent::GarbageCollector gc(*f.store, f.clock);
  const agent::CreatedPod a = f.create();
  const agent::CreatedPod b = f.create();
  const auto cached = [&](const agent::CreatedPod& p) {
    agent::CachedPod c;
    c.key = f.key(p);
    c.pod.metadata.name = p.name;
    c.pod.metadata.namespace_ = "default";
    c.pod.metadata.uid = p.uid;
    c.pod.metadata.finalizers = {"batch.kubernetes.io/job-tracking"};
    return c;
  };
  agent::CachedPod ca = cached(a);
  agent::CachedPod cb = cached(b);

  SECTION("background: the owner is gone, its pods go (gracefully)") {
    REQUIRE(gc.owner_gone({&ca, &cb}).ok());
    for (const auto& p : {a, b}) {
      const json pod = stored(*f.store, f.key(p));
      CHECK(pod["metadata"]["deletionGracePeriodSeconds"] == 30);
      CHECK_FALSE(pod["metadata"].contains("finalizers"));
    }
  }
  agent::CachedJob job{{"jobs.batch", "default", "pi"}, f.job, 0};
  job.job.metadata.deletion_timestamp = f.clock.now();
  SECTION("orphan: pods lose the owner and keep running, then the job goes") {
    job.job.metadata.finalizers = {"orphan"};
    REQUIRE(
        agent::update_object(*f.store, job.key, f.job.metadata.uid, [&](nlohmann::ordered_json& o) {
          o["metadata"]["finalizers"] = {"orphan"};
          o["metadata"]["deletionTimestamp"] = api::format_time(f.clock.now());
          return Mutation::changed;
        }).ok());
    REQUIRE(gc.job_deleting(job, {&ca, &cb}).ok());
    const json pod = stored(*f.store, f.key(a));
    CHECK_FALSE(pod["metadata"].contains("ownerReferences"));
    CHECK_FALSE(pod["metadata"].contains("deletionTimestamp"));
    CHECK(stored(*f.store, job.key).is_null());
  }
  SECTION("foreground: pods are deleted first, the job goes when none is left") {
    job.job.metadata.finalizers = {"foregroundDeletion"};
    REQUIRE(
        agent::update_object(*f.store, job.key, f.job.metadata.uid, [&](nlohmann::ordered_json& o) {
          o["metadata"]["finalizers"] = {"foregroundDeletion"};
          o["metadata"]["deletionTimestamp"] = api::format_time(f.clock.now());
          return Mutation::changed;
        }).ok());
    REQUIRE(gc.job_deleting(job, {&ca, &cb}).ok());
    CHECK(stored(*f.store, f.key(a))["metadata"].contains("deletionTimestamp"));
    CHECK_FALSE(stored(*f.store, job.key).is_null());
    REQUIRE(gc.job_deleting(job, {}).ok());
    CHECK(stored(*f.store, job.key).is_null());
  }
}
