#include "api/openapi.hpp"

#include <google/protobuf/descriptor.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "api/discovery.hpp"
#include "api/patch.hpp"
#include "api/proto/batch_v1.pb.h"
#include "api/proto/core_v1.pb.h"
#include "api/proto/k8s_options.pb.h"

namespace api {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::ordered_json;

// "k8s.io.api.batch.v1.Job" -> "io.k8s.api.batch.v1.Job", as upstream names its definitions.
std::string schema_name(const Descriptor* message) {
  std::string name = message->full_name();
  constexpr std::string_view kPrefix = "k8s.io.";
  if (name.rfind(kPrefix, 0) == 0) name = "io.k8s." + name.substr(kPrefix.size());
  return name;
}

ordered_json ref(const Descriptor* message) {
  return {{"$ref", "#/components/schemas/" + schema_name(message)}};
}

class SchemaBuilder {
 public:
  // Adds the schema of `message` (and of every message it uses) to `schemas_`.
  void add(const Descriptor* message) {
    if (!seen_.insert(message).second) return;
    if (message->name() == "Time" || message->name() == "MicroTime") {
      schemas_[schema_name(message)] = {{"type", "string"}, {"format", "date-time"}};
      return;
    }
    if (message->name() == "Quantity") {
      schemas_[schema_name(message)] = {
          {"oneOf", ordered_json::array({{{"type", "string"}}, {{"type", "number"}}})}};
      return;
    }
    ordered_json properties = ordered_json::object();
    add_properties(message, properties);
    schemas_[schema_name(message)] = {{"type", "object"}, {"properties", properties}};
  }

  ordered_json& schemas() { return schemas_; }

 private:
  void add_properties(const Descriptor* message, ordered_json& properties) {
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor* field = message->field(i);
      if (field->options().GetExtension(batchlet::k8s::json_inline) && field->message_type()) {
        add_properties(field->message_type(), properties);
        continue;
      }
      ordered_json schema = field_schema(field);
      if (field->is_repeated() && !field->is_map()) {
        if (auto key = strategic_merge_key(field->name())) {
          schema["x-kubernetes-patch-merge-key"] = *key;
          schema["x-kubernetes-patch-strategy"] = "merge";
        } else if (merged_as_set(field->name())) {
          schema["x-kubernetes-patch-strategy"] = "merge";
        }
      }
      properties[field->name()] = std::move(schema);
    }
  }

  ordered_json value_schema(const FieldDescriptor* field) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_UINT32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT64:
        return {{"type", "integer"}, {"format", "int64"}};
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::CPPTYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::CPPTYPE_STRING:
        if (field->type() == FieldDescriptor::TYPE_BYTES) {
          return {{"type", "string"}, {"format", "byte"}};
        }
        return {{"type", "string"}};
      case FieldDescriptor::CPPTYPE_ENUM:
        return {{"type", "string"}};
      case FieldDescriptor::CPPTYPE_MESSAGE:
        add(field->message_type());
        return {{"allOf", ordered_json::array({ref(field->message_type())})}};
    }
    return ordered_json::object();
  }

  ordered_json field_schema(const FieldDescriptor* field) {
    if (field->is_map()) {
      const FieldDescriptor* value = field->message_type()->map_value();
      return {{"type", "object"}, {"additionalProperties", value_schema(value)}};
    }
    if (field->is_repeated()) return {{"type", "array"}, {"items", value_schema(field)}};
    return value_schema(field);
  }

  std::set<const Descriptor*> seen_;
  ordered_json schemas_ = ordered_json::object();
};

struct Kind {
  const ServedResource* resource;
  const Descriptor* message;
};

ordered_json gvk(const ServedResource& r) {
  return {{"group", r.group}, {"kind", r.kind}, {"version", r.version}};
}

ordered_json parameter(const char* name, const char* in, const char* type, bool required = false) {
  ordered_json p = {
      {"name", name}, {"in", in}, {"schema", {{"type", type}, {"uniqueItems", true}}}};
  if (required) p["required"] = true;
  return p;
}

ordered_json operation(const ServedResource& r, const Descriptor* message, const std::string& verb,
                       const std::string& action, bool write) {
  ordered_json op = ordered_json::object();
  std::string id = verb;
  op["operationId"] = id;
  ordered_json params = ordered_json::array();
  if (write) {
    params.push_back(parameter("dryRun", "query", "string"));
    params.push_back(parameter("fieldManager", "query", "string"));
    params.push_back(parameter("fieldValidation", "query", "string"));
  }
  if (!params.empty()) op["parameters"] = params;
  ordered_json body_schema = message != nullptr ? ref(message) : ordered_json::object();
  if (action == "patch") {
    ordered_json content = ordered_json::object();
    for (const char* type :
         {"application/apply-patch+yaml", "application/json-patch+json",
          "application/merge-patch+json", "application/strategic-merge-patch+json"}) {
      content[type] = {{"schema", {{"type", "object"}}}};
    }
    op["requestBody"] = {{"content", content}, {"required", true}};
    op["parameters"].push_back(parameter("force", "query", "boolean"));
  } else if (action == "put" || action == "post") {
    op["requestBody"] = {{"content", {{"*/*", {{"schema", body_schema}}}}}, {"required", true}};
  }
  op["responses"] = {
      {"200",
       {{"description", "OK"}, {"content", {{"application/json", {{"schema", body_schema}}}}}}}};
  op["x-kubernetes-action"] = action;
  op["x-kubernetes-group-version-kind"] = gvk(r);
  return op;
}

