// tests/api/job_table_test.cpp: `kubectl get jobs` rows and the meta.k8s.io/v1 Table of
// api/job_table.hpp, on the reference snapshots of spec §10 and the corner cases of printJob.
#include "api/job_table.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/pod_encode.hpp"

using namespace std::chrono_literals;
using Row = std::vector<std::string>;

namespace {

const base::TimePoint kNow = base::FakeClock().now();

api::JobCondition condition(std::string_view type, std::string_view status = "True",
                            std::string_view reason = "") {
  api::JobCondition c;
  c.type = type;
  c.status = status;
  c.reason = reason;
  c.last_probe_time = kNow;
  c.last_transition_time = kNow;
  return c;
}

// A job named `name` created 2 minutes before kNow, one container, defaulted selector.
api::Job job(std::string name, std::optional<std::int32_t> completions,
             std::optional<std::int32_t> parallelism) {
  api::Job j;
  j.metadata.name = std::move(name);
  j.metadata.namespace_ = "default";
  j.metadata.uid = "0b7e4a3c-6d2f-4f4e-9a51-3c1d2e5f6a7b";
  j.metadata.creation_timestamp = kNow - 2min;
  j.spec.completions = completions;
  j.spec.parallelism = parallelism;
  j.spec.selector =
      api::LabelSelector{{{std::string(api::kControllerUidLabel), j.metadata.uid}}, {}};
  api::Container c;
  c.name = "main";
  c.image = "busybox:1.36";
  j.spec.template_.spec.containers.push_back(c);
  return j;
}

// The five columns kubectl shows without -o wide.
Row narrow(const api::Job& j, base::TimePoint now = kNow) {
  Row cells = api::job_row(j, now);
  cells.resize(5);
  return cells;
}

}  // namespace

TEST_CASE("completed NonIndexed job, P=2 C=4 (spec §10)", "[unit]") {
  api::Job j = job("done", 4, 2);
  j.status.start_time = kNow - 100s;
  j.status.completion_time = kNow - 75s;
  j.status.succeeded = 4;
  j.status.conditions = {condition(api::kConditionSuccessCriteriaMet, "True", "CompletionsReached"),
                         condition(api::kConditionComplete, "True", "CompletionsReached")};
  CHECK(narrow(j) == Row{"done", "Complete", "4/4", "25s", "2m"});
  // A finished job's duration is frozen at completionTime - startTime.
  CHECK(narrow(j, kNow + 3h) == Row{"done", "Complete", "4/4", "25s", "3h2m"});
}

TEST_CASE("failed by backoff: duration keeps growing without completionTime", "[unit]") {
  api::Job j = job("boom", 1, 1);
  j.status.start_time = kNow - 30s;
  j.status.failed = 2;
  j.status.conditions = {condition(api::kConditionFailureTarget, "True", "BackoffLimitExceeded"),
                         condition(api::kConditionFailed, "True", "BackoffLimitExceeded")};
  CHECK(narrow(j) == Row{"boom", "Failed", "0/1", "30s", "2m"});
  CHECK(narrow(j, kNow + 5min) == Row{"boom", "Failed", "0/1", "5m30s", "7m"});
  CHECK(narrow(j, kNow + 2h) == Row{"boom", "Failed", "0/1", "120m", "122m"});
}

TEST_CASE("suspended at creation: no startTime, empty duration", "[unit]") {
  api::Job j = job("held", 3, 1);
  j.status.conditions = {condition("Suspended", "True", "JobSuspended")};
  CHECK(narrow(j) == Row{"held", "Suspended", "0/3", "", "2m"});
  // Resumed: Suspended=False no longer counts.
  j.status.conditions[0].status = "False";
  CHECK(api::job_status(j) == "Running");
}

TEST_CASE("interim conditions: FailureTarget and SuccessCriteriaMet", "[unit]") {
  api::Job j = job("x", 1, 1);
  j.status.start_time = kNow - 5s;

  j.status.conditions = {condition(api::kConditionFailureTarget)};
  CHECK(narrow(j) == Row{"x", "FailureTarget", "0/1", "5s", "2m"});

  // Spec §8: only SuccessCriteriaMet shows Running (1.34+ upstream would print its name).
  j.status.succeeded = 1;
  j.status.conditions = {condition(api::kConditionSuccessCriteriaMet)};
  CHECK(narrow(j) == Row{"x", "Running", "1/1", "5s", "2m"});

  j.status.conditions = {condition(api::kConditionSuccessCriteriaMet, "False")};
  CHECK(api::job_status(j) == "Running");
}

TEST_CASE("no conditions: Running, and no startTime yet", "[unit]") {
  api::Job j = job("fresh", 1, 1);
  CHECK(narrow(j) == Row{"fresh", "Running", "0/1", "", "2m"});
  j.metadata.creation_timestamp.reset();
  CHECK(api::job_row(j, kNow)[4] == "<unknown>");
}

