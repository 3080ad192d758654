// systemd/notify.hpp: the sd_notify(3) protocol, so batchlet can run as a Type=notify service
// (readiness, status line, stopping/reloading, watchdog keep-alives).
//
// Contract: every call is a no-op returning false when NOTIFY_SOCKET is unset, because batchlet
// also runs outside systemd (a shell, a container, a test). true means the datagram was handed
// to the socket; an Error means NOTIFY_SOCKET was set but sending failed, and names the state
// that was lost. Nothing here unsets the environment, so the sd_* variables stay visible to
// every later call. Text that ends up after "STATUS=" may not contain a newline or NUL: a
// newline would smuggle extra assignments (say READY=1) into the message, a NUL would silently
// truncate it.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace systemd {

// Sends `state` verbatim: newline-separated assignments such as "READY=1\nSTATUS=serving".
// The caller owns the content; only an embedded NUL is rejected.
base::Result<bool> notify(std::string_view state);

// "READY=1\nSTATUS=<status>".
base::Result<bool> notify_ready(std::string_view status);
// "STATUS=<status>".
base::Result<bool> notify_status(std::string_view status);
// "STOPPING=1".
base::Result<bool> notify_stopping();
// "RELOADING=1\nMONOTONIC_USEC=<CLOCK_MONOTONIC now>": systemd 253+ uses the timestamp to tell
// this reload apart from an earlier one (Type=notify-reload); older versions ignore it.
base::Result<bool> notify_reloading();
// "WATCHDOG=1".
base::Result<bool> notify_watchdog();
// "EXTEND_TIMEOUT_USEC=<extra>": the start (or stop) may take `extra` longer from now (systemd
// 236+), for a long recovery.
base::Result<bool> notify_extend_timeout(std::chrono::microseconds extra);

// The WatchdogSec= interval systemd expects keep-alives within, or nullopt when the watchdog
// is not enabled for this process (WATCHDOG_USEC unset, or WATCHDOG_PID names another
// process). A malformed WATCHDOG_USEC/WATCHDOG_PID is an Error.
base::Result<std::optional<std::chrono::microseconds>> watchdog_interval();

}  // namespace systemd
