// tests/api/rest_api_test.cpp: the REST handlers (api/rest_api.hpp) against the in-memory store
// — what each verb answers, the Status of every failure, and what ends up stored. The same
// handlers behind the real server, kubectl and the Python client are tested in
// tests/cli/kubectl_test.cpp.
#include "api/rest_api.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "api/object_update.hpp"
#include "api/yaml_codec.hpp"
#include "memory_object_store.hpp"
#include "rest_corpus.hpp"

namespace {

using nlohmann::json;

class FakeLogs final : public api::PodLogSource {
 public:
  base::Result<std::string> read(const api::PodLogRequest& request) override {
    requests.push_back(request);
    return "log of " + request.container + " run " + std::to_string(request.restart) + "\n";
  }
  std::shared_ptr<api::http::Stream> follow(api::PodLogRequest request) override {
    requests.push_back(std::move(request));
    return nullptr;
  }
  std::vector<api::PodLogRequest> requests;
};

class CollectingWriter final : public api::http::StreamWriter {
 public:
  void write(std::string chunk) override {
    std::lock_guard lock(mutex);
    chunks.push_back(std::move(chunk));
  }
  void finish() override { finished = true; }
  std::vector<json> events() {
    std::lock_guard lock(mutex);
    std::vector<json> out;
    for (const auto& c : chunks) out.push_back(json::parse(c));
    return out;
  }
  std::mutex mutex;
  std::vector<std::string> chunks;
  std::atomic<bool> finished{false};
};

struct Harness {
  base::FakeClock clock;
  api_test::MemoryObjectStore store{1000};
  api::WatchHub hub{store};
  FakeLogs logs;
  // The node's admission verdict (empty: everything is admitted).
  std::function<api::FieldErrors(const api::Job&)> admit;
  api::RestApi rest{store, hub, logs, clock, [this](const api::Job& job) {
                      return admit ? admit(job) : api::FieldErrors{};
                    }};

  Harness() {
    store.listener = [this](const api::Change& change) { hub.publish(change); };
    REQUIRE(call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"default"}})").status == 201);
  }

  api::http::Response call(const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::string& content_type = "application/json",
                           const std::string& accept = "application/json") {
    api::http::Request request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers = {{"content-type", content_type}, {"accept", accept}};
    auto response = rest.handle(request);
    REQUIRE(response.has_value());
    return std::move(*response);
  }
  json call_json(const std::string& method, const std::string& target, const std::string& body = "",
                 const std::string& content_type = "application/json") {
    return json::parse(call(method, target, body, content_type).body);
  }
};

const std::string kJobs = "/apis/batch/v1/namespaces/default/jobs";

std::string job_manifest(const std::string& name, const std::string& extra_labels = "") {
  return R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":")" + name +
         R"(","labels":{"team":"a")" + extra_labels +
         R"(}},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox","command":["true"]}]}}}})";
}

std::string pod_json(const std::string& name, int containers) {
  json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", name},
        {"namespace", "default"},
        {"uid", "pod-uid-" + name},
        {"resourceVersion", "1"},
        {"creationTimestamp", "2026-01-01T00:00:00Z"},
        {"labels", {{"job-name", "pi"}}}}},
      {"spec", {{"restartPolicy", "Never"}, {"nodeName", "node"}, {"containers", json::array()}}},
      {"status", {{"phase", "Running"}, {"containerStatuses", json::array()}}}};
  for (int i = 0; i < containers; ++i) {
    const std::string c = std::string(1, static_cast<char>('a' + i));
    pod["spec"]["containers"].push_back({{"name", c}, {"image", "busybox"}});
    pod["status"]["containerStatuses"].push_back(
        {{"name", c},
         {"ready", true},
         {"restartCount", 2},
         {"image", "busybox"},
         {"imageID", ""},
         {"state", {{"running", {{"startedAt", "2026-01-01T00:00:01Z"}}}}},
         {"lastState", {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}}}});
  }
  return pod.dump();
}

