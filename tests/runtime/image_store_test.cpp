// The image store and import on the real filesystem: OCI layouts and docker archives made by
// image_builder.hpp, shared layers, reference counts, rm/prune, and bad sources that must leave
// no image, no blob and nothing outside the store.
#include "runtime/image_store.hpp"

#include <sys/stat.h>

#include "runtime/image_import.hpp"
#include "tests/runtime/image_builder.hpp"

using namespace image_test;

namespace {

struct Fixture {
  TempDir dir;
  fs::path images = dir.path / "state" / "images";
  runtime::ImageStore store = open_store();

  runtime::ImageStore open_store() {
    auto s = runtime::ImageStore::open(images);
    REQUIRE(s.ok());
    return std::move(*s);
  }
  Layer base_layer() {
    return layer({dir_entry("bin"), file("bin/busybox", "busybox binary", 0755),
                  symlink_entry("bin/sh", "busybox")},
                 dir.path, "gzip");
  }
  static TarEntry dir_entry(const std::string& p) { return image_test::dir(p); }
  std::vector<std::string> blobs() const { return tree(images / "blobs" / "sha256"); }
  std::vector<std::string> layers() const { return tree(images / "layers"); }
};

}  // namespace

TEST_CASE("an OCI layout imports, resolve gives lowerdirs top first and the config", "[root]") {
  Fixture f;
  Image image;
  image.layers = {f.base_layer(), layer({file("etc/motd", "hello\n")}, f.dir.path, "zstd")};
  image.process = {{"Entrypoint", {"/bin/sh", "-c"}},
                   {"Cmd", {"echo hi"}},
                   {"Env", {"PATH=/bin", "A=1"}},
                   {"WorkingDir", "/work"},
                   {"User", "1000:1000"}};
  image.ref_name = "busybox:1.36";
  const auto manifests = oci_layout(f.dir.path / "layout", {image});

  auto imported = runtime::import_images(f.store, f.dir.path / "layout");
  REQUIRE(imported.ok());
  REQUIRE(imported->size() == 1);
  CHECK(imported->front().names == std::vector<std::string>{"docker.io/library/busybox:1.36"});
  CHECK(imported->front().repo_digests ==
        std::vector<std::string>{"docker.io/library/busybox@" + manifests[0]});

  const std::vector<std::string> refs = {"busybox:1.36", "docker.io/library/busybox:1.36",
                                         "busybox@" + manifests[0], imported->front().id.str(),
                                         imported->front().id.hex.substr(0, 12)};
  for (const auto& ref : refs) {
    INFO(ref);
    auto resolved = f.store.resolve(ref);
    REQUIRE(resolved.ok());
    REQUIRE(resolved->lowerdirs.size() == 2);
    CHECK(read_bytes(resolved->lowerdirs[0] / "etc/motd") == "hello\n");
    CHECK(read_bytes(resolved->lowerdirs[1] / "bin/busybox") == "busybox binary");
    CHECK(resolved->config.entrypoint == std::vector<std::string>{"/bin/sh", "-c"});
    CHECK(resolved->config.cmd == std::vector<std::string>{"echo hi"});
    CHECK(resolved->config.env == std::vector<std::string>{"PATH=/bin", "A=1"});
    CHECK(resolved->config.working_dir == "/work");
    CHECK(resolved->config.user == "1000:1000");
  }
  CHECK(f.store.resolve("busybox").error().message() == "image \"busybox\" not found");
  CHECK(f.store.resolve("Bad Name").error().message() == "image \"Bad Name\" not found");
  CHECK(tree(f.images / "tmp").empty());

  // Reopening the store (recover) keeps everything; debris in tmp/ goes.
  write_bytes(f.images / "tmp" / "blob-crashed", "half");
  auto reopened = runtime::ImageStore::open(f.images);
  REQUIRE(reopened.ok());
  CHECK(tree(f.images / "tmp").empty());
  CHECK(reopened->resolve("busybox:1.36").ok());
}

