// End-to-end tests of `batchlet run`: the real binary, real processes, real files.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using namespace cli_test;

TEST_CASE("the demo computes pi and completes", "[integration]") {
  const Output o = run({BATCHLET_BINARY, "run", "--logs", "-f", "examples/pi.yaml"});
  CHECK(o.exit_code == 0);
  CHECK(o.out.rfind("3.14159265358979323846264338327950288419716939937510", 0) == 0);
  CHECK(o.out.size() > 2000);
  const auto err = lines(o.err);
  REQUIRE_FALSE(err.empty());
  CHECK(err.front() == "job.batch/pi created");
  CHECK(err.back().rfind("job.batch/pi Complete (CompletionsReached: Reached expected number of "
                         "succeeded pods): succeeded 1, failed 0, duration ",
                         0) == 0);
}

TEST_CASE("a failing job reports BackoffLimitExceeded and exits 1", "[integration]") {
  const Output o = run({BATCHLET_BINARY, "run", "--logs", "-f", "examples/fail.yaml"});
  CHECK(o.exit_code == 1);
  CHECK(o.out.empty());
  CHECK(o.err.find("about to fail\n") != std::string::npos);
  CHECK(o.err.find(": container fail terminated: Error (exit code 3)") != std::string::npos);
  CHECK(lines(o.err).back().rfind("job.batch/fail Failed (BackoffLimitExceeded: Job has reached "
                                  "the specified backoff limit): succeeded 0, failed 1, duration ",
                                  0) == 0);
}

TEST_CASE("quiet mode keeps the pod output and the final status only", "[integration]") {
  const Output o = run({BATCHLET_BINARY, "run", "-q", "--logs", "-f", "examples/fail.yaml"});
  CHECK(o.exit_code == 1);
  CHECK(lines(o.err) ==
        std::vector<std::string>{"about to fail",
                                 lines(o.err).back()});  // nothing from batchlet but the status
  CHECK(lines(o.err).back().rfind("job.batch/fail Failed", 0) == 0);
}

TEST_CASE("bad input: one clear line and exit code 2", "[integration]") {
  TempDir dir;
  const std::string job_head =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n";

  SECTION("a missing file") {
    const Output o = batchlet_run("examples/does-not-exist.yaml");
    CHECK(o.exit_code == 2);
    CHECK(o.err == "error: examples/does-not-exist.yaml: No such file or directory\n");
  }
  SECTION("a directory") {
    const Output o = batchlet_run(dir.path.string());
    CHECK(o.exit_code == 2);
    CHECK(o.err == "error: " + dir.path.string() + ": Is a directory\n");
  }
  SECTION("invalid YAML") {
    const auto file = dir.write("bad.yaml", "apiVersion: batch/v1\nkind: Job\nspec: [\n  a: b\n");
    const Output o = batchlet_run(file);
    CHECK(o.exit_code == 2);
    REQUIRE(lines(o.err).size() == 1);
    CHECK(o.err.rfind("error: " + file + ":", 0) == 0);
    CHECK(o.err.find(": yaml: ") != std::string::npos);
  }
  SECTION("a kind other than Job") {
    const auto file = dir.write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n");
    const Output o = batchlet_run(file);
    CHECK(o.exit_code == 2);
    CHECK(o.err ==
          "error: " + file + ":2: kind: Unsupported value: \"Pod\": supported values: \"Job\"\n");
  }
  SECTION("a Job without containers") {
    const auto file = dir.write("empty.yaml", job_head + "      restartPolicy: Never\n");
    const Output o = batchlet_run(file);
    CHECK(o.exit_code == 2);
    CHECK(o.err == "error: " + file + ":7: spec.template.spec.containers: Required value\n");
  }
  SECTION("an empty file") {
    const auto file = dir.write("nothing.yaml", "# just a comment\n");
    const Output o = batchlet_run(file);
    CHECK(o.exit_code == 2);
    CHECK(o.err == "error: " + file + ": no Job in the file (it has no YAML document)\n");
  }
}

TEST_CASE("-o json prints the finished Job after the pod's output", "[integration]") {
  const Output o = run({BATCHLET_BINARY, "run", "-q", "-o", "json", "-f", "examples/fail.yaml"});
  CHECK(o.exit_code == 1);
  const auto job = nlohmann::json::parse(o.out);
  CHECK(job["kind"] == "Job");
  CHECK(job["metadata"]["name"] == "fail");
  CHECK(job["status"]["failed"] == 1);
  CHECK(job["status"]["ready"] == 0);
  CHECK(job["status"]["conditions"][1]["type"] == "Failed");
  CHECK(job["status"]["conditions"][1]["reason"] == "BackoffLimitExceeded");
  CHECK_FALSE(job["status"].contains("completionTime"));
}

TEST_CASE("without --logs only progress is printed", "[integration]") {
  const Output o = batchlet_run("examples/fail.yaml");
  CHECK(o.exit_code == 1);
  CHECK(o.err.find("about to fail") == std::string::npos);
  CHECK(o.err.find("job.batch/fail: active 1, succeeded 0, failed 0\n") != std::string::npos);
}

TEST_CASE("usage errors exit 2", "[integration]") {
  const Output o = run({BATCHLET_BINARY, "run"});
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("--filename is required") != std::string::npos);
  const Output yaml = run({BATCHLET_BINARY, "run", "-o", "yaml", "-f", "examples/pi.yaml"});
  CHECK(yaml.exit_code == 2);
  CHECK(yaml.err.find("--output: yaml not in {json}") != std::string::npos);
}

TEST_CASE("info prints the settings (flags over the config file) and the host", "[integration]") {
  TempDir dir;
  const std::string config = dir.write("config.yaml", "listen: 10.1.2.3:7443\npodBackoffCap: 2m\n");
  Output o = run({BATCHLET_BINARY, "info", "--config", config});
  CHECK(o.exit_code == 0);
  const auto has_line = [&](const std::string& line) {
    const auto all = lines(o.out);
    return std::find(all.begin(), all.end(), line) != all.end();
  };
  CHECK(has_line("  listen                 10.1.2.3:7443"));
  CHECK(has_line("  podBackoffCap          120s"));
  CHECK(has_line("  podBackoffBase         10s"));
  CHECK(o.out.find("  cgroups:               ") != std::string::npos);
  CHECK(o.out.find("  seccomp:               ") != std::string::npos);

  dir.write("bad.yaml", "listen: 10.1.2.3:7443\nlisten_port: 1\n");
  o = run({BATCHLET_BINARY, "serve", "--config", (dir.path / "bad.yaml").string()});
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.err, Catch::StartsWith("error: " + (dir.path / "bad.yaml").string() +
                                      ": unknown setting \"listen_port\""));
  // A config file named explicitly must exist.
  o = run({BATCHLET_BINARY, "info", "--config", (dir.path / "none.yaml").string()});
  CHECK(o.exit_code == 2);
  CHECK(o.err ==
        "error: read " + (dir.path / "none.yaml").string() + ": No such file or directory\n");
}
