// api/rfc3339.hpp: Kubernetes timestamps (metav1.Time) as text.
//
// Contract: format_time() writes what the API server writes: UTC, second precision,
// "2006-01-02T15:04:05Z" (sub-second parts are truncated, as metav1.Time marshals). parse_time()
// accepts what Go's time.RFC3339 parsing accepts: a 'T' (or 't') separator, optional fractional
// seconds, and 'Z' or a numeric offset; it rejects out-of-range fields ("2026-02-30T...").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"

namespace api {

std::string format_time(base::TimePoint t);

std::optional<base::TimePoint> parse_time(std::string_view text);

}  // namespace api
