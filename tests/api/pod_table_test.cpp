// tests/api/pod_table_test.cpp: `kubectl get pods` rows (upstream printPod's STATUS, READY and
// RESTARTS) and the Pod object's JSON.
#include "api/pod_table.hpp"

#include <catch2/catch.hpp>
#include <chrono>

#include "api/pod_encode.hpp"
#include "api/rfc3339.hpp"

using namespace std::chrono_literals;

namespace {

const base::TimePoint kNow = *api::parse_time("2026-11-23T18:00:00Z");

api::Pod pod(std::string phase) {
  api::Pod p;
  p.metadata.name = "pi-abcde";
  p.metadata.namespace_ = "default";
  p.metadata.creation_timestamp = kNow - 200s;
  p.spec.containers.resize(1);
  p.spec.containers[0].name = "pi";
  p.status.phase = std::move(phase);
  return p;
}

api::ContainerStatus waiting(std::string reason) {
  api::ContainerStatus s;
  s.name = "pi";
  s.state.waiting = api::ContainerStateWaiting{std::move(reason), ""};
  return s;
}

api::ContainerStatus terminated(int exit_code, std::string reason, int signal = 0) {
  api::ContainerStatus s;
  s.name = "pi";
  api::ContainerStateTerminated t;
  t.exit_code = exit_code;
  t.reason = std::move(reason);
  t.signal = signal;
  s.state.terminated = t;
  return s;
}

api::ContainerStatus running(bool ready) {
  api::ContainerStatus s;
  s.name = "pi";
  s.ready = ready;
  s.state.running = api::ContainerStateRunning{kNow - 60s};
  return s;
}

}  // namespace

TEST_CASE("pod STATUS follows the phase and the containers' states", "[unit]") {
  api::Pod p = pod("Pending");
  CHECK(api::pod_row(p, kNow) == std::vector<std::string>{"pi-abcde", "0/1", "Pending", "0",
                                                          "3m20s", "<none>", "<none>", "<none>",
                                                          "<none>"});
  p.status.container_statuses = {waiting("ContainerCreating")};
  CHECK(api::pod_status_reason(p) == "ContainerCreating");

  api::Pod run = pod("Running");
  run.status.container_statuses = {running(true)};
  run.status.pod_ip = "10.88.0.5";
  run.spec.node_name = "edge-1";
  CHECK(api::pod_row(run, kNow) == std::vector<std::string>{"pi-abcde", "1/1", "Running", "0",
                                                            "3m20s", "10.88.0.5", "edge-1",
                                                            "<none>", "<none>"});

  api::Pod done = pod("Succeeded");
  done.status.container_statuses = {terminated(0, "Completed")};
  CHECK(api::pod_status_reason(done) == "Completed");
  api::Pod failed = pod("Failed");
  failed.status.container_statuses = {terminated(1, "Error")};
  CHECK(api::pod_status_reason(failed) == "Error");
  failed.status.container_statuses = {terminated(137, "", 9)};
  CHECK(api::pod_status_reason(failed) == "Signal:9");
  failed.status.container_statuses = {terminated(3, "")};
  CHECK(api::pod_status_reason(failed) == "ExitCode:3");
  failed.status.reason = "DeadlineExceeded";
  failed.status.container_statuses.clear();
  CHECK(api::pod_status_reason(failed) == "DeadlineExceeded");
}

TEST_CASE("pod RESTARTS shows the latest previous termination's age", "[unit]") {
  api::Pod p = pod("Running");
  api::ContainerStatus s = waiting("CrashLoopBackOff");
  s.restart_count = 3;
  api::ContainerStateTerminated last;
  last.exit_code = 1;
  last.reason = "Error";
  last.finished_at = kNow - 90s;
  s.last_state.terminated = last;
  p.status.container_statuses = {s};
  const auto row = api::pod_row(p, kNow);
  CHECK(row[1] == "0/1");
  CHECK(row[2] == "CrashLoopBackOff");
  CHECK(row[3] == "3 (90s ago)");
}

TEST_CASE("pod STATUS while init containers run or fail", "[unit]") {
  api::Pod p = pod("Pending");
  p.spec.init_containers.resize(2);
  p.status.init_container_statuses = {terminated(0, "Completed"), waiting("PodInitializing")};
  CHECK(api::pod_status_reason(p) == "Init:1/2");
  p.status.init_container_statuses = {waiting("CrashLoopBackOff")};
  CHECK(api::pod_status_reason(p) == "Init:CrashLoopBackOff");
  p.status.init_container_statuses = {terminated(1, "Error")};
  CHECK(api::pod_status_reason(p) == "Init:Error");
  p.status.init_container_statuses = {terminated(2, "")};
  CHECK(api::pod_status_reason(p) == "Init:ExitCode:2");
  p.status.init_container_statuses = {terminated(0, "", 15)};
  CHECK(api::pod_status_reason(p) == "Pending");  // exit 0 counts as done, whatever the signal
}

