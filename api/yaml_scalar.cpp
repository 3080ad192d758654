// api/yaml_scalar.cpp: go-yaml v2 scalar typing (resolve.go) and the strconv number rules it
// relies on. See api/yaml_scalar.hpp for the contract.
#include "api/yaml_scalar.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "base/encoding.hpp"

namespace api::yaml {

using nlohmann::json;

namespace {

constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";
constexpr std::string_view kTagBinary = "tag:yaml.org,2002:binary";

// ---------------------------------------------------------------------------------------------
// Text helpers

}  // namespace

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong =
        (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Numbers, as Go's strconv parses them for go-yaml

enum class IntParse { kOk, kSyntax, kRange };

// strconv.ParseInt(s, 0, 64): optional sign, then 0x/0b/0o prefixes or a leading 0 for octal.
IntParse parse_go_int(std::string_view s, std::int64_t& out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return IntParse::kSyntax;
  unsigned base = 10;
  if (s[0] == '0' && s.size() > 1) {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) return IntParse::kSyntax;
  std::uint64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    unsigned d = 99;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    if (d >= base) return IntParse::kSyntax;
    if (overflow) continue;
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / base) {
      overflow = true;
    } else {
      v = v * base + d;
    }
  }
  constexpr std::uint64_t kMaxPositive = std::numeric_limits<std::int64_t>::max();
  if (overflow || v > kMaxPositive + (negative ? 1 : 0)) return IntParse::kRange;
  if (negative) {
    out = v == kMaxPositive + 1 ? std::numeric_limits<std::int64_t>::min()
                                : -static_cast<std::int64_t>(v);
  } else {
    out = static_cast<std::int64_t>(v);
  }
  return IntParse::kOk;
}

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$. Written out
// by hand because std::regex recurses per character and a 3 MiB scalar would blow the stack.
bool is_yaml_float(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto digits = [&] {
    const std::size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  } else {
    if (!digits()) return false;
    if (i < n && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

// strconv.ParseFloat for text that is_yaml_float accepted: nullopt when the value overflows
// (Go's ErrRange), a signed zero when it underflows.
std::optional<double> parse_float(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(v)) {
    return negative ? -v : v;
  }
  if (ec != std::errc() && ec != std::errc::result_out_of_range) return std::nullopt;
  // Out of range: decide overflow or underflow from the decimal exponent of the first
  // significant digit.
  long magnitude = 0;
  bool significant = false;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (significant || s[i] != '0') {
      significant = true;
      ++magnitude;
    }
  }
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (significant) continue;
      if (s[i] != '0') {
        significant = true;
      } else {
        --magnitude;
      }
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    long exp = 0;
    for (; i < s.size(); ++i) exp = std::min(exp * 10 + (s[i] - '0'), 1'000'000L);
    magnitude += exp_negative ? -exp : exp;
  }
  if (!significant || magnitude <= 0) return negative ? -0.0 : 0.0;
  return std::nullopt;
}

