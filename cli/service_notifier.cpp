// cli/service_notifier.cpp: see service_notifier.hpp.
#include "cli/service_notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/job.hpp"
#include "systemd/notify.hpp"

namespace cli {
namespace {

constexpr std::chrono::minutes kRecoveryAllowance{5};
constexpr std::chrono::seconds kLongestLoop{30};

void check(const base::Result<bool>& sent, const char* what) {
  if (!sent.ok()) spdlog::warn("systemd notify {}: {}", what, sent.error().message());
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  auto interval = systemd::watchdog_interval();
  if (!interval.ok()) {
    spdlog::warn("systemd watchdog left off: {}", interval.error().message());
  } else {
    watchdog_ = *interval;
  }
  last_ping_ = std::chrono::steady_clock::now();
}

base::Duration ServiceNotifier::loop_interval() const {
  base::Duration interval = kLongestLoop;
  if (watchdog_) {
    interval = std::min(interval, std::chrono::duration_cast<base::Duration>(*watchdog_ / 2));
  }
  return std::max(interval, base::Duration(std::chrono::milliseconds(1)));
}

void ServiceNotifier::recovering() {
  check(systemd::notify_extend_timeout(kRecoveryAllowance), "EXTEND_TIMEOUT_USEC");
}

void ServiceNotifier::ready(const agent::Agent& agent) {
  last_status_ = status_line(agent);
  check(systemd::notify_ready(last_status_), "READY");
  last_ping_ = std::chrono::steady_clock::now();
}

void ServiceNotifier::tick(const agent::Agent& agent) {
  const auto now = std::chrono::steady_clock::now();
  if (watchdog_ && now - last_ping_ >= *watchdog_ / 2) {
    check(systemd::notify_watchdog(), "WATCHDOG");
    last_ping_ = now;
  }
  std::string status = status_line(agent);
  if (status != last_status_) {
    check(systemd::notify_status(status), "STATUS");
    last_status_ = std::move(status);
  }
}

void ServiceNotifier::stopping() { check(systemd::notify_stopping(), "STOPPING"); }

std::string ServiceNotifier::status_line(const agent::Agent& agent) {
  std::size_t jobs = 0;
  for (const agent::CachedJob* job : agent.informer().jobs()) {
    if (api::finished_condition(job->job.status) == nullptr) ++jobs;
  }
  const std::size_t pods = agent.active_pods();
  return "running " + std::to_string(pods) + (pods == 1 ? " pod, " : " pods, ") +
         std::to_string(jobs) + (jobs == 1 ? " job" : " jobs");
}

}  // namespace cli
