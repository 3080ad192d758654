// tests/runtime/host_path_test.cpp: the kubelet's hostPath type checks and their messages.
#include "runtime/host_path.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using runtime::check_host_path;
using runtime::HostPathType;

TEST_CASE("hostPath type checks", "[unit]") {
  char templ[] = "/tmp/batchlet-hostpath-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  const fs::path dir = templ;
  std::ofstream(dir / "file") << "x";

  CHECK(check_host_path(dir, HostPathType::directory).ok());
  CHECK(check_host_path(dir / "file", HostPathType::directory).error().message() ==
        "hostPath type check failed: " + (dir / "file").string() + " is not a directory");
  CHECK(check_host_path(dir / "missing", HostPathType::directory).error().message() ==
        "hostPath type check failed: " + (dir / "missing").string() + " is not a directory");
  CHECK(check_host_path(dir / "file", HostPathType::file).ok());
  CHECK(check_host_path(dir, HostPathType::file).error().message() ==
        "hostPath type check failed: " + dir.string() + " is not a file");
  CHECK(check_host_path(dir / "file", HostPathType::socket).error().message() ==
        "hostPath type check failed: " + (dir / "file").string() + " is not a socket file");
  CHECK(check_host_path("/dev/null", HostPathType::char_device).ok());
  CHECK(check_host_path(dir, HostPathType::block_device).error().message() ==
        "hostPath type check failed: " + dir.string() + " is not a block device");
  CHECK(check_host_path(dir / "missing", HostPathType::unset).ok());

  CHECK(check_host_path(dir / "a/b", HostPathType::directory_or_create).ok());
  CHECK(fs::is_directory(dir / "a/b"));
  CHECK(check_host_path(dir / "new", HostPathType::file_or_create).ok());
  CHECK(fs::is_regular_file(dir / "new"));
  CHECK(check_host_path(dir / "nodir/new", HostPathType::file_or_create).error().message() ==
        "create " + (dir / "nodir/new").string() + ": No such file or directory");

  CHECK(runtime::parse_host_path_type("Directory").value() == HostPathType::directory);
  CHECK(runtime::parse_host_path_type("").value() == HostPathType::unset);
  CHECK(runtime::parse_host_path_type("Dir").error().message() == "Dir is an invalid volume type");
  fs::remove_all(dir);
}
