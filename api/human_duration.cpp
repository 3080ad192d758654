#include "api/human_duration.hpp"

#include <chrono>
#include <cstdint>

namespace api {

namespace {

void append(std::string& out, std::int64_t value, char unit) {
  out += std::to_string(value);
  out += unit;
}

// "<big><u1>" or, when the remainder is non-zero, "<big><u1><small><u2>".
std::string two_units(std::int64_t big, char big_unit, std::int64_t small, char small_unit) {
  std::string out;
  append(out, big, big_unit);
  if (small != 0) append(out, small, small_unit);
  return out;
}

std::string one_unit(std::int64_t value, char unit) {
  std::string out;
  append(out, value, unit);
  return out;
}

}  // namespace

std::string human_duration(base::Duration d) {
  // duration_cast truncates toward zero like Go's int(d.Seconds()), so -1.9 s counts as -1 s:
  // upstream forgives up to two seconds of skew between the clocks that wrote and read a time.
  const std::int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 2 * 60) return one_unit(seconds, 's');

  const std::int64_t minutes = seconds / 60;
  if (minutes < 10) return two_units(minutes, 'm', seconds % 60, 's');
  if (minutes < 3 * 60) return one_unit(minutes, 'm');

  const std::int64_t hours = minutes / 60;
  if (hours < 8) return two_units(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return one_unit(hours, 'h');
  if (hours < 24 * 8) return two_units(hours / 24, 'd', hours % 24, 'h');
  // Upstream's years are 365 days: no leap years, no calendar.
  if (hours < 24 * 365 * 2) return one_unit(hours / 24, 'd');
  if (hours < 24 * 365 * 8) return two_units(hours / 24 / 365, 'y', (hours / 24) % 365, 'd');
  return one_unit(hours / 24 / 365, 'y');
}

std::string timestamp_since(std::optional<base::TimePoint> t, base::TimePoint now) {
  if (!t) return "<unknown>";
  return human_duration(now - *t);
}

}  // namespace api
