// agent/image_pull.hpp: the kubelet's image decision for one container (EnsureImageExists), as
// pure logic: pull policy, the pull backoff, waiting reasons, event reasons and messages.
//
// Contract (pkg/kubelet/images/image_manager.go):
// - The image must parse (ParseNormalizedNamed): otherwise reason `InvalidImageName`, message
//   `Failed to apply default image tag "<image>": couldn't parse image name "<image>": <err>`,
//   Warning event InspectFailed.
// - Never / IfNotPresent with the image present: use it; Normal event Pulled
//   `Container image "<image>" already present on machine`.
//   Never and absent: reason `ErrImageNeverPull`, message
//   `Container image "<image>" is not present with pull policy of Never`, Warning event
//   ErrImageNeverPull.
// - Otherwise pull, unless the key "<pod uid>_<image>" is in backoff: reason `ImagePullBackOff`,
//   message `Back-off pulling image "<image>"`, Normal event BackOff. A pull starts with Normal
//   event Pulling `Pulling image "<image>"`. A failed pull: Warning event Failed
//   `Failed to pull image "<image>": <err>`, reason `ErrImagePull` with the error as message,
//   and the backoff grows (10 s doubling to 300 s, reset after 600 s without failures, as
//   flowcontrol.Backoff with the kubelet's constants). A successful pull: Normal event Pulled
//   `Successfully pulled image "<image>" in <d> (<d> including waiting). Image size: <n> bytes.`
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"

namespace agent {

inline constexpr std::string_view kReasonInvalidImageName = "InvalidImageName";
inline constexpr std::string_view kReasonErrImageNeverPull = "ErrImageNeverPull";
inline constexpr std::string_view kReasonImagePullBackOff = "ImagePullBackOff";
inline constexpr std::string_view kReasonErrImagePull = "ErrImagePull";

struct ImageEvent {
  std::string type;  // Normal | Warning
  std::string reason;
  std::string message;
};

enum class ImageAction { use_present, pull, fail };

struct ImageDecision {
  ImageAction action = ImageAction::fail;
  std::string image;           // normalised, tagged reference to look up or pull
  std::string waiting_reason;  // when action == fail
  std::string message;         // when action == fail
  ImageEvent event;
};

// flowcontrol.Backoff keyed by "<pod uid>_<image>".
class ImagePullBackoff {
 public:
  bool in_backoff(const std::string& key, base::TimePoint now) const;
  // Records a failure at `now`; returns the new backoff.
  base::Duration next(const std::string& key, base::TimePoint now);
  // Forgets entries idle for more than 2 x the cap (flowcontrol.Backoff.GC).
  void gc(base::TimePoint now);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    base::Duration backoff;
    base::TimePoint last_update;
  };
  std::map<std::string, Entry> entries_;
};

std::string image_backoff_key(std::string_view pod_uid, std::string_view image);

// The decision before any pull. `present` answers whether the normalised image is in the store;
// `pull_policy` is the container's (already defaulted) imagePullPolicy.
ImageDecision decide_image(std::string_view image, std::string_view pull_policy,
                           std::string_view pod_uid, const ImagePullBackoff& backoff,
                           base::TimePoint now,
                           const std::function<bool(const std::string&)>& present);

// What to report after a pull ended; updates the backoff on failure.
ImageDecision pull_finished(std::string_view image, std::string_view pod_uid,
                            const std::optional<std::string>& error, base::Duration took,
                            std::uint64_t image_size, ImagePullBackoff& backoff,
                            base::TimePoint now);

// Go's time.Duration.String() ("1.5s", "250ms", "2m3.5s"), used in kubelet messages.
std::string go_duration(base::Duration d);

}  // namespace agent
