// api/yaml_codec.hpp: manifest text (YAML or JSON, one or more documents) to JSON values, typed
// the way the Kubernetes API server's sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 typing) does, with
// the source line of every field.
//
// Contract:
//   - Never throws (except std::bad_alloc is also caught and reported); every failure is a
//     SourceError. On error `documents` is empty.
//   - Documents whose value is null (empty documents, "---" with nothing after it, a file of
//     comments) are skipped.
//   - Plain scalars resolve YAML 1.1-style (null ~, bools yes/no/on/off/y/n, ints with 0x, 0b,
//     0o and leading-0 octal and '_' separators, floats); quoted and block scalars are strings;
//     explicit !!str, !!int, !!float, !!bool, !!null, !!binary tags are honoured; other tags
//     leave the scalar a string. Map keys become strings ("on:" is the key "true").
//     Merge keys ("<<: *base") merge as YAML specifies: explicit keys win, earlier sources win.
//   - Duplicate keys in one mapping, non-scalar keys, .inf/.nan values, integers out of int64
//     range that are not decimal, texts over base::limits::kMaxManifestBytes, nesting deeper than
//     kMaxManifestDepth and more than kMaxManifestNodes JSON values in total (aliases count the
//     size of what they expand to, checked before copying) are errors.
//   - `lines` records, per document, the line of every map entry (the line of its key), every
//     sequence item (the line of the item) and the root (path ""). Fields inside an alias
//     expansion are not recorded individually: LineIndex::line_of falls back to the alias.
//   - Every string in the result is valid UTF-8, so nlohmann::json::dump() cannot throw on it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/line_index.hpp"

namespace api {

struct SourceError {
  int line = 0;  // 1-based, 0 when unknown
  std::string message;
};

struct YamlDocument {
  nlohmann::json value;
  LineIndex lines;
  int first_line = 1;  // the line where the document's root value starts
};

struct YamlParseResult {
  std::vector<YamlDocument> documents;
  std::optional<SourceError> error;
};

YamlParseResult parse_yaml_documents(std::string_view text);

}  // namespace api