bool has_verb(const ServedResource& r, std::string_view verb) {
  return std::find(r.verbs.begin(), r.verbs.end(), verb) != r.verbs.end();
}

ordered_json group_document(const std::vector<Kind>& kinds) {
  SchemaBuilder builder;
  ordered_json paths = ordered_json::object();
  for (const Kind& kind : kinds) {
    const ServedResource& r = *kind.resource;
    builder.add(kind.message);
    const std::string prefix = r.group.empty() ? "/api/v1" : "/apis/" + r.group + "/v1";
    const std::string scope = r.namespaced ? "/namespaces/{namespace}" : "";
    const std::string collection = prefix + scope + "/" + r.resource;
    const std::string item = collection + "/{name}";
    const std::string name = r.kind;
    ordered_json collection_ops = ordered_json::object();
    if (has_verb(r, "list"))
      collection_ops["get"] = operation(r, nullptr, "list" + name, "list", false);
    if (has_verb(r, "create"))
      collection_ops["post"] = operation(r, kind.message, "create" + name, "post", true);
    if (has_verb(r, "deletecollection")) {
      collection_ops["delete"] =
          operation(r, nullptr, "deletecollection" + name, "deletecollection", false);
    }
    ordered_json item_ops = ordered_json::object();
    if (has_verb(r, "get"))
      item_ops["get"] = operation(r, kind.message, "read" + name, "get", false);
    if (has_verb(r, "update"))
      item_ops["put"] = operation(r, kind.message, "replace" + name, "put", true);
    if (has_verb(r, "patch"))
      item_ops["patch"] = operation(r, kind.message, "patch" + name, "patch", true);
    if (has_verb(r, "delete"))
      item_ops["delete"] = operation(r, nullptr, "delete" + name, "delete", false);
    ordered_json path_params = ordered_json::array();
    if (r.namespaced) path_params.push_back(parameter("namespace", "path", "string", true));
    if (!collection_ops.empty()) {
      collection_ops["parameters"] = path_params;
      paths[collection] = collection_ops;
    }
    if (!item_ops.empty()) {
      ordered_json item_params = path_params;
      item_params.push_back(parameter("name", "path", "string", true));
      item_ops["parameters"] = item_params;
      paths[item] = item_ops;
    }
    // The served kind's own schema carries its type fields and GVK.
    ordered_json& schema = builder.schemas()[schema_name(kind.message)];
    ordered_json properties = {{"apiVersion", {{"type", "string"}}},
                               {"kind", {{"type", "string"}}}};
    for (auto& [key, value] : schema["properties"].items()) properties[key] = value;
    schema["properties"] = properties;
    schema["x-kubernetes-group-version-kind"] = ordered_json::array({gvk(r)});
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "batchlet"}}},
          {"paths", paths},
          {"components", {{"schemas", builder.schemas()}}}};
}

const ServedResource* served(std::string_view group, std::string_view resource) {
  for (const ServedResource& r : served_resources()) {
    if (r.group == group && r.resource == resource) return &r;
  }
  return nullptr;
}

struct Documents {
  std::string batch_v1;
  std::string core_v1;
  std::string index;
};

const Documents& documents() {
  static const Documents docs = [] {
    Documents d;
    d.batch_v1 =
        group_document({{served("batch", "jobs"), k8s::io::api::batch::v1::Job::descriptor()}})
            .dump();
    d.core_v1 = group_document(
                    {{served("", "namespaces"), k8s::io::api::core::v1::Namespace::descriptor()}})
                    .dump();
    const auto hash = [](const std::string& text) {
      char out[17];
      std::snprintf(out, sizeof out, "%016zX", std::hash<std::string>{}(text));
      return std::string(out);
    };
    ordered_json index = {
        {"paths",
         {{"api/v1", {{"serverRelativeURL", "/openapi/v3/api/v1?hash=" + hash(d.core_v1)}}},
          {"apis/batch/v1",
           {{"serverRelativeURL", "/openapi/v3/apis/batch/v1?hash=" + hash(d.batch_v1)}}}}}};
    d.index = index.dump();
    return d;
  }();
  return docs;
}

}  // namespace

std::optional<OpenApiResponse> openapi_v3_response(std::string_view path) {
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    return OpenApiResponse{"application/json", documents().index};
  }
  if (path == "/openapi/v3/apis/batch/v1")
    return OpenApiResponse{"application/json", documents().batch_v1};
  if (path == "/openapi/v3/api/v1") return OpenApiResponse{"application/json", documents().core_v1};
  return std::nullopt;
}

}  // namespace api
