// Reference parsing and normalisation against the tables of distribution/reference's
// reference_test.go and normalize_test.go (cases restated, expectations from upstream).
#include "runtime/image_reference.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {

const std::string kF64(64, 'f');
const std::string kF128(128, 'f');

struct ParseCase {
  std::string input;
  std::string error = "";  // "" when the parse succeeds
  std::string name = "", domain = "", tag = "", digest = "";
};

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("parse_reference follows distribution/reference's Parse", "[unit]") {
  const std::vector<ParseCase> cases = {
      {"test_com", "", "test_com", "", "", ""},
      {"test.com:tag", "", "test.com", "", "tag", ""},
      {"test.com:5000", "", "test.com", "", "5000", ""},
      {"test.com/repo:tag", "", "test.com/repo", "test.com", "tag", ""},
      {"test:5000/repo", "", "test:5000/repo", "test:5000", "", ""},
      {"test:5000/repo:tag", "", "test:5000/repo", "test:5000", "tag", ""},
      {"test:5000/repo@sha256:" + kF64, "", "test:5000/repo", "test:5000", "", "sha256:" + kF64},
      {"test:5000/repo:tag@sha256:" + kF64, "", "test:5000/repo", "test:5000", "tag",
       "sha256:" + kF64},
      {"", "repository name must have at least one component"},
      {":justtag", "invalid reference format"},
      {"@sha256:" + kF64, "invalid reference format"},
      {"repo@sha256:ffffffffffffffffffffffffffffffffff", "invalid checksum digest length"},
      {"validname@invaliddigest:" + kF64, "unsupported digest algorithm"},
      {"Uppercase:tag", "repository name must be lowercase"},
      {"test:5000/Uppercase/lowercase:tag", "repository name must be lowercase"},
      {"lowercase:Uppercase", "", "lowercase", "", "Uppercase", ""},
      // The limit counts the path after the domain ("a"): 257 characters here.
      {repeat("a/", 129) + "a:tag", "repository name must not be more than 255 characters"},
      {repeat("a/", 127) + "a:tag-puts-this-over-max", "", repeat("a/", 127) + "a", "a",
       "tag-puts-this-over-max", ""},
      {"aa/asdf$$^/aa", "invalid reference format"},
      {"sub-dom1.foo.com/bar/baz/quux", "", "sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "",
       ""},
      {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "", "sub-dom1.foo.com/bar/baz/quux",
       "sub-dom1.foo.com", "some-long-tag", ""},
      {"b.gcr.io/test.example.com/my-app:test.example.com", "", "b.gcr.io/test.example.com/my-app",
       "b.gcr.io", "test.example.com", ""},
      {"xn--n3h.com/myimage:xn--n3h.com", "", "xn--n3h.com/myimage", "xn--n3h.com", "xn--n3h.com",
       ""},
      {"xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + kF128, "", "xn--7o8h.com/myimage",
       "xn--7o8h.com", "xn--7o8h.com", "sha512:" + kF128},
      {"foo_bar.com:8080", "", "foo_bar.com", "", "8080", ""},
      {"foo/foo_bar.com:8080", "", "foo/foo_bar.com", "foo", "8080", ""},
      {"192.168.1.1", "", "192.168.1.1", "", "", ""},
      {"192.168.1.1:tag", "", "192.168.1.1", "", "tag", ""},
      {"192.168.1.1:5000", "", "192.168.1.1", "", "5000", ""},
      {"192.168.1.1/repo", "", "192.168.1.1/repo", "192.168.1.1", "", ""},
      {"192.168.1.1:5000/repo", "", "192.168.1.1:5000/repo", "192.168.1.1:5000", "", ""},
      {"192.168.1.1:5000/repo:5050", "", "192.168.1.1:5000/repo", "192.168.1.1:5000", "5050", ""},
      {"[2001:db8::1]", "invalid reference format"},
      {"[2001:db8::1]:5000", "invalid reference format"},
      {"[2001:db8::1]:tag", "invalid reference format"},
      {"[2001:db8::1]/repo", "", "[2001:db8::1]/repo", "[2001:db8::1]", "", ""},
      {"[2001:db8:1:2:3:4:5:6]/repo:tag", "", "[2001:db8:1:2:3:4:5:6]/repo",
       "[2001:db8:1:2:3:4:5:6]", "tag", ""},
      {"[2001:db8::1]:5000/repo", "", "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "", ""},
      {"[2001:db8::1]:5000/repo:tag", "", "[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "tag",
       ""},
      {"[2001:db8::1]:5000/repo@sha256:" + kF64, "", "[2001:db8::1]:5000/repo",
       "[2001:db8::1]:5000", "", "sha256:" + kF64},
      {"[2001:db8::]:5000/repo", "", "[2001:db8::]:5000/repo", "[2001:db8::]:5000", "", ""},
      {"[::1]:5000/repo", "", "[::1]:5000/repo", "[::1]:5000", "", ""},
      {"[fe80::1%eth0]:5000/repo", "invalid reference format"},
      {"[fe80::1%@invalidzone]:5000/repo", "invalid reference format"},
      // Separators and tag rules beyond upstream's table.
      {"a__b/c--d/e.f_g", "", "a__b/c--d/e.f_g", "", "", ""},
      {"a___b", "invalid reference format"},
      {"a..b", "invalid reference format"},
      {"-a", "invalid reference format"},
      {"a-", "invalid reference format"},
      {"a/", "invalid reference format"},
      {"a//b", "invalid reference format"},
      {"a:" + std::string(128, 't'), "", "a", "", std::string(128, 't'), ""},
      {"a:" + std::string(129, 't'), "invalid reference format"},
      {"a:.tag", "invalid reference format"},
      {"a@sha256:" + std::string(64, 'F'), "invalid checksum digest format"},
      {"a@sha256:" + std::string(31, 'f'), "invalid reference format"},
      {"a@sha256:" + kF64 + "@sha256:" + kF64, "invalid reference format"},
      {"host:port/a", "invalid reference format"},
      {"-host.com/a", "invalid reference format"},
  };
  for (const auto& c : cases) {
    INFO("input: " << c.input);
    auto parsed = runtime::parse_reference(c.input);
    if (!c.error.empty()) {
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.error().message() == c.error);
      continue;
    }
    REQUIRE(parsed.ok());
    CHECK(parsed->str() == c.input);
    CHECK(parsed->name() == c.name);
    CHECK(parsed->domain == c.domain);
    CHECK(parsed->tag == c.tag);
    CHECK((parsed->digest ? parsed->digest->str() : "") == c.digest);
  }
}

