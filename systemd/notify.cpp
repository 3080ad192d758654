// systemd/notify.cpp: thin checks around libsystemd's sd_notify/sd_watchdog_enabled.
//
// libsystemd does the socket work (path or "@abstract" address, one datagram per call); this
// file turns its "0 / positive / negative errno" convention into Result and adds the context
// a failure needs to be diagnosable: which state was lost and where it was going.
#include "systemd/notify.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "base/error.hpp"

namespace systemd {

namespace {

// Renders a multi-line state on one line so the error message stays a single log line.
std::string describe_state(std::string_view state) {
  std::string out(state);
  for (char& c : out) {
    if (c == '\n') c = ' ';
  }
  return out;
}

std::string env_or_unset(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string("<unset>") : std::string(value);
}

base::Status check_status_text(std::string_view status) {
  if (status.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos) {
    return base::Error("sd_notify STATUS=" + describe_state(status) +
                       ": status text must not contain a newline or NUL");
  }
  return {};
}

}  // namespace

base::Result<bool> notify(std::string_view state) {
  if (state.find('\0') != std::string_view::npos) {
    return base::Error("sd_notify " + describe_state(state) +
                       ": state must not contain a NUL byte (it would be truncated)");
  }
  // sd_notify takes a C string; a string_view need not be terminated.
  const std::string text(state);
  const int r = sd_notify(/*unset_environment=*/0, text.c_str());
  if (r < 0) {
    return base::Error::from_errno("sd_notify " + describe_state(state) +
                                       " (NOTIFY_SOCKET=" + env_or_unset("NOTIFY_SOCKET") + ")",
                                   -r);
  }
  return r > 0;
}

base::Result<bool> notify_ready(std::string_view status) {
  if (auto s = check_status_text(status); !s) return s.error();
  std::string state = "READY=1\nSTATUS=";
  state += status;
  return notify(state);
}

base::Result<bool> notify_status(std::string_view status) {
  if (auto s = check_status_text(status); !s) return s.error();
  std::string state = "STATUS=";
  state += status;
  return notify(state);
}

base::Result<bool> notify_stopping() { return notify("STOPPING=1"); }

base::Result<bool> notify_reloading() {
  // systemd compares this against its own now(CLOCK_MONOTONIC), so it must be that clock, not
  // whatever std::chrono::steady_clock happens to be.
  struct timespec ts {};
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    return base::Error::from_errno("sd_notify RELOADING=1: clock_gettime(CLOCK_MONOTONIC)", errno);
  }
  const std::uint64_t usec = static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
                             static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
  return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

base::Result<bool> notify_watchdog() { return notify("WATCHDOG=1"); }

base::Result<bool> notify_extend_timeout(std::chrono::microseconds extra) {
  return notify("EXTEND_TIMEOUT_USEC=" + std::to_string(std::max<std::int64_t>(0, extra.count())));
}

base::Result<std::optional<std::chrono::microseconds>> watchdog_interval() {
  std::uint64_t usec = 0;
  const int r = sd_watchdog_enabled(/*unset_environment=*/0, &usec);
  if (r < 0) {
    return base::Error::from_errno(
        "sd_watchdog_enabled (WATCHDOG_USEC=" + env_or_unset("WATCHDOG_USEC") +
            ", WATCHDOG_PID=" + env_or_unset("WATCHDOG_PID") + ")",
        -r);
  }
  if (r == 0) return std::optional<std::chrono::microseconds>();
  // libsystemd accepts any non-zero uint64; one beyond microseconds' range is not a usable
  // interval and would wrap negative.
  if (usec > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return base::Error("sd_watchdog_enabled: WATCHDOG_USEC=" + std::to_string(usec) +
                       " is out of range");
  }
  return std::optional<std::chrono::microseconds>(
      std::chrono::microseconds(static_cast<std::int64_t>(usec)));
}

}  // namespace systemd
