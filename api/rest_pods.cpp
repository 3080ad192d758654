// api/rest_pods.cpp: the pod verbs beyond reads and deletion — metadata updates (the pod
// strategy forbids spec changes we cannot honour), pods/log (the kubelet's container log, picked
// by the API server's rules), and pods/eviction.
#include <algorithm>
#include <cctype>

#include "api/name_rules.hpp"
#include "api/object_update.hpp"
#include "api/pod_deletion.hpp"
#include "api/rest_context.hpp"
#include "api/rfc3339.hpp"
#include "api/status.hpp"
#include "api/stored_pod.hpp"

namespace api::rest {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kMetadataFields[] = {"labels", "annotations", "finalizers",
                                           "ownerReferences"};

Labels string_map(const json& value) {
  Labels out;
  if (!value.is_object()) return out;
  for (const auto& [key, v] : value.items()) {
    if (v.is_string()) out[key] = v.get<std::string>();
  }
  return out;
}

std::optional<std::int64_t> int_param(const RequestInfo& info, const char* key, bool& bad) {
  auto text = info.param(key);
  if (!text || text->empty()) return std::nullopt;
  auto value = parse_query_int(*text);
  if (!value) bad = true;
  return value;
}

bool bool_param(const RequestInfo& info, const char* key) {
  auto text = info.param(key);
  return text && query_bool(*text);
}

const ContainerStatus* find_status(const Pod& pod, const std::string& name) {
  for (const auto* list : {&pod.status.container_statuses, &pod.status.init_container_statuses}) {
    for (const ContainerStatus& status : *list) {
      if (status.name == name) return &status;
    }
  }
  return nullptr;
}

std::string joined(const std::vector<Container>& containers) {
  std::string out;
  for (const Container& c : containers) {
    if (!out.empty()) out += ' ';
    out += c.name;
  }
  return out;
}

}  // namespace

http::Response update_pod(Context& context, const Call& call, const BodyFor& body_for,
                          const WriteOptions& options) {
  return write_update(
      context, call, options.dry_run,
      [&](const ordered_json& current) -> std::variant<Computed, http::Response> {
        auto body_or = body_for(current);
        if (auto* error = std::get_if<http::Response>(&body_or)) return std::move(*error);
        const json body = std::get<json>(std::move(body_or));
        if (!body.is_object() || !body.contains("metadata") || !body["metadata"].is_object()) {
          return bad_request("the object provided is unrecognized or malformed");
        }
        if (auto bad = check_body_name(body, call.info.name)) return std::move(*bad);
        const json& meta = body["metadata"];
        if (body.contains("spec") && json(current.value("spec", ordered_json())) != body["spec"]) {
          return status_response(invalid_status(
              "", "Pod", call.info.name,
              {forbidden("spec",
                         "pod updates may not change fields other than `spec.containers[*].image`,"
                         "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                         "`spec.tolerations` (only additions to existing tolerations),"
                         "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
                         "previously negative)")}));
        }
        FieldErrors errors;
        validate_labels(string_map(meta.value("labels", json())), "metadata.labels", errors);
        validate_annotations(string_map(meta.value("annotations", json())), "metadata.annotations",
                             errors);
        if (!errors.empty()) {
          return status_response(invalid_status("", "Pod", call.info.name, errors));
        }
        ordered_json next = current;
        for (const char* field : kMetadataFields) {
          if (meta.contains(field) && !meta[field].is_null()) {
            next["metadata"][field] = meta[field];
          } else {
            next["metadata"].erase(field);
          }
        }
        return Computed{std::move(next), meta.value("resourceVersion", "")};
      });
}

