// api/quantity.cpp: resource.Quantity parsing and formatting. The scanner and the "fast path"
// bookkeeping mirror upstream's structure on purpose: which inputs are accepted, which error they
// get and whether String() echoes the input all fall out of those exact steps, so reproducing the
// steps is the only reliable way to reproduce the answers. The arithmetic itself is exact decimal.
#include "api/quantity.hpp"

#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace api {
namespace {

using Format = Quantity::Format;

// Upstream's decimal exponent is an int32 and kubernetes#141203 rejects +-MaxInt32 overflow
// (and MinInt32 itself, since upstream negates the exponent later).
constexpr std::int64_t kMaxSuffixExponent = 2147483647;
// Largest multiple of 3 an int32 exponent can hold; canonical exponents are multiples of 3.
constexpr std::int64_t kMaxCanonicalExponent = 2147483646;
// Parsed values are rounded up to a multiple of 10^-9 (upstream's Nano scale).
constexpr std::int64_t kNanoExponent = -9;
// Upstream's maxInt64Factors: at most this many digits take the int64 fast path.
constexpr std::int64_t kFastPathDigits = 18;
constexpr std::string_view kMaxInt64Digits = "9223372036854775807";

base::Error error(std::string_view message) { return base::Error(std::string(message)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_suffix_letter(char c) {
  return std::string_view("eEinumkKMGTP").find(c) != std::string_view::npos;
}

bool has_digit(std::string_view s) {
  for (char c : s) {
    if (is_digit(c)) return true;
  }
  return false;
}

// The pieces upstream's parseQuantityString cuts a quantity into.
struct Pieces {
  bool negative = false;
  std::string_view number;  // sign, digits and point as written (upstream's "value")
  std::string_view num;     // integer digits after leading zeros, "0" when there are none
  std::string_view denom;   // fraction digits as written, possibly empty
  std::string_view suffix;  // [eEinumkKMGTP]*[-+]?[0-9]*, checked later
};

// False exactly when upstream returns ErrFormatWrong from the scanner. The early returns matter:
// text that ends inside the number leaves the suffix empty, and a run of zeros that reaches the
// end makes the number "0" whatever sign preceded it.
bool scan(std::string_view s, Pieces& out) {
  const std::size_t end = s.size();
  std::size_t pos = 0;
  if (pos < end && (s[0] == '-' || s[0] == '+')) {
    out.negative = s[0] == '-';
    ++pos;
  }
  while (pos < end && s[pos] == '0') ++pos;
  if (pos >= end) {
    out.num = "0";
    out.number = "0";
    return true;
  }
  std::size_t i = pos;
  while (i < end && is_digit(s[i])) ++i;
  out.num = s.substr(pos, i - pos);
  if (i >= end) {
    out.number = s;
    return true;
  }
  pos = i;
  if (out.num.empty()) out.num = "0";
  if (s[pos] == '.') {
    ++pos;
    i = pos;
    while (i < end && is_digit(s[i])) ++i;
    out.denom = s.substr(pos, i - pos);
    if (i >= end) {
      out.number = s;
      return true;
    }
    pos = i;
  }
  out.number = s.substr(0, pos);
  const std::size_t suffix_start = pos;
  i = pos;
  while (i < end && is_suffix_letter(s[i])) ++i;
  if (i < end && (s[i] == '-' || s[i] == '+')) ++i;
  while (i < end && is_digit(s[i])) ++i;
  if (i < end) return false;
  out.suffix = s.substr(suffix_start);
  return true;
}

struct Suffix {
  int base;  // 10 or 2
  std::int64_t exponent;
  Format format;
};

// Go strconv.ParseInt(s, 10, 64) narrowed to the accepted exponent range.
std::optional<std::int64_t> parse_exponent(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > kMaxSuffixExponent) return std::nullopt;
  }
  return negative ? -value : value;
}

// Upstream's quantitySuffixer.interpret.
std::optional<Suffix> interpret(std::string_view s) {
  struct Entry {
    std::string_view text;
    int base;
    std::int64_t exponent;
    Format format;
  };
  static constexpr Entry kTable[] = {
      {"", 10, 0, Format::decimal_si},   {"n", 10, -9, Format::decimal_si},
      {"u", 10, -6, Format::decimal_si}, {"m", 10, -3, Format::decimal_si},
      {"k", 10, 3, Format::decimal_si},  {"M", 10, 6, Format::decimal_si},
      {"G", 10, 9, Format::decimal_si},  {"T", 10, 12, Format::decimal_si},
      {"P", 10, 15, Format::decimal_si}, {"E", 10, 18, Format::decimal_si},
      {"Ki", 2, 10, Format::binary_si},  {"Mi", 2, 20, Format::binary_si},
      {"Gi", 2, 30, Format::binary_si},  {"Ti", 2, 40, Format::binary_si},
      {"Pi", 2, 50, Format::binary_si},  {"Ei", 2, 60, Format::binary_si},
  };
  for (const Entry& e : kTable) {
    if (e.text == s) return Suffix{e.base, e.exponent, e.format};
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    if (auto exponent = parse_exponent(s.substr(1))) {
      return Suffix{10, *exponent, Format::decimal_exponent};
    }
  }
  return std::nullopt;
}

// Magnitude order of two normalized non-zero values digits * 10^exponent.
int compare_magnitude(std::string_view a, std::int64_t a_exp, std::string_view b,
                      std::int64_t b_exp) {
  // One past the power of ten of the leading digit: the "order" of each value.
  const std::int64_t a_order = static_cast<std::int64_t>(a.size()) + a_exp;
  const std::int64_t b_order = static_cast<std::int64_t>(b.size()) + b_exp;
  if (a_order != b_order) return a_order < b_order ? -1 : 1;
  const int c = a.compare(b);
  // Same order, so digit strings align at the front; with no trailing zeros a longer string that
  // extends the other is larger, which is also what lexicographic order says.
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

void strip_leading_zeros(std::string& digits) {
  std::size_t n = 0;
  while (n < digits.size() && digits[n] == '0') ++n;
  digits.erase(0, n);
}

void strip_trailing_zeros(std::string& digits, std::int64_t& exponent) {
  std::size_t n = digits.size();
  while (n > 0 && digits[n - 1] == '0') --n;
  exponent += static_cast<std::int64_t>(digits.size() - n);
  digits.resize(n);
}

// digits *= 2^shift (shift <= 60: digit * 2^60 + carry stays below 2^64).
void multiply_pow2(std::string& digits, int shift) {
  const std::uint64_t factor = std::uint64_t{1} << shift;
  std::uint64_t carry = 0;
  for (std::size_t i = digits.size(); i-- > 0;) {
    const std::uint64_t t = static_cast<std::uint64_t>(digits[i] - '0') * factor + carry;
    digits[i] = static_cast<char>('0' + t % 10);
    carry = t / 10;
  }
  std::string head;
  for (; carry != 0; carry /= 10) head.insert(head.begin(), static_cast<char>('0' + carry % 10));
  digits.insert(0, head);
}

// Adds one unit in the last place.
void increment(std::string& digits) {
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return;
    }
    digits[i] = '0';
  }
  digits.insert(digits.begin(), '1');
}

