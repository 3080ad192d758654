// tests/systemd/serve_service_test.cpp: `batchlet serve` as a systemd service sees it, without
// a systemd: a datagram socket plays the service manager's NOTIFY_SOCKET (READY with the status
// line, watchdog keep-alives at half of WATCHDOG_USEC, STOPPING), and systemd's own
// systemd-socket-activate hands serve a listening unix socket as batchlet.socket does.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/file.hpp"
#include "notify_receiver.hpp"
#include "runtime/host_process.hpp"
#include "tests/api/http_test_client.hpp"

namespace {

using Clock = std::chrono::steady_clock;

runtime::HostProcess start(std::vector<std::string> argv, std::vector<std::string> env,
                           const std::string& log) {
  runtime::HostProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = std::move(env);
  spec.env.push_back("PATH=/usr/local/bin:/usr/bin:/bin");
  base::UniqueFd out(::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  REQUIRE(out.valid());
  spec.stdout_fd = out.get();
  spec.stderr_fd = out.get();
  auto process = runtime::spawn_host_process(spec);
  REQUIRE(process.ok());
  return std::move(*process);
}

std::vector<std::string> serve_argv(const notify_test::TempDir& dir) {
  return {BATCHLET_BINARY,        "serve",    "--state-dir", dir.file("state"), "--run-dir",
          dir.file("run"),        "--listen", "127.0.0.1:0", "--no-cgroups",    "--config",
          dir.file("config.yaml")};
}

std::string log_of(const notify_test::TempDir& dir) {
  auto text = base::read_file(dir.file("serve.log"));
  return text.ok() ? *text : text.error().message();
}

}  // namespace

TEST_CASE("serve tells the service manager it is ready, alive and stopping",
          "[integration][root]") {
  notify_test::TempDir dir;
  std::ofstream(dir.file("config.yaml")) << "podEventBatch: 50ms\n";
  notify_test::Receiver rx(dir.file("notify"));
  runtime::HostProcess serve =
      start(serve_argv(dir), {"NOTIFY_SOCKET=" + dir.file("notify"), "WATCHDOG_USEC=400000"},
            dir.file("serve.log"));

  std::vector<std::string> got;
  int pings_after_ready = 0;
  bool ready = false;
  const auto end = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < end && pings_after_ready < 3) {
    auto message = rx.take();
    if (!message) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    got.push_back(*message);
    if (message->rfind("READY=1", 0) == 0) ready = true;
    if (ready && *message == "WATCHDOG=1") ++pings_after_ready;
  }
  INFO(log_of(dir));
  REQUIRE(got.size() >= 5);
  // Recovery may take long: the start timeout is extended before it, then READY.
  CHECK(got[0] == "EXTEND_TIMEOUT_USEC=300000000");
  CHECK(got[1] == "READY=1\nSTATUS=running 0 pods, 0 jobs");
  CHECK(pings_after_ready == 3);

  REQUIRE(serve.child.signal_group(SIGTERM).ok());
  REQUIRE(serve.child.wait().ok());
  std::string last;
  while (auto message = rx.take()) last = *message;
  CHECK(last == "STOPPING=1");
}

TEST_CASE("serve serves the unix socket systemd activated it with", "[integration][root]") {
  notify_test::TempDir dir;
  std::ofstream(dir.file("config.yaml")) << "";
  const std::string socket = dir.file("activated.sock");
  std::vector<std::string> argv = {"/usr/bin/systemd-socket-activate", "-l", socket};
  for (const auto& arg : serve_argv(dir)) argv.push_back(arg);
  runtime::HostProcess activator = start(argv, {}, dir.file("serve.log"));
  for (int i = 0; i < 500 && !std::filesystem::exists(socket); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(std::filesystem::exists(socket));
  {
    // The first connection starts serve (systemd-socket-activate execs it with the socket).
    http_test::UnixClient client(socket);
    auto reply = client.send("GET", "/healthz");
    CHECK(reply.status == 200);
    CHECK(reply.body == "ok");
    reply = client.send("GET", "/apis/batch/v1/namespaces/default/jobs");
    CHECK(reply.status == 200);
  }
  // Its own socket path was never created: the activated one is served instead.
  CHECK_FALSE(std::filesystem::exists(dir.file("run/batchlet.sock")));
  REQUIRE(activator.child.signal_group(SIGTERM).ok());
  REQUIRE(activator.child.wait().ok());
  const std::string log = log_of(dir);
  INFO(log);
  CHECK(log.find("and the activated socket") != std::string::npos);
}
