#include "api/job_create.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/job_defaults.hpp"
#include "api/names.hpp"

using nlohmann::json;

namespace {

json pi_job() {
  return json::parse(R"json({
    "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
    "spec": {"backoffLimit": 4, "template": {"spec": {
      "containers": [{"name": "pi", "image": "perl:5.34.0",
                      "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}],
      "restartPolicy": "Never"}}}})json");
}

api::CreatedJob create(const json& object) {
  std::mt19937_64 rng(42);
  return api::create_job(object, base::TimePoint{}, rng);
}

std::vector<std::string> messages(const api::FieldErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.to_string());
  return out;
}

}  // namespace

TEST_CASE("the docs' pi Job gets the API server's defaults and generated selector", "[unit]") {
  auto created = create(pi_job());
  REQUIRE(messages(created.errors).empty());
  const api::Job& job = created.job;
  CHECK(job.metadata.namespace_ == "default");
  CHECK(job.spec.parallelism == 1);
  CHECK(job.spec.completions == 1);
  CHECK(job.spec.backoff_limit == 4);
  CHECK(job.spec.completion_mode == "NonIndexed");
  CHECK(job.spec.suspend == false);
  CHECK(job.spec.manual_selector == false);
  CHECK(job.spec.pod_replacement_policy == "TerminatingOrFailed");
  const auto& pod = job.spec.template_.spec;
  CHECK(pod.termination_grace_period_seconds == 30);
  CHECK(pod.containers[0].image_pull_policy == "IfNotPresent");
  CHECK(pod.containers[0].termination_message_path == "/dev/termination-log");
  CHECK(pod.containers[0].termination_message_policy == "File");

  const std::string& uid = job.metadata.uid;
  REQUIRE(uid.size() == 36);
  const api::Labels generated{{"batch.kubernetes.io/controller-uid", uid},
                              {"batch.kubernetes.io/job-name", "pi"},
                              {"controller-uid", uid},
                              {"job-name", "pi"}};
  CHECK(job.spec.template_.metadata.labels == generated);
  // No labels on the Job or the template: read-back shows the four generated ones (§2.1.4).
  CHECK(job.metadata.labels == generated);
  REQUIRE(job.spec.selector.has_value());
  CHECK(job.spec.selector->match_labels ==
        api::Labels{{"batch.kubernetes.io/controller-uid", uid}});
}

TEST_CASE("defaults: completions and parallelism", "[unit]") {
  auto with = [](json spec_patch) {
    json j = pi_job();
    j["spec"].update(spec_patch);
    return create(j).job.spec;
  };
  auto only_parallelism = with({{"parallelism", 3}});
  CHECK(only_parallelism.parallelism == 3);
  CHECK_FALSE(only_parallelism.completions.has_value());  // a work-queue job
  auto only_completions = with({{"completions", 5}});
  CHECK(only_completions.completions == 5);
  CHECK(only_completions.parallelism == 1);
  json no_limit = pi_job();
  no_limit["spec"].erase("backoffLimit");
  CHECK(create(no_limit).job.spec.backoff_limit == 6);
}

TEST_CASE("Job labels given by the user are kept", "[unit]") {
  json j = pi_job();
  j["metadata"]["labels"] = {{"team", "a"}};
  j["spec"]["template"]["metadata"] = {{"labels", {{"job", "pi"}}}};
  auto created = create(j);
  REQUIRE(created.errors.empty());
  CHECK(created.job.metadata.labels == api::Labels{{"team", "a"}});
  CHECK(created.job.spec.template_.metadata.labels.at("job") == "pi");
}

TEST_CASE("imagePullPolicy defaults by tag", "[unit]") {
  CHECK(api::default_pull_policy("perl") == "Always");
  CHECK(api::default_pull_policy("perl:latest") == "Always");
  CHECK(api::default_pull_policy("perl:5.34") == "IfNotPresent");
  CHECK(api::default_pull_policy("host:5000/perl") == "Always");
  CHECK(api::default_pull_policy("perl@sha256:abcd") == "IfNotPresent");
}

TEST_CASE("generateName gives a 5-character suffix from the API server's alphabet", "[unit]") {
  json j = pi_job();
  j["metadata"] = {{"generateName", "pi-"}};
  auto created = create(j);
  REQUIRE(created.errors.empty());
  const std::string& name = created.job.metadata.name;
  REQUIRE(name.size() == 8);
  CHECK(name.rfind("pi-", 0) == 0);
  for (char c : name.substr(3)) CHECK(api::kNameSuffixAlphabet.find(c) != std::string::npos);

  std::mt19937_64 rng(1);
  CHECK(api::generate_name(std::string(70, 'x'), rng).size() == 63);
}

