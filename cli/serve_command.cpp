#include "cli/serve_command.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <limits>
#include <memory>
#include <tuple>

#include "agent/agent.hpp"
#include "agent/credentials.hpp"
#include "agent/namespace_owner.hpp"
#include "agent/node_admission.hpp"
#include "agent/pod_log_files.hpp"
#include "api/discovery.hpp"
#include "api/http_server.hpp"
#include "api/kubeconfig.hpp"
#include "api/metrics.hpp"
#include "api/openapi.hpp"
#include "api/quantity.hpp"
#include "api/request_metrics.hpp"
#include "api/rest_api.hpp"
#include "api/status.hpp"
#include "api/tls_material.hpp"
#include "api/watch_hub.hpp"
#include "base/file.hpp"
#include "base/paths.hpp"
#include "base/resident_set.hpp"
#include "base/unique_fd.hpp"
#include "cli/host_report.hpp"
#include "cli/run_command.hpp"
#include "cli/serve_config.hpp"
#include "cli/service_notifier.hpp"
#include "systemd/activation.hpp"

namespace cli {
namespace {

int g_stop_pipe = -1;

void on_stop_signal(int) {
  const int saved = errno;
  const char byte = 1;
  (void)!::write(g_stop_pipe, &byte, 1);
  errno = saved;
}

void say(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

base::Duration seconds(double s) {
  return std::chrono::duration_cast<base::Duration>(std::chrono::duration<double>(s));
}

// "host:port" -> (host, port).
bool split_listen(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  try {
    const int p = std::stoi(text.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

api::http::Handler make_handler(int server_minor, api::metrics::Registry& metrics,
                                api::RestApi& rest) {
  return [server_minor, &metrics, &rest](const api::http::Request& request) {
    if (auto answered = rest.handle(request)) return std::move(*answered);
    api::http::Response response;
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == "/version") {
      response.body = api::version_body({server_minor, BATCHLET_VERSION});
    } else if (path == "/healthz" || path == "/livez" || path == "/readyz") {
      response.content_type = "text/plain; charset=utf-8";
      response.body = "ok";
    } else if (path == "/metrics") {
      response.content_type = api::metrics::kContentType;
      response.body = metrics.render();
    } else if (auto document = api::openapi_v3_response(path)) {
      response.content_type = document->content_type;
      response.body = std::move(document->body);
    } else if (auto found = api::discovery_response(path, request.header("accept").value_or(""))) {
      response.content_type = found->content_type;
      response.body = found->body;
    } else {
      response.status = 404;
      response.body = api::encode_status(
          api::failure_status(404, "NotFound", "the server could not find the requested resource"));
    }
    return response;
  };
}

int serve(const ServeOptions& o) {
  // First: the activated sockets become close-on-exec before anything is spawned.
  auto activated = systemd::activated_unix_sockets();
  if (!activated.ok()) {
    say("error: " + activated.error().message());
    return kExitInternal;
  }
  ServiceNotifier service;
  base::RealClock clock;
  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(o.listen, host, port)) {
    say("error: --listen: expected HOST:PORT, got \"" + o.listen + "\"");
    return kExitBadInput;
  }
  auto pipe = base::make_pipe();
  if (!pipe.ok()) {
    say("error: " + pipe.error().message());
    return kExitInternal;
  }
  g_stop_pipe = pipe->write.get();
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM}) ::sigaction(sig, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  agent::AgentOptions options;
  options.paths = base::Paths(o.state_dir, o.run_dir);
  options.node_name = o.node_name;
  options.use_cgroups = o.cgroups;
  options.cgroup_tree = o.cgroup_tree;
  options.controller.backoff = {seconds(o.pod_backoff_base_seconds),
                                seconds(o.pod_backoff_cap_seconds)};
  options.container_backoff_base = seconds(o.container_backoff_base_seconds);
  options.container_backoff_cap = seconds(o.container_backoff_cap_seconds);
  options.pod_event_batch = seconds(o.pod_event_batch_seconds);
  options.max_loop_sleep = service.loop_interval();
  options.registry.insecure.insert(o.insecure_registries.begin(), o.insecure_registries.end());
  if (auto size = api::Quantity::parse(o.container_log_max_size); size.ok() && size->value() > 0) {
    options.log_rotation.max_bytes = static_cast<std::uint64_t>(size->value());
  } else {
    say("error: container log max size: invalid quantity \"" + o.container_log_max_size + "\"");
    return kExitBadInput;
  }
  options.log_rotation.max_files = o.container_log_max_files;
  if (o.pod_pids_limit > 0) options.pod_pids_limit = o.pod_pids_limit;
  if (o.user_max_pods >= 0) options.user_max_pods = o.user_max_pods;
  for (const auto& [text, quota, flag] :
       {std::tuple{&o.user_max_memory, &options.user_max_memory, "--user-max-memory"},
        std::tuple{&o.user_max_cpu, &options.user_max_cpu, "--user-max-cpu"}}) {
    if (text->empty()) continue;
    auto q = api::Quantity::parse(*text);
    if (!q.ok() || q->sign() < 0) {
      say(std::string("error: ") + flag + ": " + quota_quantity_error(*text).value_or(*text));
      return kExitBadInput;
    }
    *quota = *q;
  }
  if (o.user) {
    // Only the owner may reach a rootless agent's socket, or read its jobs and logs.
    for (const auto& dir : {o.run_dir, o.state_dir}) {
      std::error_code ec;
      std::filesystem::create_directories(dir.parent_path(), ec);
      if (auto s = base::ensure_private_dir(dir); !s.ok()) {
        say("error: " + s.error().message());
        return kExitInternal;
      }
    }
  }
  service.recovering();
  auto opened = agent::Agent::open(options, clock);
  if (!opened.ok()) {
    say("error: " + opened.error().message());
    return kExitInternal;
  }
  agent::Agent& agent = **opened;
  api::WatchHub hub(agent.store());
  agent.add_change_observer([&hub](const api::Change& change) { hub.publish(change); });

  auto tls = api::ensure_tls_material(options.paths.tls_dir());
  auto token = agent::ensure_token(options.paths.token_file());
  for (const base::Status& s : {tls.ok() ? base::Status() : base::Status(tls.error()),
                                token.ok() ? base::Status() : base::Status(token.error())}) {
    if (!s.ok()) {
      say("error: " + s.error().message());
      return kExitInternal;
    }
  }
  api::metrics::Registry metrics;
  agent::PodLogFiles logs(options.paths);
  const std::vector<std::filesystem::path> user_host_paths(o.user_host_paths.begin(),
                                                           o.user_host_paths.end());
  api::RestApi rest(agent.store(), hub, logs, clock,
                    [&agent, &user_host_paths](const api::Job& job) {
                      return agent::job_admission_errors(agent.store(), job, user_host_paths);
                    });
  agent::UserQuota quota;
  if (o.user_max_jobs >= 0) quota.max_jobs = o.user_max_jobs;
  quota.max_memory = options.user_max_memory;
  quota.max_cpu = options.user_max_cpu;
  if (quota.max_jobs || quota.max_memory || quota.max_cpu) {
    rest.set_job_quota([&agent, quota](const api::Job& job) {
      return agent::user_quota_exceeded(agent.store(), job, quota);
    });
  }
  api::http::ServerOptions server_options;
  server_options.bearer_token = *token;
  // A local user's namespace exists from their first connection ("created on first use"); a
  // namespace of that name that is not theirs shuts them out (401) rather than run their pods
  // as someone else.
  server_options.unix_peer_identity = [&agent,
                                       &clock](int fd) -> base::Result<api::http::Identity> {
    base::Result<api::http::Identity> identity = agent::unix_peer_identity(fd, ::geteuid());
    if (identity.ok() && !identity->confined_namespace.empty()) {
      const base::Status usable = agent::ensure_user_namespace(
          agent.store(), clock, identity->confined_namespace, identity->uid);
      if (!usable.ok()) {
        spdlog::warn("unix socket: {}: {}", identity->user, usable.error().message());
        return usable.error();
      }
    }
    return identity;
  };
  api::add_object_collectors(metrics, agent.store());
  auto server = api::http::Server::create(
      server_options, api::instrument(metrics, make_handler(o.server_minor, metrics, rest)));
  auto bound = server->listen_tls(host, port,
                                  {tls->server_certificate, tls->server_key, tls->ca_certificate});
  if (!bound.ok()) {
    say("error: listen on " + o.listen + ": " + bound.error().message());
    return kExitInternal;
  }
  std::string socket_name = options.paths.socket().string();
  if (!activated->empty()) {
    // batchlet.socket holds the socket; the service serves it (systemd.socket(5)).
    for (int fd : *activated) {
      if (auto adopted = server->adopt_unix(fd); !adopted.ok()) {
        say("error: " + adopted.error().message());
        return kExitInternal;
      }
    }
    socket_name = "the activated socket";
  } else {
    std::error_code ec;
    std::filesystem::create_directories(options.paths.run_dir(), ec);
    if (auto listening = server->listen_unix(options.paths.socket()); !listening.ok()) {
      say("error: " + listening.error().message());
      return kExitInternal;
    }
  }
  auto ca = base::read_file(tls->ca_certificate);
  if (!ca.ok()) {
    say("error: " + ca.error().message());
    return kExitInternal;
  }
  const std::string url = "https://" + host + ":" + std::to_string(*bound);
  if (auto written = agent::write_private_file(options.paths.kubeconfig(),
                                               api::make_kubeconfig({url, *ca, *token, "default"}));
      !written.ok()) {
    say("error: " + written.error().message());
    return kExitInternal;
  }
  server->start();
  say("batchlet serving on " + url + " and " + socket_name +
      "; kubeconfig: " + options.paths.kubeconfig().string());
  // Recovery, TLS set-up and the libraries' start-up touched pages the idle agent never needs.
  base::trim_resident_set();
  service.ready(agent);
  auto ran = agent.run(pipe->read.get(), [&] {
    service.tick(agent);
    return false;
  });
  service.stopping();
  server->stop();
  if (o.evict_on_shutdown) {
    // The pods' own grace periods bound it; past that, whatever is left is killed by the
    // workers' SIGKILL already sent.
    agent.evict_pods(std::chrono::minutes(5));
  }
  for (int sig : {SIGINT, SIGTERM}) ::signal(sig, SIG_DFL);
  g_stop_pipe = -1;
  // The pod workers publish changes to the watch hub until they are joined: end the agent
  // while the hub (declared after it, so destroyed first) still lives.
  opened->reset();
  if (!ran.ok()) {
    say("error: " + ran.error().message());
    return kExitInternal;
  }
  return 0;
}

int print_info(const ServeOptions& o, const std::filesystem::path& config_file) {
  std::error_code ec;
  const bool have_file = std::filesystem::exists(config_file, ec);
  std::printf("batchlet %s\n", BATCHLET_VERSION);
  std::printf("Settings (flags, then %s%s, then defaults):\n", config_file.c_str(),
              have_file ? "" : " (absent)");
  const auto seconds_text = [](double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gs", s);
    return std::string(buf);
  };
  const auto joined = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? std::string("(none)") : out;
  };
  const std::pair<const char*, std::string> settings[] = {
      {"stateDir", o.state_dir.string()},
      {"runDir", o.run_dir.string()},
      {"listen", o.listen},
      {"nodeName", o.node_name.empty() ? "(the host name)" : o.node_name},
      {"cgroups", o.cgroups ? "true" : "false"},
      {"cgroupTree", o.cgroup_tree},
      {"podBackoffBase", seconds_text(o.pod_backoff_base_seconds)},
      {"podBackoffCap", seconds_text(o.pod_backoff_cap_seconds)},
      {"containerBackoffBase", seconds_text(o.container_backoff_base_seconds)},
      {"containerBackoffCap", seconds_text(o.container_backoff_cap_seconds)},
      {"podEventBatch", seconds_text(o.pod_event_batch_seconds)},
      {"evictOnShutdown", o.evict_on_shutdown ? "true" : "false"},
      {"insecureRegistries", joined(o.insecure_registries)},
      {"containerLogMaxSize", o.container_log_max_size},
      {"containerLogMaxFiles", std::to_string(o.container_log_max_files)},
      {"podPidsLimit", o.pod_pids_limit > 0 ? std::to_string(o.pod_pids_limit) : "(none)"},
      {"userMaxPods", o.user_max_pods >= 0 ? std::to_string(o.user_max_pods) : "(none)"},
      {"userMaxJobs", o.user_max_jobs >= 0 ? std::to_string(o.user_max_jobs) : "(none)"},
      {"userMaxMemory", o.user_max_memory.empty() ? "(none)" : o.user_max_memory},
      {"userMaxCPU", o.user_max_cpu.empty() ? "(none)" : o.user_max_cpu},
      {"userHostPaths", joined(o.user_host_paths)},
  };
  for (const auto& [key, value] : settings) std::printf("  %-22s %s\n", key, value.c_str());
  std::printf("Host:\n");
  for (const auto& [name, finding] : host_report(o.cgroup_tree)) {
    std::printf("  %-22s %s\n", (name + ":").c_str(), finding.c_str());
  }
  return 0;
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& app) {
  serve_ = app.add_subcommand("serve", "Run the agent and its batch/v1 API (kubectl works)");
  serve_->add_option("--state-dir", options_.state_dir, "State directory")->capture_default_str();
  serve_->add_option("--run-dir", options_.run_dir, "Where the unix socket goes")
      ->capture_default_str();
  serve_->add_option("--listen", options_.listen, "HTTPS address (HOST:PORT; port 0: any)")
      ->capture_default_str();
  serve_->add_option("--node-name", options_.node_name,
                     "spec.nodeName of pods (default: hostname)");
  serve_
      ->add_option("--server-minor", options_.server_minor,
                   "Report Kubernetes v1.<minor> on /version (kubectl's dispatcher picks by it)")
      ->check(CLI::Range(27, 40))
      ->capture_default_str();
  serve_->add_flag("!--no-cgroups", options_.cgroups, "Do not use cgroups (no limits)");
  serve_
      ->add_option("--cgroup-tree", options_.cgroup_tree,
                   "Name of the agent's cgroup tree (one per state directory)")
      ->capture_default_str();
  serve_
      ->add_option("--pod-backoff-base", options_.pod_backoff_base_seconds,
                   "Pod recreation back-off base, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_
      ->add_option("--pod-backoff-cap", options_.pod_backoff_cap_seconds,
                   "Pod recreation back-off cap, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_
      ->add_option("--container-backoff-base", options_.container_backoff_base_seconds,
                   "Container restart (crash loop) back-off base, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_
      ->add_option("--container-backoff-cap", options_.container_backoff_cap_seconds,
                   "Container restart back-off cap, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve_
      ->add_option("--pod-event-batch", options_.pod_event_batch_seconds,
                   "Delay between a pod change and its Job's sync, seconds")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  serve_->add_flag("--user", user_,
                   "Rootless: serve only you, as you, from $XDG_STATE_HOME/batchlet (state), "
                   "$XDG_RUNTIME_DIR/batchlet (socket) and $XDG_CONFIG_HOME/batchlet/config.yaml");
  serve_
      ->add_option("--config", config_file_,
                   "Settings file (YAML); flags given here win over it. The default path is "
                   "read only when it exists")
      ->capture_default_str();
  serve_
      ->add_option("--user-host-path", options_.user_host_paths,
                   "A host directory every local user's pods may mount (hostPath) besides "
                   "their home; repeatable")
      ->check([](const std::string& p) {
        return !p.empty() && p[0] == '/' ? std::string() : "must be an absolute path";
      });
  serve_->add_option("--insecure-registry", options_.insecure_registries,
                     "Pull from this registry (HOST[:PORT]) over plain HTTP; repeatable");
  serve_
      ->add_option("--container-log-max-size", options_.container_log_max_size,
                   "Rotate a container's log at this size (quantity)")
      ->capture_default_str();
  serve_
      ->add_option("--container-log-max-files", options_.container_log_max_files,
                   "Log files kept per container, the live one included")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  serve_
      ->add_option("--pod-pids-limit", options_.pod_pids_limit,
                   "pids.max of every pod (-1: no limit)")
      ->check(CLI::Range(std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()))
      ->capture_default_str();
  serve_
      ->add_option("--user-max-pods", options_.user_max_pods,
                   "Pods of one local user's namespace running at once; the rest wait (-1: no "
                   "limit)")
      ->check(CLI::Range(std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()))
      ->capture_default_str();
  serve_
      ->add_option("--user-max-jobs", options_.user_max_jobs,
                   "Jobs stored in one local user's namespace; creating more is 403 (-1: no "
                   "limit)")
      ->check(CLI::Range(std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()))
      ->capture_default_str();
  const CLI::Validator quota_quantity(
      [](std::string& text) { return quota_quantity_error(text).value_or(std::string()); },
      "QUANTITY");
  serve_
      ->add_option("--user-max-memory", options_.user_max_memory,
                   "Sum of limits.memory of one local user's running pods (a quantity: 4Gi); "
                   "the rest wait, a Job without limits.memory is 403 (default: no limit)")
      ->check(quota_quantity);
  serve_
      ->add_option("--user-max-cpu", options_.user_max_cpu,
                   "Sum of limits.cpu of one local user's running pods (a quantity: 2, 1500m); "
                   "the rest wait, a Job without limits.cpu is 403 (default: no limit)")
      ->check(quota_quantity);
  serve_->add_flag("--evict-on-shutdown", options_.evict_on_shutdown,
                   "On SIGTERM, stop running pods as a node shutdown does (Failed, condition "
                   "DisruptionTarget) instead of leaving them for the next start to adopt");

  kubeconfig_ = app.add_subcommand("kubeconfig", "Print the kubeconfig of a serving agent");
  info_ = app.add_subcommand(
      "info",
      "Print the effective serve settings and what this host offers (cgroups, seccomp, "
      "user namespaces, overlayfs)");
  info_->add_option("--config", config_file_, "Settings file")->capture_default_str();
  info_->add_flag("--user", user_, "The settings of `serve --user`");
  kubeconfig_->add_flag("--user", user_, "The kubeconfig of `serve --user`");

  kubeconfig_->add_option("--config", config_file_, "Settings file of the serving agent")
      ->capture_default_str();
  kubeconfig_->add_option("--state-dir", options_.state_dir, "State directory")
      ->capture_default_str();
}

bool ServeCommand::selected() const {
  return serve_->parsed() || kubeconfig_->parsed() || info_->parsed();
}

ServeOptions ServeCommand::effective_options(std::string& error) const {
  ServeOptions effective;
  std::filesystem::path config_file = config_file_;
  if (user_) {
    const base::UserDirs dirs = base::user_dirs();
    effective.user = true;
    effective.state_dir = dirs.state_dir;
    effective.run_dir = dirs.run_dir;
    // Beside a system agent: a free port (the kubeconfig says which).
    effective.listen = "127.0.0.1:0";
    if (config_file == kDefaultConfigFile) config_file = dirs.config_file;
  }
  const auto given = [&](const CLI::App* app, const char* flag) {
    auto* option = app->get_option_no_throw(flag);
    return option != nullptr && option->count() > 0;
  };
  const bool config_given =
      given(serve_, "--config") || given(kubeconfig_, "--config") || given(info_, "--config");
  if (auto s = apply_config_file(config_file, config_given, effective); !s) {
    error = s.error().message();
    return effective;
  }
  // A flag given on the command line wins over the file.
  const auto take = [&](const char* flag, auto ServeOptions::*member) {
    if (given(serve_, flag) || given(kubeconfig_, flag)) effective.*member = options_.*member;
  };
  take("--state-dir", &ServeOptions::state_dir);
  take("--run-dir", &ServeOptions::run_dir);
  take("--listen", &ServeOptions::listen);
  take("--node-name", &ServeOptions::node_name);
  take("--server-minor", &ServeOptions::server_minor);
  take("--no-cgroups", &ServeOptions::cgroups);
  take("--cgroup-tree", &ServeOptions::cgroup_tree);
  take("--pod-backoff-base", &ServeOptions::pod_backoff_base_seconds);
  take("--pod-backoff-cap", &ServeOptions::pod_backoff_cap_seconds);
  take("--container-backoff-base", &ServeOptions::container_backoff_base_seconds);
  take("--container-backoff-cap", &ServeOptions::container_backoff_cap_seconds);
  take("--pod-event-batch", &ServeOptions::pod_event_batch_seconds);
  take("--evict-on-shutdown", &ServeOptions::evict_on_shutdown);
  take("--insecure-registry", &ServeOptions::insecure_registries);
  take("--container-log-max-size", &ServeOptions::container_log_max_size);
  take("--container-log-max-files", &ServeOptions::container_log_max_files);
  take("--pod-pids-limit", &ServeOptions::pod_pids_limit);
  take("--user-max-pods", &ServeOptions::user_max_pods);
  take("--user-max-jobs", &ServeOptions::user_max_jobs);
  take("--user-max-memory", &ServeOptions::user_max_memory);
  take("--user-max-cpu", &ServeOptions::user_max_cpu);
  take("--user-host-path", &ServeOptions::user_host_paths);
  return effective;
}

int ServeCommand::run() const {
  std::string error;
  const ServeOptions options = effective_options(error);
  if (!error.empty()) {
    say("error: " + error);
    return kExitBadInput;
  }
  if (serve_->parsed()) return serve(options);
  if (info_->parsed()) {
    return print_info(options, user_ && config_file_ == kDefaultConfigFile
                                   ? base::user_dirs().config_file
                                   : config_file_);
  }
  const base::Paths paths(options.state_dir);
  auto text = base::read_file(paths.kubeconfig());
  if (!text.ok()) {
    say("error: " + paths.kubeconfig().string() + ": " + text.error().message() +
        " (has `batchlet serve --state-dir " + options.state_dir.string() + "` run?)");
    return 1;
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return 0;
}

}  // namespace cli