void put_pod(Harness& h, const std::string& name, int containers) {
  const std::string text = pod_json(name, containers);
  REQUIRE(h.store
              .create({"pods", "default", name}, "pod-uid-" + name,
                      [&](api::ResourceVersion rv) {
                        return api::render_with_version(nlohmann::ordered_json::parse(text), rv);
                      })
              ->outcome == api::WriteOutcome::written);
}

}  // namespace

TEST_CASE("REST: a created Job is stored with server fields and read back", "[unit]") {
  Harness h;
  auto created = h.call("POST", kJobs, job_manifest("pi"));
  REQUIRE(created.status == 201);
  const json job = json::parse(created.body);
  CHECK(job["metadata"]["namespace"] == "default");
  CHECK_FALSE(job["metadata"]["uid"].get<std::string>().empty());
  CHECK(job["metadata"]["generation"] == 1);
  CHECK(job["spec"]["selector"]["matchLabels"].contains("batch.kubernetes.io/controller-uid"));
  const json got = h.call_json("GET", kJobs + "/pi");
  CHECK(got == job);

  auto table = h.call("GET", kJobs + "?limit=500", "", "application/json",
                      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
  const json t = json::parse(table.body);
  CHECK(t["kind"] == "Table");
  CHECK(t["rows"][0]["cells"][0] == "pi");
  CHECK(t["rows"][0]["cells"][1] == "Running");
  CHECK(t["metadata"]["resourceVersion"] == job["metadata"]["resourceVersion"]);
}

TEST_CASE("REST: create failures are the API server's Statuses", "[unit]") {
  Harness h;
  REQUIRE(h.call("POST", kJobs, job_manifest("pi")).status == 201);
  const json again = h.call_json("POST", kJobs, job_manifest("pi"));
  CHECK(again["code"] == 409);
  CHECK(again["reason"] == "AlreadyExists");
  CHECK(again["message"] == "jobs.batch \"pi\" already exists");

  const json missing_ns =
      h.call_json("POST", "/apis/batch/v1/namespaces/nope/jobs", job_manifest("pi"));
  CHECK(missing_ns["code"] == 404);
  CHECK(missing_ns["message"] == "namespaces \"nope\" not found");

  const json wrong_ns =
      h.call_json("POST", kJobs, R"({"metadata":{"name":"x","namespace":"other"},"spec":{}})");
  CHECK(wrong_ns["code"] == 400);

  const json not_json = h.call_json("POST", kJobs, "{");
  CHECK(not_json["code"] == 400);

  auto xml = h.call("POST", kJobs, "<job/>", "application/xml");
  CHECK(xml.status == 415);

  const json unknown = h.call_json("POST", kJobs + "?fieldValidation=Strict",
                                   R"({"metadata":{"name":"u"},"spec":{"bogus":1,"template":{}}})");
  CHECK(unknown["code"] == 400);
  CHECK(unknown["message"].get<std::string>().find("unknown field \"spec.bogus\"") !=
        std::string::npos);
}

TEST_CASE("REST: every invalid manifest of the corpus gets its exact Status message", "[unit]") {
  Harness h;
  int checked = 0;
  for (const rest_corpus::Case& c : rest_corpus::cases()) {
    INFO(c.name);
    auto response = h.call("POST", kJobs + "?fieldValidation=Strict", c.body.dump());
    if (c.expected.empty()) {
      CHECK(response.status == 201);
      continue;
    }
    REQUIRE(response.status >= 400);
    const json status = json::parse(response.body);
    CHECK(status["kind"] == "Status");
    CHECK(rest_corpus::normalized(status["message"], c.body) == c.expected);
    ++checked;
  }
  CHECK(checked > 100);
}

TEST_CASE("REST: list filters by label and field selectors and pages with continue", "[unit]") {
  Harness h;
  for (const char* name : {"a", "b", "c"}) {
    REQUIRE(h.call("POST", kJobs, job_manifest(name, name == std::string("b") ? R"(,"x":"y")" : ""))
                .status == 201);
  }
  const json selected = h.call_json("GET", kJobs + "?labelSelector=x%3Dy");
  REQUIRE(selected["items"].size() == 1);
  CHECK(selected["items"][0]["metadata"]["name"] == "b");
  CHECK(selected["kind"] == "JobList");
  const json by_name = h.call_json("GET", kJobs + "?fieldSelector=metadata.name%3Dc");
  REQUIRE(by_name["items"].size() == 1);
  CHECK(by_name["items"][0]["metadata"]["name"] == "c");
  const json bad_field = h.call_json("GET", kJobs + "?fieldSelector=spec.nope%3D1");
  CHECK(bad_field["code"] == 400);

  const json page1 = h.call_json("GET", kJobs + "?limit=2");
  REQUIRE(page1["items"].size() == 2);
  const std::string token = page1["metadata"]["continue"];
  const json page2 = h.call_json("GET", kJobs + "?limit=2&continue=" + token);
  REQUIRE(page2["items"].size() == 1);
  CHECK(page2["items"][0]["metadata"]["name"] == "c");
  CHECK_FALSE(page2["metadata"].contains("continue"));

  const json all = h.call_json("GET", "/apis/batch/v1/jobs");
  CHECK(all["items"].size() == 3);
}

TEST_CASE("REST: patches of every type update a Job and bump its generation", "[unit]") {
  Harness h;
  REQUIRE(h.call("POST", kJobs, job_manifest("pi")).status == 201);
  const json merged = h.call_json("PATCH", kJobs + "/pi", R"({"spec":{"suspend":true}})",
                                  "application/merge-patch+json");
  CHECK(merged["spec"]["suspend"] == true);
  CHECK(merged["metadata"]["generation"] == 2);

  const json strategic = h.call_json(
      "PATCH", kJobs + "/pi",
      R"({"metadata":{"annotations":{"note":"x"}},"spec":{"suspend":false,"template":{"spec":{"containers":[{"name":"main","env":[{"name":"A","value":"1"}]}]}}}})",
      "application/strategic-merge-patch+json");
  // The template of a Job is immutable: the env change is refused, nothing is written.
  CHECK(strategic["code"] == 422);

  const json annotated =
      h.call_json("PATCH", kJobs + "/pi", R"({"metadata":{"annotations":{"note":"x"}}})",
                  "application/strategic-merge-patch+json");
  CHECK(annotated["metadata"]["annotations"]["note"] == "x");
  CHECK(annotated["metadata"]["generation"] == 2);
  CHECK(annotated["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox");

  const json json_patch = h.call_json("PATCH", kJobs + "/pi",
                                      R"([{"op":"replace","path":"/spec/suspend","value":true}])",
                                      "application/json-patch+json");
  CHECK(json_patch["spec"]["suspend"] == true);

  const json bad_test =
      h.call_json("PATCH", kJobs + "/pi", R"([{"op":"test","path":"/spec/suspend","value":false}])",
                  "application/json-patch+json");
  CHECK(bad_test["code"] == 422);

  const json immutable = h.call_json("PATCH", kJobs + "/pi", R"({"spec":{"completions":5}})",
                                     "application/merge-patch+json");
  CHECK(immutable["code"] == 422);
  CHECK(immutable["reason"] == "Invalid");

  auto unsupported = h.call("PATCH", kJobs + "/pi", "{}", "text/plain");
  CHECK(unsupported.status == 415);
}

TEST_CASE("REST: a stale resourceVersion is a Conflict, none is unconditional", "[unit]") {
  Harness h;
  const json job = json::parse(h.call("POST", kJobs, job_manifest("pi")).body);
  json changed = job;
  changed["spec"]["suspend"] = true;
  const json ok = h.call_json("PUT", kJobs + "/pi", changed.dump());
  CHECK(ok["spec"]["suspend"] == true);
  changed["spec"]["suspend"] = false;
  const json stale = h.call_json("PUT", kJobs + "/pi", changed.dump());
  CHECK(stale["code"] == 409);
  CHECK(stale["message"] ==
        "Operation cannot be fulfilled on jobs.batch \"pi\": the object has been modified; "
        "please apply your changes to the latest version and try again");
  changed["metadata"].erase("resourceVersion");
  const json unconditional = h.call_json("PUT", kJobs + "/pi", changed.dump());
  CHECK(unconditional["spec"]["suspend"] == false);
  const json renamed = h.call_json("PUT", kJobs + "/other", changed.dump());
  CHECK(renamed["code"] == 400);
  const json missing = h.call_json("PUT", kJobs + "/nope", changed.dump());
  CHECK(missing["code"] == 400);  // the name in the body is "pi"
}

TEST_CASE("REST: deleting a Job follows the propagation policy", "[unit]") {
  Harness h;
  for (const char* name : {"bg", "fg", "orphan"}) {
    REQUIRE(h.call("POST", kJobs, job_manifest(name)).status == 201);
  }
  const json bg = h.call_json("DELETE", kJobs + "/bg", R"({"propagationPolicy":"Background"})");
  CHECK(bg["kind"] == "Status");
  CHECK(bg["status"] == "Success");
  CHECK(bg["details"]["kind"] == "jobs");
  CHECK(h.call("GET", kJobs + "/bg").status == 404);

  const json fg = h.call_json("DELETE", kJobs + "/fg", R"({"propagationPolicy":"Foreground"})");
  CHECK(fg["metadata"]["finalizers"] == json::array({"foregroundDeletion"}));
  CHECK(fg["metadata"].contains("deletionTimestamp"));
  const json table = json::parse(h.call("GET", kJobs + "/fg", "", "application/json",
                                        "application/json;as=Table;g=meta.k8s.io;v=v1")
                                     .body);
  CHECK(table["rows"][0]["cells"][1] == "Terminating");

  const json orphan = h.call_json("DELETE", kJobs + "/orphan");
  CHECK(orphan["metadata"]["finalizers"] == json::array({"orphan"}));

  const json bad = h.call_json("DELETE", kJobs + "/orphan", R"({"propagationPolicy":"Later"})");
  CHECK(bad["code"] == 422);
  const json precondition =
      h.call_json("DELETE", kJobs + "/orphan", R"({"preconditions":{"uid":"not-the-uid"}})");
  CHECK(precondition["code"] == 409);
  const json missing = h.call_json("DELETE", kJobs + "/nope");
  CHECK(missing["message"] == "jobs.batch \"nope\" not found");
}

TEST_CASE("REST: deletecollection deletes what the selector matches", "[unit]") {
  Harness h;
  REQUIRE(h.call("POST", kJobs, job_manifest("a", R"(,"x":"y")")).status == 201);
  REQUIRE(h.call("POST", kJobs, job_manifest("b")).status == 201);
  const json deleted = h.call_json("DELETE", kJobs + "?labelSelector=x%3Dy",
                                   R"({"propagationPolicy":"Background"})");
  REQUIRE(deleted["items"].size() == 1);
  CHECK(h.call("GET", kJobs + "/a").status == 404);
  CHECK(h.call("GET", kJobs + "/b").status == 200);
}

TEST_CASE("REST: server-side apply creates a missing Job, then patches it", "[unit]") {
  Harness h;
  auto created = h.call("PATCH", kJobs + "/pi?fieldManager=kubectl&fieldValidation=Strict",
                        job_manifest("pi"), "application/apply-patch+yaml");
  CHECK(created.status == 201);
  auto applied = h.call(
      "PATCH", kJobs + "/pi?fieldManager=kubectl",
      R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","labels":{"team":"b"}}})",
      "application/apply-patch+yaml");
  CHECK(applied.status == 200);
  CHECK(json::parse(applied.body)["metadata"]["labels"]["team"] == "b");
  auto no_manager =
      h.call("PATCH", kJobs + "/pi", job_manifest("pi"), "application/apply-patch+yaml");
  CHECK(no_manager.status == 422);
}

TEST_CASE("REST: watches stream changes, with a synthetic ADDED from resourceVersion 0", "[unit]") {
  Harness h;
  REQUIRE(h.call("POST", kJobs, job_manifest("pi")).status == 201);
  auto response =
      h.call("GET", kJobs + "?watch=true&fieldSelector=metadata.name%3Dpi&resourceVersion=0");
  REQUIRE(response.stream);
  auto writer = std::make_shared<CollectingWriter>();
  response.stream->start(writer);
  REQUIRE(
      h.call("PATCH", kJobs + "/pi", R"({"spec":{"suspend":true}})", "application/merge-patch+json")
          .status == 200);
  REQUIRE(h.call("POST", kJobs, job_manifest("other")).status == 201);
  REQUIRE(h.call("DELETE", kJobs + "/pi", R"({"propagationPolicy":"Background"})").status == 200);
  response.stream->cancel();
  const auto events = writer->events();
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "ADDED");
  CHECK(events[1]["type"] == "MODIFIED");
  CHECK(events[1]["object"]["spec"]["suspend"] == true);
  CHECK(events[2]["type"] == "DELETED");

  auto table_watch = h.call("GET", kJobs + "?watch=1&resourceVersion=0", "", "application/json",
                            "application/json;as=Table;v=v1;g=meta.k8s.io");
  auto table_writer = std::make_shared<CollectingWriter>();
  table_watch.stream->start(table_writer);
  table_watch.stream->cancel();
  const auto rows = table_writer->events();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["object"]["kind"] == "Table");
  CHECK(rows[0]["object"]["rows"][0]["cells"][0] == "other");
}

