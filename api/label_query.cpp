#include "api/label_query.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "api/field_error.hpp"
#include "api/go_quote.hpp"
#include "api/name_rules.hpp"

namespace api {

namespace {

enum class Token {
  end,
  closed_par,
  comma,
  not_token,  // '!'
  double_equals,
  equals,
  greater_than,
  identifier,
  in,
  less_than,
  not_equals,
  not_in,
  open_par
};

struct Scanned {
  Token token;
  std::string literal;
};

std::optional<Token> symbol_token(std::string_view text) {
  if (text == ")") return Token::closed_par;
  if (text == ",") return Token::comma;
  if (text == "!") return Token::not_token;
  if (text == "==") return Token::double_equals;
  if (text == "=") return Token::equals;
  if (text == ">") return Token::greater_than;
  if (text == "in") return Token::in;
  if (text == "<") return Token::less_than;
  if (text == "!=") return Token::not_equals;
  if (text == "notin") return Token::not_in;
  if (text == "(") return Token::open_par;
  return std::nullopt;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_symbol(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

// Splits the input into tokens the way upstream's lexer does: symbols greedily (longest known
// operator), everything else up to a blank or symbol as an identifier or keyword. A NUL byte
// ends the input, as in upstream.
std::vector<Scanned> scan(std::string_view text) {
  std::vector<Scanned> items;
  std::size_t pos = 0;
  auto at = [&](std::size_t i) { return i < text.size() ? text[i] : '\0'; };
  for (;;) {
    while (at(pos) != '\0' && is_blank(at(pos))) ++pos;
    const char c = at(pos);
    if (c == '\0') {
      items.push_back({Token::end, ""});
      return items;
    }
    if (is_symbol(c)) {
      std::string buffer;
      std::optional<Scanned> last;
      while (at(pos) != '\0' && is_symbol(at(pos))) {
        buffer.push_back(at(pos));
        auto token = symbol_token(buffer);
        if (!token) break;  // longest operator found: "!=" but not "!=="
        last = Scanned{*token, buffer};
        ++pos;
      }
      // Every single symbol character is a token, so `last` is always set here.
      items.push_back(*last);
      continue;
    }
    std::string buffer;
    while (at(pos) != '\0' && !is_symbol(at(pos)) && !is_blank(at(pos)))
      buffer.push_back(text[pos++]);
    auto keyword = symbol_token(buffer);
    items.push_back({keyword ? *keyword : Token::identifier, buffer});
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Scanned> items) : items_(std::move(items)) {}

  // In a Values context the keywords 'in' and 'notin' are plain identifiers ("x in (in)").
  Scanned lookahead(bool values) const {
    Scanned item = items_[position_];
    if (values && (item.token == Token::in || item.token == Token::not_in)) {
      item.token = Token::identifier;
    }
    return item;
  }
  Scanned consume(bool values) {
    Scanned item = lookahead(values);
    if (position_ + 1 < items_.size()) ++position_;
    return item;
  }

  std::optional<std::string> parse(std::vector<LabelRequirement>& out) {
    for (;;) {
      const Scanned next = lookahead(true);
      if (next.token == Token::end) return std::nullopt;
      if (next.token != Token::identifier && next.token != Token::not_token) {
        return "found '" + next.literal + "', expected: !, identifier, or 'end of string'";
      }
      LabelRequirement requirement;
      if (auto error = parse_requirement(requirement)) {
        return "unable to parse requirement: " + *error;
      }
      out.push_back(std::move(requirement));
      const Scanned after = consume(true);
      if (after.token == Token::end) return std::nullopt;
      if (after.token != Token::comma) {
        return "found '" + after.literal + "', expected: ',' or 'end of string'";
      }
      const Scanned following = lookahead(true);
      if (following.token != Token::identifier && following.token != Token::not_token) {
        return "found '" + following.literal + "', expected: identifier after ','";
      }
    }
  }

 private:
  std::optional<std::string> parse_requirement(LabelRequirement& requirement) {
    bool negated = false;
    Scanned key = consume(true);
    if (key.token == Token::not_token) {
      negated = true;
      key = consume(true);
    }
    if (key.token != Token::identifier) return "found '" + key.literal + "', expected: identifier";
    if (auto errors = qualified_name_errors(key.literal); !errors.empty()) {
      return "<nil>: " + invalid_value(key.literal, errors);
    }
    requirement.key = key.literal;
    // '!key' is complete by itself: whatever follows is the next token of the list, so
    // "!a=b" fails on the '=' ("expected: ',' or 'end of string'"), as upstream.
    if (negated) {
      requirement.op = LabelOperator::does_not_exist;
      return std::nullopt;
    }
    const Token next = lookahead(true).token;
    if (next == Token::end || next == Token::comma) {
      requirement.op = LabelOperator::exists;
      return std::nullopt;
    }
    const Scanned op = consume(false);
    switch (op.token) {
      case Token::in:
        requirement.op = LabelOperator::in;
        break;
      case Token::not_in:
        requirement.op = LabelOperator::not_in;
        break;
      case Token::equals:
        requirement.op = LabelOperator::equals;
        break;
      case Token::double_equals:
        requirement.op = LabelOperator::double_equals;
        break;
      case Token::not_equals:
        requirement.op = LabelOperator::not_equals;
        break;
      case Token::greater_than:
        requirement.op = LabelOperator::greater_than;
        break;
      case Token::less_than:
        requirement.op = LabelOperator::less_than;
        break;
      default:
        return "found '" + op.literal + "', expected: in, notin, =, ==, !=, gt, lt";
    }
    std::vector<std::string> values;
    if (requirement.op == LabelOperator::in || requirement.op == LabelOperator::not_in) {
      if (auto error = parse_values(values)) return error;
    } else if (auto error = parse_exact_value(values)) {
      return error;
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    requirement.values = values;
    return validate(requirement);
  }

  std::optional<std::string> parse_values(std::vector<std::string>& values) {
    const Scanned open = consume(true);
    if (open.token != Token::open_par) return "found '" + open.literal + "' expected: '('";
    const Scanned first = lookahead(true);
    if (first.token == Token::closed_par) {
      consume(true);
      values.push_back("");
      return std::nullopt;
    }
    if (first.token != Token::identifier && first.token != Token::comma) {
      return "found '" + first.literal + "', expected: ',', ')' or identifier";
    }
    for (;;) {
      const Scanned item = consume(true);
      if (item.token == Token::identifier) {
        values.push_back(item.literal);
        const Scanned after = lookahead(true);
        if (after.token == Token::comma) continue;
        if (after.token == Token::closed_par) break;
        return "found '" + after.literal + "', expected: ',' or ')'";
      }
      if (item.token == Token::comma) {
        if (values.empty()) values.push_back("");  // "(,"
        const Scanned after = lookahead(true);
        if (after.token == Token::closed_par) {
          values.push_back("");  // ",)"
          break;
        }
        if (after.token == Token::comma) {
          consume(true);
          values.push_back("");  // ",,"
        }
        continue;
      }
      return "found '" + item.literal + "', expected: ',', or identifier";
    }
    if (consume(true).token != Token::closed_par) {
      return "found '" + first.literal + "', expected: ')'";
    }
    return std::nullopt;
  }

  std::optional<std::string> parse_exact_value(std::vector<std::string>& values) {
    const Token next = lookahead(true).token;
    if (next == Token::end || next == Token::comma) {
      values.push_back("");
      return std::nullopt;
    }
    const Scanned value = consume(true);
    if (value.token != Token::identifier) {
      return "found '" + value.literal + "', expected: identifier";
    }
    values.push_back(value.literal);
    return std::nullopt;
  }

  static std::string invalid_value(const std::string& value,
                                   const std::vector<std::string>& errors) {
    std::string text = "Invalid value: ";
    text += quote(value);
    text += ": ";
    for (std::size_t i = 0; i < errors.size(); ++i) {
      if (i > 0) text += "; ";
      text += errors[i];
    }
    return text;
  }

  // NewRequirement's checks, aggregated like field.ErrorList.ToAggregate().
  static std::optional<std::string> validate(const LabelRequirement& requirement) {
    std::vector<std::string> errors;
    if ((requirement.op == LabelOperator::greater_than ||
         requirement.op == LabelOperator::less_than)) {
      for (std::size_t i = 0; i < requirement.values.size(); ++i) {
        std::int64_t parsed = 0;
        const std::string& v = requirement.values[i];
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
        if (ec != std::errc() || end != v.data() + v.size() || v.empty()) {
          errors.push_back("values[" + std::to_string(i) + "]: " + "Invalid value: " + quote(v) +
                           ": for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
    }
    for (std::size_t i = 0; i < requirement.values.size(); ++i) {
      if (auto value_errors = label_value_errors(requirement.values[i]); !value_errors.empty()) {
        errors.push_back("values[" + std::to_string(i) + "][" + requirement.key +
                         "]: " + invalid_value(requirement.values[i], value_errors));
      }
    }
    if (errors.empty()) return std::nullopt;
    if (errors.size() == 1) return errors[0];
    std::string text = "[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
      if (i > 0) text += ", ";
      text += errors[i];
    }
    return text + "]";
  }

  std::vector<Scanned> items_;
  std::size_t position_ = 0;
};

bool has_value(const LabelRequirement& requirement, const std::string& value) {
  return std::binary_search(requirement.values.begin(), requirement.values.end(), value);
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

bool LabelRequirement::matches(const Labels& labels) const {
  const auto found = labels.find(key);
  const bool present = found != labels.end();
  switch (op) {
    case LabelOperator::in:
    case LabelOperator::equals:
    case LabelOperator::double_equals:
      return present && has_value(*this, found->second);
    case LabelOperator::not_in:
    case LabelOperator::not_equals:
      return !present || !has_value(*this, found->second);
    case LabelOperator::exists:
      return present;
    case LabelOperator::does_not_exist:
      return !present;
    case LabelOperator::greater_than:
    case LabelOperator::less_than: {
      if (!present || values.size() != 1) return false;
      const auto have = parse_int(found->second);
      const auto want = parse_int(values[0]);
      if (!have || !want) return false;
      return op == LabelOperator::greater_than ? *have > *want : *have < *want;
    }
  }
  return false;
}

bool LabelQuery::matches(const Labels& labels) const {
  return std::all_of(requirements.begin(), requirements.end(),
                     [&](const LabelRequirement& r) { return r.matches(labels); });
}

std::string LabelQuery::to_string() const {
  std::string text;
  for (const auto& requirement : requirements) {
    if (!text.empty()) text += ',';
    if (requirement.op == LabelOperator::does_not_exist) text += '!';
    text += requirement.key;
    switch (requirement.op) {
      case LabelOperator::equals:
        text += '=';
        break;
      case LabelOperator::double_equals:
        text += "==";
        break;
      case LabelOperator::not_equals:
        text += "!=";
        break;
      case LabelOperator::in:
        text += " in (";
        break;
      case LabelOperator::not_in:
        text += " notin (";
        break;
      case LabelOperator::greater_than:
        text += '>';
        break;
      case LabelOperator::less_than:
        text += '<';
        break;
      case LabelOperator::exists:
      case LabelOperator::does_not_exist:
        continue;
    }
    for (std::size_t i = 0; i < requirement.values.size(); ++i) {
      if (i > 0) text += ',';
      text += requirement.values[i];
    }
    if (requirement.op == LabelOperator::in || requirement.op == LabelOperator::not_in) {
      text += ')';
    }
  }
  return text;
}

LabelQueryResult parse_label_query(std::string_view text) {
  LabelQueryResult result;
  auto items = scan(text);
  Parser parser(std::move(items));
  if (auto error = parser.parse(result.query.requirements)) {
    result.error = *error;
    result.query.requirements.clear();
    return result;
  }
  std::stable_sort(
      result.query.requirements.begin(), result.query.requirements.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
  return result;
}

}  // namespace api
