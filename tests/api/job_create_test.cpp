#include "api/job_create.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/job_defaults.hpp"
#include "api/job_encode.hpp"
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
        std::vector<std::string>{
            "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported "
            "values: \"Always\", \"OnFailure\", \"Never\"",  // the Pod's rule, then the Job's
            "spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported "
            "values: \"OnFailure\", \"Never\""});
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
  j["spec"]["template"]["spec"]["volumes"] = {{{"name", "cfg"}, {"configMap", {{"name", "x"}}}}};
  j["spec"]["parallelism"] = "two";
  j["spec"]["template"]["spec"]["containers"][0]["env"] = {
      {{"name", "A"}, {"valueFrom", {{"secretKeyRef", {{"name", "s"}, {"key", "k"}}}}}}};
  const auto errors = messages(create(j).errors);
  CHECK(errors == std::vector<std::string>{
                      "spec.parallelism: Invalid value: \"two\": must be an integer",
                      "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef: "
                      "Forbidden: not supported by batchlet (see docs/compatibility.md)",
                      "spec.template.spec.volumes[0].configMap: Forbidden: not supported by "
                      "batchlet (see docs/compatibility.md)"});
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
        std::vector<std::string>{"Invalid value: array: must be an object"});
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

TEST_CASE("advanced fields: defaults follow backoffLimitPerIndex and podFailurePolicy", "[unit]") {
  json j = pi_job();
  j["spec"].erase("backoffLimit");
  j["spec"]["completionMode"] = "Indexed";
  j["spec"]["completions"] = 4;
  j["spec"]["backoffLimitPerIndex"] = 1;
  j["spec"]["podFailurePolicy"] = json::parse(R"json({"rules": [
      {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]},
      {"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [1, 2]}}]})json");
  auto created = create(j);
  REQUIRE(messages(created.errors).empty());
  const auto& spec = created.job.spec;
  CHECK(spec.backoff_limit == 2147483647);
  CHECK(spec.pod_replacement_policy == "Failed");
  CHECK(spec.pod_failure_policy->rules[0].on_pod_conditions[0].status == "True");
  CHECK(spec.pod_failure_policy->rules[1].on_exit_codes->values == std::vector<int32_t>{1, 2});
}

TEST_CASE("advanced fields: validation messages of spec §3.2", "[unit]") {
  auto errors_of = [](const char* spec_patch) {
    json j = pi_job();
    j["spec"].update(json::parse(spec_patch));
    return messages(create(j).errors);
  };
  CHECK(errors_of(R"({"maxFailedIndexes": 1})") ==
        std::vector<std::string>{
            "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
            "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode"});
  CHECK(errors_of(R"({"backoffLimitPerIndex": 1})") ==
        std::vector<std::string>{
            "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"});
  // With parallelism set, completions is not defaulted (§2.1), so Indexed lacks it.
  CHECK(errors_of(R"({"completionMode": "Indexed", "parallelism": 2})") ==
        std::vector<std::string>{
            "spec.completions: Required value: when completion mode is Indexed"});
  CHECK(errors_of(R"({"completionMode": "Indexed", "completions": 10, "parallelism": 100001})") ==
        std::vector<std::string>{"spec.parallelism: Invalid value: 100001: must be less than or "
                                 "equal to 100000 when completion mode is Indexed"});
  CHECK(errors_of(R"({"completionMode": "Indexed", "completions": 10,
                      "backoffLimitPerIndex": 1, "maxFailedIndexes": 11})") ==
        std::vector<std::string>{
            "spec.maxFailedIndexes: Invalid value: 11: must be less than or equal to completions"});
  CHECK(errors_of(R"({"managedBy": "nodomain"})") ==
        std::vector<std::string>{"spec.managedBy: Invalid value: \"nodomain\": must be a "
                                 "domain-prefixed path (such as \"acme.io/foo\")"});
  CHECK(errors_of(R"({"podFailurePolicy": {"rules": [{"onExitCodes":
                      {"operator": "In", "values": [19, 0, 11, 11]}}]}})") ==
        std::vector<std::string>{
            "spec.podFailurePolicy.rules[0].action: Required value: valid values: [\"Count\" "
            "\"FailIndex\" \"FailJob\" \"Ignore\"]",
            "spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be "
            "0 for the In operator",
            "spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 11",
            "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{19, 0, 11, "
            "11}: must be ordered"});
  CHECK(errors_of(R"({"podFailurePolicy": {"rules": [{"action": "FailIndex"}]}})") ==
        std::vector<std::string>{
            "spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the "
            "backoffLimitPerIndex to be set",
            "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and "
            "OnPodConditions is required"});
  CHECK(errors_of(R"({"podFailurePolicy": {"rules": [{"action": "FailJob", "onExitCodes":
                      {"containerName": "xyz", "operator": "Maybe", "values": []}}]}})") ==
        std::vector<std::string>{
            "spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: \"Maybe\": "
            "supported values: \"In\", \"NotIn\"",
            "spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: \"xyz\": "
            "must be one of the container or initContainer names in the pod template",
            "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{}: at "
            "least one value is required"});
  CHECK(errors_of(R"({"podReplacementPolicy": "TerminatingOrFailed", "podFailurePolicy":
                      {"rules": [{"action": "Count", "onPodConditions":
                      [{"type": "DisruptionTarget", "status": "Maybe"}]}]}})") ==
        std::vector<std::string>{
            "spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "
            "\"Maybe\": supported values: \"False\", \"True\", \"Unknown\"",
            "spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported "
            "values: \"Failed\""});
  json on_failure = pi_job();
  on_failure["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure";
  on_failure["spec"]["podFailurePolicy"] = json::parse(
      R"({"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]})");
  CHECK(messages(create(on_failure).errors) ==
        std::vector<std::string>{"spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": "
                                 "only \"Never\" is supported when podFailurePolicy is specified"});
}

