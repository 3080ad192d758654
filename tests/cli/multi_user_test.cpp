// tests/cli/multi_user_test.cpp: two real local users share one agent (issue 12). Each reaches
// it on the unix socket as themselves (SO_PEERCRED), gets a namespace of their own on first
// use, and can see and change only what is in it; root sees everything.
//
// Labels integration, root: creates two users with useradd (removed again by userdel) and
// talks to `batchlet serve` from processes that switched to their uids. The Jobs are created
// suspended: no container runs (running them as their owner is the next part of the issue).
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "local_users.hpp"
#include "runtime/host_process.hpp"

namespace {

using nlohmann::json;
using namespace cli_test;

struct Reply {
  int status = 0;
  json body;        // null when the body is not JSON
  std::string raw;  // the body as sent
};

// One HTTP/1.1 request on the unix socket from a process running as `uid`/`gid` (uid 0: root).
Reply request_as(uid_t uid, gid_t gid, const fs::path& socket, const std::string& method,
                 const std::string& target, const std::string& body = {}) {
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (uid != 0 && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) {
      ::_exit(2);
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket.c_str(), sizeof address.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) ::_exit(3);
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" +
                       "Connection: close\r\nContent-Type: application/json\r\n" +
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) ::_exit(4);
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
      if (::write(pipe_fds[1], buffer, static_cast<size_t>(n)) != n) ::_exit(5);
    }
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string response;
  char buffer[65536];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    response.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  INFO(method << " " << target << " as uid " << uid << ": " << response);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(response.starts_with("HTTP/1.1 "));
  Reply reply;
  reply.status = std::stoi(response.substr(9, 3));
  const size_t start = response.find("\r\n\r\n");
  REQUIRE(start != std::string::npos);
  reply.raw = response.substr(start + 4);
  reply.body = json::parse(reply.raw, nullptr, /*allow_exceptions=*/false);
  return reply;
}

std::string suspended_job(const std::string& name) {
  return json{
      {"apiVersion", "batch/v1"},
      {"kind", "Job"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"suspend", true},
        {"template",
         {{"spec",
           {{"restartPolicy", "Never"},
            {"containers",
             {{{"name", "main"}, {"image", "batchlet.local/host"}, {"command", {"true"}}}}}}}}}}}}
      .dump();
}

// A Job of one container running `script` with sh; `container` and `pod` are merged into the
// container and the pod spec.
json job(const std::string& name, const std::string& script, const json& container = json::object(),
         const json& pod = json::object()) {
  json c = {{"name", "main"}, {"image", "batchlet.local/host"}, {"command", {"sh", "-c", script}}};
  c.update(container);
  json spec = {{"restartPolicy", "Never"}, {"containers", json::array({c})}};
  spec.update(pod);
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata", {{"name", name}}},
          {"spec", {{"backoffLimit", 0}, {"template", {{"spec", spec}}}}}};
}

// What follow_job() saw of a Job of a user's namespace until it ended.
struct JobRun {
  json status;
  std::size_t most_running = 0;  // pods Running at the same moment
  std::size_t most_pods = 0;     // pods that existed at the same moment
};