TEST_CASE("images share layers, counts, rm and prune follow the references", "[root]") {
  Fixture f;
  const Layer base = f.base_layer();
  Image a, b;
  a.layers = {base, layer({file("a", "A")}, f.dir.path)};
  a.ref_name = "example.com/a:v1";
  b.layers = {base, layer({file("b", "B")}, f.dir.path)};
  b.ref_name = "example.com/b:v1";
  oci_layout(f.dir.path / "a", {a});
  oci_layout(f.dir.path / "b", {b});
  REQUIRE(runtime::import_images(f.store, f.dir.path / "a").ok());
  const auto base_dir = f.images / "layers" / runtime::parse_digest(base.diff_id)->hex;
  struct stat before {};
  REQUIRE(::stat((base_dir / "bin/busybox").c_str(), &before) == 0);
  REQUIRE(runtime::import_images(f.store, f.dir.path / "b").ok());
  struct stat after {};
  REQUIRE(::stat((base_dir / "bin/busybox").c_str(), &after) == 0);
  CHECK(before.st_ino == after.st_ino);  // the shared layer was not unpacked again

  auto images = f.store.list();
  REQUIRE(images.ok());
  REQUIRE(images->size() == 2);
  CHECK(runtime::ImageStore::layer_references(*images, *runtime::parse_digest(base.diff_id)) == 2);
  CHECK(f.layers().size() > 3);

  // Importing a again is idempotent.
  REQUIRE(runtime::import_images(f.store, f.dir.path / "a").ok());
  CHECK(f.store.list()->size() == 2);

  auto removed = f.store.remove("example.com/a:v1");
  REQUIRE(removed.ok());
  CHECK(removed->untagged.front() == "example.com/a:v1");
  REQUIRE(removed->deleted.has_value());
  CHECK(fs::exists(base_dir));  // b still uses it
  CHECK(f.store.list()->size() == 1);
  CHECK(f.store.remove("example.com/a:v1").error().message() ==
        "image \"example.com/a:v1\" not found");

  REQUIRE(f.store.remove("example.com/b:v1").ok());
  CHECK(f.store.list()->empty());
  CHECK(f.blobs().empty());
  CHECK(tree(f.images / "layers").empty());

  // prune removes what nothing references, e.g. a blob left by hand.
  write_bytes(f.images / "blobs" / "sha256" / std::string(64, 'a'), "orphan");
  auto report = f.store.collect_garbage();
  REQUIRE(report.ok());
  CHECK(report->blobs_removed == 1);
  CHECK(f.blobs().empty());
}

TEST_CASE("a multi-image docker archive imports every image with its tags", "[root]") {
  Fixture f;
  const Layer base = f.base_layer();
  Image a, b;
  a.layers = {base};
  a.process = {{"Cmd", {"sh"}}};
  b.layers = {base, layer({file("extra", "x")}, f.dir.path)};
  b.process = {{"Cmd", {"sh", "-c", "cat /extra"}}};
  docker_archive(f.dir.path / "save.tar", f.dir.path,
                 {{a, {"busybox:latest", "busybox:1.36"}}, {b, {"localhost:5000/tools/b:2"}}});
  auto imported = runtime::import_images(f.store, f.dir.path / "save.tar");
  REQUIRE(imported.ok());
  REQUIRE(imported->size() == 2);
  CHECK((*imported)[0].names == std::vector<std::string>{"docker.io/library/busybox:latest",
                                                         "docker.io/library/busybox:1.36"});
  CHECK((*imported)[0].repo_digests.empty());
  CHECK(f.store.resolve("busybox")->config.cmd == std::vector<std::string>{"sh"});
  CHECK(f.store.resolve("localhost:5000/tools/b:2")->lowerdirs.size() == 2);
  // Untagging one of two names keeps the image.
  auto removed = f.store.remove("busybox:1.36");
  REQUIRE(removed.ok());
  CHECK_FALSE(removed->deleted.has_value());
  CHECK(f.store.resolve("busybox:latest").ok());
}

