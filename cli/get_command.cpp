// cli/get_command.cpp: kubectl get's flow (list or named objects, printers, watch) over the
// batchlet API.
#include "cli/get_command.hpp"

#include <cstdio>

#include "api/yaml_emit.hpp"
#include "base/encoding.hpp"
#include "cli/table_printer.hpp"

namespace cli {

namespace {

constexpr const char* kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

struct Query {
  std::vector<std::pair<std::string, std::string>> parameters;
  void add(const std::string& key, const std::string& value) {
    if (!value.empty()) parameters.emplace_back(key, value);
  }
  std::string text() const {
    std::string out;
    for (const auto& [key, value] : parameters) {
      out += (out.empty() ? "?" : "&") + key + "=" + base::percent_encode(value);
    }
    return out;
  }
};

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// kubectl's wrapper of several objects for -o json/yaml.
nlohmann::json list_of(nlohmann::json items) {
  return {{"apiVersion", "v1"},
          {"items", std::move(items)},
          {"kind", "List"},
          {"metadata", {{"resourceVersion", ""}}}};
}

nlohmann::json with_type(const Kind& kind, nlohmann::json item) {
  if (!item.contains("kind")) item["kind"] = kind.kind;
  if (!item.contains("apiVersion")) item["apiVersion"] = kind.api_version;
  return item;
}

std::string nothing_found(const ClientContext& context, const Kind& kind) {
  if (!kind.namespaced || context.all_namespaces) return "No resources found\n";
  return "No resources found in " + context.ns + " namespace.\n";
}

// The object's (or each list item's) lines for -o name.
std::string names_of(const Kind& kind, const nlohmann::json& value) {
  std::string out;
  auto add = [&](const nlohmann::json& object) {
    out += kind.qualified + "/" + object["metadata"].value("name", "") + "\n";
  };
  if (value.value("kind", "") == "List") {
    for (const auto& item : value["items"]) add(item);
  } else {
    add(value);
  }
  return out;
}

struct Selection {
  Kind kind;
  std::vector<std::string> names;
};

std::optional<Selection> select(const std::vector<std::string>& arguments, std::string& error) {
  if (arguments.empty()) {
    error =
        "you must specify the type of resource to get. Use \"batchlet get jobs\", \"pods\", "
        "\"events\" or \"namespaces\"";
    return std::nullopt;
  }
  Selection selection;
  if (arguments[0].find('/') != std::string::npos) {
    for (const auto& argument : arguments) {
      if (argument.find('/') == std::string::npos) {
        error =
            "there is no need to specify a resource type as a separate argument when "
            "passing arguments in resource/name form";
        return std::nullopt;
      }
      auto ref = parse_object_ref(argument, "", error);
      if (!ref) return std::nullopt;
      if (!selection.names.empty() && ref->kind.resource != selection.kind.resource) {
        error = "batchlet get prints one kind at a time";
        return std::nullopt;
      }
      selection.kind = ref->kind;
      selection.names.push_back(ref->name);
    }
    return selection;
  }
  auto kind = resolve_kind(arguments[0]);
  if (!kind) {
    error = unknown_kind_message(arguments[0]);
    return std::nullopt;
  }
  selection.kind = *kind;
  selection.names.assign(arguments.begin() + 1, arguments.end());
  return selection;
}

// Prints the rows of one watch event's Table (kubectl flushes its tabwriter per event).
void print_watch_event(const nlohmann::json& event, const TableOptions& table_options,
                       bool& header_printed) {
  const auto& table = event["object"];
  if (!table.is_object() || table.value("kind", "") != "Table") return;
  TableOptions options = table_options;
  options.headers = table_options.headers && !header_printed;
  print(print_table(table, options));
  if (options.headers && !table.value("rows", nlohmann::json::array()).empty()) {
    header_printed = true;
  }
}

int watch(const ClientContext& context, const Kind& kind, Query query,
          const std::string& resource_version, const std::string& output,
          const TableOptions& table_options, bool header_printed) {
  const bool table = output.empty() || output == "wide";
  query.add("watch", "1");
  query.add("resourceVersion", resource_version);
  std::string buffer;
  std::string error_body;
  auto on_data = [&](std::string_view piece) {
    buffer.append(piece);
    for (auto end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n')) {
      auto event = nlohmann::json::parse(buffer.substr(0, end), nullptr, false);
      buffer.erase(0, end + 1);
      if (!event.is_object() || !event.contains("object")) continue;
      if (event.value("type", "") == "ERROR") {
        std::fprintf(stderr, "error: %s\n", event["object"].value("message", "").c_str());
        return false;
      }
      if (table) {
        print_watch_event(event, table_options, header_printed);
      } else {
        print(render_objects(kind, with_type(kind, event["object"]), output));
      }
    }
    return true;
  };
  auto status = context.api.stream(ApiRequest::read(context.collection_path(kind) + query.text(),
                                                    table ? kTableAccept : "application/json"),
                                   on_data, error_body);
  if (!status.ok()) return fail(status.error().message());
  if (*status < 200 || *status >= 300) {
    return fail_reply(ApiReply{*status, error_body, ""});
  }
  return 0;
}

}  // namespace

std::string render_objects(const Kind& kind, const nlohmann::json& value,
                           const std::string& output) {
  if (output == "name") return names_of(kind, value);
  if (output == "yaml") return api::to_yaml(value);
  return value.dump(4) + "\n";
}

int get_command(const ClientContext& context, const GetOptions& options) {
  std::string error;
  auto selection = select(options.arguments, error);
  if (!selection) return fail(error);
  const Kind& kind = selection->kind;
  const bool table = options.output.empty() || options.output == "wide";
  const TableOptions table_options{.wide = options.output == "wide",
                                   .with_namespace = context.all_namespaces && kind.namespaced,
                                   .show_labels = options.show_labels,
                                   .headers = !options.no_headers};
  Query query;
  query.add("labelSelector", options.selector);
  query.add("fieldSelector", options.field_selector);

  if (!selection->names.empty()) {
    if (context.all_namespaces) {
      return fail("a resource cannot be retrieved by name across all namespaces");
    }
    if (options.watch && selection->names.size() > 1) {
      return fail(
          "watch is only supported on individual resources and resource collections, "
          "but " +
          std::to_string(selection->names.size()) + " resources were found");
    }
    int exit_code = 0;
    nlohmann::json rows = nlohmann::json::array();
    nlohmann::json combined;
    nlohmann::json items = nlohmann::json::array();
    std::string resource_version;
    for (const auto& name : selection->names) {
      auto reply = context.api.get(context.object_path(kind, name),
                                   table ? kTableAccept : "application/json");
      if (!reply.ok()) return fail(reply.error().message());
      if (reply->status != 200) {
        exit_code = fail_reply(*reply);
        continue;
      }
      auto value = nlohmann::json::parse(reply->body, nullptr, false);
      if (table && value.value("kind", "") == "Table") {
        if (combined.is_null()) combined = value;
        for (auto& row : value["rows"]) rows.push_back(std::move(row));
        resource_version = value["metadata"].value("resourceVersion", "");
      } else {
        resource_version = value["metadata"].value("resourceVersion", "");
        items.push_back(with_type(kind, std::move(value)));
      }
    }
    if (table && !combined.is_null()) {
      combined["rows"] = rows;
      print(print_table(combined, table_options));
    } else if (items.size() == 1) {
      print(render_objects(kind, items[0], options.output));
    } else if (!items.empty()) {
      print(render_objects(kind, list_of(items), options.output));
    }
    if (options.watch && exit_code == 0) {
      Query by_name = query;
      by_name.add("fieldSelector", "metadata.name=" + selection->names[0]);
      return watch(context, kind, by_name, resource_version, options.output, table_options, true);
    }
    return exit_code;
  }

  auto list = context.call(ApiRequest::read(context.collection_path(kind) + query.text(),
                                            table ? kTableAccept : "application/json"));
  if (!list) return 1;
  const std::string resource_version = (*list)["metadata"].value("resourceVersion", "");
  bool header_printed = false;
  if (table) {
    const auto text = print_table(*list, table_options);
    if (text.empty() && !options.watch) std::fputs(nothing_found(context, kind).c_str(), stderr);
    header_printed = !text.empty();
    print(text);
  } else {
    nlohmann::json items = nlohmann::json::array();
    for (auto& item : (*list)["items"]) items.push_back(with_type(kind, std::move(item)));
    if (items.empty() && !options.watch) std::fputs(nothing_found(context, kind).c_str(), stderr);
    if (options.output == "name") {
      for (const auto& item : items) print(render_objects(kind, item, "name"));
    } else if (!options.watch || !items.empty()) {
      print(render_objects(kind, list_of(items), options.output));
    }
  }
  if (!options.watch) return 0;
  return watch(context, kind, query, resource_version, options.output, table_options,
               header_printed);
}

}  // namespace cli
