// cli/describe_command.cpp: kubectl describe (pkg/describe) for Jobs and Pods, in its layout.
#include "cli/describe_command.hpp"

#include <algorithm>
#include <ctime>

#include "api/human_duration.hpp"
#include "api/rfc3339.hpp"
#include "base/encoding.hpp"
#include "cli/table_printer.hpp"

namespace cli {

namespace {

using Lines = std::vector<std::vector<std::string>>;
using nlohmann::json;

std::string text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string field(const json& object, std::initializer_list<const char*> path,
                  const std::string& fallback = "") {
  const json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return fallback;
    at = &(*at)[key];
  }
  return at->is_null() ? fallback : text(*at);
}

// "Mon, 02 Jan 2006 15:04:05 +0000" (Go's time.RFC1123Z, what describe prints).
std::string rfc1123(const std::string& rfc3339) {
  auto t = api::parse_time(rfc3339);
  if (!t) return "<unknown>";
  const std::time_t seconds = std::chrono::system_clock::to_time_t(*t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char out[64];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return out;
}

// "Labels:\tk=v" then one continuation line per further entry, "<none>" when empty.
void add_map(Lines& lines, const std::string& indent, const std::string& title, const json& map) {
  if (!map.is_object() || map.empty()) {
    lines.push_back({indent + title + ":", "<none>"});
    return;
  }
  bool first = true;
  for (auto it = map.begin(); it != map.end(); ++it) {
    lines.push_back({first ? indent + title + ":" : "", it.key() + "=" + text(it.value())});
    first = false;
  }
}

void add_list(Lines& lines, const std::string& indent, const std::string& title,
              const json& items) {
  if (!items.is_array() || items.empty()) return;
  lines.push_back({indent + title + ":"});
  for (const auto& item : items) lines.push_back({indent + "  " + text(item)});
}

// kubectl describe's text for an env var's valueFrom: "(v1:metadata.name)" for a fieldRef,
// "(limits.cpu)" for a resourceFieldRef, "<set to the key 'k' of config map 'm'>" and
// "<set to the key 'k' in secret 's'>".
std::string env_source(const json& from) {
  std::string out;
  if (from.contains("fieldRef")) {
    out.append("(").append(field(from["fieldRef"], {"apiVersion"}, "v1")).append(":");
    out.append(field(from["fieldRef"], {"fieldPath"})).append(")");
  } else if (from.contains("resourceFieldRef")) {
    out.append("(").append(field(from["resourceFieldRef"], {"resource"})).append(")");
  } else if (from.contains("configMapKeyRef")) {
    out.append("<set to the key '").append(field(from["configMapKeyRef"], {"key"}));
    out.append("' of config map '").append(field(from["configMapKeyRef"], {"name"})).append("'>");
  } else if (from.contains("secretKeyRef")) {
    out.append("<set to the key '").append(field(from["secretKeyRef"], {"key"}));
    out.append("' in secret '").append(field(from["secretKeyRef"], {"name"})).append("'>");
  }
  return out;
}

// `indent` is where the container's name starts (kubectl: 3 spaces in a pod template, 2 in a
// pod); the fields are at 4 either way.
void add_containers(Lines& lines, const std::string& indent, const json& containers,
                    const json& statuses) {
  for (const auto& container : containers) {
    const std::string name = container.value("name", "");
    lines.push_back({indent + name + ":"});
    const std::string in = "    ";
    const json* status = nullptr;
    if (statuses.is_array()) {
      for (const auto& s : statuses) {
        if (s.value("name", "") == name) status = &s;
      }
    }
    if (status) lines.push_back({in + "Container ID:", field(*status, {"containerID"})});
    lines.push_back({in + "Image:", container.value("image", "")});
    if (status) lines.push_back({in + "Image ID:", field(*status, {"imageID"})});
    lines.push_back({in + "Port:", "<none>"});
    lines.push_back({in + "Host Port:", "<none>"});
    add_list(lines, in, "Command", container.value("command", json::array()));
    add_list(lines, in, "Args", container.value("args", json::array()));
    if (status && status->contains("state")) {
      const auto& state = (*status)["state"];
      for (const char* phase : {"running", "waiting", "terminated"}) {
        if (!state.contains(phase)) continue;
        const auto& s = state[phase];
        std::string title = phase;
        title[0] = static_cast<char>(std::toupper(title[0]));
        lines.push_back({in + "State:", title});
        if (s.contains("reason")) lines.push_back({in + "  Reason:", field(s, {"reason"})});
        if (s.contains("exitCode")) lines.push_back({in + "  Exit Code:", field(s, {"exitCode"})});
        if (s.contains("startedAt"))
          lines.push_back({in + "  Started:", rfc1123(field(s, {"startedAt"}))});
        if (s.contains("finishedAt"))
          lines.push_back({in + "  Finished:", rfc1123(field(s, {"finishedAt"}))});
      }
      lines.push_back(
          {in + "Ready:", field(*status, {"ready"}, "false") == "true" ? "True" : "False"});
      lines.push_back({in + "Restart Count:", field(*status, {"restartCount"}, "0")});
    }
    const auto limits = container.contains("resources")
                            ? container["resources"].value("limits", json::object())
                            : json::object();
    if (!limits.empty()) {
      lines.push_back({in + "Limits:"});
      for (auto it = limits.begin(); it != limits.end(); ++it) {
        lines.push_back({in + "  " + it.key() + ":", text(it.value())});
      }
    }
    const auto env = container.value("env", json::array());
    if (env.empty()) {
      lines.push_back({in + "Environment:", "<none>"});
    } else {
      lines.push_back({in + "Environment:"});
      for (const auto& e : env) {
        const std::string value =
            e.contains("valueFrom") ? env_source(e["valueFrom"]) : field(e, {"value"});
        lines.push_back({in + "  " + e.value("name", "") + ":", value});
      }
    }
    const auto mounts = container.value("volumeMounts", json::array());
    if (mounts.empty()) {
      lines.push_back({in + "Mounts:", "<none>"});
    } else {
      lines.push_back({in + "Mounts:"});
      for (const auto& m : mounts) {
        lines.push_back({in + "  " + m.value("mountPath", "") + " from " + m.value("name", "") +
                         (m.value("readOnly", false) ? " (ro)" : " (rw)")});
      }
    }
  }
}

void add_volumes(Lines& lines, const std::string& indent, const json& volumes) {
  if (!volumes.is_array() || volumes.empty()) {
    lines.push_back({indent + "Volumes:", "<none>"});
    return;
  }
  lines.push_back({indent + "Volumes:"});
  for (const auto& volume : volumes) {
    lines.push_back({indent + "  " + volume.value("name", "") + ":"});
    for (auto it = volume.begin(); it != volume.end(); ++it) {
      if (it.key() == "name") continue;
      lines.push_back({indent + "    Type:", it.key()});
      if (it.value().is_object()) {
        for (auto f = it.value().begin(); f != it.value().end(); ++f) {
          std::string title = f.key();
          title[0] = static_cast<char>(std::toupper(title[0]));
          lines.push_back({indent + "    " + title + ":", text(f.value())});
        }
      }
    }
  }
}

void add_events(Lines& lines, const json& events, base::TimePoint now) {
  if (!events.is_array() || events.empty()) {
    lines.push_back({"Events:", "<none>"});
    return;
  }
  lines.push_back({"Events:"});
  lines.push_back({"  Type", "Reason", "Age", "From", "Message"});
  lines.push_back({"  ----", "------", "----", "----", "-------"});
  for (const auto& event : events) {
    const std::string last = field(event, {"lastTimestamp"}, field(event, {"eventTime"}));
    const std::string first = field(event, {"firstTimestamp"}, last);
    std::string age = api::timestamp_since(api::parse_time(last), now);
    const int count = event.value("count", 1);
    if (count > 1) {
      age += " (x" + std::to_string(count) + " over " +
             api::timestamp_since(api::parse_time(first), now) + ")";
    }
    std::string from = field(event, {"source", "component"}, field(event, {"reportingComponent"}));
    lines.push_back({"  " + event.value("type", ""), event.value("reason", ""), age, from,
                     event.value("message", "")});
  }
}

void describe_job(Lines& lines, const json& job) {
  const auto& spec = job["spec"];
  const json status = job.value("status", json::object());
  std::string selector;
  const json match_labels = spec["selector"].value("matchLabels", json::object());
  for (auto& [k, v] : match_labels.items()) {
    selector += (selector.empty() ? "" : ",") + k + "=" + text(v);
  }
  lines.push_back({"Selector:", selector});
  add_map(lines, "", "Labels", job["metadata"].value("labels", json::object()));
  add_map(lines, "", "Annotations", job["metadata"].value("annotations", json::object()));
  lines.push_back({"Parallelism:", field(spec, {"parallelism"}, "1")});
  lines.push_back({"Completions:", field(spec, {"completions"}, "<unset>")});
  lines.push_back({"Completion Mode:", field(spec, {"completionMode"}, "NonIndexed")});
  lines.push_back({"Suspend:", field(spec, {"suspend"}, "false")});
  lines.push_back({"Backoff Limit:", field(spec, {"backoffLimit"}, "6")});
  if (spec.contains("activeDeadlineSeconds")) {
    lines.push_back({"Active Deadline Seconds:", field(spec, {"activeDeadlineSeconds"}) + "s"});
  }
  if (status.contains("startTime")) {
    lines.push_back({"Start Time:", rfc1123(field(status, {"startTime"}))});
  }
  if (status.contains("completionTime")) {
    lines.push_back({"Completed At:", rfc1123(field(status, {"completionTime"}))});
    auto start = api::parse_time(field(status, {"startTime"}));
    auto end = api::parse_time(field(status, {"completionTime"}));
    if (start && end) lines.push_back({"Duration:", api::human_duration(*end - *start)});
  }
  lines.push_back({"Pods Statuses:", field(status, {"active"}, "0") + " Active (" +
                                         field(status, {"ready"}, "0") + " Ready) / " +
                                         field(status, {"succeeded"}, "0") + " Succeeded / " +
                                         field(status, {"failed"}, "0") + " Failed"});
  if (status.contains("completedIndexes")) {
    lines.push_back({"Completed Indexes:", field(status, {"completedIndexes"})});
  }
  const auto& pod_template = spec["template"];
  lines.push_back({"Pod Template:"});
  add_map(lines, "  ", "Labels", pod_template["metadata"].value("labels", json::object()));
  lines.push_back({"  Containers:"});
  add_containers(lines, "   ", pod_template["spec"].value("containers", json::array()), nullptr);
  add_volumes(lines, "  ", pod_template["spec"].value("volumes", json::array()));
  add_map(lines, "  ", "Node-Selectors",
          pod_template["spec"].value("nodeSelector", json::object()));
  lines.push_back({"  Tolerations:", "<none>"});
}

void describe_pod(Lines& lines, const json& pod) {
  const auto& spec = pod["spec"];
  const json status = pod.value("status", json::object());
  if (spec.contains("serviceAccountName")) {
    lines.push_back({"Service Account:", field(spec, {"serviceAccountName"})});
  }
  const std::string node = field(spec, {"nodeName"});
  const std::string host_ip = field(status, {"hostIP"});
  lines.push_back({"Node:", node.empty()      ? "<none>"
                            : host_ip.empty() ? node
                                              : node + "/" + host_ip});
  if (status.contains("startTime")) {
    lines.push_back({"Start Time:", rfc1123(field(status, {"startTime"}))});
  }
  add_map(lines, "", "Labels", pod["metadata"].value("labels", json::object()));
  add_map(lines, "", "Annotations", pod["metadata"].value("annotations", json::object()));
  lines.push_back({"Status:", field(status, {"phase"}, "Pending")});
  if (status.contains("reason")) lines.push_back({"Reason:", field(status, {"reason"})});
  if (status.contains("message")) lines.push_back({"Message:", field(status, {"message"})});
  if (status.contains("podIP")) {
    lines.push_back({"IP:", field(status, {"podIP"})});
    lines.push_back({"IPs:"});
    for (const auto& ip : status.value("podIPs", json::array())) {
      lines.push_back({"  IP:", field(ip, {"ip"})});
    }
  } else {
    lines.push_back({"IP:", ""});
    lines.push_back({"IPs:", "<none>"});
  }
  for (const auto& owner : pod["metadata"].value("ownerReferences", json::array())) {
    if (owner.value("controller", false)) {
      lines.push_back({"Controlled By:", owner.value("kind", "") + "/" + owner.value("name", "")});
    }
  }
  const auto init = spec.value("initContainers", json::array());
  if (!init.empty()) {
    lines.push_back({"Init Containers:"});
    add_containers(lines, "  ", init, status.value("initContainerStatuses", json::array()));
  }
  lines.push_back({"Containers:"});
  add_containers(lines, "  ", spec.value("containers", json::array()),
                 status.value("containerStatuses", json::array()));
  const auto conditions = status.value("conditions", json::array());
  if (!conditions.empty()) {
    lines.push_back({"Conditions:"});
    lines.push_back({"  Type", "Status"});
    // kubectl writes "%v \t%v \n": both cells end with a space.
    for (const auto& c : conditions) {
      lines.push_back({"  " + c.value("type", "") + " ", c.value("status", "") + " "});
    }
  }
  add_volumes(lines, "", spec.value("volumes", json::array()));
  lines.push_back({"QoS Class:", field(status, {"qosClass"}, "BestEffort")});
  add_map(lines, "", "Node-Selectors", spec.value("nodeSelector", json::object()));
  lines.push_back({"Tolerations:", "<none>"});
}

}  // namespace

std::string describe_text(const Kind& kind, const json& object, const json& events,
                          base::TimePoint now) {
  Lines lines;
  const auto& metadata = object["metadata"];
  lines.push_back({"Name:", metadata.value("name", "")});
  if (kind.namespaced) lines.push_back({"Namespace:", metadata.value("namespace", "")});
  if (kind.resource == "jobs") {
    describe_job(lines, object);
  } else if (kind.resource == "pods") {
    describe_pod(lines, object);
  } else {
    add_map(lines, "", "Labels", metadata.value("labels", json::object()));
    add_map(lines, "", "Annotations", metadata.value("annotations", json::object()));
    if (object.contains("status")) {
      for (auto& [k, v] : object["status"].items()) {
        std::string title = k;
        title[0] = static_cast<char>(std::toupper(title[0]));
        lines.push_back({title + ":", text(v)});
      }
    }
  }
  if (kind.resource != "events") add_events(lines, events, now);
  return align_cells(lines, kDescribeTabs);
}

int describe_command(const ClientContext& context, const std::vector<std::string>& arguments) {
  if (arguments.empty()) return fail("You must specify the type of resource to describe.");
  std::vector<ObjectRef> refs;
  std::string error;
  if (arguments[0].find('/') == std::string::npos) {
    auto kind = resolve_kind(arguments[0]);
    if (!kind) return fail(unknown_kind_message(arguments[0]));
    if (arguments.size() == 1)
      return fail("name the object: batchlet describe " + arguments[0] + " NAME");
    for (std::size_t i = 1; i < arguments.size(); ++i) refs.push_back({*kind, arguments[i]});
  } else {
    for (const auto& argument : arguments) {
      auto ref = parse_object_ref(argument, "", error);
      if (!ref) return fail(error);
      refs.push_back(std::move(*ref));
    }
  }
  int exit_code = 0;
  bool first = true;
  for (const auto& ref : refs) {
    auto object = context.get_json(context.object_path(ref.kind, ref.name));
    if (!object) {
      exit_code = 1;
      continue;
    }
    const auto& metadata = (*object)["metadata"];
    const Kind events_kind = *resolve_kind("events");
    ClientContext events_context = context;
    events_context.ns = metadata.value("namespace", context.ns);
    const std::string selector = "involvedObject.name=" + metadata.value("name", "") +
                                 ",involvedObject.namespace=" + metadata.value("namespace", "") +
                                 ",involvedObject.uid=" + metadata.value("uid", "");
    json events = json::array();
    if (ref.kind.namespaced) {
      auto list = events_context.get_json(events_context.collection_path(events_kind) +
                                          "?fieldSelector=" + base::percent_encode(selector));
      if (list) events = (*list)["items"];
    }
    std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
      return field(a, {"lastTimestamp"}) < field(b, {"lastTimestamp"});
    });
    const std::string out =
        describe_text(ref.kind, *object, events, std::chrono::system_clock::now());
    std::printf("%s%s", first ? "" : "\n\n", out.c_str());
    first = false;
  }
  std::fflush(stdout);
  return exit_code;
}

}  // namespace cli
