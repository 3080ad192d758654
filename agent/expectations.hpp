// agent/expectations.hpp: what the Job controller has done to pods but may not see yet in the
// pod list it is given (upstream ControllerExpectations + uidTrackingExpectations).
//
// Contract:
// - After a successful create / delete / finalizer removal the controller records the pod UID.
// - observe() compares the records with a fresh pod list: a creation is observed when the pod
//   appears; a deletion when the pod is gone or carries a deletionTimestamp; a finalizer removal
//   when the pod is gone or shows no tracking finalizer.
// - Creations and deletions unobserved for `timeout` (upstream: 5 minutes) are dropped, so a
//   lost write cannot block a job forever. Finalizer removals do not expire: until observed the
//   pod is treated as already counted, which is what prevents counting it twice.
// - satisfied() is false while a creation or deletion is outstanding; the controller then does
//   not create or delete pods, which is why a pod is never created twice for one need.
// Keyed by job UID; everything is in memory (a restarted agent reads a consistent store).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/controller_pod.hpp"
#include "base/clock.hpp"

namespace agent {

class Expectations {
 public:
  explicit Expectations(base::Duration timeout) : timeout_(timeout) {}

  void expect_creation(const std::string& job_uid, const std::string& pod_uid, base::TimePoint now);
  void expect_deletion(const std::string& job_uid, const std::string& pod_uid, base::TimePoint now);
  void expect_finalizer_removal(const std::string& job_uid, const std::string& pod_uid);

  // Drops what `pods` shows as done, and expired creations/deletions.
  void observe(const std::string& job_uid, const std::vector<ControllerPod>& pods,
               base::TimePoint now);

  bool satisfied(const std::string& job_uid) const;
  // When the outstanding creations/deletions of the job expire, if any.
  std::optional<base::TimePoint> expiry(const std::string& job_uid) const;
  bool finalizer_removal_pending(const std::string& job_uid, const std::string& pod_uid) const;

  void forget(const std::string& job_uid);

 private:
  struct Record {
    std::set<std::string> creations;
    std::set<std::string> deletions;
    std::set<std::string> finalizer_removals;
    base::TimePoint since{};  // time of the latest expect_creation/expect_deletion
  };
  base::Duration timeout_;
  std::map<std::string, Record, std::less<>> records_;
};

}  // namespace agent
