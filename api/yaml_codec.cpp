// api/yaml_codec.cpp: YAML text to JSON values with go-yaml v2 typing, built from yaml-cpp's
// event parser.
//
// Why events and not YAML::Load: the event stream hands us every node's tag ("?" for plain
// scalars, "!" for quoted and block scalars, the resolved URI for explicit tags) and mark, keeps
// duplicate keys visible, and delivers aliases as references, so an alias bomb is refused by
// counting before anything is copied. A Builder turns the events into JSON; when it finds an
// error it records it and throws its private Abort to stop yaml-cpp, and parse_yaml_documents
// catches everything.
//
// The scalar typing (api/yaml_scalar.cpp) follows go-yaml v2's resolve() (what sigs.k8s.io/yaml
// runs under the API server) with two project decisions: integers outside int64 become floats when
// they look decimal and are errors otherwise (go-yaml would give uint64 or a string), and .inf/.nan
// are errors because JSON has no spelling for them.
#include "api/yaml_codec.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/emitterstyle.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <istream>
#include <limits>
#include <new>
#include <streambuf>
#include <unordered_map>
#include <utility>

#include "api/field_error.hpp"
#include "api/yaml_scalar.hpp"
#include "base/limits.hpp"

namespace api {
namespace {

using nlohmann::json;
using yaml::key_string;
using yaml::resolve_scalar;
using yaml::Resolved;
using yaml::valid_utf8;

constexpr std::string_view kTagMerge = "tag:yaml.org,2002:merge";
// ---------------------------------------------------------------------------------------------
// The event handler that builds the documents

struct Abort {};  // stops yaml-cpp once Builder::error is set; never leaves this file

struct Anchored {
  json value;
  std::size_t nodes = 0;
  int height = 0;  // nested collections inside, counting the value itself
  bool complete = false;
};

struct Frame {
  bool is_map = false;
  json value;
  std::string path;
  YAML::anchor_t anchor = YAML::NullAnchor;
  int line = 0;
  std::size_t values_before = 0;
  int height = 1;
  bool record_lines = true;  // false inside the value of a merge key
  bool is_key = false;       // a mapping or sequence used as a map key
  // A map's pending key, between the key's event and the end of its value.
  bool have_key = false;
  bool key_is_merge = false;
  bool key_is_collection = false;
  int key_line = 0;
  std::string key;
  std::unordered_map<std::string, int> key_lines;  // explicit keys seen, for duplicates
  std::vector<std::pair<json, int>> merges;        // merge sources in order, with the "<<" line
};

class Builder final : public YAML::EventHandler {
 public:
  explicit Builder(std::string_view text) : text_(text) {
    // yaml-cpp marks count bytes of UTF-8 input after a byte-order mark; for UTF-16/32 input
    // they count converted text, so source positions cannot be used there.
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") bom_ = 3;
    const bool wide = (text.size() >= 2 &&
                       (text.substr(0, 2) == "\xFE\xFF" || text.substr(0, 2) == "\xFF\xFE")) ||
                      (text.size() >= 2 && (text[0] == '\0' || text[1] == '\0'));
    positions_usable_ = !wide;
  }

  std::vector<YamlDocument> documents;
  std::optional<SourceError> error;

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {
    stack_.clear();
    anchors_.clear();
    lines_ = LineIndex();
    root_.reset();
    root_line_ = 1;
    collection_key_line_ = 0;
  }

