// cli/table_printer.cpp: kubectl's table printer (printers/tableprinter.go) and the alignment of
// text/tabwriter as kubectl configures it (printers.GetNewTabWriter: 6, 4, 3, ' ', 0).
#include "cli/table_printer.hpp"

#include <algorithm>
#include <cctype>

namespace cli {

namespace {

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string cell_text(const nlohmann::json& cell) {
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_null()) return "<none>";
  return cell.dump();
}

std::string labels_text(const nlohmann::json& metadata) {
  const auto labels = metadata.value("labels", nlohmann::json::object());
  std::string out;
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    if (!out.empty()) out += ",";
    out += it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : "");
  }
  return out.empty() ? "<none>" : out;
}

// Display width: UTF-8 continuation bytes do not count.
std::size_t width_of(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

std::vector<std::vector<std::string>> table_lines(const nlohmann::json& table,
                                                  const TableOptions& options) {
  const auto columns = table.value("columnDefinitions", nlohmann::json::array());
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (options.wide || columns[i].value("priority", 0) == 0) shown.push_back(i);
  }
  std::vector<std::vector<std::string>> lines;
  if (options.headers) {
    std::vector<std::string> header;
    if (options.with_namespace) header.emplace_back("NAMESPACE");
    for (auto i : shown) header.push_back(upper(columns[i].value("name", "")));
    if (options.show_labels) header.emplace_back("LABELS");
    lines.push_back(std::move(header));
  }
  for (const auto& row : table.value("rows", nlohmann::json::array())) {
    const auto cells = row.value("cells", nlohmann::json::array());
    const auto metadata = row.contains("object") && row["object"].is_object()
                              ? row["object"].value("metadata", nlohmann::json::object())
                              : nlohmann::json::object();
    std::vector<std::string> line;
    if (options.with_namespace) line.push_back(metadata.value("namespace", ""));
    for (auto i : shown) line.push_back(i < cells.size() ? cell_text(cells[i]) : "");
    if (options.show_labels) line.push_back(labels_text(metadata));
    lines.push_back(std::move(line));
  }
  if (lines.size() == (options.headers ? 1u : 0u)) return {};
  return lines;
}

namespace {

// text/tabwriter's format(): one recursion level per column.
class TabWriter {
 public:
  TabWriter(const std::vector<std::vector<std::string>>& lines, TabStyle style)
      : lines_(lines), style_(style) {}

  std::string run() {
    format(0, lines_.size());
    return std::move(out_);
  }

 private:
  static bool has_terminated_cell(const std::vector<std::string>& line, std::size_t column) {
    return line.size() > column + 1;
  }

  void format(std::size_t line0, std::size_t line1) {
    const std::size_t column = widths_.size();
    for (std::size_t current = line0; current < line1; ++current) {
      if (!has_terminated_cell(lines_[current], column)) continue;
      write_lines(line0, current);
      line0 = current;
      std::size_t width = style_.min_width;
      for (; current < line1 && has_terminated_cell(lines_[current], column); ++current) {
        width = std::max(width, width_of(lines_[current][column]) + style_.padding);
      }
      widths_.push_back(width);
      format(line0, current);
      widths_.pop_back();
      line0 = current;
      if (current == line1) return;
    }
    write_lines(line0, line1);
  }

  void write_lines(std::size_t line0, std::size_t line1) {
    for (std::size_t i = line0; i < line1; ++i) {
      const auto& line = lines_[i];
      for (std::size_t j = 0; j < line.size(); ++j) {
        out_ += line[j];
        if (j < widths_.size() && j + 1 < line.size()) {
          out_.append(widths_[j] - std::min(widths_[j], width_of(line[j])), ' ');
        }
      }
      out_ += "\n";
    }
  }

  const std::vector<std::vector<std::string>>& lines_;
  TabStyle style_;
  std::vector<std::size_t> widths_;
  std::string out_;
};

}  // namespace

std::string align_cells(const std::vector<std::vector<std::string>>& lines, TabStyle style) {
  return TabWriter(lines, style).run();
}

}  // namespace cli
