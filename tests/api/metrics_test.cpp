// The /metrics text: exact Prometheus exposition lines for counters, gauges, histograms and
// collectors, escaping, and deterministic order.
#include "api/metrics.hpp"

#include <catch2/catch.hpp>
#include <thread>

using api::metrics::Registry;

TEST_CASE("metrics render in the Prometheus text format", "[unit]") {
  Registry r;
  auto& created = r.counter("batchlet_pods_created_total", "Pods created.", {"namespace"});
  created.inc({"default"});
  created.inc({"default"}, 2);
  created.inc({"team \"a\"\n"});
  r.gauge("batchlet_up", "Whether the agent runs.").set({}, 1);
  auto& latency =
      r.histogram("batchlet_spawn_seconds", "Spawn latency.", {"kind"}, {0.001, 0.01, 0.1});
  latency.observe({"pod"}, 0.0005);
  latency.observe({"pod"}, 0.05);
  latency.observe({"pod"}, 3);
  r.add_collector("batchlet_jobs", "Jobs by condition.", api::metrics::Type::gauge, {"condition"},
                  [] {
                    return std::vector<api::metrics::Sample>{{{"Failed"}, 1}, {{"Complete"}, 4}};
                  });
  CHECK(r.render() ==
        "# HELP batchlet_jobs Jobs by condition.\n"
        "# TYPE batchlet_jobs gauge\n"
        "batchlet_jobs{condition=\"Complete\"} 4\n"
        "batchlet_jobs{condition=\"Failed\"} 1\n"
        "# HELP batchlet_pods_created_total Pods created.\n"
        "# TYPE batchlet_pods_created_total counter\n"
        "batchlet_pods_created_total{namespace=\"default\"} 3\n"
        "batchlet_pods_created_total{namespace=\"team \\\"a\\\"\\n\"} 1\n"
        "# HELP batchlet_spawn_seconds Spawn latency.\n"
        "# TYPE batchlet_spawn_seconds histogram\n"
        "batchlet_spawn_seconds_bucket{kind=\"pod\",le=\"0.001\"} 1\n"
        "batchlet_spawn_seconds_bucket{kind=\"pod\",le=\"0.01\"} 1\n"
        "batchlet_spawn_seconds_bucket{kind=\"pod\",le=\"0.1\"} 2\n"
        "batchlet_spawn_seconds_bucket{kind=\"pod\",le=\"+Inf\"} 3\n"
        "batchlet_spawn_seconds_sum{kind=\"pod\"} 3.0505\n"
        "batchlet_spawn_seconds_count{kind=\"pod\"} 3\n"
        "# HELP batchlet_up Whether the agent runs.\n"
        "# TYPE batchlet_up gauge\n"
        "batchlet_up 1\n");
}

TEST_CASE("metrics may be updated from many threads at once", "[unit]") {
  Registry r;
  auto& c = r.counter("c_total", "c", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.inc({"x"});
    });
  }
  for (auto& t : threads) t.join();
  CHECK(r.render().find("c_total{t=\"x\"} 40000\n") != std::string::npos);
}
