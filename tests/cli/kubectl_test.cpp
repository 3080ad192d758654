// tests/cli/kubectl_test.cpp: the real kubectl (/usr/bin/kubectl, with its version dispatcher)
// and the official Python client against a `batchlet serve` started by the test — real agent,
// store, processes and HTTPS, nothing faked. Containers run the host image, so the test runs as
// root; cgroups are off (the agent's cgroup tree is tested elsewhere).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/file.hpp"
#include "base/unique_fd.hpp"
#include "cli_harness.hpp"
#include "runtime/host_process.hpp"
#include "tests/api/http_test_client.hpp"
#include "tests/api/rest_corpus.hpp"

using namespace cli_test;

namespace {

struct Kubectl {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class Served {
 public:
  explicit Served(int minor = 32, const std::vector<std::string>& extra_flags = {}) {
    std::vector<std::string> flags = {"--server-minor", std::to_string(minor)};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    process_ = start_logged_serve(dir_.path, flags);
    log_ = dir_.path / "serve.log";
    kubeconfig_ = dir_.path / "state" / "kubeconfig.yaml";
  }
  ~Served() {
    ::kill(process_.child.pid(), SIGTERM);
    (void)process_.child.wait();
    kill_leftover_containers(dir_.path / "state");
  }

  Kubectl kubectl(const std::string& args) {
    const auto out = dir_.path / "kubectl.out";
    const auto err = dir_.path / "kubectl.err";
    const std::string command = "/usr/bin/kubectl --kubeconfig " + kubeconfig_.string() +
                                " --cache-dir " + (dir_.path / "cache").string() + " " + args +
                                " >" + out.string() + " 2>" + err.string() + " </dev/null";
    const int status = std::system(command.c_str());
    Kubectl result{WEXITSTATUS(status), text_of(out), text_of(err)};
    UNSCOPED_INFO("kubectl " << args << " -> " << result.exit_code << "\n"
                             << result.out << result.err);
    return result;
  }

  std::string write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }
  const fs::path& kubeconfig() const { return kubeconfig_; }
  fs::path socket() const { return dir_.path / "run" / "batchlet.sock"; }
  std::string log() const { return text_of(log_); }

 private:
  TempDir dir_;
  fs::path log_;
  fs::path kubeconfig_;
  runtime::HostProcess process_;
};

std::string job_yaml(const std::string& name, const std::string& script,
                     const std::string& extra_spec = "", const std::string& labels = "") {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\n" +
         (labels.empty() ? "" : "  labels:\n" + labels) + "spec:\n" + extra_spec +
         "  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n"
         "      containers:\n      - name: main\n        image: batchlet.local/host\n"
         "        command: [\"sh\", \"-c\", \"" +
         script + "\"]\n";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("kubectl: apply, wait, get, logs, describe, re-apply, delete", "[integration]") {
  Served served;
  const std::string file = served.write("pi.yaml", job_yaml("pi", "echo hello; echo world"));
  Kubectl r = served.kubectl("apply -f " + file);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "job.batch/pi created\n");

  r = served.kubectl("wait --for=condition=complete job/pi --timeout=60s");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "job.batch/pi condition met\n");

