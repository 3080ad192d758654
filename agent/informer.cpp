#include "agent/informer.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "agent/pod_objects.hpp"
#include "api/stored_job.hpp"
#include "api/stored_pod.hpp"

namespace agent {
namespace {

std::optional<CachedJob> decode_job_object(const api::StoredObject& object) {
  const auto json = nlohmann::json::parse(object.json, nullptr, false);
  auto job = api::decode_stored_job(json);
  if (!job.ok()) {
    spdlog::warn("informer: skipping job {}/{}: {}", object.key.name_space, object.key.name,
                 job.error().message());
    return std::nullopt;
  }
  return CachedJob{object.key, std::move(*job), object.resource_version};
}

std::optional<CachedPod> decode_pod_object(const api::StoredObject& object) {
  const auto json = nlohmann::json::parse(object.json, nullptr, false);
  auto decoded = api::decode_stored_pod(json);
  if (!decoded.ok()) {
    spdlog::warn("informer: skipping pod {}/{}: {}", object.key.name_space, object.key.name,
                 decoded.error().message());
    return std::nullopt;
  }
  CachedPod pod;
  pod.key = object.key;
  pod.pod = std::move(*decoded);
  pod.view = controller_view(pod.pod);
  pod.controller = controller_of(pod.pod.metadata);
  pod.resource_version = object.resource_version;
  return pod;
}

std::string owner_uid(const CachedPod& pod) { return pod.controller ? pod.controller->uid : ""; }

}  // namespace

void Informer::reset(const std::vector<api::StoredObject>& jobs,
                     const std::vector<api::StoredObject>& pods, api::ResourceVersion at) {
  jobs_.clear();
  job_names_.clear();
  pods_.clear();
  pods_by_owner_.clear();
  orphans_by_namespace_.clear();
  for (const auto& object : jobs) {
    if (auto job = decode_job_object(object)) {
      job_names_[{object.key.name_space, object.key.name}] = object.uid;
      jobs_.emplace(object.uid, std::move(*job));
    }
  }
  for (const auto& object : pods) {
    if (auto pod = decode_pod_object(object)) {
      index_pod(*pod);
      pods_.emplace(object.uid, std::move(*pod));
    }
  }
  synced_ = at;
}

InformerEvent Informer::apply(const api::Change& change) {
  if (change.object.resource_version <= synced_) return {};
  synced_ = change.object.resource_version;
  if (change.object.key.resource == kJobsResource) return apply_job(change);
  if (change.object.key.resource == "pods") return apply_pod(change);
  return {};
}

InformerEvent Informer::apply_job(const api::Change& change) {
  const api::StoredObject& object = change.object;
  InformerEvent event;
  event.uid = object.uid;
  event.name_space = object.key.name_space;
  auto existing = jobs_.find(object.uid);
  if (change.type == api::ChangeType::deleted) {
    if (existing == jobs_.end()) return {};
    job_names_.erase({object.key.name_space, object.key.name});
    jobs_.erase(existing);
    event.kind = InformerEvent::Kind::job_deleted;
    return event;
  }
  auto job = decode_job_object(object);
  if (!job) return {};
  if (existing == jobs_.end()) {
    event.kind = InformerEvent::Kind::job_added;
    job_names_[{object.key.name_space, object.key.name}] = object.uid;
    jobs_.emplace(object.uid, std::move(*job));
    return event;
  }
  const bool spec_changed =
      existing->second.job.metadata.generation != job->job.metadata.generation ||
      existing->second.job.metadata.deletion_timestamp != job->job.metadata.deletion_timestamp;
  event.kind = spec_changed ? InformerEvent::Kind::job_spec_changed
                            : InformerEvent::Kind::job_status_changed;
  existing->second = std::move(*job);
  return event;
}

InformerEvent Informer::apply_pod(const api::Change& change) {
  const api::StoredObject& object = change.object;
  InformerEvent event;
  event.uid = object.uid;
  event.name_space = object.key.name_space;
  auto existing = pods_.find(object.uid);
  if (existing != pods_.end()) {
    event.owner_before = owner_uid(existing->second);
    unindex_pod(existing->second);
  }
  if (change.type == api::ChangeType::deleted) {
    if (existing == pods_.end()) return {};
    pods_.erase(existing);
    event.kind = InformerEvent::Kind::pod_deleted;
    return event;
  }
  auto pod = decode_pod_object(object);
  if (!pod) {
    if (existing != pods_.end()) index_pod(existing->second);
    return {};
  }
  event.owner_after = owner_uid(*pod);
  event.kind =
      existing == pods_.end() ? InformerEvent::Kind::pod_added : InformerEvent::Kind::pod_changed;
  index_pod(*pod);
  pods_.insert_or_assign(object.uid, std::move(*pod));
  return event;
}

void Informer::index_pod(const CachedPod& pod) {
  const std::string owner = owner_uid(pod);
  if (owner.empty()) {
    orphans_by_namespace_[pod.key.name_space].insert(pod.pod.metadata.uid);
  } else {
    pods_by_owner_[owner].insert(pod.pod.metadata.uid);
  }
}

void Informer::unindex_pod(const CachedPod& pod) {
  const std::string owner = owner_uid(pod);
  auto& index = owner.empty() ? orphans_by_namespace_ : pods_by_owner_;
  const std::string& slot = owner.empty() ? pod.key.name_space : owner;
  if (auto it = index.find(slot); it != index.end()) {
    it->second.erase(pod.pod.metadata.uid);
    if (it->second.empty()) index.erase(it);
  }
}

const CachedJob* Informer::job(const std::string& uid) const {
  auto it = jobs_.find(uid);
  return it == jobs_.end() ? nullptr : &it->second;
}

const CachedJob* Informer::job_named(const std::string& name_space, const std::string& name) const {
  auto it = job_names_.find({name_space, name});
  return it == job_names_.end() ? nullptr : job(it->second);
}

const CachedPod* Informer::pod(const std::string& uid) const {
  auto it = pods_.find(uid);
  return it == pods_.end() ? nullptr : &it->second;
}

std::vector<const CachedPod*> Informer::pods_owned_by(const std::string& job_uid) const {
  std::vector<const CachedPod*> out;
  if (auto it = pods_by_owner_.find(job_uid); it != pods_by_owner_.end()) {
    for (const std::string& uid : it->second) out.push_back(pod(uid));
  }
  return out;
}

std::vector<const CachedPod*> Informer::candidate_pods(const CachedJob& job) const {
  std::vector<const CachedPod*> out = pods_owned_by(job.job.metadata.uid);
  if (auto it = orphans_by_namespace_.find(job.key.name_space); it != orphans_by_namespace_.end()) {
    for (const std::string& uid : it->second) out.push_back(pod(uid));
  }
  return out;
}

std::vector<const CachedJob*> Informer::jobs() const {
  std::vector<const CachedJob*> out;
  for (const auto& [uid, job] : jobs_) out.push_back(&job);
  return out;
}

std::vector<const CachedJob*> Informer::jobs_in(const std::string& name_space) const {
  std::vector<const CachedJob*> out;
  for (const auto& [uid, job] : jobs_) {
    if (job.key.name_space == name_space) out.push_back(&job);
  }
  return out;
}

}  // namespace agent
