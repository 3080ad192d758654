// tests/agent/job_controller_test_support.hpp: jobs and pods for the controller's table tests
// (job_controller_test.cpp, job_controller_indexed_test.cpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/job_controller.hpp"
#include "tests/agent/job_scenario.hpp"

namespace controller_test {

using agent::ControllerPod;
using agent::PodPhase;
using agent::testing::Scenario;

inline api::Job make_job(std::optional<int> parallelism, std::optional<int> completions,
                         int backoff_limit = 6) {
  api::Job j;
  j.metadata.name = "foobar";
  j.metadata.namespace_ = "default";
  j.metadata.uid = "job-uid";
  j.spec.parallelism = parallelism;
  j.spec.completions = completions;
  j.spec.backoff_limit = backoff_limit;
  j.spec.completion_mode = "NonIndexed";
  j.spec.template_.metadata.labels = {{"batch.kubernetes.io/job-name", "foobar"}};
  j.spec.template_.spec.restart_policy = "Never";
  j.spec.template_.spec.containers.push_back(api::Container{});
  return j;
}

inline api::Job indexed_job(int parallelism, int completions) {
  api::Job j = make_job(parallelism, completions);
  j.spec.completion_mode = "Indexed";
  return j;
}

// Adds pods in the given phase to the fake store, created one second apart in the past.
inline void add_pods(Scenario& sc, int n, PodPhase phase, bool ready = false,
                     std::optional<int> index = std::nullopt) {
  static int serial = 1000;
  for (int i = 0; i < n; ++i) {
    ControllerPod p;
    p.name = "pod-" + std::to_string(serial);
    p.uid = "puid-" + std::to_string(serial);
    ++serial;
    p.phase = phase;
    p.ready = ready && phase == PodPhase::running;
    p.creation_time = sc.clock.now() - std::chrono::hours(1) + std::chrono::seconds(serial);
    if (phase == PodPhase::succeeded || phase == PodPhase::failed) {
      p.containers_finished_at = sc.clock.now() - std::chrono::minutes(30);
    }
    if (index) p.annotations["batch.kubernetes.io/job-completion-index"] = std::to_string(*index);
    sc.pods.pods.push_back(p);
  }
}

inline void add_indexed(Scenario& sc, std::vector<std::pair<int, PodPhase>> pods) {
  for (auto [ix, phase] : pods) add_pods(sc, 1, phase, false, ix);
}

inline std::vector<std::string> conditions(const api::JobStatus& st) {
  std::vector<std::string> out;
  for (const auto& c : st.conditions) out.push_back(c.type + "/" + c.status + "/" + c.reason);
  return out;
}

inline std::vector<int> created_indexes(const Scenario& sc) {
  std::vector<int> out;
  for (const auto& c : sc.pods.creations) out.push_back(c.completion_index.value_or(-1));
  return out;
}

}  // namespace controller_test
