// tests/cli/serve_config_test.cpp: `batchlet serve`'s settings file — every key, durations in
// both spellings, and the errors that name the file and the key.
#include "cli/serve_config.hpp"

#include <catch2/catch.hpp>

namespace {

cli::ServeOptions apply(const std::string& text) {
  cli::ServeOptions options;
  auto applied = cli::apply_config_text(text, "config.yaml", options);
  if (!applied.ok()) FAIL(applied.error().message());
  return options;
}

std::string error_of(const std::string& text) {
  cli::ServeOptions options;
  auto applied = cli::apply_config_text(text, "config.yaml", options);
  REQUIRE_FALSE(applied.ok());
  // Nothing is applied from a file with an error.
  CHECK(options.listen == cli::ServeOptions{}.listen);
  return applied.error().message();
}

}  // namespace

TEST_CASE("Go durations", "[unit]") {
  CHECK(cli::parse_go_duration("10s") == 10.0);
  CHECK(cli::parse_go_duration("6m") == 360.0);
  CHECK(cli::parse_go_duration("1m30s") == 90.0);
  CHECK(cli::parse_go_duration("1h") == 3600.0);
  CHECK(cli::parse_go_duration("500ms") == 0.5);
  CHECK(cli::parse_go_duration("1.5s") == 1.5);
  CHECK(cli::parse_go_duration("0") == 0.0);
  for (const char* bad : {"", "10", "s", "6x", "-1s", "1m30", "ms"}) {
    INFO(bad);
    CHECK_FALSE(cli::parse_go_duration(bad).has_value());
  }
}

TEST_CASE("every setting of the file reaches the options", "[unit]") {
  const cli::ServeOptions o = apply(
      "stateDir: /srv/batchlet\nrunDir: /run/b\nlisten: 0.0.0.0:7443\nnodeName: edge-1\n"
      "cgroups: false\ncgroupTree: b2\npodBackoffBase: 5s\npodBackoffCap: 6m\n"
      "containerBackoffBase: 1\ncontainerBackoffCap: 2m\npodEventBatch: 0\n"
      "evictOnShutdown: true\ninsecureRegistries: [registry.local:5000, 10.0.0.1]\n"
      "containerLogMaxSize: 50Mi\ncontainerLogMaxFiles: 3\npodPidsLimit: 4096\n"
      "userMaxPods: 8\nuserMaxJobs: 20\nuserMaxMemory: 4Gi\nuserMaxCPU: 1500m\n"
      "userHostPaths: [/scratch, /data/shared]\n");
  CHECK(o.user_host_paths == std::vector<std::string>{"/scratch", "/data/shared"});
  CHECK(o.state_dir == "/srv/batchlet");
  CHECK(o.run_dir == "/run/b");
  CHECK(o.listen == "0.0.0.0:7443");
  CHECK(o.node_name == "edge-1");
  CHECK_FALSE(o.cgroups);
  CHECK(o.cgroup_tree == "b2");
  CHECK(o.pod_backoff_base_seconds == 5);
  CHECK(o.pod_backoff_cap_seconds == 360);
  CHECK(o.container_backoff_base_seconds == 1);
  CHECK(o.container_backoff_cap_seconds == 120);
  CHECK(o.pod_event_batch_seconds == 0);
  CHECK(o.evict_on_shutdown);
  CHECK(o.insecure_registries == std::vector<std::string>{"registry.local:5000", "10.0.0.1"});
  CHECK(o.container_log_max_size == "50Mi");
  CHECK(o.container_log_max_files == 3);
  CHECK(o.pod_pids_limit == 4096);
  CHECK(o.user_max_pods == 8);
  CHECK(o.user_max_jobs == 20);
  CHECK(o.user_max_memory == "4Gi");
  CHECK(o.user_max_cpu == "1500m");
  CHECK(apply("userMaxCPU: 2\n").user_max_cpu == "2");
  CHECK(apply("userMaxMemory: \"\"\n").user_max_memory.empty());
}

TEST_CASE("an empty file, or an empty document, leaves the defaults", "[unit]") {
  CHECK(apply("").listen == cli::ServeOptions{}.listen);
  CHECK(apply("# nothing set\n").state_dir == cli::ServeOptions{}.state_dir);
}

TEST_CASE("settings errors name the file and the key", "[unit]") {
  CHECK_THAT(error_of("listen: 1.2.3.4:1\nbogus: 1\n"),
             Catch::StartsWith("config.yaml: unknown setting \"bogus\" (known: cgroupTree, "));
  CHECK(error_of("listen: 1.2.3.4:1\npodBackoffCap: 6x\n") ==
        "config.yaml: podBackoffCap: invalid duration \"6x\" (seconds, or a duration such as "
        "\"10s\")");
  CHECK(error_of("podBackoffBase: 0s\n") ==
        "config.yaml: podBackoffBase: must be greater than zero");
  CHECK(error_of("cgroups: yes please\n") == "config.yaml: cgroups: must be true or false");
  CHECK(error_of("containerLogMaxFiles: 1\n") ==
        "config.yaml: containerLogMaxFiles: must be an integer >= 2");
  CHECK_THAT(error_of("containerLogMaxSize: 10Q\n"),
             Catch::StartsWith("config.yaml: containerLogMaxSize: invalid quantity \"10Q\""));
  CHECK_THAT(error_of("userMaxMemory: 4X\n"),
             Catch::StartsWith("config.yaml: userMaxMemory: invalid quantity \"4X\": "));
  CHECK(error_of("userMaxCPU: -1\n") ==
        "config.yaml: userMaxCPU: invalid quantity \"-1\": must not be negative");
  CHECK(error_of("userMaxCPU: [1]\n") ==
        "config.yaml: userMaxCPU: must be a quantity (\"4Gi\", \"1500m\")");
  CHECK(error_of("userHostPaths: [scratch]\n") ==
        "config.yaml: userHostPaths: must be a list of absolute paths");
  CHECK(error_of("userHostPaths: /scratch\n") ==
        "config.yaml: userHostPaths: must be a list of absolute paths");
  CHECK(error_of("insecureRegistries: registry.local\n") ==
        "config.yaml: insecureRegistries: must be a list of HOST[:PORT]");
  CHECK(error_of("- a\n- b\n") == "config.yaml: expected a mapping of settings");
  CHECK_THAT(error_of("listen: [\n"), Catch::StartsWith("config.yaml: line "));
}
