#include "runtime/supervise.hpp"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>

#include "base/clock.hpp"
#include "base/unique_fd.hpp"
#include "runtime/host_process.hpp"
#include "test_sinks.hpp"

using namespace std::chrono_literals;

namespace {

runtime::HostProcess spawn(std::string script) {
  runtime::HostProcessSpec spec;
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.argv = {"sh", "-c", std::move(script)};
  auto process = runtime::spawn_host_process(spec);
  REQUIRE(process.ok());
  return std::move(*process);
}

bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto close = text.rfind(')');
  return close != std::string::npos && text[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("supervise stops at the deadline and the process keeps running", "[integration]") {
  base::RealClock clock;
  RecordingSink sink;
  auto process = spawn("echo started; exec sleep 30");
  const auto start = clock.now();
  auto waited = runtime::supervise(process, sink, clock, start + 200ms, -1);
  REQUIRE(waited.ok());
  CHECK(waited->outcome == runtime::WaitOutcome::deadline);
  CHECK(clock.now() - start >= 200ms);
  CHECK(sink.out == "started\n");
  CHECK(alive(process.child.pid()));
}

TEST_CASE("supervise returns when the cancel fd becomes readable", "[integration]") {
  base::RealClock clock;
  RecordingSink sink;
  auto process = spawn("exec sleep 30");
  auto pipe = base::make_pipe();
  REQUIRE(pipe.ok());
  REQUIRE(::write(pipe->write.get(), "x", 1) == 1);
  auto waited = runtime::supervise(process, sink, clock, std::nullopt, pipe->read.get());
  REQUIRE(waited.ok());
  CHECK(waited->outcome == runtime::WaitOutcome::cancelled);
}

TEST_CASE("terminate sends SIGTERM and waits for a clean exit", "[integration]") {
  base::RealClock clock;
  RecordingSink sink;
  auto process =
      spawn("trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done");
  // Wait for the trap to be installed before signalling.
  auto ready = runtime::supervise(process, sink, clock, clock.now() + 500ms, -1);
  REQUIRE(ready.ok());
  REQUIRE(sink.out == "ready\n");
  auto exit = runtime::terminate(process, sink, clock, 10s);
  REQUIRE(exit.ok());
  CHECK(exit->success());
  CHECK(sink.out == "ready\ngot TERM\n");
}

TEST_CASE("terminate escalates to SIGKILL after the grace period", "[integration]") {
  base::RealClock clock;
  RecordingSink sink;
  auto process = spawn("trap '' TERM; echo ready; while :; do sleep 0.05; done");
  auto ready = runtime::supervise(process, sink, clock, clock.now() + 500ms, -1);
  REQUIRE(ready.ok());
  REQUIRE(sink.out == "ready\n");
  const auto start = clock.now();
  auto exit = runtime::terminate(process, sink, clock, 300ms);
  REQUIRE(exit.ok());
  CHECK(exit->signal == SIGKILL);
  CHECK(clock.now() - start >= 300ms);
}

TEST_CASE("processes left behind by the main process are killed when it exits", "[integration]") {
  base::RealClock clock;
  RecordingSink sink;
  auto process = spawn("sleep 60 & echo $!");
  auto waited = runtime::supervise(process, sink, clock, std::nullopt, -1);
  REQUIRE(waited.ok());
  REQUIRE(waited->outcome == runtime::WaitOutcome::exited);
  const pid_t straggler = std::stoi(sink.out);
  for (int i = 0; i < 200 && alive(straggler); ++i) ::usleep(5000);
  CHECK_FALSE(alive(straggler));
}
