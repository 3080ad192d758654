// api/rest_reads.cpp: get, list and watch of every served resource (api/rest_context.hpp).
#include <algorithm>
#include <tuple>

#include "api/core_tables.hpp"
#include "api/job_table.hpp"
#include "api/object_fields.hpp"
#include "api/pod_table.hpp"
#include "api/rest_context.hpp"
#include "api/stored_job.hpp"
#include "api/stored_pod.hpp"
#include "api/watch_stream.hpp"

namespace api::rest {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Lists are ordered by namespace, then name: a page ends at a key "<namespace>/<name>" (names
// of namespaces have no '/'), the next page starts after it.
bool after_token(const StoredObject& object, const std::string& token) {
  const auto slash = token.find('/');
  const std::string ns = token.substr(0, slash);
  const std::string name = slash == std::string::npos ? std::string() : token.substr(slash + 1);
  return std::tie(object.key.name_space, object.key.name) > std::tie(ns, name);
}

}  // namespace

bool selected(const ResourceType& type, const ListOptions& options, const ordered_json& object) {
  if (!options.labels.empty() && !options.labels.matches(object_labels(object))) return false;
  if (!options.fields.empty() &&
      !options.fields.matches(selectable_fields(type.resource, object))) {
    return false;
  }
  return true;
}

json to_table(const ResourceType& type, const std::vector<const ordered_json*>& objects,
              base::TimePoint now) {
  if (type.resource == "jobs") {
    std::vector<Job> jobs;
    jobs.reserve(objects.size());
    for (const ordered_json* object : objects) {
      auto job = decode_stored_job(json(*object));
      if (job.ok()) jobs.push_back(std::move(*job));
    }
    std::vector<const Job*> pointers;
    for (const Job& job : jobs) pointers.push_back(&job);
    return job_table(pointers, now);
  }
  if (type.resource == "pods") {
    std::vector<Pod> pods;
    pods.reserve(objects.size());
    for (const ordered_json* object : objects) {
      auto pod = decode_stored_pod(json(*object));
      if (pod.ok()) pods.push_back(std::move(*pod));
    }
    std::vector<const Pod*> pointers;
    for (const Pod& pod : pods) pointers.push_back(&pod);
    return pod_table(pointers, now);
  }
  if (type.resource == "events") return event_table(objects, now);
  return namespace_table(objects, now);
}

http::Response get_object(Context& context, const Call& call) {
  auto found = context.store.get(call.key());
  if (!found.ok()) return internal_error(found.error().message());
  if (!*found) return not_found(call.type.group, call.type.resource, call.info.name);
  if (!wants_table(call.request) && call.type.convert) {
    return object_response(200, call.type.convert(parse_stored(**found)));
  }
  if (!wants_table(call.request)) {
    // The stored document is the object as served: sent as it is, never re-encoded.
    http::Response response;
    response.body = std::move((*found)->json);
    return response;
  }
  const ordered_json object = parse_stored(**found);
  json table = to_table(call.type, {&object}, context.clock.now());
  table["metadata"]["resourceVersion"] = std::to_string((*found)->resource_version);
  return json_response(200, ordered_json(table));
}

http::Response list_objects(Context& context, const Call& call) {
  auto parsed = read_list_options(call.info, call.type.resource);
  if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
  const ListOptions& options = std::get<ListOptions>(parsed);
  auto listed = context.store.list(call.type.store_key, list_namespace(call));
  if (!listed.ok()) return internal_error(listed.error().message());
  const bool table = wants_table(call.request);
  const bool selecting = !options.labels.empty() || !options.fields.empty();

  // Objects are parsed only when a selector or a Table needs their fields.
  std::vector<const StoredObject*> items;
  std::vector<ordered_json> parsed_items;
  std::string next_continue;
  for (const StoredObject& stored : listed->objects) {
    if (!options.continue_token.empty() && !after_token(stored, options.continue_token)) {
      continue;
    }
    ordered_json object;
    if (selecting || table || call.type.convert) {
      object = parse_stored(stored);
      if (!object.is_object() || !selected(call.type, options, object)) continue;
    }
    if (options.limit && static_cast<std::int64_t>(items.size()) == *options.limit) {
      // More match than the page holds: the next page starts after the last item sent.
      next_continue = items.back()->key.name_space + "/" + items.back()->key.name;
      break;
    }
    items.push_back(&stored);
    if (table || call.type.convert) parsed_items.push_back(std::move(object));
  }
  const std::string rv = std::to_string(listed->resource_version);
  if (table) {
    std::vector<const ordered_json*> pointers;
    for (const ordered_json& item : parsed_items) pointers.push_back(&item);
    json out = to_table(call.type, pointers, context.clock.now());
    out["metadata"]["resourceVersion"] = rv;
    if (!next_continue.empty()) out["metadata"]["continue"] = next_continue;
    return json_response(200, ordered_json(out));
  }
  // The list is assembled from the stored documents as they are; items carry no kind or
  // apiVersion (the list's say what they are), as upstream's typed lists.
  ordered_json meta = {{"resourceVersion", rv}};
  if (!next_continue.empty()) meta["continue"] = next_continue;
  const std::string type_prefix =
      "{\"kind\":\"" + call.type.kind + "\",\"apiVersion\":\"" + call.type.api_version() + "\",";
  http::Response response;
  std::string& body = response.body;
  body.reserve(64 + items.size() * (items.empty() ? 0 : items.front()->json.size()));
  body += "{\"kind\":\"" + call.type.list_kind() + "\",\"apiVersion\":\"" +
          call.type.api_version() + "\",\"metadata\":" + meta.dump() + ",\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) body += ',';
    if (call.type.convert) {
      ordered_json item = call.type.convert(parsed_items[i]);
      item.erase("kind");
      item.erase("apiVersion");
      body += item.dump();
      continue;
    }
    const std::string& text = items[i]->json;
    if (text.rfind(type_prefix, 0) == 0) {
      body += '{';
      body.append(text, type_prefix.size(), std::string::npos);
    } else {
      ordered_json item = parse_stored(*items[i]);
      if (item.is_object()) {
        item.erase("kind");
        item.erase("apiVersion");
      }
      body += item.dump();
    }
  }
  body += "]}";
  return response;
}

