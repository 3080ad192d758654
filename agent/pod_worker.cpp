#include "agent/pod_worker.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "agent/container_limits.hpp"
#include "agent/container_spec_builder.hpp"
#include "agent/event_store.hpp"
#include "agent/image_pull.hpp"
#include "agent/pod_objects.hpp"
#include "agent/pod_status_logic.hpp"
#include "cgroups/manager.hpp"
#include "runtime/host_path.hpp"
#include "runtime/proc_identity.hpp"
#include "runtime/registry_client.hpp"

namespace agent {
namespace {

constexpr std::chrono::seconds kConfigRetry{10};
// After a stop request, how long past the grace period the worker waits for the shims.
constexpr std::chrono::seconds kStopSlack{10};

std::string field_path(const api::Container& c, bool init) {
  return std::string(init ? "spec.initContainers{" : "spec.containers{") + c.name + "}";
}

bool should_restart(const std::string& policy, std::int32_t exit_code) {
  if (policy == "Always") return true;
  if (policy == "OnFailure") return exit_code != 0;
  return false;
}

// A shim that died without recording an exit: the kubelet's "lost" container (exit 137).
runtime::ExitStatus exit_or_lost(const base::Result<runtime::ExitStatus>& exit,
                                 base::TimePoint now) {
  if (exit.ok()) return *exit;
  runtime::ExitStatus lost;
  lost.exit.exit_code = 137;
  lost.finished_at = now;
  return lost;
}

std::string pod_ref(const api::Pod& pod) {
  return pod.metadata.name + "_" + pod.metadata.namespace_ + "(" + pod.metadata.uid + ")";
}

}  // namespace

PodWorker::PodWorker(PodWorkerDeps deps, api::Pod pod,
                     std::map<std::string, runtime::RecoveredContainer> adopted)
    : deps_(deps),
      latest_(pod),
      pod_(std::move(pod)),
      adopted_(std::move(adopted)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  thread_ = std::thread([this] { run(); });
}

PodWorker::~PodWorker() {
  detach();
  if (thread_.joinable()) thread_.join();
}

bool PodWorker::update(const api::Pod& pod) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    latest_ = pod;
  }
  const std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  return true;
}

void PodWorker::kill_now() {
  kill_ = true;
  stop_ = true;
  const std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
}

void PodWorker::evict_for_shutdown() {
  evict_ = true;
  const std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
}

bool PodWorker::evicted_for_shutdown() {
  if (!evict_) return false;
  // Upstream nodeShutdownMessage / nodeShutdownReason / PodReasonTerminationByKubelet.
  const std::string message = "Pod was terminated in response to imminent node shutdown.";
  stop_all(std::chrono::seconds(pod_.spec.termination_grace_period_seconds.value_or(30)), true);
  api::PodCondition disruption;
  disruption.type = "DisruptionTarget";
  disruption.status = "True";
  disruption.reason = "TerminationByKubelet";
  disruption.message = message;
  disruption.last_transition_time = deps_.clock->now();
  std::erase_if(pod_.status.conditions,
                [](const api::PodCondition& c) { return c.type == "DisruptionTarget"; });
  pod_.status.conditions.push_back(std::move(disruption));
  finish_terminal("Terminated", message);
  return true;
}

void PodWorker::detach() {
  stop_ = true;
  const std::uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
}

void PodWorker::run() {
  script();
  if (!stop_ && !kill_ && !evict_) {
    // The pod ended (its own deadline, its containers) while or before it was deleted: the
    // kubelet's part of the deletion is then only to let the object go. Closing under the
    // lock makes a later update() fail, so the pod manager handles that one itself.
    std::optional<api::Pod> deleted;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      if (latest_.metadata.deletion_timestamp &&
          latest_.metadata.deletion_grace_period_seconds.value_or(-1) != 0) {
        deleted = latest_;
        deleted->status = pod_.status;
      }
    }
    if (deleted) {
      if (auto done = deps_.status->finish_deletion(*deleted); !done.ok()) {
        spdlog::warn("pod {}: {}", pod_.metadata.name, done.error().message());
      }
    }
  }
  if (kill_) {
    for (auto& [name, live] : live_) {
      (void)runtime::stop_container(live.handle, base::Duration::zero());
      (void)runtime::wait_container(live.handle);
    }
  }
  finished_ = true;
}

