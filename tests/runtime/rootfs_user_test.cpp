// tests/runtime/rootfs_user_test.cpp: users and groups looked up in the image, never the host.
#include "runtime/rootfs_user.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

TEST_CASE("passwd and group parsing", "[unit]") {
  const std::string passwd =
      "root:x:0:0:root:/root:/bin/sh\n#bob:x:5:5::/:/bin/sh\nbob:x:1001:1002::/home/bob:/bin/"
      "sh\nbad:x:zz:1::/:\n";
  auto bob = runtime::find_passwd_entry(passwd, "bob");
  REQUIRE(bob);
  CHECK(bob->uid == 1001);
  CHECK(bob->gid == 1002);
  CHECK(bob->home == "/home/bob");
  CHECK(!runtime::find_passwd_entry(passwd, "bad"));
  CHECK(!runtime::find_passwd_entry(passwd, "alice"));
  CHECK(runtime::member_groups("a:x:10:bob,carol\nb:x:11:carol\nc:x:12:bob\n", "bob") ==
        std::vector<std::uint32_t>{10, 12});
}

TEST_CASE("the passwd of an overlay's top-most layer wins, symlinks stay inside the layer",
          "[unit]") {
  char templ[] = "/tmp/batchlet-user-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  const fs::path dir = templ;
  fs::create_directories(dir / "lower/etc");
  fs::create_directories(dir / "upper/etc");
  std::ofstream(dir / "lower/etc/passwd") << "bob:x:1:1::/:/bin/sh\n";
  std::ofstream(dir / "lower/etc/group") << "g:x:7:bob\n";
  std::ofstream(dir / "upper/etc/real") << "bob:x:2:3::/:/bin/sh\n";
  fs::create_symlink("/etc/real", dir / "upper/etc/passwd");  // absolute: inside the layer
  runtime::ContainerSpec spec;
  spec.rootfs.kind = runtime::RootfsSpec::Kind::overlay;
  spec.rootfs.upper_dir = dir / "upper";
  spec.rootfs.lower_dirs = {dir / "lower"};
  spec.user_name = "bob";
  auto user = runtime::resolve_user(spec);
  REQUIRE(user.ok());
  CHECK(user->uid == 2);
  CHECK(user->gid == 3);
  CHECK(user->supplementary_groups == std::vector<std::uint32_t>{3, 7});
  spec.user_name = "carol";
  CHECK(runtime::resolve_user(spec).error().message() ==
        "unable to find user carol: no matching entries in passwd file");
  fs::remove_all(dir);
}
