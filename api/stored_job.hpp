// api/stored_job.hpp: a Job as the store holds it (server-set metadata and status included)
// back into api::Job — for readers of stored objects (the agent's controller, update paths),
// as opposed to api/job_decode.hpp, which reads what a client may send on create.
//
// Contract:
// - decode_stored_job() accepts exactly what encode_job() writes: metadata.uid,
//   resourceVersion, generation, creationTimestamp, deletionTimestamp and
//   deletionGracePeriodSeconds are taken as they are; managedFields and unknown fields are
//   ignored (the store keeps them in the JSON; writers that must keep them edit the JSON, never
//   re-encode a decoded Job); status is decoded field by field.
// - A document that is not a Job, or whose spec does not decode, is an error naming why: the
//   store only holds objects that passed validation, so this means a corrupt or foreign row.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "api/job.hpp"
#include "base/result.hpp"

namespace api {

base::Result<Job> decode_stored_job(const nlohmann::json& object);

// status of a Job (the /status subresource's payload); unknown fields are ignored.
base::Result<JobStatus> decode_job_status(const nlohmann::json& status);

// The metadata fields only the server sets, read from `meta` (a JSON metadata object) into
// `out`; they are removed from `meta` so that the client-side decoder accepts the rest.
base::Status take_server_metadata(nlohmann::json& meta, ObjectMeta& out);
// Copies those fields from `server` (as take_server_metadata() read them) into `out`.
void put_server_metadata(const ObjectMeta& server, ObjectMeta& out);

}  // namespace api
