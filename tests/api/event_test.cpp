// tests/api/event_test.cpp: Event, Namespace, typed lists and watch events as the API server
// writes them.
#include "api/event.hpp"

#include <catch2/catch.hpp>
#include <chrono>

#include "api/job_encode.hpp"
#include "api/list_encode.hpp"
#include "api/rfc3339.hpp"

using namespace std::chrono_literals;

namespace {
const base::TimePoint kNow = *api::parse_time("2026-11-23T18:00:00Z");
}

TEST_CASE("a job-controller Event encodes in Go field order", "[unit]") {
  api::Event e;
  e.metadata.name = "pi.1800a1b2c3d4e5f6";
  e.metadata.namespace_ = "default";
  e.metadata.creation_timestamp = kNow;
  e.involved_object = {"Job", "default", "pi", "u1", "batch/v1", "42", ""};
  e.reason = "SuccessfulCreate";
  e.message = "Created pod: pi-abcde";
  e.source.component = "job-controller";
  e.first_timestamp = kNow;
  e.last_timestamp = kNow;
  e.count = 1;
  e.type = std::string(api::kEventNormal);
  CHECK(api::encode_event(e).dump() ==
        R"({"kind":"Event","apiVersion":"v1","metadata":{"name":"pi.1800a1b2c3d4e5f6",)"
        R"("namespace":"default","creationTimestamp":"2026-11-23T18:00:00Z"},"involvedObject":)"
        R"({"kind":"Job","namespace":"default","name":"pi","uid":"u1","apiVersion":"batch/v1",)"
        R"("resourceVersion":"42"},"reason":"SuccessfulCreate","message":"Created pod: )"
        R"(pi-abcde","source":{"component":"job-controller"},"firstTimestamp":)"
        R"("2026-11-23T18:00:00Z","lastTimestamp":"2026-11-23T18:00:00Z","count":1,"type":)"
        R"("Normal","eventTime":null,"reportingComponent":"","reportingInstance":""})");
}

TEST_CASE("MicroTime keeps six fractional digits", "[unit]") {
  CHECK(api::format_micro_time(kNow + 1500us) == "2026-11-23T18:00:00.001500Z");
  CHECK(api::format_micro_time(kNow) == "2026-11-23T18:00:00.000000Z");
}

TEST_CASE("typed lists drop kind and apiVersion from their items, watch events keep them",
          "[unit]") {
  api::Job job;
  job.metadata.name = "pi";
  auto encoded = api::encode_job(job);
  const auto list = api::encode_list("JobList", "batch/v1", "1234", {encoded});
  CHECK(list["kind"] == "JobList");
  CHECK(list["apiVersion"] == "batch/v1");
  CHECK(list["metadata"].dump() == R"({"resourceVersion":"1234"})");
  REQUIRE(list["items"].size() == 1);
  CHECK_FALSE(list["items"][0].contains("kind"));
  CHECK(list["items"][0].begin().key() == "metadata");
  CHECK(api::encode_list("PodList", "v1", "", {}).dump() ==
        R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]})");

  const auto watch = api::encode_watch_event("ADDED", encoded);
  CHECK(watch.begin().key() == "type");
  CHECK(watch["type"] == "ADDED");
  CHECK(watch["object"]["kind"] == "Job");
}

TEST_CASE("a Namespace as the API server shows it", "[unit]") {
  api::ObjectMeta meta;
  meta.name = "default";
  meta.uid = "u";
  meta.creation_timestamp = kNow;
  CHECK(api::encode_namespace(meta).dump() ==
        R"({"kind":"Namespace","apiVersion":"v1","metadata":{"name":"default","uid":"u",)"
        R"("creationTimestamp":"2026-11-23T18:00:00Z","labels":{"kubernetes.io/metadata.name":)"
        R"("default"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})");
  meta.deletion_timestamp = kNow;
  CHECK(api::encode_namespace(meta)["status"]["phase"] == "Terminating");
}