TEST_CASE("normalize_reference follows ParseNormalizedNamed and TagNameOnly", "[unit]") {
  const std::vector<std::pair<std::string, std::string>> valid = {
      {"busybox", "docker.io/library/busybox:latest"},
      {"busybox:1.36", "docker.io/library/busybox:1.36"},
      {"library/busybox", "docker.io/library/busybox:latest"},
      {"docker.io/busybox", "docker.io/library/busybox:latest"},
      {"index.docker.io/busybox", "docker.io/library/busybox:latest"},
      {"docker.io/library/busybox:1.36", "docker.io/library/busybox:1.36"},
      {"user/repo", "docker.io/user/repo:latest"},
      {"user/repo/sub", "docker.io/user/repo/sub:latest"},
      {"localhost/repo", "localhost/repo:latest"},
      {"localhost:5000/a/b:v1", "localhost:5000/a/b:v1"},
      {"host:5000/a/b@sha256:" + kF64, "host:5000/a/b@sha256:" + kF64},
      {"busybox:1.36@sha256:" + kF64, "docker.io/library/busybox:1.36@sha256:" + kF64},
      {"quay.io/coreos/etcd", "quay.io/coreos/etcd:latest"},
      {"127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest"},
      {"Uppercase/lowercase:tag", "Uppercase/lowercase:tag"},  // "Uppercase" is a registry
  };
  for (const auto& [input, want] : valid) {
    INFO("input: " << input);
    auto parsed = runtime::normalize_reference(input);
    REQUIRE(parsed.ok());
    CHECK(runtime::with_default_tag(*parsed).str() == want);
  }
  CHECK(runtime::normalize_reference("busybox")->familiar() == "busybox");
  CHECK(runtime::normalize_reference("user/repo:v1")->familiar() == "user/repo:v1");
  CHECK(runtime::normalize_reference("localhost:5000/a")->familiar() == "localhost:5000/a");

  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"", "invalid reference format"},
      {"Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase"},
      {"docker.io/User/repo",
       "invalid reference format: repository name (User/repo) must be lowercase"},
      {kF64, "invalid repository name (" + kF64 + "), cannot specify 64-byte hexadecimal strings"},
      {"busybox:", "invalid reference format"},
      {"busybox@sha256:abc", "invalid reference format"},
      {"bad name", "invalid reference format"},
      {"../../etc/passwd", "invalid reference format"},
      {"/busybox", "invalid reference format"},
  };
  for (const auto& [input, want] : invalid) {
    INFO("input: " << input);
    auto parsed = runtime::normalize_reference(input);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message() == want);
  }
}

TEST_CASE("digests are parsed as go-digest does and hashed with sha256", "[unit]") {
  CHECK(runtime::parse_digest("sha256:" + kF64)->hex == kF64);
  CHECK(runtime::parse_digest("sha256").error().message() == "invalid checksum digest format");
  CHECK(runtime::parse_digest("sha256:").error().message() == "invalid checksum digest format");
  CHECK(runtime::parse_digest("sha256:abc").error().message() == "invalid checksum digest length");
  CHECK(runtime::parse_digest("md5:abc").error().message() == "unsupported digest algorithm");
  CHECK(runtime::parse_digest("Bad!:abc").error().message() == "invalid checksum digest format");
  CHECK(runtime::parse_sha256_digest("sha512:" + kF128).error().message() ==
        "digest \"sha512:" + kF128 + "\": only sha256 digests name content in the store");
  CHECK(runtime::sha256_of("").str() ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(runtime::sha256_of("abc").str() ==
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
