#include "agent/backoff.hpp"

#include <algorithm>

#include "base/limits.hpp"

namespace agent {

using base::limits::kContainerBackoffBase;
using base::limits::kContainerBackoffCap;
using base::limits::kContainerBackoffReset;
using base::limits::kPodRecreateBackoffBase;
using base::limits::kPodRecreateBackoffCap;

base::Duration pod_recreate_delay(int consecutive_failures) {
  return pod_recreate_delay(consecutive_failures, kPodRecreateBackoffBase, kPodRecreateBackoffCap);
}

base::Duration pod_recreate_delay(int consecutive_failures, base::Duration base,
                                  base::Duration cap) {
  if (consecutive_failures <= 0) return base::Duration::zero();
  base::Duration delay = base;
  // Doubling stops at the cap, so large counts cannot overflow.
  for (int i = 1; i < consecutive_failures && delay < cap; ++i) delay *= 2;
  return std::min<base::Duration>(delay, cap);
}

base::Duration ContainerBackoff::next(base::TimePoint exited_at) {
  if (!updated_ || exited_at - *updated_ > kContainerBackoffReset) {
    updated_ = exited_at;
    delay_ = kContainerBackoffBase;
    return base::Duration::zero();
  }
  const base::Duration wait = delay_;
  delay_ = std::min<base::Duration>(delay_ * 2, kContainerBackoffCap);
  updated_ = exited_at;
  return wait;
}

}  // namespace agent
