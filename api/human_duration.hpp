// api/human_duration.hpp: the ages and durations `kubectl get` shows (AGE, DURATION; spec §8).
//
// Contract: human_duration() prints byte for byte what k8s.io/apimachinery's
// duration.HumanDuration prints: about two significant figures ("95s", "3m5s", "45m", "5h3m",
// "30h", "3d4h", "400d", "3y20d", "10y"). Whole seconds are taken truncating toward zero, and up
// to -1 s of clock skew still reads "0s"; anything more negative is "<invalid>".
// timestamp_since() is the printers' translateTimestampSince: "<unknown>" for an unset time,
// else human_duration(now - t). Pure functions; nothing throws.
#pragma once

#include <optional>
#include <string>

#include "base/clock.hpp"

namespace api {

std::string human_duration(base::Duration d);

std::string timestamp_since(std::optional<base::TimePoint> t, base::TimePoint now);

}  // namespace api
