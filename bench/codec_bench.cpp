// bench/codec_bench.cpp: how fast a Job manifest becomes a validated Job (decode + default +
// prepare + validate), against the bare parsers it is built on, measured in the same run.
//
// Prints manifests per second for each and the ratios. Goal (issue 4): >= 50,000 pi Jobs/s on
// one core for JSON input. Run a release build: build/release/bench/codec_bench [seconds]
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/job_create.hpp"
#include "api/yaml_codec.hpp"
#include "base/file.hpp"
#include "bench/call_rate.hpp"

static double rate_of(double seconds, const std::function<bool()>& body) {
  return bench::call_rate("codec_bench", seconds, body);
}

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  // The Kubernetes docs' pi Job, the same file the round-trip test pins to the server's output.
  auto pi = base::read_file(BATCHLET_SOURCE_DIR "/tests/api/testdata/roundtrip/pi.yaml");
  if (!pi) {
    std::fprintf(stderr, "codec_bench: %s\n", pi.error().message().c_str());
    return 1;
  }
  const std::string yaml = *pi;
  const api::YamlParseResult parsed = api::parse_yaml_documents(yaml);
  if (parsed.error || parsed.documents.size() != 1) return 1;
  const std::string json_text = parsed.documents[0].value.dump();
  std::mt19937_64 rng(1);
  const base::TimePoint now{};

  const double json_parse =
      rate_of(seconds, [&] { return !nlohmann::json::parse(json_text).empty(); });
  const double json_create = rate_of(seconds, [&] {
    return api::create_job(nlohmann::json::parse(json_text), now, rng).errors.empty();
  });
  const double yaml_load = rate_of(seconds, [&] { return YAML::Load(yaml).IsMap(); });
  const double yaml_create = rate_of(seconds, [&] {
    auto docs = api::parse_yaml_documents(yaml);
    return !docs.error && api::create_job(docs.documents[0].value, now, rng).errors.empty();
  });

  std::printf("pi Job, %.1f s per measurement, one thread\n", seconds);
  std::printf("  baseline nlohmann::json::parse            %10.0f /s\n", json_parse);
  std::printf(
      "  JSON -> validated Job (batchlet)          %10.0f /s  (%.2fx the bare parse time)\n",
      json_create, json_parse / json_create);
  std::printf("  baseline YAML::Load (yaml-cpp)            %10.0f /s\n", yaml_load);
  std::printf(
      "  YAML -> validated Job (batchlet)          %10.0f /s  (%.2fx the bare parse time)\n",
      yaml_create, yaml_load / yaml_create);
  std::printf("  goal: >= 50000 /s for JSON input: %s\n", json_create >= 50000 ? "met" : "NOT met");
  return 0;
}
