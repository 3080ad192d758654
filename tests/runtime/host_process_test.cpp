#include "runtime/host_process.hpp"

#include <signal.h>

#include <catch2/catch.hpp>

#include "base/clock.hpp"
#include "runtime/supervise.hpp"
#include "test_sinks.hpp"

using runtime::HostProcessSpec;

namespace {

base::ProcessExit run(const HostProcessSpec& spec, RecordingSink& sink) {
  auto process = runtime::spawn_host_process(spec);
  REQUIRE(process.ok());
  base::RealClock clock;
  auto waited = runtime::supervise(*process, sink, clock, std::nullopt, -1);
  REQUIRE(waited.ok());
  REQUIRE(waited->outcome == runtime::WaitOutcome::exited);
  return *waited->exit;
}

}  // namespace

TEST_CASE("a host process gets exactly the given environment, cwd and argv", "[integration]") {
  RecordingSink sink;
  HostProcessSpec spec;
  spec.argv = {"sh", "-c", "echo \"$0|$GREETING|$(pwd)|${HOME:-nohome}\"; echo oops >&2", "arg0"};
  spec.env = {"PATH=/usr/bin:/bin", "GREETING=hello world"};
  spec.cwd = "/tmp";
  const auto exit = run(spec, sink);
  CHECK(exit.success());
  CHECK(sink.out == "arg0|hello world|/tmp|nohome\n");
  CHECK(sink.err == "oops\n");
}

TEST_CASE("exit codes and signals come back as they happened", "[integration]") {
  RecordingSink sink;
  HostProcessSpec spec;
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.argv = {"sh", "-c", "exit 3"};
  CHECK(run(spec, sink).code() == 3);
  spec.argv = {"sh", "-c", "kill -KILL $$"};
  const auto killed = run(spec, sink);
  CHECK(killed.signal == 9);
  CHECK(killed.code() == 137);
}

TEST_CASE("the workload starts with default signal dispositions and stdin at EOF",
          "[integration]") {
  RecordingSink sink;
  HostProcessSpec spec;
  spec.env = {"PATH=/usr/bin:/bin"};
  // SigIgn and SigBlk are hex masks in /proc: all zero means nothing ignored, nothing blocked.
  spec.argv = {"sh", "-c", "grep -E '^Sig(Ign|Blk)' /proc/self/status; cat; echo eof"};
  ::signal(SIGPIPE, SIG_IGN);  // batchlet ignores SIGPIPE; the workload must not inherit that
  const auto exit = run(spec, sink);
  ::signal(SIGPIPE, SIG_DFL);
  CHECK(exit.success());
  CHECK(sink.out == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\neof\n");
}

TEST_CASE("start failures are errors in the words of the failing step", "[integration]") {
  HostProcessSpec spec;
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.argv = {"no-such-command-here"};
  auto missing = runtime::spawn_host_process(spec);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message() ==
        "exec: \"no-such-command-here\": executable file not found in $PATH");

  spec.argv = {"/nonexistent/prog"};
  auto absolute = runtime::spawn_host_process(spec);
  REQUIRE_FALSE(absolute.ok());
  CHECK(absolute.error().message() == "exec \"/nonexistent/prog\": No such file or directory");

  spec.argv = {"true"};
  spec.cwd = "/nonexistent-dir";
  auto bad_cwd = runtime::spawn_host_process(spec);
  REQUIRE_FALSE(bad_cwd.ok());
  CHECK(bad_cwd.error().message() == "chdir \"/nonexistent-dir\": No such file or directory");

  spec.argv = {};
  CHECK(runtime::spawn_host_process(spec).error().message() == "spawn: no command given");
}

TEST_CASE("resolve_executable searches the given PATH in order", "[integration]") {
  auto sh = runtime::resolve_executable("sh", "/nonexistent:/bin");
  REQUIRE(sh.ok());
  CHECK(*sh == "/bin/sh");
  CHECK(runtime::resolve_executable("./x", "").value() == "./x");
  CHECK_FALSE(runtime::resolve_executable("sh", "/nonexistent").ok());
}