// Upstream rounds every non-zero parsed magnitude up (inf.RoundUp) to 9 decimal places. The
// digits are normalized, so whatever is cut off is non-zero and the kept part always grows by one.
void round_up_to_nano(std::string& digits, std::int64_t& exponent) {
  if (digits.empty() || exponent >= kNanoExponent) return;
  const std::int64_t keep = static_cast<std::int64_t>(digits.size()) + exponent - kNanoExponent;
  if (keep <= 0) {
    digits = "1";
  } else {
    digits.resize(static_cast<std::size_t>(keep));
    increment(digits);
  }
  exponent = kNanoExponent;
  strip_trailing_zeros(digits, exponent);
}

// The digits of a followed by those of b as an integer; only called with <= 18 digits in all.
std::uint64_t small_integer(std::string_view a, std::string_view b) {
  std::uint64_t v = 0;
  for (char c : a) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  for (char c : b) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

// Upstream's int64 fast path, which decides nothing about the value (the result is the same
// number either way) but does decide whether String() echoes the input and, when it is not
// taken, whether the number text can be read at all (the inf.Dec path rejects digitless text).
struct FastPath {
  bool taken = false;
  bool echo = false;
};

FastPath fast_path(const Pieces& p, const Suffix& suffix) {
  const auto num_len = static_cast<std::int64_t>(p.num.size());
  const auto denom_len = static_cast<std::int64_t>(p.denom.size());
  std::int64_t precision = -1;
  if (suffix.format != Format::binary_si) {
    precision = kFastPathDigits - (num_len + denom_len);
  } else if (denom_len == 0) {
    // Upstream's estimate of the decimal digits 2^exponent uses up (exact for exponents 10..60).
    precision = 15 - num_len - suffix.exponent * 3 / 10 - 1;
  }
  if (precision < 0) return {};
  const std::int64_t scale = (suffix.base == 10 ? suffix.exponent : 0) - denom_len;
  if (scale < kNanoExponent) return {};
  const std::uint64_t value = small_integer(p.num, p.denom);
  FastPath result;
  if (suffix.format == Format::binary_si) {
    if (value >
        (static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) >> suffix.exponent)) {
      return {};
    }
    result.taken = true;
    // A multiplier that is not a multiple of 8 cannot hold a factor of 1024: already reduced.
    result.echo = (value & 0x07) != 0;
    return result;
  }
  result.taken = true;
  // Upstream's test on "shifted" (num + denom, at most 18 digits here): a suffix that is a
  // multiple of 3, no zeros to move into it, and no "0." filler in front.
  std::string shifted(p.num);
  shifted += p.denom;
  const bool ends_000 = shifted.size() >= 3 && shifted.compare(shifted.size() - 3, 3, "000") == 0;
  result.echo = scale % 3 == 0 && !ends_000 && shifted.front() != '0';
  return result;
}

