// tests/agent/agent_test_support.hpp: realistic Jobs for the agent's store-level tests, made the
// way the API makes them (decode, defaults, validation), and a store on a temporary file.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <string>

#include "agent/store.hpp"
#include "api/job_create.hpp"
#include "api/job_encode.hpp"
#include "api/yaml_codec.hpp"
#include "base/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace agent_test {

inline api::Job job_from_yaml(const std::string& yaml, base::TimePoint now) {
  auto parsed = api::parse_yaml_documents(yaml);
  REQUIRE_FALSE(parsed.error);
  std::mt19937_64 rng(7);
  auto created = api::create_job(parsed.documents.at(0).value, now, rng);
  if (!created.errors.empty()) FAIL(created.errors.front().to_string());
  return created.job;
}

inline std::string job_yaml(const std::string& name, const std::string& extra_spec = "") {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\nspec:\n" + extra_spec +
         "  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
         "      - name: main\n        image: batchlet.local/host\n        command: [\"true\"]\n";
}

struct StoreFixture {
  test_support::TempDir dir;
  std::unique_ptr<agent::Store> store;
  base::FakeClock clock;

  StoreFixture() {
    auto opened = agent::Store::open(dir.path() / "state.db");
    if (!opened.ok()) FAIL(opened.error().message());
    store = std::move(*opened);
  }

  // Stores `job` as the API would and returns it with its resourceVersion.
  api::Job put_job(api::Job job) {
    auto written = store->create({"jobs.batch", job.metadata.namespace_, job.metadata.name},
                                 job.metadata.uid, [&](agent::ResourceVersion rv) {
                                   api::Job v = job;
                                   v.metadata.resource_version = std::to_string(rv);
                                   return api::encode_job(v).dump();
                                 });
    REQUIRE(written.ok());
    REQUIRE(written->outcome == agent::WriteOutcome::written);
    job.metadata.resource_version = std::to_string(written->object.resource_version);
    return job;
  }
};

}  // namespace agent_test
