// api/index_intervals.cpp: IndexSet and the two parsers of index interval strings; see the header
// for the contract and the upstream functions each part follows.
#include "api/index_intervals.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

#include "api/go_quote.hpp"

namespace api {
namespace {

// Go's strconv.Atoi on a 64-bit platform: an optional sign, then one or more ASCII digits, base
// 10 (no "0x", no '_'), the value must fit int64. The callers split at '-' first, so a '-' never
// reaches here; a leading '+' does and is accepted, as in Go.
std::optional<std::int64_t> go_atoi(std::string_view s) {
  std::string_view digits = s;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  if (digits.empty() || digits.front() < '0' || digits.front() > '9') return std::nullopt;
  // from_chars reads a '-' itself but rejects a '+'.
  const char* begin = s.front() == '-' ? s.data() : digits.data();
  const char* end = s.data() + s.size();
  std::int64_t value = 0;
  auto [stop, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || stop != end) return std::nullopt;
  return value;
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 24 bytes hold every int64
  out.append(buf, end);
}

base::Error cannot_convert(std::string_view part) {
  std::string message = "cannot convert string to integer for index: ";
  message += quote(part);
  return base::Error(std::move(message));
}

base::Error too_large(std::string_view part) {
  std::string message = "too large index: ";
  message += quote(part);
  return base::Error(std::move(message));
}

base::Error non_increasing(std::int64_t previous, std::int64_t current) {
  std::string message = "non-increasing order, previous: ";
  append_int(message, previous);
  message += ", current: ";
  append_int(message, current);
  return base::Error(std::move(message));
}

base::Error too_many_parts(std::string_view fragment) {
  std::string message = "the fragment ";
  message += quote(fragment);
  message +=
      " violates the requirement that an index interval can have at most two parts separated by "
      "'-'";
  return base::Error(std::move(message));
}

// Calls visit(fragment) for each ','-separated fragment, as Go's strings.Split does (so "" and
// "1,,2" have empty fragments), until visit returns false. The caller handles the empty text.
template <typename Visit>
void for_each_fragment(std::string_view text, Visit visit) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view fragment =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (!visit(fragment)) return;
    if (comma == std::string_view::npos) return;
    pos = comma + 1;
  }
}

// The parts of a fragment split at '-': the first two, and how many there are in all.
struct Parts {
  std::string_view first;
  std::string_view second;
  std::size_t count = 1;
};

Parts split_dashes(std::string_view fragment) {
  Parts parts;
  const std::size_t dash = fragment.find('-');
  parts.first = fragment.substr(0, dash);
  if (dash == std::string_view::npos) return parts;
  const std::string_view rest = fragment.substr(dash + 1);
  const std::size_t dash2 = rest.find('-');
  parts.second = rest.substr(0, dash2);
  parts.count = 2 + static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '-'));
  return parts;
}

}  // namespace

IndexSet IndexSet::from_indexes(std::vector<std::int32_t> indexes) {
  std::sort(indexes.begin(), indexes.end());
  IndexSet set;
  for (std::int32_t index : indexes) set.add(index);  // increasing: the O(1) path
  return set;
}

IndexSet IndexSet::normalized(std::vector<IndexInterval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const IndexInterval& a, const IndexInterval& b) { return a.first < b.first; });
  IndexSet set;
  for (const IndexInterval& iv : intervals) set.add_range(iv.first, iv.last);
  return set;
}

void IndexSet::add(std::int32_t index) { add_range(index, index); }

void IndexSet::add_range(std::int32_t first, std::int32_t last) {
  if (first > last) return;
  // int64 arithmetic throughout: last + 1 must not overflow at INT32_MAX.
  if (intervals_.empty() ||
      static_cast<std::int64_t>(first) > static_cast<std::int64_t>(intervals_.back().last) + 1) {
    intervals_.push_back({first, last});
    return;
  }
  if (first >= intervals_.back().first) {
    intervals_.back().last = std::max(intervals_.back().last, last);
    return;
  }
  // The intervals touching [first, last] (overlapping or adjacent) form one run [lo, hi).
  auto lo = std::lower_bound(intervals_.begin(), intervals_.end(), first,
                             [](const IndexInterval& iv, std::int32_t value) {
                               return static_cast<std::int64_t>(iv.last) + 1 < value;
                             });
  auto hi =
      std::upper_bound(lo, intervals_.end(), last, [](std::int32_t value, const IndexInterval& iv) {
        return static_cast<std::int64_t>(value) + 1 < iv.first;
      });
  if (lo == hi) {
    intervals_.insert(lo, {first, last});
    return;
  }
  lo->first = std::min(lo->first, first);
  lo->last = std::max((hi - 1)->last, last);
  intervals_.erase(lo + 1, hi);
}

