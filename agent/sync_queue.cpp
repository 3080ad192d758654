#include "agent/sync_queue.hpp"

namespace agent {

void SyncQueue::add(const std::string& key, base::TimePoint at) {
  const auto [it, inserted] = at_.try_emplace(key, at);
  if (!inserted) {
    if (it->second <= at) return;
    due_.erase({it->second, key});
    it->second = at;
  }
  due_.emplace(at, key);
}

void SyncQueue::remove(const std::string& key) {
  const auto it = at_.find(key);
  if (it == at_.end()) return;
  due_.erase({it->second, key});
  at_.erase(it);
}

std::optional<base::TimePoint> SyncQueue::next_due() const {
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

std::vector<std::string> SyncQueue::pop_due(base::TimePoint now) {
  std::vector<std::string> keys;
  while (!due_.empty() && due_.begin()->first <= now) {
    keys.push_back(due_.begin()->second);
    at_.erase(keys.back());
    due_.erase(due_.begin());
  }
  return keys;
}

}  // namespace agent
