// `batchlet image` end to end with real tools: a busybox-static rootfs made into an OCI layout by
// umoci, converted by skopeo into a docker-archive and an OCI archive, imported by the real
// binary into a fresh state directory; then ls, inspect, rm, prune, and a corrupted archive.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.hpp"

using cli_test::Output;
using cli_test::TempDir;

namespace {

void sh(const std::string& command) {
  INFO(command);
  REQUIRE(std::system(("{ set -e; " + command + "; } >/dev/null 2>&1").c_str()) == 0);
}

// An OCI layout "oci" with busybox:1.36 (busybox-static, /bin/sh, a Cmd and an Env).
void make_busybox_layout(const fs::path& dir) {
  const std::string d = dir.string();
  sh("cd " + d + " && umoci init --layout oci && umoci new --image oci:bb && " +
     "umoci unpack --rootless --image oci:bb bundle && mkdir -p bundle/rootfs/bin && " +
     "cp /bin/busybox bundle/rootfs/bin/ && ln -s busybox bundle/rootfs/bin/sh && " +
     "umoci repack --image oci:bb bundle && " +
     "umoci config --image oci:bb --config.cmd /bin/sh --config.cmd -c " +
     "--config.cmd 'echo hello' --config.env GREETING=hi && umoci tag --image oci:bb 1.36 && " +
     "rm -rf bundle");
}

Output image(const fs::path& state, std::vector<std::string> args) {
  std::vector<std::string> argv = {BATCHLET_BINARY, "image", "--state-dir", state.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return cli_test::run(argv);
}

}  // namespace

TEST_CASE("batchlet image imports docker-archive and OCI archives of busybox", "[root]") {
  TempDir dir;
  make_busybox_layout(dir.path);
  const std::string d = dir.path.string();
  sh("cd " + d + " && skopeo copy oci:oci:1.36 docker-archive:docker.tar:busybox:1.36");
  sh("cd " + d + " && skopeo copy oci:oci:1.36 oci-archive:oci.tar:busybox:1.36");
  const fs::path state = dir.path / "state";

  auto docker = image(state, {"import", (dir.path / "docker.tar").string()});
  CHECK(docker.exit_code == 0);
  CHECK(docker.out == "Loaded image: busybox:1.36\n");
  auto oci = image(state, {"import", (dir.path / "oci.tar").string()});
  CHECK(oci.exit_code == 0);
  CHECK(oci.out == "Loaded image: busybox:1.36\n");
  // The layout's ref names are bare tags: the image gets a name only from --name.
  auto layout = image(state, {"import", "--name", "tools/bb:1", (dir.path / "oci").string()});
  CHECK(layout.exit_code == 0);
  CHECK(layout.out == "Loaded image: tools/bb:1\n");

  auto ls = image(state, {"ls"});
  REQUIRE(ls.exit_code == 0);
  const auto rows = cli_test::lines(ls.out);
  REQUIRE(rows.size() == 3);  // one image (same config digest), two names
  CHECK_THAT(rows[0], Catch::StartsWith("IMAGE "));
  CHECK_THAT(rows[1], Catch::StartsWith("docker.io/library/busybox   1.36 "));
  CHECK_THAT(rows[2], Catch::StartsWith("docker.io/tools/bb          1    "));

  auto inspect = image(state, {"inspect", "busybox:1.36"});
  REQUIRE(inspect.exit_code == 0);
  const auto info = nlohmann::json::parse(inspect.out).at(0);
  CHECK(info["config"]["Cmd"] == nlohmann::json({"/bin/sh", "-c", "echo hello"}));
  CHECK(info["config"]["Env"] == nlohmann::json({"GREETING=hi"}));
  REQUIRE(info["lowerdirs"].size() == 1);
  const fs::path rootfs = info["lowerdirs"][0].get<std::string>();
  CHECK(fs::is_regular_file(rootfs / "bin/busybox"));
  CHECK(fs::read_symlink(rootfs / "bin/sh") == "busybox");
  CHECK(info["repoDigests"].size() == 2);  // busybox@ and tools/bb@ the same manifest
  CHECK(info["layers"][0]["references"] == 1);

  // The unpacked rootfs runs: busybox from the layer prints through its own sh.
  auto ran = cli_test::run({(rootfs / "bin/busybox").string(), "sh", "-c", "echo hello"});
  CHECK(ran.out == "hello\n");

  auto rm = image(state, {"rm", "busybox:1.36"});
  CHECK(rm.exit_code == 0);
  CHECK(rm.out == "Untagged: docker.io/library/busybox:1.36\n");
  rm = image(state, {"rm", "tools/bb:1"});
  CHECK(rm.exit_code == 0);
  CHECK_THAT(rm.out, Catch::Contains("Deleted: sha256:"));
  CHECK_FALSE(fs::exists(rootfs));
  auto again = image(state, {"rm", "tools/bb:1"});
  CHECK(again.exit_code == 1);
  CHECK(again.err == "error: image \"tools/bb:1\" not found\n");
  auto prune = image(state, {"prune"});
  CHECK(prune.exit_code == 0);
  CHECK(prune.out == "Deleted blobs: 0, layers: 0\nTotal reclaimed space: 0B\n");
  CHECK(image(state, {"ls", "-q"}).out.empty());
}

TEST_CASE("batchlet image import refuses a corrupted OCI archive and stores nothing", "[root]") {
  TempDir dir;
  make_busybox_layout(dir.path);
  const std::string d = dir.path.string();
  // Flip one byte in the layer blob of the layout, then archive it.
  sh("cd " + d + "/oci/blobs/sha256 && f=$(ls -S | head -1) && " +
     "printf 'X' | dd of=$f bs=1 seek=5000 conv=notrunc && cd " + d +
     "/oci && tar -cf ../bad.tar .");
  const fs::path state = dir.path / "state";
  auto bad = image(state, {"import", (dir.path / "bad.tar").string()});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::StartsWith("error: import " + (dir.path / "bad.tar").string()));
  CHECK_THAT(bad.err, Catch::Contains("digest mismatch: expected sha256:"));
  CHECK(image(state, {"ls", "-q"}).out.empty());
  CHECK(fs::is_empty(state / "images" / "blobs" / "sha256"));
  CHECK(fs::is_empty(state / "images" / "layers"));

