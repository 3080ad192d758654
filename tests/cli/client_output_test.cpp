// tests/cli/client_output_test.cpp: the client's printers against kubectl's — tabwriter
// alignment, Table columns, describe layout — on fixed inputs.
#include <catch2/catch.hpp>

#include "api/rfc3339.hpp"
#include "cli/client_command.hpp"
#include "cli/describe_command.hpp"
#include "cli/table_printer.hpp"

using nlohmann::json;

namespace {

json job_table() {
  return json::parse(R"({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {},
    "columnDefinitions": [
      {"name": "Name", "type": "string", "priority": 0},
      {"name": "Status", "type": "string", "priority": 0},
      {"name": "Containers", "type": "string", "priority": 1},
      {"name": "Age", "type": "string", "priority": 0}],
    "rows": [
      {"cells": ["pi", "Complete", "main", "5s"],
       "object": {"metadata": {"name": "pi", "namespace": "default",
                               "labels": {"b": "2", "a": "1"}}}},
      {"cells": ["a-much-longer-name", "Running", "main,side", "10m"],
       "object": {"metadata": {"name": "a-much-longer-name", "namespace": "user-x"}}}]})");
}

}  // namespace

TEST_CASE("tables: kubectl's tabwriter widths, minimum 6, last column unpadded", "[unit]") {
  CHECK(cli::print_table(job_table(), {}) ==
        "NAME                 STATUS     AGE\n"
        "pi                   Complete   5s\n"
        "a-much-longer-name   Running    10m\n");
  CHECK(cli::align_cells({{"a", "b"}, {"cc", "d"}}) == "a     b\ncc    d\n");
}

TEST_CASE("tables: wide columns, namespaces, labels, no headers", "[unit]") {
  CHECK(cli::print_table(
            job_table(),
            {.wide = true, .with_namespace = true, .show_labels = true, .headers = false}) ==
        "default   pi                   Complete   main        5s    a=1,b=2\n"
        "user-x    a-much-longer-name   Running    main,side   10m   <none>\n");
  json empty = job_table();
  empty["rows"] = json::array();
  CHECK(cli::print_table(empty, {}).empty());
}

TEST_CASE("tabwriter: column blocks end where a line has fewer cells", "[unit]") {
  // As in kubectl describe: "Events:" alone breaks the block above the events table.
  CHECK(cli::align_cells({{"Name:", "pi"},
                          {"Completion Mode:", "NonIndexed"},
                          {"Events:"},
                          {"  Type", "Reason"},
                          {"  Normal", "Completed"}},
                         cli::kDescribeTabs) ==
        "Name:             pi\n"
        "Completion Mode:  NonIndexed\n"
        "Events:\n"
        "  Type    Reason\n"
        "  Normal  Completed\n");
}

TEST_CASE("describe job: kubectl's fields, template and events", "[unit]") {
  const json job = json::parse(R"({"metadata": {"name": "pi", "namespace": "default",
      "labels": {"job-name": "pi"}},
    "spec": {"parallelism": 2, "completions": 4, "completionMode": "Indexed", "suspend": false,
      "backoffLimit": 1, "selector": {"matchLabels": {"controller-uid": "u"}},
      "template": {"metadata": {"labels": {"job-name": "pi"}}, "spec": {"containers": [
        {"name": "main", "image": "batchlet.local/host", "command": ["true"]}]}}},
    "status": {"startTime": "2026-12-07T10:00:00Z", "completionTime": "2026-12-07T10:00:07Z",
      "succeeded": 4, "completedIndexes": "0-3"}})");
  const json events = json::parse(R"([{"type": "Normal", "reason": "Completed",
    "message": "Job completed", "count": 2, "source": {"component": "job-controller"},
    "firstTimestamp": "2026-12-07T10:00:00Z", "lastTimestamp": "2026-12-07T10:00:07Z"}])");
  const auto now = *api::parse_time("2026-12-07T10:01:07Z");
  CHECK(cli::describe_text(*cli::resolve_kind("job"), job, events, now) ==
        "Name:               pi\n"
        "Namespace:          default\n"
        "Selector:           controller-uid=u\n"
        "Labels:             job-name=pi\n"
        "Annotations:        <none>\n"
        "Parallelism:        2\n"
        "Completions:        4\n"
        "Completion Mode:    Indexed\n"
        "Suspend:            false\n"
        "Backoff Limit:      1\n"
        "Start Time:         Mon, 07 Dec 2026 10:00:00 +0000\n"
        "Completed At:       Mon, 07 Dec 2026 10:00:07 +0000\n"
        "Duration:           7s\n"
        "Pods Statuses:      0 Active (0 Ready) / 4 Succeeded / 0 Failed\n"
        "Completed Indexes:  0-3\n"
        "Pod Template:\n"
        "  Labels:  job-name=pi\n"
        "  Containers:\n"
        "   main:\n"
        "    Image:      batchlet.local/host\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Command:\n"
        "      true\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason     Age                From            Message\n"
        "  ----    ------     ----               ----            -------\n"
        "  Normal  Completed  60s (x2 over 67s)  job-controller  Job completed\n");
}

TEST_CASE("kinds and references take kubectl's names", "[unit]") {
  for (const char* name : {"job", "jobs", "jobs.batch", "job.batch"}) {
    REQUIRE(cli::resolve_kind(name));
    CHECK(cli::resolve_kind(name)->qualified == "job.batch");
  }
  CHECK(cli::resolve_kind("po")->resource == "pods");
  CHECK(cli::resolve_kind("ns")->namespaced == false);
  CHECK_FALSE(cli::resolve_kind("deployments"));
  std::string error;
  auto ref = cli::parse_object_ref("job/pi", "pod", error);
  REQUIRE(ref);
  CHECK(ref->kind.resource == "jobs");
  CHECK(ref->name == "pi");
  CHECK(cli::parse_object_ref("pi-abc", "pod", error)->kind.resource == "pods");
  CHECK_FALSE(cli::parse_object_ref("widget/x", "pod", error));
  CHECK(error == "the server doesn't have a resource type \"widget\"");
}

TEST_CASE("the bash completion script defines the completion function", "[unit]") {
  const auto script = cli::bash_completion();
  CHECK(script.find("complete -F _batchlet batchlet") != std::string::npos);
  CHECK(script.find("get describe logs wait apply create delete") != std::string::npos);
}
