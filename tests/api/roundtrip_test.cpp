// Manifests as users write them, through decode, defaults, create and encode, compared with the
// object an API server returns for them (uid and creation time replaced by placeholders).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/job_create.hpp"
#include "api/job_encode.hpp"
#include "api/rfc3339.hpp"
#include "api/yaml_codec.hpp"
#include "base/file.hpp"

namespace {

const std::string kDir = BATCHLET_SOURCE_DIR "/tests/api/testdata/roundtrip/";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("seed manifests encode as the API server returns them", "[unit]") {
  const auto now = *api::parse_time("2026-11-23T18:00:00Z");
  for (const char* name : {"pi", "indexed", "policies", "pod"}) {
    DYNAMIC_SECTION(name) {
      auto yaml = base::read_file(kDir + name + ".yaml");
      auto expected = base::read_file(kDir + name + ".json");
      REQUIRE(yaml.ok());
      REQUIRE(expected.ok());
      auto parsed = api::parse_yaml_documents(*yaml);
      REQUIRE_FALSE(parsed.error);
      REQUIRE(parsed.documents.size() == 1);
      std::mt19937_64 rng(3);
      auto created = api::create_job(parsed.documents[0].value, now, rng);
      REQUIRE(created.errors.empty());
      std::string actual = api::encode_job(created.job).dump();
      actual = replace_all(actual, created.job.metadata.uid, "<uid>");
      actual = replace_all(actual, "\"2026-11-23T18:00:00Z\"", "\"<now>\"");
      // Field order matters too: compare the compact text of the ordered expectation.
      CHECK(actual == nlohmann::ordered_json::parse(*expected).dump());
    }
  }
}