TEST_CASE("bad sources fail clearly and leave no image, no blob, nothing outside", "[root]") {
  Fixture f;
  const Layer good = f.base_layer();
  Image image;
  image.layers = {good};
  image.ref_name = "bad:1";
  const fs::path layout = f.dir.path / "layout";
  const auto outside_before = tree(f.dir.path / "state");

  const auto expect_failure = [&](const fs::path& source, const std::string& message) {
    auto imported = runtime::import_images(f.store, source);
    REQUIRE_FALSE(imported.ok());
    CHECK_THAT(imported.error().message(), Catch::Contains(message));
    CHECK(f.store.list()->empty());
    CHECK(f.blobs().empty());
    CHECK(f.layers().empty());
    CHECK(tree(f.images / "tmp").empty());
    CHECK(read_bytes("/etc/passwd").find("owned") == std::string::npos);
  };

  SECTION("a blob whose digest does not match") {
    oci_layout(layout, {image});
    const auto blob = layout / "blobs" / "sha256" / runtime::sha256_of(good.blob).hex;
    std::string bytes = read_bytes(blob);
    bytes[bytes.size() / 2] ^= 1;
    write_bytes(blob, bytes);
    expect_failure(layout, "digest mismatch: expected sha256:" + runtime::sha256_of(good.blob).hex);
  }
  SECTION("a manifest pointing at a missing blob") {
    oci_layout(layout, {image});
    fs::remove(layout / "blobs" / "sha256" / runtime::sha256_of(good.blob).hex);
    expect_failure(layout, "is missing from the layout");
  }
  SECTION("a layer whose diff id differs from the config") {
    Image lying = image;
    lying.layers[0].diff_id = runtime::sha256_of("something else").str();
    oci_layout(layout, {lying});
    expect_failure(layout, "diff id mismatch");
  }
  SECTION("a layer with ../../etc/passwd") {
    image.layers.push_back(layer({file("../../etc/passwd", "owned\n")}, f.dir.path));
    oci_layout(layout, {image});
    expect_failure(layout, "path escapes the layer root");
  }
  SECTION("a layer writing through an absolute symlink") {
    image.layers.push_back(
        layer({symlink_entry("evil", "/etc"), file("evil/passwd", "owned\n")}, f.dir.path));
    oci_layout(layout, {image});
    expect_failure(layout, "path escapes the layer root");
  }
  SECTION("a descriptor claiming 10 GiB") {
    oci_layout(layout, {image});
    auto manifest_path = layout / "blobs" / "sha256";
    // Rewrite the manifest with a lying layer size and re-point the index at it.
    auto index = json::parse(read_bytes(layout / "index.json"));
    const std::string old = index["manifests"][0]["digest"];
    auto manifest = json::parse(read_bytes(manifest_path / old.substr(7)));
    manifest["layers"][0]["size"] = 10ull << 30;
    const std::string text = manifest.dump();
    index["manifests"][0]["digest"] = put_blob(layout, text);
    index["manifests"][0]["size"] = text.size();
    write_bytes(layout / "index.json", index.dump());
    expect_failure(layout, "the descriptor says 10737418240");
  }
  SECTION("a corrupt archive") {
    docker_archive(f.dir.path / "save.tar", f.dir.path, {{image, {"bad:1"}}});
    std::string bytes = read_bytes(f.dir.path / "save.tar");
    const auto layer_at = bytes.find(good.blob.substr(0, 16));
    REQUIRE(layer_at != std::string::npos);
    write_bytes(f.dir.path / "save.tar", bytes.substr(0, layer_at + 10));  // cut inside the layer
    expect_failure(f.dir.path / "save.tar", "import ");
  }
  SECTION("neither format") {
    fs::create_directories(layout);
    expect_failure(layout, "neither an OCI layout (index.json) nor a docker archive");
  }
  SECTION("a missing file") { expect_failure(f.dir.path / "nope.tar", "No such file"); }
  CHECK(tree(f.dir.path / "state") == outside_before);
}
