#include "base/paths.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>

TEST_CASE("paths follow the documented layout", "[unit]") {
  const base::Paths defaults;
  CHECK(defaults.state_db() == "/var/lib/batchlet/state.db");
  CHECK(defaults.socket() == "/run/batchlet/batchlet.sock");

  const base::Paths paths("/tmp/state", "/tmp/run");
  CHECK(paths.images_dir() == "/tmp/state/images");
  CHECK(paths.pod_dir("1234-uid") == "/tmp/state/pods/1234-uid");
  CHECK(paths.container_log("default", "pi-abcde", "1234-uid", "pi", 2) ==
        "/tmp/state/logs/default_pi-abcde_1234-uid/pi/2.log");
  CHECK(paths.container_state_dir("1234-uid", "pi") == "/tmp/state/pods/1234-uid/pi");
  const base::ContainerStatePaths files{paths.container_state_dir("1234-uid", "pi")};
  CHECK(files.exit_status() == "/tmp/state/pods/1234-uid/pi/exit.json");
  CHECK(files.control() == "/tmp/state/pods/1234-uid/pi/control");
  CHECK(paths.tls_dir() == "/tmp/state/tls");
  CHECK(paths.token_file() == "/tmp/state/token");
  CHECK(paths.kubeconfig() == "/tmp/state/kubeconfig.yaml");
  CHECK(paths.socket() == "/tmp/run/batchlet.sock");
}

namespace {

// Sets an environment variable for one scope (nullptr: unset), restoring it after.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> saved;
  ScopedEnv(std::string n, const char* value) : name(std::move(n)) {
    if (const char* old = std::getenv(name.c_str())) saved = old;
    if (value) {
      ::setenv(name.c_str(), value, 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ~ScopedEnv() {
    if (saved) {
      ::setenv(name.c_str(), saved->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

}  // namespace

TEST_CASE("a rootless agent's directories follow the XDG base directories", "[unit]") {
  ScopedEnv home("HOME", "/home/alice");
  SECTION("defaults under the home, /tmp/batchlet-<uid> without a runtime dir") {
    ScopedEnv state("XDG_STATE_HOME", nullptr);
    ScopedEnv runtime("XDG_RUNTIME_DIR", nullptr);
    ScopedEnv config("XDG_CONFIG_HOME", "relative/is/ignored");
    const auto dirs = base::user_dirs();
    CHECK(dirs.state_dir == "/home/alice/.local/state/batchlet");
    CHECK(dirs.run_dir == "/tmp/batchlet-" + std::to_string(::geteuid()));
    CHECK(dirs.config_file == "/home/alice/.config/batchlet/config.yaml");
  }
  SECTION("the XDG variables when set") {
    ScopedEnv state("XDG_STATE_HOME", "/s");
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    ScopedEnv config("XDG_CONFIG_HOME", "/c");
    const auto dirs = base::user_dirs();
    CHECK(dirs.state_dir == "/s/batchlet");
    CHECK(dirs.run_dir == "/run/user/1000/batchlet");
    CHECK(dirs.config_file == "/c/batchlet/config.yaml");
  }
}
