// tests/systemd/notify_test.cpp: systemd/notify.hpp against a real AF_UNIX datagram socket
// playing systemd's part, reached through NOTIFY_SOCKET exactly as under a Type=notify unit.
//
// Every test case saves and clears the sd_* environment on entry and restores it on exit
// (EnvGuard), so cases do not leak into each other or depend on how the runner was started.
#include "systemd/notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"
#include "notify_receiver.hpp"

using notify_test::Receiver;
using notify_test::TempDir;

namespace {

constexpr const char* kSdVariables[] = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"};

class EnvGuard {
 public:
  EnvGuard() {
    for (const char* name : kSdVariables) {
      const char* value = std::getenv(name);
      saved_.push_back(value == nullptr ? std::nullopt : std::optional<std::string>(value));
      ::unsetenv(name);
    }
  }
  ~EnvGuard() {
    for (std::size_t i = 0; i < saved_.size(); ++i) {
      if (saved_[i]) {
        ::setenv(kSdVariables[i], saved_[i]->c_str(), 1);
      } else {
        ::unsetenv(kSdVariables[i]);
      }
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::vector<std::optional<std::string>> saved_;
};

void set_notify_socket(const std::string& value) {
  REQUIRE(::setenv("NOTIFY_SOCKET", value.c_str(), 1) == 0);
}

std::uint64_t monotonic_usec() {
  struct timespec ts {};
  REQUIRE(::clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

void require_sent(const base::Result<bool>& r) {
  if (!r.ok()) FAIL(r.error().message());
  CHECK(*r == true);
}

}  // namespace

TEST_CASE("notify sends each state verbatim to a path NOTIFY_SOCKET", "[unit]") {
  EnvGuard env;
  TempDir dir;
  const std::string path = dir.file("notify");
  Receiver rx(path);
  set_notify_socket(path);

  require_sent(systemd::notify("READY=1\nSTATUS=serving"));
  rx.expect_only("READY=1\nSTATUS=serving");

  require_sent(systemd::notify_ready("3 jobs running"));
  rx.expect_only("READY=1\nSTATUS=3 jobs running");

  require_sent(systemd::notify_status("draining"));
  rx.expect_only("STATUS=draining");

  // An empty status is allowed: it clears the status line systemctl shows.
  require_sent(systemd::notify_status(""));
  rx.expect_only("STATUS=");

  require_sent(systemd::notify_stopping());
  rx.expect_only("STOPPING=1");

  require_sent(systemd::notify_watchdog());
  rx.expect_only("WATCHDOG=1");

  // A status taken from a longer buffer must stop at the view's end, not at a NUL.
  const std::string backing = "partial-status-TRAILING";
  require_sent(systemd::notify_status(std::string_view(backing).substr(0, 14)));
  rx.expect_only("STATUS=partial-status");
}

TEST_CASE("notify_reloading carries the current CLOCK_MONOTONIC in microseconds", "[unit]") {
  EnvGuard env;
  TempDir dir;
  const std::string path = dir.file("notify");
  Receiver rx(path);
  set_notify_socket(path);

  const std::uint64_t before = monotonic_usec();
  require_sent(systemd::notify_reloading());
  const std::uint64_t after = monotonic_usec();

  const std::optional<std::string> got = rx.take();
  REQUIRE(got.has_value());
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  REQUIRE(got->substr(0, prefix.size()) == prefix);
  const std::string digits = got->substr(prefix.size());
  REQUIRE(!digits.empty());
  REQUIRE(digits.find_first_not_of("0123456789") == std::string::npos);
  const std::uint64_t stamp = std::stoull(digits);
  CHECK(stamp >= before);
  CHECK(stamp <= after);
  CHECK_FALSE(rx.take().has_value());
}

TEST_CASE("notify reaches an abstract NOTIFY_SOCKET (@name)", "[unit]") {
  EnvGuard env;
  // The abstract namespace is shared by the whole network namespace: make the name unique to
  // this process so parallel test runs do not collide.
  const std::string name = "@batchlet-notify-test-" + std::to_string(::getpid());
  Receiver rx(name);
  set_notify_socket(name);

  require_sent(systemd::notify_ready("up"));
  rx.expect_only("READY=1\nSTATUS=up");

  require_sent(systemd::notify_watchdog());
  rx.expect_only("WATCHDOG=1");
}

TEST_CASE("notify returns false when NOTIFY_SOCKET is unset", "[unit]") {
  EnvGuard env;  // clears NOTIFY_SOCKET
  REQUIRE(std::getenv("NOTIFY_SOCKET") == nullptr);

  const base::Result<bool> results[] = {
      systemd::notify("READY=1"), systemd::notify_ready("up"), systemd::notify_status("x"),
      systemd::notify_stopping(), systemd::notify_reloading(), systemd::notify_watchdog(),
  };
  for (const auto& r : results) {
    if (!r.ok()) FAIL(r.error().message());
    CHECK(*r == false);
  }
}

TEST_CASE("notify fails with context when nothing listens at NOTIFY_SOCKET", "[unit]") {
  EnvGuard env;
  TempDir dir;

  SECTION("no socket file at the path") {
    const std::string path = dir.file("absent");
    set_notify_socket(path);
    const base::Result<bool> r = systemd::notify_ready("serving");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() == "sd_notify READY=1 STATUS=serving (NOTIFY_SOCKET=" + path +
                                     "): No such file or directory");
  }

  SECTION("a stale socket file whose listener is gone") {
    const std::string path = dir.file("stale");
    { Receiver gone(path); }  // binds, then closes: the file stays, nobody receives
    set_notify_socket(path);
    const base::Result<bool> r = systemd::notify_stopping();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() ==
          "sd_notify STOPPING=1 (NOTIFY_SOCKET=" + path + "): Connection refused");
  }
}

TEST_CASE("status text with a newline or NUL is rejected and nothing is sent", "[unit]") {
  EnvGuard env;
  TempDir dir;
  const std::string path = dir.file("notify");
  Receiver rx(path);
  set_notify_socket(path);

  const base::Result<bool> ready = systemd::notify_ready("ok\nREADY=1");
  REQUIRE_FALSE(ready.ok());
  CHECK(ready.error().message() ==
        "sd_notify STATUS=ok READY=1: status text must not contain a newline or NUL");

  const base::Result<bool> status = systemd::notify_status("a\nSTOPPING=1");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message() ==
        "sd_notify STATUS=a STOPPING=1: status text must not contain a newline or NUL");