  void OnDocumentEnd() override {
    if (collection_key_line_ != 0) fail(collection_key_line_, "a mapping key must be a scalar");
    if (root_ && !root_->is_null()) {
      lines_.add("", root_line_);
      documents.push_back(YamlDocument{std::move(*root_), std::move(lines_), root_line_});
    }
    root_.reset();
    lines_ = LineIndex();
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (key_position()) {
      take_key(json(nullptr), line_of(mark), anchor, false);
      return;
    }
    const bool item = !stack_.empty() && !stack_.back().is_map;
    place(json(nullptr), item ? null_item_line(mark) : line_of(mark), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const int line = line_of(mark);
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail(line, "unknown anchor");
    if (!it->second.complete) fail(line, "anchor value contains itself");
    const Anchored& target = it->second;
    if (key_position()) {
      if (target.value.is_structured()) fail(line, "a mapping key must be a scalar");
      take_key(target.value, line, YAML::NullAnchor, false);
      return;
    }
    require_representable(target.value, line);
    // Refuse before copying: this is what stops alias bombs.
    reserve(target.nodes, target.height, line);
    json copy = target.value;
    record_slot(line);
    fill_slot(std::move(copy), target.height);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const int line = line_of(mark);
    if (tag != "?") require_closed_quote(mark, line);
    if (!valid_utf8(value)) fail(line, "the scalar is not valid UTF-8");
    if (key_position()) {
      const bool merge = (tag == "?" && value == "<<") || tag == kTagMerge;
      Resolved r = resolve_scalar(tag, value);
      if (!r.error.empty()) fail(line, r.error);
      take_key(r.value, line, anchor, merge);
      return;
    }
    Resolved r = resolve_scalar(tag, value);
    if (!r.error.empty()) fail(line, r.error);
    require_representable(r.value, line);
    place(std::move(r.value), line, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    begin_collection(mark, anchor, false);
  }
  void OnSequenceEnd() override { end_collection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    begin_collection(mark, anchor, true);
  }
  void OnMapEnd() override { end_collection(); }

 private:
  [[noreturn]] void fail(int line, const std::string& message) {
    error = SourceError{line, message};
    throw Abort{};
  }

  static int line_of(const YAML::Mark& mark) { return mark.line < 0 ? 0 : mark.line + 1; }

  bool key_position() const {
    return !stack_.empty() && stack_.back().is_map && !stack_.back().have_key;
  }

  void require_representable(const json& v, int line) {
    if (!v.is_number_float()) return;
    const double d = v.get<double>();
    if (std::isfinite(d)) return;
    fail(line, std::string(std::isnan(d) ? ".nan"
                           : d > 0       ? ".inf"
                                         : "-.inf") +
                   " cannot be represented in JSON");
  }

  void charge(std::size_t nodes, int line) {
    if (nodes > base::limits::kMaxManifestNodes - charged_) {
      fail(line, "too many nodes (alias expansion?)");
    }
    charged_ += nodes;
  }

  // Accounts for `nodes` more JSON values, `height` collections deep, about to be produced.
  void reserve(std::size_t nodes, int height, int line) {
    charge(nodes, line);
    if (stack_.size() + static_cast<std::size_t>(height) >
        static_cast<std::size_t>(base::limits::kMaxManifestDepth)) {
      fail(line,
           "nesting deeper than " + std::to_string(base::limits::kMaxManifestDepth) + " levels");
    }
    values_ += nodes;
  }

  void take_key(const json& k, int line, YAML::anchor_t anchor, bool merge) {
    if (anchor != YAML::NullAnchor) remember(anchor, k, 1, 0, line);
    Frame& f = stack_.back();
    f.have_key = true;
    f.key_line = line;
    f.key_is_merge = merge;
    if (merge) return;
    std::string key = key_string(k);
    const auto [it, inserted] = f.key_lines.try_emplace(key, line);
    if (!inserted) {
      fail(line,
           "mapping key " + quote(key) + " already defined at line " + std::to_string(it->second));
    }
    if (f.record_lines) lines_.add(LineIndex::child(f.path, key), line);
    f.key = std::move(key);
  }

  void remember(YAML::anchor_t anchor, const json& value, std::size_t nodes, int height, int line) {
    // The copy kept for later aliases counts against the node limit too, so nested anchors
    // ("&a [&b [&c [...]]]") cannot multiply memory either.
    charge(nodes, line);
    anchors_[anchor] = Anchored{value, nodes, height, true};
  }

  void place(json v, int line, YAML::anchor_t anchor) {
    reserve(1, 0, line);
    if (anchor != YAML::NullAnchor) remember(anchor, v, 1, 0, line);
    record_slot(line);
    fill_slot(std::move(v), 0);
  }

  // Records the line of the next item when the value being started is a sequence item; a map
  // entry's line was recorded with its key.
  void record_slot(int line) {
    if (stack_.empty()) {
      root_line_ = line;
      return;
    }
    Frame& p = stack_.back();
    if (!p.is_map && p.record_lines) lines_.add(LineIndex::item(p.path, p.value.size()), line);
  }

  void fill_slot(json v, int height) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& p = stack_.back();
    p.height = std::max(p.height, height + 1);
    if (!p.is_map) {
      p.value.push_back(std::move(v));
      return;
    }
    if (p.key_is_collection) {
      // Dropped: the document fails at its end.
    } else if (p.key_is_merge) {
      add_merge(p, std::move(v));
    } else {
      p.value[p.key] = std::move(v);
    }
    p.have_key = false;
    p.key_is_merge = false;
    p.key_is_collection = false;
  }

  void add_merge(Frame& p, json v) {
    static constexpr const char* kWant = "map merge requires map or sequence of maps as the value";
    if (v.is_object()) {
      p.merges.emplace_back(std::move(v), p.key_line);
      return;
    }
    if (!v.is_array()) fail(p.key_line, kWant);
    for (json& source : v) {
      if (!source.is_object()) fail(p.key_line, kWant);
      p.merges.emplace_back(std::move(source), p.key_line);
    }
  }

  void begin_collection(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    const int line = line_of(mark);
    // A collection as a key is reported at the end of the document, not here: yaml-cpp also
    // makes one of an unclosed "[" at the end of the text, and its own error says more.
    const bool is_key = key_position();
    reserve(1, 1, line);
    Frame f;
    f.is_key = is_key;
    f.is_map = is_map;
    f.value = is_map ? json::object() : json::array();
    f.anchor = anchor;
    f.line = line;
    f.values_before = values_ - 1;
    if (!is_key) record_slot(line);
    if (is_key) {
      f.record_lines = false;
    } else if (!stack_.empty()) {
      const Frame& p = stack_.back();
      if (p.is_map) {
        f.path = LineIndex::child(p.path, p.key_is_merge ? "<<" : p.key);
      } else {
        f.path = LineIndex::item(p.path, p.value.size());
      }
      f.record_lines = p.record_lines && !(p.is_map && p.key_is_merge);
    }
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{};  // known but incomplete
    stack_.push_back(std::move(f));
  }

  void end_collection() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (f.is_key) {
      Frame& p = stack_.back();
      p.have_key = true;
      p.key_is_collection = true;
      p.key_line = f.line;
      if (collection_key_line_ == 0) collection_key_line_ = f.line;
      if (f.anchor != YAML::NullAnchor) {
        remember(f.anchor, f.value, values_ - f.values_before, f.height, f.line);
      }
      return;
    }
    for (auto& [source, line] : f.merges) {
      for (auto& [k, v] : source.items()) {
        if (f.value.contains(k)) continue;
        f.value[k] = std::move(v);
        if (f.record_lines) lines_.add(LineIndex::child(f.path, k), line);
      }
    }
    if (f.anchor != YAML::NullAnchor) {
      remember(f.anchor, f.value, values_ - f.values_before, f.height, f.line);
    }
    fill_slot(std::move(f.value), f.height);
  }

