// agent/namespace_owner.cpp: the owner of a user's namespace and the limits on their pods.
// Contract: see namespace_owner.hpp.
#include "agent/namespace_owner.hpp"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "agent/namespaces.hpp"
#include "agent/store.hpp"
#include "api/stored_pod.hpp"

namespace agent {

namespace {

// `path` is `root` or below it, compared component by component after normalisation.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& root) {
  const std::filesystem::path p = path.lexically_normal();
  std::filesystem::path r = root.lexically_normal();
  if (!r.has_filename() && r != r.root_path()) r = r.parent_path();  // "/home/alice/"
  auto pi = p.begin();
  for (const std::filesystem::path& part : r) {
    if (pi == p.end() || *pi != part) return false;
    ++pi;
  }
  return true;
}

std::string owner_text(const NamespaceOwner& owner) {
  return owner.login + " (uid " + std::to_string(owner.uid) + ")";
}

// runAsUser and runAsGroup (pod or container level) may only name the owner's own.
void check_identity(const std::optional<std::int64_t>& user,
                    const std::optional<std::int64_t>& group, const NamespaceOwner& owner,
                    const std::string& at, api::FieldErrors& out) {
  if (user && *user != owner.uid) {
    out.push_back(api::forbidden(at + ".runAsUser",
                                 "pods of this namespace run as " + owner_text(owner) + " only"));
  }
  if (group && *group != owner.gid) {
    out.push_back(api::forbidden(at + ".runAsGroup", "pods of this namespace run with group " +
                                                         std::to_string(owner.gid) + " only"));
  }
}

void check_container(const api::Container& c, const NamespaceOwner& owner, const std::string& field,
                     api::FieldErrors& out) {
  if (!c.security_context) return;
  const api::SecurityContext& sc = *c.security_context;
  const std::string at = field + ".securityContext";
  check_identity(sc.run_as_user, sc.run_as_group, owner, at, out);
  if (sc.privileged.value_or(false)) {
    out.push_back(
        api::forbidden(at + ".privileged", "pods of this namespace may not be privileged"));
  }
  if (sc.capabilities && !sc.capabilities->add.empty()) {
    out.push_back(api::forbidden(at + ".capabilities.add",
                                 "pods of this namespace may not add capabilities"));
  }
}

}  // namespace

base::Result<NamespaceOwner> local_user(std::uint32_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  const int err = ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found);
  if (found == nullptr) {
    if (err != 0) return base::Error::from_errno("look up uid " + std::to_string(uid), err);
    return base::Error("uid " + std::to_string(uid) + " has no passwd entry");
  }
  NamespaceOwner owner;
  owner.uid = uid;
  owner.gid = pw.pw_gid;
  owner.login = pw.pw_name;
  owner.home = pw.pw_dir;
  int count = 32;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  while (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
  }
  groups.resize(static_cast<std::size_t>(count));
  for (gid_t g : groups) owner.groups.push_back(g);
  return owner;
}

base::Result<std::optional<NamespaceOwner>> namespace_owner(Store& store,
                                                            const std::string& name_space) {
  auto stored = store.get({"namespaces", "", name_space});
  if (!stored.ok()) return stored.error().context("namespace " + name_space);
  if (!stored->has_value()) return std::optional<NamespaceOwner>();
  const nlohmann::json object = nlohmann::json::parse((*stored)->json, nullptr, false);
  const nlohmann::json* annotations = nullptr;
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object() &&
      object["metadata"].contains("annotations")) {
    annotations = &object["metadata"]["annotations"];
  }
  if (annotations == nullptr || !annotations->is_object() ||
      !annotations->contains(kOwnerUidAnnotation)) {
    return std::optional<NamespaceOwner>();
  }
  const nlohmann::json& value = (*annotations)[kOwnerUidAnnotation];
  const std::string text = value.is_string() ? value.get<std::string>() : std::string();
  std::uint32_t uid = 0;
  try {
    std::size_t used = 0;
    const unsigned long parsed = std::stoul(text, &used);
    if (used != text.size() || parsed > 0xffffffffUL) throw std::invalid_argument(text);
    uid = static_cast<std::uint32_t>(parsed);
  } catch (const std::exception&) {
    return base::Error("namespace " + name_space + ": annotation " + kOwnerUidAnnotation +
                       " is not a uid: \"" + text + "\"");
  }
  base::Result<NamespaceOwner> owner = local_user(uid);
  if (!owner.ok()) return owner.error().context("owner of namespace " + name_space);
  return std::optional<NamespaceOwner>(std::move(owner).value());
}

