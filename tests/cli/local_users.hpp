// tests/cli/local_users.hpp: real local users and an agent they can all reach, for the
// multi-user tests (root only: useradd/userdel and the agent's unix socket opened to everyone).
#pragma once

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "cli_harness.hpp"

namespace cli_test {

// A local user for the length of a test (with a home directory, removed with them, when asked).
struct LocalUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  fs::path home;
  explicit LocalUser(std::string login, bool with_home = false) : name(std::move(login)) {
    const std::string add = std::string("useradd ") +
                            (with_home ? "--create-home" : "--no-create-home") +
                            " --shell /usr/sbin/nologin --user-group " + name + " >/dev/null 2>&1";
    REQUIRE(std::system(add.c_str()) == 0);
    const passwd* pw = ::getpwnam(name.c_str());
    REQUIRE(pw != nullptr);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    home = pw->pw_dir;
  }
  ~LocalUser() { (void)std::system(("userdel --remove " + name + " >/dev/null 2>&1").c_str()); }
  LocalUser(const LocalUser&) = delete;
  LocalUser& operator=(const LocalUser&) = delete;
  std::string ns() const { return "user-" + name; }
};

// `batchlet serve` (no cgroups) whose unix socket every local user may connect to, as
// batchlet.socket's SocketMode=0666 would have it.
struct SharedAgent {
  TempDir dir;
  fs::path socket;
  runtime::HostProcess served;
  explicit SharedAgent(const std::vector<std::string>& extra_flags = {}) {
    // Other users reach the socket through the directories above it.
    REQUIRE(::chmod(dir.path.c_str(), 0755) == 0);
    served = start_logged_serve(dir.path, extra_flags);
    socket = dir.path / "run" / "batchlet.sock";
    REQUIRE(fs::exists(socket));
    REQUIRE(::chmod(socket.c_str(), 0666) == 0);
  }
  ~SharedAgent() {
    ::kill(served.child.pid(), SIGTERM);
    (void)served.child.wait();
    kill_leftover_containers(dir.path / "state");
  }
};

}  // namespace cli_test
