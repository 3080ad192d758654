#include "api/field_error.hpp"

#include <algorithm>

namespace api {
namespace {

// Each ErrorType's text in messages and its StatusCause reason (upstream field.ErrorType).
struct ErrorTypeNames {
  std::string_view text;
  std::string_view cause;
};

ErrorTypeNames names(ErrorType type) {
  switch (type) {
    case ErrorType::required:
      return {"Required value", "FieldValueRequired"};
    case ErrorType::invalid:
      return {"Invalid value", "FieldValueInvalid"};
    case ErrorType::not_supported:
      return {"Unsupported value", "FieldValueNotSupported"};
    case ErrorType::forbidden:
      return {"Forbidden", "FieldValueForbidden"};
    case ErrorType::too_long:
      return {"Too long", "FieldValueTooLong"};
    case ErrorType::too_many:
      return {"Too many", "FieldValueTooMany"};
    case ErrorType::duplicate:
      return {"Duplicate value", "FieldValueDuplicate"};
    case ErrorType::not_found:
      return {"Not found", "FieldValueNotFound"};
  }
  return {"Internal error", "InternalError"};
}

}  // namespace

std::string_view cause_type(ErrorType type) { return names(type).cause; }

std::string FieldError::body() const {
  std::string text(names(type).text);
  if (value) {
    text += ": ";
    text += *value;
  }
  if (!detail.empty()) {
    text += ": ";
    text += detail;
  }
  return text;
}

std::string FieldError::to_string() const {
  if (field.empty()) return body();  // an error about the whole object has no path
  std::string text = field;
  text += ": ";
  text += body();
  return text;
}

std::string render(std::int64_t v) { return std::to_string(v); }

FieldError required(std::string field, std::string detail) {
  return {ErrorType::required, std::move(field), std::nullopt, std::move(detail)};
}

FieldError invalid(std::string field, std::optional<std::string> value, std::string detail) {
  return {ErrorType::invalid, std::move(field), std::move(value), std::move(detail)};
}

FieldError not_supported(std::string field, std::string_view value,
                         const std::vector<std::string_view>& supported) {
  std::string detail = "supported values: ";
  for (std::size_t i = 0; i < supported.size(); ++i) {
    if (i > 0) detail += ", ";
    detail += quote(supported[i]);
  }
  return {ErrorType::not_supported, std::move(field), quote(value), std::move(detail)};
}

FieldError forbidden(std::string field, std::string detail) {
  return {ErrorType::forbidden, std::move(field), std::nullopt, std::move(detail)};
}

FieldError duplicate(std::string field, std::string value) {
  return {ErrorType::duplicate, std::move(field), std::move(value), {}};
}

FieldError not_found(std::string field, std::string value) {
  return {ErrorType::not_found, std::move(field), std::move(value), {}};
}

FieldError too_many(std::string field, std::size_t count, std::size_t max) {
  return {ErrorType::too_many, std::move(field), std::to_string(count),
          "must have at most " + std::to_string(max) + " items"};
}

FieldError too_long(std::string field, std::size_t max_bytes) {
  return {ErrorType::too_long, std::move(field), std::nullopt,
          "may not be more than " + std::to_string(max_bytes) + " bytes"};
}

std::string invalid_message(std::string_view qualified_kind, std::string_view name,
                            const FieldErrors& errors) {
  // As upstream's ToAggregate: errors whose text repeats an earlier one are dropped.
  std::vector<std::string> texts;
  for (const auto& e : errors) {
    std::string t = e.to_string();
    if (std::find(texts.begin(), texts.end(), t) == texts.end()) texts.push_back(std::move(t));
  }
  std::string text(qualified_kind);
  text += ' ';
  text += quote(name);
  text += " is invalid";
  if (texts.empty()) return text;
  text += ": ";
  if (texts.size() == 1) return text + texts.front();
  text += '[';
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) text += ", ";
    text += texts[i];
  }
  text += ']';
  return text;
}

}  // namespace api
