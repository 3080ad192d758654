// agent/backoff.hpp: the two retry schedules of a Job, as pure functions of counts and times.
//
// Pod recreation (restartPolicy Never, spec §5 with the 6-minute cap of §0): after n consecutive
// failed pods, the next pod waits 10 s * 2^(n-1), capped at 360 s, from the last failure.
// Container restart (restartPolicy OnFailure, spec §6.1): the first restart is immediate, then
// 10 s doubling to 300 s; an exit more than 10 minutes after the last backoff update starts a
// fresh series.
#pragma once

#include <optional>

#include "base/clock.hpp"

namespace agent {

// Delay before the next pod after `consecutive_failures` failed pods (0 -> no delay).
base::Duration pod_recreate_delay(int consecutive_failures);
// The same schedule with another base and cap (agent flags may change them, spec §0).
base::Duration pod_recreate_delay(int consecutive_failures, base::Duration base,
                                  base::Duration cap);

// The kubelet's per-container crash-loop backoff.
class ContainerBackoff {
 public:
  // Called when the container exited and will be restarted; returns the delay before restart.
  base::Duration next(base::TimePoint exited_at);

 private:
  base::Duration delay_{};
  std::optional<base::TimePoint> updated_;
};

}  // namespace agent
