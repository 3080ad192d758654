#include "base/file.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

TEST_CASE("read_file reads /proc files, which report size 0", "[unit]") {
  auto text = base::read_file("/proc/self/status");
  REQUIRE(text.ok());
  CHECK(text->rfind("Name:", 0) == 0);
  CHECK(text->find("\nPid:") != std::string::npos);
}

TEST_CASE("read_file stops one byte past max_bytes", "[unit]") {
  std::string tmpl = (fs::temp_directory_path() / "batchlet-file-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(tmpl) << std::string(100'000, 'x');
  auto all = base::read_file(tmpl);
  REQUIRE(all.ok());
  CHECK(all->size() == 100'000);
  auto capped = base::read_file(tmpl, 10);
  REQUIRE(capped.ok());
  CHECK(capped->size() == 11);
  auto exact = base::read_file(tmpl, 100'000);
  REQUIRE(exact.ok());
  CHECK(exact->size() == 100'000);
  fs::remove(tmpl);
}

TEST_CASE("read_file errors name the file and keep the errno", "[unit]") {
  auto missing = base::read_file("/nonexistent/batchlet");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message() == "read /nonexistent/batchlet: No such file or directory");
  CHECK(missing.error().sys_errno() == ENOENT);
  CHECK(missing.error().context("load").sys_errno() == ENOENT);
  auto dir = base::read_file("/");
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().sys_errno() == EISDIR);
}

TEST_CASE("ensure_private_dir makes a 0700 directory and refuses one others may enter", "[unit]") {
  char tmpl[] = "/tmp/batchlet-private-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  const std::filesystem::path root = tmpl;
  const auto dir = root / "run";
  REQUIRE(base::ensure_private_dir(dir).ok());
  CHECK((std::filesystem::status(dir).permissions() & std::filesystem::perms::all) ==
        std::filesystem::perms::owner_all);
  CHECK(base::ensure_private_dir(dir).ok());  // again: it is ours and private
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all |
                                        std::filesystem::perms::group_read |
                                        std::filesystem::perms::group_exec);
  auto open = base::ensure_private_dir(dir);
  REQUIRE_FALSE(open.ok());
  CHECK(open.error().message() == dir.string() + " is open to others (mode 0750): chmod 700 it");
  std::filesystem::create_directory_symlink(dir, root / "link");
  auto link = base::ensure_private_dir(root / "link");
  REQUIRE_FALSE(link.ok());
  CHECK(link.error().message() == (root / "link").string() + " is not a directory");
  std::filesystem::remove_all(root);
}