api::Pod PodWorker::snapshot() {
  std::lock_guard lock(mutex_);
  api::Pod out = latest_;
  out.status = pod_.status;
  return out;
}

bool PodWorker::deleting() {
  std::lock_guard lock(mutex_);
  return latest_.metadata.deletion_timestamp.has_value();
}

std::optional<base::TimePoint> PodWorker::deadline() const {
  if (!pod_.spec.active_deadline_seconds || !pod_.status.start_time) return std::nullopt;
  return *pod_.status.start_time + std::chrono::seconds(*pod_.spec.active_deadline_seconds);
}

void PodWorker::write_status() {
  pod_.status.phase = pod_phase(pod_.spec, pod_.status);
  refresh_conditions(pod_.spec, pod_.status, deps_.clock->now());
  deps_.events->flush();  // the Events that explain this status go first
  if (auto written = deps_.status->update_status(snapshot()); !written.ok()) {
    spdlog::warn("pod {}: {}", pod_.metadata.name, written.error().message());
  }
}

void PodWorker::event(const api::Container* c, bool init, std::string_view type,
                      std::string_view reason, const std::string& message) {
  deps_.events->record(involved_pod(pod_, c ? field_path(*c, init) : std::string()), type, reason,
                       message, "kubelet");
}

PodWorker::Wake PodWorker::wait(std::optional<base::TimePoint> until) {
  std::vector<pollfd> fds;
  fds.push_back({wake_.get(), POLLIN, 0});
  for (auto& [name, live] : live_) {
    fds.push_back({live.handle.shim_pidfd.get(), POLLIN, 0});
    if (live.prober && live.prober->fd() >= 0) fds.push_back({live.prober->fd(), POLLIN, 0});
  }
  int timeout = -1;
  if (until) {
    const auto left = *until - deps_.clock->now();
    timeout = left <= base::Duration::zero()
                  ? 0
                  : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
  }
  const int n = ::poll(fds.data(), fds.size(), timeout);
  if (stop_) return Wake::stop;
  if (n < 0) return Wake::update;  // EINTR: look again
  if (n == 0) return Wake::timer;
  if (fds[0].revents != 0) {
    std::uint64_t count = 0;
    (void)!::read(wake_.get(), &count, sizeof count);
    return Wake::update;
  }
  return Wake::exit;
}

void PodWorker::script() {
  if (pod_.status.phase == api::kPodSucceeded || pod_.status.phase == api::kPodFailed) return;
  if (!prepare()) return;
  if (!set_up_volumes()) return;
  if (!resolve_images()) return;
  if (!run_init_containers()) return;
  run_containers();
}

bool PodWorker::prepare() {
  const PodManagerOptions& o = *deps_.options;
  std::error_code ec;
  std::filesystem::create_directories(o.paths.pod_dir(pod_.metadata.uid), ec);
  for (const api::Volume& v : pod_.spec.volumes) {
    if (v.empty_dir && v.empty_dir->medium != "Memory") {
      std::filesystem::create_directories(empty_dir_path(o.paths, pod_.metadata.uid, v.name), ec);
    }
  }
  if (o.cgroups != nullptr) {
    const auto owner = controller_of(pod_.metadata);
    auto job = o.cgroups->create_job(owner ? owner->uid : "standalone");
    if (job.ok()) {
      job->release();
      auto pod = job->open_child(pod_.metadata.uid);
      if (!pod.ok())
        pod = o.cgroups->create_pod(*job, pod_.metadata.uid,
                                    pod_cgroup_limits(pod_.spec, o.pod_pids_limit));
      if (pod.ok()) {
        pod->release();
        cgroup_relative_ = pod->relative();
      } else {
        spdlog::warn("pod {}: cgroup: {}", pod_.metadata.name, pod.error().message());
      }
    } else {
      spdlog::warn("pod {}: cgroup: {}", pod_.metadata.name, job.error().message());
    }
  }
  if (!pod_.status.start_time) pod_.status.start_time = deps_.clock->now();
  pod_.status.host_ip = o.host_ip;
  pod_.status.pod_ip = o.host_ip;  // host network
  pod_.status.qos_class = qos_class(pod_.spec);
  const bool has_init = !pod_.spec.init_containers.empty();
  for (const auto& c : pod_.spec.init_containers) {
    container_status(pod_.status.init_container_statuses, c, "PodInitializing");
  }
  for (const auto& c : pod_.spec.containers) {
    container_status(pod_.status.container_statuses, c,
                     has_init ? "PodInitializing" : "ContainerCreating");
  }
  write_status();
  return true;
}

