// tests/api/yaml_codec_test.cpp: api::parse_yaml_documents against the typing of
// sigs.k8s.io/yaml (go-yaml v2), line recording, and the manifest limits.
#include "api/yaml_codec.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "base/limits.hpp"

using api::parse_yaml_documents;
using api::YamlParseResult;
using nlohmann::json;

namespace {

// "line N: <message>": the line and the message of an error, checked together.
std::string with_line(const api::SourceError& e) {
  return "line " + std::to_string(e.line) + ": " + e.message;
}

// The one document of `text`, failing the test on an error or another document count.
json one(const std::string& text) {
  YamlParseResult r = parse_yaml_documents(text);
  INFO(text);
  INFO((r.error ? r.error->message : std::string("no error")));
  REQUIRE_FALSE(r.error.has_value());
  REQUIRE(r.documents.size() == 1);
  return r.documents[0].value;
}

// The value of key "v" in `v: <scalar>`.
json scalar(const std::string& yaml_scalar) { return one("v: " + yaml_scalar + "\n").at("v"); }

api::SourceError error_of(const std::string& text) {
  YamlParseResult r = parse_yaml_documents(text);
  INFO(text);
  REQUIRE(r.error.has_value());
  CHECK(r.documents.empty());
  return *r.error;
}

constexpr const char* kPiJob = R"yaml(apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
)yaml";

}  // namespace

TEST_CASE("the Kubernetes docs pi Job decodes with its lines", "[unit]") {
  YamlParseResult r = parse_yaml_documents(kPiJob);
  REQUIRE_FALSE(r.error.has_value());
  REQUIRE(r.documents.size() == 1);
  const api::YamlDocument& doc = r.documents[0];
  CHECK(doc.value == json::parse(R"json({
    "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
    "spec": {"backoffLimit": 4, "template": {"spec": {
      "containers": [{"name": "pi", "image": "perl:5.34.0",
                      "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}],
      "restartPolicy": "Never"}}}})json"));
  CHECK(doc.value["spec"]["backoffLimit"].is_number_integer());
  CHECK(doc.first_line == 1);

  const api::LineIndex& l = doc.lines;
  CHECK(l.find("") == 1);
  CHECK(l.find("apiVersion") == 1);
  CHECK(l.find("kind") == 2);
  CHECK(l.find("metadata") == 3);
  CHECK(l.find("metadata.name") == 4);
  CHECK(l.find("spec") == 5);
  CHECK(l.find("spec.template") == 6);
  CHECK(l.find("spec.template.spec") == 7);
  CHECK(l.find("spec.template.spec.containers") == 8);
  CHECK(l.find("spec.template.spec.containers[0]") == 9);
  CHECK(l.find("spec.template.spec.containers[0].name") == 9);
  CHECK(l.find("spec.template.spec.containers[0].image") == 10);
  CHECK(l.find("spec.template.spec.containers[0].command") == 11);
  CHECK(l.find("spec.template.spec.containers[0].command[3]") == 11);
  CHECK(l.find("spec.template.spec.restartPolicy") == 12);
  CHECK(l.find("spec.backoffLimit") == 13);
  // A missing field reports the line of its nearest written ancestor.
  CHECK_FALSE(l.find("spec.template.spec.containers[0].resources").has_value());
  CHECK(l.line_of("spec.template.spec.containers[0].resources.limits") == 9);
  CHECK(l.line_of("spec.completions") == 5);
}

TEST_CASE("JSON input is YAML", "[unit]") {
  YamlParseResult r = parse_yaml_documents(R"({
  "apiVersion": "batch/v1",
  "kind": "Job",
  "spec": {"parallelism": 2, "suspend": false, "x": null, "f": 1.5,
           "args": ["1", 2, "yes", true]}
})");
  REQUIRE_FALSE(r.error.has_value());
  REQUIRE(r.documents.size() == 1);
  const json& v = r.documents[0].value;
  CHECK(v == json::parse(R"({"apiVersion": "batch/v1", "kind": "Job", "spec": {"parallelism": 2,
      "suspend": false, "x": null, "f": 1.5, "args": ["1", 2, "yes", true]}})"));
  CHECK(r.documents[0].lines.find("kind") == 3);
  CHECK(r.documents[0].lines.find("spec.args[2]") == 5);
}