  const base::Result<bool> nul_status = systemd::notify_status(std::string_view("a\0b", 3));
  REQUIRE_FALSE(nul_status.ok());
  CHECK(nul_status.error().message() == std::string("sd_notify STATUS=a") + '\0' +
                                            "b: status text must not contain a newline or NUL");

  const base::Result<bool> nul_state = systemd::notify(std::string_view("READY=1\0X", 9));
  REQUIRE_FALSE(nul_state.ok());
  CHECK(nul_state.error().message().find("state must not contain a NUL byte") != std::string::npos);

  CHECK_FALSE(rx.take().has_value());
}

TEST_CASE("watchdog_interval reads WATCHDOG_USEC for this process", "[unit]") {
  EnvGuard env;

  SECTION("unset: not enabled") {
    const auto r = systemd::watchdog_interval();
    if (!r.ok()) FAIL(r.error().message());
    CHECK_FALSE(r->has_value());
  }

  SECTION("set for this pid: the interval") {
    REQUIRE(::setenv("WATCHDOG_USEC", "2000000", 1) == 0);
    REQUIRE(::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1) == 0);
    const auto r = systemd::watchdog_interval();
    if (!r.ok()) FAIL(r.error().message());
    REQUIRE(r->has_value());
    CHECK((*r)->count() == 2000000);
    CHECK(**r == std::chrono::seconds(2));
  }

  SECTION("set without WATCHDOG_PID: meant for whoever reads it") {
    REQUIRE(::setenv("WATCHDOG_USEC", "1500", 1) == 0);
    const auto r = systemd::watchdog_interval();
    if (!r.ok()) FAIL(r.error().message());
    REQUIRE(r->has_value());
    CHECK((*r)->count() == 1500);
  }

  SECTION("set for another pid: not enabled for us") {
    REQUIRE(::setenv("WATCHDOG_USEC", "2000000", 1) == 0);
    REQUIRE(::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1) == 0);
    const auto r = systemd::watchdog_interval();
    if (!r.ok()) FAIL(r.error().message());
    CHECK_FALSE(r->has_value());
  }

  SECTION("malformed WATCHDOG_USEC: an error naming the value") {
    REQUIRE(::setenv("WATCHDOG_USEC", "soon", 1) == 0);
    const auto r = systemd::watchdog_interval();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() ==
          "sd_watchdog_enabled (WATCHDOG_USEC=soon, WATCHDOG_PID=<unset>): Invalid argument");
  }

  SECTION("WATCHDOG_USEC beyond microseconds' range") {
    REQUIRE(::setenv("WATCHDOG_USEC", "9223372036854775808", 1) == 0);
    const auto r = systemd::watchdog_interval();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() ==
          "sd_watchdog_enabled: WATCHDOG_USEC=9223372036854775808 is out of range");
  }

  // The environment is the guard's to restore, not the function's to consume.
  SECTION("the variables survive the call") {
    REQUIRE(::setenv("WATCHDOG_USEC", "2000000", 1) == 0);
    (void)systemd::watchdog_interval();
    REQUIRE(std::getenv("WATCHDOG_USEC") != nullptr);
    CHECK(std::string(std::getenv("WATCHDOG_USEC")) == "2000000");
  }
}
