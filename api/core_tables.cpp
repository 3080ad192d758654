#include "api/core_tables.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "api/human_duration.hpp"
#include "api/job_table.hpp"
#include "api/json_fields.hpp"
#include "api/rfc3339.hpp"

namespace api {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

using json_fields::text_at;

std::optional<base::TimePoint> time_at(const ordered_json& object,
                                       std::initializer_list<const char*> path) {
  const std::string text = text_at(object, path);
  if (text.empty()) return std::nullopt;
  return parse_time(text);
}

std::string trim_space(std::string text) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && space(static_cast<unsigned char>(text.back()))) text.pop_back();
  const auto first = std::find_if_not(text.begin(), text.end(),
                                      [&](char c) { return space(static_cast<unsigned char>(c)); });
  text.erase(text.begin(), first);
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

json metadata_of(const ordered_json& object) {
  auto it = object.find("metadata");
  return it != object.end() ? json(*it) : json::object();
}

}  // namespace

const std::vector<TableColumn>& event_columns() {
  static const std::vector<TableColumn> columns = {
      {"Last Seen", "string", "",
       "The time at which the most recent occurrence of this event was recorded.", 0},
      {"Type", "string", "",
       "Type of this event (Normal, Warning), new types could be added in the future.", 0},
      {"Reason", "string", "",
       "This should be a short, machine understandable string that gives the reason for the "
       "transition into the object's current status.",
       0},
      {"Object", "string", "", "The object that this event is about.", 0},
      {"Subobject", "string", "", "The field of the object that this event is about.", 1},
      {"Source", "string", "",
       "The component reporting this event. Should be a short machine understandable string.", 1},
      {"Message", "string", "", "A human-readable description of the status of this operation.", 0},
      {"First Seen", "string", "",
       "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
       1},
      {"Count", "string", "", "The number of times this event has occurred.", 1},
      {"Name", "string", "name", job_columns()[0].description, 1},
  };
  return columns;
}

json event_table(const std::vector<const ordered_json*>& events, base::TimePoint now) {
  std::vector<TableRow> rows;
  for (const ordered_json* event : events) {
    if (event == nullptr) continue;
    const ordered_json& e = *event;
    std::string first_seen;
    if (auto first = time_at(e, {"firstTimestamp"})) {
      first_seen = timestamp_since(first, now);
    } else {
      first_seen = timestamp_since(time_at(e, {"eventTime"}), now);
    }
    std::string last_seen = first_seen;
    if (auto last = time_at(e, {"lastTimestamp"})) last_seen = timestamp_since(last, now);
    std::int64_t count = e.value("count", 0);
    if (auto series = e.find("series"); series != e.end() && series->is_object()) {
      last_seen = timestamp_since(time_at(*series, {"lastObservedTime"}), now);
      count = series->value("count", 0);
    } else if (count == 0) {
      count = 1;  // singleton events of the new API carry no count
    }
    const std::string kind = lower(text_at(e, {"involvedObject", "kind"}));
    const std::string name = text_at(e, {"involvedObject", "name"});
    const std::string target = name.empty() ? kind : kind + "/" + name;
    std::string component = text_at(e, {"source", "component"});
    if (component.empty()) component = text_at(e, {"reportingComponent"});
    std::string instance = text_at(e, {"source", "host"});
    if (instance.empty()) instance = text_at(e, {"reportingInstance"});
    const std::string source = instance.empty() ? component : component + ", " + instance;

    TableRow row;
    row.cells = json::array({last_seen, text_at(e, {"type"}), text_at(e, {"reason"}), target,
                             text_at(e, {"involvedObject", "fieldPath"}), source,
                             trim_space(text_at(e, {"message"})), first_seen, count,
                             text_at(e, {"metadata", "name"})});
    row.metadata = metadata_of(e);
    rows.push_back(std::move(row));
  }
  return make_table(event_columns(), std::move(rows));
}

const std::vector<TableColumn>& namespace_columns() {
  static const std::vector<TableColumn> columns = {
      job_columns()[0],
      {"Status", "string", "", "The status of the namespace", 0},
      job_columns()[4],
  };
  return columns;
}

json namespace_table(const std::vector<const ordered_json*>& namespaces, base::TimePoint now) {
  std::vector<TableRow> rows;
  for (const ordered_json* ns : namespaces) {
    if (ns == nullptr) continue;
    TableRow row;
    row.cells =
        json::array({text_at(*ns, {"metadata", "name"}), text_at(*ns, {"status", "phase"}),
                     timestamp_since(time_at(*ns, {"metadata", "creationTimestamp"}), now)});
    row.metadata = metadata_of(*ns);
    rows.push_back(std::move(row));
  }
  return make_table(namespace_columns(), std::move(rows));
}

}  // namespace api