TEST_CASE("multi-document text skips empty documents", "[unit]") {
  YamlParseResult r = parse_yaml_documents(
      "---\n---\n# only a comment\n---\na: 1\n---\n\n---\nb: 2\nc: [x]\n...\n---\n~\n");
  REQUIRE_FALSE(r.error.has_value());
  REQUIRE(r.documents.size() == 2);
  CHECK(r.documents[0].value == json{{"a", 1}});
  CHECK(r.documents[0].first_line == 5);
  CHECK(r.documents[0].lines.find("a") == 5);
  CHECK(r.documents[1].value == json{{"b", 2}, {"c", {"x"}}});
  CHECK(r.documents[1].first_line == 9);
  CHECK(r.documents[1].lines.find("c[0]") == 10);
  CHECK_FALSE(r.documents[1].lines.find("a").has_value());

  for (const char* empty : {"", "# nothing\n", "---\n", "---\n...\n", "~\n", "null\n"}) {
    YamlParseResult e = parse_yaml_documents(empty);
    INFO(empty);
    CHECK_FALSE(e.error.has_value());
    CHECK(e.documents.empty());
  }
}

TEST_CASE("plain scalars resolve YAML 1.1-style", "[unit]") {
  SECTION("null") {
    for (const char* s : {"~", "null", "Null", "NULL", ""}) CHECK(scalar(s).is_null());
    CHECK(scalar("nULL") == "nULL");
  }
  SECTION("bool") {
    for (const char* s :
         {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
      INFO(s);
      CHECK(scalar(s) == json(true));
    }
    for (const char* s :
         {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
      INFO(s);
      CHECK(scalar(s) == json(false));
    }
    CHECK(scalar("yES") == "yES");
    CHECK(scalar("tRUE") == "tRUE");
  }
  SECTION("int") {
    CHECK(scalar("0") == 0);
    CHECK(scalar("42").is_number_integer());
    CHECK(scalar("-17") == -17);
    CHECK(scalar("+12") == 12);
    CHECK(scalar("0777") == 511);
    CHECK(scalar("0o17") == 15);
    CHECK(scalar("0x1F") == 31);
    CHECK(scalar("-0x10") == -16);
    CHECK(scalar("0b101") == 5);
    CHECK(scalar("1_000") == 1000);
    CHECK(scalar("1_000").is_number_integer());
    CHECK(scalar("9223372036854775807") == INT64_MAX);
    CHECK(scalar("-9223372036854775808") == INT64_MIN);
  }
  SECTION("int out of int64") {
    json big = scalar("9223372036854775808");
    CHECK(big.is_number_float());
    CHECK(big.get<double>() == 9223372036854775808.0);
    CHECK(scalar("-99999999999999999999").get<double>() == -1e20);
    api::SourceError e = error_of("a: 1\nv: 0xFFFFFFFFFFFFFFFFFF\n");
    CHECK(e.line == 2);
    CHECK(with_line(e) == "line 2: integer 0xFFFFFFFFFFFFFFFFFF is out of range");
  }
  SECTION("float") {
    CHECK(scalar("1.5") == 1.5);
    CHECK(scalar("1.5").is_number_float());
    CHECK(scalar("1e3") == 1000.0);
    CHECK(scalar("1e3").is_number_float());
    CHECK(scalar("-2.5E-1") == -0.25);
    CHECK(scalar(".5") == 0.5);
    CHECK(scalar("-.5") == -0.5);
    CHECK(scalar("1.") == 1.0);
    CHECK(scalar("1_000.5") == 1000.5);
    CHECK(scalar("08") == 8.0);  // not octal, so go-yaml's float pattern takes it
    CHECK(scalar("08").is_number_float());
    CHECK(scalar("1e-400") == 0.0);
  }
  SECTION("strings") {
    for (const char* s : {"1.2.3", "3.1.4-rc", "perl", "perl:5.34.0", "0x", "1e", "+", ".", "12:30",
                          "2001-12-14", "1e400", "0x1p3", ".e3", "_1", "<<"}) {
      INFO(s);
      CHECK(scalar(s) == json(s));
    }
    CHECK(scalar("1__") == 1);  // go-yaml drops every '_' before parsing a number
  }
  SECTION(".inf and .nan are not JSON") {
    for (const char* s : {".inf", "-.Inf", "+.INF", ".nan", ".NaN"}) {
      api::SourceError e = error_of(std::string("a: 1\nv: ") + s + "\n");
      CHECK(e.line == 2);
      CHECK_THAT(with_line(e),
                 Catch::Matches("line 2: -?\\.(inf|nan) cannot be represented in JSON"));
    }
  }
}

TEST_CASE("quoted and tagged scalars", "[unit]") {
  CHECK(scalar("\"123\"") == "123");
  CHECK(scalar("'123'") == "123");
  CHECK(scalar("'yes'") == "yes");
  CHECK(scalar("\"\"") == "");
  CHECK(scalar("\"null\"") == "null");
  CHECK(scalar("!!str 123") == "123");
  CHECK(scalar("!!str yes") == "yes");
  CHECK(scalar("!!str") == "");
  CHECK(scalar("! 12") == "12");
  CHECK(scalar("!custom 12") == "12");
  CHECK(scalar("!!int \"12\"") == 12);
  CHECK(scalar("!!int 0x10") == 16);
  CHECK(scalar("!!float 1") == 1.0);
  CHECK(scalar("!!float 1").is_number_float());
  CHECK(scalar("!!bool \"on\"") == true);
  CHECK(scalar("!!null ~").is_null());
  CHECK(scalar("!!null").is_null());
  CHECK(scalar("!!timestamp 2001-12-14") == "2001-12-14");
  CHECK(scalar("!!binary aGVsbG8=") == "hello");
  CHECK(scalar("|\n  line one\n  line two\n") == "line one\nline two\n");
  CHECK(scalar(">-\n  folded\n  text\n") == "folded text");
  CHECK(scalar("\"tab\\there \\u00e9\"") == "tab\there \xC3\xA9");

  CHECK(with_line(error_of("v: !!int abc\n")) == "line 1: cannot decode !!str `abc` as a !!int");
  CHECK(with_line(error_of("v: !!int 1.5\n")) == "line 1: cannot decode !!float `1.5` as a !!int");
  CHECK(with_line(error_of("v: !!bool 1\n")) == "line 1: cannot decode !!int `1` as a !!bool");
  CHECK(with_line(error_of("v: !!null x\n")) == "line 1: cannot decode !!str `x` as a !!null");
  CHECK(with_line(error_of("v: !!binary '!!'\n")) ==
        "line 1: !!binary value contains invalid base64 data");
}

TEST_CASE("map keys become strings", "[unit]") {
  // The famous one: GitHub-Actions-style "on:" is the boolean true, so the key is "true".
  CHECK(one("on: push\n") == json{{"true", "push"}});
  CHECK(one("\"on\": push\n") == json{{"on", "push"}});
  CHECK(one("1: a\n0x10: b\n~: c\n1.5: d\n1e6: e\n-0.0: f\n").dump() ==
        R"({"-0":"f","1":"a","1.5":"d","16":"b","1e+06":"e","null":"c"})");
  CHECK(one("!!str 1: a\n").dump() == R"({"1":"a"})");
  CHECK(one(".inf: a\n") == json{{".inf", "a"}});
  CHECK(one("y: 1\nn: 2\n") == json{{"true", 1}, {"false", 2}});  // YAML 1.1 bools, as keys too

  api::SourceError seq_key = error_of("a: 1\n? [1, 2]\n: x\n");
  CHECK(seq_key.line == 2);
  CHECK(with_line(seq_key) == "line 2: a mapping key must be a scalar");
  CHECK(with_line(error_of("{a: 1}: x\n")) == "line 1: a mapping key must be a scalar");
  CHECK(with_line(error_of("a: &a [1]\n*a : x\n")) == "line 2: a mapping key must be a scalar");
  CHECK(error_of("[[1]").message == "yaml: end of sequence flow not found");
  CHECK(with_line(error_of("? &k [1]\n: a\nb: *k\n")) == "line 1: a mapping key must be a scalar");
  CHECK(one("&k key: v\nother: *k\n") == json{{"key", "v"}, {"other", "key"}});
}

TEST_CASE("duplicate keys are errors", "[unit]") {
  api::SourceError e =
      error_of("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a\n  name: b\n");
  CHECK(e.line == 5);
  CHECK(with_line(e) == "line 5: mapping key \"name\" already defined at line 4");

  // Keys that only become equal as JSON keys collide too.
  CHECK(with_line(error_of("1: a\n\"1\": b\n")) ==
        "line 2: mapping key \"1\" already defined at line 1");
  CHECK(with_line(error_of("on: a\ntrue: b\n")) ==
        "line 2: mapping key \"true\" already defined at line 1");
  CHECK(with_line(error_of("{\"a\": 1,\n \"a\": 2}")) ==
        "line 2: mapping key \"a\" already defined at line 1");
  // The same key in different mappings is fine.
  CHECK(one("a: {x: 1}\nb: {x: 2}\n") == json{{"a", {{"x", 1}}}, {"b", {{"x", 2}}}});
}

TEST_CASE("anchors, aliases and merge keys", "[unit]") {
  YamlParseResult r = parse_yaml_documents(
      "env: &env\n"
      "  - name: A\n"
      "    value: \"1\"\n"
      "copy: *env\n"
      "scalar: &s hello\n"
      "again: *s\n"
      "base: &base {cpu: 1, memory: 2Gi}\n"
      "limits:\n"
      "  <<: *base\n"
      "  cpu: 2\n");
  REQUIRE_FALSE(r.error.has_value());
  REQUIRE(r.documents.size() == 1);
  const json& v = r.documents[0].value;
  CHECK(v["copy"] == v["env"]);
  CHECK(v["again"] == "hello");
  CHECK(v["limits"] == json{{"cpu", 2}, {"memory", "2Gi"}});
  const api::LineIndex& l = r.documents[0].lines;
  CHECK(l.find("copy") == 4);
  CHECK(l.find("env[0].value") == 3);
  CHECK_FALSE(l.find("copy[0].value").has_value());
  CHECK(l.line_of("copy[0].value") == 4);  // inside an alias: the alias's line
  CHECK(l.find("limits.cpu") == 10);
  CHECK(l.find("limits.memory") == 9);  // merged: the line of "<<"
  CHECK_FALSE(l.find("limits[<<]").has_value());

  CHECK(one("a: &a {x: 1, w: 1}\nb: &b {w: 2, z: 2}\nc:\n  <<: [*a, *b]\n")["c"] ==
        json{{"x", 1}, {"w", 1}, {"z", 2}});
  CHECK(one("c:\n  <<: {x: 1}\n  \"<<\": 2\n")["c"] == json{{"x", 1}, {"<<", 2}});
  CHECK(with_line(error_of("a: &a 1\nb:\n  <<: *a\n")) ==
        "line 3: map merge requires map or sequence of maps as the value");
  CHECK(with_line(error_of("a: &a [1, *a]\n")) == "line 1: anchor value contains itself");
  CHECK(error_of("a: &a 1\n---\nb: *a\n").line == 3);  // anchors are per document
}

TEST_CASE("sequence item lines, including empty items", "[unit]") {
  YamlParseResult r = parse_yaml_documents(
      "items:\n"          // 1
      "- a\n"             // 2
      "-\n"               // 3
      "  # comment\n"     // 4
      "\n"                // 5
      "- ~\n"             // 6
      "-   # trailing\n"  // 7
      "- - x\n"           // 8
      "  -\n"             // 9
      "- {k: v}\n"        // 10
      "-\n");             // 11
  REQUIRE_FALSE(r.error.has_value());
  const json& v = r.documents[0].value;
  CHECK(v["items"] == json::parse(R"(["a", null, null, null, ["x", null], {"k": "v"}, null])"));
  const api::LineIndex& l = r.documents[0].lines;
  CHECK(l.find("items[0]") == 2);
  CHECK(l.find("items[1]") == 3);
  CHECK(l.find("items[2]") == 6);
  CHECK(l.find("items[3]") == 7);
  CHECK(l.find("items[4]") == 8);
  CHECK(l.find("items[4][0]") == 8);
  CHECK(l.find("items[4][1]") == 9);
  CHECK(l.find("items[5]") == 10);
  CHECK(l.find("items[5].k") == 10);
  CHECK(l.find("items[6]") == 11);
}

TEST_CASE("odd keys are bracketed in recorded paths", "[unit]") {
  YamlParseResult r = parse_yaml_documents(
      "metadata:\n"
      "  labels:\n"
      "    batch.kubernetes.io/job-name: pi\n"
      "    app: x\n");
  REQUIRE_FALSE(r.error.has_value());
  const api::LineIndex& l = r.documents[0].lines;
  CHECK(l.find("metadata.labels[batch.kubernetes.io/job-name]") == 3);
  CHECK(l.find("metadata.labels.app") == 4);
  CHECK(l.find("metadata.labels[app]") == 4);
}

TEST_CASE("parse errors carry the line", "[unit]") {
  api::SourceError e = error_of("a: 1\nb: [1, 2\nc: 3\n");
  CHECK(e.line == 3);
  CHECK(e.message == "yaml: end of sequence flow not found");

  api::SourceError indent = error_of("a: 1\n b: 2\n");
  CHECK(indent.line == 2);
  CHECK(indent.message.rfind("yaml: ", 0) == 0);

  CHECK(error_of("a: &x 1\nb: *y\n").line == 2);

  // yaml-cpp alone would accept these and swallow the rest of the text.
  api::SourceError open_quote = error_of("a: 1\nb: \"unterminated\nc: 3\n");
  CHECK(open_quote.line == 2);
  CHECK(open_quote.message == "yaml: found unexpected end of stream in a quoted scalar");
  CHECK(error_of("a: 'it''s\n").line == 1);
  CHECK(one("a: 'it''s'\nb: \"q\\\"\"\n") == json{{"a", "it's"}, {"b", "q\""}});
}

TEST_CASE("strings are valid UTF-8", "[unit]") {
  CHECK(with_line(error_of("a: 1\nb: \"\xff\xfe\"\n")) == "line 2: the scalar is not valid UTF-8");
  CHECK(error_of("\xc0\xaf: x\n").line == 1);
  CHECK(one("\xEF\xBB\xBF"
            "a: \xC3\xA9\n") == json{{"a", "\xC3\xA9"}});
}

TEST_CASE("manifest limits", "[unit]") {
  SECTION("size") {
    std::string big(base::limits::kMaxManifestBytes + 1, '#');
    api::SourceError e = error_of(big);
    CHECK(e.line == 0);
    CHECK(e.message == "the manifest is 3145729 bytes, over the limit of 3145728");
    std::string at_limit(base::limits::kMaxManifestBytes, '#');
    CHECK_FALSE(parse_yaml_documents(at_limit).error.has_value());
  }
  SECTION("depth") {
    const int limit = base::limits::kMaxManifestDepth;
    std::string ok = std::string(static_cast<std::size_t>(limit), '[') +
                     std::string(static_cast<std::size_t>(limit), ']');
    CHECK_FALSE(parse_yaml_documents(ok).error.has_value());

    for (const std::string& flow :
         {std::string(100000, '['), std::string(100000, '[') + std::string(100000, ']')}) {
      api::SourceError e = error_of(flow);
      CHECK(e.line == 1);
      CHECK(with_line(e) == "line 1: nesting deeper than 100 levels");
    }

    std::string block;
    for (int i = 0; i <= limit; ++i) {
      block += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
    }
    block += std::string(static_cast<std::size_t>(limit + 1) * 2, ' ') + "k: 1\n";
    api::SourceError b = error_of(block);
    CHECK(b.line == limit + 1);
    CHECK(with_line(b) == "line 101: nesting deeper than 100 levels");

    // An alias cannot smuggle depth past the limit either.
    std::string nested = "a: &a " + std::string(60, '[') + std::string(60, ']') +
                         "\nb: " + std::string(50, '[') + "*a" + std::string(50, ']') + "\n";
    CHECK(with_line(error_of(nested)) == "line 2: nesting deeper than 100 levels");
  }
  SECTION("billion laughs fails fast") {
    std::string bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
      const char p = static_cast<char>(c - 1);
      bomb += std::string(1, c) + ": &" + c + " [";
      for (int i = 0; i < 9; ++i) bomb += std::string(i ? ",*" : "*") + p;
      bomb += "]\n";
    }
    const auto start = std::chrono::steady_clock::now();
    api::SourceError e = error_of(bomb);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(e.message.find("too many nodes (alias expansion?)") != std::string::npos);
    CHECK(e.line >= 6);
    CHECK(elapsed < std::chrono::seconds(5));
  }
  SECTION("nested anchors count their kept copies") {
    // 90 nested anchored sequences around 20000 items: 20090 values, but 1.8M kept copies.
    std::string items;
    for (int i = 0; i < 20000; ++i) items += i ? ",1" : "1";
    std::string text;
    for (int i = 0; i < 90; ++i) text += "&a" + std::to_string(i) + " [";
    text += items + std::string(90, ']') + "\n";
    CHECK(error_of(text).message.find("too many nodes") != std::string::npos);
  }
  SECTION("wide alias expansion") {
    // 1100 aliases of a 1001-node list: 1.1M values, refused at the alias that crosses 1M.
    std::string text = "a: &a [";
    for (int i = 0; i < 1000; ++i) text += i ? ",1" : "1";
    text += "]\nb:\n";
    for (int i = 0; i < 1100; ++i) text += "- *a\n";
    api::SourceError e = error_of(text);
    CHECK(e.line > 0);
    CHECK(e.message == "too many nodes (alias expansion?)");
    CHECK(e.line > 900);
    CHECK(e.line < 1100);
  }
}
