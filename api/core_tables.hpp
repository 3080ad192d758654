// api/core_tables.hpp: the server-side Table printing of Events and Namespaces (what
// `kubectl get events` / `kubectl get namespaces` show), read straight from the stored JSON.
//
// Contract: mirrors upstream pkg/printers/internalversion printEvent and printNamespace. The
// API server prints wide, so every event row has all ten cells (LAST SEEN TYPE REASON OBJECT
// SUBOBJECT SOURCE MESSAGE FIRST SEEN COUNT NAME; kubectl hides the priority-1 ones); COUNT is
// an integer, every other cell a string. Namespaces: NAME STATUS AGE. Missing fields print as
// upstream prints their zero values ("<unknown>" for times).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "api/table.hpp"
#include "base/clock.hpp"

namespace api {

const std::vector<TableColumn>& event_columns();
nlohmann::json event_table(const std::vector<const nlohmann::ordered_json*>& events,
                           base::TimePoint now);

const std::vector<TableColumn>& namespace_columns();
nlohmann::json namespace_table(const std::vector<const nlohmann::ordered_json*>& namespaces,
                               base::TimePoint now);

}  // namespace api