// Go's unicode.IsSpace set, UTF-8 encoded. Each encoding is self-delimiting, so matching whole
// sequences at either end of the text is exactly what strings.TrimSpace's rune-wise trim does.
constexpr std::string_view kGoSpaces[] = {
    "\t",           "\n",           "\v",           "\f",           "\r",           " ",
    "\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82",
    "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88",
    "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f",
    "\xe3\x80\x80",
};

// Length of the white-space character that starts (ends) `s`, or 0.
std::size_t leading_go_space(std::string_view s) {
  for (std::string_view space : kGoSpaces) {
    if (s.substr(0, space.size()) == space) return space.size();
  }
  return 0;
}

std::size_t trailing_go_space(std::string_view s) {
  for (std::string_view space : kGoSpaces) {
    if (s.size() >= space.size() && s.substr(s.size() - space.size()) == space) {
      return space.size();
    }
  }
  return 0;
}

}  // namespace

base::Result<Quantity> Quantity::parse(std::string_view text) {
  if (text.empty()) return error(kQuantityErrFormatWrong);
  Quantity q;
  if (text == "0") {
    q.echo_ = "0";
    return q;
  }
  Pieces p;
  if (!scan(text, p)) return error(kQuantityErrFormatWrong);
  const std::optional<Suffix> suffix = interpret(p.suffix);
  if (!suffix) return error(kQuantityErrSuffix);

  const FastPath fast = fast_path(p, *suffix);
  if (!fast.taken && !has_digit(p.number)) return error(kQuantityErrNumeric);

  std::string digits(p.num);
  digits += p.denom;
  strip_leading_zeros(digits);
  std::int64_t exponent = -static_cast<std::int64_t>(p.denom.size());
  if (suffix->base == 10) {
    exponent += suffix->exponent;
  } else if (!digits.empty()) {
    multiply_pow2(digits, static_cast<int>(suffix->exponent));
  }
  strip_trailing_zeros(digits, exponent);
  round_up_to_nano(digits, exponent);

  q.format_ = suffix->format;
  if (q.format_ == Format::binary_si && !digits.empty()) {
    if (compare_magnitude(digits, exponent, kMaxInt64Digits, 0) > 0) {
      digits = kMaxInt64Digits;
      exponent = 0;
    }
    // A binary fraction below one has no binary spelling; upstream switches it to DecimalSI.
    if (static_cast<std::int64_t>(digits.size()) + exponent <= 0) q.format_ = Format::decimal_si;
  }
  q.negative_ = p.negative && !digits.empty();
  q.digits_ = std::move(digits);
  q.exponent_ = exponent;
  if (fast.echo) q.echo_ = std::string(text);
  return q;
}

base::Result<Quantity> Quantity::parse_trimmed(std::string_view text) {
  while (std::size_t n = leading_go_space(text)) text.remove_prefix(n);
  while (std::size_t n = trailing_go_space(text)) text.remove_suffix(n);
  return parse(text);
}

