// `batchlet image pull` against Debian's docker-registry on 127.0.0.1 with htpasswd (basic) auth:
// images built by umoci and pushed by skopeo; the registry's access log proves a layer shared by
// two images is downloaded once. Also: no credentials, a corrupted blob, a registry that hangs.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/file.hpp"
#include "base/unique_fd.hpp"
#include "tests/cli/cli_harness.hpp"

using cli_test::Output;
using cli_test::TempDir;

namespace {

void sh(const std::string& command) {
  INFO(command);
  REQUIRE(std::system(("{ set -e; " + command + "; } >/dev/null 2>&1").c_str()) == 0);
}

std::string capture(const std::string& command) {
  auto out = cli_test::run({"/bin/sh", "-c", command});
  REQUIRE(out.exit_code == 0);
  while (!out.out.empty() && out.out.back() == '\n') out.out.pop_back();
  return out.out;
}

// A listening socket on 127.0.0.1:<free port>; never accepts (the kernel completes handshakes).
struct Listener {
  base::UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  int port = 0;
  Listener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    REQUIRE(::listen(fd.get(), 16) == 0);
  }
};

bool can_connect(int port) {
  base::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

// docker-registry with a generated config, on a free port, stopped (by its pid) at the end.
struct Registry {
  fs::path dir;
  int port = 0;
  pid_t pid = -1;
  std::string host;

  explicit Registry(const fs::path& d) : dir(d) {
    fs::create_directories(dir);
    {
      Listener probe;
      port = probe.port;
    }
    host = "127.0.0.1:" + std::to_string(port);
    const std::string hash = capture(
        "python3 -W ignore -c \"import crypt; "
        "print(crypt.crypt('secret', crypt.mksalt(crypt.METHOD_BLOWFISH)))\"");
    std::ofstream(dir / "htpasswd") << "alice:" << hash << "\n";
    std::ofstream(dir / "config.yml")
        << "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n"
        << "storage:\n  filesystem:\n    rootdirectory: " << (dir / "data").string() << "\n"
        << "http:\n  addr: " << host << "\n"
        << "auth:\n  htpasswd:\n    realm: batchlet-test\n    path: " << (dir / "htpasswd").string()
        << "\n";
    // Started directly (not through a shell the harness would reap with its process group).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir / "log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const std::string config = (dir / "config.yml").string();
    const char* argv[] = {"docker-registry", "serve", config.c_str(), nullptr};
    const int rc = ::posix_spawnp(&pid, "docker-registry", &actions, nullptr,
                                  const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
    for (int i = 0; i < 100 && !can_connect(port); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(can_connect(port));
  }
  ~Registry() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
  // Successful GETs of a blob in the access log, across repositories.
  int blob_gets(const std::string& digest) const {
    auto log = base::read_file(dir / "log");
    REQUIRE(log.ok());
    int count = 0;
    for (const auto& line : cli_test::lines(*log)) {
      if (line.find("\"GET /v2/") != std::string::npos &&
          line.find("/blobs/" + digest + " HTTP/1.1\" 200") != std::string::npos) {
        ++count;
      }
    }
    return count;
  }
};

Output image(const fs::path& state, std::vector<std::string> args) {
  std::vector<std::string> argv = {BATCHLET_BINARY, "image", "--state-dir", state.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return cli_test::run(argv);
}

// busybox (tag "base") and busybox + one more layer (tag "extra") in the OCI layout "oci".
void make_layouts(const fs::path& dir) {
  sh("cd " + dir.string() + " && umoci init --layout oci && umoci new --image oci:base && " +
     "umoci unpack --rootless --image oci:base b && mkdir -p b/rootfs/bin && " +
     "cp /bin/busybox b/rootfs/bin/ && ln -s busybox b/rootfs/bin/sh && " +
     "umoci repack --image oci:base b && rm -rf b && " +
     "umoci unpack --rootless --image oci:base b && echo extra > b/rootfs/extra && " +
     "umoci repack --image oci:extra b && rm -rf b");
}

std::string largest_blob(const fs::path& layout) {
  return "sha256:" + capture("ls -S " + (layout / "blobs/sha256").string() + " | head -1");
}

}  // namespace

TEST_CASE("pull from a local docker-registry with basic auth, shared layers fetched once",
          "[integration]") {
  TempDir dir;
  make_layouts(dir.path);
  Registry registry(dir.path / "registry");
  const std::string push = "skopeo copy --dest-creds alice:secret --dest-tls-verify=false ";
  const std::string oci = (dir.path / "oci").string();
  sh(push + "oci:" + oci + ":base docker://" + registry.host + "/library/busybox:1.36");
  sh(push + "oci:" + oci + ":extra docker://" + registry.host + "/tools/busybox-extra:1");
  const std::string base_layer = largest_blob(dir.path / "oci");

  const fs::path state = dir.path / "state";
  const std::string a = registry.host + "/library/busybox:1.36";
  const std::string b = registry.host + "/tools/busybox-extra:1";

  // Without credentials: a clear error, nothing stored.
  auto denied = image(state, {"pull", "--insecure-registry", registry.host, a});
  CHECK(denied.exit_code == 1);
  CHECK(denied.err == "error: pull " + a + ": manifest 1.36: registry " + registry.host +
                          " requires credentials (none configured)\n");
  CHECK(image(state, {"ls", "-q"}).out.empty());

  std::ofstream(dir.path / "auth.json") << R"({"auths":{")" << registry.host << R"(":{"auth":")"
                                        << capture("printf alice:secret | base64") << R"("}}})";
  const std::vector<std::string> flags = {"--insecure-registry", registry.host, "--auth-file",
                                          (dir.path / "auth.json").string()};
  auto args = [&](const std::string& ref) {
    std::vector<std::string> v = {"pull"};
    v.insert(v.end(), flags.begin(), flags.end());
    v.push_back(ref);
    return v;
  };
  auto first = image(state, args(a));
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::StartsWith("Pulled: " + registry.host + "/library/busybox@sha256:"));
  CHECK(registry.blob_gets(base_layer) == 1);

  auto second = image(state, args(b));
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.err, Catch::Contains("Already exists " + base_layer));
  CHECK(registry.blob_gets(base_layer) == 1);  // the shared layer was not downloaded again

  auto inspect = image(state, {"inspect", b});
  REQUIRE(inspect.exit_code == 0);
  const auto info = nlohmann::json::parse(inspect.out).at(0);
  REQUIRE(info["lowerdirs"].size() == 2);
  CHECK(cli_test::lines(
            base::read_file(fs::path(info["lowerdirs"][0].get<std::string>()) / "extra").value()) ==
        std::vector<std::string>{"extra"});
  CHECK(info["layers"][0]["references"] == 2);

  // Two pulls at once into another store, of images sharing the base layer: it is fetched once.
  const fs::path concurrent = dir.path / "concurrent";
  const int gets_before = registry.blob_gets(base_layer);
  std::vector<pid_t> pulls;
  for (const auto& ref : {a, b}) {
    std::vector<std::string> words = {BATCHLET_BINARY, "image", "--state-dir", concurrent.string()};
    for (const auto& w : args(ref)) words.push_back(w);
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    REQUIRE(::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    pulls.push_back(pid);
  }
  for (pid_t pid : pulls) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(registry.blob_gets(base_layer) == gets_before + 1);
  CHECK(cli_test::lines(image(concurrent, {"ls", "-q"}).out).size() == 2);

  // A blob corrupted in the registry's storage: refused, and a fresh store stays empty.
  const std::string extra_layer = info["layers"][1]["blob"];
  const fs::path stored = registry.dir / "data/docker/registry/v2/blobs/sha256" /
                          extra_layer.substr(7, 2) / extra_layer.substr(7) / "data";
  REQUIRE(fs::exists(stored));
  sh("printf 'X' | dd of=" + stored.string() + " bs=1 seek=20 conv=notrunc");
  const fs::path fresh = dir.path / "fresh";
  auto corrupt = image(fresh, args(b));
  CHECK(corrupt.exit_code == 1);
  CHECK_THAT(corrupt.err, Catch::Contains("digest mismatch: expected " + extra_layer));
  CHECK(image(fresh, {"ls", "-q"}).out.empty());
  CHECK(fs::is_empty(fresh / "images/blobs/sha256"));
  CHECK(fs::is_empty(fresh / "images/layers"));

  auto missing = image(state, args(registry.host + "/library/busybox:nope"));
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("404 Not Found: MANIFEST_UNKNOWN"));
}