  r = served.kubectl("get jobs");
  REQUIRE(r.exit_code == 0);
  const auto rows = lines(r.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].rfind("NAME   STATUS     COMPLETIONS   DURATION   AGE", 0) == 0);
  CHECK(rows[1].rfind("pi     Complete   1/1           ", 0) == 0);

  r = served.kubectl("get jobs -o wide");
  CHECK(contains(r.out, "CONTAINERS   IMAGES                SELECTOR"));
  CHECK(contains(r.out, "main         batchlet.local/host   batch.kubernetes.io/controller-uid="));

  r = served.kubectl("get job pi -o jsonpath={.status.succeeded}");
  CHECK(r.out == "1");
  r = served.kubectl("get job pi -o yaml");
  CHECK(contains(r.out, "kind: Job"));
  CHECK(contains(r.out, "type: Complete"));
  r = served.kubectl("get jobs -o json");
  CHECK(contains(r.out, "\"kind\": \"List\""));

  r = served.kubectl("logs job/pi");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "hello\nworld\n");

  r = served.kubectl("describe job pi");
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed"));
  CHECK(contains(r.out, "SuccessfulCreate"));
  CHECK(contains(r.out, "Completed"));

  r = served.kubectl("get pods -l job-name=pi");
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "Completed"));
  r = served.kubectl("get events");
  CHECK(contains(r.out, "job/pi"));
  r = served.kubectl("get events.v1.events.k8s.io -o jsonpath={.items[*].note}");
  CHECK(contains(r.out, "Created pod: pi-"));

  r = served.kubectl("apply -f " + file);
  CHECK(r.out == "job.batch/pi unchanged\n");
  served.write("pi.yaml", job_yaml("pi", "echo hello; echo world", "", "    tier: batch\n"));
  r = served.kubectl("apply -f " + file);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "job.batch/pi configured\n");
  r = served.kubectl("get job pi -o jsonpath={.metadata.labels.tier}");
  CHECK(r.out == "batch");

  r = served.kubectl("get --raw /metrics");
  CHECK(
      contains(r.out, "apiserver_request_total{verb=\"create\",resource=\"jobs\",code=\"201\"} 1"));
  CHECK(contains(r.out, "batchlet_jobs{status=\"Complete\"} 1"));
  CHECK(contains(r.out, "batchlet_pods{phase=\"Succeeded\"} 1"));

  r = served.kubectl("delete job pi");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "job.batch \"pi\" deleted\n");
  r = served.kubectl("get job pi");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "Error from server (NotFound): jobs.batch \"pi\" not found\n");
}

TEST_CASE("kubectl: create job and create namespace send protobuf", "[integration]") {
  Served served;
  Kubectl r = served.kubectl("create namespace team-a");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "namespace/team-a created\n");
  r = served.kubectl("get namespaces");
  CHECK(contains(r.out, "team-a    Active"));
  r = served.kubectl("-n team-a create job quick --image=batchlet.local/host -- true");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "job.batch/quick created\n");
  r = served.kubectl("-n team-a wait --for=condition=complete job/quick --timeout=60s");
  CHECK(r.exit_code == 0);
  r = served.kubectl("-n nope create job quick --image=batchlet.local/host -- true");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "namespaces \"nope\" not found"));
  r = served.kubectl("delete namespace default");
  CHECK(r.exit_code == 1);
  CHECK(r.err ==
        "Error from server (Forbidden): namespaces \"default\" is forbidden: this "
        "namespace may not be deleted\n");
  r = served.kubectl("delete namespace team-a --timeout=60s");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "namespace \"team-a\" deleted\n");
  r = served.kubectl("get jobs,pods -n team-a");
  CHECK(r.err == "No resources found in team-a namespace.\n");
  r = served.kubectl("get namespace team-a");
  CHECK(r.exit_code == 1);
}

TEST_CASE("kubectl: wait for failed, patch suspend, server-side apply, cascade modes",
          "[integration]") {
  Served served;
  Kubectl r = served.kubectl("apply -f " + served.write("fail.yaml", job_yaml("fail", "exit 3")));
  REQUIRE(r.exit_code == 0);
  r = served.kubectl("wait --for=condition=failed job/fail --timeout=60s");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "job.batch/fail condition met\n");

  r = served.kubectl(
      "apply --server-side -f " +
      served.write("sus.yaml", job_yaml("sus", "echo resumed", "  suspend: true\n")));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "job.batch/sus serverside-applied\n");
  r = served.kubectl("get job sus");
  CHECK(contains(r.out, "Suspended"));
  r = served.kubectl("patch job sus -p {\\\"spec\\\":{\\\"suspend\\\":false}}");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "job.batch/sus patched\n");
  r = served.kubectl("wait --for=condition=complete job/sus --timeout=60s");
  CHECK(r.exit_code == 0);

  r = served.kubectl("delete job sus --cascade=orphan");
  CHECK(r.exit_code == 0);
  r = served.kubectl("get pods -l job-name=sus -o name");
  CHECK(contains(r.out, "pod/sus-"));
  r = served.kubectl("delete job fail --cascade=foreground");
  CHECK(r.exit_code == 0);
  r = served.kubectl("get pods -l job-name=fail -o name");
  CHECK(r.out.empty());
}

