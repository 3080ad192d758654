// tests/cli/client_test.cpp: the kubectl-like client commands of the batchlet binary against a
// real `batchlet serve`, side by side with the real kubectl on the same state (issue 12: "CLI
// tests compare `batchlet get jobs` and `kubectl get jobs` output"), and as a local user who
// lands in their own namespace.
//
// Labels integration, root: containers run on the host image; the multi-user case creates a
// user with useradd (removed after).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

#include "local_users.hpp"

using namespace cli_test;

namespace {

// The cells of a `get` table, line by line, with ages ("0s", "5m3s", ...) masked: they tick
// between the two commands, and a tick can change a column's width.
std::vector<std::vector<std::string>> cells_without_ages(const std::string& table) {
  static const std::regex age("[0-9]+(s|m([0-9]+s)?|h([0-9]+m)?|d([0-9]+h)?|y([0-9]+d)?)");
  std::vector<std::vector<std::string>> out;
  for (const auto& line : lines(table)) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string word; words >> word;) {
      cells.push_back(std::regex_match(word, age) ? "<age>" : word);
    }
    out.push_back(std::move(cells));
  }
  return out;
}

std::string until_events(const std::string& text) { return text.substr(0, text.find("Events:")); }

struct Agent {
  SharedAgent shared;
  fs::path binary;  // a copy of batchlet other users may run
  std::string kubectl;

  Agent() : binary(shared.dir.path / "batchlet") {
    fs::copy_file(BATCHLET_BINARY, binary);
    fs::permissions(binary, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
    kubectl = "/usr/bin/kubectl --kubeconfig " +
              (shared.dir.path / "state/kubeconfig.yaml").string() + " --cache-dir " +
              (shared.dir.path / "cache").string();
  }
  std::string batchlet_command(const std::string& args) const {
    return binary.string() + " " + args + " --socket " + shared.socket.string();
  }
  Shell run(const std::string& args) { return shell(shared.dir, batchlet_command(args)); }
  Shell kube(const std::string& args) { return shell(shared.dir, kubectl + " " + args); }
  std::string write(const std::string& name, const std::string& text) {
    return shared.dir.write(name, text);
  }
};

std::string job_yaml(const std::string& name, const std::string& script,
                     const std::string& labels = "") {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name + "\n" +
         (labels.empty() ? "" : "  labels:\n" + labels) +
         "spec:\n  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n"
         "      containers:\n      - name: main\n        image: batchlet.local/host\n"
         "        command: [\"sh\", \"-c\", \"" +
         script + "\"]\n";
}

}  // namespace

TEST_CASE("batchlet apply, wait, logs, get, describe and delete print what kubectl prints",
          "[integration][root]") {
  Agent agent;
  const auto file = agent.write("pi.yaml", job_yaml("pi", "echo hello; echo world"));
  auto applied = agent.run("apply -f " + file);
  CHECK(applied.exit_code == 0);
  CHECK(applied.out == "job.batch/pi created\n");
  CHECK(agent.run("apply -f " + file).out == "job.batch/pi unchanged\n");
  const auto labelled =
      agent.write("pi2.yaml", job_yaml("pi", "echo hello; echo world", "    team: blue\n"));
  CHECK(agent.run("apply -f " + labelled).out == "job.batch/pi configured\n");
  auto waited = agent.run("wait --for=condition=complete --timeout=60s job/pi");
  CHECK(waited.exit_code == 0);
  CHECK(waited.out == "job.batch/pi condition met\n");
  CHECK(agent.run("logs job/pi").out == "hello\nworld\n");

  // The same state through both clients.
  for (const std::string args : {"get jobs", "get pods", "get jobs -o wide", "get events",
                                 "get jobs -A", "get jobs --show-labels"}) {
    const auto ours = agent.run(args);
    const auto theirs = agent.kube(args);
    INFO(args);
    CHECK(ours.exit_code == 0);
    CHECK(cells_without_ages(ours.out) == cells_without_ages(theirs.out));
    CHECK(lines(ours.out).size() >= 2);
  }
  const auto header = lines(agent.run("get jobs").out).at(0);
  CHECK(header == "NAME   STATUS     COMPLETIONS   DURATION   AGE");
  for (const std::string args :
       {"get jobs pi -o yaml", "get jobs -o json", "get pods -o yaml", "get jobs -o name"}) {
    INFO(args);
    CHECK(agent.run(args).out == agent.kube(args).out);
  }
  // The same over HTTPS with the kubeconfig the agent wrote; a wrong token is kubectl's 401.
  const auto kubeconfig = agent.shared.dir.path / "state/kubeconfig.yaml";
  const auto over_tls =
      shell(agent.shared.dir,
            agent.binary.string() + " get jobs -o yaml --kubeconfig " + kubeconfig.string());
  CHECK(over_tls.exit_code == 0);
  CHECK(over_tls.out == agent.run("get jobs -o yaml").out);
  std::string wrong = text_of(kubeconfig);
  wrong.replace(wrong.find("token: \"") + 8, 1, "#");
  const auto wrong_file = agent.write("wrong.yaml", wrong);
  const auto unauthorized =
      shell(agent.shared.dir, agent.binary.string() + " get jobs --kubeconfig " + wrong_file);
  CHECK(unauthorized.exit_code == 1);
  CHECK(unauthorized.err == agent.kube("get jobs --kubeconfig " + wrong_file).err);
  CHECK(until_events(agent.run("describe job pi").out) ==
        until_events(agent.kube("describe job pi").out));
  CHECK(agent.run("describe job pi").out.find("Created pod: pi-") != std::string::npos);

  // Failures: the server's Status in kubectl's words, exit 1.
  for (const std::string args :
       {"get jobs nope", "delete job nope", "describe job nope", "get widgets"}) {
    const auto ours = agent.run(args);
    const auto theirs = agent.kube(args);
    INFO(args);
    CHECK(ours.exit_code == 1);
    CHECK(ours.err == theirs.err);
  }
  CHECK(agent.run("create -f " + file).err ==
        "Error from server (AlreadyExists): jobs.batch \"pi\" already exists\n");

  auto deleted = agent.run("delete job pi");
  CHECK(deleted.exit_code == 0);
  CHECK(deleted.out == "job.batch \"pi\" deleted\n");
  auto none = agent.run("get jobs");
  CHECK(none.out.empty());
  CHECK(none.err == "No resources found in default namespace.\n");
}

