// tests/agent/user_quota_test.cpp: per-user memory and cpu totals (agent/user_quota.hpp) — what a
// pod counts, when one more fits, and the 403 reasons in ResourceQuota's words, also over a real
// store (agent/namespace_owner.hpp user_quota_exceeded).
#include "agent/user_quota.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "agent/namespace_owner.hpp"
#include "agent/store.hpp"
#include "api/job.hpp"
#include "api/pod.hpp"
#include "api/pod_encode.hpp"
#include "base/clock.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

api::Quantity q(const std::string& text) {
  auto parsed = api::Quantity::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

// A container limited to `memory` and `cpu` ("" leaves the limit out).
api::Container container(const std::string& name, const std::string& memory,
                         const std::string& cpu) {
  api::Container c;
  c.name = name;
  c.image = "batchlet.local/host";
  if (!memory.empty()) c.resources.limits["memory"] = q(memory);
  if (!cpu.empty()) c.resources.limits["cpu"] = q(cpu);
  return c;
}

api::PodSpec spec_of(std::vector<api::Container> containers,
                     std::vector<api::Container> init_containers = {}) {
  api::PodSpec spec;
  spec.containers = std::move(containers);
  spec.init_containers = std::move(init_containers);
  return spec;
}

agent::UserQuota quota(const std::string& memory, const std::string& cpu) {
  agent::UserQuota out;
  if (!memory.empty()) out.max_memory = q(memory);
  if (!cpu.empty()) out.max_cpu = q(cpu);
  return out;
}

agent::QuotaUsage running(const std::vector<api::PodSpec>& pods) {
  agent::QuotaUsage used;
  for (const api::PodSpec& spec : pods) used.add(agent::pod_quota_usage(spec));
  return used;
}

}  // namespace

TEST_CASE("a pod counts the sum of its containers or its largest init container", "[unit]") {
  const agent::PodQuotaUsage two = agent::pod_quota_usage(
      spec_of({container("a", "32Mi", "500m"), container("b", "32Mi", "1")}));
  CHECK(two.memory.units == 64 << 20);
  CHECK(agent::memory_text(two.memory) == "64Mi");
  CHECK(two.cpu.units == 1500);
  CHECK(agent::cpu_text(two.cpu) == "1500m");
  CHECK_FALSE(two.memory_unset);
  CHECK_FALSE(two.cpu_unset);

  // max(sum of containers, max of init containers), the larger one's spelling.
  const agent::PodQuotaUsage init = agent::pod_quota_usage(
      spec_of({container("a", "32Mi", "500m"), container("b", "32Mi", "500m")},
              {container("setup", "1G", "250m"), container("fetch", "16Mi", "2")}));
  CHECK(init.memory.units == 1000000000);
  CHECK(agent::memory_text(init.memory) == "1G");
  CHECK(agent::cpu_text(init.cpu) == "2");

  // A missing limit counts zero, and is noted, for init containers too.
  const agent::PodQuotaUsage missing = agent::pod_quota_usage(
      spec_of({container("a", "32Mi", ""), container("b", "", "")}, {container("i", "1Mi", "")}));
  CHECK(agent::memory_text(missing.memory) == "32Mi");
  CHECK(missing.memory_unset);
  CHECK(missing.cpu_unset);
  CHECK(agent::cpu_text(missing.cpu) == "0");
  CHECK(agent::pod_quota_usage(spec_of({container("a", "1Mi", "1")}, {container("i", "", "1")}))
            .memory_unset);

  // A sum keeps the format of its first non-zero term, as Quantity.Add does.
  const agent::QuotaUsage mixed =
      running({spec_of({container("a", "", "")}), spec_of({container("a", "1Gi", "")}),
               spec_of({container("a", "1G", "")})});
  CHECK(mixed.pods == 3);
  CHECK(agent::memory_text(mixed.memory) == "2073741824");  // 1Gi + 1G, BinarySI
}

TEST_CASE("one more pod fits while every quota set holds", "[unit]") {
  const api::PodSpec small = spec_of({container("a", "32Mi", "500m")});
  const agent::PodQuotaUsage pod = agent::pod_quota_usage(small);
  CHECK(agent::fits(agent::UserQuota{}, running({small, small, small}), pod));
  CHECK(agent::fits(quota("64Mi", ""), running({small}), pod));
  CHECK_FALSE(agent::fits(quota("64Mi", ""), running({small, small}), pod));
  CHECK(agent::fits(quota("", "1"), running({small}), pod));
  CHECK_FALSE(agent::fits(quota("", "1"), running({small, small}), pod));
  CHECK_FALSE(agent::fits(quota("1Gi", "1200m"), running({small, small}), pod));
  agent::UserQuota pods;
  pods.max_pods = 2;
  CHECK(agent::fits(pods, running({small}), pod));
  CHECK_FALSE(agent::fits(pods, running({small, small}), pod));
  // A pod without the limit counts zero: it never waits for memory.
  const agent::PodQuotaUsage bare = agent::pod_quota_usage(spec_of({container("a", "", "")}));
  CHECK(agent::fits(quota("64Mi", "1"), running({small, small}), bare));
}

