// cli/service_notifier.hpp: what `batchlet serve` tells systemd while it runs as a Type=notify
// service (systemd/notify.hpp): READY with a status line once the API listens, the status line
// again whenever it changes, watchdog keep-alives from the agent's loop, STOPPING at shutdown.
//
// Contract: every call is a no-op outside systemd (NOTIFY_SOCKET unset). tick() runs on the
// agent's loop thread (it reads the informer) and must be called at least every
// loop_interval(): a loop that is stuck stops the keep-alives, and systemd restarts the
// service (WatchdogSec=). A failed notification is logged, never fatal.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "agent/agent.hpp"
#include "base/clock.hpp"

namespace cli {

class ServiceNotifier {
 public:
  // Reads WATCHDOG_USEC/WATCHDOG_PID; a malformed value is logged and the watchdog left off.
  ServiceNotifier();

  // How often the agent's loop must come round: half the watchdog interval (at most 30 s).
  base::Duration loop_interval() const;

  void recovering();  // EXTEND_TIMEOUT_USEC: recovery of many pods may outlast TimeoutStartSec
  void ready(const agent::Agent& agent);
  void tick(const agent::Agent& agent);
  void stopping();

  // "running N pods, M jobs" (unfinished jobs).
  static std::string status_line(const agent::Agent& agent);

 private:
  std::optional<std::chrono::microseconds> watchdog_;
  std::chrono::steady_clock::time_point last_ping_;
  std::string last_status_;
};

}  // namespace cli
