// agent/readiness_probe.cpp: see readiness_probe.hpp.
#include "agent/readiness_probe.hpp"

#include <algorithm>

namespace agent {
namespace {

int or_default(std::int32_t value, int fallback) { return value > 0 ? value : fallback; }

}  // namespace

ReadinessProbe::ReadinessProbe(const api::Probe& spec, base::TimePoint container_started_at,
                               bool ready)
    : timeout_(std::chrono::seconds(or_default(spec.timeout_seconds, 1))),
      period_(std::chrono::seconds(or_default(spec.period_seconds, 10))),
      success_threshold_(or_default(spec.success_threshold, 1)),
      failure_threshold_(or_default(spec.failure_threshold, 3)),
      next_due_(container_started_at +
                std::chrono::seconds(std::max<std::int32_t>(0, spec.initial_delay_seconds))),
      ready_(ready) {}

void ReadinessProbe::started(base::TimePoint now) { next_due_ = now + period_; }

std::optional<bool> ReadinessProbe::record(ProbeResult result) {
  if (result == ProbeResult::error) return std::nullopt;
  if (last_ == result) {
    ++run_;
  } else {
    last_ = result;
    run_ = 1;
  }
  const bool success = result == ProbeResult::success;
  if (run_ < (success ? success_threshold_ : failure_threshold_)) return std::nullopt;
  if (ready_ == success) return std::nullopt;
  ready_ = success;
  return ready_;
}

std::string probe_event_message(ProbeResult result, const std::string& output_or_error) {
  switch (result) {
    case ProbeResult::success:
      return "";
    case ProbeResult::failure:
      return "Readiness probe failed: " + output_or_error;
    case ProbeResult::error:
      return "Readiness probe errored and resulted in unknown state: " + output_or_error;
  }
  return "";
}

std::string timed_out_output(const std::vector<std::string>& command) {
  std::string joined;
  for (const auto& word : command) {
    if (!joined.empty()) joined += ' ';
    joined += word;
  }
  std::string quoted = "\"";
  for (char ch : joined) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  return "command " + quoted + "\" timed out";
}

}  // namespace agent