TEST_CASE("pod STATUS: Completed with a running container, Terminating", "[unit]") {
  api::Pod p = pod("Running");
  p.spec.containers.resize(2);
  p.status.container_statuses = {running(true), terminated(0, "Completed")};
  CHECK(api::pod_status_reason(p) == "NotReady");
  p.status.conditions = {{"Ready", "True", std::nullopt, kNow, "", ""}};
  CHECK(api::pod_status_reason(p) == "Running");
  CHECK(api::pod_row(p, kNow)[1] == "1/2");

  p.metadata.deletion_timestamp = kNow;
  CHECK(api::pod_status_reason(p) == "Terminating");
  api::Pod done = pod("Succeeded");
  done.status.container_statuses = {terminated(0, "Completed")};
  done.metadata.deletion_timestamp = kNow;
  CHECK(api::pod_status_reason(done) == "Completed");
}

TEST_CASE("pod_table: columns, Completed row conditions, metadata objects", "[unit]") {
  api::Pod done = pod("Succeeded");
  done.status.container_statuses = {terminated(0, "Completed")};
  api::Pod run = pod("Running");
  const auto table = api::pod_table({&done, nullptr, &run}, kNow);
  REQUIRE(table["columnDefinitions"].size() == 9);
  std::vector<std::string> names;
  for (const auto& c : table["columnDefinitions"]) names.push_back(c["name"]);
  CHECK(names == std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "IP",
                                          "Node", "Nominated Node", "Readiness Gates"});
  CHECK(table["columnDefinitions"][5]["priority"] == 1);
  REQUIRE(table["rows"].size() == 2);
  CHECK(table["rows"][0]["conditions"] ==
        nlohmann::json::array({{{"type", "Completed"},
                                {"status", "True"},
                                {"message", "The pod has completed successfully."}}}));
  CHECK_FALSE(table["rows"][1].contains("conditions"));
  CHECK(table["rows"][1]["object"]["metadata"]["name"] == "pi-abcde");
}

TEST_CASE("a Pod encodes in Go field order with its status", "[unit]") {
  api::Pod p = pod("Failed");
  p.metadata.uid = "u1";
  p.spec.containers[0].image = "perl:5.34.0";
  p.spec.restart_policy = "Never";
  p.spec.node_name = "edge-1";
  p.status.host_ip = "192.168.1.2";
  p.status.pod_ip = "10.88.0.5";
  p.status.start_time = kNow - 100s;
  p.status.qos_class = "BestEffort";
  p.status.conditions = {{"Ready", "False", std::nullopt, kNow, "PodFailed", ""}};
  api::ContainerStatus s = terminated(1, "Error");
  s.state.terminated->started_at = kNow - 90s;
  s.state.terminated->finished_at = kNow - 10s;
  s.state.terminated->container_id = "batchlet://c1";
  s.image = "perl:5.34.0";
  s.image_id = "sha256:abc";
  s.container_id = "batchlet://c1";
  s.started = false;
  p.status.container_statuses = {s};
  CHECK(api::encode_pod(p).dump() ==
        R"({"kind":"Pod","apiVersion":"v1","metadata":{"name":"pi-abcde","namespace":"default",)"
        R"("uid":"u1","creationTimestamp":"2026-11-23T17:56:40Z"},"spec":{"containers":[{"name":)"
        R"("pi","image":"perl:5.34.0","resources":{}}],"restartPolicy":"Never","nodeName":)"
        R"("edge-1"},"status":{"phase":"Failed","conditions":[{"type":"Ready","status":"False",)"
        R"("lastProbeTime":null,"lastTransitionTime":"2026-11-23T18:00:00Z","reason":)"
        R"("PodFailed"}],"hostIP":"192.168.1.2","hostIPs":[{"ip":"192.168.1.2"}],"podIP":)"
        R"("10.88.0.5","podIPs":[{"ip":"10.88.0.5"}],"startTime":"2026-11-23T17:58:20Z",)"
        R"("containerStatuses":[{"name":"pi","state":{"terminated":{"exitCode":1,"reason":)"
        R"("Error","startedAt":"2026-11-23T17:58:30Z","finishedAt":"2026-11-23T17:59:50Z",)"
        R"("containerID":"batchlet://c1"}},"lastState":{},"ready":false,"restartCount":0,)"
        R"("image":"perl:5.34.0","imageID":"sha256:abc","containerID":"batchlet://c1",)"
        R"("started":false}],"qosClass":"BestEffort"}})");
}
