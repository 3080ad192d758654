// The kubelet's status merge (agent/pod_writes.hpp merge_kubelet_status).
#include "agent/pod_writes.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using nlohmann::ordered_json;

TEST_CASE("a status write keeps the conditions the kubelet does not own", "[unit]") {
  const ordered_json stored = ordered_json::parse(R"({"phase":"Running","conditions":[
      {"type":"PodScheduled","status":"True"},
      {"type":"Ready","status":"True"},
      {"type":"DisruptionTarget","status":"True","reason":"EvictionByEvictionAPI"},
      {"type":"example.com/Custom","status":"False"}]})");
  const ordered_json reported = ordered_json::parse(R"({"phase":"Failed","conditions":[
      {"type":"PodScheduled","status":"True","reason":"stale copy"},
      {"type":"Initialized","status":"True"},
      {"type":"Ready","status":"False","reason":"PodFailed"}]})");
  const ordered_json merged = agent::merge_kubelet_status(stored, reported);
  CHECK(merged["phase"] == "Failed");
  CHECK(merged["conditions"] == ordered_json::parse(R"([
      {"type":"PodScheduled","status":"True"},
      {"type":"DisruptionTarget","status":"True","reason":"EvictionByEvictionAPI"},
      {"type":"example.com/Custom","status":"False"},
      {"type":"Initialized","status":"True"},
      {"type":"Ready","status":"False","reason":"PodFailed"}])"));
  CHECK_FALSE(agent::merge_kubelet_status(ordered_json::object(),
                                          ordered_json::parse(R"({"phase":"Pending"})"))
                  .contains("conditions"));
}

TEST_CASE("the kubelet's own DisruptionTarget is written once the pod is terminal", "[unit]") {
  const ordered_json stored = ordered_json::parse(
      R"({"phase":"Running","conditions":[{"type":"DisruptionTarget","status":"True","reason":"EvictionByEvictionAPI"}]})");
  const ordered_json shutdown = ordered_json::parse(
      R"({"type":"DisruptionTarget","status":"True","reason":"TerminationByKubelet"})");
  ordered_json running = ordered_json::parse(R"({"phase":"Running","conditions":[]})");
  running["conditions"].push_back(shutdown);
  CHECK(agent::merge_kubelet_status(stored, running)["conditions"] == stored["conditions"]);
  ordered_json failed = running;
  failed["phase"] = "Failed";
  CHECK(agent::merge_kubelet_status(stored, failed)["conditions"] ==
        ordered_json::array({shutdown}));
}
