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

#include "cli_harness.hpp"
#include "runtime/host_process.hpp"

namespace {

using nlohmann::json;
using namespace cli_test;

// A local user for the length of a test.
struct LocalUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  explicit LocalUser(std::string login) : name(std::move(login)) {
    const std::string add = "useradd --no-create-home --shell /usr/sbin/nologin --user-group " +
                            name + " >/dev/null 2>&1";
    REQUIRE(std::system(add.c_str()) == 0);
    const passwd* pw = ::getpwnam(name.c_str());
    REQUIRE(pw != nullptr);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  ~LocalUser() { (void)std::system(("userdel " + name + " >/dev/null 2>&1").c_str()); }
  std::string ns() const { return "user-" + name; }
};

struct Reply {
  int status = 0;
  json body;
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
  reply.body = json::parse(response.substr(start + 4), nullptr, /*allow_exceptions=*/false);
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
  TempDir dir;
  // Other users reach the socket through the directories above it.
  REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);
  const fs::path log_file = dir.path / "serve.log";
  base::UniqueFd log(::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  REQUIRE(log.valid());
  runtime::HostProcessSpec spec;
  spec.argv = {BATCHLET_BINARY, "serve",
               "--state-dir",   (dir.path / "state").string(),
               "--run-dir",     (dir.path / "run").string(),
               "--listen",      "127.0.0.1:0",
               "--no-cgroups"};
  spec.env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  spec.stdout_fd = log.get();
  spec.stderr_fd = log.get();
  auto served = runtime::spawn_host_process(spec);
  REQUIRE(served.ok());
  const fs::path socket = dir.path / "run" / "batchlet.sock";
  for (int i = 0; i < 400 && !fs::exists(dir.path / "state" / "kubeconfig.yaml"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  INFO(text_of(log_file));
  REQUIRE(fs::exists(socket));
  struct stat st {};
  REQUIRE(::stat(socket.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0666);

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

  ::kill(served->child.pid(), SIGTERM);
  (void)served->child.wait();
}
