// ttlSecondsAfterFinished (spec §4.18) against a real `batchlet serve`: the finished Job, its
// pods, their logs, state directories and cgroups are gone within 5 s of the expiry, also when
// the agent was killed and restarted in between.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "api/rfc3339.hpp"
#include "cli_harness.hpp"
#include "serve_harness.hpp"
#include "stored_objects.hpp"

using namespace cli_test;
using Clock = std::chrono::system_clock;

namespace {

std::string ttl_job(const std::string& name, int ttl) {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name +
         "\nspec:\n  ttlSecondsAfterFinished: " + std::to_string(ttl) +
         "\n  completions: 2\n  parallelism: 2\n  template:\n    spec:\n"
         "      restartPolicy: Never\n      containers:\n      - name: main\n"
         "        image: batchlet.local/host\n        command: [\"echo\", \"done\"]\n";
}

// When the stored job finished (its Complete condition), once it has.
std::optional<Clock::time_point> finished_at(const fs::path& state) {
  for (const auto& job : stored_objects(state, "jobs.batch")) {
    if (const auto* c = true_condition(job, "Complete")) {
      return api::parse_time((*c)["lastTransitionTime"].get<std::string>());
    }
  }
  return std::nullopt;
}

bool empty_dir(const fs::path& dir) { return !fs::exists(dir) || fs::is_empty(dir); }

// Nothing of the job is left: objects, pod state, logs, pod cgroups.
void check_all_gone(const fs::path& state, const std::string& tree) {
  CHECK(stored_objects(state, "jobs.batch").empty());
  CHECK(stored_objects(state, "pods").empty());
  CHECK(empty_dir(state / "pods"));
  CHECK(empty_dir(state / "logs"));
  const fs::path cgroups = fs::path("/sys/fs/cgroup/unified") / tree;
  if (fs::exists(cgroups)) {
    for (const auto& job_cg : fs::directory_iterator(cgroups)) {
      if (!job_cg.is_directory() || job_cg.path().filename() == "agent") continue;
      for (const auto& pod_cg : fs::directory_iterator(job_cg.path())) {
        CHECK_FALSE(pod_cg.is_directory());
      }
    }
  }
}

void stop(runtime::HostProcess& serve, int signal) {
  REQUIRE(serve.child.signal_group(signal).ok());
  REQUIRE(serve.child.wait().ok());
}

}  // namespace

TEST_CASE("ttlSecondsAfterFinished 2 deletes the job, its pods, logs and cgroups in time",
          "[integration][root]") {
  TempDir dir;
  const fs::path state = dir.path / "state";
  fs::create_directories(state);
  std::mt19937_64 rng(5);
  put_job(state, ttl_job("ttl", 2), rng);
  const std::string tree = "batchlet-ttl-test-" + std::to_string(::getpid());
  runtime::HostProcess serve = start_serve(state, tree);

  std::optional<Clock::time_point> finished;
  REQUIRE(wait_until([&] { return (finished = finished_at(state)).has_value(); },
                     std::chrono::seconds(30)));
  CHECK_FALSE(stored_objects(state, "pods").empty());  // kept until the TTL runs out
  REQUIRE(wait_until([&] { return stored_objects(state, "jobs.batch").empty(); },
                     std::chrono::seconds(15)));
  const auto gone = Clock::now();
  // The condition time has second precision: the job finished within 1 s after it.
  CHECK(gone - *finished >= std::chrono::seconds(1));
  CHECK(gone - *finished < std::chrono::seconds(2 + 5));
  check_all_gone(state, tree);
  stop(serve, SIGTERM);
  remove_cgroup_tree(tree);
}

TEST_CASE("ttlSecondsAfterFinished holds across an agent restart", "[integration][root]") {
  TempDir dir;
  const fs::path state = dir.path / "state";
  fs::create_directories(state);
  std::mt19937_64 rng(6);
  put_job(state, ttl_job("ttl-restart", 3), rng);
  const std::string tree = "batchlet-ttl-restart-test-" + std::to_string(::getpid());
  runtime::HostProcess serve = start_serve(state, tree);
  std::optional<Clock::time_point> finished;
  REQUIRE(wait_until([&] { return (finished = finished_at(state)).has_value(); },
                     std::chrono::seconds(30)));
  stop(serve, SIGKILL);  // the agent dies with the TTL running
  CHECK(stored_objects(state, "jobs.batch").size() == 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  runtime::HostProcess again = start_serve(state, tree);
  REQUIRE(wait_until([&] { return stored_objects(state, "jobs.batch").empty(); },
                     std::chrono::seconds(15)));
  CHECK(Clock::now() - *finished < std::chrono::seconds(3 + 5));
  check_all_gone(state, tree);
  stop(again, SIGTERM);
  remove_cgroup_tree(tree);
}
