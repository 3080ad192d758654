// Field selector strings, as upstream's fields.ParseSelector and field label conversions.
#include "api/field_query.hpp"

#include <catch2/catch.hpp>

TEST_CASE("field selectors parse terms with escapes and match field values", "[unit]") {
  auto result = api::parse_field_query(
      "involvedObject.name=pi,involvedObject.namespace==default,involvedObject.kind!=Pod");
  REQUIRE(result.error.empty());
  REQUIRE(result.query.requirements.size() == 3);
  CHECK(result.query.requirements[2].negated);
  CHECK(*result.query.required_value("involvedObject.name") == "pi");
  CHECK(result.query.required_value("involvedObject.kind") == nullptr);
  CHECK(result.query.matches({{"involvedObject.name", "pi"},
                              {"involvedObject.namespace", "default"},
                              {"involvedObject.kind", "Job"}}));
  CHECK_FALSE(result.query.matches({{"involvedObject.name", "pi"},
                                    {"involvedObject.namespace", "default"},
                                    {"involvedObject.kind", "Pod"}}));

  auto escaped = api::parse_field_query(R"(metadata.name=a\,b\=c)");
  REQUIRE(escaped.error.empty());
  CHECK(escaped.query.requirements[0].value == "a,b=c");
  CHECK(api::parse_field_query("").query.empty());
  auto empty_value = api::parse_field_query("spec.nodeName=");
  REQUIRE(empty_value.error.empty());
  CHECK(empty_value.query.matches({}));  // absent fields are ""
}

TEST_CASE("bad field selectors and unsupported fields get upstream's messages", "[unit]") {
  CHECK(api::parse_field_query("metadata.name").error ==
        "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  CHECK(api::parse_field_query("a=b,c").error == "invalid selector: 'a=b,c'; can't understand 'c'");
  CHECK(api::parse_field_query("a=b=c").error ==
        "invalid selector: 'a=b=c'; can't understand 'a=b=c'");
  auto query = api::parse_field_query("metadata.name=pi,spec.foo=x");
  REQUIRE(query.error.empty());
  CHECK(api::supported_field_error("jobs", query.query) == "field label not supported: spec.foo");
  CHECK(api::supported_field_error("pods", api::parse_field_query("status.phase=Running").query)
            .empty());
  CHECK(api::supported_field_error("jobs", api::parse_field_query("status.phase=x").query) ==
        "field label not supported: status.phase");
}