void IndexSet::merge(const IndexSet& other) {
  std::vector<IndexInterval> result;
  result.reserve(intervals_.size() + other.intervals_.size());
  const auto append_or_extend = [&result](const IndexInterval& iv) {
    if (result.empty() ||
        static_cast<std::int64_t>(iv.first) > static_cast<std::int64_t>(result.back().last) + 1) {
      result.push_back(iv);
    } else if (result.back().last < iv.last) {
      result.back().last = iv.last;
    }
  };
  std::size_t i = 0;
  std::size_t j = 0;
  const auto& mine = intervals_;
  const auto& theirs = other.intervals_;
  while (i < mine.size() && j < theirs.size()) {
    if (mine[i].first < theirs[j].first) {
      append_or_extend(mine[i++]);
    } else {
      append_or_extend(theirs[j++]);
    }
  }
  while (i < mine.size()) append_or_extend(mine[i++]);
  while (j < theirs.size()) append_or_extend(theirs[j++]);
  intervals_ = std::move(result);
}

bool IndexSet::contains(std::int32_t index) const {
  auto after = std::upper_bound(
      intervals_.begin(), intervals_.end(), index,
      [](std::int32_t value, const IndexInterval& iv) { return value < iv.first; });
  if (after == intervals_.begin()) return false;
  return std::prev(after)->last >= index;
}

std::int64_t IndexSet::count() const {
  std::int64_t total = 0;
  for (const IndexInterval& iv : intervals_) {
    total += static_cast<std::int64_t>(iv.last) - iv.first + 1;
  }
  return total;
}

std::string IndexSet::to_string() const {
  std::string out;
  for (const IndexInterval& iv : intervals_) {
    if (!out.empty()) out += ',';
    append_int(out, iv.first);
    if (iv.last > iv.first) {
      // Upstream writes a run of exactly two as two items, never as "a-b".
      out +=
          static_cast<std::int64_t>(iv.last) == static_cast<std::int64_t>(iv.first) + 1 ? ',' : '-';
      append_int(out, iv.last);
    }
  }
  return out;
}

IndexSet parse_indexes_lenient(std::string_view text, std::int32_t completions) {
  std::vector<IndexInterval> found;
  if (text.empty()) return {};
  for_each_fragment(text, [&](std::string_view fragment) {
    const Parts parts = split_dashes(fragment);
    const auto first = go_atoi(parts.first);
    if (!first) return true;  // corrupt fragment: upstream logs and skips it
    if (*first >= completions) return false;
    std::int64_t last = *first;
    if (parts.count > 1) {
      const auto second = go_atoi(parts.second);
      if (!second) return true;
      last = std::min<std::int64_t>(*second, static_cast<std::int64_t>(completions) - 1);
    }
    // No '-' reaches go_atoi, so first >= 0 and both fit int32 below `completions`.
    if (last >= *first) {
      found.push_back({static_cast<std::int32_t>(*first), static_cast<std::int32_t>(last)});
    }
    return true;
  });
  return IndexSet::normalized(std::move(found));
}

base::Result<IndexSet> parse_indexes_strict(std::string_view text, std::int32_t completions) {
  IndexSet set;
  if (text.empty()) return set;
  std::optional<base::Error> error;
  std::optional<std::int64_t> previous;
  for_each_fragment(text, [&](std::string_view fragment) {
    const Parts parts = split_dashes(fragment);
    if (parts.count > 2) {
      error = too_many_parts(fragment);
      return false;
    }
    const auto first = go_atoi(parts.first);
    if (!first) {
      error = cannot_convert(parts.first);
      return false;
    }
    if (*first >= completions) {
      error = too_large(parts.first);
      return false;
    }
    std::int64_t last = *first;
    if (parts.count == 2) {
      const auto second = go_atoi(parts.second);
      if (!second) {
        error = cannot_convert(parts.second);
        return false;
      }
      if (*second >= completions) {
        error = too_large(parts.second);
        return false;
      }
      if (*first >= *second) {
        error = non_increasing(*first, *second);
        return false;
      }
      last = *second;
    }
    if (previous && *previous >= *first) {
      error = non_increasing(*previous, *first);
      return false;
    }
    // Both lie in [0, completions): no '-' reaches go_atoi and both are below completions.
    set.add_range(static_cast<std::int32_t>(*first), static_cast<std::int32_t>(last));
    previous = last;
    return true;
  });
  if (error) return std::move(*error);
  return set;
}

}  // namespace api
