#include "agent/local_run.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "base/unique_fd.hpp"

using namespace std::chrono_literals;

namespace {

struct Recorder final : runtime::OutputSink {
  std::string out;
  std::vector<std::string> progress;
  void write(runtime::Stream stream, std::string_view data) override {
    if (stream == runtime::Stream::out) out.append(data);
  }
};

api::Job host_job(std::vector<std::string> command, std::string restart_policy, int backoff_limit) {
  api::Job j;
  j.metadata.name = "t";
  j.spec.parallelism = 1;
  j.spec.completions = 1;
  j.spec.backoff_limit = backoff_limit;
  j.spec.template_.spec.restart_policy = std::move(restart_policy);
  j.spec.template_.spec.termination_grace_period_seconds = 1;
  api::Container c;
  c.name = "c";
  c.image = "batchlet.local/host";
  c.command = std::move(command);
  j.spec.template_.spec.containers.push_back(c);
  return j;
}

base::Result<api::Job> run(const api::Job& job, Recorder& rec, int cancel_fd = -1) {
  base::RealClock clock;
  agent::ProgressFn progress = [&](std::string_view line) { rec.progress.emplace_back(line); };
  return agent::run_job_locally(job, clock, rec, progress, cancel_fd);
}

}  // namespace

TEST_CASE("a succeeding pod completes the job and its output is forwarded", "[integration]") {
  Recorder rec;
  auto done = run(host_job({"sh", "-c", "echo hello from the pod"}, "Never", 0), rec);
  REQUIRE(done.ok());
  CHECK(done->status.true_condition("Complete") != nullptr);
  CHECK(done->status.succeeded == 1);
  CHECK(rec.out == "hello from the pod\n");
  REQUIRE(rec.progress.size() == 3);
  CHECK(rec.progress[0].rfind("pod/t-", 0) == 0);
  CHECK(rec.progress[2].find(": container c terminated: Completed (exit code 0)") !=
        std::string::npos);
}

TEST_CASE("a command that does not exist is a StartError failure", "[integration]") {
  Recorder rec;
  auto done = run(host_job({"no-such-binary-x"}, "Never", 0), rec);
  REQUIRE(done.ok());
  CHECK(done->status.failed == 1);
  CHECK(done->status.true_condition("Failed") != nullptr);
  bool reported = false;
  for (const auto& line : rec.progress) {
    reported =
        reported || line.find(
                        "terminated: StartError: exec: \"no-such-binary-x\": "
                        "executable file not found in $PATH (exit code 128)") != std::string::npos;
  }
  CHECK(reported);
}

TEST_CASE("OnFailure restarts the container in place until it succeeds", "[integration]") {
  Recorder rec;
  const std::string marker = "/tmp/batchlet-onfailure-" + std::to_string(::getpid());
  std::remove(marker.c_str());
  auto done = run(host_job({"sh", "-c",
                            "if [ -e " + marker + " ]; then echo second; else touch " + marker +
                                "; echo first; exit 1; fi"},
                           "OnFailure", 6),
                  rec);
  std::remove(marker.c_str());
  REQUIRE(done.ok());
  CHECK(done->status.succeeded == 1);
  CHECK(done->status.failed == 0);
  CHECK(rec.out == "first\nsecond\n");
}

TEST_CASE("activeDeadlineSeconds stops a running pod and fails the job", "[integration]") {
  Recorder rec;
  auto job = host_job({"sleep", "30"}, "Never", 6);
  job.spec.active_deadline_seconds = 1;
  const auto start = std::chrono::steady_clock::now();
  auto done = run(job, rec);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(done.ok());
  const auto* failed = done->status.true_condition("Failed");
  REQUIRE(failed != nullptr);
  CHECK(failed->reason == "DeadlineExceeded");
  CHECK(done->status.failed == 1);
  CHECK(took < 10s);  // the 30 s sleep was stopped, not waited for
}

TEST_CASE("a cancel request stops the pod and returns interrupted", "[integration]") {
  Recorder rec;
  auto pipe = base::make_pipe();
  REQUIRE(pipe.ok());
  REQUIRE(::write(pipe->write.get(), "x", 1) == 1);
  auto done = run(host_job({"sleep", "30"}, "Never", 0), rec, pipe->read.get());
  REQUIRE_FALSE(done.ok());
  CHECK(done.error().message() == "interrupted");
}
