// The Job scenarios of spec §10 end to end through `batchlet run`: real processes, the real
// store (--state-dir, inspected afterwards), real timing of the pod-recreation backoff.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "agent/store.hpp"
#include "api/rfc3339.hpp"
#include "cli_harness.hpp"
#include "stored_objects.hpp"

using namespace cli_test;

namespace {

const std::string kData = "tests/cli/testdata/";

base::TimePoint started_at(const nlohmann::json& pod) {
  const auto& state = pod["status"]["containerStatuses"][0]["state"];
  const auto& s = state.contains("terminated") ? state["terminated"] : state["running"];
  auto t = api::parse_time(s["startedAt"].get<std::string>());
  REQUIRE(t);
  return *t;
}

}  // namespace

TEST_CASE("a failing job with backoffLimit 2: 3 pods, 10 s and 20 s apart, BackoffLimitExceeded",
          "[integration]") {
  TempDir dir;
  const Output o = run({BATCHLET_BINARY, "run", "--state-dir", (dir.path / "state").string(), "-f",
                        kData + "backoff-fail.yaml"});
  CHECK(o.exit_code == 1);
  CHECK(lines(o.err).back().rfind("job.batch/fail Failed (BackoffLimitExceeded: Job has reached "
                                  "the specified backoff limit): succeeded 0, failed 3",
                                  0) == 0);
  CHECK(o.err.find("job.batch/fail: back-off 10s before the next pod") != std::string::npos);
  CHECK(o.err.find("job.batch/fail: back-off 20s before the next pod") != std::string::npos);
  auto pods = stored_objects(dir.path / "state", "pods");
  REQUIRE(pods.size() == 3);
  std::vector<base::TimePoint> starts;
  for (const auto& p : pods) {
    CHECK(p["status"]["phase"] == "Failed");
    starts.push_back(started_at(p));
  }
  std::sort(starts.begin(), starts.end());
  CHECK(starts[1] - starts[0] >= std::chrono::seconds(10));
  CHECK(starts[2] - starts[1] >= std::chrono::seconds(20));
}

TEST_CASE("OnFailure with an emptyDir: one in-place restart, then Complete", "[integration]") {
  TempDir dir;
  const Output o = run({BATCHLET_BINARY, "run", "--logs", "--state-dir",
                        (dir.path / "state").string(), "-f", kData + "fail-once.yaml"});
  CHECK(o.exit_code == 0);
  CHECK(o.out == "first run\nsecond run\n");
  auto pods = stored_objects(dir.path / "state", "pods");
  REQUIRE(pods.size() == 1);
  CHECK(pods[0]["status"]["phase"] == "Succeeded");
  CHECK(pods[0]["status"]["containerStatuses"][0]["restartCount"] == 1);
  CHECK(pods[0]["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] == 1);
  auto jobs = stored_objects(dir.path / "state", "jobs.batch");
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["status"]["succeeded"] == 1);
  CHECK(jobs[0]["status"]["conditions"][1]["type"] == "Complete");
}

TEST_CASE("activeDeadlineSeconds 2 on a long sleep: Failed DeadlineExceeded, nothing left running",
          "[integration]") {
  TempDir dir;
  const auto begin = std::chrono::steady_clock::now();
  const Output o = run({BATCHLET_BINARY, "run", "--state-dir", (dir.path / "state").string(), "-f",
                        kData + "deadline.yaml"});
  const auto took = std::chrono::steady_clock::now() - begin;
  CHECK(o.exit_code == 1);
  CHECK(lines(o.err).back().rfind("job.batch/deadline Failed (DeadlineExceeded: Job was active "
                                  "longer than specified deadline)",
                                  0) == 0);
  CHECK(took < std::chrono::seconds(5));
  auto pods = stored_objects(dir.path / "state", "pods");
  for (const auto& p : pods) {
    CHECK((p["status"]["phase"] == "Failed" || p["metadata"].contains("deletionTimestamp")));
  }
  // No sleep of this test survives: the shim's recorded pid is gone.
  const Output ps = run({"pgrep", "-f", "^sleep 60.123$"});
  CHECK(ps.out.empty());
}

TEST_CASE("Indexed P=2 C=4: indexes 0-3, hostnames <job>-<i>, completedIndexes 0-3",
          "[integration]") {
  TempDir dir;
  const Output o = run({BATCHLET_BINARY, "run", "--logs", "--state-dir",
                        (dir.path / "state").string(), "-f", kData + "indexed.yaml"});
  CHECK(o.exit_code == 0);
  auto out = lines(o.out);
  std::sort(out.begin(), out.end());
  CHECK(out == std::vector<std::string>{"index=0 host=idx-0", "index=1 host=idx-1",
                                        "index=2 host=idx-2", "index=3 host=idx-3"});
  auto jobs = stored_objects(dir.path / "state", "jobs.batch");
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0]["status"]["completedIndexes"] == "0-3");
  CHECK(jobs[0]["status"]["succeeded"] == 4);
}

TEST_CASE("a hostPath of type Directory that is missing: FailedMount, the pod waits",
          "[integration]") {
  TempDir dir;
  const std::string missing = (dir.path / "missing").string();
  const std::string file = dir.write("mount.yaml", R"(apiVersion: batch/v1
kind: Job
metadata:
  name: mount
spec:
  activeDeadlineSeconds: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: c
        image: batchlet.local/host
        command: ["true"]
        volumeMounts:
        - name: data
          mountPath: /mnt
      volumes:
      - name: data
        hostPath:
          path: )" + missing + R"(
          type: Directory
)");
  const Output o =
      run({BATCHLET_BINARY, "run", "--state-dir", (dir.path / "state").string(), "-f", file});
  CHECK(o.exit_code == 1);
  CHECK(lines(o.err).back().rfind("job.batch/mount Failed (DeadlineExceeded", 0) == 0);
  bool failed_mount = false;
  for (const auto& e : stored_objects(dir.path / "state", "events")) {
    failed_mount =
        failed_mount || (e["reason"] == "FailedMount" &&
                         e["message"] ==
                             "MountVolume.SetUp failed for volume \"data\" : hostPath type "
                             "check failed: " +
                                 missing + " is not a directory");
  }
  CHECK(failed_mount);
  CHECK(o.err.find("container c started") == std::string::npos);
  CHECK_FALSE(fs::exists(missing));
}

TEST_CASE("a pod stopped by its own deadline while the Job's deadline deletes it: the run ends",
          "[integration]") {
  TempDir dir;
  const std::string file = dir.write("deadlines.yaml", R"(apiVersion: batch/v1
kind: Job
metadata:
  name: both-deadlines
spec:
  activeDeadlineSeconds: 3
  template:
    spec:
      activeDeadlineSeconds: 1
      terminationGracePeriodSeconds: 10
      restartPolicy: Never
      containers:
      - name: c
        image: batchlet.local/host
        command: ["sh", "-c", "echo started; sleep 6"]
)");
  // A regression left the pod's deletion unfinished and the run waiting for it forever.
  const Output o = run({"/usr/bin/timeout", "-s", "KILL", "60", BATCHLET_BINARY, "run",
                        "--state-dir", (dir.path / "state").string(), "-f", file});
  CHECK(o.exit_code == 1);
  CHECK(lines(o.err).back().rfind("job.batch/both-deadlines Failed (DeadlineExceeded", 0) == 0);
  CHECK(stored_objects(dir.path / "state", "pods").empty());  // deleted, not stuck
}