bool PodWorker::set_up_volumes() {
  for (const api::Volume& v : pod_.spec.volumes) {
    if (!v.host_path) continue;
    // As the kubelet: the pod stays ContainerCreating with a FailedMount event, and the
    // set-up is retried until it works or the pod is deleted.
    for (;;) {
      const auto type = runtime::parse_host_path_type(v.host_path->type.value_or(""));
      const base::Status done = type.ok() ? runtime::check_host_path(v.host_path->path, *type)
                                          : base::Status(type.error());
      if (done.ok()) break;
      event(nullptr, false, "Warning", "FailedMount",
            "MountVolume.SetUp failed for volume \"" + v.name + "\" : " + done.error().message());
      if (!wait_to_retry(deps_.clock->now() + std::chrono::seconds(10))) return false;
    }
  }
  return true;
}

bool PodWorker::run_ends(Wake w) {
  if (w == Wake::stop || evicted_for_shutdown()) return true;
  if (!deleting()) return false;
  finish_deletion();
  return true;
}

bool PodWorker::wait_to_retry(base::TimePoint retry) {
  for (;;) {
    const Wake w = wait(retry);
    if (run_ends(w)) return false;
    if (w == Wake::timer) return true;
  }
}

bool PodWorker::resolve_images() {
  const PodManagerOptions& o = *deps_.options;
  ImagePullBackoff pull_backoff;
  std::vector<std::pair<const api::Container*, bool>> all;
  for (const auto& c : pod_.spec.init_containers) all.push_back({&c, true});
  for (const auto& c : pod_.spec.containers) all.push_back({&c, false});
  for (const auto& [c, init] : all) {
    if (c->image == kHostImageName) {
      images_[c->name] = nullptr;
      continue;
    }
    for (;;) {
      const auto present = [&](const std::string& ref) {
        return o.images != nullptr && o.images->find(ref).ok();
      };
      ImageDecision decision = decide_image(c->image, c->image_pull_policy, pod_.metadata.uid,
                                            pull_backoff, deps_.clock->now(), present);
      if (decision.action == ImageAction::pull && o.images != nullptr) {
        event(c, init, "Normal", "Pulling", "Pulling image \"" + c->image + "\"");
        const auto began = deps_.clock->now();
        auto pulled = runtime::pull_image(*o.images, decision.image, o.registry);
        std::optional<std::string> error;
        std::uint64_t size = 0;
        if (pulled.ok()) {
          size = pulled->size();
        } else {
          error = pulled.error().message();
        }
        decision = pull_finished(c->image, pod_.metadata.uid, error, deps_.clock->now() - began,
                                 size, pull_backoff, deps_.clock->now());
        if (!error) decision.action = ImageAction::use_present;
      }
      if (!decision.event.reason.empty()) {
        event(c, init, decision.event.type, decision.event.reason, decision.event.message);
      }
      if (decision.action == ImageAction::use_present && o.images != nullptr) {
        auto resolved = o.images->resolve(decision.image);
        if (resolved.ok()) {
          resolved_[c->name] = std::move(*resolved);
          images_[c->name] = &resolved_[c->name];
          break;
        }
        decision.waiting_reason = std::string(kReasonErrImagePull);
        decision.message = resolved.error().message();
      }
      // The container waits with the kubelet's reason; the pod stays Pending until the image
      // can be had (a later retry) or the pod is deleted.
      auto& statuses = init ? pod_.status.init_container_statuses : pod_.status.container_statuses;
      api::ContainerStatus& s = container_status(statuses, *c, "ContainerCreating");
      s.state = {};
      s.state.waiting = api::ContainerStateWaiting{decision.waiting_reason, decision.message};
      write_status();
      if (!wait_to_retry(deps_.clock->now() + std::chrono::seconds(10))) return false;
    }
  }
  return true;
}

