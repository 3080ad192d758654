// runtime/timestamp.hpp: RFC 3339 timestamps with nanoseconds, in UTC, as the CRI log format and
// the exit status file write them.
//
// Contract: format_rfc3339_nano() always writes nine fractional digits
// ("2026-11-23T17:52:00.123456789Z": the kubelet's RFC3339NanoFixed, which it also prints for
// `kubectl logs --timestamps`; fixed width, so lines sort as text). parse_rfc3339() accepts 0 to
// 9 fractional digits and a "Z" or "+hh:mm"/"-hh:mm" offset (the kubelet reads leniently), and
// rejects anything else with an error quoting the input.
#pragma once

#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "base/result.hpp"

namespace runtime {

std::string format_rfc3339_nano(base::TimePoint t);
base::Result<base::TimePoint> parse_rfc3339(std::string_view text);

}  // namespace runtime
