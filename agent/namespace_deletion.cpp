#include "agent/namespace_deletion.hpp"

#include "agent/informer.hpp"
#include "agent/pod_writes.hpp"
#include "api/object_update.hpp"
#include "api/rfc3339.hpp"

namespace agent {

using nlohmann::ordered_json;

base::Result<bool> finalize_namespace(Store& store, const base::Clock& clock,
                                      const std::string& name) {
  bool empty = true;
  auto jobs = store.list(kJobsResource, name);
  if (!jobs.ok()) return jobs.error();
  for (const api::StoredObject& job : jobs->objects) {
    empty = false;
    auto deleted = api::update_object(store, job.key, job.uid, [&](ordered_json& object) {
      ordered_json& meta = object["metadata"];
      if (meta.contains("deletionTimestamp")) return api::Mutation::unchanged;
      meta["deletionTimestamp"] = api::format_time(clock.now());
      meta["deletionGracePeriodSeconds"] = 0;
      return api::Mutation::changed;
    });
    if (!deleted.ok()) return deleted.error().context("delete job " + job.key.name);
  }
  auto pods = store.list("pods", name);
  if (!pods.ok()) return pods.error();
  for (const api::StoredObject& pod : pods->objects) {
    empty = false;
    const ordered_json object = ordered_json::parse(pod.json, nullptr, false);
    if (object.is_object() && object["metadata"].contains("deletionTimestamp")) continue;
    if (auto s = delete_pod_gracefully(store, clock, name, pod.key.name, pod.uid); !s.ok()) {
      return s.error();
    }
  }
  auto events = store.list("events", name);
  if (!events.ok()) return events.error();
  for (const api::StoredObject& event : events->objects) {
    auto removed = store.remove(event.key, {std::nullopt, event.uid}, [&](api::ResourceVersion rv) {
      return api::render_with_version(ordered_json::parse(event.json, nullptr, false), rv);
    });
    if (!removed.ok()) return removed.error();
  }
  if (!empty) return false;
  auto ns = store.get({"namespaces", "", name});
  if (!ns.ok()) return ns.error();
  if (!*ns) return true;
  auto removed = store.remove(
      {"namespaces", "", name}, {std::nullopt, (*ns)->uid}, [&](api::ResourceVersion rv) {
        return api::render_with_version(ordered_json::parse((*ns)->json, nullptr, false), rv);
      });
  if (!removed.ok()) return removed.error();
  return true;
}

}  // namespace agent
