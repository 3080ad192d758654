// tests/api/yaml_emit_test.cpp: api::to_yaml prints what kubectl -o yaml prints (go-yaml v2
// styles), and what it prints reads back as the same value.
#include "api/yaml_emit.hpp"

#include <catch2/catch.hpp>

#include "api/yaml_codec.hpp"

using nlohmann::json;

TEST_CASE("to_yaml: block layout of maps and lists as kubectl prints them", "[unit]") {
  const json value = json::parse(R"({
    "kind": "Job", "metadata": {"name": "pi", "labels": {}},
    "spec": {"template": {"spec": {"containers": [
      {"name": "main", "command": ["sh", "-c", "echo hi"], "env": []}]}}},
    "status": {"active": 1, "ready": 0, "done": true, "none": null}})");
  CHECK(api::to_yaml(value) ==
        "kind: Job\n"
        "metadata:\n"
        "  labels: {}\n"
        "  name: pi\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers:\n"
        "      - command:\n"
        "        - sh\n"
        "        - -c\n"
        "        - echo hi\n"
        "        env: []\n"
        "        name: main\n"
        "status:\n"
        "  active: 1\n"
        "  done: true\n"
        "  none: null\n"
        "  ready: 0\n");
}

TEST_CASE("to_yaml: strings are quoted exactly when go-yaml quotes them", "[unit]") {
  auto one = [](const json& v) { return api::to_yaml(json{{"k", v}}); };
  CHECK(one("plain text") == "k: plain text\n");
  CHECK(one("") == "k: \"\"\n");
  CHECK(one("true") == "k: \"true\"\n");
  CHECK(one("on") == "k: \"on\"\n");
  CHECK(one("123") == "k: \"123\"\n");
  CHECK(one("1.5") == "k: \"1.5\"\n");
  CHECK(one("null") == "k: \"null\"\n");
  CHECK(one("2026-12-07T23:58:22Z") == "k: \"2026-12-07T23:58:22Z\"\n");
  CHECK(one("a: b") == "k: 'a: b'\n");
  CHECK(one("*star") == "k: '*star'\n");
  CHECK(one("- dash") == "k: '- dash'\n");
  CHECK(one("it's") == "k: it's\n");
  CHECK(one("tab\there") == "k: \"tab\\there\"\n");
  CHECK(one("line one\nline two\n") == "k: |\n  line one\n  line two\n");
  CHECK(one("line one\nline two") == "k: |-\n  line one\n  line two\n");
  CHECK(api::to_yaml(json{{"true", 1}}) == "\"true\": 1\n");
}

TEST_CASE("to_yaml output parses back to the same value", "[unit]") {
  const json value = json::parse(R"({
    "a": ["x", "", "yes", "0x1F", "a: b", "multi\nline\n", [1, 2], [], {}, {"k": [true]}],
    "b": {"c": -3, "d": 2.5, "e": "'quoted'", "f": "#hash", "g": " lead"},
    "h": [{"i": {"j": "k"}, "l": null}]})");
  const auto parsed = api::parse_yaml_documents(api::to_yaml(value));
  REQUIRE_FALSE(parsed.error);
  REQUIRE(parsed.documents.size() == 1);
  CHECK(parsed.documents[0].value == value);
}
