// The podFailurePolicy, successPolicy and backoffLimitPerIndex scenarios of spec §9 (2, 3, 10,
// 11, 12, 13, 14, 16) end to end through `batchlet run`: real containers on the host image, the
// real store inspected afterwards, real per-index backoff.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_harness.hpp"
#include "stored_objects.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

struct Finished {
  Output output;
  json job;
  std::vector<json> pods;
};

// Runs the Job `spec_yaml` (indented under `spec:`) with one container `c` running `script`.
Finished run_job(const TempDir& dir, const std::string& name, const std::string& spec_yaml,
                 const std::string& script, const std::string& volumes = "") {
  std::string yaml = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\nspec:\n" +
                     spec_yaml +
                     "  template:\n    spec:\n      restartPolicy: Never\n"
                     "      terminationGracePeriodSeconds: 1\n      containers:\n"
                     "      - name: c\n        image: batchlet.local/host\n"
                     "        command: [\"sh\", \"-c\", \"" +
                     script + "\"]\n" + volumes;
  const std::string file = dir.write(name + ".yaml", yaml);
  Finished f;
  f.output =
      run({BATCHLET_BINARY, "run", "--state-dir", (dir.path / "state").string(), "-f", file});
  const auto jobs = stored_objects(dir.path / "state", "jobs.batch");
  REQUIRE(jobs.size() == 1);
  f.job = jobs[0];
  f.pods = stored_objects(dir.path / "state", "pods");
  return f;
}

std::vector<std::string> conditions(const json& job) {
  std::vector<std::string> out;
  for (const auto& c : job["status"]["conditions"]) {
    out.push_back(c["type"].get<std::string>() + "/" + c["reason"].get<std::string>());
  }
  return out;
}

// A status counter; upstream omits the zero ones (omitempty).
int count(const json& job, const std::string& key) { return job["status"].value(key, 0); }

std::string annotation(const json& pod, const std::string& key) {
  const auto& a = pod["metadata"]["annotations"];
  return a.contains(key) ? a[key].get<std::string>() : "-";
}

const std::string kFailOddSucceedEven = "exit $(( JOB_COMPLETION_INDEX % 2 ))";

}  // namespace

TEST_CASE("scenario 2: FailJob on exit code 1 fails the job early (PodFailurePolicy)",
          "[integration]") {
  TempDir dir;
  const auto f = run_job(dir, "fail-job",
                         "  parallelism: 2\n  completions: 4\n  backoffLimit: 6\n"
                         "  podFailurePolicy:\n    rules:\n    - action: FailJob\n"
                         "      onExitCodes:\n        operator: In\n        values: [1]\n",
                         "exit 1");
  CHECK(f.output.exit_code == 1);
  CHECK(conditions(f.job) ==
        std::vector<std::string>{"FailureTarget/PodFailurePolicy", "Failed/PodFailurePolicy"});
  const std::string message = f.job["status"]["conditions"][1]["message"];
  CHECK(message.rfind("Container c for pod default/fail-job-", 0) == 0);
  CHECK(message.ends_with(" failed with exit code 1 matching FailJob rule at index 0"));
  CHECK(lines(f.output.err)
            .back()
            .rfind("job.batch/fail-job Failed (PodFailurePolicy: " + message, 0) == 0);
  CHECK(f.pods.size() == 2);  // never replaced
}

TEST_CASE("scenario 3: Ignore on exit code 42, each failed index is replaced and not counted",
          "[integration]") {
  TempDir dir;
  // backoffLimit 0: a single counted failure would fail the job. Index 0 fails once with 42.
  const auto f = run_job(
      dir, "ignore",
      "  completionMode: Indexed\n  parallelism: 2\n  completions: 2\n  backoffLimit: 0\n"
      "  podFailurePolicy:\n    rules:\n    - action: Ignore\n"
      "      onExitCodes:\n        operator: In\n        values: [42]\n",
      "if [ $JOB_COMPLETION_INDEX = 0 ] && [ ! -e /mnt/foo ]; then touch /mnt/foo; exit 42; fi",
      "        volumeMounts:\n        - name: data\n          mountPath: /mnt\n"
      "      volumes:\n      - name: data\n        hostPath:\n          path: " +
          (dir.path / "data").string() + "\n          type: DirectoryOrCreate\n");
  CHECK(f.output.exit_code == 0);
  CHECK(conditions(f.job).back() == "Complete/CompletionsReached");
  CHECK(count(f.job, "succeeded") == 2);
  CHECK(count(f.job, "failed") == 0);
  CHECK(f.pods.size() == 3);
}

