// agent/readiness_prober.cpp: see readiness_prober.hpp.
#include "agent/readiness_prober.hpp"

#include <cerrno>

#include "base/file.hpp"
#include "runtime/container_spec_json.hpp"
#include "runtime/proc_identity.hpp"

namespace agent {

ReadinessProber::ReadinessProber(const api::Probe& probe, std::filesystem::path state_dir,
                                 std::optional<runtime::ContainerSpec> spec,
                                 base::TimePoint started_at, bool ready)
    : command_(probe.exec ? probe.exec->command : std::vector<std::string>{}),
      state_dir_(std::move(state_dir)),
      spec_(std::move(spec)),
      probe_(probe, started_at, ready) {}

std::optional<base::TimePoint> ReadinessProber::next_due() const {
  if (exec_.running()) return std::nullopt;
  return probe_.next_due();
}

base::Status ReadinessProber::start() {
  if (!spec_) {
    auto text = base::read_file(state_dir_ / "spec.json");
    if (!text.ok()) return text.error();
    auto spec = runtime::container_spec_from_json(*text);
    if (!spec.ok()) return spec.error();
    spec_ = std::move(*spec);
  }
  if (!target_) {
    auto target = runtime::open_container_process(state_dir_);
    if (!target.ok()) return target.error();
    target_ = std::move(*target);
  }
  auto exec = runtime::start_exec(
      *spec_, *target_,
      {command_, std::chrono::duration_cast<std::chrono::milliseconds>(probe_.timeout())});
  if (!exec.ok()) return exec.error();
  exec_ = std::move(*exec);
  return {};
}

void ReadinessProber::conclude(ProbeResult result, const std::string& text, Step& out) {
  out.unhealthy = probe_event_message(result, text);
  out.ready = probe_.record(result);
}

ReadinessProber::Step ReadinessProber::step(base::TimePoint now) {
  Step out;
  if (exec_.running()) {
    if (!runtime::pidfd_exited(exec_.pidfd())) return out;
    auto result = exec_.finish();
    exec_ = {};
    if (!result.ok() && result.error().sys_errno() == ESRCH) return out;  // the container ended
    if (!result.ok()) {
      conclude(ProbeResult::error, result.error().message(), out);
    } else if (result->timed_out) {
      conclude(ProbeResult::failure, timed_out_output(command_), out);
    } else {
      conclude(result->exit.success() ? ProbeResult::success : ProbeResult::failure, result->output,
               out);
    }
    return out;
  }
  if (now < probe_.next_due()) return out;
  probe_.started(now);
  if (auto started = start(); !started) {
    // The container ended under us: the worker hears of it from its shim.
    if (started.error().sys_errno() == ESRCH) return out;
    conclude(ProbeResult::error, started.error().message(), out);
  }
  return out;
}

}  // namespace agent
