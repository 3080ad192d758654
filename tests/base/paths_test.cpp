#include "base/paths.hpp"

#include <catch2/catch.hpp>

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