  // yaml-cpp 0.7 accepts a quoted scalar that runs into the end of the input as if it were
  // closed there; go-yaml rejects it, and accepting it would swallow the rest of a truncated
  // file into one string.
  void require_closed_quote(const YAML::Mark& mark, int line) {
    if (!positions_usable_ || mark.pos < 0) return;
    std::size_t i = static_cast<std::size_t>(mark.pos) + bom_;
    const std::size_t n = text_.size();
    // Skip the node's properties (tag, anchor) to reach its content.
    while (i < n && (text_[i] == '!' || text_[i] == '&')) {
      while (i < n && text_[i] != ' ' && text_[i] != '\t' && text_[i] != '\n' && text_[i] != '\r') {
        ++i;
      }
      while (i < n &&
             (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) {
        ++i;
      }
    }
    if (i >= n || (text_[i] != '"' && text_[i] != '\'')) return;
    const char q = text_[i];
    for (++i; i < n; ++i) {
      if (q == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == q) {
        if (q == '\'' && i + 1 < n && text_[i + 1] == '\'') {
          ++i;
        } else {
          return;
        }
      }
    }
    error = SourceError{line, "yaml: found unexpected end of stream in a quoted scalar"};
    throw Abort{};
  }

  // yaml-cpp marks an empty node ("-" with nothing after it) at the token that follows it,
  // possibly lines later. The item really sits at the end of the last content before that
  // token, so walk back over blank and comment-only lines. Each walk covers only text between
  // two tokens, so the total work stays linear.
  int null_item_line(const YAML::Mark& mark) const {
    const int mark_line = line_of(mark);
    if (!positions_usable_ || mark.pos < 0) return mark_line;
    const std::size_t pos = static_cast<std::size_t>(mark.pos) + bom_;
    if (pos > text_.size()) return mark_line;
    if (null_literal_at(pos)) return mark_line;
    int line = mark_line;
    std::size_t i = pos;
    for (;;) {
      bool crossed = false;
      while (i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t' || text_[i - 1] == '\r' ||
                       text_[i - 1] == '\n')) {
        --i;
        if (text_[i] == '\n') {
          --line;
          crossed = true;
        }
      }
      if (i == 0 || !crossed) break;
      std::size_t start = i - 1;
      while (start > 0 && text_[start - 1] != '\n') --start;
      std::size_t first = start;
      while (first < i && (text_[first] == ' ' || text_[first] == '\t')) ++first;
      if (text_[first] != '#') break;
      i = start;
    }
    return std::max(line, 1);
  }

