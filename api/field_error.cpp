#include "api/field_error.hpp"

namespace api {
namespace {

std::string_view type_text(ErrorType type) {
  switch (type) {
    case ErrorType::required:
      return "Required value";
    case ErrorType::invalid:
      return "Invalid value";
    case ErrorType::not_supported:
      return "Unsupported value";
    case ErrorType::forbidden:
      return "Forbidden";
    case ErrorType::too_long:
      return "Too long";
    case ErrorType::too_many:
      return "Too many";
    case ErrorType::duplicate:
      return "Duplicate value";
  }
  return "Internal error";
}

}  // namespace

std::string FieldError::to_string() const {
  std::string text = field;
  text += ": ";
  text += type_text(type);
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

std::string invalid_message(std::string_view qualified_kind, std::string_view name,
                            const FieldErrors& errors) {
  std::string text(qualified_kind);
  text += ' ';
  text += quote(name);
  text += " is invalid: ";
  if (errors.size() == 1) return text + errors.front().to_string();
  text += "[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) text += ", ";
    text += errors[i].to_string();
  }
  return text + "]";
}

}  // namespace api
