// Layer unpack on the real filesystem: content, metadata, overlay whiteouts, and the refusals
// (traversal, symlink escapes, lying sizes, corrupt streams) that must write nothing outside.
#include "runtime/layer_unpack.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tests/runtime/image_builder.hpp"

using namespace image_test;

namespace {

struct Unpacked {
  TempDir scratch;
  fs::path target;
  fs::path sentinel;  // a tree beside the target that nothing may touch
  base::Result<runtime::UnpackResult> result = base::Error("not run");

  explicit Unpacked(const std::string& layer_bytes, const runtime::UnpackLimits& limits = {}) {
    target = scratch.path / "root" / "layer";
    sentinel = scratch.path / "root" / "etc";
    fs::create_directories(target);
    fs::create_directories(sentinel);
    write_bytes(sentinel / "passwd", "sentinel\n");
    write_bytes(scratch.path / "layer.blob", layer_bytes);
    result = runtime::unpack_layer(scratch.path / "layer.blob", target, limits);
  }
  std::vector<std::string> outside() const {
    auto all = tree(scratch.path / "root");
    std::erase_if(all, [](const std::string& p) { return p.rfind("layer", 0) == 0; });
    return all;
  }
};

const std::vector<std::string> kUntouched = {"etc", "etc/passwd"};

}  // namespace

