// api/quantity.hpp: Kubernetes resource.Quantity (k8s.io/apimachinery/pkg/api/resource), the type
// of every value under resources.requests / resources.limits.
//
// Contract: apart from the departures listed below, Quantity::parse accepts and rejects exactly
// the strings upstream ParseQuantity does, failing with upstream's error texts
// (kQuantityErrFormatWrong, kQuantityErrSuffix, kQuantityErrNumeric) and nothing else. There is no
// "too large" error because upstream has none: decimal values of any size are kept, BinarySI ones
// are capped at 2^63-1. canonical() is upstream Quantity.String() of the parsed value, byte for
// byte, including its habit of handing the input back verbatim when its int64 fast path judged the
// text already canonical ("+1Ki", "007" and "1.500" come back unchanged; the API server stores
// and returns them that way).
//
// Values are exact: a decimal digit string with a 64-bit power-of-ten exponent, never a double,
// so a megabyte of digits costs linear time and memory, never a hang. Like upstream, parsing rounds
// the magnitude up to a multiple of 1n (10^-9): asking for a sliver of a resource gets some.
//
// Where upstream corrupts a value, this follows the fix upstream merged or is reviewing instead
// of the corruption (these only touch absurd magnitudes):
//   - an exponent outside [-2147483647, 2147483647] is kQuantityErrSuffix, as kubernetes#141203
//     made it, not wrapped modulo 2^32 into an unrelated value;
//   - a DecimalSI value past the largest suffix (10^21 and up) prints in exponent form, "1e21",
//     as kubernetes#140459 does, not as a bare mantissa ("1") that re-parses 10^21 times smaller;
//   - a canonical exponent past the int32 range folds back into the mantissa, "10000e2147483646"
//     (kubernetes#142156), and exponents near +-2^31 combine with the fraction length exactly
//     rather than in wrapping int32 arithmetic;
//   - value() and milli_value() always round away from zero and saturate at the int64 limits,
//     where upstream may return 0, wrap, or flip the sign (kubernetes#141166, #138510).
// Which texts are echoed follows released API servers: only numbers of at most 18 significant
// digits take the fast path (kubernetes#141938 later raised that to 19).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace api {

// Upstream's parse errors (ErrFormatWrong, ErrSuffix, ErrNumeric), verbatim.
inline constexpr std::string_view kQuantityErrFormatWrong =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
inline constexpr std::string_view kQuantityErrSuffix = "unable to parse quantity's suffix";
inline constexpr std::string_view kQuantityErrNumeric = "unable to parse numeric part of quantity";

class Quantity {
 public:
  // The suffix family the text was written in (upstream DecimalExponent, BinarySI, DecimalSI);
  // canonical() answers in the same family when it can.
  enum class Format { decimal_exponent, binary_si, decimal_si };

  // Zero, DecimalSI: what an absent quantity means.
  Quantity() = default;

  // Upstream ParseQuantity: no surrounding whitespace allowed.
  static base::Result<Quantity> parse(std::string_view text);
  // What the API server does with a manifest field (Quantity.UnmarshalJSON): Go's
  // strings.TrimSpace (ASCII and Unicode White_Space), then parse().
  static base::Result<Quantity> parse_trimmed(std::string_view text);
  // value * 10^scale in `format`: upstream NewQuantity (scale 0) and NewMilliQuantity (scale -3),
  // e.g. for printing a sum kept in bytes or millicores ((67108864, 0, binary_si) is "64Mi").
  static Quantity from_scaled(std::int64_t value, std::int64_t scale, Format format);

  // Upstream Quantity.String().
  std::string canonical() const;

  // ceil(|q|) with q's sign, i.e. rounded away from zero; saturates at INT64_MIN / INT64_MAX.
  std::int64_t value() const;
  // Same for q * 1000.
  std::int64_t milli_value() const;

  // Exact numeric order: <0, 0, >0. Format plays no part ("1000m" equals "1").
  int compare(const Quantity& other) const;
  bool is_zero() const { return digits_.empty(); }
  int sign() const { return digits_.empty() ? 0 : (negative_ ? -1 : 1); }
  Format format() const { return format_; }

 private:
  std::int64_t scaled_ceil(std::int64_t shift) const;

  // |value| = digits_ * 10^exponent_. digits_ is empty for zero, otherwise has neither leading
  // nor trailing '0', so every value has exactly one representation.
  std::string digits_;
  std::int64_t exponent_ = 0;
  bool negative_ = false;
  Format format_ = Format::decimal_si;
  // The input text when upstream would keep it as its String(); empty otherwise.
  std::string echo_;
};

}  // namespace api
