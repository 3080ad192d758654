// The durability promise under fire (issue 8): 20 Jobs x 10 completions whose pods exit at
// random, while `batchlet serve` is killed with SIGKILL 10 times at random moments and started
// again. At the end every Job has exactly the right counts, no pod's container ran twice
// (restartPolicy Never: one run per pod), and nothing is left running.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli_harness.hpp"
#include "serve_harness.hpp"
#include "stored_objects.hpp"

using namespace cli_test;

namespace {

constexpr int kJobs = 20;
constexpr int kCompletions = 10;
constexpr int kKills = 10;

std::string job_yaml(int i, const fs::path& runs) {
  // Each run appends its exit code to runs/<pod uid>: one line per container run.
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: crash-" + std::to_string(i) +
         "\nspec:\n  completions: " + std::to_string(kCompletions) +
         "\n  parallelism: 3\n  backoffLimit: 1000\n  template:\n    spec:\n"
         "      restartPolicy: Never\n      terminationGracePeriodSeconds: 1\n"
         "      containers:\n      - name: main\n        image: batchlet.local/host\n"
         "        command: [\"sh\", \"-c\", \"c=$(( $(od -An -N1 -tu1 /dev/urandom) % 3 == 0 )); "
         "sleep 0.$(( $(od -An -N1 -tu1 /dev/urandom) % 5 )); echo $c >> /mnt/$POD_UID; "
         "exit $c\"]\n"
         "        env:\n        - name: POD_UID\n          valueFrom:\n            fieldRef:\n"
         "              fieldPath: metadata.uid\n"
         "        volumeMounts:\n        - name: runs\n          mountPath: /mnt\n"
         "      volumes:\n      - name: runs\n        hostPath:\n          path: " +
         runs.string() + "\n";
}

void put_jobs(const fs::path& state, const fs::path& runs) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < kJobs; ++i) put_job(state, job_yaml(i, runs), rng);
}

bool all_finished(const fs::path& state) {
  const auto jobs = stored_objects(state, "jobs.batch");
  return std::all_of(jobs.begin(), jobs.end(), job_finished);
}

}  // namespace

TEST_CASE("20 jobs x 10 pods survive 10 SIGKILLs of the agent with exact counts",
          "[integration][root]") {
  TempDir dir;
  const fs::path state = dir.path / "state";
  const fs::path runs = dir.path / "runs";
  fs::create_directories(runs);
  fs::create_directories(state);
  put_jobs(state, runs);
  const std::string tree = "batchlet-crash-test-" + std::to_string(::getpid());

  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(200, 1500);
  for (int kill = 0; kill < kKills; ++kill) {
    runtime::HostProcess serve = start_serve(state, tree);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    REQUIRE(serve.child.signal_group(SIGKILL).ok());
    REQUIRE(serve.child.wait().ok());
  }
  runtime::HostProcess serve = start_serve(state, tree);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(4);
  while (!all_finished(state) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  REQUIRE(all_finished(state));
  // Let the last pod workers settle, then stop the agent the polite way.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  REQUIRE(serve.child.signal_group(SIGTERM).ok());
  REQUIRE(serve.child.wait().ok());

  std::map<std::string, int> pods_per_job_succeeded;
  std::map<std::string, int> pods_per_job_failed;
  std::map<std::string, std::string> job_of_pod;
  std::map<std::string, std::string> reason_of_pod;  // the container's terminated reason
  for (const auto& pod : stored_objects(state, "pods")) {
    const std::string job = pod["metadata"]["labels"]["job-name"];
    const std::string phase = pod["status"].value("phase", "");
    CHECK((phase == "Succeeded" || phase == "Failed"));
    (phase == "Succeeded" ? pods_per_job_succeeded : pods_per_job_failed)[job]++;
    job_of_pod[pod["metadata"]["uid"]] = job;
    reason_of_pod[pod["metadata"]["uid"]] =
        pod["status"]["containerStatuses"][0]["state"]["terminated"].value("reason", "");
  }
  for (const auto& job : stored_objects(state, "jobs.batch")) {
    const std::string name = job["metadata"]["name"];
    INFO(name);
    CHECK(job["status"]["succeeded"] == kCompletions);
    CHECK(pods_per_job_succeeded[name] == kCompletions);
    CHECK(job["status"].value("failed", 0) == pods_per_job_failed[name]);
    CHECK(job["status"].value("active", 0) == 0);
  }
  // One container run per pod: every runs/<pod uid> file has exactly one line.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(runs)) {
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int count = 0;
    while (std::getline(in, line)) ++count;
    INFO(entry.path().filename().string());
    CHECK(count == 1);
    CHECK(job_of_pod.count(entry.path().filename().string()) == 1);
  }
  // A pod without a run file ended before its command wrote (or never started while the agent
  // was being killed): it may only have failed, and is counted as failed above.
  int without_run = 0;
  for (const auto& [uid, reason] : reason_of_pod) {
    if (fs::exists(runs / uid)) continue;
    ++without_run;
    CHECK(reason != "Completed");
  }
  if (without_run > 0) WARN(without_run << " failed pods ended before their command wrote");
  CHECK(files <= static_cast<int>(job_of_pod.size()));
  // Nothing left running: no cgroup of the tree holds a process.
  const fs::path cgroup_root = fs::path("/sys/fs/cgroup/unified") / tree;
  if (fs::exists(cgroup_root)) {
    for (const auto& entry : fs::recursive_directory_iterator(cgroup_root)) {
      if (entry.path().filename() != "cgroup.procs") continue;
      std::ifstream procs(entry.path());
      std::string pid;
      CHECK_FALSE(std::getline(procs, pid));
    }
    // Leave the machine as it was.
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::recursive_directory_iterator(cgroup_root)) {
      if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.rbegin(), dirs.rend());
    for (const auto& d : dirs) ::rmdir(d.c_str());
    ::rmdir(cgroup_root.c_str());
  }
}
