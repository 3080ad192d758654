// api/status.cpp: metav1.Status construction (see api/status.hpp for the contract).
#include "api/status.hpp"

namespace api {
namespace {

using nlohmann::ordered_json;

// kind, apiVersion, metadata and status are the same for every failure; Go writes ListMeta
// even when empty because omitempty does not apply to structs.
ordered_json failure_head() {
  ordered_json status;
  status["kind"] = "Status";
  status["apiVersion"] = "v1";
  status["metadata"] = ordered_json::object();
  status["status"] = "Failure";
  return status;
}

}  // namespace

ordered_json invalid_status(std::string_view group, std::string_view kind, std::string_view name,
                            const FieldErrors& errors) {
  std::string qualified(kind);
  if (!group.empty()) {
    qualified += '.';
    qualified += group;
  }

  ordered_json status = failure_head();
  status["message"] = invalid_message(qualified, name, errors);  // drops repeats as ToAggregate
  status["reason"] = "Invalid";

  ordered_json details = ordered_json::object();
  if (!name.empty()) details["name"] = name;
  if (!group.empty()) details["group"] = group;
  if (!kind.empty()) details["kind"] = kind;
  if (!errors.empty()) {
    ordered_json causes = ordered_json::array();
    for (const FieldError& e : errors) {
      ordered_json cause;
      cause["reason"] = cause_type(e.type);
      std::string body = e.body();
      if (!body.empty()) cause["message"] = std::move(body);
      if (!e.field.empty()) cause["field"] = e.field;
      causes.push_back(std::move(cause));
    }
    details["causes"] = std::move(causes);
  }
  status["details"] = std::move(details);
  status["code"] = 422;
  return status;
}

ordered_json failure_status(int code, std::string_view reason, std::string_view message) {
  ordered_json status = failure_head();
  if (!message.empty()) status["message"] = message;
  if (!reason.empty()) status["reason"] = reason;
  if (code != 0) status["code"] = code;
  return status;
}

std::string encode_status(const ordered_json& status) {
  const std::string compact = status.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  // Go's encoder escapes these for safe embedding in HTML. In compact JSON they can only occur
  // inside strings, so a byte-level pass is exact.
  std::string out;
  out.reserve(compact.size());
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < compact.size() && compact[i + 1] == '\x80' &&
               (compact[i + 2] == '\xA8' || compact[i + 2] == '\xA9')) {
      out += compact[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace api
