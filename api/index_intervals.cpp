// api/index_intervals.cpp: IndexSet and the two parsers of index interval strings; see the header
// for the contract and the upstream functions each part follows.
#include "api/index_intervals.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

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

// Decodes one UTF-8 sequence at the start of `s` the way Go's utf8.DecodeRuneInString does:
// overlong forms, surrogates and values above U+10FFFF are invalid, and an invalid sequence
// consumes exactly one byte. Returns the rune (or -1 when invalid) and its width.
std::pair<std::int32_t, std::size_t> decode_utf8(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) return {b0, 1};
  std::size_t width = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  std::int32_t rune = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    width = 2;
    rune = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    width = 3;
    rune = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    width = 4;
    rune = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {-1, 1};
  }
  if (s.size() < width) return {-1, 1};
  for (std::size_t i = 1; i < width; ++i) {
    const unsigned char b = byte(i);
    if (b < lo || b > hi) return {-1, 1};
    lo = 0x80;
    hi = 0xBF;
    rune = (rune << 6) | (b & 0x3F);
  }
  return {rune, width};
}

// Go's unicode.IsPrint for runes >= 0x80, without Go's tables: the control, separator, format,
// private-use and noncharacter code points are escaped; unassigned code points are not known
// here and are printed as they are (Go would escape them).
bool is_print_non_ascii(std::int32_t r) {
  struct Range {
    std::int32_t lo, hi;
  };
  static constexpr Range not_printable[] = {
      {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},
      {0x6DD, 0x6DD},     {0x70F, 0x70F},     {0x890, 0x891},     {0x8E2, 0x8E2},
      {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},   {0x2028, 0x202F},
      {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},   {0xE000, 0xF8FF},
      {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD},
      {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},
      {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
  };
  if ((r & 0xFFFE) == 0xFFFE) return false;  // U+xxFFFE and U+xxFFFF in every plane
  for (const Range& range : not_printable) {
    if (r >= range.lo && r <= range.hi) return false;
  }
  return true;
}

void append_hex(std::string& out, std::uint32_t value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xF];
}

// Go's fmt %q of a string (strconv.Quote): printable text as is, '"' and '\\' backslashed,
// \a \b \f \n \r \t \v, other control bytes as \xNN, invalid UTF-8 bytes as \xNN, other
// non-printable runes as \uNNNN or \UNNNNNNNN.
std::string go_quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  while (!s.empty()) {
    const auto [rune, width] = decode_utf8(s);
    if (rune < 0) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(s.front()), 2);
    } else if (rune == '"' || rune == '\\') {
      out += '\\';
      out += static_cast<char>(rune);
    } else if (rune >= 0x20 && rune < 0x7F) {
      out += static_cast<char>(rune);
    } else if (rune >= 0x80 && is_print_non_ascii(rune)) {
      out.append(s.substr(0, width));
    } else {
      switch (rune) {
        case '\a':
          out += "\\a";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\v':
          out += "\\v";
          break;
        default:
          if (rune < 0x80) {
            out += "\\x";
            append_hex(out, static_cast<std::uint32_t>(rune), 2);
          } else if (rune < 0x10000) {
            out += "\\u";
            append_hex(out, static_cast<std::uint32_t>(rune), 4);
          } else {
            out += "\\U";
            append_hex(out, static_cast<std::uint32_t>(rune), 8);
          }
      }
    }
    s.remove_prefix(width);
  }
  out += '"';
  return out;
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 24 bytes hold every int64
  out.append(buf, end);
}

base::Error cannot_convert(std::string_view part) {
  std::string message = "cannot convert string to integer for index: ";
  message += go_quote(part);
  return base::Error(std::move(message));
}

base::Error too_large(std::string_view part) {
  std::string message = "too large index: ";
  message += go_quote(part);
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
  message += go_quote(fragment);
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
  auto hi = std::upper_bound(lo, intervals_.end(), last,
                             [](std::int32_t value, const IndexInterval& iv) {
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
      // A pair is cheaper to read as two items than as a range; upstream prints it that way.
      out += static_cast<std::int64_t>(iv.last) == static_cast<std::int64_t>(iv.first) + 1 ? ','
                                                                                            : '-';
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
