// cli/logs_command.cpp: pod logs (whole or followed) and waiting for a condition, by watching.
#include "cli/logs_command.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <thread>

#include "base/encoding.hpp"

namespace cli {

namespace {

// kubectl's --pod-running-timeout default: how long logs waits for a job's first pod and for
// its container to start.
constexpr auto kPodRunningTimeout = std::chrono::seconds(20);
constexpr auto kPodPoll = std::chrono::milliseconds(100);

bool is_running(const nlohmann::json& pod) {
  return pod.contains("status") && pod["status"].value("phase", "") == "Running";
}

// The pod kubectl's logs would pick for a job: running before not, then oldest.
std::optional<std::string> pick_job_pod(const ClientContext& context, const std::string& job) {
  auto pods = resolve_kind("pods");
  auto list = context.get_json(context.collection_path(*pods) + "?labelSelector=" +
                               base::percent_encode("batch.kubernetes.io/job-name=" + job));
  if (!list) return std::nullopt;
  auto items = (*list)["items"];
  if (items.empty()) return std::string();
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (is_running(a) != is_running(b)) return is_running(a);
    return a["metadata"].value("creationTimestamp", "") <
           b["metadata"].value("creationTimestamp", "");
  });
  const std::string name = items[0]["metadata"].value("name", "");
  if (items.size() > 1) {
    std::fprintf(stderr, "Found %zu pods, using pod/%s\n", items.size(), name.c_str());
  }
  return name;
}

std::optional<std::string> resolve_container(const ClientContext& context, const Kind& pods,
                                             const std::string& pod, const LogsOptions& options) {
  if (!options.container.empty()) return options.container;
  auto object = context.get_json(context.object_path(pods, pod));
  if (!object) return std::nullopt;
  const auto containers = (*object)["spec"].value("containers", nlohmann::json::array());
  if (containers.size() <= 1) return std::string();
  std::string names;
  for (const auto& c : containers) names += (names.empty() ? "" : ", ") + c.value("name", "");
  const std::string first = containers[0].value("name", "");
  std::fprintf(stderr, "Defaulted container \"%s\" out of: %s\n", first.c_str(), names.c_str());
  return first;
}

bool condition_met(const nlohmann::json& object, const std::string& type, const std::string& want) {
  if (!object.contains("status")) return false;
  for (const auto& condition : object["status"].value("conditions", nlohmann::json::array())) {
    std::string name = condition.value("type", "");
    std::string status = condition.value("status", "");
    auto lower = [](std::string s) {
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    if (lower(name) == lower(type)) return lower(status) == lower(want);
  }
  return false;
}

// "30s", "2m", "1h" or a plain number of seconds.
std::optional<long> timeout_seconds(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  const std::string unit = text.substr(used);
  if (unit.empty() || unit == "s") return value;
  if (unit == "m") return value * 60;
  if (unit == "h") return value * 3600;
  return std::nullopt;
}

}  // namespace

namespace {

// A container that has not started yet: the log endpoint's 400 kubectl waits out.
bool waiting_to_start(int status, const std::string& body) {
  return status == 400 && body.find("is waiting to start") != std::string::npos;
}

}  // namespace

