#include "api/pod_table.hpp"

#include "api/human_duration.hpp"
#include "api/pod_encode.hpp"

namespace api {
namespace {

using nlohmann::json;

bool condition_true(const PodStatus& status, std::string_view type) {
  for (const auto& c : status.conditions) {
    if (c.type == type && c.status == "True") return true;
  }
  return false;
}

std::string terminated_reason(const ContainerStateTerminated& t, const char* prefix) {
  std::string out = prefix;
  if (!t.reason.empty()) return out + t.reason;
  if (t.signal != 0) return out + "Signal:" + std::to_string(t.signal);
  return out + "ExitCode:" + std::to_string(t.exit_code);
}

// The cells READY, STATUS and RESTARTS share one scan, as upstream's printPod.
struct PodCells {
  std::string ready;
  std::string status;
  std::string restarts;
};

PodCells compute(const Pod& pod, base::TimePoint now) {
  const PodStatus& st = pod.status;
  std::string reason = st.phase;
  if (!st.reason.empty()) reason = st.reason;
  for (const auto& c : st.conditions) {
    if (c.type == "PodScheduled" && c.reason == "SchedulingGated") reason = "SchedulingGated";
  }
  int restarts = 0;
  std::optional<base::TimePoint> last_restart;
  auto note_restart = [&](const ContainerStatus& c) {
    restarts += c.restart_count;
    if (c.last_state.terminated && c.last_state.terminated->finished_at) {
      const base::TimePoint t = *c.last_state.terminated->finished_at;
      if (!last_restart || *last_restart < t) last_restart = t;
    }
  };

  bool initializing = false;
  const std::size_t init_total = pod.spec.init_containers.size();
  for (std::size_t i = 0; i < st.init_container_statuses.size(); ++i) {
    const ContainerStatus& c = st.init_container_statuses[i];
    note_restart(c);
    if (c.state.terminated && c.state.terminated->exit_code == 0) continue;
    if (c.state.terminated) {
      reason = terminated_reason(*c.state.terminated, "Init:");
    } else if (c.state.waiting && !c.state.waiting->reason.empty() &&
               c.state.waiting->reason != "PodInitializing") {
      reason = "Init:" + c.state.waiting->reason;
    } else {
      reason = "Init:" + std::to_string(i) + "/" + std::to_string(init_total);
    }
    initializing = true;
    break;
  }

  int ready = 0;
  if (!initializing || condition_true(st, "Initialized")) {
    // Restartable (sidecar) init containers are not supported, so only regular ones count.
    restarts = 0;
    last_restart.reset();
    bool has_running = false;
    for (std::size_t k = st.container_statuses.size(); k-- > 0;) {
      const ContainerStatus& c = st.container_statuses[k];
      note_restart(c);
      if (c.state.waiting && !c.state.waiting->reason.empty()) {
        reason = c.state.waiting->reason;
      } else if (c.state.terminated) {
        reason = terminated_reason(*c.state.terminated, "");
      } else if (c.ready && c.state.running) {
        has_running = true;
        ++ready;
      }
    }
    if (reason == "Completed" && has_running) {
      reason = condition_true(st, "Ready") ? "Running" : "NotReady";
    }
  }
  if (pod.metadata.deletion_timestamp && st.reason == "NodeLost") {
    reason = "Unknown";
  } else if (pod.metadata.deletion_timestamp && st.phase != kPodSucceeded &&
             st.phase != kPodFailed) {
    reason = "Terminating";
  }

  PodCells cells;
  cells.ready = std::to_string(ready) + "/" + std::to_string(pod.spec.containers.size());
  cells.status = reason;
  cells.restarts = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    cells.restarts += " (" + timestamp_since(last_restart, now) + " ago)";
  }
  return cells;
}

}  // namespace

const std::vector<TableColumn>& pod_columns() {
  // Name and Age reuse ObjectMeta's docs, as the job columns do.
  static const std::vector<TableColumn> columns = [] {
    const auto& jobs = job_columns();
    return std::vector<TableColumn>{
        jobs[0],
        {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.",
         0},
        {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
        {"Restarts", "string", "",
         "The number of times the containers in this pod have been restarted and when the last "
         "container in this pod has restarted.",
         0},
        jobs[4],
        {"IP", "string", "",
         "podIP address allocated to the pod. Routable at least within the "
         "cluster. Empty if not yet allocated.",
         1},
        {"Node", "string", "", "NodeName indicates in which node this pod is scheduled.", 1},
        {"Nominated Node", "string", "",
         "nominatedNodeName is set only when this pod preempts other pods on the node.", 1},
        {"Readiness Gates", "string", "",
         "If specified, all readiness gates will be evaluated for pod readiness.", 1}};
  }();
  return columns;
}

std::string pod_status_reason(const Pod& pod) { return compute(pod, base::TimePoint{}).status; }

std::vector<std::string> pod_row(const Pod& pod, base::TimePoint now) {
  PodCells cells = compute(pod, now);
  auto or_none = [](const std::string& v) { return v.empty() ? std::string("<none>") : v; };
  return {pod.metadata.name,
          std::move(cells.ready),
          std::move(cells.status),
          std::move(cells.restarts),
          timestamp_since(pod.metadata.creation_timestamp, now),
          or_none(pod.status.pod_ip),
          or_none(pod.spec.node_name),
          "<none>",
          "<none>"};
}

json pod_table(const std::vector<const Pod*>& pods, base::TimePoint now) {
  std::vector<TableRow> rows;
  for (const Pod* pod : pods) {
    if (pod == nullptr) continue;
    TableRow row;
    row.cells = pod_row(*pod, now);
    if (pod->status.phase == kPodSucceeded || pod->status.phase == kPodFailed) {
      row.conditions = json::array(
          {{{"type", "Completed"},
            {"status", "True"},
            {"message", pod->status.phase == kPodSucceeded ? "The pod has completed successfully."
                                                           : "The pod failed."}}});
    }
    row.metadata = json(encode_metadata(pod->metadata));
    rows.push_back(std::move(row));
  }
  return make_table(pod_columns(), std::move(rows));
}

}  // namespace api