  auto missing = image(state, {"inspect", "nothing:here"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "error: image \"nothing:here\" not found\n");
  auto usage = image(state, {"frobnicate"});
  CHECK(usage.exit_code == 2);
}

TEST_CASE("batchlet run runs a Job from an imported image (docker-archive and OCI archive)",
          "[root]") {
  TempDir dir;
  make_busybox_layout(dir.path);
  const std::string d = dir.path.string();
  sh("cd " + d + " && skopeo copy oci:oci:1.36 docker-archive:docker.tar:busybox:1.36");
  sh("cd " + d + " && skopeo copy oci:oci:1.36 oci-archive:oci.tar:tools/bb:2");
  const fs::path state = dir.path / "state";
  REQUIRE(image(state, {"import", (dir.path / "docker.tar").string()}).exit_code == 0);
  REQUIRE(image(state, {"import", (dir.path / "oci.tar").string()}).exit_code == 0);
  int n = 0;
  for (const std::string ref : {"busybox:1.36", "tools/bb:2"}) {
    INFO(ref);
    // No command: the image's Cmd runs, with the image's Env; then one with a command of its own.
    const std::string job = dir.write(
        "job" + std::to_string(n) + ".yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: bb" + std::to_string(n) +
            "\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n"
            "      - name: a\n        image: " +
            ref +
            "\n        imagePullPolicy: Never\n"
            "      - name: b\n        image: " +
            ref +
            "\n        imagePullPolicy: Never\n"
            "        command: [\"sh\", \"-c\", \"echo $GREETING from $(hostname); ls /bin | wc "
            "-l\"]\n");
    ++n;
    const Output o =
        cli_test::run({BATCHLET_BINARY, "run", "--logs", "--state-dir", state.string(), "-f", job});
    CHECK(o.exit_code == 0);
    auto lines = cli_test::lines(o.out);
    std::sort(lines.begin(), lines.end());
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "2");  // the image's /bin: busybox and sh, not the host's
    CHECK(lines[1] == "hello");
    CHECK_THAT(lines[2], Catch::StartsWith("hi from bb" + std::to_string(n - 1) + "-"));
  }
}