bool PodWorker::start(const api::Container& c, bool init) {
  const PodManagerOptions& o = *deps_.options;
  auto& statuses = init ? pod_.status.init_container_statuses : pod_.status.container_statuses;
  api::ContainerStatus& s = container_status(statuses, c, "ContainerCreating");
  // restartCount grows when a new instance replaces one that existed (spec §6.1).
  const bool ran_before = !s.container_id.empty();
  const std::int32_t restart = ran_before ? s.restart_count + 1 : 0;
  std::filesystem::path cgroup;
  if (!cgroup_relative_.empty() && o.cgroups != nullptr) {
    auto pod_cg = cgroups::Cgroup::open_root(o.cgroups->tree().mount(), cgroup_relative_);
    if (pod_cg.ok()) {
      // A leaf per instance: the previous one's shim may still be tearing its leaf down.
      auto leaf = pod_cg->make_child(c.name + "-" + std::to_string(restart), true);
      if (leaf.ok()) {
        // The container's own limits (controllers this host lacks are skipped, with the
        // degradation warning the cgroups manager logged at start).
        if (auto applied = o.cgroups->apply_limits(*leaf, container_limits(c)); !applied.ok()) {
          spdlog::warn("pod {}: container {}: {}", pod_.metadata.name, c.name,
                       applied.error().message());
        }
        leaf->release();
        cgroup = leaf->path();
      }
    }
  }
  ContainerContext ctx;
  ctx.pod = &pod_;
  ctx.container = &c;
  ctx.init = init;
  ctx.image = images_.count(c.name) ? images_[c.name] : nullptr;
  ctx.paths = o.paths;
  ctx.restart_count = restart;
  ctx.cgroup_dir = cgroup;
  ctx.shim_binary = o.shim_binary;
  ctx.log_rotation = o.log_rotation;
  base::Status owner_known;
  if (o.namespace_owner) {
    auto owner = o.namespace_owner(pod_.metadata.namespace_);
    if (owner.ok()) ctx.owner = std::move(*owner);
    owner_known = owner.ok() ? base::Status() : base::Status(owner.error());
  }
  // An owner that cannot be looked up is a config error like any other: nothing runs as
  // anyone else meanwhile.
  auto request = owner_known.ok() ? build_start_request(ctx)
                                  : base::Result<runtime::StartRequest>(owner_known.error());
  if (!request.ok()) {
    s.state = {};
    s.state.waiting =
        api::ContainerStateWaiting{"CreateContainerConfigError", request.error().message()};
    event(&c, init, "Warning", "Failed", "Error: " + request.error().message());
    write_status();
    restart_at_[c.name] = deps_.clock->now() + kConfigRetry;
    return false;
  }
  if (request->spec.rootfs.kind == runtime::RootfsSpec::Kind::overlay) {
    std::error_code ec;
    for (const auto& dir : {request->spec.rootfs.upper_dir, request->spec.rootfs.work_dir,
                            request->spec.rootfs.mount_point}) {
      std::filesystem::create_directories(dir, ec);
    }
  }
  const std::string container_id = "batchlet://" + request->spec.id;
  auto handle = runtime::start_container(*request);
  if (s.state.terminated) {
    s.last_state = {};
    s.last_state.terminated = s.state.terminated;
  }
  s.restart_count = restart;
  s.container_id = container_id;
  s.image_id = ctx.image ? ctx.image->record.id.str() : "";
  if (!handle.ok()) {
    runtime::ExitStatus failed;
    failed.exit.exit_code = 128;
    failed.finished_at = deps_.clock->now();
    failed.start_error = handle.error().message();
    record_exit(c, init, failed);
    return false;
  }
  event(&c, init, "Normal", "Created", "Created container: " + c.name);
  s.state = {};
  s.state.running = api::ContainerStateRunning{handle->started_at};
  s.started = true;
  const bool probed = !init && c.readiness_probe && c.readiness_probe->exec;
  s.ready = !init && !probed;
  write_status();
  event(&c, init, "Normal", "Started", "Started container " + c.name);
  live_[c.name] = Live{std::move(*handle), init, nullptr};
  if (probed) start_prober(c.name, std::move(request->spec), false);
  return true;
}

