#include "agent/pod_writes.hpp"

#include <algorithm>

#include "agent/event_store.hpp"
#include "agent/object_update.hpp"
#include "agent/pod_objects.hpp"
#include "api/names.hpp"
#include "api/pod_deletion.hpp"
#include "api/pod_encode.hpp"

namespace agent {
namespace {

constexpr int kNameAttempts = 8;

std::string describe(const ObjectKey& key) {
  std::string text = key.resource;
  text += ' ';
  text += key.name_space;
  text += '/';
  text += key.name;
  return text;
}

}  // namespace

StorePodControl::StorePodControl(Store& store, const base::Clock& clock, EventSink& events,
                                 std::string node_name)
    : store_(store),
      clock_(clock),
      events_(events),
      node_name_(std::move(node_name)),
      rng_(api::seeded_engine()) {}

base::Result<CreatedPod> StorePodControl::create_pod(const api::Job& job,
                                                     const PodCreation& creation) {
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    std::string name;
    std::string uid;
    {
      std::lock_guard lock(rng_mutex_);
      name = api::generate_name(creation.generate_name, rng_);
      uid = api::new_uid(rng_);
    }
    api::Pod pod = job_pod(job, creation, name, uid, clock_.now(), node_name_);
    const ObjectKey key{kPodsResource, pod.metadata.namespace_, name};
    auto written = store_.create(key, uid, [&pod](ResourceVersion rv) {
      api::Pod versioned = pod;
      versioned.metadata.resource_version = std::to_string(rv);
      return api::encode_pod(versioned).dump();
    });
    if (!written.ok()) return written.error().context("create pod for job " + job.metadata.name);
    if (written->outcome == WriteOutcome::already_exists) continue;
    pod.metadata.resource_version = std::to_string(written->object.resource_version);
    std::string message = "Successfully assigned ";
    message += pod.metadata.namespace_;
    message += '/';
    message += name;
    message += " to ";
    message += node_name_;
    events_.record(involved_pod(pod), "Normal", "Scheduled", message, "default-scheduler");
    return CreatedPod{name, uid};
  }
  return base::Error("create pod for job " + job.metadata.name + ": no free name after " +
                     std::to_string(kNameAttempts) + " attempts");
}

base::Status delete_pod_gracefully(Store& store, const base::Clock& clock,
                                   const std::string& name_space, const std::string& name,
                                   const std::string& uid, std::optional<std::int64_t> grace) {
  const ObjectKey key{kPodsResource, name_space, name};
  auto done = update_object(store, key, uid, [&](nlohmann::ordered_json& pod) {
    return api::mark_pod_deleting(pod, clock.now(), grace);
  });
  if (!done.ok()) return done.error().context("delete " + describe(key));
  return {};
}

base::Status remove_finalizer(Store& store, const ObjectKey& key, const std::string& uid,
                              std::string_view finalizer) {
  auto done = update_object(store, key, uid, [&](nlohmann::ordered_json& object) {
    auto& meta = object["metadata"];
    auto it = meta.find("finalizers");
    if (it == meta.end() || !it->is_array()) return Mutation::unchanged;
    const auto before = it->size();
    auto& list = *it;
    list.erase(std::remove(list.begin(), list.end(), nlohmann::ordered_json(finalizer)),
               list.end());
    if (list.size() == before) return Mutation::unchanged;
    if (list.empty()) meta.erase("finalizers");
    return Mutation::changed;
  });
  if (!done.ok()) {
    return done.error().context("remove finalizer " + std::string(finalizer) + " from " +
                                describe(key));
  }
  return {};
}

base::Status StorePodControl::delete_pod(const api::Job&, const ControllerPod& pod) {
  return delete_pod_gracefully(store_, clock_, pod.namespace_, pod.name, pod.uid);
}

base::Status StorePodControl::remove_tracking_finalizer(const api::Job&, const ControllerPod& pod) {
  return remove_finalizer(store_, {kPodsResource, pod.namespace_, pod.name}, pod.uid,
                          kJobTrackingFinalizer);
}

nlohmann::ordered_json merge_kubelet_status(const nlohmann::ordered_json& stored,
                                            nlohmann::ordered_json reported) {
  // Upstream kubetypes.PodConditionsByKubelet.
  const auto kubelet_owned = [](const nlohmann::ordered_json& c) {
    const std::string type = c.value("type", "");
    return type == "Ready" || type == "Initialized" || type == "ContainersReady" ||
           type == "PodReadyToStartContainers";
  };
  nlohmann::ordered_json conditions = nlohmann::ordered_json::array();
  if (auto it = stored.find("conditions"); it != stored.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (!kubelet_owned(c)) conditions.push_back(c);
    }
  }
  const std::string phase = reported.value("phase", "");
  const bool terminal = phase == "Succeeded" || phase == "Failed";
  if (auto it = reported.find("conditions"); it != reported.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (kubelet_owned(c)) {
        conditions.push_back(c);
      } else if (c.value("type", "") == "DisruptionTarget" && terminal) {
        // Shared with the kubelet (a node shutdown): sent once the pod is terminal.
        nlohmann::ordered_json kept = nlohmann::ordered_json::array();
        for (auto& old : conditions) {
          if (old.value("type", "") != "DisruptionTarget") kept.push_back(std::move(old));
        }
        kept.push_back(c);
        conditions = std::move(kept);
      }
    }
  }
  if (conditions.empty()) {
    reported.erase("conditions");
  } else {
    reported["conditions"] = std::move(conditions);
  }
  return reported;
}

base::Status StorePodStatus::update_status(const api::Pod& pod) {
  const ObjectKey key{kPodsResource, pod.metadata.namespace_, pod.metadata.name};
  const nlohmann::ordered_json reported = api::encode_pod_status(pod.status);
  auto done = update_object(store_, key, pod.metadata.uid, [&](nlohmann::ordered_json& object) {
    const nlohmann::ordered_json status =
        merge_kubelet_status(object.value("status", nlohmann::ordered_json::object()), reported);
    if (object.value("status", nlohmann::ordered_json()) == status) return Mutation::unchanged;
    object["status"] = status;
    return Mutation::changed;
  });
  if (!done.ok()) return done.error().context("update status of " + describe(key));
  return {};
}

base::Status StorePodStatus::finish_deletion(const api::Pod& pod) {
  const ObjectKey key{kPodsResource, pod.metadata.namespace_, pod.metadata.name};
  auto done = update_object(store_, key, pod.metadata.uid, [&](nlohmann::ordered_json& object) {
    auto& meta = object["metadata"];
    if (!meta.contains("deletionTimestamp") || meta["deletionTimestamp"].is_null()) {
      return Mutation::unchanged;  // only a pod being deleted finishes its deletion
    }
    if (meta.value("deletionGracePeriodSeconds", -1) == 0 && !deletion_complete(object)) {
      return Mutation::unchanged;
    }
    meta["deletionGracePeriodSeconds"] = 0;
    return Mutation::changed;  // removed by update_object when no finalizers remain
  });
  if (!done.ok()) return done.error().context("finish deletion of " + describe(key));
  return {};
}

}  // namespace agent
