// bench/image_bench.cpp: image import time and layer unpack throughput for a ~50 MB image made in
// the run, against GNU tar extracting the same layer in the same run.
//
// The image: one layer of 2,400 files (mixed sizes, half compressible text, half random bytes,
// ~50 MB uncompressed) in a directory tree, gzip'd, as an OCI layout. Figures (best of N runs):
//   unpack  tar.gz: runtime::unpack_layer vs `tar -xzf`   (MB/s of uncompressed data)
//   unpack  tar:    runtime::unpack_layer vs `tar -xf`
//   import  layout: import_images (copy + verify blobs, unpack, diff id check, syncfs, index)
// Ratios > 1 mean batchlet is faster. Run a release build: build/release/bench/image_bench [runs]
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "base/file.hpp"
#include "runtime/image_import.hpp"
#include "runtime/image_store.hpp"
#include "runtime/layer_unpack.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "image_bench: %s\n", what.c_str());
  std::exit(1);
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) die("command failed: " + command);
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) die("write " + path.string());
}

runtime::Digest digest_of(const fs::path& file) {
  auto bytes = base::read_file(file);
  if (!bytes) die(bytes.error().message());
  return runtime::sha256_of(*bytes);
}

constexpr int kFiles = 2400;

std::uint64_t make_rootfs(const fs::path& root) {
  std::mt19937_64 random(42);
  std::uint64_t total = 0;
  const std::string words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do ";
  for (int i = 0; i < kFiles; ++i) {
    // Names built piecewise: g++ 12 -O3 misreads "d" + string (-Wrestrict).
    std::string d = "d", sub = "s", file = "f";
    d += std::to_string(i % 40);
    sub += std::to_string(i % 7);
    file += std::to_string(i);
    const fs::path dir = root / d / sub;
    fs::create_directories(dir);
    // Sizes from 1 KiB to ~100 KiB, averaging ~25 KB.
    const std::size_t size = 1024 + (random() % 4 == 0 ? random() % 100000 : random() % 20000);
    std::string data(size, '\0');
    if (i % 2 == 0) {
      for (std::size_t j = 0; j < size; ++j) data[j] = words[(j * 7 + i) % words.size()];
    } else {
      for (auto& c : data) c = static_cast<char>(random());
    }
    write_file(dir / file, data);
    total += size;
  }
  return total;
}

double seconds(const std::function<void()>& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double best(int runs, const std::function<void()>& prepare, const std::function<void()>& body) {
  double fastest = 1e30;
  for (int i = 0; i < runs; ++i) {
    prepare();
    fastest = std::min(fastest, seconds(body));
  }
  return fastest;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 3;
  std::string tmpl = (fs::temp_directory_path() / "image-bench-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) die("mkdtemp");
  const fs::path work = tmpl;

  const std::uint64_t data_bytes = make_rootfs(work / "rootfs");
  sh("tar -C " + (work / "rootfs").string() + " -cf " + (work / "layer.tar").string() + " .");
  sh("gzip -k -6 " + (work / "layer.tar").string());
  const fs::path tar = work / "layer.tar";
  const fs::path gz = work / "layer.tar.gz";
  const double mb = static_cast<double>(fs::file_size(tar)) / 1e6;
  std::printf("image: 1 layer, %d files, %.1f MB of file data, tar %.1f MB, tar.gz %.1f MB\n",
              kFiles, static_cast<double>(data_bytes) / 1e6, mb,
              static_cast<double>(fs::file_size(gz)) / 1e6);

  // An OCI layout with the gzip'd layer.
  const fs::path layout = work / "layout";
  fs::create_directories(layout / "blobs" / "sha256");
  const auto diff_id = digest_of(tar);
  const auto layer_digest = digest_of(gz);
  fs::copy_file(gz, layout / "blobs" / "sha256" / layer_digest.hex);
  const std::string config = json{{"architecture", "amd64"},
                                  {"os", "linux"},
                                  {"config", {{"Cmd", {"/bin/sh"}}}},
                                  {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id.str()}}}}}
                                 .dump();
  const auto config_digest = runtime::sha256_of(config);
  write_file(layout / "blobs" / "sha256" / config_digest.hex, config);
  const std::string manifest = json{{"schemaVersion", 2},
                                    {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                    {"config",
                                     {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                      {"digest", config_digest.str()},
                                      {"size", config.size()}}},
                                    {"layers",
                                     {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                       {"digest", layer_digest.str()},
                                       {"size", fs::file_size(gz)}}}}}
                                   .dump();
  const auto manifest_digest = runtime::sha256_of(manifest);
  write_file(layout / "blobs" / "sha256" / manifest_digest.hex, manifest);
  write_file(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  write_file(layout / "index.json",
             json{{"schemaVersion", 2},
                  {"manifests",
                   {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                     {"digest", manifest_digest.str()},
                     {"size", manifest.size()},
                     {"annotations", {{"org.opencontainers.image.ref.name", "bench:1"}}}}}}}
                 .dump());

  const fs::path out = work / "out";
  const auto fresh = [&] {
    std::error_code ec;
    fs::remove_all(out, ec);
    fs::create_directories(out);
    ::sync();  // the previous run's dirty pages are not written back inside the next timing
  };
  const auto unpack = [&](const fs::path& layer) {
    auto r = runtime::unpack_layer(layer, out);
    if (!r) die(r.error().message());
  };

  const double ours_gz = best(runs, fresh, [&] { unpack(gz); });
  const double tar_gz =
      best(runs, fresh, [&] { sh("tar -C " + out.string() + " -xzf " + gz.string()); });
  const double ours_tar = best(runs, fresh, [&] { unpack(tar); });
  const double tar_tar =
      best(runs, fresh, [&] { sh("tar -C " + out.string() + " -xf " + tar.string()); });
  const double import = best(
      runs,
      [&] {
        fs::remove_all(work / "state");
        ::sync();
      },
      [&] {
        auto store = runtime::ImageStore::open(work / "state" / "images");
        if (!store) die(store.error().message());
        auto images = runtime::import_images(*store, layout);
        if (!images) die(images.error().message());
      });

  std::printf("%-28s %10s %10s %8s\n", "", "batchlet", "tar", "ratio");
  std::printf("%-28s %7.0f MB/s %6.0f MB/s %7.2fx\n", "unpack tar.gz (MB/s)", mb / ours_gz,
              mb / tar_gz, tar_gz / ours_gz);
  std::printf("%-28s %7.0f MB/s %6.0f MB/s %7.2fx\n", "unpack tar (MB/s)", mb / ours_tar,
              mb / tar_tar, tar_tar / ours_tar);
  std::printf("%-28s %8.3f s %10s %8s\n", "import OCI layout (gzip)", import, "", "");
  std::printf("%-28s %8.3f s %8.3f s %7.2fx  (import vs tar -xzf alone)\n", "import vs baseline",
              import, tar_gz, tar_gz / import);
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