TEST_CASE("REST: a watch ends at its timeout", "[unit]") {
  Harness h;
  auto response = h.call("GET", kJobs + "?watch=true&timeoutSeconds=1");
  auto writer = std::make_shared<CollectingWriter>();
  response.stream->start(writer);
  for (int i = 0; i < 300 && !writer->finished; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(writer->finished);
  response.stream->cancel();
}

TEST_CASE("REST: pod logs pick the container and run as the API server does", "[unit]") {
  Harness h;
  put_pod(h, "one", 1);
  put_pod(h, "two", 2);
  const std::string pods = "/api/v1/namespaces/default/pods";
  auto log = h.call("GET", pods + "/one/log");
  CHECK(log.status == 200);
  CHECK(log.content_type == "text/plain");
  CHECK(log.body == "log of a run 2\n");
  auto previous = h.call("GET", pods + "/one/log?previous=true&tailLines=5");
  CHECK(previous.body == "log of a run 1\n");
  REQUIRE(h.logs.requests.size() == 2);
  CHECK(h.logs.requests[1].tail_lines == 5);

  const json ambiguous = h.call_json("GET", pods + "/two/log");
  CHECK(ambiguous["code"] == 400);
  CHECK(ambiguous["message"] ==
        "a container name must be specified for pod two, choose one of: [a b]");
  CHECK(h.call("GET", pods + "/two/log?container=b").body == "log of b run 2\n");
  const json wrong = h.call_json("GET", pods + "/two/log?container=zz");
  CHECK(wrong["message"] == "container zz is not valid for pod two");
  const json gone = h.call_json("GET", pods + "/nope/log");
  CHECK(gone["message"] == "pods \"nope\" not found");
}

TEST_CASE("REST: pods are listed, labelled, evicted and deleted gracefully", "[unit]") {
  Harness h;
  put_pod(h, "one", 1);
  const std::string pods = "/api/v1/namespaces/default/pods";
  const json listed = h.call_json("GET", pods + "?labelSelector=job-name%3Dpi");
  CHECK(listed["items"].size() == 1);
  const json labelled = h.call_json("PATCH", pods + "/one", R"({"metadata":{"labels":{"x":"y"}}})",
                                    "application/strategic-merge-patch+json");
  INFO(labelled.dump());
  REQUIRE(labelled.contains("metadata"));
  CHECK(labelled["metadata"]["labels"]["x"] == "y");
  CHECK(labelled["metadata"]["labels"]["job-name"] == "pi");
  const json spec_change =
      h.call_json("PATCH", pods + "/one", R"({"spec":{"restartPolicy":"Always"}})",
                  "application/merge-patch+json");
  CHECK(spec_change["code"] == 422);

  auto evicted =
      h.call("POST", pods + "/one/eviction",
             R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"one"}})");
  CHECK(evicted.status == 201);
  const json pod = h.call_json("GET", pods + "/one");
  CHECK(pod["metadata"].contains("deletionTimestamp"));
  CHECK(pod["metadata"]["deletionGracePeriodSeconds"] == 30);
  CHECK(pod["status"]["conditions"][0]["reason"] == "EvictionByEvictionAPI");

  const json deleted = h.call_json("DELETE", pods + "/one", R"({"gracePeriodSeconds":0})");
  CHECK(deleted["kind"] == "Pod");
  CHECK(h.call("GET", pods + "/one").status == 404);
  CHECK(h.call("POST", pods, pod_json("x", 1)).status == 405);
}

