// base/limits.hpp: the named timing constants and limits of batchlet, each with the place its
// number comes from. Spec = ../shared/spec/job-semantics.md.
#pragma once

#include <chrono>
#include <cstdint>

namespace base::limits {

using std::chrono::seconds;

// Spec §5 and §0: pod-recreation backoff after a failed pod: 10 s doubling, capped at 6
// minutes (a project decision; upstream code caps at 10 minutes).
inline constexpr seconds kPodRecreateBackoffBase{10};
inline constexpr seconds kPodRecreateBackoffCap{360};

// Spec §6.1: in-place container restarts (restartPolicy OnFailure): the first restart is
// immediate, then 10 s doubling capped at 300 s; a container whose exit comes more than
// 2 x 300 s after the last backoff update starts a fresh series.
inline constexpr seconds kContainerBackoffBase{10};
inline constexpr seconds kContainerBackoffCap{300};
inline constexpr seconds kContainerBackoffReset{600};

// The kubelet's image pull backoff (pkg/kubelet: backOffPeriod 10 s, MaxContainerBackOff 300 s);
// an entry idle for 2 x 300 s starts over (flowcontrol.Backoff).
inline constexpr seconds kImagePullBackoffBase{10};
inline constexpr seconds kImagePullBackoffCap{300};

// Spec §2.1 and §4.19: pod defaults.
inline constexpr std::int64_t kDefaultTerminationGracePeriodSeconds = 30;
inline constexpr std::int32_t kDefaultBackoffLimit = 6;
inline constexpr std::int32_t kMaxInt32 = 2147483647;

// The API server caps request bodies at 3 MiB; manifests read from files get the same cap.
inline constexpr std::size_t kMaxManifestBytes = 3 * 1024 * 1024;
// Nesting and node-count caps that stop YAML alias bombs and deep nesting before they allocate.
inline constexpr int kMaxManifestDepth = 100;
inline constexpr std::size_t kMaxManifestNodes = 1 << 20;

}  // namespace base::limits