TEST_CASE("status precedence follows upstream printJob", "[unit]") {
  api::Job j = job("p", 1, 1);
  j.status.conditions = {condition("Suspended"), condition(api::kConditionFailureTarget),
                         condition(api::kConditionSuccessCriteriaMet)};
  CHECK(api::job_status(j) == "Suspended");
  j.metadata.deletion_timestamp = kNow;
  CHECK(api::job_status(j) == "Terminating");

  j.status.conditions.push_back(condition(api::kConditionFailed));
  CHECK(api::job_status(j) == "Failed");
  j.status.conditions.push_back(condition(api::kConditionComplete));
  CHECK(api::job_status(j) == "Complete");

  api::Job gone = job("gone", 1, 1);
  gone.metadata.deletion_timestamp = kNow;
  CHECK(narrow(gone) == Row{"gone", "Terminating", "0/1", "", "2m"});
}

TEST_CASE("only the first condition of a type counts, as in upstream's hasJobCondition", "[unit]") {
  api::Job j = job("dup", 1, 1);
  j.status.conditions = {condition(api::kConditionComplete, "False"),
                         condition(api::kConditionComplete, "True")};
  CHECK(api::job_status(j) == "Running");
}

TEST_CASE("COMPLETIONS of work-queue jobs (completions unset)", "[unit]") {
  CHECK(narrow(job("q", std::nullopt, 3))[2] == "0/1 of 3");
  CHECK(narrow(job("q", std::nullopt, 2))[2] == "0/1 of 2");
  CHECK(narrow(job("q", std::nullopt, 1))[2] == "0/1");
  CHECK(narrow(job("q", std::nullopt, 0))[2] == "0/1");
  CHECK(narrow(job("q", std::nullopt, std::nullopt))[2] == "0/1");
  api::Job j = job("q", std::nullopt, 5);
  j.status.succeeded = 1;
  CHECK(narrow(j)[2] == "1/1 of 5");
  // With completions set, parallelism plays no part.
  api::Job c = job("c", 5, 3);
  c.status.succeeded = 3;
  CHECK(narrow(c)[2] == "3/5");
  CHECK(narrow(job("z", 0, 1))[2] == "0/0");
}

TEST_CASE("wide columns: containers, images, selector", "[unit]") {
  api::Job j = job("wide", 1, 1);
  api::Container sidecar;
  sidecar.name = "log";
  sidecar.image = "fluent-bit:3";
  j.spec.template_.spec.containers.push_back(sidecar);
  j.spec.selector->match_labels["app"] = "pi";
  const Row row = api::job_row(j, kNow);
  REQUIRE(row.size() == 8);
  CHECK(row[5] == "main,log");
  CHECK(row[6] == "busybox:1.36,fluent-bit:3");
  CHECK(row[7] == "app=pi,batch.kubernetes.io/controller-uid=0b7e4a3c-6d2f-4f4e-9a51-3c1d2e5f6a7b");

  j.spec.template_.spec.containers.clear();
  CHECK(api::job_row(j, kNow)[5].empty());
  CHECK(api::job_row(j, kNow)[6].empty());
}

TEST_CASE("format_label_selector", "[unit]") {
  CHECK(api::format_label_selector(std::nullopt) == "<none>");
  CHECK(api::format_label_selector(api::LabelSelector{}) == "<none>");
  CHECK(api::format_label_selector(api::LabelSelector{{{"b", "2"}, {"a", "1"}, {"B", "0"}}, {}}) ==
        "B=0,a=1,b=2");
  CHECK(api::format_label_selector(api::LabelSelector{{{"empty", ""}}, {}}) == "empty=");
  const api::LabelSelector expressions{{{"tier", "db"}},
                                       {{"env", "In", {"prod", "dev"}},
                                        {"zone", "NotIn", {"a"}},
                                        {"gpu", "Exists", {}},
                                        {"legacy", "DoesNotExist", {}}}};
  CHECK(api::format_label_selector(expressions) ==
        "env in (dev,prod),gpu,!legacy,tier=db,zone notin (a)");
  CHECK(api::format_label_selector(api::LabelSelector{{}, {{"env", "Near", {"x"}}}}) == "<error>");
}

