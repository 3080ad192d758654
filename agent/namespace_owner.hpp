// agent/namespace_owner.hpp: on a shared host, the local user a namespace belongs to and what
// their pods may do.
//
// A namespace made for a local user on their first request (agent/credentials.hpp) carries the
// annotation batchlet.io/owner-uid. Its pods run as that user whatever the manifest says: their
// uid, primary gid and supplementary groups (from the passwd and group databases at the time
// the container starts), never privileged, with no added capabilities, and hostPath volumes
// only under their home directory or a path the admin allowed for everyone.
//
// Contract: namespace_owner() is nullopt for namespaces without the annotation (an admin's:
// the manifest decides); an annotation naming a uid without a passwd entry is an Error, so
// nothing runs as a user that is gone. owner_policy_errors() is pure: the Forbidden field
// errors of a pod spec run for `owner`, each naming its field under `path`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "agent/user_quota.hpp"
#include "api/field_error.hpp"
#include "api/job.hpp"
#include "api/pod_spec.hpp"
#include "base/clock.hpp"
#include "base/result.hpp"

namespace agent {

class Store;

struct NamespaceOwner {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;              // primary group
  std::vector<std::uint32_t> groups;  // supplementary groups, the primary one included
  std::string login;
  std::filesystem::path home;
};

// The passwd entry of `uid` and its groups.
base::Result<NamespaceOwner> local_user(std::uint32_t uid);

base::Result<std::optional<NamespaceOwner>> namespace_owner(Store& store,
                                                            const std::string& name_space);

// The namespace of local user `uid` (created on first use, annotated with the uid). An
// existing namespace of that name that is not theirs (an admin made it, or another uid) is an
// Error: its pods would not run as them, so they may not use it.
base::Status ensure_user_namespace(Store& store, const base::Clock& clock,
                                   const std::string& name_space, std::uint32_t uid);

// The ResourceQuota-style reason a new Job in a local user's namespace would exceed
// `max_jobs` stored Jobs there ("exceeded quota: user-max-jobs, requested: count/jobs.batch=1,
// used: count/jobs.batch=5, limited: count/jobs.batch=5"); nullopt when it fits or the
// namespace is no user's.
std::optional<std::string> user_jobs_quota_exceeded(Store& store, const std::string& name_space,
                                                    std::int64_t max_jobs);

// Every quota of `quota` a new `job` in a local user's namespace would break, as ResourceQuota
// admission words it: max_jobs as user_jobs_quota_exceeded(), then job_quota_refusal()
// (user_quota.hpp) with the limits of the namespace's pods that are not terminal as `used`;
// nullopt when it fits or the namespace is no user's (admins are never limited).
std::optional<std::string> user_quota_exceeded(Store& store, const api::Job& job,
                                               const UserQuota& quota);

api::FieldErrors owner_policy_errors(const api::PodSpec& spec, const NamespaceOwner& owner,
                                     const std::vector<std::filesystem::path>& shared_host_paths,
                                     const std::string& path);

}  // namespace agent
