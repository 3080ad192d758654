// api/protobuf_body.cpp: see protobuf_body.hpp. Generic over the generated messages: it walks
// them by reflection, so the .proto files are the one place that says which fields exist.
#include "api/protobuf_body.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/unknown_field_set.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "api/go_quote.hpp"
#include "api/line_index.hpp"
#include "api/proto/batch_v1.pb.h"
#include "api/proto/core_v1.pb.h"
#include "api/proto/k8s_options.pb.h"
#include "api/proto/runtime.pb.h"
#include "api/rfc3339.hpp"

namespace api {
namespace {

namespace pb = google::protobuf;
using nlohmann::json;

constexpr std::string_view kTimeMessage = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
constexpr std::string_view kQuantityMessage = "k8s.io.apimachinery.pkg.api.resource.Quantity";

// Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: upstream decodes it as "unset".
constexpr std::int64_t kGoZeroTimeSeconds = -62135596800;

base::Error protobuf_error(std::string message) {
  std::string text = "protobuf: ";
  text += message;
  return base::Error(std::move(text));
}

std::string at_path(const std::string& path) {
  std::string text;
  if (!path.empty()) {
    text += " at ";
    text += path;
  }
  return text;
}

// proto2 strings are not checked by the parser (only logged to stderr by generated code built
// without NDEBUG, i.e. in debug builds), so invalid UTF-8 is rejected here, with its path, before
// it can reach a JSON dump (which would throw).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// Fails when `m` carries fields our subset does not define (the parser keeps them aside).
base::Result<void> no_unknown_fields(const pb::Message& m, const std::string& path) {
  const pb::UnknownFieldSet& unknown = m.GetReflection()->GetUnknownFields(m);
  if (unknown.empty()) return {};
  const int number = unknown.field(0).number();
  std::string text;
  // A known number lands here too when its wire type is not the declared one.
  if (const pb::FieldDescriptor* known = m.GetDescriptor()->FindFieldByNumber(number)) {
    text += "field ";
    text += std::to_string(number);
    text += " (";
    text += known->name();
    text += ") has the wrong wire type in ";
  } else {
    text += "unsupported field ";
    text += std::to_string(number);
    text += " in ";
  }
  text += m.GetDescriptor()->full_name();
  text += at_path(path);
  return protobuf_error(std::move(text));
}

class ToJson {
 public:
  // The JSON object of message `m` at JSON path `path` ("" for the top level).
  base::Result<json> object(const pb::Message& m, const std::string& path) {
    if (auto ok = no_unknown_fields(m, path); !ok) return ok.error();
    json out = json::object();
    std::vector<const pb::FieldDescriptor*> fields;
    m.GetReflection()->ListFields(m, &fields);
    for (const pb::FieldDescriptor* f : fields) {
      const std::string child = LineIndex::child(path, f->name());
      if (f->is_map()) {
        auto map = map_field(m, f, child);
        if (!map) return map.error();
        out[f->name()] = std::move(*map);
      } else if (f->is_repeated()) {
        auto list = repeated_field(m, f, child);
        if (!list) return list.error();
        out[f->name()] = std::move(*list);
      } else {
        auto value = singular_field(m, f, child);
        if (!value) return value.error();
        if (value->is_null()) continue;
        if (f->options().GetExtension(batchlet::k8s::json_inline)) {
          for (auto& [key, member] : value->items()) out[key] = std::move(member);
        } else {
          out[f->name()] = std::move(*value);
        }
      }
    }
    return out;
  }