Quantity Quantity::from_scaled(std::int64_t value, std::int64_t scale, Format format) {
  Quantity q;
  q.format_ = format;
  if (value == 0) return q;
  q.negative_ = value < 0;
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  const std::uint64_t magnitude = value < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(value)
                                            : static_cast<std::uint64_t>(value);
  q.digits_ = std::to_string(magnitude);
  q.exponent_ = scale;
  strip_trailing_zeros(q.digits_, q.exponent_);
  // As parse() does: BinarySI is capped at 2^63-1, and a binary fraction below one has no
  // binary spelling.
  if (q.format_ == Format::binary_si) {
    if (compare_magnitude(q.digits_, q.exponent_, kMaxInt64Digits, 0) > 0) {
      q.digits_ = kMaxInt64Digits;
      q.exponent_ = 0;
    }
    if (static_cast<std::int64_t>(q.digits_.size()) + q.exponent_ <= 0) {
      q.format_ = Format::decimal_si;
    }
  }
  return q;
}

std::string Quantity::canonical() const {
  if (!echo_.empty()) return echo_;
  if (digits_.empty()) return "0";
  std::string out;
  if (negative_) out += '-';

  // BinarySI prints in powers of 1024 only for integers of at least 1024; anything else would
  // need rounding or fractions, so upstream falls back to DecimalSI.
  if (format_ == Format::binary_si && exponent_ >= 0 &&
      compare_magnitude(digits_, exponent_, "1024", 0) >= 0) {
    // Parsing caps BinarySI at 2^63-1, so the integer fits.
    std::uint64_t v = 0;
    for (char c : digits_) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    for (std::int64_t i = 0; i < exponent_; ++i) v *= 10;
    static constexpr std::string_view kBinary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    std::size_t power = 0;
    while (v % 1024 == 0 && power + 1 < std::size(kBinary)) {
      v /= 1024;
      ++power;
    }
    out += std::to_string(v);
    out += kBinary[power];
    return out;
  }

  // Decimal: the largest exponent that is a multiple of 3 and leaves an integer mantissa.
  std::int64_t exponent = exponent_;
  const std::int64_t pad = ((exponent % 3) + 3) % 3;
  exponent -= pad;
  std::size_t zeros = static_cast<std::size_t>(pad);
  if (exponent > kMaxCanonicalExponent) {
    zeros += static_cast<std::size_t>(exponent - kMaxCanonicalExponent);
    exponent = kMaxCanonicalExponent;
  }
  out += digits_;
  out.append(zeros, '0');
  if (format_ != Format::decimal_exponent && exponent >= -9 && exponent <= 18) {
    static constexpr std::string_view kDecimal[] = {"n", "u", "m", "",  "k",
                                                    "M", "G", "T", "P", "E"};
    out += kDecimal[(exponent + 9) / 3];
  } else if (exponent != 0) {
    out += 'e';
    out += std::to_string(exponent);
  }
  return out;
}

std::int64_t Quantity::scaled_ceil(std::int64_t shift) const {
  if (digits_.empty()) return 0;
  constexpr std::uint64_t kMax =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const std::uint64_t limit = negative_ ? kMax + 1 : kMax;
  const std::int64_t exponent = exponent_ + shift;
  const std::int64_t int_digits = static_cast<std::int64_t>(digits_.size()) + exponent;
  std::uint64_t magnitude = limit;
  // 19 digits always fit in a uint64 (< 1.85e19), so only longer integers need no arithmetic.
  if (int_digits <= 19) {
    magnitude = 0;
    for (std::int64_t i = 0; i < int_digits; ++i) {
      const auto at = static_cast<std::size_t>(i);
      const int d = at < digits_.size() ? digits_[at] - '0' : 0;
      magnitude = magnitude * 10 + static_cast<std::uint64_t>(d);
    }
    // Normalized digits: a negative exponent always leaves a non-zero fraction.
    if (exponent < 0) ++magnitude;
    if (magnitude > limit) magnitude = limit;
  }
  if (!negative_) return static_cast<std::int64_t>(magnitude);
  if (magnitude == kMax + 1) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

std::int64_t Quantity::value() const { return scaled_ceil(0); }

std::int64_t Quantity::milli_value() const { return scaled_ceil(3); }

int Quantity::compare(const Quantity& other) const {
  const int a = sign();
  const int b = other.sign();
  if (a != b) return a < b ? -1 : 1;
  if (a == 0) return 0;
  const int m = compare_magnitude(digits_, exponent_, other.digits_, other.exponent_);
  return a > 0 ? m : -m;
}

}  // namespace api