http::Response pod_log(Context& context, const Call& call) {
  auto found = context.store.get(call.key());
  if (!found.ok()) return internal_error(found.error().message());
  if (!*found) return not_found("", "pods", call.info.name);
  auto pod_or = decode_stored_pod(json::parse((*found)->json, nullptr, false));
  if (!pod_or.ok()) return internal_error(pod_or.error().message());
  const Pod& pod = *pod_or;

  std::string container(call.info.param("container").value_or(""));
  if (container.empty()) {
    if (auto it = pod.metadata.annotations.find("kubectl.kubernetes.io/default-container");
        it != pod.metadata.annotations.end()) {
      container = it->second;
    } else if (pod.spec.containers.size() == 1) {
      container = pod.spec.containers.front().name;
    } else {
      std::string message = "a container name must be specified for pod " + pod.metadata.name +
                            ", choose one of: [" + joined(pod.spec.containers) + "]";
      if (!pod.spec.init_containers.empty()) {
        message += " or one of the init containers: [" + joined(pod.spec.init_containers) + "]";
      }
      return bad_request(message);
    }
  }
  const auto named = [&](const Container& c) { return c.name == container; };
  if (std::none_of(pod.spec.containers.begin(), pod.spec.containers.end(), named) &&
      std::none_of(pod.spec.init_containers.begin(), pod.spec.init_containers.end(), named)) {
    return bad_request("container " + container + " is not valid for pod " + pod.metadata.name);
  }

  bool bad = false;
  PodLogRequest request;
  request.name_space = pod.metadata.namespace_;
  request.pod = pod.metadata.name;
  request.uid = pod.metadata.uid;
  request.container = container;
  request.tail_lines = int_param(call.info, "tailLines", bad);
  request.limit_bytes = int_param(call.info, "limitBytes", bad);
  const auto since_seconds = int_param(call.info, "sinceSeconds", bad);
  if (bad) return bad_request("invalid log options: a number was expected");
  if (since_seconds) {
    if (*since_seconds < 1) {
      return status_response(invalid_status(
          "", "PodLogOptions", "",
          {invalid("sinceSeconds", std::to_string(*since_seconds), "must be greater than 0")}));
    }
    request.since = context.clock.now() - std::chrono::seconds(*since_seconds);
  }
  if (auto text = call.info.param("sinceTime"); text && !text->empty()) {
    if (since_seconds) {
      return status_response(invalid_status(
          "", "PodLogOptions", "",
          {forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified")}));
    }
    auto t = parse_time(*text);
    if (!t) return bad_request("sinceTime: invalid time \"" + std::string(*text) + "\"");
    request.since = *t;
  }
  request.timestamps = bool_param(call.info, "timestamps");
  const bool previous = bool_param(call.info, "previous");
  const bool follow = bool_param(call.info, "follow");

  const ContainerStatus* status = find_status(pod, container);
  const bool ran = status != nullptr &&
                   (status->state.running || status->state.terminated || status->restart_count > 0);
  if (previous) {
    if (status == nullptr || !status->last_state.terminated) {
      return bad_request("previous terminated container \"" + container + "\" in pod \"" +
                         pod.metadata.name + "\" not found");
    }
    request.restart = status->restart_count - 1;
  } else if (!ran) {
    std::string reason = "ContainerCreating";
    if (status != nullptr && status->state.waiting && !status->state.waiting->reason.empty()) {
      reason = status->state.waiting->reason;
    }
    return bad_request("container \"" + container + "\" in pod \"" + pod.metadata.name +
                       "\" is waiting to start: " + reason);
  } else if (!status->state.running && !status->state.terminated) {
    // Waiting to restart (back-off): the last run is the one to show, as the kubelet does.
    request.restart = status->restart_count - 1;
  } else {
    request.restart = status->restart_count;
  }

  http::Response response;
  response.content_type = "text/plain";
  if (!follow || previous) {
    auto text = context.logs.read(request);
    if (!text.ok()) return internal_error(text.error().message());
    response.body = std::move(*text);
    return response;
  }
  // Follow until this run is over: the container terminated or restarted, or the pod is gone.
  const ObjectKey key = call.key();
  const std::string uid = pod.metadata.uid;
  const int restart = request.restart;
  ObjectStore& store = context.store;
  request.run_ended = [&store, key, uid, container, restart] {
    auto now = store.get(key);
    if (!now.ok() || !*now || (*now)->uid != uid) return true;
    auto current = decode_stored_pod(json::parse((*now)->json, nullptr, false));
    if (!current.ok()) return true;
    const ContainerStatus* s = find_status(*current, container);
    if (s == nullptr) return true;
    return s->restart_count > restart || s->state.terminated.has_value() ||
           current->status.phase == kPodSucceeded || current->status.phase == kPodFailed;
  };
  response.stream = context.logs.follow(std::move(request));
  return response;
}

http::Response evict_pod(Context& context, const Call& call) {
  auto body_or = read_body(call.request);
  if (auto* error = std::get_if<http::Response>(&body_or)) return std::move(*error);
  const json& body = std::get<json>(body_or);
  if (!body.is_object()) return bad_request("the object provided is unrecognized or malformed");
  if (body.contains("metadata") && body["metadata"].is_object() &&
      body["metadata"].value("name", call.info.name) != call.info.name) {
    return bad_request("name in URL does not match name in Eviction object");
  }
  std::optional<std::int64_t> grace;
  if (auto it = body.find("deleteOptions"); it != body.end() && it->is_object()) {
    if (auto g = it->find("gracePeriodSeconds"); g != it->end() && g->is_number_integer()) {
      grace = g->get<std::int64_t>();
    }
  }
  const auto now = context.clock.now();
  auto updated = update_object(context.store, call.key(), std::nullopt, [&](ordered_json& pod) {
    ordered_json& status = pod["status"];
    ordered_json& conditions = status["conditions"];
    if (!conditions.is_array()) conditions = ordered_json::array();
    bool present = false;
    for (ordered_json& c : conditions) {
      if (c.value("type", "") == "DisruptionTarget") {
        present = true;
        if (c.value("status", "") != "True") {
          c = {{"type", "DisruptionTarget"},        {"status", "True"},
               {"lastProbeTime", nullptr},          {"lastTransitionTime", format_time(now)},
               {"reason", "EvictionByEvictionAPI"}, {"message", "Eviction API: evicting"}};
        }
      }
    }
    if (!present) {
      conditions.push_back({{"type", "DisruptionTarget"},
                            {"status", "True"},
                            {"lastProbeTime", nullptr},
                            {"lastTransitionTime", format_time(now)},
                            {"reason", "EvictionByEvictionAPI"},
                            {"message", "Eviction API: evicting"}});
    }
    mark_pod_deleting(pod, now, grace);
    return Mutation::changed;
  });
  if (!updated.ok()) return internal_error(updated.error().message());
  if (!*updated) return not_found("", "pods", call.info.name);
  return json_response(201, ordered_json{{"kind", "Status"},
                                         {"apiVersion", "v1"},
                                         {"metadata", ordered_json::object()},
                                         {"status", "Success"},
                                         {"code", 201}});
}

}  // namespace api::rest
