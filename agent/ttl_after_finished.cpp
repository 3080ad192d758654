#include "agent/ttl_after_finished.hpp"

#include <nlohmann/json.hpp>

#include "agent/object_update.hpp"
#include "api/stored_job.hpp"

namespace agent {

std::optional<base::TimePoint> ttl_expiry(const api::Job& job) {
  if (!job.spec.ttl_seconds_after_finished || job.metadata.deletion_timestamp) return std::nullopt;
  const api::JobCondition* finished = api::finished_condition(job.status);
  if (finished == nullptr) return std::nullopt;
  return finished->last_transition_time +
         std::chrono::seconds(*job.spec.ttl_seconds_after_finished);
}

base::Result<bool> delete_expired_job(Store& store, const base::Clock& clock,
                                      const CachedJob& job) {
  const base::TimePoint now = clock.now();
  bool marked = false;
  auto updated =
      update_object(store, job.key, job.job.metadata.uid, [&](nlohmann::ordered_json& object) {
        auto current = api::decode_stored_job(nlohmann::json(object));
        if (!current.ok()) return Mutation::unchanged;
        const auto expiry = ttl_expiry(*current);
        if (!expiry || *expiry > now) return Mutation::unchanged;
        api::mark_deleting(object, now, "Foreground");
        marked = true;
        return Mutation::changed;
      });
  if (!updated.ok()) return updated.error().context("delete expired job " + job.key.name);
  return marked;
}

}  // namespace agent
