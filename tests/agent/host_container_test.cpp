#include "agent/host_container.hpp"

#include <catch2/catch.hpp>

namespace {

api::Job runnable_job() {
  api::Job j;
  j.metadata.name = "j";
  j.spec.parallelism = 1;
  j.spec.completions = 1;
  j.spec.completion_mode = "NonIndexed";
  j.spec.suspend = false;
  api::Container c;
  c.name = "c";
  c.image = "batchlet.local/host";
  c.command = {"true"};
  j.spec.template_.spec.containers.push_back(c);
  return j;
}

std::vector<std::string> messages(const api::FieldErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.to_string());
  return out;
}

}  // namespace

TEST_CASE("check_runnable accepts a one-container host-image job", "[unit]") {
  CHECK(agent::check_runnable(runnable_job()).empty());
}

TEST_CASE("check_runnable names each field this version cannot honour", "[unit]") {
  auto j = runnable_job();
  j.spec.parallelism = 2;
  j.spec.template_.spec.containers[0].image = "perl";
  j.spec.template_.spec.containers.push_back(j.spec.template_.spec.containers[0]);
  CHECK(messages(agent::check_runnable(j)) ==
        std::vector<std::string>{
            "spec.parallelism: Invalid value: 2: batchlet run starts one pod at a time for now; "
            "use 0 or 1",
            "spec.template.spec.containers[1]: Forbidden: batchlet runs one container per pod for "
            "now",
            "spec.template.spec.containers[0].image: Unsupported value: \"perl\": supported "
            "values: \"batchlet.local/host\""});

  auto no_command = runnable_job();
  no_command.spec.template_.spec.containers[0].command.clear();
  CHECK(messages(agent::check_runnable(no_command)) ==
        std::vector<std::string>{"spec.template.spec.containers[0].command: Required value: the "
                                 "image \"batchlet.local/host\" has no entrypoint"});

  auto suspended = runnable_job();
  suspended.spec.suspend = true;
  suspended.spec.completion_mode = "Indexed";
  CHECK(agent::check_runnable(suspended).size() == 2);
}

TEST_CASE("a container becomes a host process with expanded references", "[unit]") {
  api::Container c;
  c.command = {"sh", "-c"};
  c.args = {"echo $(GREETING) $(UNKNOWN)"};
  c.env = {{"NAME", "world", {}}, {"GREETING", "hello $(NAME)", {}}, {"PATH", "/bin", {}}};
  const auto spec = agent::host_process_spec(c);
  CHECK(spec.argv == std::vector<std::string>{"sh", "-c", "echo hello world $(UNKNOWN)"});
  CHECK(spec.env == std::vector<std::string>{"PATH=/bin", "NAME=world", "GREETING=hello world"});
  CHECK(spec.cwd == "/");

  api::Container plain;
  plain.command = {"true"};
  plain.working_dir = "/tmp";
  const auto plain_spec = agent::host_process_spec(plain);
  CHECK(plain_spec.env == std::vector<std::string>{
                              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  CHECK(plain_spec.cwd == "/tmp");
}

TEST_CASE("check_runnable refuses the advanced Job fields until the controller has them",
          "[unit]") {
  auto j = runnable_job();
  j.spec.pod_failure_policy = api::PodFailurePolicy{};
  j.spec.success_policy = api::SuccessPolicy{};
  j.spec.backoff_limit_per_index = 1;
  j.spec.max_failed_indexes = 1;
  j.spec.managed_by = "example.com/other";
  CHECK(messages(agent::check_runnable(j)) ==
        std::vector<std::string>{
            "spec.podFailurePolicy: Forbidden: batchlet run does not implement this field yet",
            "spec.successPolicy: Forbidden: batchlet run does not implement this field yet",
            "spec.backoffLimitPerIndex: Forbidden: batchlet run does not implement this field yet",
            "spec.maxFailedIndexes: Forbidden: batchlet run does not implement this field yet",
            "spec.managedBy: Forbidden: a job managed by another controller is never run by "
            "batchlet"});
  auto ours = runnable_job();
  ours.spec.managed_by = "kubernetes.io/job-controller";
  CHECK(agent::check_runnable(ours).empty());
}

TEST_CASE("check_runnable refuses pod fields the host runtime cannot honour yet", "[unit]") {
  auto j = runnable_job();
  api::PodSpec& pod = j.spec.template_.spec;
  pod.volumes.push_back(api::Volume{"scratch", std::nullopt, api::EmptyDirVolumeSource{}});
  pod.init_containers.push_back(pod.containers[0]);
  pod.active_deadline_seconds = 60;
  pod.hostname = "h";
  pod.subdomain = "s";
  pod.node_selector = {{"disktype", "ssd"}, {"kubernetes.io/os", "windows"}};
  pod.security_context = api::PodSecurityContext{};
  pod.security_context->run_as_user = 1000;
  pod.security_context->supplemental_groups = {5};
  api::Container& c = pod.containers[0];
  c.env.push_back({"POD", "", api::EnvVarSource{api::ObjectFieldSelector{"v1", "metadata.name"}}});
  c.resources.limits["cpu"] = *api::Quantity::parse("1");
  c.resources.requests["memory"] = *api::Quantity::parse("1Gi");
  c.volume_mounts.push_back({"scratch", false, "/scratch", ""});
  c.readiness_probe = api::Probe{};
  c.security_context = api::SecurityContext{};
  const std::string later = ": Forbidden: not supported by the host runtime yet";
  const std::string p = "spec.template.spec";
  const std::string c0 = p + ".containers[0]";
  CHECK(messages(agent::check_runnable(j)) ==
        std::vector<std::string>{
            p + ".volumes" + later, p + ".initContainers" + later,
            p + ".activeDeadlineSeconds" + later, p + ".hostname" + later, p + ".subdomain" + later,
            p + ".nodeSelector[disktype]: Forbidden: no label of this node matches it",
            p + ".nodeSelector[kubernetes.io/os]: Unsupported value: \"windows\": supported "
                "values: \"linux\"",
            p + ".securityContext.runAsUser" + later,
            p + ".securityContext.supplementalGroups" + later, c0 + ".env[0].valueFrom" + later,
            c0 + ".resources.limits" + later, c0 + ".resources.requests" + later,
            c0 + ".volumeMounts" + later, c0 + ".readinessProbe" + later,
            c0 + ".securityContext" + later});
}

TEST_CASE("check_runnable accepts the node selectors this host satisfies", "[unit]") {
  auto j = runnable_job();
  j.spec.template_.spec.node_selector = {{"kubernetes.io/os", "linux"}};
  CHECK(agent::check_runnable(j).empty());
  // Defaulting leaves an empty pod securityContext, which asks for nothing.
  j.spec.template_.spec.security_context = api::PodSecurityContext{};
  CHECK(agent::check_runnable(j).empty());
}

TEST_CASE("check_runnable accepts owner references and finalizers: nothing is stored", "[unit]") {
  auto j = runnable_job();
  j.metadata.owner_references.push_back({"example.com/v1", "Workflow", "wf", "u", true, true});
  j.metadata.finalizers = {"example.com/keep"};
  j.spec.template_.metadata.finalizers = {"example.com/pod-keep"};
  CHECK(agent::check_runnable(j).empty());
}

TEST_CASE("check_runnable accepts a manual selector: it only picks the job's own pods", "[unit]") {
  auto j = runnable_job();
  j.spec.manual_selector = true;
  j.spec.selector = api::LabelSelector{{{"app", "x"}}, {{"tier", "Exists", {}}}};
  CHECK(agent::check_runnable(j).empty());
}
