// Stored Jobs (server-set metadata, status) decode back to what was encoded, byte for byte.
#include "api/stored_job.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/job_create.hpp"
#include "api/job_encode.hpp"
#include "api/names.hpp"
#include "api/yaml_codec.hpp"
#include "base/file.hpp"

namespace {

const std::string kDir = BATCHLET_SOURCE_DIR "/tests/api/testdata/roundtrip/";

api::Job created(const std::string& file) {
  auto text = base::read_file(kDir + file);
  REQUIRE(text.ok());
  auto parsed = api::parse_yaml_documents(*text);
  REQUIRE_FALSE(parsed.error);
  std::mt19937_64 rng(3);
  auto made = api::create_job(parsed.documents.at(0).value,
                              base::TimePoint(std::chrono::seconds(1'800'000'000)), rng);
  REQUIRE(made.errors.empty());
  return made.job;
}

}  // namespace

TEST_CASE("a stored job with status and deletion metadata decodes to what was encoded", "[unit]") {
  for (const char* file : {"pi.yaml", "indexed.yaml", "policies.yaml", "pod.yaml"}) {
    api::Job job = created(file);
    const base::TimePoint t(std::chrono::seconds(1'800'000'100));
    job.metadata.resource_version = "42";
    job.metadata.deletion_timestamp = t;
    job.metadata.deletion_grace_period_seconds = 0;
    job.metadata.finalizers = {"foregroundDeletion"};
    job.status.start_time = t;
    job.status.completion_time = t;
    job.status.active = 1;
    job.status.succeeded = 2;
    job.status.failed = 3;
    job.status.ready = 1;
    job.status.terminating = 0;
    job.status.completed_indexes = "0-2,5";
    job.status.uncounted_terminated_pods = api::UncountedTerminatedPods{{"a", "b"}, {"c"}};
    job.status.conditions.push_back({"Complete", "True", "Completed", "done", t, t});
    const auto encoded = api::encode_job(job);
    auto decoded = api::decode_stored_job(nlohmann::json::parse(encoded.dump()));
    INFO(file);
    if (!decoded.ok()) FAIL(decoded.error().message());
    CHECK(api::encode_job(*decoded).dump() == encoded.dump());
  }
}

TEST_CASE("a stored document that is not a job is an error, not a guess", "[unit]") {
  CHECK_FALSE(api::decode_stored_job(nlohmann::json::array()).ok());
  auto pod = api::decode_stored_job(nlohmann::json{{"kind", "Pod"}, {"apiVersion", "v1"}});
  REQUIRE_FALSE(pod.ok());
  CHECK(pod.error().message().find("kind") != std::string::npos);
  auto bad_time = api::decode_stored_job(
      nlohmann::json{{"kind", "Job"},
                     {"apiVersion", "batch/v1"},
                     {"metadata", {{"name", "x"}, {"creationTimestamp", "yesterday"}}}});
  REQUIRE_FALSE(bad_time.ok());
  CHECK(bad_time.error().message().find("creationTimestamp") != std::string::npos);
}
