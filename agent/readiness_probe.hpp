// agent/readiness_probe.hpp: the kubelet's readiness prober for one running container instance,
// as logic (prober worker + results manager): when the next probe is due, and how probe results
// move the container's readiness.
//
// Contract (the kubelet's; spec §11 item 6):
// - A new container starts not ready. No probe runs before startedAt + initialDelaySeconds; then
// one
//   runs every periodSeconds (measured from the previous probe's start), each limited to
//   timeoutSeconds. Zero fields mean the upstream defaults (timeout 1 s, period 10 s,
//   successThreshold 1, failureThreshold 3).
// - Readiness changes to true after successThreshold consecutive successes and to false after
//   failureThreshold consecutive failures; runs shorter than the threshold leave it as it is.
// - A probe that could not run at all (errored) is thrown away: it neither counts nor resets a
//   run, as the kubelet's worker does.
// - probe_event_message() is the Unhealthy event's text for a failed or errored probe;
//   timed_out_output() is what a timed-out exec probe reports as its output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/pod_spec.hpp"
#include "base/clock.hpp"

namespace agent {

enum class ProbeResult { success, failure, error };

class ReadinessProbe {
 public:
  // `ready`: the readiness to start from (false for a new container).
  ReadinessProbe(const api::Probe& spec, base::TimePoint container_started_at, bool ready = false);

  base::TimePoint next_due() const { return next_due_; }
  base::Duration timeout() const { return timeout_; }
  // A probe starts at `now`: the next one is due a period later.
  void started(base::TimePoint now);
  // Folds in a probe's result; returns the new readiness when it changed.
  std::optional<bool> record(ProbeResult result);
  bool ready() const { return ready_; }

 private:
  base::Duration timeout_;
  base::Duration period_;
  int success_threshold_;
  int failure_threshold_;
  base::TimePoint next_due_;
  std::optional<ProbeResult> last_;
  int run_ = 0;
  bool ready_ = false;
};

// "Readiness probe failed: <output>" or "Readiness probe errored and resulted in unknown state:
// <error>"; empty for a success.
std::string probe_event_message(ProbeResult result, const std::string& output_or_error);

// `command "cat /x" timed out` (the kubelet's CRI client's words).
std::string timed_out_output(const std::vector<std::string>& command);

}  // namespace agent
