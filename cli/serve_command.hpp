// cli/serve_command.hpp: `batchlet serve`: the agent with its batch/v1 API — HTTPS on a
// loopback port (bearer token or client certificate of the agent's CA) and the unix socket
// (SO_PEERCRED) — until SIGTERM/SIGINT. `batchlet kubeconfig` prints the kubeconfig that serve
// wrote for the state directory.
//
// On start: the agent recovers (agent/agent.hpp), the TLS material and the token are made if
// missing (state dir tls/, token), the listeners open, then <state dir>/kubeconfig.yaml (0600)
// points at the TLS port. `batchlet info` prints the effective settings and what the host
// offers (cli/host_report.hpp). Settings come from the flags, then the config file (--config,
// default /etc/batchlet/config.yaml when it exists), then the defaults. Under systemd
// (batchlet.service) it notifies readiness, status and watchdog keep-alives and serves an activated
// socket (cli/service_notifier.hpp, systemd/activation.hpp). Exit codes: 0 stopped by a signal, 2
// bad flags or settings, 125 could not start.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

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
  std::vector<std::string> insecure_registries;  // image pulls over plain HTTP
  std::string container_log_max_size = "10Mi";   // the kubelet's containerLogMaxSize
  int container_log_max_files = 5;               // the kubelet's containerLogMaxFiles
  std::int64_t pod_pids_limit = -1;              // the kubelet's podPidsLimit (-1: none)
  // Pods of one local user's namespace running at once; the rest wait, Pending (-1: no limit).
  std::int64_t user_max_pods = -1;
  // Jobs stored in one local user's namespace; a create beyond is 403 (-1: no limit).
  std::int64_t user_max_jobs = -1;
  // Sums of limits.memory / limits.cpu of one local user's running pods, as quantities ("4Gi",
  // "2", "1500m"); a new pod beyond waits, a Job without those limits is 403 (empty: no limit).
  std::string user_max_memory;
  std::string user_max_cpu;
  // Host directories every local user's pods may mount (hostPath), beside their home.
  std::vector<std::string> user_host_paths;
  // `serve --user`: a rootless agent of the calling user, in their own directories
  // (base::user_dirs()), serving them alone.
  bool user = false;
};

// The settings file serve reads unless --config says otherwise (cli/serve_config.hpp).
inline const std::filesystem::path kDefaultConfigFile = "/etc/batchlet/config.yaml";

class ServeCommand {
 public:
  explicit ServeCommand(CLI::App& app);
  bool selected() const;
  int run() const;

 private:
  // Flags over the config file over the defaults; `error` set when the file is bad.
  ServeOptions effective_options(std::string& error) const;

  CLI::App* serve_ = nullptr;
  CLI::App* kubeconfig_ = nullptr;
  CLI::App* info_ = nullptr;
  ServeOptions options_;  // as the flags set them
  std::filesystem::path config_file_ = kDefaultConfigFile;
  bool user_ = false;
};

}  // namespace cli
