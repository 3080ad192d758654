#include "api/pod_deletion.hpp"

#include <chrono>

#include "api/rfc3339.hpp"

namespace api {
namespace {

std::int64_t pod_grace(const nlohmann::ordered_json& pod,
                       std::optional<std::int64_t> grace_override) {
  const nlohmann::ordered_json spec = pod.value("spec", nlohmann::ordered_json::object());
  const nlohmann::ordered_json status = pod.value("status", nlohmann::ordered_json::object());
  const std::string phase = status.is_object() ? status.value("phase", "") : "";
  const std::string node = spec.is_object() ? spec.value("nodeName", "") : "";
  if (node.empty() || phase == "Succeeded" || phase == "Failed") return 0;
  if (grace_override) return std::max<std::int64_t>(0, *grace_override);
  if (spec.is_object()) {
    if (auto it = spec.find("terminationGracePeriodSeconds");
        it != spec.end() && it->is_number_integer()) {
      return std::max<std::int64_t>(0, it->get<std::int64_t>());
    }
  }
  return kDefaultTerminationGracePeriodSeconds;
}

}  // namespace

Mutation mark_pod_deleting(nlohmann::ordered_json& pod, base::TimePoint now,
                           std::optional<std::int64_t> grace_override) {
  nlohmann::ordered_json& meta = pod["metadata"];
  const std::int64_t grace = pod_grace(pod, grace_override);
  const base::TimePoint when = now + std::chrono::seconds(grace);
  if (auto it = meta.find("deletionTimestamp"); it != meta.end() && it->is_string()) {
    const auto existing = parse_time(it->get<std::string>());
    if (existing && *existing <= when) return Mutation::unchanged;
  }
  const auto finalizers = meta.find("finalizers");
  const bool has_finalizers =
      finalizers != meta.end() && finalizers->is_array() && !finalizers->empty();
  if (grace == 0 && !has_finalizers) return Mutation::remove;
  meta["deletionTimestamp"] = format_time(when);
  meta["deletionGracePeriodSeconds"] = grace;
  return Mutation::changed;
}

}  // namespace api
