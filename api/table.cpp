#include "api/table.hpp"

namespace api {

using nlohmann::json;

json make_table(const std::vector<TableColumn>& columns, std::vector<TableRow> rows) {
  json column_list = json::array();
  for (const TableColumn& column : columns) {
    column_list.push_back(json{{"name", column.name},
                               {"type", column.type},
                               {"format", column.format},
                               {"description", column.description},
                               {"priority", column.priority}});
  }
  json row_list = json::array();
  for (TableRow& row : rows) {
    json out = json::object();
    out["cells"] = std::move(row.cells);
    if (!row.conditions.is_null()) out["conditions"] = std::move(row.conditions);
    out["object"] = json{{"kind", "PartialObjectMetadata"},
                         {"apiVersion", "meta.k8s.io/v1"},
                         {"metadata", std::move(row.metadata)}};
    row_list.push_back(std::move(out));
  }
  return json{{"kind", "Table"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"metadata", json::object()},
              {"columnDefinitions", std::move(column_list)},
              {"rows", std::move(row_list)}};
}

}  // namespace api
