// tests/cgroups/limits_test.cpp: the kubelet-exact resource conversions and pod sums.
#include "cgroups/limits.hpp"

#include <catch2/catch.hpp>
#include <vector>

using cgroups::Limits;
using cgroups::LimitWrite;

namespace {

std::string value_of(const Limits& limits, std::string_view file) {
  for (const LimitWrite& write : cgroups::limit_writes(limits)) {
    if (write.file == file) return write.value;
  }
  return "(not written)";
}

}  // namespace

TEST_CASE("cpu limit -> cpu.max quota over a 100 ms period", "[unit]") {
  Limits limits;
  limits.cpu_limit_millicores = 250;
  CHECK(value_of(limits, "cpu.max") == "25000 100000");
  limits.cpu_limit_millicores = 100;
  CHECK(value_of(limits, "cpu.max") == "10000 100000");
  limits.cpu_limit_millicores = 2000;
  CHECK(value_of(limits, "cpu.max") == "200000 100000");
  // MilliCPUToQuota's floor: 1m would be 100 us, the kernel's minimum is 1000 us.
  limits.cpu_limit_millicores = 1;
  CHECK(value_of(limits, "cpu.max") == "1000 100000");
  limits.cpu_limit_millicores = 9;
  CHECK(value_of(limits, "cpu.max") == "1000 100000");
  limits.cpu_limit_millicores = 11;
  CHECK(value_of(limits, "cpu.max") == "1100 100000");
  limits.cpu_limit_millicores.reset();
  CHECK(value_of(limits, "cpu.max") == "max 100000");
  limits.cpu_limit_millicores = 0;
  CHECK(value_of(limits, "cpu.max") == "max 100000");
}

TEST_CASE("milliCPU -> shares -> cpu.weight as the kubelet and runc compute them", "[unit]") {
  // MilliCPUToShares.
  CHECK(cgroups::milli_cpu_to_shares(0) == 2);
  CHECK(cgroups::milli_cpu_to_shares(1) == 2);
  CHECK(cgroups::milli_cpu_to_shares(100) == 102);
  CHECK(cgroups::milli_cpu_to_shares(250) == 256);
  CHECK(cgroups::milli_cpu_to_shares(1000) == 1024);
  CHECK(cgroups::milli_cpu_to_shares(256000) == 262144);
  CHECK(cgroups::milli_cpu_to_shares(1000000) == 262144);
  // runc's ConvertCPUSharesToCgroupV2Value: 1 + ((shares - 2) * 9999) / 262142.
  CHECK(cgroups::shares_to_weight(0) == 0);
  CHECK(cgroups::shares_to_weight(2) == 1);
  CHECK(cgroups::shares_to_weight(102) == 4);
  CHECK(cgroups::shares_to_weight(1024) == 39);
  CHECK(cgroups::shares_to_weight(262144) == 10000);

  Limits limits;
  CHECK(value_of(limits, "cpu.weight") == "(not written)");
  limits.cpu_request_millicores = 100;  // requests: cpu: 100m
  CHECK(value_of(limits, "cpu.weight") == "4");
  limits.cpu_request_millicores = 1000;
  CHECK(value_of(limits, "cpu.weight") == "39");
  limits.cpu_request_millicores = 0;  // BestEffort: the kubelet's minimum 2 shares
  CHECK(value_of(limits, "cpu.weight") == "1");
}

TEST_CASE("memory, swap, pids and io values", "[unit]") {
  Limits limits;
  CHECK(value_of(limits, "memory.max") == "max");
  CHECK(value_of(limits, "memory.swap.max") == "0");
  CHECK(value_of(limits, "memory.high") == "(not written)");
  CHECK(value_of(limits, "pids.max") == "max");
  CHECK(value_of(limits, "io.weight") == "(not written)");

  limits.memory_limit_bytes = 32LL * 1024 * 1024;  // 32Mi
  limits.pids_max = 1024;
  limits.io_weight = 500;
  CHECK(value_of(limits, "memory.max") == "33554432");
  CHECK(value_of(limits, "pids.max") == "1024");
  CHECK(value_of(limits, "io.weight") == "default 500");
  limits.io_weight = 20000;
  CHECK(value_of(limits, "io.weight") == "default 10000");
  limits.memory_limit_bytes = -5;  // nonsense counts as unset, never a negative write
  CHECK(value_of(limits, "memory.max") == "max");
}

