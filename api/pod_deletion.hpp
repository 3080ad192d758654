// api/pod_deletion.hpp: the graceful deletion of a Pod, as the API server's pod strategy
// decides it (registry/core/pod CheckGracefulDelete + BeforeDelete), on the stored JSON.
//
// Contract (mark_pod_deleting, a Mutation for api/object_update.hpp):
// - grace = `grace_override`, else spec.terminationGracePeriodSeconds, else 30; a pod that is
//   not scheduled (spec.nodeName empty) or is terminal (Succeeded/Failed) gets 0.
// - A pod already being deleted keeps its deletionTimestamp unless the new one is earlier (a
//   second delete may only shorten the grace period).
// - Otherwise metadata.deletionTimestamp = now + grace and deletionGracePeriodSeconds = grace;
//   with grace 0 and no finalizers the pod is removed at once (Mutation::remove); with
//   finalizers it stays until they are gone.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/object_update.hpp"
#include "base/clock.hpp"

namespace api {

inline constexpr std::int64_t kDefaultTerminationGracePeriodSeconds = 30;

Mutation mark_pod_deleting(nlohmann::ordered_json& pod, base::TimePoint now,
                           std::optional<std::int64_t> grace_override = std::nullopt);

}  // namespace api