TEST_CASE("kubectl: logs -f follows to the end, get -w prints changes", "[integration]") {
  Served served;
  Kubectl r = served.kubectl("apply -f " +
                             served.write("slow.yaml", job_yaml("slow",
                                                                "for i in 1 2 3; do echo line $i; "
                                                                "sleep 0.3; done")));
  REQUIRE(r.exit_code == 0);
  r = served.kubectl("logs -f job/slow --pod-running-timeout=30s");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "line 1\nline 2\nline 3\n");
  r = served.kubectl("get jobs -w --request-timeout=3s");
  CHECK(contains(r.out, "slow"));
}

TEST_CASE("kubectl: explain reads the generated schema", "[integration]") {
  Served served;
  Kubectl r = served.kubectl("explain job.spec.backoffLimit");
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "FIELD: backoffLimit <integer>"));
  r = served.kubectl("explain job.spec.template.spec.containers");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "<[]Container>"));
}

TEST_CASE("kubectl of other minor versions works the same", "[integration]") {
  for (int minor : {30, 33}) {
    DYNAMIC_SECTION("v1." << minor) {
      Served served(minor);
      Kubectl r = served.kubectl("apply -f " + served.write("v.yaml", job_yaml("v", "true")));
      REQUIRE(r.exit_code == 0);
      r = served.kubectl("wait --for=condition=complete job/v --timeout=60s");
      CHECK(r.exit_code == 0);
      r = served.kubectl("get jobs");
      CHECK(contains(r.out, "Complete"));
      r = served.kubectl("delete job v");
      CHECK(r.exit_code == 0);
    }
  }
}

TEST_CASE("the Python client creates, lists, watches, reads and deletes a Job", "[integration]") {
  Served served;
  const Output o = run(
      {"/usr/bin/python3", "tests/cli/testdata/python_client.py", served.kubeconfig().string()});
  INFO(o.out << o.err << served.log());
  CHECK(o.exit_code == 0);
  CHECK(lines(o.out).back() == "ok");
}

TEST_CASE("every invalid manifest sent over HTTP gets its Status and the agent keeps serving",
          "[integration]") {
  Served served;
  http_test::UnixClient client(served.socket());
  const std::string jobs = "/apis/batch/v1/namespaces/default/jobs?fieldValidation=Strict";
  int checked = 0;
  for (const rest_corpus::Case& c : rest_corpus::cases()) {
    if (c.expected.empty()) continue;
    INFO(c.name);
    const http_test::Reply reply = client.send("POST", jobs, c.body.dump());
    REQUIRE(reply.status >= 400);
    const auto status = nlohmann::json::parse(reply.body);
    CHECK(status["kind"] == "Status");
    CHECK(status["code"] == reply.status);
    CHECK(rest_corpus::normalized(status["message"], c.body) == c.expected);
    ++checked;
  }
  CHECK(checked > 100);
  // Bodies that are not JSON at all, or JSON nested deeper than any decoder should go (the
  // size limit itself is tested with the server, tests/api/http_server_test.cpp).
  CHECK(client.send("POST", jobs, "\x01\x02not json").status == 400);
  CHECK(client.send("POST", jobs, std::string(2 * 1024 * 1024, '[')).status == 400);
  http_test::UnixClient again(served.socket());
  CHECK(again.send("GET", "/healthz").status == 200);
  const Kubectl r = served.kubectl("get jobs");
  CHECK(r.exit_code == 0);
  CHECK(r.err == "No resources found in default namespace.\n");
}

