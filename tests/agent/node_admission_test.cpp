// What this node refuses in a valid Job (agent/node_admission.hpp), by field path.
#include "agent/node_admission.hpp"

#include <catch2/catch.hpp>

namespace {

std::vector<std::string> refused(const api::Job& job) {
  std::vector<std::string> out;
  for (const auto& e : agent::node_admission_errors(job)) out.push_back(e.to_string());
  return out;
}

api::Job plain_job() {
  api::Job job;
  job.spec.template_.spec.scheduler_name = "default-scheduler";
  job.spec.template_.spec.containers.push_back(api::Container{});
  return job;
}

}  // namespace

TEST_CASE("node admission refuses what this node cannot honour, by field", "[unit]") {
  CHECK(refused(plain_job()).empty());

  api::Job job = plain_job();
  job.spec.template_.spec.scheduler_name = "my-scheduler";
  job.spec.template_.spec.node_selector = {{"kubernetes.io/os", "linux"}, {"zone", "a"}};
  job.spec.template_.spec.security_context.emplace().fs_group = 4000;
  CHECK(refused(job) ==
        std::vector<std::string>{
            "spec.template.spec.schedulerName: Unsupported value: \"my-scheduler\": supported "
            "values: \"default-scheduler\"",
            "spec.template.spec.nodeSelector[zone]: Forbidden: no label of this node matches it",
            "spec.template.spec.securityContext.fsGroup: Forbidden: not supported by batchlet yet "
            "(see docs/compatibility.md)"});
  // Exec readiness probes run (agent/readiness_prober.hpp): nothing to refuse.
  job = plain_job();
  job.spec.template_.spec.containers[0].readiness_probe.emplace().exec.emplace().command = {"true"};
  CHECK(refused(job).empty());
}