TEST_CASE("successPolicy validation (spec §3.2)", "[unit]") {
  auto errors_of = [](const char* spec_patch) {
    json j = pi_job();
    j["spec"]["completionMode"] = "Indexed";
    j["spec"]["completions"] = 5;
    j["spec"].update(json::parse(spec_patch));
    return messages(create(j).errors);
  };
  CHECK(errors_of(R"({"successPolicy": {"rules": [{"succeededIndexes": "0-2"}]}})").empty());
  CHECK(errors_of(R"({"successPolicy": {"rules": []}})") ==
        std::vector<std::string>{"spec.successPolicy.rules: Required value: at least one rules "
                                 "must be specified when the successPolicy is specified"});
  CHECK(errors_of(R"({"successPolicy": {"rules": [{}]}})") ==
        std::vector<std::string>{"spec.successPolicy.rules[0]: Required value: at least one of "
                                 "succeededCount or succeededIndexes must be specified"});
  CHECK(errors_of(R"({"successPolicy": {"rules": [{"succeededIndexes": "3,2"}]}})") ==
        std::vector<std::string>{"spec.successPolicy.rules[0].succeededIndexes: Invalid value: "
                                 "\"3,2\": error parsing succeededIndexes: non-increasing order, "
                                 "previous: 3, current: 2"});
  CHECK(errors_of(R"({"successPolicy": {"rules": [{"succeededIndexes": "7"}]}})") ==
        std::vector<std::string>{"spec.successPolicy.rules[0].succeededIndexes: Invalid value: "
                                 "\"7\": error parsing succeededIndexes: too large index: \"7\""});
  CHECK(errors_of(R"({"successPolicy": {"rules": [{"succeededCount": 6}]}})") ==
        std::vector<std::string>{"spec.successPolicy.rules[0].succeededCount: Invalid value: 6: "
                                 "must be less than or equal to 5 (the number of specified "
                                 "completions)"});
  CHECK(errors_of(R"({"successPolicy": {"rules": [{"succeededIndexes": "0-2",
                      "succeededCount": 4}]}})") ==
        std::vector<std::string>{"spec.successPolicy.rules[0].succeededCount: Invalid value: 4: "
                                 "must be less than or equal to 3 (the number of indexes in the "
                                 "specified succeededIndexes field)"});
  json non_indexed = pi_job();
  non_indexed["spec"]["successPolicy"] = {{"rules", {{{"succeededCount", 1}}}}};
  const auto errors = messages(create(non_indexed).errors);
  REQUIRE_FALSE(errors.empty());
  CHECK(errors[0].rfind("spec.successPolicy: Invalid value: batch.SuccessPolicy{", 0) == 0);
  CHECK(errors[0].find("}: requires indexed completion mode") != std::string::npos);
}