// strconv.FormatFloat(v, 'g', -1, 32), which sigs.k8s.io/yaml uses for float map keys.
std::string go_float32_key(double v) {
  if (std::isnan(v)) return ".nan";
  const auto f = static_cast<float>(v);
  if (std::isinf(f)) return f > 0 ? ".inf" : "-.inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  if (ec != std::errc()) return "0";
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  std::string sign;
  std::string digits;
  std::size_t i = 0;
  if (text[i] == '-') {
    sign = "-";
    ++i;
  }
  for (; i < text.size() && text[i] != 'e'; ++i) {
    if (text[i] != '.') digits += text[i];
  }
  int exp = 0;
  std::from_chars(text.data() + i + 1 + (text[i + 1] == '+' ? 1 : 0), text.data() + text.size(),
                  exp);
  if (digits == "0") return sign + "0";
  const int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {
    std::string out = sign + digits[0];
    if (nd > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    const int a = std::abs(exp);
    if (a < 10) out += '0';
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) {
    const std::size_t zeros = static_cast<std::size_t>(-exp) - 1;
    return sign + "0." + std::string(zeros, '0') + digits;
  }
  const std::size_t int_len = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_len) return sign + digits + std::string(int_len - digits.size(), '0');
  return sign + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

// ---------------------------------------------------------------------------------------------
// Scalar resolution (go-yaml v2 resolve.go)

Resolved string_value(std::string_view text) { return {"!!str", json(std::string(text)), {}}; }

Resolved resolve_plain(std::string_view in) {
  if (in.empty()) return {"!!null", json(nullptr), {}};
  const char c = in[0];
  char hint = 0;
  if (c == '+' || c == '-') {
    hint = 'S';
  } else if (c >= '0' && c <= '9') {
    hint = 'D';
  } else if (std::strchr("yYnNtTfFoO~", c) != nullptr) {
    hint = 'M';
  } else if (c == '.') {
    hint = '.';
  }
  if (hint == 0) return string_value(in);

  static const std::unordered_map<std::string_view, Resolved> table = [] {
    std::unordered_map<std::string_view, Resolved> t;
    for (auto s : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
      t.emplace(s, Resolved{"!!bool", json(true), {}});
    }
    for (auto s : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
      t.emplace(s, Resolved{"!!bool", json(false), {}});
    }
    for (auto s : {"~", "null", "Null", "NULL"})
      t.emplace(s, Resolved{"!!null", json(nullptr), {}});
    const double inf = std::numeric_limits<double>::infinity();
    for (auto s : {".nan", ".NaN", ".NAN"}) {
      t.emplace(s, Resolved{"!!float", json(std::numeric_limits<double>::quiet_NaN()), {}});
    }
    for (auto s : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
      t.emplace(s, Resolved{"!!float", json(inf), {}});
    }
    for (auto s : {"-.inf", "-.Inf", "-.INF"}) t.emplace(s, Resolved{"!!float", json(-inf), {}});
    return t;
  }();
  if (auto it = table.find(in); it != table.end()) return it->second;

  if (hint == 'M') return string_value(in);
  if (hint == '.') {
    if (is_yaml_float(in)) {
      if (auto f = parse_float(in)) return {"!!float", json(*f), {}};
    }
    return string_value(in);
  }
  // Digits or a sign: go-yaml drops every '_' before trying int and float.
  std::string plain;
  plain.reserve(in.size());
  for (char ch : in) {
    if (ch != '_') plain += ch;
  }
  std::int64_t i = 0;
  const IntParse ip = parse_go_int(plain, i);
  if (ip == IntParse::kOk) return {"!!int", json(i), {}};
  if (is_yaml_float(plain)) {
    if (auto f = parse_float(plain)) return {"!!float", json(*f), {}};
  }
  if (ip == IntParse::kRange) {
    return {"!!int", json(), "integer " + std::string(in) + " is out of range"};
  }
  return string_value(in);
}

}  // namespace

Resolved resolve_scalar(std::string_view tag, std::string_view text) {
  if (tag == "?") return resolve_plain(text);
  if (tag == kTagBinary) {
    auto decoded = base::base64_decode(text);
    if (!decoded) return {"!!str", json(), "!!binary value contains invalid base64 data"};
    if (!valid_utf8(*decoded)) return {"!!str", json(), "!!binary value is not UTF-8 text"};
    return string_value(*decoded);
  }
  std::string_view want;
  if (tag == kTagInt) {
    want = "!!int";
  } else if (tag == kTagBool) {
    want = "!!bool";
  } else if (tag == kTagFloat) {
    want = "!!float";
  } else if (tag == kTagNull) {
    want = "!!null";
  } else {
    // "!" (quoted and block scalars), !!str, !!timestamp and tags go-yaml cannot resolve.
    return string_value(text);
  }
  Resolved r = resolve_plain(text);
  if (!r.error.empty() || r.tag == want) return r;
  if (want == "!!float" && r.tag == "!!int") {
    return {"!!float", json(static_cast<double>(r.value.get<std::int64_t>())), {}};
  }
  return {r.tag, json(),
          "cannot decode " + std::string(r.tag) + " `" + std::string(text) + "` as a " +
              std::string(want)};
}

// The JSON object key sigs.k8s.io/yaml makes of a resolved map key.
std::string key_string(const json& k) {
  switch (k.type()) {
    case json::value_t::string:
      return k.get<std::string>();
    case json::value_t::boolean:
      return k.get<bool>() ? "true" : "false";
    case json::value_t::number_integer:
      return std::to_string(k.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return std::to_string(k.get<std::uint64_t>());
    case json::value_t::number_float:
      return go_float32_key(k.get<double>());
    default:
      return "null";
  }
}

}  // namespace api::yaml
