// Exec readiness probes across an agent restart (issue 9, spec §11 item 6): the next agent
// adopts the running container and goes on probing it (reading its runtime spec from the
// container's state directory), so readiness follows the probe without the container being
// restarted.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"
#include "serve_harness.hpp"
#include "stored_objects.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

// The single pod's Ready condition status and the container's restart count, as stored.
std::string pod_readiness(const fs::path& state) {
  const auto pods = stored_objects(state, "pods");
  if (pods.size() != 1) return "pods: " + std::to_string(pods.size());
  const json& status = pods[0]["status"];
  std::string ready = "none";
  for (const auto& c : status.value("conditions", json::array())) {
    if (c["type"] == "Ready") ready = c["status"].get<std::string>();
  }
  const json& containers = status.value("containerStatuses", json::array());
  const int restarts = containers.empty() ? -1 : containers[0].value("restartCount", 0);
  return status.value("phase", "") + "/" + ready + "/" + std::to_string(restarts);
}

}  // namespace

TEST_CASE("an adopted container goes on being probed after an agent restart",
          "[integration][root]") {
  TempDir dir;
  const fs::path state = dir.path / "state";
  const fs::path marks = dir.path / "marks";
  fs::create_directories(state);
  fs::create_directories(marks);
  std::ofstream(marks / "ready") << "yes\n";
  const std::string yaml =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: probed\nspec:\n  backoffLimit: 0\n"
      "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n"
      "        image: batchlet.local/host\n"
      "        command: [\"sh\", \"-c\", \"while [ ! -e /mnt/done ]; do sleep 0.1; done\"]\n"
      "        volumeMounts: [{name: m, mountPath: /mnt}]\n"
      "        readinessProbe:\n          exec: {command: [cat, /mnt/ready]}\n"
      "          periodSeconds: 1\n          failureThreshold: 1\n"
      "      volumes: [{name: m, hostPath: {path: " +
      marks.string() + "}}]\n";
  std::mt19937_64 rng(5);
  put_job(state, yaml, rng);
  const std::string tree = "batchlet-probe-test-" + std::to_string(::getpid());

  runtime::HostProcess first = start_serve(state, tree);
  CHECK(wait_until([&] { return pod_readiness(state) == "Running/True/0"; },
                   std::chrono::seconds(30)));
  REQUIRE(first.child.signal_group(SIGKILL).ok());
  REQUIRE(first.child.wait().ok());

  // While no agent runs, the probe's file goes: the next agent's probes must notice.
  fs::remove(marks / "ready");
  runtime::HostProcess second = start_serve(state, tree);
  CHECK(wait_until([&] { return pod_readiness(state) == "Running/False/0"; },
                   std::chrono::seconds(30)));
  std::ofstream(marks / "ready") << "yes\n";
  CHECK(wait_until([&] { return pod_readiness(state) == "Running/True/0"; },
                   std::chrono::seconds(30)));
  std::ofstream(marks / "done") << "";
  CHECK(wait_until(
      [&] {
        const auto jobs = stored_objects(state, "jobs.batch");
        return jobs.size() == 1 && true_condition(jobs[0], "Complete") != nullptr;
      },
      std::chrono::seconds(30)));
  INFO(pod_readiness(state));
  REQUIRE(second.child.signal_group(SIGTERM).ok());
  REQUIRE(second.child.wait().ok());
  remove_cgroup_tree(tree);
}