TEST_CASE("a registry that hangs fails the pull after the timeout", "[integration]") {
  TempDir dir;
  Listener hanging;
  const std::string host = "127.0.0.1:" + std::to_string(hanging.port);
  auto out = image(dir.path / "state", {"pull", "--insecure-registry", host, "--timeout", "1",
                                        host + "/library/busybox:1.36"});
  CHECK(out.exit_code == 1);
  CHECK_THAT(out.err, Catch::StartsWith("error: pull " + host +
                                        "/library/busybox:1.36: manifest "
                                        "1.36: GET http://" +
                                        host + "/v2/library/busybox/"));
  CHECK_THAT(out.err, Catch::Contains("timed out after 1000 ms"));
  CHECK(image(dir.path / "state", {"ls", "-q"}).out.empty());
}

namespace {

// tests/cli/fake_registry.py serving `layout` in `mode`, stopped (by its pid) at the end.
struct FakeRegistry {
  pid_t pid = -1;
  std::string host;
  FakeRegistry(const fs::path& dir, const fs::path& layout, const std::string& mode) {
    const std::string script = std::string(BATCHLET_SOURCE_DIR) + "/tests/cli/fake_registry.py";
    const std::string port_file = (dir / "port").string();
    const std::string layout_text = layout.string();
    const char* argv[] = {"python3",           script.c_str(), port_file.c_str(),
                          layout_text.c_str(), mode.c_str(),   nullptr};
    REQUIRE(::posix_spawnp(&pid, "python3", nullptr, nullptr, const_cast<char* const*>(argv),
                           environ) == 0);
    for (int i = 0; i < 200 && !fs::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    REQUIRE(fs::exists(port_file));
    host = "127.0.0.1:" + base::read_file(port_file).value();
  }
  ~FakeRegistry() {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
};

}  // namespace

TEST_CASE("the bearer token flow, and a registry answering 500", "[integration]") {
  TempDir dir;
  make_layouts(dir.path);
  const fs::path state = dir.path / "state";
  {
    FakeRegistry registry(dir.path, dir.path / "oci", "bearer");
    std::ofstream(dir.path / "auth.json")
        << R"({"auths":{"http://)" << registry.host << R"(/v2/":{"username":"alice",)"
        << R"("password":"secret"}}})";
    const std::string ref = registry.host + "/library/busybox:base";
    auto pulled = image(state, {"pull", "--insecure-registry", registry.host, "--auth-file",
                                (dir.path / "auth.json").string(), ref});
    INFO(pulled.err);
    CHECK(pulled.exit_code == 0);
    CHECK_THAT(pulled.out, Catch::StartsWith("Pulled: " + registry.host + "/library/busybox@"));
    CHECK(base::read_file(dir.path / "token.log").value() ==
          "service=fake&scope=repository%3Alibrary%2Fbusybox%3Apull\n");
    // Without credentials the token service refuses.
    auto refused = image(dir.path / "other", {"pull", "--insecure-registry", registry.host, ref});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Catch::Contains("get token: 401 Unauthorized"));
  }
  {
    FakeRegistry failing(dir.path / "oci", dir.path / "oci", "error500");
    const std::string ref = failing.host + "/library/busybox:base";
    auto out = image(dir.path / "third", {"pull", "--insecure-registry", failing.host, ref});
    CHECK(out.exit_code == 1);
    CHECK(out.err ==
          "error: pull " + ref + ": manifest base: 500 Internal Server Error: UNKNOWN boom\n");
    CHECK(image(dir.path / "third", {"ls", "-q"}).out.empty());
  }
}
