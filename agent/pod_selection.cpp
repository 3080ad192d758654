#include "agent/pod_selection.hpp"

#include <algorithm>

namespace agent {

namespace {

int phase_rank(PodPhase phase) {
  switch (phase) {
    case PodPhase::unknown:
      return 1;
    case PodPhase::running:
      return 2;
    default:
      return 0;
  }
}

// Upstream afterOrZero: a missing time sorts first, otherwise the later time first.
bool after_or_missing(const std::optional<base::TimePoint>& a,
                      const std::optional<base::TimePoint>& b) {
  if (!a || !b) return !a;
  return *a > *b;
}

void sort_for_deletion(std::vector<const ControllerPod*>& pods) {
  std::stable_sort(pods.begin(), pods.end(), [](const ControllerPod* a, const ControllerPod* b) {
    return delete_before(*a, *b);
  });
}

}  // namespace

bool delete_before(const ControllerPod& a, const ControllerPod& b) {
  if (a.scheduled != b.scheduled) return !a.scheduled;
  if (phase_rank(a.phase) != phase_rank(b.phase)) return phase_rank(a.phase) < phase_rank(b.phase);
  if (a.ready != b.ready) return !a.ready;
  if (a.ready && b.ready && a.ready_since != b.ready_since) {
    return after_or_missing(a.ready_since, b.ready_since);
  }
  if (a.max_container_restarts != b.max_container_restarts) {
    return a.max_container_restarts > b.max_container_restarts;
  }
  if (a.creation_time != b.creation_time) return after_or_missing(a.creation_time, b.creation_time);
  return false;
}

std::vector<const ControllerPod*> pods_for_removal(const api::Job& job,
                                                   std::vector<const ControllerPod*> active,
                                                   std::size_t rm_at_least) {
  std::vector<const ControllerPod*> rm;
  std::vector<const ControllerPod*> left;
  if (job.spec.completion_mode.value_or("") == "Indexed") {
    const std::int32_t completions = job.spec.completions.value_or(0);
    std::stable_sort(active.begin(), active.end(),
                     [](const ControllerPod* a, const ControllerPod* b) {
                       return completion_index(*a) < completion_index(*b);
                     });
    for (std::size_t i = 0; i < active.size();) {
      const std::int32_t ix = completion_index(*active[i]);
      std::size_t end = i;
      while (end < active.size() && completion_index(*active[end]) == ix) ++end;
      std::vector<const ControllerPod*> same(active.begin() + i, active.begin() + end);
      if (ix == kUnknownCompletionIndex || ix >= completions) {
        rm.insert(rm.end(), same.begin(), same.end());
      } else {
        sort_for_deletion(same);  // keep the one that would be deleted last
        rm.insert(rm.end(), same.begin(), same.end() - 1);
        left.push_back(same.back());
      }
      i = end;
    }
  } else {
    left = std::move(active);
  }
  if (rm.size() < rm_at_least) {
    sort_for_deletion(left);
    const std::size_t more = std::min(rm_at_least - rm.size(), left.size());
    rm.insert(rm.end(), left.begin(), left.begin() + static_cast<std::ptrdiff_t>(more));
  }
  return rm;
}

std::vector<std::int32_t> first_pending_indexes(const api::IndexSet& taken, std::size_t count,
                                                std::int32_t completions) {
  std::vector<std::int32_t> result;
  std::int32_t candidate = 0;
  auto fill_until = [&](std::int32_t limit) {
    for (; candidate < limit && candidate < completions && result.size() < count; ++candidate) {
      result.push_back(candidate);
    }
  };
  for (const api::IndexInterval& interval : taken.intervals()) {
    fill_until(interval.first);
    if (result.size() >= count || candidate >= completions) return result;
    candidate = std::max(candidate, interval.last + 1);
  }
  fill_until(completions);
  return result;
}

}  // namespace agent
