// api/go_quote.cpp: Go's strconv.Quote (fmt %q), which the API server uses for string values
// in error messages. See api/go_quote.hpp.
#include "api/go_quote.hpp"

#include <cstdint>
#include <utility>

namespace api {
namespace {

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
      {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},      {0x61C, 0x61C},
      {0x6DD, 0x6DD},     {0x70F, 0x70F},     {0x890, 0x891},      {0x8E2, 0x8E2},
      {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},    {0x2028, 0x202F},
      {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},    {0xE000, 0xF8FF},
      {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},    {0x110BD, 0x110BD},
      {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},  {0x1D173, 0x1D17A},
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
}  // namespace

std::string quote(std::string_view s) {
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

}  // namespace api
