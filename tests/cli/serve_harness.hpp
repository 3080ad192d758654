// tests/cli/serve_harness.hpp: a real `batchlet serve` on a test's state directory, and Jobs
// written straight into its store (as if created through the API before the agent started).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "agent/store.hpp"
#include "api/job_create.hpp"
#include "api/job_encode.hpp"
#include "api/yaml_codec.hpp"
#include "runtime/host_process.hpp"

namespace cli_test {

// Creates the Job of `yaml` (defaulted and validated as the API server would) in the store.
inline void put_job(const std::filesystem::path& state, const std::string& yaml,
                    std::mt19937_64& rng) {
  auto store = agent::Store::open(state / "state.db");
  REQUIRE(store.ok());
  auto parsed = api::parse_yaml_documents(yaml);
  REQUIRE_FALSE(parsed.error);
  auto created =
      api::create_job(parsed.documents.at(0).value, std::chrono::system_clock::now(), rng);
  if (!created.errors.empty()) FAIL(created.errors.front().to_string());
  const api::Job& job = created.job;
  auto written = (*store)->create({"jobs.batch", "default", job.metadata.name}, job.metadata.uid,
                                  [&](agent::ResourceVersion rv) {
                                    api::Job v = job;
                                    v.metadata.resource_version = std::to_string(rv);
                                    return api::encode_job(v).dump();
                                  });
  REQUIRE(written.ok());
}

// `batchlet serve` with fast backoffs, its pods' cgroups under /sys/fs/cgroup/unified/<tree>,
// output discarded. Stop it with signal_group(SIGTERM or SIGKILL) and wait().
inline runtime::HostProcess start_serve(const std::filesystem::path& state, const std::string& tree,
                                        const std::vector<std::string>& extra_flags = {}) {
  runtime::HostProcessSpec spec;
  spec.argv = {BATCHLET_BINARY,      "serve",
               "--state-dir",        state.string(),
               "--run-dir",          (state / "run").string(),
               "--listen",           "127.0.0.1:0",
               "--cgroup-tree",      tree,
               "--pod-backoff-base", "0.1",
               "--pod-backoff-cap",  "0.4",
               "--pod-event-batch",  "0.05"};
  spec.argv.insert(spec.argv.end(), extra_flags.begin(), extra_flags.end());
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  spec.stdout_fd = null_fd;
  spec.stderr_fd = null_fd;
  auto process = runtime::spawn_host_process(spec);
  ::close(null_fd);
  REQUIRE(process.ok());
  return std::move(*process);
}

// Polls `done` every 100 ms for at most `limit`.
template <typename Predicate>
bool wait_until(Predicate done, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

// Removes a test agent's cgroup tree under /sys/fs/cgroup/unified, leaf first (cgroups go with
// rmdir, never recursively).
inline void remove_cgroup_tree(const std::string& tree) {
  const std::filesystem::path root = std::filesystem::path("/sys/fs/cgroup/unified") / tree;
  if (!std::filesystem::exists(root)) return;
  std::vector<std::filesystem::path> dirs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  std::sort(dirs.rbegin(), dirs.rend());
  for (const auto& d : dirs) ::rmdir(d.c_str());
  ::rmdir(root.c_str());
}

}  // namespace cli_test