base::Status ensure_user_namespace(Store& store, const base::Clock& clock,
                                   const std::string& name_space, std::uint32_t uid) {
  base::Status made =
      ensure_namespace(store, clock, name_space, {{kOwnerUidAnnotation, std::to_string(uid)}});
  if (!made.ok()) return made;
  auto owner = namespace_owner(store, name_space);
  if (!owner.ok()) return owner.error();
  if (!owner->has_value() || (*owner)->uid != uid) {
    return base::Error("namespace " + name_space + " exists and does not belong to uid " +
                       std::to_string(uid) + " (annotation " + kOwnerUidAnnotation + ")");
  }
  return {};
}

std::optional<std::string> user_jobs_quota_exceeded(Store& store, const std::string& name_space,
                                                    std::int64_t max_jobs) {
  auto owner = namespace_owner(store, name_space);
  if (!owner.ok()) return "cannot check quota: " + owner.error().message();
  if (!owner->has_value()) return std::nullopt;
  auto jobs = store.list("jobs.batch", name_space);
  if (!jobs.ok()) return "cannot check quota: " + jobs.error().message();
  const auto used = static_cast<std::int64_t>(jobs->objects.size());
  if (used + 1 <= max_jobs) return std::nullopt;
  return exceeded_quota_message(kUserMaxJobsQuota, "count/jobs.batch", "1", std::to_string(used),
                                std::to_string(max_jobs));
}

std::optional<std::string> user_quota_exceeded(Store& store, const api::Job& job,
                                               const UserQuota& quota) {
  const std::string& name_space = job.metadata.namespace_;
  if (quota.max_jobs) {
    if (auto exceeded = user_jobs_quota_exceeded(store, name_space, *quota.max_jobs)) {
      return exceeded;
    }
  }
  if (!quota.max_memory && !quota.max_cpu) return std::nullopt;
  auto owner = namespace_owner(store, name_space);
  if (!owner.ok()) return "cannot check quota: " + owner.error().message();
  if (!owner->has_value()) return std::nullopt;
  auto pods = store.list("pods", name_space);
  if (!pods.ok()) return "cannot check quota: " + pods.error().message();
  QuotaUsage used;
  for (const api::StoredObject& object : pods->objects) {
    auto pod = api::decode_stored_pod(nlohmann::json::parse(object.json, nullptr, false));
    if (!pod.ok() || pod->status.phase == api::kPodSucceeded ||
        pod->status.phase == api::kPodFailed) {
      continue;
    }
    used.add(pod_quota_usage(pod->spec));
  }
  return job_quota_refusal(quota, used, pod_quota_usage(job.spec.template_.spec));
}

api::FieldErrors owner_policy_errors(const api::PodSpec& spec, const NamespaceOwner& owner,
                                     const std::vector<std::filesystem::path>& shared_host_paths,
                                     const std::string& path) {
  api::FieldErrors out;
  if (spec.security_context) {
    const api::PodSecurityContext& sc = *spec.security_context;
    const std::string at = path + ".securityContext";
    check_identity(sc.run_as_user, sc.run_as_group, owner, at, out);
    for (std::size_t i = 0; i < sc.supplemental_groups.size(); ++i) {
      const std::int64_t group = sc.supplemental_groups[i];
      if (group < 0 || std::find(owner.groups.begin(), owner.groups.end(),
                                 static_cast<std::uint32_t>(group)) == owner.groups.end()) {
        out.push_back(api::forbidden(
            at + ".supplementalGroups[" + std::to_string(i) + "]",
            "pods of this namespace have the groups of " + owner_text(owner) + " only"));
      }
    }
  }
  for (std::size_t i = 0; i < spec.init_containers.size(); ++i) {
    check_container(spec.init_containers[i], owner,
                    path + ".initContainers[" + std::to_string(i) + "]", out);
  }
  for (std::size_t i = 0; i < spec.containers.size(); ++i) {
    check_container(spec.containers[i], owner, path + ".containers[" + std::to_string(i) + "]",
                    out);
  }
  for (std::size_t i = 0; i < spec.volumes.size(); ++i) {
    const api::Volume& volume = spec.volumes[i];
    if (!volume.host_path) continue;
    const std::filesystem::path host(volume.host_path->path);
    bool allowed = !owner.home.empty() && owner.home != "/" && is_within(host, owner.home);
    for (const std::filesystem::path& shared : shared_host_paths) {
      allowed = allowed || is_within(host, shared);
    }
    if (!allowed) {
      out.push_back(api::forbidden(path + ".volumes[" + std::to_string(i) + "].hostPath.path",
                                   "pods of this namespace may mount only paths under " +
                                       owner.home.string() + " or a path the admin shares"));
    }
  }
  return out;
}

}  // namespace agent
