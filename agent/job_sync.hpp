// agent/job_sync.hpp: one sync of one Job against the store — claim its pods (spec §4.17), run
// the controller (agent/job_controller.hpp), persist what it decided.
//
// Contract:
// - Adoption and release are written to the pods first (ownerReference + tracking finalizer
//   added, or the ownerReference dropped); an adopted pod is handed to the controller as owned.
// - The new status and the backoff record are written in ONE store transaction
//   (Store::update_with_side_record, JSON edit of `status` only), with the uid as precondition;
//   nothing is written when neither changed. The backoff record is read back from the store's
//   side record, or derived from the pods for a job that has none (api/recreate_backoff.hpp).
// - A failed status write is returned as an error and the job is retried after 1 s: the
//   controller's contract requires the status to be persisted before its next sync.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/event_sink.hpp"
#include "agent/informer.hpp"
#include "agent/job_controller.hpp"
#include "agent/store.hpp"
#include "base/clock.hpp"

namespace agent {

struct JobSyncOutcome {
  std::optional<base::Duration> requeue_after;
  base::Status error;
};

std::string encode_backoff_record(const BackoffRecord& record);
std::optional<BackoffRecord> decode_backoff_record(const std::string& text);

class JobSyncer {
 public:
  // `events`: the sink the controller records into; flushed before a status is written, so the
  // Events of a transition are in the store before the status that shows it.
  JobSyncer(Store& store, const base::Clock& clock, JobController& controller, EventSink& events)
      : store_(store), clock_(clock), controller_(controller), events_(events) {}

  JobSyncOutcome sync(const CachedJob& job, const std::vector<const CachedPod*>& candidates);

 private:
  Store& store_;
  const base::Clock& clock_;
  JobController& controller_;
  EventSink& events_;
};

}  // namespace agent
