// `batchlet serve --evict-on-shutdown` (issue 9, spec §4.13 onPodConditions): on SIGTERM the
// running pod is stopped as a node shutdown does — Failed, reason Terminated, condition
// DisruptionTarget/TerminationByKubelet — and a podFailurePolicy that ignores DisruptionTarget
// has the next agent replace it without counting a failure.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_harness.hpp"
#include "serve_harness.hpp"
#include "stored_objects.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

bool pod_running(const fs::path& state) {
  for (const auto& p : stored_objects(state, "pods")) {
    if (p["status"].value("phase", "") == "Running") return true;
  }
  return false;
}

std::optional<json> finished_job(const fs::path& state) {
  for (const auto& job : stored_objects(state, "jobs.batch")) {
    if (job_finished(job)) return job;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("serve --evict-on-shutdown ends running pods with DisruptionTarget",
          "[integration][root]") {
  TempDir dir;
  const fs::path state = dir.path / "state";
  const fs::path markers = dir.path / "markers";
  fs::create_directories(state);
  fs::create_directories(markers);
  // The first run leaves a marker and runs until stopped; the next one succeeds.
  const std::string yaml =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: shutdown\nspec:\n  backoffLimit: 0\n"
      "  podFailurePolicy:\n    rules:\n    - action: Ignore\n      onPodConditions:\n"
      "      - type: DisruptionTarget\n  template:\n    spec:\n      restartPolicy: Never\n"
      "      terminationGracePeriodSeconds: 5\n      containers:\n      - name: c\n"
      "        image: batchlet.local/host\n"
      "        command: [\"sh\", \"-c\", \"if [ -e /mnt/m ]; then exit 0; fi; touch /mnt/m; "
      "trap 'exit 143' TERM; while true; do sleep 0.1; done\"]\n"
      "        volumeMounts:\n        - name: m\n          mountPath: /mnt\n"
      "      volumes:\n      - name: m\n        hostPath:\n          path: " +
      markers.string() + "\n";
  std::mt19937_64 rng(7);
  put_job(state, yaml, rng);
  const std::string tree = "batchlet-evict-test-" + std::to_string(::getpid());

  runtime::HostProcess serve = start_serve(state, tree, {"--evict-on-shutdown"});
  REQUIRE(wait_until([&] { return pod_running(state); }, std::chrono::seconds(30)));
  REQUIRE(serve.child.signal_group(SIGTERM).ok());
  REQUIRE(serve.child.wait().ok());

  auto pods = stored_objects(state, "pods");
  REQUIRE(pods.size() == 1);
  const json& status = pods[0]["status"];
  CHECK(status["phase"] == "Failed");
  CHECK(status["reason"] == "Terminated");
  CHECK(status["message"] == "Pod was terminated in response to imminent node shutdown.");
  bool disruption = false;
  for (const auto& c : status["conditions"]) {
    disruption = disruption || (c["type"] == "DisruptionTarget" && c["status"] == "True" &&
                                c["reason"] == "TerminationByKubelet");
  }
  CHECK(disruption);
  CHECK(status["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 143);

  // The next agent counts nothing (Ignore) and runs a replacement, which succeeds.
  runtime::HostProcess again = start_serve(state, tree);
  std::optional<json> job;
  REQUIRE(wait_until([&] { return (job = finished_job(state)).has_value(); },
                     std::chrono::seconds(60)));
  CHECK((*job)["status"]["conditions"].back()["type"] == "Complete");
  CHECK((*job)["status"].value("failed", 0) == 0);
  CHECK((*job)["status"]["succeeded"] == 1);
  REQUIRE(again.child.signal_group(SIGTERM).ok());
  REQUIRE(again.child.wait().ok());
  remove_cgroup_tree(tree);
}