 private:
  // A set singular field's JSON value, or null when the JSON form leaves it out.
  base::Result<json> singular_field(const pb::Message& m, const pb::FieldDescriptor* f,
                                    const std::string& path) {
    const bool pointer = f->options().GetExtension(batchlet::k8s::go_pointer);
    const pb::Reflection& r = *m.GetReflection();
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        const pb::Message& sub = r.GetMessage(m, f);
        const std::string& type = sub.GetDescriptor()->full_name();
        if (type == kTimeMessage) return time(sub, path);
        if (type == kQuantityMessage) return quantity(sub, path);
        auto value = object(sub, path);
        if (!value) return value.error();
        if (value->empty() && !pointer) return json();
        return value;
      }
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        std::string s = r.GetString(m, f);
        if (s.empty() && !pointer) return json();
        return string_value(std::move(s), path);
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL: {
        const bool b = r.GetBool(m, f);
        if (!b && !pointer) return json();
        return json(b);
      }
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        const std::int32_t n = r.GetInt32(m, f);
        if (n == 0 && !pointer) return json();
        return json(n);
      }
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        const std::int64_t n = r.GetInt64(m, f);
        if (n == 0 && !pointer) return json();
        return json(n);
      }
      default:
        return unsupported_type(f);
    }
  }

  base::Result<json> repeated_field(const pb::Message& m, const pb::FieldDescriptor* f,
                                    const std::string& path) {
    const pb::Reflection& r = *m.GetReflection();
    const int size = r.FieldSize(m, f);
    json out = json::array();
    for (int i = 0; i < size; ++i) {
      const std::string item = LineIndex::item(path, static_cast<std::size_t>(i));
      switch (f->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
          auto value = object(r.GetRepeatedMessage(m, f, i), item);
          if (!value) return value.error();
          out.push_back(std::move(*value));
          break;
        }
        case pb::FieldDescriptor::CPPTYPE_STRING: {
          auto value = string_value(r.GetRepeatedString(m, f, i), item);
          if (!value) return value.error();
          out.push_back(std::move(*value));
          break;
        }
        case pb::FieldDescriptor::CPPTYPE_INT32:
          out.push_back(r.GetRepeatedInt32(m, f, i));
          break;
        case pb::FieldDescriptor::CPPTYPE_INT64:
          out.push_back(r.GetRepeatedInt64(m, f, i));
          break;
        default:
          return unsupported_type(f);
      }
    }
    return out;
  }

  // map<string, string> and map<string, Quantity>; later entries win, as in Go.
  base::Result<json> map_field(const pb::Message& m, const pb::FieldDescriptor* f,
                               const std::string& path) {
    const pb::Reflection& r = *m.GetReflection();
    const pb::FieldDescriptor* key_field = f->message_type()->map_key();
    const pb::FieldDescriptor* value_field = f->message_type()->map_value();
    json out = json::object();
    for (int i = 0, n = r.FieldSize(m, f); i < n; ++i) {
      const pb::Message& entry = r.GetRepeatedMessage(m, f, i);
      const pb::Reflection& er = *entry.GetReflection();
      std::string key = er.GetString(entry, key_field);
      if (!valid_utf8(key)) return not_utf8(path);
      std::string entry_path = path;  // map entries print as labels[key], as in job_decode
      entry_path += '[';
      entry_path += key;
      entry_path += ']';
      if (auto ok = no_unknown_fields(entry, entry_path); !ok) return ok.error();
      if (value_field->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING) {
        auto value = string_value(er.GetString(entry, value_field), entry_path);
        if (!value) return value.error();
        out[key] = std::move(*value);
      } else if (value_field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
                 value_field->message_type()->full_name() == kQuantityMessage) {
        auto value = quantity(er.GetMessage(entry, value_field), entry_path);
        if (!value) return value.error();
        out[key] = std::move(*value);
      } else {
        return unsupported_type(f);
      }
    }
    return out;
  }

  // metav1.Time as upstream decodes it: empty (or Go's zero time) is unset; else whole seconds.
  static base::Result<json> time(const pb::Message& t, const std::string& path) {
    if (auto ok = no_unknown_fields(t, path); !ok) return ok.error();
    const pb::Descriptor& d = *t.GetDescriptor();
    const pb::Reflection& r = *t.GetReflection();
    const pb::FieldDescriptor* seconds_field = d.FindFieldByName("seconds");
    const pb::FieldDescriptor* nanos_field = d.FindFieldByName("nanos");
    if (!r.HasField(t, seconds_field) && !r.HasField(t, nanos_field)) return json();
    const std::int64_t seconds = r.GetInt64(t, seconds_field);
    if (seconds == kGoZeroTimeSeconds) return json();
    // base::TimePoint counts nanoseconds in 64 bits: about 292 years either side of 1970.
    using Seconds = std::chrono::duration<std::int64_t>;
    constexpr std::int64_t kMax =
        std::chrono::duration_cast<Seconds>(base::TimePoint::duration::max()).count() - 1;
    if (seconds > kMax || seconds < -kMax) {
      std::string text = "time ";
      text += std::to_string(seconds);
      text += " s since 1970 is out of range";
      text += at_path(path);
      return protobuf_error(std::move(text));
    }
    return json(format_time(
        base::TimePoint(std::chrono::duration_cast<base::TimePoint::duration>(Seconds(seconds)))));
  }

  // resource.Quantity is its text; an empty one stays "" for the quantity parser to reject.
  base::Result<json> quantity(const pb::Message& q, const std::string& path) {
    if (auto ok = no_unknown_fields(q, path); !ok) return ok.error();
    const pb::FieldDescriptor* text = q.GetDescriptor()->FindFieldByName("string");
    return string_value(q.GetReflection()->GetString(q, text), path);
  }

  static base::Result<json> string_value(std::string s, const std::string& path) {
    if (!valid_utf8(s)) return not_utf8(path);
    return json(std::move(s));
  }

  static base::Error not_utf8(const std::string& path) {
    std::string text = "string is not valid UTF-8";
    text += at_path(path);
    return protobuf_error(std::move(text));
  }

  // Only reachable if a .proto of ours uses a type this walker does not map (a bug of ours).
  static base::Error unsupported_type(const pb::FieldDescriptor* f) {
    std::string text = "field ";
    text += f->full_name();
    text += " has a type the JSON conversion does not handle";
    return protobuf_error(std::move(text));
  }
};

