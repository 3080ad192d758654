// tests/api/invalid_corpus_test.cpp: every manifest under tests/api/testdata/invalid must be
// rejected with exactly the message in the .expected file next to it, and hostile inputs too big
// to commit (built here in memory) must fail cleanly.
//
// The message under test is what a client would see:
//   - the text does not load (YAML error, limits): "line <N>: <message>", or "<message>" when the
//     line is unknown;
//   - no document, or more than one: the wording of `batchlet run` (cli/manifest.cpp);
//   - a strict decoding error (an unknown field): the 400 Status.message;
//   - otherwise api::create_job's errors as the API server's Status.message,
//     `Job.batch "<name>" is invalid: ...`, with the generated uid written as "<uid>" so that
//     expectations do not depend on the random engine.
// Expected messages for validation rules come from the spec (§3.2) and upstream, not from what
// batchlet prints today. A comment at the top of each .yaml (but the empty and the JSON ones) says
// which one mistake it makes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "api/field_error.hpp"
#include "api/job_create.hpp"
#include "api/yaml_codec.hpp"
#include "base/limits.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(BATCHLET_SOURCE_DIR) / "tests" / "api" / "testdata" / "invalid";

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The message a client gets for `text`, or "" if the manifest is accepted.
std::string rejection(std::string_view text) {
  api::YamlParseResult parsed = api::parse_yaml_documents(text);
  if (parsed.error) {
    if (parsed.error->line == 0) return parsed.error->message;
    std::string out = "line ";
    out += std::to_string(parsed.error->line);
    out += ": ";
    out += parsed.error->message;
    return out;
  }
  if (parsed.documents.empty()) return "no Job in the file (it has no YAML document)";
  if (parsed.documents.size() > 1) {
    std::string out = "line ";
    out += std::to_string(parsed.documents[1].first_line);
    out += ": batchlet run takes one Job, but the file has ";
    out += std::to_string(parsed.documents.size());
    out += " documents";
    return out;
  }
  std::mt19937_64 rng(42);
  api::CreatedJob created = api::create_job(parsed.documents.front().value, base::TimePoint{}, rng);
  if (created.bad_request) return *created.bad_request;
  if (created.errors.empty()) return {};
  std::string message =
      api::invalid_message("Job.batch", created.job.metadata.name, created.errors);
  replace_all(message, created.job.metadata.uid, "<uid>");
  return message;
}

struct CorpusCase {
  std::string name;  // "NNN-short-name"
  fs::path yaml;
  fs::path expected;
};

std::vector<CorpusCase> corpus() {
  std::vector<CorpusCase> cases;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kCorpus, ec)) {
    if (entry.path().extension() != ".yaml") continue;
    fs::path expected = entry.path();
    expected.replace_extension(".expected");
    cases.push_back({entry.path().stem().string(), entry.path(), expected});
  }
  std::sort(cases.begin(), cases.end(),
            [](const CorpusCase& a, const CorpusCase& b) { return a.name < b.name; });
  return cases;
}

// One line; a final newline (as editors write it) is not part of the message.
std::string expected_message(const fs::path& file) {
  std::string text = read_all(file);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace

TEST_CASE("every invalid manifest of the corpus is rejected with the expected message", "[unit]") {
  const std::vector<CorpusCase> cases = corpus();
  INFO("corpus: " << kCorpus.string());
  REQUIRE(cases.size() >= 60);
  for (const CorpusCase& c : cases) {
    DYNAMIC_SECTION(c.name) {
      REQUIRE(fs::exists(c.expected));
      const std::string expected = expected_message(c.expected);
      REQUIRE_FALSE(expected.empty());
      REQUIRE(expected.find('\n') == std::string::npos);
      const std::string text = read_all(c.yaml);
      CHECK(text.size() < 20 * 1024);  // big inputs are built in memory below
      const std::string actual = rejection(text);
      INFO("the manifest was " << (actual.empty() ? "accepted" : "rejected"));
      CHECK(actual == expected);
    }
  }
}

TEST_CASE("corpus files come in pairs", "[unit]") {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kCorpus, ec)) {
    if (entry.path().extension() != ".expected") continue;
    fs::path yaml = entry.path();
    yaml.replace_extension(".yaml");
    INFO(entry.path().filename().string());
    CHECK(fs::exists(yaml));
  }
  CHECK_FALSE(ec);
}

