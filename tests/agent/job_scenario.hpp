// tests/agent/job_scenario.hpp: a simulated node for Job controller tests: a fake clock, the
// fake pod store, and a tiny kubelet that "runs" each created pod by a script (how long each
// container run takes and its exit codes; OnFailure restarts in place with the kubelet's
// crash-loop backoff; a deleted pod stops after `grace`). The driver syncs the job like the
// agent will: persists status and backoff record, honours requeue_after, and jumps the clock
// straight to the next timer or pod transition, so hours of backoff take microseconds.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "agent/backoff.hpp"
#include "agent/job_controller.hpp"
#include "base/clock.hpp"
#include "tests/agent/controller_fakes.hpp"

namespace agent::testing {

struct PodScript {
  base::Duration start_delay = std::chrono::seconds(0);  // created -> running
  base::Duration run_time = std::chrono::seconds(1);     // each container run
  std::vector<int> exits = {0};  // exit code of run 1, 2, ...; the last one repeats
};

class Scenario {
 public:
  explicit Scenario(api::Job j) : job(std::move(j)) { restart_controller(); }

  // A fresh controller with no memory, as after an agent restart; the job, its pods and the
  // persisted backoff record stay.
  void restart_controller() {
    controller = std::make_unique<JobController>(clock, pods, events, options);
  }

  SyncResult sync() {
    // A snapshot, like a list from the store: PodControl calls change the store, not the input.
    const std::vector<ControllerPod> snapshot = pods.pods;
    SyncResult r = controller->sync(job, snapshot, backoff);
    ++syncs;
    if (on_sync) on_sync(r);
    if (crash_before_persist && crash_before_persist()) {
      // The agent died after the pod writes of this sync but before its status write.
      ++crashes;
      restart_controller();
      r.requeue_after = base::Duration::zero();
      r.status_changed = true;  // (for run(): the next sync must happen)
      return r;
    }
    if (r.status_changed) job.status = r.status;
    if (r.backoff_changed) backoff = r.backoff;
    return r;
  }

  // Syncs at the current time until the controller asks for no immediate resync.
  SyncResult settle() {
    for (int i = 0;; ++i) {
      SyncResult r = sync();
      if (!r.requeue_after || *r.requeue_after > base::Duration::zero() || i > 1000) return r;
    }
  }

  // Runs until the job finishes, nothing more can happen, or `limit` of simulated time passed.
  void run(base::Duration limit) {
    const base::TimePoint end = clock.now() + limit;
    kubelet();
    for (int guard = 0; guard < 10'000'000 && !job.status.finished(); ++guard) {
      const SyncResult r = sync();
      const auto [changed, next_pod] = kubelet();
      if (changed) continue;
      std::optional<base::TimePoint> next = next_pod;
      if (r.requeue_after) {
        if (*r.requeue_after == base::Duration::zero() && r.status_changed) continue;
        const base::TimePoint t = clock.now() + std::max(*r.requeue_after, base::Duration(1));
        if (!next || t < *next) next = t;
      }
      if (!next || *next > end) return;
      clock.set(*next);
      kubelet();
    }
  }

  base::FakeClock clock;
  FakePodControl pods{clock};
  RecordingEvents events;
  ControllerOptions options;
  std::unique_ptr<JobController> controller;
  api::Job job;
  BackoffRecord backoff;
  std::function<PodScript(const ControllerPod&)> script = [](const ControllerPod&) {
    return PodScript{};
  };
  base::Duration grace = std::chrono::seconds(0);
  std::function<void(const SyncResult&)> on_sync;  // sees every result
  std::function<bool()> crash_before_persist;      // true: lose this sync's status write
  int syncs = 0;
  int crashes = 0;

 private:
  struct Sim {
    PodScript script;
    enum class State { pending, running, waiting_restart } state = State::pending;
    std::size_t run = 0;
    base::TimePoint next_at{};
    ContainerBackoff backoff;
  };

  // Applies every pod transition due now; returns whether something changed and when the
  // next transition is due.
  std::pair<bool, std::optional<base::TimePoint>> kubelet() {
    const base::TimePoint now = clock.now();
    bool changed = false;
    std::optional<base::TimePoint> next;
    const bool on_failure = job.spec.template_.spec.restart_policy == "OnFailure";
    for (bool again = true; again;) {
      again = false;
      for (ControllerPod& p : pods.pods) {
        if (is_terminal(p)) continue;
        auto [it, fresh] = sims_.try_emplace(p.uid);
        Sim& sim = it->second;
        if (fresh) {
          sim.script = script(p);
          sim.next_at = *p.creation_time + sim.script.start_delay;
        }
        if (p.deletion_time) {
          const base::TimePoint stop = *p.deletion_time + grace;
          if (now >= stop) {
            pods.finish(p, PodPhase::failed, stop, 143);  // died of SIGTERM
            again = changed = true;
            break;  // finish() may erase pods
          }
          if (!next || stop < *next) next = stop;
          continue;
        }
        if (now < sim.next_at) {
          if (!next || sim.next_at < *next) next = sim.next_at;
          continue;
        }
        changed = again = true;
        if (sim.state == Sim::State::pending || sim.state == Sim::State::waiting_restart) {
          if (sim.state == Sim::State::waiting_restart)
            ++p.restart_count, ++p.max_container_restarts;
          sim.state = Sim::State::running;
          p.phase = PodPhase::running;
          p.ready = true;
          p.ready_since = now;
          sim.next_at = now + sim.script.run_time;
          continue;
        }
        const auto& exits = sim.script.exits;
        const int code = exits[std::min(sim.run, exits.size() - 1)];
        ++sim.run;
        if (code == 0 || !on_failure) {
          pods.finish(p, code == 0 ? PodPhase::succeeded : PodPhase::failed, now, code);
          break;  // finish() may erase pods
        }
        p.ready = false;
        p.not_ready_since = now;
        sim.state = Sim::State::waiting_restart;
        sim.next_at = now + sim.backoff.next(now);
      }
    }
    return {changed, next};
  }

  std::map<std::string, Sim> sims_;
};

}  // namespace agent::testing
