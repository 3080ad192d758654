// agent/sync_queue.hpp: when each Job is synced next (upstream's delaying work queue, spec §4.1).
//
// Contract:
// - A key is scheduled at most once; add() keeps the earlier of the old and new times, so a burst
//   of pod events inside the 1 s batch window (kPodEventBatch) collapses into one sync, while a
//   spec change (add(key, now)) pulls a later timer forward.
// - pop_due(now) returns the keys whose time has come, earliest first, and forgets them; the
//   caller re-adds a key from the SyncResult (requeue_after) after syncing it.
// - Plain data, no threads and no clock of its own: the agent's loop sleeps until next_due().
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.hpp"

namespace agent {

// Pod add/update/delete and status-only Job updates sync after this delay (upstream
// syncJobBatchPeriod); Job creation and spec changes sync at once.
inline constexpr std::chrono::seconds kPodEventBatch{1};

class SyncQueue {
 public:
  void add(const std::string& key, base::TimePoint at);
  void remove(const std::string& key);
  std::optional<base::TimePoint> next_due() const;
  std::vector<std::string> pop_due(base::TimePoint now);
  bool empty() const { return due_.empty(); }
  std::size_t size() const { return due_.size(); }

 private:
  std::map<std::string, base::TimePoint, std::less<>> at_;
  std::set<std::pair<base::TimePoint, std::string>> due_;
};

}  // namespace agent
