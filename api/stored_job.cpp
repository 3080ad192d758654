#include "api/stored_job.hpp"

#include <nlohmann/json.hpp>

#include "api/job_decode.hpp"
#include "api/rfc3339.hpp"

namespace api {
namespace {

using nlohmann::json;

base::Result<base::TimePoint> time_field(const json& object, const char* key) {
  const auto& value = object.at(key);
  if (!value.is_string()) return base::Error(std::string(key) + ": not a time string");
  auto parsed = parse_time(value.get<std::string>());
  if (!parsed) return base::Error(std::string(key) + ": not an RFC 3339 time: " + value.dump());
  return *parsed;
}

std::optional<base::TimePoint> optional_time(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return parse_time(it->get<std::string>());
}

template <typename T>
T number_or(const json& object, const char* key, T fallback) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return fallback;
  return it->get<T>();
}

std::string string_or_empty(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

void put_server_metadata(const ObjectMeta& server, ObjectMeta& out) {
  out.uid = server.uid;
  out.resource_version = server.resource_version;
  out.generation = server.generation;
  out.creation_timestamp = server.creation_timestamp;
  out.deletion_timestamp = server.deletion_timestamp;
  out.deletion_grace_period_seconds = server.deletion_grace_period_seconds;
}

base::Status take_server_metadata(json& meta, ObjectMeta& out) {
  if (!meta.is_object()) return {};
  out.uid = string_or_empty(meta, "uid");
  out.resource_version = string_or_empty(meta, "resourceVersion");
  out.generation = number_or<std::int64_t>(meta, "generation", 0);
  if (meta.contains("creationTimestamp") && !meta["creationTimestamp"].is_null()) {
    auto t = time_field(meta, "creationTimestamp");
    if (!t.ok()) return t.error().context("metadata");
    out.creation_timestamp = *t;
  }
  if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) {
    auto t = time_field(meta, "deletionTimestamp");
    if (!t.ok()) return t.error().context("metadata");
    out.deletion_timestamp = *t;
  }
  if (auto it = meta.find("deletionGracePeriodSeconds");
      it != meta.end() && it->is_number_integer()) {
    out.deletion_grace_period_seconds = it->get<std::int64_t>();
  }
  for (const char* key :
       {"uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink"}) {
    meta.erase(key);
  }
  return {};
}

base::Result<JobStatus> decode_job_status(const json& status) {
  JobStatus out;
  if (status.is_null()) return out;
  if (!status.is_object()) return base::Error("status: not an object");
  if (auto it = status.find("conditions"); it != status.end() && it->is_array()) {
    for (const json& c : *it) {
      if (!c.is_object()) return base::Error("status.conditions: not an object");
      JobCondition condition;
      condition.type = string_or_empty(c, "type");
      condition.status = string_or_empty(c, "status");
      condition.reason = string_or_empty(c, "reason");
      condition.message = string_or_empty(c, "message");
      condition.last_probe_time = optional_time(c, "lastProbeTime").value_or(base::TimePoint{});
      condition.last_transition_time =
          optional_time(c, "lastTransitionTime").value_or(base::TimePoint{});
      out.conditions.push_back(std::move(condition));
    }
  }
  out.start_time = optional_time(status, "startTime");
  out.completion_time = optional_time(status, "completionTime");
  out.active = number_or<std::int32_t>(status, "active", 0);
  out.succeeded = number_or<std::int32_t>(status, "succeeded", 0);
  out.failed = number_or<std::int32_t>(status, "failed", 0);
  if (status.contains("terminating"))
    out.terminating = number_or<std::int32_t>(status, "terminating", 0);
  if (status.contains("ready")) out.ready = number_or<std::int32_t>(status, "ready", 0);
  out.completed_indexes = string_or_empty(status, "completedIndexes");
  if (auto it = status.find("failedIndexes"); it != status.end() && it->is_string()) {
    out.failed_indexes = it->get<std::string>();
  }
  if (auto it = status.find("uncountedTerminatedPods"); it != status.end() && it->is_object()) {
    UncountedTerminatedPods uncounted;
    for (const auto& [key, list] :
         {std::pair{"succeeded", &uncounted.succeeded}, std::pair{"failed", &uncounted.failed}}) {
      if (auto items = it->find(key); items != it->end() && items->is_array()) {
        for (const json& uid : *items) {
          if (uid.is_string()) list->push_back(uid.get<std::string>());
        }
      }
    }
    out.uncounted_terminated_pods = std::move(uncounted);
  }
  return out;
}

base::Result<Job> decode_stored_job(const json& object) {
  if (!object.is_object()) return base::Error("stored job: not a JSON object");
  json copy = object;
  ObjectMeta server;
  if (auto it = copy.find("metadata"); it != copy.end()) {
    if (auto taken = take_server_metadata(*it, server); !taken.ok()) {
      return taken.error().context("stored job");
    }
  }
  json status = json();
  if (auto it = copy.find("status"); it != copy.end()) {
    status = std::move(*it);
    copy.erase("status");
  }
  DecodedJob decoded = decode_job(copy, FieldValidation::ignore);
  if (!decoded.errors.empty()) {
    return base::Error("stored job " + server.uid + ": " + decoded.errors.front().to_string());
  }
  Job job = std::move(decoded.job);
  put_server_metadata(server, job.metadata);
  auto st = decode_job_status(status);
  if (!st.ok()) return st.error().context("stored job " + server.uid);
  job.status = std::move(*st);
  return job;
}

}  // namespace api