int logs_command(const ClientContext& context, const LogsOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + kPodRunningTimeout;
  std::string error;
  auto ref = parse_object_ref(options.target, "pod", error);
  if (!ref) return fail(error);
  std::string pod = ref->name;
  if (ref->kind.resource == "jobs") {
    // A job just created may not have its pod yet.
    for (;;) {
      auto picked = pick_job_pod(context, ref->name);
      if (!picked) return 1;
      pod = *picked;
      if (!pod.empty()) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        return fail("timed out waiting for the condition");
      }
      std::this_thread::sleep_for(kPodPoll);
    }
  } else if (ref->kind.resource != "pods") {
    return fail("cannot get the logs from " + ref->kind.qualified);
  }
  const Kind pods = *resolve_kind("pods");
  auto container = resolve_container(context, pods, pod, options);
  if (!container) return 1;
  std::string query;
  auto add = [&query](const std::string& key, const std::string& value) {
    query += (query.empty() ? "?" : "&") + key + "=" + base::percent_encode(value);
  };
  if (!container->empty()) add("container", *container);
  if (options.follow) add("follow", "true");
  if (options.previous) add("previous", "true");
  if (options.timestamps) add("timestamps", "true");
  if (options.tail >= 0) add("tailLines", std::to_string(options.tail));
  std::string error_body;
  base::Result<int> status = 0;
  for (;;) {
    error_body.clear();
    status = context.api.stream(
        ApiRequest::read(context.object_path(pods, pod) + "/log" + query, "*/*"),
        [](std::string_view piece) {
          std::fwrite(piece.data(), 1, piece.size(), stdout);
          std::fflush(stdout);
          return true;
        },
        error_body);
    if (!status.ok()) return fail(status.error().message());
    if (!waiting_to_start(*status, error_body) || std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(kPodPoll);
  }
  if (*status != 200) return fail_reply(ApiReply{*status, error_body, ""});
  return 0;
}

int wait_command(const ClientContext& context, const WaitOptions& options) {
  const auto timeout = timeout_seconds(options.timeout);
  if (!timeout || *timeout < 0) return fail("invalid --timeout \"" + options.timeout + "\"");
  std::string type;
  std::string want = "true";
  const bool for_delete = options.condition == "delete";
  if (!for_delete) {
    if (options.condition.rfind("condition=", 0) != 0) {
      return fail("unrecognized condition: \"" + options.condition + "\"");
    }
    type = options.condition.substr(10);
    if (auto eq = type.find('='); eq != std::string::npos) {
      want = type.substr(eq + 1);
      type = type.substr(0, eq);
    }
  }
  if (options.targets.empty()) return fail("resource name may not be empty");
  int exit_code = 0;
  for (const auto& target : options.targets) {
    std::string error;
    auto ref = parse_object_ref(target, "", error);
    if (!ref) return fail(error);
    const std::string label = ref->kind.qualified + "/" + ref->name;
    auto reply = context.api.get(context.object_path(ref->kind, ref->name));
    if (!reply.ok()) return fail(reply.error().message());
    if (reply->status == 404 && for_delete) {
      std::printf("%s deleted\n", label.c_str());
      continue;
    }
    if (reply->status != 200) {
      exit_code = fail_reply(*reply);
      continue;
    }
    auto object = nlohmann::json::parse(reply->body, nullptr, false);
    bool met = !for_delete && condition_met(object, type, want);
    if (!met && *timeout > 0) {
      const std::string query =
          "?watch=1&fieldSelector=" + base::percent_encode("metadata.name=" + ref->name) +
          "&resourceVersion=" + object["metadata"].value("resourceVersion", "") +
          "&timeoutSeconds=" + std::to_string(*timeout);
      std::string buffer;
      std::string error_body;
      auto status = context.api.stream(
          ApiRequest::read(context.collection_path(ref->kind) + query),
          [&](std::string_view piece) {
            buffer.append(piece);
            for (auto end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n')) {
              auto event = nlohmann::json::parse(buffer.substr(0, end), nullptr, false);
              buffer.erase(0, end + 1);
              if (!event.is_object()) continue;
              const std::string kind = event.value("type", "");
              if (for_delete && kind == "DELETED") met = true;
              if (!for_delete && (kind == "ADDED" || kind == "MODIFIED")) {
                met = condition_met(event["object"], type, want);
              }
              if (met) return false;
            }
            return true;
          },
          error_body);
      if (!status.ok()) return fail(status.error().message());
      if (*status != 200) {
        exit_code = fail_reply(ApiReply{*status, error_body, ""});
        continue;
      }
    }
    if (!met) {
      exit_code =
          fail("timed out waiting for the condition on " + ref->kind.resource + "/" + ref->name);
      continue;
    }
    std::printf("%s %s\n", label.c_str(), for_delete ? "deleted" : "condition met");
  }
  std::fflush(stdout);
  return exit_code;
}

}  // namespace cli