  // Whether the text at pos is a null literal used as a value (not the key "null:").
  bool null_literal_at(std::size_t pos) const {
    for (std::string_view lit : {"~", "null", "Null", "NULL"}) {
      if (text_.substr(pos, lit.size()) != lit) continue;
      std::size_t i = pos + lit.size();
      if (i < text_.size() && std::strchr(" \t\r\n,]}#", text_[i]) == nullptr) continue;
      while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i;
      return i >= text_.size() || text_[i] != ':';
    }
    return false;
  }

  std::string_view text_;
  std::size_t bom_ = 0;
  bool positions_usable_ = true;

  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  LineIndex lines_;
  std::optional<json> root_;
  int root_line_ = 1;
  int collection_key_line_ = 0;  // the first mapping or sequence used as a key, if any
  // JSON values produced so far, and those plus the copies kept for aliases (what the node limit
  // applies to), across documents.
  std::size_t values_ = 0;
  std::size_t charged_ = 0;
};

// A read-only streambuf over the caller's text, so the manifest is not copied for yaml-cpp.
class ViewBuf final : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view text) {
    // std::streambuf wants char*; nothing writes through it (no putback area is written).
    char* p = const_cast<char*>(text.data());
    setg(p, p, p + text.size());
  }
};

}  // namespace

YamlParseResult parse_yaml_documents(std::string_view text) {
  YamlParseResult result;
  if (text.size() > base::limits::kMaxManifestBytes) {
    result.error = SourceError{0, "the manifest is " + std::to_string(text.size()) +
                                      " bytes, over the limit of " +
                                      std::to_string(base::limits::kMaxManifestBytes)};
    return result;
  }
  try {
    Builder builder(text);
    try {
      ViewBuf buf(text);
      std::istream in(&buf);
      YAML::Parser parser(in);
      while (parser.HandleNextDocument(builder)) {
      }
      result.documents = std::move(builder.documents);
    } catch (const Abort&) {
      result.error = std::move(builder.error);
    } catch (const YAML::Exception& e) {
      result.error =
          SourceError{e.mark.is_null() || e.mark.line < 0 ? 0 : e.mark.line + 1, "yaml: " + e.msg};
    }
  } catch (const std::bad_alloc&) {
    result.error = SourceError{0, "out of memory while reading the manifest"};
  } catch (const std::exception& e) {
    result.error = SourceError{0, std::string("yaml: ") + e.what()};
  } catch (...) {
    result.error = SourceError{0, "yaml: unknown error"};
  }
  if (result.error) result.documents.clear();
  return result;
}

}  // namespace api