TEST_CASE("validation messages are the API server's", "[unit]") {
  auto errors_of = [](auto mutate) {
    json j = pi_job();
    mutate(j);
    return messages(create(j).errors);
  };
  CHECK(errors_of([](json& j) { j["spec"]["template"]["spec"].erase("restartPolicy"); }) ==
        std::vector<std::string>{"spec.template.spec.restartPolicy: Required value: valid values: "
                                 "\"OnFailure\", \"Never\""});
  CHECK(errors_of([](json& j) { j["spec"]["template"]["spec"]["restartPolicy"] = "Sometimes"; }) ==
        std::vector<std::string>{"spec.template.spec.restartPolicy: Unsupported value: "
                                 "\"Sometimes\": supported values: \"OnFailure\", \"Never\""});
  CHECK(errors_of([](json& j) { j["spec"]["template"]["spec"].erase("containers"); }) ==
        std::vector<std::string>{"spec.template.spec.containers: Required value"});
  CHECK(errors_of([](json& j) { j["spec"]["parallelism"] = -1; }) ==
        std::vector<std::string>{
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"});
  CHECK(
      errors_of([](json& j) { j["metadata"].erase("name"); }) ==
      std::vector<std::string>{"metadata.name: Required value: name or generateName is required"});
  CHECK(errors_of([](json& j) { j["spec"]["completionMode"] = "X"; }) ==
        std::vector<std::string>{"spec.completionMode: Unsupported value: \"X\": supported "
                                 "values: \"NonIndexed\", \"Indexed\""});
  CHECK(errors_of([](json& j) { j["spec"]["template"]["spec"]["containers"][0].erase("image"); }) ==
        std::vector<std::string>{"spec.template.spec.containers[0].image: Required value"});
  const auto bad_name = errors_of([](json& j) { j["metadata"]["name"] = "My_Job"; });
  REQUIRE_FALSE(bad_name.empty());
  CHECK(bad_name[0].rfind("metadata.name: Invalid value: \"My_Job\": a lowercase RFC 1123 "
                          "subdomain must consist of",
                          0) == 0);
}

TEST_CASE("a name longer than 63 characters fails on the generated template labels", "[unit]") {
  json j = pi_job();
  const std::string name(64, 'a');
  j["metadata"]["name"] = name;
  const auto errors = messages(create(j).errors);
  CHECK(std::find(errors.begin(), errors.end(),
                  "spec.template.labels: Invalid value: \"" + name +
                      "\": must be no more than 63 characters") != errors.end());
}

TEST_CASE("the decoder names every field it cannot honour and every wrong type", "[unit]") {
  json j = pi_job();
  j["spec"]["template"]["spec"]["volumes"] = json::array();
  j["spec"]["parallelism"] = "two";
  j["spec"]["template"]["spec"]["containers"][0]["env"] = {
      {{"name", "A"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}};
  const auto errors = messages(create(j).errors);
  CHECK(errors == std::vector<std::string>{
                      "spec.parallelism: Invalid value: \"two\": must be an integer",
                      "spec.template.spec.containers[0].env[0].valueFrom: Forbidden: not "
                      "supported by batchlet (see docs/compatibility.md)",
                      "spec.template.spec.volumes: Forbidden: not supported by batchlet (see "
                      "docs/compatibility.md)"});
}

TEST_CASE("only batch/v1 Jobs are decoded", "[unit]") {
  json pod = pi_job();
  pod["kind"] = "Pod";
  CHECK(messages(create(pod).errors) ==
        std::vector<std::string>{"kind: Unsupported value: \"Pod\": supported values: \"Job\""});
  json v2 = pi_job();
  v2["apiVersion"] = "batch/v2";
  CHECK(messages(create(v2).errors) ==
        std::vector<std::string>{
            "apiVersion: Unsupported value: \"batch/v2\": supported values: \"batch/v1\""});
  CHECK(messages(create(json::array()).errors) ==
        std::vector<std::string>{": Invalid value: array: must be an object"});
}

TEST_CASE("integers must fit their Kubernetes type", "[unit]") {
  json j = pi_job();
  j["spec"]["backoffLimit"] = 4294967296LL;
  CHECK(messages(create(j).errors) ==
        std::vector<std::string>{
            "spec.backoffLimit: Invalid value: 4294967296: must fit in a 32-bit integer"});
  j["spec"]["backoffLimit"] = 1.5;
  CHECK(messages(create(j).errors) ==
        std::vector<std::string>{"spec.backoffLimit: Invalid value: 1.5: must be an integer"});
}
