#include "api/stored_pod.hpp"

#include <nlohmann/json.hpp>

#include "api/job_decode.hpp"
#include "api/rfc3339.hpp"
#include "api/stored_job.hpp"

namespace api {
namespace {

using nlohmann::json;

std::optional<base::TimePoint> time_of(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return parse_time(it->get<std::string>());
}

std::string text_of(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::int32_t int_of(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  return it->get<std::int32_t>();
}

ContainerState state_of(const json& object) {
  ContainerState state;
  if (!object.is_object()) return state;
  if (auto w = object.find("waiting"); w != object.end() && w->is_object()) {
    state.waiting = ContainerStateWaiting{text_of(*w, "reason"), text_of(*w, "message")};
  }
  if (auto r = object.find("running"); r != object.end() && r->is_object()) {
    state.running = ContainerStateRunning{time_of(*r, "startedAt")};
  }
  if (auto t = object.find("terminated"); t != object.end() && t->is_object()) {
    ContainerStateTerminated term;
    term.exit_code = int_of(*t, "exitCode");
    term.signal = int_of(*t, "signal");
    term.reason = text_of(*t, "reason");
    term.message = text_of(*t, "message");
    term.started_at = time_of(*t, "startedAt");
    term.finished_at = time_of(*t, "finishedAt");
    term.container_id = text_of(*t, "containerID");
    state.terminated = std::move(term);
  }
  return state;
}

std::vector<ContainerStatus> statuses_of(const json& status, const char* key) {
  std::vector<ContainerStatus> out;
  auto it = status.find(key);
  if (it == status.end() || !it->is_array()) return out;
  for (const json& s : *it) {
    if (!s.is_object()) continue;
    ContainerStatus c;
    c.name = text_of(s, "name");
    if (auto st = s.find("state"); st != s.end()) c.state = state_of(*st);
    if (auto st = s.find("lastState"); st != s.end()) c.last_state = state_of(*st);
    if (auto ready = s.find("ready"); ready != s.end() && ready->is_boolean()) c.ready = *ready;
    c.restart_count = int_of(s, "restartCount");
    c.image = text_of(s, "image");
    c.image_id = text_of(s, "imageID");
    c.container_id = text_of(s, "containerID");
    if (auto started = s.find("started"); started != s.end() && started->is_boolean()) {
      c.started = started->get<bool>();
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

base::Result<PodStatus> decode_pod_status(const json& status) {
  PodStatus out;
  if (status.is_null()) return out;
  if (!status.is_object()) return base::Error("status: not an object");
  out.phase = text_of(status, "phase");
  if (auto it = status.find("conditions"); it != status.end() && it->is_array()) {
    for (const json& c : *it) {
      if (!c.is_object()) continue;
      PodCondition condition;
      condition.type = text_of(c, "type");
      condition.status = text_of(c, "status");
      condition.last_probe_time = time_of(c, "lastProbeTime");
      condition.last_transition_time = time_of(c, "lastTransitionTime");
      condition.reason = text_of(c, "reason");
      condition.message = text_of(c, "message");
      out.conditions.push_back(std::move(condition));
    }
  }
  out.message = text_of(status, "message");
  out.reason = text_of(status, "reason");
  out.host_ip = text_of(status, "hostIP");
  out.pod_ip = text_of(status, "podIP");
  out.start_time = time_of(status, "startTime");
  out.init_container_statuses = statuses_of(status, "initContainerStatuses");
  out.container_statuses = statuses_of(status, "containerStatuses");
  out.qos_class = text_of(status, "qosClass");
  return out;
}

base::Result<Pod> decode_stored_pod(const json& object) {
  if (!object.is_object()) return base::Error("stored pod: not a JSON object");
  if (text_of(object, "kind") != "Pod" || text_of(object, "apiVersion") != "v1") {
    return base::Error("stored pod: not a v1 Pod");
  }
  Pod pod;
  json meta = object.value("metadata", json::object());
  if (auto taken = take_server_metadata(meta, pod.metadata); !taken.ok()) {
    return taken.error().context("stored pod");
  }
  json spec = object.value("spec", json::object());
  std::string node_name;
  if (spec.is_object()) {
    node_name = text_of(spec, "nodeName");
    spec.erase("nodeName");
  }
  // The Job decoder reads metadata and a pod spec (as a template) with every rule of the API.
  const json as_job = {{"apiVersion", "batch/v1"},
                       {"kind", "Job"},
                       {"metadata", meta},
                       {"spec", {{"template", {{"spec", spec}}}}}};
  DecodedJob decoded = decode_job(as_job, FieldValidation::ignore);
  if (!decoded.errors.empty()) {
    return base::Error("stored pod " + pod.metadata.uid + ": " +
                       decoded.errors.front().to_string());
  }
  ObjectMeta server = std::move(pod.metadata);
  pod.metadata = std::move(decoded.job.metadata);
  put_server_metadata(server, pod.metadata);
  pod.spec = std::move(decoded.job.spec.template_.spec);
  pod.spec.node_name = std::move(node_name);
  auto status = decode_pod_status(object.value("status", json()));
  if (!status.ok()) return status.error().context("stored pod " + pod.metadata.uid);
  pod.status = std::move(*status);
  return pod;
}

}  // namespace api
