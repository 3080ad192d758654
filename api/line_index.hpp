// api/line_index.hpp: where each field of a parsed manifest is written in its source text.
//
// Contract: a LineIndex maps Kubernetes field paths ("spec.template.spec.containers[0].image",
// map keys joined with '.', sequence items as "[i]", keys with characters outside
// [A-Za-z0-9_-] written in brackets: "metadata.labels[batch.kubernetes.io/job-name]") to the
// 1-based source line of that field. The empty path "" names the document root. Paths are built
// with child() and item() so that the writer (the YAML codec) and the readers (validation error
// reporting) agree on one spelling. Kubernetes itself prints map entries in brackets even when
// the key is plain ("metadata.labels[app]"); find() accepts that spelling too. Nothing here
// throws except std::bad_alloc.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace api {

class LineIndex {
 public:
  // Records that `path` is written on `line`; a later add for the same path replaces the line.
  void add(std::string path, int line);

  // The line recorded for exactly this field, or nullopt. A bracketed plain key
  // ("labels[app]") also matches the dotted spelling ("labels.app") the index stores.
  std::optional<int> find(std::string_view path) const;

  // The line of the field or, when the field itself is not written (a missing required field),
  // of its nearest written ancestor: "spec.template.spec.containers" falls back to
  // "spec.template.spec", then "spec.template", ..., then the document root "".
  std::optional<int> line_of(std::string_view path) const;

  // The path of map entry `key` under `parent`: "parent.key", or "parent[key]" when the key is
  // not [A-Za-z0-9_-]+ (including the empty key). With an empty parent: "key" or "[key]".
  static std::string child(std::string_view parent, std::string_view key);

  // The path of sequence item `index` under `parent`: "parent[index]".
  static std::string item(std::string_view parent, std::size_t index);

  // The path with its last component (".x" or "[...]") removed; "" for a one-component path.
  static std::string_view parent(std::string_view path);

  std::size_t size() const { return lines_.size(); }
  bool empty() const { return lines_.empty(); }

 private:
  std::map<std::string, int, std::less<>> lines_;
};

}  // namespace api