TEST_CASE("a null member is unset even where batchlet supports no value", "[unit]") {
  // What kubectl 1.30 sends for `create job x --image=busybox -- true`, minus "resources": {}.
  json job = pi_job();
  job["metadata"]["creationTimestamp"] = nullptr;
  job["spec"]["template"]["metadata"] = {{"creationTimestamp", nullptr}};
  job["spec"]["template"]["spec"]["nodeName"] = nullptr;
  CHECK(messages(create(job).errors).empty());
  job["metadata"]["creationTimestamp"] = "2026-11-23T20:00:00Z";
  CHECK(messages(create(job).errors) ==
        std::vector<std::string>{"metadata.creationTimestamp: Forbidden: not supported by batchlet "
                                 "(see docs/compatibility.md)"});
}

TEST_CASE("quantities may be JSON numbers and come back canonical", "[unit]") {
  json j = pi_job();
  j["spec"]["template"]["spec"]["containers"][0]["resources"] = {
      {"requests", {{"cpu", 0.5}, {"memory", 1048576}}}, {"limits", {{"cpu", "2000m"}}}};
  const auto created = create(j);
  REQUIRE(created.errors.empty());
  const auto& resources = created.job.spec.template_.spec.containers[0].resources;
  CHECK(resources.requests.at("cpu").canonical() == "500m");
  CHECK(resources.requests.at("memory").canonical() == "1048576");
  CHECK(resources.limits.at("cpu").canonical() == "2");
  j["spec"]["template"]["spec"]["containers"][0]["resources"] = {{"limits", {{"cpu", true}}}};
  CHECK(messages(create(j).errors) ==
        std::vector<std::string>{"spec.template.spec.containers[0].resources.limits[cpu]: "
                                 "Invalid value: true: must be a quantity string"});
}

TEST_CASE("only valid volumes can be mounted, as upstream", "[unit]") {
  json j = pi_job();
  j["spec"]["template"]["spec"]["volumes"] = {{{"name", "Bad_Name"}, {"emptyDir", json::object()}}};
  j["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = {
      {{"name", "Bad_Name"}, {"mountPath", "/data"}}};
  const auto errors = messages(create(j).errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("spec.template.spec.volumes[0].name: Invalid value: \"Bad_Name\": a "
                        "lowercase RFC 1123 label",
                        0) == 0);
  CHECK(errors[1] ==
        "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"Bad_Name\"");
}

