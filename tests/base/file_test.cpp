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