TEST_CASE("evicted pods of a job that ignores DisruptionTarget are replaced, not counted",
          "[integration]") {
  // Ignored failures still delay the replacements by the job's backoff: make it short.
  Served served(32, {"--pod-backoff-base", "0.1", "--pod-backoff-cap", "0.4"});
  TempDir markers;
  const Output o = run({"/usr/bin/python3", "tests/cli/testdata/evict_ignore.py",
                        served.kubeconfig().string(), markers.path.string()});
  INFO(o.out << o.err << served.log());
  CHECK(o.exit_code == 0);
  REQUIRE_FALSE(lines(o.out).empty());
  CHECK(lines(o.out).back() == "ok");
}

namespace {

// Polls `kubectl get <what> -o jsonpath=<path>` until it prints `want` (~40 s at most).
bool eventually(Served& served, const std::string& what, const std::string& path,
                const std::string& want) {
  for (int i = 0; i < 100; ++i) {
    if (served.kubectl("get " + what + " -o jsonpath='" + path + "'").out == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

}  // namespace

TEST_CASE("scenario 6: suspending a running job deletes its pods", "[integration]") {
  Served served;
  REQUIRE(served
              .kubectl("apply -f " +
                       served.write("s6.yaml", job_yaml("s6",
                                                        "trap 'exit 0' TERM; while true; do "
                                                        "sleep 0.1; done",
                                                        "  parallelism: 2\n  completions: 4\n")))
              .exit_code == 0);
  REQUIRE(eventually(served, "job s6", "{.status.ready}", "2"));
  REQUIRE(served.kubectl("patch job s6 -p {\\\"spec\\\":{\\\"suspend\\\":true}}").exit_code == 0);
  CHECK(eventually(served, "pods -l job-name=s6", "{.items[*].metadata.name}", ""));
  CHECK(eventually(served, "job s6", "{.status.conditions[?(@.type==\"Suspended\")].status}",
                   "True"));
  // Zero counters are omitted, as upstream: neither active nor failed.
  CHECK(eventually(served, "job s6", "{.status.active}/{.status.failed}", "/"));
}

TEST_CASE("scenario 7: with podReplacementPolicy Failed a deleted pod is replaced once it failed",
          "[integration]") {
  Served served;
  // The pod takes 2 s to stop after SIGTERM.
  REQUIRE(
      served
          .kubectl("apply -f " +
                   served.write("s7.yaml", job_yaml("s7",
                                                    "trap 'sleep 2; exit 143' TERM; while true; do "
                                                    "sleep 0.1; done",
                                                    "  podReplacementPolicy: Failed\n")))
          .exit_code == 0);
  REQUIRE(eventually(served, "job s7", "{.status.ready}", "1"));
  const std::string first = served.kubectl("get pods -l job-name=s7 -o name").out;
  REQUIRE(
      served.kubectl("delete " + first.substr(0, first.size() - 1) + " --wait=false").exit_code ==
      0);
  // Terminating, not failed, not replaced (zero counters are omitted): active 0, failed 0.
  CHECK(eventually(served, "job s7", "{.status.active}/{.status.failed}/{.status.terminating}",
                   "//1"));
  // backoffLimit 0: the failed pod fails the job, and no replacement was ever made.
  CHECK(eventually(served, "job s7", "{.status.failed}/{.status.terminating}", "1/0"));
  CHECK(served
            .kubectl("get events --field-selector involvedObject.name=s7 -o "
                     "jsonpath='{.items[?(@.reason==\"SuccessfulCreate\")].message}'")
            .out == "Created pod: " + first.substr(4, first.size() - 5));
}

TEST_CASE("an exec readiness probe decides when the pod and the job count as ready",
          "[integration]") {
  Served served;
  TempDir marks;
  const std::string yaml =
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: probed\nspec:\n  backoffLimit: 0\n"
      "  template:\n    spec:\n      restartPolicy: Never\n"
      "      containers:\n      - name: main\n        image: batchlet.local/host\n"
      "        command: [\"sh\", \"-c\", \"while [ ! -e /mnt/done ]; do sleep 0.1; done\"]\n"
      "        volumeMounts: [{name: marks, mountPath: /mnt}]\n"
      "        readinessProbe:\n          exec: {command: [cat, /mnt/ready]}\n"
      "          periodSeconds: 1\n          failureThreshold: 1\n"
      "      volumes: [{name: marks, hostPath: {path: " +
      marks.path.string() + "}}]\n";
  REQUIRE(served.kubectl("apply -f " + served.write("probed.yaml", yaml)).exit_code == 0);
  // Running, probed, failing: not ready, and each failure is an Unhealthy event with the output.
  const std::string pod_ready = "{.items[0].status.conditions[?(@.type==\"Ready\")].status}";
  const std::string unhealthy =
      "events --field-selector reason=Unhealthy -o jsonpath='{.items[0].message}'";
  bool failed_probe = false;
  for (int i = 0; i < 100 && !failed_probe; ++i) {
    failed_probe = served.kubectl("get " + unhealthy).out ==
                   "Readiness probe failed: cat: /mnt/ready: No such file or directory\n";
    if (!failed_probe) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(failed_probe);
  CHECK(served
            .kubectl("get events --field-selector reason=Unhealthy -o "
                     "jsonpath='{.items[0].type}/{.items[0].involvedObject.fieldPath}'")
            .out == "Warning/spec.containers{main}");
  CHECK(eventually(served, "pods -l job-name=probed", "{.items[0].status.phase}/" + pod_ready,
                   "Running/False"));
  CHECK(eventually(served, "job probed", "{.status.active}/{.status.ready}", "1/0"));
  // The probe passes: ready; it fails once more (failureThreshold 1): not ready again.
  marks.write("ready", "yes\n");
  CHECK(eventually(served, "job probed", "{.status.ready}", "1"));
  CHECK(eventually(served, "pods -l job-name=probed",
                   pod_ready + "/{.items[0].status.containerStatuses[0].ready}", "True/true"));
  fs::remove(marks.path / "ready");
  CHECK(eventually(served, "job probed", "{.status.ready}", "0"));
  CHECK(eventually(served, "pods -l job-name=probed", pod_ready, "False"));
  marks.write("done", "");
  CHECK(served.kubectl("wait --for=condition=complete job/probed --timeout=60s").exit_code == 0);
}

TEST_CASE("scenario 5: a job created suspended makes no pods until it is resumed",
          "[integration]") {
  Served served;
  REQUIRE(served
              .kubectl("apply -f " +
                       served.write("s5.yaml", job_yaml("s5", "exit 0",
                                                        "  suspend: true\n  parallelism: 2\n"
                                                        "  completions: 4\n")))
              .exit_code == 0);
  CHECK(eventually(served, "job s5",
                   "{.status.conditions[?(@.type==\"Suspended\")].status}/"
                   "{.status.conditions[?(@.type==\"Suspended\")].reason}",
                   "True/JobSuspended"));
  // A sync has run (the condition is there): still no pod.
  CHECK(served.kubectl("get pods -l job-name=s5 -o name").out.empty());
  REQUIRE(served.kubectl("patch job s5 -p {\\\"spec\\\":{\\\"suspend\\\":false}}").exit_code == 0);
  CHECK(served.kubectl("wait --for=condition=complete job/s5 --timeout=60s").exit_code == 0);
  CHECK(served
            .kubectl("get job s5 -o jsonpath='{.status.succeeded}/"
                     "{.status.conditions[?(@.type==\"Complete\")].reason}/"
                     "{.status.conditions[?(@.type==\"Suspended\")].status}'")
            .out == "4/CompletionsReached/False");
  CHECK(served.kubectl("get pods -l job-name=s5 --field-selector status.phase=Succeeded -o name")
            .out.size() == 4 * std::string("pod/s5-xxxxx\n").size());
}
