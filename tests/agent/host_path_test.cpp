// The kubelet's hostPath type checks (agent/host_path.hpp) on real files of a temp directory.
#include "agent/host_path.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

std::string error_of(const std::string& path, const char* type) {
  const base::Status st = agent::set_up_host_path(path, std::string(type));
  return st.ok() ? "ok" : st.error().message();
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode;
}

}  // namespace

TEST_CASE("hostPath types: the *OrCreate types create what is missing", "[unit]") {
  test_support::TempDir dir;
  const fs::path nested = dir.path() / "a" / "b";
  CHECK(error_of(nested, "DirectoryOrCreate") == "ok");
  CHECK(S_ISDIR(mode_of(nested)));
  CHECK((mode_of(nested) & 07777) == 0755);
  CHECK(error_of(nested, "DirectoryOrCreate") == "ok");  // existing: fine

  const fs::path file = dir.path() / "f";
  CHECK(error_of(file, "FileOrCreate") == "ok");
  CHECK(S_ISREG(mode_of(file)));
  CHECK(fs::file_size(file) == 0);
  CHECK(
      error_of((dir.path() / "missing" / "f").string(), "FileOrCreate").rfind("create file ", 0) ==
      0);  // the parent is not created
}

TEST_CASE("hostPath types: a path of the wrong kind fails with the kubelet's message", "[unit]") {
  test_support::TempDir dir;
  const std::string d = dir.path().string();
  const std::string f = dir.write("f", "x").string();
  const std::string missing = d + "/nothing";
  CHECK(error_of(f, "DirectoryOrCreate") ==
        "hostPath type check failed: " + f + " is not a directory");
  CHECK(error_of(missing, "Directory") ==
        "hostPath type check failed: " + missing + " is not a directory");
  CHECK(error_of(d, "File") == "hostPath type check failed: " + d + " is not a file");
  CHECK(error_of(d, "FileOrCreate") == "hostPath type check failed: " + d + " is not a file");
  CHECK(error_of(f, "Socket") == "hostPath type check failed: " + f + " is not a socket file");
  CHECK(error_of("/dev/null", "BlockDevice") ==
        "hostPath type check failed: /dev/null is not a block device");
  CHECK(error_of(f, "CharDevice") ==
        "hostPath type check failed: " + f + " is not a character device");
  CHECK(error_of("/dev/null", "CharDevice") == "ok");
  CHECK(error_of(d, "Directory") == "ok");
  CHECK(error_of(f, "File") == "ok");
  // No type: nothing is checked or created.
  CHECK(agent::set_up_host_path(missing, std::nullopt).ok());
  CHECK(error_of(missing, "") == "ok");
  CHECK_FALSE(fs::exists(missing));
}