TEST_CASE("job_columns match upstream jobColumnDefinitions", "[unit]") {
  const auto& columns = api::job_columns();
  REQUIRE(columns.size() == 8);
  const std::vector<std::string> names = {"Name", "Status",     "Completions", "Duration",
                                          "Age",  "Containers", "Images",      "Selector"};
  for (std::size_t i = 0; i < columns.size(); ++i) {
    INFO(columns[i].name);
    CHECK(columns[i].name == names[i]);
    CHECK(columns[i].type == "string");
    CHECK(columns[i].format == (i == 0 ? "name" : ""));
    CHECK(columns[i].priority == (i >= 5 ? 1 : 0));
    CHECK_FALSE(columns[i].description.empty());
  }
  CHECK(columns[0].description.rfind("Name must be unique within a namespace.", 0) == 0);
  CHECK(columns[1].description == "Status of the job.");
  CHECK(columns[2].description.rfind("The number of pods which reached phase Succeeded.", 0) == 0);
  CHECK(columns[3].description == "Time required to complete the job.");
  CHECK(columns[4].description.find("in UTC.\n\nPopulated by the system. Read-only. Null for "
                                    "lists.") != std::string::npos);
  CHECK(columns[5].description == "Names of each container in the template.");
  CHECK(columns[6].description == "Images referenced by each container in the template.");
  CHECK(columns[7].description.rfind("A label query over pods that should match the pod count.",
                                     0) == 0);
}

TEST_CASE("job_table is a meta.k8s.io/v1 Table with PartialObjectMetadata rows", "[unit]") {
  api::Job done = job("done", 4, 2);
  done.metadata.labels["team"] = "batch";
  done.status.start_time = kNow - 100s;
  done.status.completion_time = kNow - 75s;
  done.status.succeeded = 4;
  done.status.conditions = {condition(api::kConditionComplete)};
  api::Job other = job("queue", std::nullopt, 3);
  other.metadata.namespace_ = "ns2";

  const nlohmann::json table = api::job_table({&done, nullptr, &other}, kNow);
  CHECK(table["kind"] == "Table");
  CHECK(table["apiVersion"] == "meta.k8s.io/v1");
  CHECK(table["metadata"] == nlohmann::json::object());

  const auto& columns = table["columnDefinitions"];
  REQUIRE(columns.size() == 8);
  CHECK(columns[0] == nlohmann::json{{"name", "Name"},
                                     {"type", "string"},
                                     {"format", "name"},
                                     {"description", api::job_columns()[0].description},
                                     {"priority", 0}});
  CHECK(columns[3]["name"] == "Duration");
  CHECK(columns[3]["format"] == "");
  CHECK(columns[7]["name"] == "Selector");
  CHECK(columns[7]["priority"] == 1);
  CHECK(columns[7]["priority"].is_number_integer());

  const auto& rows = table["rows"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["cells"] ==
        nlohmann::json{"done", "Complete", "4/4", "25s", "2m", "main", "busybox:1.36",
                       "batch.kubernetes.io/controller-uid=0b7e4a3c-6d2f-4f4e-9a51-3c1d2e5f6a7b"});
  for (const auto& cell : rows[1]["cells"]) CHECK(cell.is_string());
  CHECK(rows[1]["cells"][1] == "Running");
  CHECK(rows[1]["cells"][2] == "0/1 of 3");
  CHECK(rows[1]["cells"][3] == "");

  const auto& object = rows[0]["object"];
  CHECK(object["kind"] == "PartialObjectMetadata");
  CHECK(object["apiVersion"] == "meta.k8s.io/v1");
  CHECK(object["metadata"]["name"] == "done");
  CHECK(object["metadata"]["namespace"] == "default");
  CHECK(object["metadata"]["uid"] == "0b7e4a3c-6d2f-4f4e-9a51-3c1d2e5f6a7b");
  CHECK(object["metadata"]["labels"] == nlohmann::json{{"team", "batch"}});
  CHECK_FALSE(object["metadata"].contains("annotations"));
  CHECK(rows[1]["object"]["metadata"]["namespace"] == "ns2");
  CHECK_FALSE(rows[1]["object"]["metadata"].contains("labels"));
  // The whole ObjectMeta, as upstream's asTable copies it: creationTimestamp included.
  CHECK(object["metadata"] == nlohmann::json(api::encode_metadata(done.metadata)));
  CHECK(object["metadata"].contains("creationTimestamp"));

  CHECK_NOTHROW(table.dump());
}

TEST_CASE("job_table: empty list, and a job being deleted", "[unit]") {
  const nlohmann::json empty = api::job_table({}, kNow);
  CHECK(empty["rows"].is_array());
  CHECK(empty["rows"].empty());
  CHECK(empty["columnDefinitions"].size() == 8);

  const api::Job a = job("a", 1, 1);
  api::Job b = job("b", 1, 1);
  b.metadata.deletion_timestamp = kNow;
  const nlohmann::json table = api::job_table({&a, &b}, kNow);
  CHECK(table["rows"][0]["cells"][1] == "Running");
  CHECK(table["rows"][1]["cells"][1] == "Terminating");
}
