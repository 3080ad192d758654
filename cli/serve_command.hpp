// cli/serve_command.hpp: `batchlet serve`: the agent with its batch/v1 API — HTTPS on a
// loopback port (bearer token or client certificate of the agent's CA) and the unix socket
// (SO_PEERCRED) — until SIGTERM/SIGINT. `batchlet kubeconfig` prints the kubeconfig that serve
// wrote for the state directory.
//
// On start: the agent recovers (agent/agent.hpp), the TLS material and the token are made if
// missing (state dir tls/, token), the listeners open, then <state dir>/kubeconfig.yaml (0600)
// points at the TLS port. Exit codes: 0 stopped by a signal, 2 bad flags, 125 could not start.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <string>

namespace cli {

struct ServeOptions {
  std::filesystem::path state_dir = "/var/lib/batchlet";
  std::filesystem::path run_dir = "/run/batchlet";
  std::string listen = "127.0.0.1:6443";  // host:port; port 0 picks a free one
  std::string node_name;
  int server_minor = 32;  // /version reports v1.<minor> (kubectl's dispatcher picks by it)
  bool cgroups = true;
  std::string cgroup_tree = "batchlet";
  double pod_backoff_base_seconds = 10;
  double pod_backoff_cap_seconds = 360;
  double container_backoff_base_seconds = 10;
  double container_backoff_cap_seconds = 300;
  double pod_event_batch_seconds = 1;
  // On SIGTERM/SIGINT, stop the running pods as a node shutdown does (instead of leaving them
  // running for the next agent to adopt).
  bool evict_on_shutdown = false;
};

class ServeCommand {
 public:
  explicit ServeCommand(CLI::App& app);
  bool selected() const;
  int run() const;

 private:
  CLI::App* serve_ = nullptr;
  CLI::App* kubeconfig_ = nullptr;
  ServeOptions options_;
};

}  // namespace cli