void PodWorker::start_prober(const std::string& name, std::optional<runtime::ContainerSpec> spec,
                             bool ready) {
  const api::Container* c = container_named(name);
  Live& live = live_.at(name);
  if (c == nullptr || live.init || !c->readiness_probe || !c->readiness_probe->exec) return;
  live.prober = std::make_unique<ReadinessProber>(*c->readiness_probe, live.handle.state_dir,
                                                  std::move(spec), live.handle.started_at, ready);
}

const api::Container* PodWorker::container_named(const std::string& name) const {
  const api::Container* found = nullptr;
  for (const auto* list : {&pod_.spec.init_containers, &pod_.spec.containers}) {
    for (const auto& candidate : *list) {
      if (candidate.name == name) found = &candidate;
    }
  }
  return found;
}

void PodWorker::run_probes(base::TimePoint now) {
  for (auto& [name, live] : live_) {
    if (!live.prober) continue;
    const ReadinessProber::Step step = live.prober->step(now);
    const api::Container* c = container_named(name);
    if (c == nullptr) continue;
    if (!step.unhealthy.empty()) event(c, false, "Warning", "Unhealthy", step.unhealthy);
    if (step.ready) {
      container_status(pod_.status.container_statuses, *c, "").ready = *step.ready;
      write_status();
    }
  }
}

void PodWorker::record_exit(const api::Container& c, bool init, const runtime::ExitStatus& exit,
                            bool lost) {
  auto& statuses = init ? pod_.status.init_container_statuses : pod_.status.container_statuses;
  api::ContainerStatus& s = container_status(statuses, c, "ContainerCreating");
  if (s.container_id.empty()) s.container_id = "batchlet://" + pod_.metadata.uid + "_" + c.name;
  s.state = {};
  s.state.terminated = terminated_state(exit, s.container_id, false);
  if (lost) {
    s.state.terminated->reason = "ContainerStatusUnknown";
    s.state.terminated->message = "The container could not be located when the pod was terminated";
  }
  s.ready = false;
  s.started = false;
  if (!exit.start_error.empty()) {
    event(&c, init, "Warning", "Failed", "Error: " + exit.start_error);
  }
  write_status();
}

void PodWorker::stop_all(base::Duration grace, bool killing_event) {
  for (auto& [name, live] : live_) {
    const api::Container* c = container_named(name);
    live.prober.reset();  // readiness is moot while the pod stops
    if (killing_event && c != nullptr) {
      event(c, live.init, "Normal", "Killing", "Stopping container " + name);
    }
    (void)runtime::stop_container(live.handle, grace);
  }
  restart_at_.clear();
  const auto give_up = deps_.clock->now() + grace + kStopSlack;
  while (!live_.empty()) {
    for (auto it = live_.begin(); it != live_.end();) {
      if (!runtime::pidfd_exited(it->second.handle.shim_pidfd.get())) {
        ++it;
        continue;
      }
      auto exit = runtime::collect_exit(it->second.handle);
      if (const api::Container* c = container_named(it->first); c != nullptr) {
        record_exit(*c, it->second.init, exit_or_lost(exit, deps_.clock->now()), !exit.ok());
      }
      it = live_.erase(it);
    }
    if (live_.empty() || deps_.clock->now() > give_up) break;
    std::vector<pollfd> fds;
    for (auto& [name, live] : live_) fds.push_back({live.handle.shim_pidfd.get(), POLLIN, 0});
    (void)::poll(fds.data(), fds.size(), 100);
  }
}

void PodWorker::finish_terminal(const std::string& reason, const std::string& message) {
  pod_.status.reason = reason;
  pod_.status.message = message;
  write_status();
  pod_.status.phase = std::string(api::kPodFailed);
  refresh_conditions(pod_.spec, pod_.status, deps_.clock->now());
  (void)deps_.status->update_status(snapshot());
}

void PodWorker::finish_deletion() {
  api::Pod latest = snapshot();
  const base::Duration grace =
      std::chrono::seconds(latest.metadata.deletion_grace_period_seconds.value_or(
          pod_.spec.termination_grace_period_seconds.value_or(30)));
  stop_all(grace, true);
  // Terminated by deletion: Succeeded only if every container ran and exited 0 (spec §6.2).
  bool all_zero = !pod_.status.container_statuses.empty();
  for (const auto& s : pod_.status.container_statuses) {
    all_zero = all_zero && s.state.terminated && s.state.terminated->exit_code == 0;
  }
  pod_.status.phase = all_zero ? std::string(api::kPodSucceeded) : std::string(api::kPodFailed);
  refresh_conditions(pod_.spec, pod_.status, deps_.clock->now());
  (void)deps_.status->update_status(snapshot());
  if (auto done = deps_.status->finish_deletion(snapshot()); !done.ok()) {
    spdlog::warn("pod {}: {}", pod_.metadata.name, done.error().message());
  }
}