template <typename Message>
base::Result<json> decode_object(std::string_view raw, json out) {
  Message message;
  if (!message.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    std::string text = "cannot parse ";
    text += Message::descriptor()->full_name();
    text += ": truncated or malformed wire data";
    return protobuf_error(std::move(text));
  }
  auto object = ToJson().object(message, "");
  if (!object) return object.error();
  for (auto& [key, value] : object->items()) out[key] = std::move(value);
  return out;
}

}  // namespace

base::Result<json> decode_protobuf_body(std::string_view body) {
  // Debug builds of libprotobuf log every invalid UTF-8 string to stderr; a client's bad bytes
  // are answered with our own error instead, not echoed into the agent's log.
  google::protobuf::LogSilencer quiet;
  if (body.size() < kProtobufMagic.size() ||
      body.substr(0, kProtobufMagic.size()) != kProtobufMagic) {
    return protobuf_error(R"(body does not start with the 4 bytes "k8s\x00")");
  }
  const std::string_view envelope = body.substr(kProtobufMagic.size());
  if (envelope.size() > static_cast<std::size_t>(INT_MAX)) {
    return protobuf_error("body is larger than 2 GiB");
  }
  k8s::io::apimachinery::pkg::runtime::Unknown unknown;
  if (!unknown.ParseFromArray(envelope.data(), static_cast<int>(envelope.size()))) {
    return protobuf_error(
        "cannot parse the runtime.Unknown envelope: truncated or malformed wire data");
  }
  if (auto ok = no_unknown_fields(unknown, ""); !ok) return ok.error();
  if (auto ok = no_unknown_fields(unknown.typemeta(), ""); !ok) return ok.error();
  if (!unknown.contentencoding().empty()) {
    std::string text = "content encoding ";
    text += quote(unknown.contentencoding());
    text += " is not supported";
    return protobuf_error(std::move(text));
  }
  if (!unknown.contenttype().empty() && unknown.contenttype() != kProtobufMediaType) {
    std::string text = "content type ";
    text += quote(unknown.contenttype());
    text += " is not supported inside a protobuf body";
    return protobuf_error(std::move(text));
  }
  const std::string& api_version = unknown.typemeta().apiversion();
  const std::string& kind = unknown.typemeta().kind();
  json out = json::object();
  out["apiVersion"] = api_version;
  out["kind"] = kind;
  if (api_version == "batch/v1" && kind == "Job") {
    return decode_object<k8s::io::api::batch::v1::Job>(unknown.raw(), std::move(out));
  }
  if (api_version == "v1" && kind == "Namespace") {
    return decode_object<k8s::io::api::core::v1::Namespace>(unknown.raw(), std::move(out));
  }
  std::string text = "kind ";
  text += quote(kind);
  text += " of apiVersion ";
  text += quote(api_version);
  text += " is not served in protobuf (served: batch/v1 Job, v1 Namespace)";
  return protobuf_error(std::move(text));
}

}  // namespace api