TEST_CASE("batchlet logs -f and get -w follow a running job to its end", "[integration][root]") {
  Agent agent;
  const auto file = agent.write("slow.yaml", job_yaml("slow", "echo one; sleep 2; echo two"));
  REQUIRE(agent.run("create -f " + file).exit_code == 0);
  // -w runs until stopped: timeout ends it once the job has had time to finish.
  auto watched =
      shell(agent.shared.dir, "timeout 8 " + agent.batchlet_command("get jobs -w") + " & " +
                                  agent.batchlet_command("logs -f job/slow") + " ; wait");
  CHECK(watched.out.find("one\ntwo\n") != std::string::npos);
  CHECK(watched.out.find("NAME   STATUS") != std::string::npos);
  CHECK(watched.out.find("slow   Complete") != std::string::npos);
  auto suspended = agent.run("suspend slow");
  CHECK(suspended.out == "job.batch/slow suspended\n");
  CHECK(agent.run("resume job/slow").out == "job.batch/slow resumed\n");
  CHECK(agent.run("wait --for=condition=failed --timeout=1s job/slow").err ==
        "error: timed out waiting for the condition on jobs/slow\n");
}

TEST_CASE("a local user's batchlet commands work in their own namespace only",
          "[integration][root]") {
  LocalUser user("blt-c" + std::to_string(::getpid() % 100000));
  Agent agent;
  const auto file = agent.write("mine.yaml", job_yaml("mine", "id -u"));
  const std::string as_user = "setpriv --reuid=" + std::to_string(user.uid) +
                              " --regid=" + std::to_string(user.gid) + " --clear-groups ";
  // The file is root's: the user's command reads it from stdin, as `-f -`.
  auto created =
      shell(agent.shared.dir, as_user + agent.batchlet_command("create -f -") + " < " + file);
  CHECK(created.exit_code == 0);
  CHECK(created.out == "job.batch/mine created\n");
  CHECK(shell(agent.shared.dir,
              as_user + agent.batchlet_command("wait --for=condition=complete job/mine"))
            .exit_code == 0);
  CHECK(shell(agent.shared.dir, as_user + agent.batchlet_command("logs job/mine")).out ==
        std::to_string(user.uid) + "\n");
  auto listed = shell(agent.shared.dir, as_user + agent.batchlet_command("get jobs --no-headers"));
  CHECK(listed.out.rfind("mine ", 0) == 0);
  auto whoami = shell(agent.shared.dir, as_user + agent.batchlet_command("whoami"));
  CHECK(whoami.out.find("Namespace:  " + user.ns() + "\n") != std::string::npos);
  CHECK(whoami.out.find("Jobs:       1 (0 running or waiting, 1 complete, 0 failed)") !=
        std::string::npos);
  auto forbidden = shell(agent.shared.dir, as_user + agent.batchlet_command("get jobs -n default"));
  CHECK(forbidden.exit_code == 1);
  CHECK(forbidden.err.rfind(
            "Error from server (Forbidden): jobs.batch is forbidden: User \"system:unix:" +
                user.name + "\" cannot list resource \"jobs\"",
            0) == 0);
  // Root sees the user's job among all namespaces.
  auto all = agent.run("get jobs -A");
  CHECK(all.out.find(user.ns() + "   mine") != std::string::npos);
}
