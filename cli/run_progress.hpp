// cli/run_progress.hpp: the progress lines `batchlet run` prints, derived from what the agent's
// informer shows of the Job and its pods (so they say what `kubectl get`/`describe` would).
//
// Contract: update() is called after every round of the agent's loop with the current state;
// it returns the lines for what changed since the last call, each once, in this order: pods
// created, container states (started / terminated with reason and exit code / waiting with a
// reason other than ContainerCreating and PodInitializing, e.g. CrashLoopBackOff or
// ErrImagePull), the Job's counts when they changed, and the pod-recreation back-off when one
// starts ("job.batch/fail: back-off 10s before the next pod"). Pure: no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/informer.hpp"
#include "base/clock.hpp"

namespace cli {

class RunProgress {
 public:
  std::vector<std::string> update(const agent::CachedJob& job,
                                  const std::vector<const agent::CachedPod*>& pods,
                                  std::optional<base::Duration> backoff_remaining);

 private:
  struct ContainerSeen {
    std::int32_t restart_count = -1;
    std::string state;  // "running", "terminated", "waiting:<reason>"
  };
  std::map<std::string, bool> pods_seen_;                 // by pod uid
  std::map<std::string, ContainerSeen> containers_seen_;  // "<pod uid>/<container>"
  std::string counts_;
  std::int32_t backoff_announced_for_ = -1;  // failed count the last back-off line was for
};

// Go's time.Duration text rounded to whole seconds ("10s", "1m20s").
std::string seconds_text(base::Duration d);

}  // namespace cli
