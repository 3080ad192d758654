// tests/api/patch_test.cpp: the PATCH body types (api/patch.hpp), strategic merge patch
// directives in particular, on documents shaped like the ones kubectl sends.
#include "api/patch.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

json smp(const char* object, const char* patch) {
  auto out = api::apply_strategic_merge_patch(json::parse(object), json::parse(patch));
  REQUIRE(out.ok());
  return *out;
}

}  // namespace

TEST_CASE("patch types come from the Content-Type", "[unit]") {
  CHECK(api::patch_type("application/strategic-merge-patch+json") ==
        api::PatchType::strategic_merge_patch);
  CHECK(api::patch_type("application/merge-patch+json; charset=utf-8") ==
        api::PatchType::merge_patch);
  CHECK(api::patch_type("application/json-patch+json") == api::PatchType::json_patch);
  CHECK(api::patch_type("application/apply-patch+yaml") == api::PatchType::apply_patch);
  CHECK_FALSE(api::patch_type("application/json").has_value());
}

TEST_CASE("strategic merge patch merges lists by their merge key", "[unit]") {
  const json out = smp(
      R"({"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"}]},{"name":"b","image":"y"}]}})",
      R"({"spec":{"containers":[{"name":"a","env":[{"name":"B","value":"2"}]},{"name":"c","image":"z"}]}})");
  const json& containers = out["spec"]["containers"];
  REQUIRE(containers.size() == 3);
  CHECK(containers[0]["image"] == "x");
  CHECK(containers[0]["env"].size() == 2);
  CHECK(containers[1]["name"] == "b");
  CHECK(containers[2]["name"] == "c");
}

TEST_CASE("strategic merge patch replaces lists without a merge key and deletes with null",
          "[unit]") {
  const json out = smp(R"({"spec":{"command":["a","b"],"suspend":true,"x":1}})",
                       R"({"spec":{"command":["c"],"suspend":null}})");
  CHECK(out["spec"]["command"] == json::array({"c"}));
  CHECK_FALSE(out["spec"].contains("suspend"));
  CHECK(out["spec"]["x"] == 1);
}

TEST_CASE("strategic merge patch directives", "[unit]") {
  SECTION("$patch: delete removes a list element") {
    const json out = smp(R"({"env":[{"name":"A"},{"name":"B"}]})",
                         R"({"env":[{"name":"A","$patch":"delete"}]})");
    CHECK(out["env"] == json::parse(R"([{"name":"B"}])"));
  }
  SECTION("$patch: replace replaces a map") {
    const json out = smp(R"({"metadata":{"labels":{"a":"1","b":"2"}}})",
                         R"({"metadata":{"labels":{"c":"3","$patch":"replace"}}})");
    CHECK(out["metadata"]["labels"] == json::parse(R"({"c":"3"})"));
  }
  SECTION("$setElementOrder orders a merged list, and is not stored") {
    const json out = smp(
        R"({"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]})",
        R"({"$setElementOrder/env":[{"name":"B"},{"name":"A"}],"env":[{"name":"A","value":"3"}]})");
    CHECK(out == json::parse(R"({"env":[{"name":"B","value":"2"},{"name":"A","value":"3"}]})"));
  }
  SECTION("finalizers merge as a set; $deleteFromPrimitiveList removes") {
    const json out =
        smp(R"({"metadata":{"finalizers":["a","b"]}})",
            R"({"metadata":{"finalizers":["b","c"],"$deleteFromPrimitiveList/finalizers":["a"]}})");
    CHECK(out["metadata"]["finalizers"] == json::array({"b", "c"}));
  }
  SECTION("a list element without its merge key is an error") {
    auto out = api::apply_strategic_merge_patch(json::parse(R"({"env":[]})"),
                                                json::parse(R"({"env":[{"value":"x"}]})"));
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().message().find("does not contain declared merge key: name") !=
          std::string::npos);
  }
}

TEST_CASE("json patch and merge patch follow their RFCs", "[unit]") {
  auto patched = api::apply_json_patch(
      json::parse(R"({"spec":{"suspend":false}})"),
      json::parse(
          R"([{"op":"test","path":"/spec/suspend","value":false},{"op":"replace","path":"/spec/suspend","value":true}])"));
  REQUIRE(patched.ok());
  CHECK((*patched)["spec"]["suspend"] == true);
  CHECK_FALSE(api::apply_json_patch(json::parse("{}"), json::parse(R"({"op":"add"})")).ok());
  auto merged = api::apply_merge_patch(json::parse(R"({"a":{"b":1,"c":2}})"),
                                       json::parse(R"({"a":{"b":null,"d":3}})"));
  REQUIRE(merged.ok());
  CHECK(*merged == json::parse(R"({"a":{"c":2,"d":3}})"));
}
