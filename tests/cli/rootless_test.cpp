// tests/cli/rootless_test.cpp: `batchlet serve --user` run by an unprivileged local user (issue
// 12: "A rootless-mode test runs the pi job as an unprivileged user"): the agent keeps its state
// in the user's XDG directories, serves only them on a private socket, and runs the
// documentation's pi Job through user namespaces; the user drives it with batchlet's client,
// which finds the socket by itself, and kubectl works with the kubeconfig it wrote.
//
// Labels integration, root: the test creates the user (useradd, removed after) and switches to
// them with setpriv; nothing of the agent runs as root.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <thread>

#include "local_users.hpp"

using namespace cli_test;

namespace {}  // namespace

TEST_CASE("an unprivileged user runs the pi job on their own rootless agent",
          "[integration][root]") {
  const std::string suffix = std::to_string(::getpid() % 100000);
  LocalUser user("blt-r" + suffix, true);
  LocalUser other("blt-o" + suffix);
  TempDir dir;
  REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);
  const fs::path binary = dir.path / "batchlet";
  fs::copy_file(BATCHLET_BINARY, binary);
  REQUIRE(::chmod(binary.c_str(), 0755) == 0);
  const auto pi = dir.write("pi.yaml", text_of(fs::path(BATCHLET_SOURCE_DIR) / "examples/pi.yaml"));

  const fs::path runtime_dir = user.home / "xdg-runtime";
  const std::vector<std::string> as_user = {"/usr/bin/setpriv",
                                            "--reuid=" + std::to_string(user.uid),
                                            "--regid=" + std::to_string(user.gid),
                                            "--init-groups",
                                            "/usr/bin/env",
                                            "-i",
                                            "HOME=" + user.home.string(),
                                            "XDG_RUNTIME_DIR=" + runtime_dir.string(),
                                            "PATH=/usr/local/bin:/usr/bin:/bin"};
  std::string user_prefix;
  for (const auto& word : as_user) user_prefix += word + " ";
  const auto batchlet = [&](const std::string& args) {
    return shell(dir, user_prefix + binary.string() + " " + args);
  };

  const fs::path state_dir = user.home / ".local/state/batchlet";
  const fs::path socket = runtime_dir / "batchlet/batchlet.sock";
  const fs::path log_file = dir.path / "serve.log";
  std::vector<std::string> argv = as_user;
  argv.insert(argv.end(), {binary.string(), "serve", "--user"});
  runtime::HostProcess served = start_logged(argv, log_file);
  struct Stop {
    runtime::HostProcess& process;
    fs::path state_dir;
    ~Stop() {
      ::kill(process.child.pid(), SIGTERM);
      (void)process.child.wait();
      kill_leftover_containers(state_dir);
    }
  } stop{served, state_dir};
  INFO(text_of(log_file));
  REQUIRE(wait_for_file(state_dir / "kubeconfig.yaml"));
  REQUIRE(fs::exists(socket));

  // The user's client finds their agent by itself and works in "default".
  auto applied = batchlet("apply -f - < " + pi);
  CHECK(applied.exit_code == 0);
  CHECK(applied.out == "job.batch/pi created\n");
  auto waited = batchlet("wait --for=condition=complete --timeout=120s job/pi");
  CHECK(waited.exit_code == 0);
  CHECK(waited.out == "job.batch/pi condition met\n");
  auto logs = batchlet("logs job/pi");
  CHECK(logs.out.rfind("3.14159265358979323846", 0) == 0);
  CHECK(logs.out.size() > 2000);
  auto whoami = batchlet("whoami");
  CHECK(whoami.out.find("Namespace:  default\n") != std::string::npos);
  CHECK(whoami.out.find("every namespace (your own rootless agent)") != std::string::npos);

  // Everything it wrote is the user's, and private.
  struct stat st {};
  for (const auto& path : {state_dir, socket.parent_path()}) {
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK(st.st_uid == user.uid);
    CHECK((st.st_mode & 077) == 0);
  }
  REQUIRE(::stat((state_dir / "state.db").c_str(), &st) == 0);
  CHECK(st.st_uid == user.uid);

  // Another user cannot reach it.
  auto intruder = shell(dir, "/usr/bin/setpriv --reuid=" + std::to_string(other.uid) +
                                 " --regid=" + std::to_string(other.gid) + " --clear-groups " +
                                 binary.string() + " get jobs --socket " + socket.string());
  CHECK(intruder.exit_code == 1);
  CHECK(intruder.err.find("Permission denied") != std::string::npos);

  // kubectl with the kubeconfig the agent wrote (HTTPS and its token) sees the same job.
  auto kubectl =
      shell(dir, "/usr/bin/kubectl --kubeconfig " + (state_dir / "kubeconfig.yaml").string() +
                     " --cache-dir " + (dir.path / "cache").string() + " get jobs --no-headers");
  CHECK(kubectl.exit_code == 0);
  CHECK(kubectl.out.rfind("pi ", 0) == 0);
  CHECK(kubectl.out.find("Complete") != std::string::npos);
}
