// api/table.hpp: the meta.k8s.io/v1 Table the API server sends when a client asks for
// `as=Table` (kubectl get), shared by every resource's printer.
//
// Contract: make_table() builds {kind: Table, apiVersion: meta.k8s.io/v1, metadata: {},
// columnDefinitions, rows}; each row carries its cells, optional conditions, and the object as
// a PartialObjectMetadata holding the object's whole metadata, as upstream's asTable does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace api {

// One metav1.TableColumnDefinition.
struct TableColumn {
  std::string name;
  std::string type;
  std::string format;
  std::string description;
  int priority = 0;  // 0: always shown; 1: only with -o wide
};

struct TableRow {
  nlohmann::json cells = nlohmann::json::array();
  nlohmann::json conditions;  // null: none
  nlohmann::json metadata;    // the object's metadata, as encoded
};

nlohmann::json make_table(const std::vector<TableColumn>& columns, std::vector<TableRow> rows);

}  // namespace api