TEST_CASE("limit_writes: fixed order, each file tagged with its controller", "[unit]") {
  Limits limits;
  limits.cpu_limit_millicores = 500;
  limits.cpu_request_millicores = 250;
  limits.memory_limit_bytes = 1000000;
  limits.pids_max = 10;
  limits.io_weight = 100;
  const std::vector<LimitWrite> expected = {
      {"cpu", "cpu.max", "50000 100000"},  {"cpu", "cpu.weight", "10"},
      {"memory", "memory.max", "1000000"}, {"memory", "memory.swap.max", "0"},
      {"pids", "pids.max", "10"},          {"io", "io.weight", "default 100"},
  };
  CHECK(cgroups::limit_writes(limits) == expected);
}

TEST_CASE("huge values do not overflow", "[unit]") {
  CHECK(cgroups::milli_cpu_to_quota(INT64_MAX) > 0);
  CHECK(cgroups::milli_cpu_to_shares(INT64_MAX) == 262144);
  Limits a;
  a.memory_limit_bytes = INT64_MAX;
  Limits b;
  b.memory_limit_bytes = INT64_MAX;
  const std::vector<Limits> both = {a, b};
  CHECK(cgroups::pod_limits(both).memory_limit_bytes == INT64_MAX);
}

TEST_CASE("pod limits: sums of the containers, unlimited if one is", "[unit]") {
  Limits first;
  first.cpu_limit_millicores = 250;
  first.cpu_request_millicores = 100;
  first.memory_limit_bytes = 64 << 20;
  first.pids_max = 100;
  first.io_weight = 200;
  Limits second;
  second.cpu_limit_millicores = 500;
  second.cpu_request_millicores = 200;
  second.memory_limit_bytes = 32 << 20;
  second.pids_max = 50;
  second.io_weight = 700;
  const std::vector<Limits> containers = {first, second};
  Limits pod = cgroups::pod_limits(containers);
  CHECK(pod.cpu_limit_millicores == 750);
  CHECK(pod.cpu_request_millicores == 300);
  CHECK(pod.memory_limit_bytes == 96 << 20);
  CHECK(pod.pids_max == 150);
  CHECK(pod.io_weight == 700);
  CHECK(value_of(pod, "cpu.max") == "75000 100000");
  // 300m -> 307 shares -> 1 + 305 * 9999 / 262142 = 12.
  CHECK(value_of(pod, "cpu.weight") == "12");

  Limits unlimited;  // no limits, no requests
  const std::vector<Limits> mixed = {first, unlimited};
  Limits open = cgroups::pod_limits(mixed);
  CHECK_FALSE(open.cpu_limit_millicores);
  CHECK_FALSE(open.memory_limit_bytes);
  CHECK_FALSE(open.pids_max);
  CHECK(open.cpu_request_millicores == 100);  // requests still add up

  CHECK(cgroups::pod_limits({}) == Limits{});
}

TEST_CASE("pod limits: init containers raise the pod to their largest value", "[unit]") {
  Limits app;
  app.cpu_limit_millicores = 100;
  app.cpu_request_millicores = 100;
  app.memory_limit_bytes = 10 << 20;
  Limits big_init;
  big_init.cpu_limit_millicores = 1000;
  big_init.cpu_request_millicores = 500;
  big_init.memory_limit_bytes = 5 << 20;
  const std::vector<Limits> apps = {app, app};
  const std::vector<Limits> inits = {big_init};
  Limits pod = cgroups::pod_limits(apps, inits);
  CHECK(pod.cpu_limit_millicores == 1000);    // max(200, 1000)
  CHECK(pod.cpu_request_millicores == 500);   // max(200, 500)
  CHECK(pod.memory_limit_bytes == 20 << 20);  // max(20Mi, 5Mi)

  const std::vector<Limits> unlimited_init = {Limits{}};
  Limits open = cgroups::pod_limits(apps, unlimited_init);
  CHECK_FALSE(open.cpu_limit_millicores);
  CHECK_FALSE(open.memory_limit_bytes);
  CHECK(open.cpu_request_millicores == 200);
}
