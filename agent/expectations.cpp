#include "agent/expectations.hpp"

#include <unordered_map>

namespace agent {

void Expectations::expect_creation(const std::string& job_uid, const std::string& pod_uid,
                                   base::TimePoint now) {
  Record& r = records_[job_uid];
  r.creations.insert(pod_uid);
  r.since = now;
}

void Expectations::expect_deletion(const std::string& job_uid, const std::string& pod_uid,
                                   base::TimePoint now) {
  Record& r = records_[job_uid];
  r.deletions.insert(pod_uid);
  r.since = now;
}

void Expectations::expect_finalizer_removal(const std::string& job_uid,
                                            const std::string& pod_uid) {
  records_[job_uid].finalizer_removals.insert(pod_uid);
}

void Expectations::observe(const std::string& job_uid, const std::vector<ControllerPod>& pods,
                           base::TimePoint now) {
  const auto it = records_.find(job_uid);
  if (it == records_.end()) return;
  Record& r = it->second;
  std::unordered_map<std::string_view, const ControllerPod*> by_uid;
  by_uid.reserve(pods.size());
  for (const ControllerPod& p : pods) by_uid.emplace(p.uid, &p);
  auto find = [&](const std::string& uid) -> const ControllerPod* {
    const auto f = by_uid.find(uid);
    return f == by_uid.end() ? nullptr : f->second;
  };
  std::erase_if(r.creations, [&](const std::string& uid) { return find(uid) != nullptr; });
  std::erase_if(r.deletions, [&](const std::string& uid) {
    const ControllerPod* p = find(uid);
    return p == nullptr || p->deletion_time.has_value();
  });
  std::erase_if(r.finalizer_removals, [&](const std::string& uid) {
    const ControllerPod* p = find(uid);
    return p == nullptr || !p->has_tracking_finalizer;
  });
  if (now - r.since > timeout_) {
    r.creations.clear();
    r.deletions.clear();
  }
  if (r.creations.empty() && r.deletions.empty() && r.finalizer_removals.empty()) {
    records_.erase(it);
  }
}

bool Expectations::satisfied(const std::string& job_uid) const {
  const auto it = records_.find(job_uid);
  return it == records_.end() || (it->second.creations.empty() && it->second.deletions.empty());
}

std::optional<base::TimePoint> Expectations::expiry(const std::string& job_uid) const {
  if (satisfied(job_uid)) return std::nullopt;
  return records_.find(job_uid)->second.since + timeout_;
}

bool Expectations::finalizer_removal_pending(const std::string& job_uid,
                                             const std::string& pod_uid) const {
  const auto it = records_.find(job_uid);
  return it != records_.end() && it->second.finalizer_removals.count(pod_uid) > 0;
}

void Expectations::forget(const std::string& job_uid) { records_.erase(job_uid); }

}  // namespace agent