TEST_CASE("pod-template defaults: probes, volumes, downward API", "[unit]") {
  json j = pi_job();
  auto& spec = j["spec"]["template"]["spec"];
  spec["volumes"] = {{{"name", "a"}}, {{"name", "b"}, {"hostPath", {{"path", "/tmp"}}}}};
  spec["containers"][0]["readinessProbe"] = {{"exec", {{"command", {"true"}}}}};
  spec["containers"][0]["env"] = {
      {{"name", "N"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}};
  spec["initContainers"] = {{{"name", "init"}, {"image", "busybox"}}};
  const auto created = create(j);
  REQUIRE(created.errors.empty());
  const api::PodSpec& pod = created.job.spec.template_.spec;
  REQUIRE(pod.volumes[0].empty_dir);
  CHECK(pod.volumes[0].empty_dir->medium.empty());
  CHECK(pod.volumes[1].host_path->type == "");
  const api::Probe& probe = *pod.containers[0].readiness_probe;
  CHECK(probe.timeout_seconds == 1);
  CHECK(probe.period_seconds == 10);
  CHECK(probe.success_threshold == 1);
  CHECK(probe.failure_threshold == 3);
  CHECK(probe.initial_delay_seconds == 0);
  CHECK(pod.containers[0].env[0].value_from->field_ref->api_version == "v1");
  CHECK(pod.init_containers[0].image_pull_policy == "Always");
  CHECK(pod.init_containers[0].termination_message_path == "/dev/termination-log");
}

TEST_CASE("a manual selector with expressions is kept, validated and encoded", "[unit]") {
  json j = pi_job();
  j["spec"]["manualSelector"] = true;
  j["spec"]["selector"] = {{"matchLabels", {{"app", "pi"}}},
                           {"matchExpressions",
                            {{{"key", "tier"}, {"operator", "In"}, {"values", {"batch", "hpc"}}},
                             {{"key", "legacy"}, {"operator", "DoesNotExist"}}}}};
  j["spec"]["template"]["metadata"]["labels"] = {{"app", "pi"}, {"tier", "hpc"}};
  const auto created = create(j);
  REQUIRE(messages(created.errors).empty());
  // No generated labels or selector entries with manualSelector.
  CHECK(created.job.spec.template_.metadata.labels == api::Labels{{"app", "pi"}, {"tier", "hpc"}});
  const auto encoded = api::encode_job(created.job);
  CHECK(encoded["spec"]["selector"].dump() ==
        R"({"matchLabels":{"app":"pi"},"matchExpressions":[{"key":"tier","operator":"In",)"
        R"("values":["batch","hpc"]},{"key":"legacy","operator":"DoesNotExist"}]})");
  CHECK(api::format_label_selector(created.job.spec.selector) ==
        "app=pi,!legacy,tier in (batch,hpc)");
}

TEST_CASE("fields unknown to Kubernetes follow the field validation mode", "[unit]") {
  using api::FieldValidation;
  json j = pi_job();
  j["spec"]["foo"] = 1;
  j["spec"]["template"]["spec"]["containers"][0]["colour"] = "blue";
  std::mt19937_64 rng(1);
  const auto now = base::TimePoint{};

  const auto strict = api::create_job(j, now, rng, FieldValidation::strict);
  REQUIRE(strict.bad_request);
  CHECK(*strict.bad_request ==
        "Job in version \"v1\" cannot be handled as a Job: strict decoding error: unknown field "
        "\"spec.foo\", unknown field \"spec.template.spec.containers[0].colour\"");
  CHECK(strict.errors.empty());

  const auto warn = api::create_job(j, now, rng, FieldValidation::warn);
  CHECK_FALSE(warn.bad_request);
  CHECK(warn.errors.empty());
  CHECK(warn.warnings ==
        std::vector<std::string>{"unknown field \"spec.foo\"",
                                 "unknown field \"spec.template.spec.containers[0].colour\""});

  const auto ignore = api::create_job(j, now, rng, FieldValidation::ignore);
  CHECK_FALSE(ignore.bad_request);
  CHECK(ignore.errors.empty());
  CHECK(ignore.warnings.empty());
}

TEST_CASE("fields Kubernetes knows but batchlet does not support are refused in every mode",
          "[unit]") {
  for (auto mode :
       {api::FieldValidation::strict, api::FieldValidation::warn, api::FieldValidation::ignore}) {
    json j = pi_job();
    j["spec"]["template"]["spec"]["tolerations"] = json::array({{{"operator", "Exists"}}});
    j["spec"]["bar"] = true;
    std::mt19937_64 rng(1);
    const auto created = api::create_job(j, base::TimePoint{}, rng, mode);
    if (mode == api::FieldValidation::strict) {
      CHECK(created.bad_request);  // 400 comes first, as decoding fails before validation
      continue;
    }
    CHECK(messages(created.errors) ==
          std::vector<std::string>{"spec.template.spec.tolerations: Forbidden: not supported by "
                                   "batchlet (see docs/compatibility.md)"});
    // Unknown-field warnings are sent even though the create fails.
    CHECK(created.warnings.size() == (mode == api::FieldValidation::warn ? 1u : 0u));
  }
}

TEST_CASE("explicit nulls of known fields are unset, as kubectl's dry-run output has them",
          "[unit]") {
  json j = pi_job();
  j["metadata"]["creationTimestamp"] = nullptr;
  j["spec"]["template"]["metadata"] = {{"creationTimestamp", nullptr}};
  j["spec"]["template"]["spec"]["containers"][0]["resources"] = json::object();
  j["status"] = json::object();
  const auto created = create(j);
  CHECK(messages(created.errors).empty());
  CHECK_FALSE(created.bad_request);
}

TEST_CASE("create warnings: a name that is not a DNS label, huge Indexed jobs", "[unit]") {
  json j = pi_job();
  j["metadata"]["name"] = "pi.v2";
  const auto dotted = create(j);
  REQUIRE(dotted.errors.empty());
  CHECK(dotted.warnings ==
        std::vector<std::string>{
            "metadata.name: this is used in Pod names and hostnames, which can result in "
            "surprising behavior; a DNS label is recommended: [must not contain dots]"});

  json big = pi_job();
  big["spec"]["completionMode"] = "Indexed";
  big["spec"]["completions"] = 100001;
  big["spec"]["parallelism"] = 10001;
  const auto indexed = create(big);
  REQUIRE(messages(indexed.errors).empty());
  CHECK(indexed.warnings ==
        std::vector<std::string>{
            "spec: In Indexed Jobs with a number of completions higher than 10^5 and a "
            "parallelism higher than 10^4, Kubernetes might not be able to track "
            "completedIndexes when a big number of indexes fail"});

  // An invalid Job gets its errors, not the create warnings.
  j["spec"]["parallelism"] = -1;
  CHECK(create(j).warnings.empty());
}