http::Response watch_objects(Context& context, const Call& call) {
  auto parsed = read_list_options(call.info, call.type.resource);
  if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
  ListOptions options = std::get<ListOptions>(std::move(parsed));
  // A watch of one object by name (the legacy /watch/.../NAME form) selects by name.
  if (!call.info.name.empty()) {
    options.fields.requirements.push_back({"metadata.name", false, call.info.name});
  }
  WatchRequest request;
  request.resource = call.type.store_key;
  request.name_space = list_namespace(call);
  request.from_resource_version = options.resource_version;
  const ResourceType& type = call.type;
  request.filter = [&type, options](const StoredObject& stored) {
    const ordered_json object = parse_stored(stored);
    return object.is_object() && selected(type, options, object);
  };
  WatchStream::Transform transform = [&type](const StoredObject& stored) {
    return type.convert ? type.convert(parse_stored(stored)) : parse_stored(stored);
  };
  if (wants_table(call.request)) {
    const base::Clock& clock = context.clock;
    transform = [&type, &clock](const StoredObject& stored) {
      const ordered_json object = parse_stored(stored);
      json table = to_table(type, {&object}, clock.now());
      table["metadata"]["resourceVersion"] = std::to_string(stored.resource_version);
      return ordered_json(table);
    };
  }
  std::optional<base::Duration> timeout;
  if (options.timeout_seconds && *options.timeout_seconds > 0) {
    timeout = std::chrono::seconds(*options.timeout_seconds);
  }
  http::Response response;
  response.stream =
      std::make_shared<WatchStream>(context.hub, std::move(request), std::move(transform), timeout);
  return response;
}

}  // namespace api::rest