TEST_CASE("a layer unpacks with content, links, modes and xattrs, diff id of the tar", "[root]") {
  TempDir scratch;
  TarEntry with_xattr = file("etc/conf", "x=1\n");
  with_xattr.xattrs = {{"user.batchlet", "yes"}};
  const std::vector<TarEntry> entries = {
      dir("bin", 0755),
      file("bin/busybox", "ELF...", 0755),
      symlink_entry("bin/sh", "/bin/busybox"),
      hardlink("bin/ls", "bin/busybox"),
      with_xattr,
      dir("ro", 0555),
      file("ro/inside", "made before the mode"),
      file("deep/implicit/parents", "no dir entries"),
      char_device("dev/null", 1, 3),
  };
  for (const std::string compression : {"", "gzip", "zstd"}) {
    INFO("compression: " << compression);
    const auto l = layer(entries, scratch.path, compression);
    Unpacked u(l.blob);
    REQUIRE(u.result.ok());
    CHECK(u.result->diff_id.str() == l.diff_id);
    const auto& root = u.target;
    CHECK(read_bytes(root / "bin/busybox") == "ELF...");
    CHECK(fs::read_symlink(root / "bin/sh") == "/bin/busybox");
    struct stat a {
    }, b{};
    REQUIRE(::stat((root / "bin/ls").c_str(), &a) == 0);
    REQUIRE(::stat((root / "bin/busybox").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino);
    CHECK((b.st_mode & 07777) == 0755);
    CHECK(b.st_mtime == 1700000000);
    char value[16] = {};
    CHECK(::getxattr((root / "etc/conf").c_str(), "user.batchlet", value, sizeof(value)) == 3);
    CHECK(std::string(value) == "yes");
    struct stat ro {};
    REQUIRE(::stat((root / "ro").c_str(), &ro) == 0);
    CHECK((ro.st_mode & 07777) == 0555);
    CHECK(read_bytes(root / "deep/implicit/parents") == "no dir entries");
    struct stat dev {};
    REQUIRE(::lstat((root / "dev/null").c_str(), &dev) == 0);
    CHECK(S_ISCHR(dev.st_mode));
    CHECK(dev.st_rdev == makedev(1, 3));
    CHECK(u.outside() == kUntouched);
  }
}

TEST_CASE("whiteouts become overlayfs whiteouts", "[root]") {
  const std::vector<TarEntry> entries = {dir("etc"), file("etc/.wh.removed", ""), dir("var/cache"),
                                         file("var/cache/.wh..wh..opq", ""),
                                         file(".wh..wh.plnk", "")};
  Unpacked u(tar(entries));
  REQUIRE(u.result.ok());
  struct stat st {};
  REQUIRE(::lstat((u.target / "etc/removed").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
  CHECK_FALSE(fs::exists(u.target / "etc/.wh.removed"));
  char value[4] = {};
  CHECK(::getxattr((u.target / "var/cache").c_str(), "trusted.overlay.opaque", value, 4) == 1);
  CHECK(value[0] == 'y');
  CHECK_FALSE(fs::exists(u.target / "var/cache/.wh..wh..opq"));
  CHECK_FALSE(fs::exists(u.target / ".wh..wh.plnk"));
}

TEST_CASE("layer entries that would escape the root are refused", "[root]") {
  struct Case {
    std::string what;
    std::vector<TarEntry> entries;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"dot-dot",
       {file("../../etc/passwd", "owned\n")},
       "layer entry \"../../etc/passwd\": path "
       "escapes the layer root"},
      {"dot-dot inside", {file("a/../../etc/passwd", "owned\n")}, "path escapes the layer root"},
      {"absolute symlink",
       {symlink_entry("evil", "/"), file("evil/etc/passwd", "owned\n")},
       "path escapes the layer root"},
      {"relative symlink",
       {symlink_entry("up", "../.."), file("up/etc/passwd", "owned\n")},
       "path escapes the layer root"},
      {"symlinked dir to sentinel",
       {symlink_entry("etc", "../etc"), file("etc/passwd", "owned\n")},
       "path escapes the layer root"},
      {"hardlink out", {hardlink("passwd", "../etc/passwd")}, "path escapes the layer root"},
      {"hardlink through symlink",
       {symlink_entry("evil", "/etc"), hardlink("passwd", "evil/passwd")},
       "path escapes the layer root"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Unpacked u(tar(c.entries));
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(), Catch::Contains(c.error));
    CHECK(u.outside() == kUntouched);
    CHECK(read_bytes(u.sentinel / "passwd") == "sentinel\n");
  }
  // The host's own /etc/passwd is untouched too (an absolute escape would have hit it).
  CHECK(read_bytes("/etc/passwd").find("owned") == std::string::npos);
}

TEST_CASE("lying sizes, limits and corrupt streams fail with clear errors", "[root]") {
  TempDir scratch;
  SECTION("a header claiming 10 GiB") {
    TarEntry huge = file("big", "only a little data");
    huge.claimed_size = 10LL << 30;
    runtime::UnpackLimits limits;
    limits.max_bytes = 1 << 30;
    Unpacked u(tar({huge}, false), limits);
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(),
               Catch::Contains("layer entry \"big\": claims 10737418240 bytes, more than the "
                               "layer limit of 1073741824"));
  }
  SECTION("a header claiming 10 GiB under the default limit: the stream is truncated") {
    TarEntry huge = file("big", std::string(4096, 'x'));
    huge.claimed_size = 10LL << 30;
    Unpacked u(tar({huge}, false));
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(), Catch::Contains("runcated"));
  }
  SECTION("too many entries") {
    runtime::UnpackLimits limits;
    limits.max_entries = 2;
    Unpacked u(tar({file("a", ""), file("b", ""), file("c", "")}), limits);
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(), Catch::Contains("more than 2 entries"));
  }
  SECTION("a corrupt gzip stream") {
    std::string bytes = compress(tar({file("a", std::string(100000, 'a'))}), "gzip", scratch.path);
    for (std::size_t i = 100; i < bytes.size() - 20; i += 7)
      bytes[i] = static_cast<char>(~bytes[i]);
    Unpacked u(bytes);
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(), Catch::StartsWith("unpack layer "));
  }
  SECTION("garbage that is no tar") {
    Unpacked u(std::string(2048, 'z'));
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(), Catch::StartsWith("unpack layer "));
  }
  SECTION("a truncated tar") {
    const std::string full = tar({file("a", std::string(5000, 'a'))});
    Unpacked u(full.substr(0, 1500));
    REQUIRE_FALSE(u.result.ok());
    CHECK_THAT(u.result.error().message(), Catch::Contains("runcated"));
  }
}
