// api/field_error.hpp: Kubernetes field errors (k8s.io/apimachinery field.Error) and their exact
// text, spec §3.1: "<field path>: <type>[: <value>][: <detail>]".
//
// Values are stored already rendered the way the API server prints them (strings
// double-quoted, integers bare), so callers decide the rendering once, where they know the type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/go_quote.hpp"

namespace api {

enum class ErrorType {
  required,
  invalid,
  not_supported,
  forbidden,
  too_long,
  too_many,
  duplicate,
  not_found
};

struct FieldError {
  ErrorType type;
  std::string field;                 // e.g. "spec.template.spec.restartPolicy"
  std::optional<std::string> value;  // rendered, e.g. "\"Always\"" or "-1"; nullopt = omitted
  std::string detail;                // may be empty

  // "<type>[: <value>][: <detail>]": the text after the field path (a Status cause's message).
  std::string body() const;
  std::string to_string() const;
};

using FieldErrors = std::vector<FieldError>;

// The StatusCause reason of an error type: upstream's field.ErrorType ("FieldValueRequired"...).
std::string_view cause_type(ErrorType type);

// How the API server prints values inside messages (strings: quote() of api/go_quote.hpp).
std::string render(std::int64_t v);

FieldError required(std::string field, std::string detail = {});
FieldError invalid(std::string field, std::optional<std::string> value, std::string detail);
// `supported` are printed quoted and comma-separated: supported values: "a", "b"
FieldError not_supported(std::string field, std::string_view value,
                         const std::vector<std::string_view>& supported);
FieldError forbidden(std::string field, std::string detail);
FieldError duplicate(std::string field, std::string value);
// "Not found: <value>" (a reference to something that does not exist, e.g. a volume)
FieldError not_found(std::string field, std::string value);
// "Too many: <count>: must have at most <max> items"
FieldError too_many(std::string field, std::size_t count, std::size_t max);
// "Too long: may not be more than <max> bytes" (the newer upstream wording, spec §3.1)
FieldError too_long(std::string field, std::size_t max_bytes);

// The aggregate message of a 422 Status: `Job.batch "pi" is invalid: <err>` for one error,
// `... is invalid: [<err1>, <err2>]` for several.
std::string invalid_message(std::string_view qualified_kind, std::string_view name,
                            const FieldErrors& errors);

}  // namespace api
