// tests/api/core_tables_test.cpp: the Event and Namespace Tables (api/core_tables.hpp) against
// what upstream's printers print for the same objects.
#include "api/core_tables.hpp"

#include <catch2/catch.hpp>

#include "api/rfc3339.hpp"

namespace {
using nlohmann::json;
using nlohmann::ordered_json;
}  // namespace

TEST_CASE("an event row has the ten columns of kubectl get events -o wide", "[unit]") {
  const auto now = *api::parse_time("2026-01-01T00:10:00Z");
  const ordered_json event = ordered_json::parse(R"({
    "metadata":{"name":"pi.1","namespace":"default"},
    "involvedObject":{"kind":"Job","name":"pi","namespace":"default"},
    "reason":"SuccessfulCreate","message":"Created pod: pi-abc  ","type":"Normal",
    "source":{"component":"job-controller","host":"node"},
    "firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:05:00Z","count":3})");
  const json table = api::event_table({&event}, now);
  REQUIRE(table["columnDefinitions"].size() == 10);
  CHECK(table["rows"][0]["cells"] ==
        json::array({"5m", "Normal", "SuccessfulCreate", "job/pi", "", "job-controller, node",
                     "Created pod: pi-abc", "10m", 3, "pi.1"}));
  CHECK(table["rows"][0]["object"]["metadata"]["name"] == "pi.1");
}

TEST_CASE("an event without counts or times prints as upstream's zero values", "[unit]") {
  const ordered_json event =
      ordered_json::parse(R"({"metadata":{"name":"e"},"involvedObject":{"kind":"Pod"}})");
  const json table = api::event_table({&event}, *api::parse_time("2026-01-01T00:00:00Z"));
  CHECK(table["rows"][0]["cells"][0] == "<unknown>");
  CHECK(table["rows"][0]["cells"][3] == "pod");
  CHECK(table["rows"][0]["cells"][8] == 1);
}

TEST_CASE("a namespace row is NAME STATUS AGE", "[unit]") {
  const ordered_json ns = ordered_json::parse(
      R"({"metadata":{"name":"team-a","creationTimestamp":"2026-01-01T00:00:00Z"},"status":{"phase":"Active"}})");
  const json table = api::namespace_table({&ns}, *api::parse_time("2026-01-01T02:00:00Z"));
  CHECK(table["rows"][0]["cells"] == json::array({"team-a", "Active", "120m"}));
}
