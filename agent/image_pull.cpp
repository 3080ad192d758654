#include "agent/image_pull.hpp"

#include <cstdio>

#include "base/limits.hpp"
#include "runtime/image_reference.hpp"

namespace agent {
namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  out += s;
  out += '"';
  return out;
}

}  // namespace

bool ImagePullBackoff::in_backoff(const std::string& key, base::TimePoint now) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  return now - it->second.last_update < it->second.backoff;
}

base::Duration ImagePullBackoff::next(const std::string& key, base::TimePoint now) {
  const base::Duration base = base::limits::kImagePullBackoffBase;
  const base::Duration cap = base::limits::kImagePullBackoffCap;
  auto it = entries_.find(key);
  if (it == entries_.end() || now - it->second.last_update > 2 * cap) {
    entries_[key] = Entry{base, now};
    return base;
  }
  it->second.backoff = std::min(it->second.backoff * 2, cap);
  it->second.last_update = now;
  return it->second.backoff;
}

void ImagePullBackoff::gc(base::TimePoint now) {
  const base::Duration cap = base::limits::kImagePullBackoffCap;
  std::erase_if(entries_, [&](const auto& e) { return now - e.second.last_update > 2 * cap; });
}

std::string image_backoff_key(std::string_view pod_uid, std::string_view image) {
  std::string key(pod_uid);
  key += '_';
  key += image;
  return key;
}

ImageDecision decide_image(std::string_view image, std::string_view pull_policy,
                           std::string_view pod_uid, const ImagePullBackoff& backoff,
                           base::TimePoint now,
                           const std::function<bool(const std::string&)>& present) {
  ImageDecision d;
  auto ref = runtime::normalize_reference(image);
  if (!ref) {
    d.waiting_reason = kReasonInvalidImageName;
    d.message = "Failed to apply default image tag " + quoted(image) +
                ": couldn't parse image name " + quoted(image) + ": " + ref.error().message();
    d.event = {"Warning", "InspectFailed", d.message};
    return d;
  }
  d.image = runtime::with_default_tag(*ref).str();
  const bool is_present = present(d.image);
  const bool pull = pull_policy == "Always" || (pull_policy == "IfNotPresent" && !is_present);
  if (pull_policy == "Never" || !pull) {
    if (is_present) {
      d.action = ImageAction::use_present;
      d.event = {"Normal", "Pulled",
                 "Container image " + quoted(image) + " already present on machine"};
      return d;
    }
    d.waiting_reason = kReasonErrImageNeverPull;
    d.message = "Container image " + quoted(image) + " is not present with pull policy of Never";
    d.event = {"Warning", "ErrImageNeverPull", d.message};
    return d;
  }
  if (backoff.in_backoff(image_backoff_key(pod_uid, image), now)) {
    d.waiting_reason = kReasonImagePullBackOff;
    d.message = "Back-off pulling image " + quoted(image);
    d.event = {"Normal", "BackOff", d.message};
    return d;
  }
  d.action = ImageAction::pull;
  d.event = {"Normal", "Pulling", "Pulling image " + quoted(image)};
  return d;
}

ImageDecision pull_finished(std::string_view image, std::string_view pod_uid,
                            const std::optional<std::string>& error, base::Duration took,
                            std::uint64_t image_size, ImagePullBackoff& backoff,
                            base::TimePoint now) {
  ImageDecision d;
  if (auto ref = runtime::normalize_reference(image)) {
    d.image = runtime::with_default_tag(*ref).str();
  }
  if (error) {
    backoff.next(image_backoff_key(pod_uid, image), now);
    d.waiting_reason = kReasonErrImagePull;
    d.message = *error;
    d.event = {"Warning", "Failed", "Failed to pull image " + quoted(image) + ": " + *error};
    return d;
  }
  backoff.gc(now);
  d.action = ImageAction::use_present;
  const std::string duration = go_duration(took);
  d.event = {"Normal", "Pulled",
             "Successfully pulled image " + quoted(image) + " in " + duration + " (" + duration +
                 " including waiting). Image size: " + std::to_string(image_size) + " bytes."};
  return d;
}

std::string go_duration(base::Duration d) {
  using namespace std::chrono;
  std::int64_t ns = duration_cast<nanoseconds>(d).count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  // Below one second Go picks the largest unit that keeps an integer part: ns, µs, ms.
  const auto fraction = [](std::int64_t value, std::int64_t unit) {
    std::string text = std::to_string(value / unit);
    std::string frac = std::to_string(value % unit + unit).substr(1);  // zero padded
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (!frac.empty()) text += "." + frac;
    return text;
  };
  if (ns < 1000) return sign + std::to_string(ns) + "ns";
  if (ns < 1000000) return sign + fraction(ns, 1000) + "µs";
  if (ns < 1000000000) return sign + fraction(ns, 1000000) + "ms";
  std::string out = sign;
  const std::int64_t hours = ns / 3600000000000LL;
  ns %= 3600000000000LL;
  const std::int64_t minutes = ns / 60000000000LL;
  ns %= 60000000000LL;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += fraction(ns, 1000000000) + "s";
  return out;
}

}  // namespace agent