bool PodWorker::run_init_containers() {
  for (const api::Container& c : pod_.spec.init_containers) {
    for (;;) {
      api::ContainerStatus& s = container_status(pod_.status.init_container_statuses, c, "");
      if (s.state.terminated && s.state.terminated->exit_code == 0) break;
      if (auto adopted = adopted_.find(c.name); adopted != adopted_.end()) {
        auto rc = std::move(adopted->second);
        adopted_.erase(adopted);
        if (rc.state == runtime::RecoveredContainer::State::running && rc.handle) {
          live_[c.name] = Live{std::move(*rc.handle), true, nullptr};
        } else if (rc.state == runtime::RecoveredContainer::State::exited && rc.exit) {
          if (!(s.state.terminated && s.state.terminated->finished_at == rc.exit->finished_at)) {
            record_exit(c, true, *rc.exit);
          }
          continue;
        }
      } else if (!live_.count(c.name) && !restart_at_.count(c.name)) {
        start(c, true);
        continue;
      }
      if (restart_at_.count(c.name) && !live_.count(c.name)) {
        const Wake w = wait(restart_at_[c.name]);
        if (run_ends(w)) return false;
        if (w == Wake::timer) {
          restart_at_.erase(c.name);
          start(c, true);
        }
        continue;
      }
      const Wake w = wait(deadline());
      if (run_ends(w)) return false;
      if (w == Wake::timer && deadline() && deps_.clock->now() >= *deadline()) {
        stop_all(std::chrono::seconds(pod_.spec.termination_grace_period_seconds.value_or(30)),
                 true);
        finish_terminal("DeadlineExceeded",
                        "Pod was active on the node longer than the specified deadline");
        return false;
      }
      auto& live = live_[c.name];
      if (!runtime::pidfd_exited(live.handle.shim_pidfd.get())) continue;
      auto exit = runtime::collect_exit(live.handle);
      live_.erase(c.name);
      const runtime::ExitStatus e = exit_or_lost(exit, deps_.clock->now());
      record_exit(c, true, e, !exit.ok());
      if (e.exit.code() == 0 && e.start_error.empty()) break;
      if (pod_.spec.restart_policy == "Never") return false;  // pod Failed (written)
      restart_at_[c.name] = deps_.clock->now() + std::chrono::seconds(0);
    }
  }
  for (const auto& c : pod_.spec.containers) {
    api::ContainerStatus& s = container_status(pod_.status.container_statuses, c, "");
    if (s.state.waiting && s.state.waiting->reason == "PodInitializing") {
      s.state.waiting->reason = "ContainerCreating";
    }
  }
  return true;
}

