#include "runtime/timestamp.hpp"

#include <chrono>
#include <cstdio>

namespace runtime {
namespace {

using std::chrono::duration_cast;
using std::chrono::nanoseconds;

struct Parts {
  std::chrono::year_month_day date;
  std::chrono::hh_mm_ss<nanoseconds> time{nanoseconds(0)};
};

Parts split(base::TimePoint t) {
  const auto ns = std::chrono::time_point_cast<nanoseconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(ns);
  return Parts{std::chrono::year_month_day(day), std::chrono::hh_mm_ss<nanoseconds>(ns - day)};
}

std::string format(base::TimePoint t) {
  const Parts p = split(t);
  char buf[48];
  const int n = std::snprintf(
      buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09lld", static_cast<int>(p.date.year()),
      static_cast<unsigned>(p.date.month()), static_cast<unsigned>(p.date.day()),
      static_cast<int>(p.time.hours().count()), static_cast<int>(p.time.minutes().count()),
      static_cast<int>(p.time.seconds().count()),
      static_cast<long long>(p.time.subseconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  out.push_back('Z');
  return out;
}

bool digits(std::string_view s, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > s.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string format_rfc3339_nano(base::TimePoint t) { return format(t); }

base::Result<base::TimePoint> parse_rfc3339(std::string_view s) {
  auto bad = [&] {
    std::string m = "invalid RFC 3339 time \"";
    m.append(s).append("\"");
    return base::Error(std::move(m));
  };
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return bad();
  }
  std::size_t pos = 19;
  long long frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int count = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (count == 9) return bad();
      frac = frac * 10 + (s[pos] - '0');
      ++pos;
      ++count;
    }
    if (count == 0) return bad();
    for (; count < 9; ++count) frac *= 10;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    // UTC
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(mo),
                                         std::chrono::day(d)};
  if (!date.ok() || h > 23 || mi > 59 || sec > 60) return bad();
  const auto t = std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                 std::chrono::seconds(sec) + nanoseconds(frac) -
                 std::chrono::minutes(offset_minutes);
  return base::TimePoint(duration_cast<base::Duration>(t.time_since_epoch()));
}

}  // namespace runtime
