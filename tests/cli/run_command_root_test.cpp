// End-to-end tests of `batchlet run` that need root (to switch to another user).
#include <sys/stat.h>
#include <unistd.h>

#include "cli_harness.hpp"

using namespace cli_test;
namespace fs = std::filesystem;

TEST_CASE("bad input: an unreadable file", "[integration][root]") {
  INFO("this test is labelled root: run it as root, or leave it out with ctest -LE root");
  REQUIRE(::geteuid() == 0);
  // Root reads everything, so run batchlet as nobody on a root-only file. The binary is copied
  // to a world-readable directory because the build tree may sit below a private one.
  TempDir dir;
  ::chmod(dir.path.c_str(), 0755);
  fs::copy_file(BATCHLET_BINARY, dir.path / "batchlet");
  const auto file = dir.write("secret.yaml", "kind: Job\n");
  ::chmod(file.c_str(), 0600);
  const Output o = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        (dir.path / "batchlet").string(), "run", "-f", file});
  CHECK(o.exit_code == 2);
  CHECK(o.err == "error: " + file + ": Permission denied\n");
}