TEST_CASE("REST: namespaces are created, listed and checked", "[unit]") {
  Harness h;
  const json created =
      h.call_json("POST", "/api/v1/namespaces", R"({"metadata":{"name":"team-a"}})");
  CHECK(created["status"]["phase"] == "Active");
  CHECK(created["metadata"]["labels"]["kubernetes.io/metadata.name"] == "team-a");
  const json bad = h.call_json("POST", "/api/v1/namespaces", R"({"metadata":{"name":"Team_A"}})");
  CHECK(bad["code"] == 422);
  const json dup = h.call_json("POST", "/api/v1/namespaces", R"({"metadata":{"name":"team-a"}})");
  CHECK(dup["message"] == "namespaces \"team-a\" already exists");
  const json table = json::parse(h.call("GET", "/api/v1/namespaces", "", "application/json",
                                        "application/json;as=Table;v=v1;g=meta.k8s.io")
                                     .body);
  CHECK(table["rows"].size() == 2);
  CHECK(table["rows"][1]["cells"][1] == "Active");
  CHECK(h.call("POST", "/apis/batch/v1/namespaces/team-a/jobs", job_manifest("pi")).status == 201);

  const json immortal = h.call_json("DELETE", "/api/v1/namespaces/default");
  CHECK(immortal["code"] == 403);
  CHECK(immortal["message"] ==
        "namespaces \"default\" is forbidden: this namespace may not be deleted");
  const json terminating = h.call_json("DELETE", "/api/v1/namespaces/team-a");
  CHECK(terminating["status"]["phase"] == "Terminating");
  const json refused =
      h.call_json("POST", "/apis/batch/v1/namespaces/team-a/jobs", job_manifest("late"));
  CHECK(refused["code"] == 403);
  CHECK(refused["message"] ==
        "jobs.batch \"late\" is forbidden: unable to create new content in namespace team-a "
        "because it is being terminated");
}