void PodWorker::run_containers() {
  const PodManagerOptions& o = *deps_.options;
  const std::string& policy = pod_.spec.restart_policy;
  const auto next_delay = [&](const std::string& name, base::TimePoint exited) {
    auto& [delay, updated] = backoff_[name];
    // The kubelet: the first restart is immediate; an exit long after the last one starts a
    // fresh series (spec §6.1).
    if (!updated || exited - *updated > 2 * o.container_backoff_cap) {
      delay = base::Duration::zero();
    } else if (delay == base::Duration::zero()) {
      delay = o.container_backoff_base;
    } else {
      delay = std::min(delay * 2, o.container_backoff_cap);
    }
    updated = exited;
    return delay;
  };
  const auto schedule_restart = [&](const api::Container& c, base::TimePoint exited) {
    const base::Duration delay = next_delay(c.name, exited);
    restart_at_[c.name] = exited + delay;
    if (delay > base::Duration::zero()) {
      api::ContainerStatus& s = container_status(pod_.status.container_statuses, c, "");
      if (s.state.terminated) {
        s.last_state = {};
        s.last_state.terminated = s.state.terminated;
      }
      const std::string d = go_duration(delay);
      s.state = {};
      s.state.waiting = api::ContainerStateWaiting{
          "CrashLoopBackOff",
          "back-off " + d + " restarting failed container=" + c.name + " pod=" + pod_ref(pod_)};
      event(&c, false, "Warning", "BackOff",
            "Back-off restarting failed container " + c.name + " in pod " + pod_ref(pod_));
      write_status();
    }
  };

  for (const api::Container& c : pod_.spec.containers) {
    api::ContainerStatus& s = container_status(pod_.status.container_statuses, c, "");
    if (auto adopted = adopted_.find(c.name); adopted != adopted_.end()) {
      auto rc = std::move(adopted->second);
      adopted_.erase(adopted);
      if (rc.state == runtime::RecoveredContainer::State::running && rc.handle) {
        live_[c.name] = Live{std::move(*rc.handle), false, nullptr};
        start_prober(c.name, std::nullopt, s.ready);
        continue;
      }
      if (rc.state == runtime::RecoveredContainer::State::exited && rc.exit) {
        const bool applied =
            (s.state.terminated && s.state.terminated->finished_at == rc.exit->finished_at) ||
            (s.last_state.terminated &&
             s.last_state.terminated->finished_at == rc.exit->finished_at);
        if (!applied) record_exit(c, false, *rc.exit);
      } else if (rc.state == runtime::RecoveredContainer::State::lost && !s.state.terminated) {
        runtime::ExitStatus lost;
        lost.exit.exit_code = 137;
        lost.finished_at = deps_.clock->now();
        record_exit(c, false, lost);
        s.state.terminated->reason = "ContainerStatusUnknown";
        s.state.terminated->message =
            "The container could not be located when the pod was terminated";
        write_status();
      }
    }
    if (s.state.terminated) {
      if (should_restart(policy, s.state.terminated->exit_code)) {
        schedule_restart(c, s.state.terminated->finished_at.value_or(deps_.clock->now()));
      }
      continue;
    }
    if (s.state.waiting && s.last_state.terminated) {
      // Restarting when the previous agent stopped: go on with a fresh delay.
      restart_at_[c.name] = deps_.clock->now();
      continue;
    }
    start(c, false);
  }

  for (;;) {
    if (live_.empty() && restart_at_.empty()) {
      write_status();
      return;
    }
    std::optional<base::TimePoint> until = deadline();
    for (const auto& [name, at] : restart_at_) {
      if (at && (!until || *at < *until)) until = at;
    }
    for (const auto& [name, live] : live_) {
      const auto due = live.prober ? live.prober->next_due() : std::nullopt;
      if (due && (!until || *due < *until)) until = due;
    }
    const Wake w = wait(until);
    if (run_ends(w)) return;
    const base::TimePoint now = deps_.clock->now();
    if (deadline() && now >= *deadline()) {
      stop_all(std::chrono::seconds(pod_.spec.termination_grace_period_seconds.value_or(30)), true);
      finish_terminal("DeadlineExceeded",
                      "Pod was active on the node longer than the specified deadline");
      return;
    }
    for (auto it = live_.begin(); it != live_.end();) {
      if (!runtime::pidfd_exited(it->second.handle.shim_pidfd.get())) {
        ++it;
        continue;
      }
      auto exit = runtime::collect_exit(it->second.handle);
      const runtime::ExitStatus e = exit_or_lost(exit, now);
      const bool lost = !exit.ok();
      const std::string name = it->first;
      it = live_.erase(it);
      for (const api::Container& c : pod_.spec.containers) {
        if (c.name != name) continue;
        record_exit(c, false, e, lost);
        const std::int32_t code = pod_.status.container_statuses.empty()
                                      ? e.exit.code()
                                      : container_status(pod_.status.container_statuses, c, "")
                                            .state.terminated->exit_code;
        if (should_restart(policy, code)) schedule_restart(c, e.finished_at);
      }
    }
    run_probes(now);
    for (auto it = restart_at_.begin(); it != restart_at_.end();) {
      if (it->second && *it->second <= now) {
        const std::string name = it->first;
        it = restart_at_.erase(it);
        for (const api::Container& c : pod_.spec.containers) {
          if (c.name == name) start(c, false);
        }
      } else {
        ++it;
      }
    }
  }
}

}  // namespace agent