TEST_CASE("a Job under a user quota is refused in ResourceQuota's words", "[unit]") {
  const agent::QuotaUsage none;
  const auto refusal = [](const agent::UserQuota& quota, const agent::QuotaUsage& used,
                          const api::PodSpec& spec) {
    return agent::job_quota_refusal(quota, used, agent::pod_quota_usage(spec));
  };
  const api::PodSpec fine = spec_of({container("a", "32Mi", "500m")});
  CHECK_FALSE(refusal(quota("64Mi", "1"), none, fine).has_value());
  CHECK_FALSE(refusal(agent::UserQuota{}, none, spec_of({container("a", "", "")})).has_value());

  CHECK(refusal(quota("4Gi", ""), none, spec_of({container("a", "", "1")})) ==
        "failed quota: user-max-memory: must specify limits.memory");
  CHECK(refusal(quota("", "2"), none, spec_of({container("a", "1Gi", "")})) ==
        "failed quota: user-max-cpu: must specify limits.cpu");
  CHECK(refusal(quota("4Gi", "2"), none,
                spec_of({container("a", "1Gi", "1")}, {container("i", "1Gi", "")})) ==
        "failed quota: user-max-cpu: must specify limits.cpu");
  // Memory is looked at first.
  CHECK(refusal(quota("4Gi", "2"), none, spec_of({container("a", "", "")})) ==
        "failed quota: user-max-memory: must specify limits.memory");

  CHECK(refusal(quota("4Gi", ""), none, spec_of({container("a", "8Gi", "")})) ==
        "exceeded quota: user-max-memory, requested: limits.memory=8Gi, used: limits.memory=0, "
        "limited: limits.memory=4Gi");
  CHECK(refusal(quota("4Gi", ""), running({fine, fine}),
                spec_of({container("a", "4Gi", ""), container("b", "1Mi", "")})) ==
        "exceeded quota: user-max-memory, requested: limits.memory=4097Mi, used: "
        "limits.memory=64Mi, limited: limits.memory=4Gi");
  CHECK(refusal(quota("", "2"), running({fine}), spec_of({container("a", "", "2500m")})) ==
        "exceeded quota: user-max-cpu, requested: limits.cpu=2500m, used: limits.cpu=500m, "
        "limited: limits.cpu=2");
  // What runs already does not count against a Job: its pods wait their turn.
  CHECK_FALSE(refusal(quota("64Mi", "1"), running({fine, fine}), fine).has_value());
  // Exactly the quota fits.
  CHECK_FALSE(refusal(quota("64Mi", ""), none, spec_of({container("a", "64Mi", "")})).has_value());

  CHECK(agent::exceeded_quota_message("user-max-jobs", "count/jobs.batch", "1", "5", "5") ==
        "exceeded quota: user-max-jobs, requested: count/jobs.batch=1, used: "
        "count/jobs.batch=5, limited: count/jobs.batch=5");
}

TEST_CASE("the used amount at admission is the user's pods that are not terminal", "[unit]") {
  test_support::TempDir dir;
  auto opened = agent::Store::open(dir.path() / "state.db");
  REQUIRE(opened.ok());
  agent::Store& store = **opened;
  base::FakeClock clock;
  // uid 0 has a passwd entry everywhere; the annotation is what makes the namespace a user's.
  REQUIRE(agent::ensure_user_namespace(store, clock, "user-q", 0).ok());
  const auto add_pod = [&](const std::string& name_space, const std::string& name,
                           const std::string& memory, const std::string& phase) {
    api::Pod pod;
    pod.metadata.name = name;
    pod.metadata.namespace_ = name_space;
    pod.metadata.uid = name + "-uid";
    pod.spec = spec_of({container("main", memory, "")});
    pod.spec.restart_policy = "Never";
    pod.status.phase = phase;
    const std::string json = api::encode_pod(pod).dump();
    REQUIRE(
        store.create({"pods", name_space, name}, pod.metadata.uid, [json](auto) { return json; })
            .ok());
  };
  add_pod("user-q", "running", "1Gi", "Running");
  add_pod("user-q", "pending", "512Mi", "Pending");
  add_pod("user-q", "done", "2Gi", "Succeeded");
  add_pod("user-q", "failed", "2Gi", "Failed");
  add_pod("default", "admins", "3Gi", "Running");

  api::Job job;
  job.metadata.name = "big";
  job.metadata.namespace_ = "user-q";
  job.spec.template_.spec = spec_of({container("main", "5Gi", "")});
  CHECK(agent::user_quota_exceeded(store, job, quota("4Gi", "")) ==
        "exceeded quota: user-max-memory, requested: limits.memory=5Gi, used: "
        "limits.memory=1536Mi, limited: limits.memory=4Gi");
  job.spec.template_.spec = spec_of({container("main", "4Gi", "")});
  CHECK_FALSE(agent::user_quota_exceeded(store, job, quota("4Gi", "")).has_value());
  // Admins' namespaces are never limited.
  job.metadata.namespace_ = "default";
  job.spec.template_.spec = spec_of({container("main", "", "")});
  CHECK_FALSE(agent::user_quota_exceeded(store, job, quota("4Gi", "1")).has_value());
  // The Jobs count comes first, in the same words.
  job.metadata.namespace_ = "user-q";
  agent::UserQuota jobs = quota("4Gi", "");
  jobs.max_jobs = 0;
  CHECK(agent::user_quota_exceeded(store, job, jobs) ==
        "exceeded quota: user-max-jobs, requested: count/jobs.batch=1, used: count/jobs.batch=0, "
        "limited: count/jobs.batch=0");
}