TEST_CASE("scenarios 10, 11 and 12: successPolicy, Complete with reason SuccessPolicy",
          "[integration]") {
  TempDir dir;
  SECTION("succeededCount 2 when all indexes succeed") {
    const auto f = run_job(dir, "all",
                           "  completionMode: Indexed\n  parallelism: 2\n  completions: 2\n"
                           "  successPolicy:\n    rules:\n    - succeededCount: 2\n",
                           "exit 0");
    CHECK(f.output.exit_code == 0);
    CHECK(conditions(f.job) ==
          std::vector<std::string>{"SuccessCriteriaMet/SuccessPolicy", "Complete/SuccessPolicy"});
    CHECK(f.job["status"]["conditions"][1]["message"] == "Matched rules at index 0");
    CHECK(count(f.job, "succeeded") == 2);
    CHECK(count(f.job, "failed") == 0);
    CHECK(count(f.job, "active") == 0);
    CHECK(count(f.job, "terminating") == 0);
  }
  SECTION("scenarios 11 and 12: met by index 0 while other indexes remain pending") {
    // Scenario 11: succeededIndexes "0"; scenario 12: succeededCount 1 (backoffLimit MaxInt32).
    const std::string rule = GENERATE(as<std::string>{}, "    - succeededIndexes: '0'\n",
                                      "    - succeededCount: 1\n  backoffLimit: 2147483647\n");
    const auto f = run_job(dir, "some",
                           "  completionMode: Indexed\n  parallelism: 2\n  completions: 5\n"
                           "  successPolicy:\n    rules:\n" +
                               rule,
                           kFailOddSucceedEven);
    CHECK(f.output.exit_code == 0);
    CHECK(conditions(f.job) ==
          std::vector<std::string>{"SuccessCriteriaMet/SuccessPolicy", "Complete/SuccessPolicy"});
    CHECK(f.job["status"]["completedIndexes"] == "0");
    CHECK(count(f.job, "succeeded") == 1);
    CHECK(count(f.job, "active") == 0);
    CHECK(count(f.job, "ready") == 0);
    CHECK(count(f.job, "terminating") == 0);
  }
}

TEST_CASE("scenario 13: backoffLimitPerIndex runs every index, failed indexes retried once",
          "[integration]") {
  TempDir dir;
  const auto f = run_job(dir, "per-index",
                         "  completionMode: Indexed\n  parallelism: 2\n  completions: 4\n"
                         "  backoffLimitPerIndex: 1\n",
                         kFailOddSucceedEven);
  CHECK(f.output.exit_code == 1);
  CHECK(conditions(f.job) ==
        std::vector<std::string>{"FailureTarget/FailedIndexes", "Failed/FailedIndexes"});
  CHECK(f.job["status"]["failedIndexes"] == "1,3");
  CHECK(f.job["status"]["completedIndexes"] == "0,2");
  CHECK(count(f.job, "failed") == 4);
  CHECK(count(f.job, "succeeded") == 2);
  // Per index, the pods carried failure counts 0 then 1 (spec §9 scenario 15's tracker).
  std::map<std::string, std::multiset<std::string>> counts;
  for (const auto& p : f.pods) {
    counts[annotation(p, "batch.kubernetes.io/job-completion-index")].insert(
        annotation(p, "batch.kubernetes.io/job-index-failure-count"));
  }
  CHECK(counts == std::map<std::string, std::multiset<std::string>>{
                      {"0", {"0"}}, {"1", {"0", "1"}}, {"2", {"0"}}, {"3", {"0", "1"}}});
}

TEST_CASE("scenario 14: maxFailedIndexes 0 stops the job after the first failed index",
          "[integration]") {
  TempDir dir;
  const auto f = run_job(dir, "max-failed",
                         "  completionMode: Indexed\n  parallelism: 1\n  completions: 4\n"
                         "  backoffLimitPerIndex: 0\n  maxFailedIndexes: 0\n",
                         "exit 1");
  CHECK(f.output.exit_code == 1);
  CHECK(conditions(f.job).back() == "Failed/MaxFailedIndexesExceeded");
  CHECK(f.job["status"]["failedIndexes"] == "0");
  CHECK(count(f.job, "failed") == 1);
  CHECK(f.pods.size() == 1);
}

TEST_CASE("scenario 16: FailIndex marks index 1 failed without a retry", "[integration]") {
  TempDir dir;
  const auto f = run_job(dir, "fail-index",
                         "  completionMode: Indexed\n  parallelism: 2\n  completions: 2\n"
                         "  backoffLimitPerIndex: 1\n"
                         "  podFailurePolicy:\n    rules:\n    - action: FailIndex\n"
                         "      onExitCodes:\n        operator: In\n        values: [1]\n",
                         kFailOddSucceedEven);
  CHECK(f.output.exit_code == 1);
  CHECK(conditions(f.job).back() == "Failed/FailedIndexes");
  CHECK(f.job["status"]["failedIndexes"] == "1");
  CHECK(f.job["status"]["completedIndexes"] == "0");
  CHECK(count(f.job, "failed") == 1);
  CHECK(count(f.job, "succeeded") == 1);
  CHECK(f.pods.size() == 2);
}
