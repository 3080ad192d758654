#include "cli/manifest.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

std::variant<api::Job, cli::ManifestErrors> load(const std::string& text) {
  std::string tmpl = (fs::temp_directory_path() / "batchlet-manifest-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(tmpl) << text;
  auto result = cli::load_job_manifest(tmpl, base::TimePoint{});
  fs::remove(tmpl);
  if (auto* errors = std::get_if<cli::ManifestErrors>(&result)) {
    for (auto& e : *errors) e = e.substr(e.find(':') + 1);  // drop the temp file name
  }
  return result;
}

const std::string kJob = R"(apiVersion: batch/v1
kind: Job
metadata:
  name: demo
spec:
  template:
    spec:
      containers:
      - name: c
        image: batchlet.local/host
        command: ["true"]
      restartPolicy: Never
)";

}  // namespace

TEST_CASE("a valid manifest loads as a created Job", "[unit]") {
  auto loaded = load(kJob);
  REQUIRE(std::holds_alternative<api::Job>(loaded));
  const auto& job = std::get<api::Job>(loaded);
  CHECK(job.metadata.name == "demo");
  CHECK(job.spec.backoff_limit == 6);
  CHECK_FALSE(job.metadata.uid.empty());
}

TEST_CASE("errors point at the line of the field, or of its nearest parent", "[unit]") {
  std::string bad = kJob;
  bad.replace(bad.find("restartPolicy: Never"), 20, "restartPolicy: Always");
  bad.replace(bad.find("name: c"), 7, "name: C_");
  auto loaded = load(bad);
  REQUIRE(std::holds_alternative<cli::ManifestErrors>(loaded));
  const auto& errors = std::get<cli::ManifestErrors>(loaded);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("9: spec.template.spec.containers[0].name: Invalid value: \"C_\": ", 0) ==
        0);
  CHECK(errors[1] ==
        "12: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", "
        "\"Never\"");
}

TEST_CASE("a file with several documents is refused at the second one", "[unit]") {
  auto loaded = load(kJob + "---\n" + kJob);
  REQUIRE(std::holds_alternative<cli::ManifestErrors>(loaded));
  CHECK(std::get<cli::ManifestErrors>(loaded) ==
        cli::ManifestErrors{"14: batchlet run takes one Job, but the file has 2 documents"});
}

TEST_CASE("JSON manifests load too", "[unit]") {
  auto loaded = load(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
    "spec":{"template":{"spec":{"restartPolicy":"OnFailure",
    "containers":[{"name":"c","image":"batchlet.local/host","args":["true"]}]}}}})");
  REQUIRE(std::holds_alternative<api::Job>(loaded));
  CHECK(std::get<api::Job>(loaded).spec.template_.spec.restart_policy == "OnFailure");
}