TEST_CASE("REST: unknown paths are not resource requests, unknown resources are 404", "[unit]") {
  Harness h;
  api::http::Request request;
  request.method = "GET";
  request.target = "/version";
  CHECK_FALSE(h.rest.handle(request).has_value());
  CHECK(h.call("GET", "/apis/apps/v1/namespaces/default/deployments").status == 404);
  CHECK(h.call("GET", "/apis/batch/v1/namespaces/default/cronjobs").status == 404);
  CHECK(h.call("POST", "/api/v1/namespaces/default/events", "{}").status == 405);
}

TEST_CASE("REST: events are served as core/v1 and as events.k8s.io/v1", "[unit]") {
  Harness h;
  const std::string event =
      R"({"kind":"Event","apiVersion":"v1","metadata":{"name":"pi.1","namespace":"default"},"involvedObject":{"kind":"Job","name":"pi","namespace":"default","uid":"u1"},"reason":"SuccessfulCreate","message":"Created pod: pi-abc","source":{"component":"job-controller"},"firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:00Z","count":1,"type":"Normal","reportingComponent":"job-controller","reportingInstance":"node"})";
  REQUIRE(h.store
              .create({"events", "default", "pi.1"}, "e1",
                      [&](api::ResourceVersion rv) {
                        return api::render_with_version(nlohmann::ordered_json::parse(event), rv);
                      })
              ->outcome == api::WriteOutcome::written);
  const json core =
      h.call_json("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3Du1");
  REQUIRE(core["items"].size() == 1);
  CHECK(core["kind"] == "EventList");
  CHECK(core["items"][0]["message"] == "Created pod: pi-abc");
  const json none = h.call_json(
      "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3Dother");
  CHECK(none["items"].empty());

  const json v1 = h.call_json("GET", "/apis/events.k8s.io/v1/namespaces/default/events");
  CHECK(v1["apiVersion"] == "events.k8s.io/v1");
  REQUIRE(v1["items"].size() == 1);
  CHECK(v1["items"][0]["note"] == "Created pod: pi-abc");
  CHECK(v1["items"][0]["regarding"]["name"] == "pi");
  CHECK(v1["items"][0]["reportingController"] == "job-controller");
  CHECK(v1["items"][0]["deprecatedCount"] == 1);
  const json one = h.call_json("GET", "/apis/events.k8s.io/v1/namespaces/default/events/pi.1");
  CHECK(one["apiVersion"] == "events.k8s.io/v1");
  CHECK(h.call("DELETE", "/apis/events.k8s.io/v1/namespaces/default/events/pi.1").status == 405);
  CHECK(h.call("DELETE", "/api/v1/namespaces/default/events/pi.1").status == 200);
}

