// agent/readiness_prober.hpp: runs one container instance's exec readiness probe (the kubelet's
// prober worker): starts the probe's command inside the container when it is due
// (runtime/container_exec.hpp), collects its result without blocking, and tells the pod worker
// when readiness changed and which Unhealthy event to record.
//
// Contract: the pod worker polls fd() (when not -1) with its other descriptors and wakes by
// next_due() (when set); after any wake it calls step(now). A probe whose container has already
// exited is dropped silently (the worker learns of the exit from the shim). Destroying the
// prober kills a probe still running.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "agent/readiness_probe.hpp"
#include "api/pod_spec.hpp"
#include "base/clock.hpp"
#include "runtime/container_exec.hpp"
#include "runtime/container_spec.hpp"

namespace agent {

class ReadinessProber {
 public:
  // `spec`: the container's runtime spec when known (read from state_dir/spec.json when not);
  // `ready`: the readiness recorded before (an adopted container keeps it until a probe says
  // otherwise).
  ReadinessProber(const api::Probe& probe, std::filesystem::path state_dir,
                  std::optional<runtime::ContainerSpec> spec, base::TimePoint started_at,
                  bool ready);

  int fd() const { return exec_.running() ? exec_.pidfd() : -1; }
  std::optional<base::TimePoint> next_due() const;

  struct Step {
    std::optional<bool> ready;  // set when readiness changed
    std::string unhealthy;      // the Unhealthy event's message; empty: no event
  };
  Step step(base::TimePoint now);

 private:
  // The probe's result, folded in; fills `out`.
  void conclude(ProbeResult result, const std::string& text, Step& out);
  base::Status start();

  std::vector<std::string> command_;
  std::filesystem::path state_dir_;
  std::optional<runtime::ContainerSpec> spec_;
  std::optional<runtime::ContainerProcess> target_;
  ReadinessProbe probe_;
  runtime::ExecProcess exec_;
};

}  // namespace agent