namespace {

constexpr const char* kPiHead = "apiVersion: batch/v1\nkind: Job\nmetadata:\n";
constexpr const char* kPiSpec = R"(spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
      restartPolicy: Never
)";

std::string pi_with_metadata(const std::string& metadata_lines) {
  std::string text = kPiHead;
  text += metadata_lines;
  text += kPiSpec;
  return text;
}

}  // namespace

TEST_CASE("hostile input built in memory fails cleanly", "[unit]") {
  SECTION("a 1.5 MiB label value") {
    const std::string value(1536 * 1024, 'a');
    const std::string message =
        rejection(pi_with_metadata("  name: pi\n  labels:\n    app: " + value + "\n"));
    CHECK(message == "Job.batch \"pi\" is invalid: metadata.labels: Invalid value: \"" + value +
                         "\": must be no more than 63 characters");
  }
  SECTION("annotations over 256 KiB in total, split across keys") {
    // Two values of 128 KiB: each alone is fine, keys plus values exceed 262144 bytes.
    const std::string half(128 * 1024, 'a');
    const std::string message = rejection(
        pi_with_metadata("  name: pi\n  annotations:\n    a: " + half + "\n    b: " + half + "\n"));
    CHECK(message ==
          "Job.batch \"pi\" is invalid: metadata.annotations: Too long: may not be more than "
          "262144 bytes");
  }
  SECTION("annotations of exactly 256 KiB are accepted") {
    const std::string value(256 * 1024 - 1, 'a');  // plus the one-byte key
    CHECK(rejection(pi_with_metadata("  name: pi\n  annotations:\n    a: " + value + "\n")) == "");
  }
  SECTION("a 1.5 MiB name") {
    const std::string name(1536 * 1024, 'a');
    const std::string message = rejection(pi_with_metadata("  name: " + name + "\n"));
    CHECK(message.rfind("Job.batch \"" + name + "\" is invalid: [metadata.name: Invalid value: \"" +
                            name + "\": must be no more than 253 characters",
                        0) == 0);
  }
  SECTION("a manifest over the size limit") {
    const std::string text =
        pi_with_metadata("  name: pi\n  annotations:\n    big: " +
                         std::string(base::limits::kMaxManifestBytes, 'a') + "\n");
    CHECK(rejection(text) == "the manifest is " + std::to_string(text.size()) +
                                 " bytes, over the limit of " +
                                 std::to_string(base::limits::kMaxManifestBytes));
  }
  SECTION("flow sequences nested 10000 deep") {
    const std::string text = "a: " + std::string(10000, '[') + std::string(10000, ']') + "\n";
    CHECK(rejection(text) == "line 1: nesting deeper than " +
                                 std::to_string(base::limits::kMaxManifestDepth) + " levels");
  }
  SECTION("block sequences nested 10000 deep on one line") {
    std::string text;
    for (int i = 0; i < 10000; ++i) text += "- ";
    text += "x\n";
    CHECK(rejection(text) == "line 1: nesting deeper than " +
                                 std::to_string(base::limits::kMaxManifestDepth) + " levels");
  }
  SECTION("block mappings nested 2000 deep (10000 would not fit the size limit)") {
    std::string text;
    for (int i = 0; i < 2000; ++i) {
      text += std::string(static_cast<std::size_t>(i), ' ');
      text += "a:\n";
    }
    const int depth = base::limits::kMaxManifestDepth;
    CHECK(rejection(text) == "line " + std::to_string(depth + 1) + ": nesting deeper than " +
                                 std::to_string(depth) + " levels");
  }
  SECTION("JSON objects nested 10000 deep") {
    std::string text;
    for (int i = 0; i < 10000; ++i) text += "{\"a\":";
    text += "1";
    text += std::string(10000, '}');
    CHECK(rejection(text) == "line 1: nesting deeper than " +
                                 std::to_string(base::limits::kMaxManifestDepth) + " levels");
  }
  SECTION("billion laughs, ten levels deep, inside a Job") {
    std::string text = pi_with_metadata("  name: pi\n");
    text += "laughs:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int level = 1; level < 10; ++level) {
      const std::string prev = "*l" + std::to_string(level - 1);
      text += "  l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
      for (int i = 0; i < 10; ++i) {
        if (i > 0) text += ", ";
        text += prev;
      }
      text += "]\n";
    }
    // l5 would expand to a million values: refused there, before anything is copied.
    CHECK(rejection(text) == "line 18: too many nodes (alias expansion?)");
  }
}
