// Kubernetes resources -> cgroup limits (agent/container_limits.hpp).
#include "agent/container_limits.hpp"

#include <catch2/catch.hpp>

namespace {

api::Quantity q(const char* text) {
  auto parsed = api::Quantity::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

TEST_CASE("container resources become the kubelet's cgroup limits", "[unit]") {
  api::Container c;
  CHECK(agent::container_limits(c) == cgroups::Limits{});
  c.resources.limits = {{"cpu", q("250m")}, {"memory", q("64Mi")}, {"ephemeral-storage", q("1Gi")}};
  cgroups::Limits l = agent::container_limits(c);
  CHECK(l.cpu_limit_millicores == 250);
  CHECK(l.cpu_request_millicores == 250);  // requests default to limits
  CHECK(l.memory_limit_bytes == 64 * 1024 * 1024);
  CHECK_FALSE(l.pids_max);
  c.resources.requests = {{"cpu", q("0.1")}};
  CHECK(agent::container_limits(c).cpu_request_millicores == 100);

  api::PodSpec pod;
  pod.containers = {c, c};
  CHECK(agent::pod_cgroup_limits(pod).cpu_limit_millicores == 500);
  api::Container init;
  init.resources.limits = {{"memory", q("1Gi")}};
  pod.init_containers = {init};
  const cgroups::Limits p = agent::pod_cgroup_limits(pod);
  // The init container sets no cpu limit, so the pod has none (as the kubelet decides).
  CHECK_FALSE(p.cpu_limit_millicores);
  CHECK(p.memory_limit_bytes == 1024LL * 1024 * 1024);  // the init container's is larger
}
