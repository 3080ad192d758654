#include "cli/run_progress.hpp"

#include <chrono>

namespace cli {
namespace {

std::string pod_prefix(const agent::CachedPod& pod) { return "pod/" + pod.key.name; }

struct StateLine {
  std::string state;  // "running", "terminated", "waiting:<reason>"
  std::string line;
};

// What to say about a container's current state, if anything.
std::optional<StateLine> describe(const agent::CachedPod& pod, const api::ContainerStatus& status) {
  const std::string head = pod_prefix(pod) + ": container " + status.name;
  if (status.state.running) return StateLine{"running", head + " started"};
  if (const auto& t = status.state.terminated) {
    std::string line =
        head + " terminated: " + t->reason + " (exit code " + std::to_string(t->exit_code);
    if (t->signal != 0) line += ", signal " + std::to_string(t->signal);
    line += ")";
    if (!t->message.empty() && t->reason == "StartError") line += ": " + t->message;
    return StateLine{"terminated", std::move(line)};
  }
  if (const auto& w = status.state.waiting) {
    if (w->reason == "ContainerCreating" || w->reason == "PodInitializing" || w->reason.empty()) {
      return std::nullopt;
    }
    std::string line = head + " waiting: " + w->reason;
    if (!w->message.empty()) line += ": " + w->message;
    return StateLine{"waiting:" + w->reason, std::move(line)};
  }
  return std::nullopt;
}

}  // namespace

std::string seconds_text(base::Duration d) {
  auto s = std::chrono::ceil<std::chrono::seconds>(d).count();
  if (s < 0) s = 0;
  std::string text;
  if (s >= 3600) text += std::to_string(s / 3600) + "h";
  if (s >= 60) text += std::to_string(s % 3600 / 60) + "m";
  text += std::to_string(s % 60) + "s";
  return text;
}

std::vector<std::string> RunProgress::update(const agent::CachedJob& job,
                                             const std::vector<const agent::CachedPod*>& pods,
                                             std::optional<base::Duration> backoff_remaining) {
  std::vector<std::string> out;
  const auto visit = [&](const agent::CachedPod& pod, const api::ContainerStatus& status) {
    auto said = describe(pod, status);
    if (!said) return;
    ContainerSeen& last = containers_seen_[pod.pod.metadata.uid + "/" + status.name];
    if (last.restart_count == status.restart_count && last.state == said->state) return;
    last.restart_count = status.restart_count;
    last.state = said->state;
    out.push_back(std::move(said->line));
  };
  for (const agent::CachedPod* pod : pods) {
    if (pods_seen_.emplace(pod->pod.metadata.uid, true).second) {
      out.push_back(pod_prefix(*pod) + " created");
    }
    for (const auto& s : pod->pod.status.init_container_statuses) visit(*pod, s);
    for (const auto& s : pod->pod.status.container_statuses) visit(*pod, s);
  }
  const api::JobStatus& st = job.job.status;
  const std::string counts = "active " + std::to_string(st.active) + ", succeeded " +
                             std::to_string(st.succeeded) + ", failed " + std::to_string(st.failed);
  if (counts != counts_ && (st.active + st.succeeded + st.failed > 0 || !counts_.empty())) {
    counts_ = counts;
    out.push_back("job.batch/" + job.key.name + ": " + counts);
  }
  if (backoff_remaining && *backoff_remaining > base::Duration::zero() && !st.finished() &&
      st.failed != backoff_announced_for_) {
    backoff_announced_for_ = st.failed;
    out.push_back("job.batch/" + job.key.name + ": back-off " + seconds_text(*backoff_remaining) +
                  " before the next pod");
  }
  return out;
}

}  // namespace cli