TEST_CASE("REST: what the node cannot honour is refused with 422 on create and template change",
          "[unit]") {
  Harness h;
  const auto zone = [](const api::Job& job) {
    api::FieldErrors errors;
    if (job.spec.template_.spec.node_selector.count("zone")) {
      errors.push_back(api::forbidden("spec.template.spec.nodeSelector[zone]",
                                      "no label of this node matches it"));
    }
    return errors;
  };
  const std::string with_zone =
      R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"z"},"spec":{"suspend":true,)"
      R"("template":{"spec":{"nodeSelector":{"zone":"a"},"restartPolicy":"Never",)"
      R"("containers":[{"name":"main","image":"busybox"}]}}}})";
  h.admit = zone;
  const json refused = h.call_json("POST", kJobs, with_zone);
  CHECK(refused["code"] == 422);
  CHECK(refused["reason"] == "Invalid");
  CHECK(refused["message"] ==
        "Job.batch \"z\" is invalid: spec.template.spec.nodeSelector[zone]: "
        "Forbidden: no label of this node matches it");
  CHECK(refused["details"]["causes"][0]["field"] == "spec.template.spec.nodeSelector[zone]");
  CHECK(h.call("GET", kJobs + "/z").status == 404);
  CHECK(h.call("POST", kJobs + "?dryRun=All", with_zone).status == 422);

  // A Job stored before (e.g. by an older agent) can still be labelled: only a changed
  // template is judged again.
  h.admit = nullptr;
  REQUIRE(h.call("POST", kJobs, with_zone).status == 201);
  h.admit = zone;
  CHECK(h.call("PATCH", kJobs + "/z", R"({"metadata":{"labels":{"x":"y"}}})",
               "application/merge-patch+json")
            .status == 200);
  const json changed = h.call_json(
      "PATCH", kJobs + "/z", R"({"spec":{"template":{"spec":{"nodeSelector":{"zone":"b"}}}}})",
      "application/merge-patch+json");
  CHECK(changed["code"] == 422);
  h.admit = nullptr;
  CHECK(h.call("PATCH", kJobs + "/z",
               R"({"spec":{"template":{"spec":{"nodeSelector":{"zone":"b"}}}}})",
               "application/merge-patch+json")
            .status == 200);
}
