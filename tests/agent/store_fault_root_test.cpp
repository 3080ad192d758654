// The store on a full disk and on a read-only state directory: the write is refused with an
// error that says so, nothing diverges, and writes work again once the cause is gone. Needs root
// (a small tmpfs in a private mount namespace of this test process).
#include <sched.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "agent/store.hpp"
#include "tests/agent/store_test_support.hpp"

namespace {

using store_test::json_at;
using store_test::TempDir;

// A tmpfs of `size` at a fresh directory, visible only to this process.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& size) {
    REQUIRE(::unshare(CLONE_NEWNS) == 0);
    REQUIRE(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
    const std::string options = "size=" + size + ",mode=0700";
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) != 0) {
      FAIL("mount tmpfs: " << std::strerror(errno));
    }
  }
  ~SmallDisk() { ::umount2(dir_.path().c_str(), MNT_DETACH); }

  const std::filesystem::path& path() const { return dir_.path(); }

  void remount(unsigned long flags) {
    REQUIRE(::mount(nullptr, dir_.path().c_str(), nullptr, MS_REMOUNT | flags, nullptr) == 0);
  }

 private:
  TempDir dir_;
};

// Fills the disk with a file until it is full (what a noisy neighbour does).
std::filesystem::path fill(const std::filesystem::path& dir) {
  const auto filler = dir / "filler";
  std::ofstream out(filler, std::ios::binary);
  const std::string block(64 * 1024, 'f');
  while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
  }
  return filler;
}

}  // namespace

TEST_CASE("a full disk refuses the write, keeps the store consistent, and recovers", "[root]") {
  SmallDisk disk("2m");
  const auto file = disk.path() / "state.db";
  auto opened = agent::Store::open(file);
  REQUIRE(opened.ok());
  auto& store = **opened;
  REQUIRE(store.create({"jobs.batch", "default", "before"}, "u0", json_at("before")).ok());

  const auto filler = fill(disk.path());
  const std::string big(256 * 1024, 'x');
  bool refused = false;
  int written = 0;
  for (int i = 0; i < 64 && !refused; ++i) {
    auto result = store.create({"jobs.batch", "default", "big" + std::to_string(i)}, "u",
                               [&](agent::ResourceVersion) { return big; });
    if (result.ok()) {
      ++written;
      continue;
    }
    refused = true;
    CHECK(result.error().sys_errno() == ENOSPC);
    CHECK(result.error().message().rfind("create jobs.batch default/big" + std::to_string(i), 0) ==
          0);
  }
  REQUIRE(refused);

  // What was acknowledged is there; what was refused is not, and no version was consumed.
  auto rv = store.current_resource_version();
  REQUIRE(rv.ok());
  CHECK(*rv == 1 + written);
  auto refused_object = store.get({"jobs.batch", "default", "big" + std::to_string(written)});
  REQUIRE(refused_object.ok());
  CHECK_FALSE(refused_object->has_value());

  std::filesystem::remove(filler);
  auto after = store.create({"jobs.batch", "default", "after"}, "u1", json_at("after"));
  REQUIRE(after.ok());
  CHECK(after->object.resource_version == 2 + written);
  auto listed = store.list("jobs.batch", std::nullopt);
  REQUIRE(listed.ok());
  CHECK(listed->objects.size() == static_cast<std::size_t>(2 + written));
}

TEST_CASE("a read-only state directory is refused at open and works once writable", "[root]") {
  SmallDisk disk("8m");
  const auto file = disk.path() / "state.db";
  {
    auto opened = agent::Store::open(file);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->create({"pods", "default", "a"}, "u", json_at("a")).ok());
  }

  disk.remount(MS_RDONLY);
  auto refused = agent::Store::open(file);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().sys_errno() == EROFS);
  CHECK(refused.error().message() == "open store " + file.string() +
                                         ": the database is read-only (is the state directory " +
                                         "writable?)");

  disk.remount(0);
  auto reopened = agent::Store::open(file);
  REQUIRE(reopened.ok());
  auto accepted = (*reopened)->create({"pods", "default", "b"}, "u", json_at("b"));
  REQUIRE(accepted.ok());
  CHECK(accepted->object.resource_version == 2);
}
