// tests/agent/readiness_probe_test.cpp: the kubelet's readiness prober logic — when probes are
// due, thresholds, thrown-away errors — and the Unhealthy events' words.
#include "agent/readiness_probe.hpp"

#include <catch2/catch.hpp>

using agent::ProbeResult;
using agent::ReadinessProbe;
using std::chrono::seconds;

namespace {

const base::TimePoint kStart{seconds(1000)};

api::Probe probe_spec(std::int32_t delay, std::int32_t period, std::int32_t success,
                      std::int32_t failure) {
  api::Probe p;
  p.exec.emplace().command = {"cat", "/ready"};
  p.initial_delay_seconds = delay;
  p.period_seconds = period;
  p.success_threshold = success;
  p.failure_threshold = failure;
  return p;
}

}  // namespace

TEST_CASE("probes start after initialDelaySeconds and repeat every periodSeconds", "[unit]") {
  ReadinessProbe probe(probe_spec(5, 2, 0, 0), kStart);
  CHECK(probe.next_due() == kStart + seconds(5));
  CHECK(probe.timeout() == seconds(1));  // default
  probe.started(kStart + seconds(5));
  CHECK(probe.next_due() == kStart + seconds(7));
  // A late wake measures the period from when the probe really started.
  probe.started(kStart + seconds(8));
  CHECK(probe.next_due() == kStart + seconds(10));

  ReadinessProbe defaults(probe_spec(0, 0, 0, 0), kStart);
  CHECK(defaults.next_due() == kStart);
  defaults.started(kStart);
  CHECK(defaults.next_due() == kStart + seconds(10));
}

TEST_CASE("readiness follows the success and failure thresholds", "[unit]") {
  SECTION("defaults: ready at the first success, not ready after three failures") {
    ReadinessProbe probe(probe_spec(0, 1, 0, 0), kStart);
    CHECK_FALSE(probe.ready());
    CHECK(probe.record(ProbeResult::failure) == std::nullopt);  // was not ready anyway
    CHECK(probe.record(ProbeResult::success) == std::optional<bool>(true));
    CHECK(probe.record(ProbeResult::success) == std::nullopt);
    CHECK(probe.record(ProbeResult::failure) == std::nullopt);
    CHECK(probe.record(ProbeResult::failure) == std::nullopt);
    CHECK(probe.ready());
    CHECK(probe.record(ProbeResult::failure) == std::optional<bool>(false));
    CHECK_FALSE(probe.ready());
  }
  SECTION("a run broken by the other result starts again") {
    ReadinessProbe probe(probe_spec(0, 1, 2, 2), kStart);
    CHECK(probe.record(ProbeResult::success) == std::nullopt);
    CHECK(probe.record(ProbeResult::failure) == std::nullopt);
    CHECK(probe.record(ProbeResult::success) == std::nullopt);
    CHECK(probe.record(ProbeResult::success) == std::optional<bool>(true));
  }
  SECTION("errored probes are thrown away: they neither count nor break a run") {
    ReadinessProbe probe(probe_spec(0, 1, 1, 2), kStart, true);
    CHECK(probe.ready());  // an adopted container keeps what its status said
    CHECK(probe.record(ProbeResult::failure) == std::nullopt);
    CHECK(probe.record(ProbeResult::error) == std::nullopt);
    CHECK(probe.record(ProbeResult::error) == std::nullopt);
    CHECK(probe.ready());
    CHECK(probe.record(ProbeResult::failure) == std::optional<bool>(false));
  }
}

TEST_CASE("Unhealthy events say what the kubelet says", "[unit]") {
  CHECK(agent::probe_event_message(ProbeResult::failure, "cat: /ready: No such file\n") ==
        "Readiness probe failed: cat: /ready: No such file\n");
  CHECK(agent::probe_event_message(ProbeResult::error,
                                   "exec: \"nope\": executable file not found in $PATH") ==
        "Readiness probe errored and resulted in unknown state: exec: \"nope\": executable file "
        "not found in $PATH");
  CHECK(agent::probe_event_message(ProbeResult::success, "").empty());
  CHECK(agent::timed_out_output({"sh", "-c", "echo \"x\""}) ==
        "command \"sh -c echo \\\"x\\\"\" timed out");
}
