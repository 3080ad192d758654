// tests/api/rest_corpus.hpp: the invalid-manifest corpus (tests/api/testdata/invalid) as REST
// requests — each manifest that is one YAML document with apiVersion and kind, as the JSON body
// a client would POST, with the Status.message it must get. Shared by the handler unit test and
// the test that sends the corpus to a serving batchlet.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "api/yaml_codec.hpp"

namespace rest_corpus {

struct Case {
  std::string name;
  nlohmann::json body;
  std::string expected;  // "" : the manifest is valid
};

inline std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::vector<Case> cases() {
  const std::filesystem::path corpus =
      std::filesystem::path(BATCHLET_SOURCE_DIR) / "tests" / "api" / "testdata" / "invalid";
  std::vector<Case> out;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".yaml") continue;
    api::YamlParseResult parsed = api::parse_yaml_documents(read_all(entry.path()));
    // Texts that are not one YAML document never reach the API (kubectl refuses them first).
    if (parsed.error || parsed.documents.size() != 1) continue;
    nlohmann::json body = parsed.documents.front().value;
    // The endpoint supplies a missing apiVersion or kind (the API server's decoder defaults
    // them from the URL), so those mistakes exist only in files.
    if (body.is_object() && (!body.contains("kind") || !body.contains("apiVersion"))) continue;
    // The namespace comes from the URL; a manifest naming another one is a different mistake.
    if (body.is_object() && body["metadata"].is_object()) body["metadata"].erase("namespace");
    auto expected_path = entry.path();
    expected_path.replace_extension(".expected");
    std::string expected = read_all(expected_path);
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) {
      expected.pop_back();
    }
    out.push_back({entry.path().filename().string(), std::move(body), std::move(expected)});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

// The message with the uid the server generated written "<uid>", as the .expected files have
// it; uids the manifest itself gave stay as they are.
inline std::string normalized(std::string message, const nlohmann::json& sent) {
  static const std::regex uid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  const std::string text = sent.dump();
  std::smatch found;
  std::string rest = message;
  while (std::regex_search(rest, found, uid)) {
    if (text.find(found.str()) == std::string::npos) {
      message.replace(message.find(found.str()), found.length(), "<uid>");
    }
    rest = found.suffix();
  }
  return message;
}

}  // namespace rest_corpus
