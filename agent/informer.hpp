// agent/informer.hpp: the agent's in-memory view of the Jobs and Pods in the store (what
// client-go's shared informers are to the upstream job controller): decoded once per change,
// indexed by uid, by name and by controlling Job.
//
// Contract:
// - reset() loads a list snapshot; apply() folds in one committed Change, in resourceVersion
//   order, and ignores changes not newer than what the view already holds, so a change that
//   raced a reset() is harmless.
// - A stored object that does not decode is skipped with a logged warning (it cannot have come
//   through the API, whose writes are validated); it never stops the agent.
// - Owned pods are indexed under their controller ownerReference's uid; pods without a
//   controller under "" (candidates for adoption by a Job of their namespace).
// - Single-threaded: used only from the agent's loop.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/controller_pod.hpp"
#include "agent/pod_claim.hpp"
#include "api/job.hpp"
#include "api/object_store.hpp"
#include "api/pod.hpp"

namespace agent {

inline const std::string kJobsResource = "jobs.batch";

struct CachedJob {
  api::ObjectKey key;
  api::Job job;
  api::ResourceVersion resource_version = 0;
};

struct CachedPod {
  api::ObjectKey key;
  api::Pod pod;
  ControllerPod view;
  std::optional<ControllerRef> controller;
  api::ResourceVersion resource_version = 0;
};

// What apply() changed, for the loop to react to.
struct InformerEvent {
  enum class Kind {
    none,
    job_added,
    job_spec_changed,
    job_status_changed,
    job_deleted,
    pod_added,
    pod_changed,
    pod_deleted
  };
  Kind kind = Kind::none;
  std::string uid;
  // Pods: the uid of their controlling Job ("" for none), before and after the change.
  std::string owner_before;
  std::string owner_after;
  std::string name_space;
};

class Informer {
 public:
  void reset(const std::vector<api::StoredObject>& jobs, const std::vector<api::StoredObject>& pods,
             api::ResourceVersion at);
  InformerEvent apply(const api::Change& change);

  const CachedJob* job(const std::string& uid) const;
  const CachedJob* job_named(const std::string& name_space, const std::string& name) const;
  const CachedPod* pod(const std::string& uid) const;
  // Pods controlled by the Job with `job_uid`, plus the controller-less pods of its namespace.
  std::vector<const CachedPod*> candidate_pods(const CachedJob& job) const;
  std::vector<const CachedPod*> pods_owned_by(const std::string& job_uid) const;
  std::vector<const CachedJob*> jobs() const;
  std::vector<const CachedJob*> jobs_in(const std::string& name_space) const;
  std::size_t pod_count() const { return pods_.size(); }

 private:
  InformerEvent apply_job(const api::Change& change);
  InformerEvent apply_pod(const api::Change& change);
  void index_pod(const CachedPod& pod);
  void unindex_pod(const CachedPod& pod);

  api::ResourceVersion synced_ = 0;
  std::map<std::string, CachedJob> jobs_;                                 // by uid
  std::map<std::pair<std::string, std::string>, std::string> job_names_;  // (ns, name) -> uid
  std::map<std::string, CachedPod> pods_;                                 // by uid
  std::map<std::string, std::set<std::string>> pods_by_owner_;            // owner uid -> pod uids
  std::map<std::string, std::set<std::string>> orphans_by_namespace_;
};

}  // namespace agent