// Polls (as root) until Job `name` of `ns` has `completions` succeeded or a failure.
JobRun follow_job(const SharedAgent& agent, const std::string& ns, const std::string& name,
                  int completions) {
  JobRun run;
  for (int i = 0; i < 600; ++i) {
    const json pods =
        request_as(0, 0, agent.socket, "GET", "/api/v1/namespaces/" + ns + "/pods").body;
    std::size_t running = 0;
    for (const json& pod : pods["items"]) running += pod["status"].value("phase", "") == "Running";
    run.most_running = std::max(run.most_running, running);
    run.most_pods = std::max(run.most_pods, pods["items"].size());
    run.status =
        request_as(0, 0, agent.socket, "GET", "/apis/batch/v1/namespaces/" + ns + "/jobs/" + name)
            .body["status"];
    if (run.status.value("succeeded", 0) == completions || run.status.value("failed", 0) > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return run;
}

std::vector<std::string> names_of(const json& list) {
  std::vector<std::string> names;
  for (const json& item : list["items"]) {
    names.push_back(item["metadata"]["namespace"].get<std::string>() + "/" +
                    item["metadata"]["name"].get<std::string>());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("two local users: each sees and changes only their own namespace",
          "[integration][root]") {
  const std::string suffix = std::to_string(::getpid() % 100000);
  LocalUser alice("blt-a" + suffix);
  LocalUser bob("blt-b" + suffix);
  SharedAgent agent;
  const fs::path& socket = agent.socket;
  const auto as_alice = [&](const std::string& method, const std::string& target,
                            const std::string& body = {}) {
    return request_as(alice.uid, alice.gid, socket, method, target, body);
  };
  const auto as_bob = [&](const std::string& method, const std::string& target,
                          const std::string& body = {}) {
    return request_as(bob.uid, bob.gid, socket, method, target, body);
  };
  const std::string alice_jobs = "/apis/batch/v1/namespaces/" + alice.ns() + "/jobs";
  const std::string bob_jobs = "/apis/batch/v1/namespaces/" + bob.ns() + "/jobs";

  // Each one's namespace exists from their first request, made for them.
  CHECK(as_alice("POST", alice_jobs, suspended_job("mine")).status == 201);
  CHECK(as_bob("POST", bob_jobs, suspended_job("theirs")).status == 201);
  Reply own = as_alice("GET", "/api/v1/namespaces/" + alice.ns());
  CHECK(own.status == 200);
  CHECK(own.body["metadata"]["annotations"]["batchlet.io/owner-uid"] == std::to_string(alice.uid));

  // Lists and watches across namespaces return only what the caller may see.
  Reply all = as_alice("GET", "/apis/batch/v1/jobs");
  CHECK(all.status == 200);
  CHECK(names_of(all.body) == std::vector<std::string>{alice.ns() + "/mine"});
  CHECK(names_of(as_bob("GET", "/apis/batch/v1/jobs").body) ==
        std::vector<std::string>{bob.ns() + "/theirs"});
  CHECK(names_of(request_as(0, 0, socket, "GET", "/apis/batch/v1/jobs").body) ==
        std::vector<std::string>{alice.ns() + "/mine", bob.ns() + "/theirs"});

  // Anything of the other's is 403, in the API server's words.
  const std::string who = "User \"system:unix:" + alice.name + "\"";
  Reply read = as_alice("GET", bob_jobs + "/theirs");
  CHECK(read.status == 403);
  CHECK(read.body["reason"] == "Forbidden");
  CHECK(read.body["message"] == "jobs.batch \"theirs\" is forbidden: " + who +
                                    " cannot get resource \"jobs\" in API group \"batch\" in the "
                                    "namespace \"" +
                                    bob.ns() + "\"");
  CHECK(as_alice("DELETE", bob_jobs + "/theirs").status == 403);
  CHECK(as_alice("PATCH", bob_jobs + "/theirs", R"({"spec":{"suspend":false}})").status == 403);
  Reply logs = as_alice("GET", "/api/v1/namespaces/" + bob.ns() + "/pods/theirs-x/log");
  CHECK(logs.status == 403);
  CHECK(logs.body["message"] == "pods \"theirs-x\" is forbidden: " + who +
                                    " cannot get resource \"pods/log\" in API group \"\" in the "
                                    "namespace \"" +
                                    bob.ns() + "\"");
  Reply watch = as_alice("GET", bob_jobs + "?watch=1");
  CHECK(watch.status == 403);
  CHECK(watch.body["message"] == "jobs.batch is forbidden: " + who +
                                     " cannot watch resource \"jobs\" in API group \"batch\" in "
                                     "the namespace \"" +
                                     bob.ns() + "\"");
  CHECK(as_alice("POST", "/apis/batch/v1/namespaces/default/jobs", suspended_job("x")).status ==
        403);
  CHECK(as_alice("GET", "/api/v1/namespaces").status == 403);
  CHECK(as_alice("DELETE", "/api/v1/namespaces/" + bob.ns()).status == 403);

  // Bob's job is untouched; Alice may delete her own.
  CHECK(request_as(0, 0, socket, "GET", bob_jobs + "/theirs").status == 200);
  CHECK(as_alice("DELETE", alice_jobs + "/mine").status == 200);
}

TEST_CASE("a user's pods run as that user and may not ask for more", "[integration][root]") {
  LocalUser carol("blt-c" + std::to_string(::getpid() % 100000));
  SharedAgent agent;
  const auto as_carol = [&](const std::string& method, const std::string& target,
                            const std::string& body = {}) {
    return request_as(carol.uid, carol.gid, agent.socket, method, target, body);
  };
  const std::string jobs = "/apis/batch/v1/namespaces/" + carol.ns() + "/jobs";
  const std::string who = carol.name + " (uid " + std::to_string(carol.uid) + ")";

  // Root, privileges and the host's files are refused (422), by field.
  Reply root = as_carol("POST", jobs,
                        job("root", "id -u", {{"securityContext", {{"runAsUser", 0}}}}).dump());
  CHECK(root.status == 422);
  CHECK(root.body["message"] ==
        "Job.batch \"root\" is invalid: spec.template.spec.containers[0].securityContext."
        "runAsUser: Forbidden: pods of this namespace run as " +
            who + " only");
  Reply privileged = as_carol(
      "POST", jobs, job("priv", "true", {{"securityContext", {{"privileged", true}}}}).dump());
  CHECK(privileged.status == 422);
  CHECK(privileged.body["details"]["causes"][0]["field"] ==
        "spec.template.spec.containers[0].securityContext.privileged");
  Reply host = as_carol(
      "POST", jobs,
      job("etc", "true", {{"volumeMounts", {{{"name", "etc"}, {"mountPath", "/host-etc"}}}}},
          {{"volumes", {{{"name", "etc"}, {"hostPath", {{"path", "/etc"}}}}}}})
          .dump());
  CHECK(host.status == 422);
  CHECK(host.body["details"]["causes"][0]["field"] ==
        "spec.template.spec.volumes[0].hostPath.path");

  // What the manifest leaves open (here: everything) runs as the user, with their groups.
  REQUIRE(as_carol("POST", jobs, job("ids", "id -u; id -g; id -G; echo $HOME").dump()).status ==
          201);
  json status;
  for (int i = 0; i < 300; ++i) {
    status = as_carol("GET", jobs + "/ids").body["status"];
    if (status.value("succeeded", 0) == 1 || status.value("failed", 0) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(status.dump());
  REQUIRE(status.value("succeeded", 0) == 1);
  Reply pods =
      as_carol("GET", "/api/v1/namespaces/" + carol.ns() + "/pods?labelSelector=job-name%3Dids");
  REQUIRE(pods.body["items"].size() == 1);
  const std::string pod = pods.body["items"][0]["metadata"]["name"];
  Reply log = as_carol("GET", "/api/v1/namespaces/" + carol.ns() + "/pods/" + pod + "/log");
  CHECK(log.status == 200);
  CHECK(log.raw == std::to_string(carol.uid) + "\n" + std::to_string(carol.gid) + "\n" +
                       std::to_string(carol.gid) + "\n/home/" + carol.name + "\n");
}

TEST_CASE("a namespace that is not the user's own shuts them out", "[integration][root]") {
  LocalUser dave("blt-d" + std::to_string(::getpid() % 100000));
  SharedAgent agent;
  // An admin made user-<dave> before dave came: its pods would not run as dave.
  const json made = {
      {"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", dave.ns()}}}};
  REQUIRE(request_as(0, 0, agent.socket, "POST", "/api/v1/namespaces", made.dump()).status == 201);
  Reply refused = request_as(dave.uid, dave.gid, agent.socket, "GET",
                             "/apis/batch/v1/namespaces/" + dave.ns() + "/jobs");
  CHECK(refused.status == 401);
  CHECK(refused.body["reason"] == "Unauthorized");
}

TEST_CASE("a user's pods beyond --user-max-pods wait their turn", "[integration][root]") {
  LocalUser erin("blt-e" + std::to_string(::getpid() % 100000));
  SharedAgent agent({"--user-max-pods", "2"});
  const std::string jobs = "/apis/batch/v1/namespaces/" + erin.ns() + "/jobs";
  json ten = job("ten", "sleep 0.5");
  ten["spec"]["completions"] = 10;
  ten["spec"]["parallelism"] = 10;
  REQUIRE(request_as(erin.uid, erin.gid, agent.socket, "POST", jobs, ten.dump()).status == 201);
  // The controller makes all 10 pods at once; at most 2 run at any moment, and all complete.
  const JobRun run = follow_job(agent, erin.ns(), "ten", 10);
  INFO(run.status.dump());
  CHECK(run.status.value("succeeded", 0) == 10);
  CHECK(run.most_pods > 2);  // the others existed, waiting
  CHECK(run.most_running == 2);
}

TEST_CASE("a user's Jobs beyond --user-max-jobs are 403 exceeded quota", "[integration][root]") {
  LocalUser fay("blt-f" + std::to_string(::getpid() % 100000));
  SharedAgent agent({"--user-max-jobs", "2"});
  const auto as_fay = [&](const std::string& method, const std::string& target,
                          const std::string& body = {}) {
    return request_as(fay.uid, fay.gid, agent.socket, method, target, body);
  };
  const std::string jobs = "/apis/batch/v1/namespaces/" + fay.ns() + "/jobs";
  CHECK(as_fay("POST", jobs, suspended_job("one")).status == 201);
  CHECK(as_fay("POST", jobs, suspended_job("two")).status == 201);
  Reply over = as_fay("POST", jobs, suspended_job("three"));
  CHECK(over.status == 403);
  CHECK(over.body["reason"] == "Forbidden");
  CHECK(over.body["message"] ==
        "jobs.batch \"three\" is forbidden: exceeded quota: user-max-jobs, requested: "
        "count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2");
  // Admins' namespaces have no such quota; a deleted Job frees its place.
  CHECK(request_as(0, 0, agent.socket, "POST", "/apis/batch/v1/namespaces/default/jobs",
                   suspended_job("three"))
            .status == 201);
  REQUIRE(as_fay("DELETE", jobs + "/one?propagationPolicy=Background").status == 200);
  Reply after = {};
  for (int i = 0; i < 100 && (after = as_fay("POST", jobs, suspended_job("three"))).status == 403;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(after.status == 201);
}

TEST_CASE("a user's pods beyond --user-max-memory wait, and Jobs it cannot hold are 403",
          "[integration][root]") {
  LocalUser gus("blt-g" + std::to_string(::getpid() % 100000));
  SharedAgent agent({"--user-max-memory", "64Mi", "--user-max-cpu", "4"});
  const auto as_gus = [&](const std::string& method, const std::string& target,
                          const std::string& body = {}) {
    return request_as(gus.uid, gus.gid, agent.socket, method, target, body);
  };
  const std::string jobs = "/apis/batch/v1/namespaces/" + gus.ns() + "/jobs";
  const auto limits = [](const std::string& memory, const std::string& cpu) {
    json l = json::object();
    if (!memory.empty()) l["memory"] = memory;
    if (!cpu.empty()) l["cpu"] = cpu;
    return json{{"resources", {{"limits", l}}}};
  };

  // Every container must say how much it may use, as under a ResourceQuota.
  Reply bare = as_gus("POST", jobs, job("bare", "true").dump());
  CHECK(bare.status == 403);
  CHECK(bare.body["reason"] == "Forbidden");
  CHECK(bare.body["message"] ==
        "jobs.batch \"bare\" is forbidden: failed quota: user-max-memory: must specify "
        "limits.memory");
  Reply no_cpu = as_gus("POST", jobs, job("no-cpu", "true", limits("32Mi", "")).dump());
  CHECK(no_cpu.status == 403);
  CHECK(no_cpu.body["message"] ==
        "jobs.batch \"no-cpu\" is forbidden: failed quota: user-max-cpu: must specify limits.cpu");
  // One pod that needs more than the whole quota could never start.
  Reply big = as_gus("POST", jobs, job("big", "true", limits("128Mi", "1")).dump());
  CHECK(big.status == 403);
  CHECK(big.body["message"] ==
        "jobs.batch \"big\" is forbidden: exceeded quota: user-max-memory, requested: "
        "limits.memory=128Mi, used: limits.memory=0, limited: limits.memory=64Mi");
  // Admins are never limited.
  CHECK(request_as(0, 0, agent.socket, "POST", "/apis/batch/v1/namespaces/default/jobs",
                   suspended_job("bare"))
            .status == 201);

  // Four pods of 32Mi each under 64Mi: at most two run at any moment, and all complete.
  json four = job("four", "sleep 2", limits("32Mi", "500m"));
  four["spec"]["completions"] = 4;
  four["spec"]["parallelism"] = 4;
  REQUIRE(as_gus("POST", jobs, four.dump()).status == 201);
  const JobRun run = follow_job(agent, gus.ns(), "four", 4);
  INFO(run.status.dump());
  CHECK(run.status.value("succeeded", 0) == 4);
  CHECK(run.most_pods > 2);  // the others existed, waiting
  CHECK(run.most_running == 2);
}

TEST_CASE(
    "a user's pods may mount their home and the admin's shared paths, nothing a link "
    "points elsewhere",
    "[integration][root]") {
  LocalUser gil("blt-g" + std::to_string(::getpid() % 100000), true);
  TempDir shared_dir;
  REQUIRE(::chmod(shared_dir.path.c_str(), 0755) == 0);
  fs::create_directory(shared_dir.path / "data");
  std::ofstream(shared_dir.path / "data" / "input.txt") << "shared input\n";
  SharedAgent agent({"--user-host-path", shared_dir.path.string()});
  const auto as_gil = [&](const std::string& method, const std::string& target,
                          const std::string& body = {}) {
    return request_as(gil.uid, gil.gid, agent.socket, method, target, body);
  };
  const std::string jobs = "/apis/batch/v1/namespaces/" + gil.ns() + "/jobs";
  const auto mounting = [](const std::string& name, const std::string& host) {
    // The host image: the mount point must exist on the host.
    return job(name, "cat /mnt/input.txt",
               {{"volumeMounts", {{{"name", "in"}, {"mountPath", "/mnt"}, {"readOnly", true}}}}},
               {{"volumes", {{{"name", "in"}, {"hostPath", {{"path", host}}}}}}})
        .dump();
  };

  // A directory the admin shares: admitted, and the pod reads it.
  REQUIRE(as_gil("POST", jobs, mounting("shared", (shared_dir.path / "data").string())).status ==
          201);
  json status;
  for (int i = 0; i < 300; ++i) {
    status = as_gil("GET", jobs + "/shared").body["status"];
    if (status.value("succeeded", 0) == 1 || status.value("failed", 0) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Reply pods =
      as_gil("GET", "/api/v1/namespaces/" + gil.ns() + "/pods?labelSelector=job-name%3Dshared");
  INFO(status.dump() << "\n" << pods.raw);
  CHECK(status.value("succeeded", 0) == 1);

  // A symlink in the home that leads to /etc is judged by where it leads.
  fs::create_directory_symlink("/etc", gil.home / "etc-link");
  Reply linked = as_gil("POST", jobs, mounting("linked", (gil.home / "etc-link").string()));
  CHECK(linked.status == 422);
  CHECK(linked.body["details"]["causes"][0]["field"] ==
        "spec.template.spec.volumes[0].hostPath.path");
  // "..", or a path beside the shared one, do not get out either.
  CHECK(as_gil("POST", jobs, mounting("dots", (shared_dir.path / "data/../..").string())).status ==
        422);
  CHECK(as_gil("POST", jobs, mounting("beside", shared_dir.path.string() + "-other")).status ==
        422);
  // The home itself is theirs.
  CHECK(as_gil("POST", jobs, mounting("home", gil.home.string())).status == 201);
}
