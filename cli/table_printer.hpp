// cli/table_printer.hpp: the server's meta.k8s.io/v1 Table printed the way `kubectl get` prints
// it, so `batchlet get` and `kubectl get` show the same columns and cells.
//
// Contract: columns of priority 0 (all with `wide`), headers upper-cased, a NAMESPACE column
// first with `with_namespace` (from each row's object metadata) and a LABELS column last with
// `show_labels`; cells aligned like kubectl's tabwriter (minimum width 6, padding 3, the last
// column unpadded). Non-string cells print as JSON numbers/bools do, null as "<none>". A Table
// with no rows prints nothing (the caller says "No resources found").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cli {

struct TableOptions {
  bool wide = false;
  bool with_namespace = false;
  bool show_labels = false;
  bool headers = true;
};

// The header followed by the rows, as lines of cells (before alignment).
std::vector<std::vector<std::string>> table_lines(const nlohmann::json& table,
                                                  const TableOptions& options);

// Go's text/tabwriter over lines of cells: every cell but a line's last is a tab-terminated
// cell; consecutive lines holding a terminated cell in the same column form a block padded to
// max(min_width, widest + padding). Each line ends with "\n".
struct TabStyle {
  std::size_t min_width = 6;  // kubectl get (printers.GetNewTabWriter)
  std::size_t padding = 3;
};
inline constexpr TabStyle kDescribeTabs{0, 2};  // kubectl describe's tabwriter

std::string align_cells(const std::vector<std::vector<std::string>>& lines, TabStyle style = {});

inline std::string print_table(const nlohmann::json& table, const TableOptions& options) {
  return align_cells(table_lines(table, options));
}

}  // namespace cli
