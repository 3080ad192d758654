// tests/runtime/image_builder.hpp: small images made by the tests themselves: tar layers written
// byte by byte (so bad ones can be made too: "../" names, escaping symlinks, lying sizes),
// compressed with the real gzip/zstd tools, and laid out as OCI layouts or docker archives.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/file.hpp"
#include "runtime/image_digest.hpp"

namespace image_test {

namespace fs = std::filesystem;
using nlohmann::json;

struct TarEntry {
  std::string path;
  char type = '0';  // '0' file, '5' dir, '2' symlink, '1' hardlink, '3' char device
  std::string data;
  std::string link;
  unsigned mode = 0644;
  std::int64_t claimed_size = -1;  // header size when it should lie
  std::vector<std::pair<std::string, std::string>> xattrs;
  unsigned dev_major = 0, dev_minor = 0;
};

inline TarEntry entry(std::string path, char type, std::string data, std::string link,
                      unsigned mode) {
  TarEntry e;
  e.path = std::move(path);
  e.type = type;
  e.data = std::move(data);
  e.link = std::move(link);
  e.mode = mode;
  return e;
}
inline TarEntry file(std::string path, std::string data, unsigned mode = 0644) {
  return entry(std::move(path), '0', std::move(data), "", mode);
}
inline TarEntry dir(std::string path, unsigned mode = 0755) {
  return entry(std::move(path), '5', "", "", mode);
}
inline TarEntry symlink_entry(std::string path, std::string target) {
  return entry(std::move(path), '2', "", std::move(target), 0777);
}
inline TarEntry hardlink(std::string path, std::string target) {
  return entry(std::move(path), '1', "", std::move(target), 0644);
}
inline TarEntry char_device(std::string path, unsigned major, unsigned minor) {
  TarEntry e = entry(std::move(path), '3', "", "", 0666);
  e.dev_major = major;
  e.dev_minor = minor;
  return e;
}

inline void put_octal(char* field, std::size_t width, std::uint64_t value) {
  std::string text(width - 1, '0');
  for (std::size_t i = width - 1; i-- > 0; value >>= 3)
    text[i] = static_cast<char>('0' + (value & 7));
  std::copy(text.begin(), text.end(), field);
}

inline std::string header(const std::string& name, char type, std::int64_t size, unsigned mode,
                          const std::string& link, unsigned major = 0, unsigned minor = 0) {
  std::string h(512, '\0');
  REQUIRE(name.size() < 100);
  std::copy(name.begin(), name.end(), h.data());
  put_octal(&h[100], 8, mode);
  put_octal(&h[108], 8, 0);
  put_octal(&h[116], 8, 0);
  if (size <= 077777777777LL) {
    put_octal(&h[124], 12, static_cast<std::uint64_t>(size));
  } else {  // GNU base-256 for sizes that do not fit the octal field
    h[124] = static_cast<char>(0x80);
    for (int i = 0; i < 8; ++i) h[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
  }
  put_octal(&h[136], 12, 1700000000);
  h[156] = type;
  std::copy(link.begin(), link.end(), &h[157]);
  std::copy_n("ustar", 6, &h[257]);
  h[263] = '0';
  h[264] = '0';
  put_octal(&h[329], 8, major);
  put_octal(&h[337], 8, minor);
  std::fill_n(&h[148], 8, ' ');
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  put_octal(&h[148], 7, sum);
  return h;
}

inline void pad(std::string& out) { out.append((512 - out.size() % 512) % 512, '\0'); }

// An uncompressed tar stream; `finish` false leaves out the end-of-archive blocks.
inline std::string tar(const std::vector<TarEntry>& entries, bool finish = true) {
  std::string out;
  for (const auto& e : entries) {
    if (!e.xattrs.empty()) {
      std::string records;
      for (const auto& [k, v] : e.xattrs) {
        const std::string body = " SCHILY.xattr." + k + "=" + v + "\n";
        std::size_t len = body.size() + 1;
        while (std::to_string(len).size() + body.size() != len) ++len;
        records += std::to_string(len) + body;
      }
      out +=
          header("PaxHeaders/" + e.path, 'x', static_cast<std::int64_t>(records.size()), 0644, "");
      out += records;
      pad(out);
    }
    const std::int64_t size =
        e.claimed_size >= 0 ? e.claimed_size : static_cast<std::int64_t>(e.data.size());
    out +=
        header(e.path, e.type, e.type == '0' ? size : 0, e.mode, e.link, e.dev_major, e.dev_minor);
    out += e.data;
    pad(out);
  }
  if (finish) out.append(1024, '\0');
  return out;
}

inline void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

inline std::string read_bytes(const fs::path& path) {
  auto text = base::read_file(path);
  REQUIRE(text.ok());
  return *text;
}

// "gzip" or "zstd" through the real tools; "" returns the input.
inline std::string compress(const std::string& bytes, const std::string& tool,
                            const fs::path& scratch) {
  if (tool.empty()) return bytes;
  write_bytes(scratch / "plain", bytes);
  const std::string cmd = tool == "gzip" ? "gzip -n -c " : "zstd -q -c ";
  REQUIRE(std::system((cmd + (scratch / "plain").string() + " > " + (scratch / "packed").string())
                          .c_str()) == 0);
  return read_bytes(scratch / "packed");
}

struct Layer {
  std::string blob;  // as stored (maybe compressed)
  std::string diff_id;
  std::string media_type;
};

inline Layer layer(const std::vector<TarEntry>& entries, const fs::path& scratch,
                   const std::string& compression = "") {
  const std::string plain = tar(entries);
  std::string type = "application/vnd.oci.image.layer.v1.tar";
  if (compression == "gzip") type += "+gzip";
  if (compression == "zstd") type += "+zstd";
  return {compress(plain, compression, scratch), runtime::sha256_of(plain).str(), type};
}

inline std::string config_json(const std::vector<Layer>& layers, const json& process) {
  json diff_ids = json::array();
  for (const auto& l : layers) diff_ids.push_back(l.diff_id);
  return json{{"architecture", "amd64"},
              {"os", "linux"},
              {"config", process},
              {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}}
      .dump();
}

struct Image {
  std::vector<Layer> layers;
  json process = json::object();
  std::string ref_name;  // org.opencontainers.image.ref.name
};

inline std::string put_blob(const fs::path& layout, const std::string& bytes) {
  const auto digest = runtime::sha256_of(bytes);
  fs::create_directories(layout / "blobs" / "sha256");
  write_bytes(layout / "blobs" / "sha256" / digest.hex, bytes);
  return digest.str();
}

inline json descriptor(const std::string& type, const std::string& digest, std::size_t size) {
  return {{"mediaType", type}, {"digest", digest}, {"size", size}};
}

// An OCI image layout directory holding `images`; returns each image's manifest digest.
inline std::vector<std::string> oci_layout(const fs::path& layout,
                                           const std::vector<Image>& images) {
  fs::create_directories(layout);
  write_bytes(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  json index = {{"schemaVersion", 2}, {"manifests", json::array()}};
  std::vector<std::string> digests;
  for (const auto& image : images) {
    const std::string config = config_json(image.layers, image.process);
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                     {"config", descriptor("application/vnd.oci.image.config.v1+json",
                                           put_blob(layout, config), config.size())},
                     {"layers", json::array()}};
    for (const auto& l : image.layers) {
      manifest["layers"].push_back(
          descriptor(l.media_type, put_blob(layout, l.blob), l.blob.size()));
    }
    const std::string text = manifest.dump();
    json entry = descriptor("application/vnd.oci.image.manifest.v1+json", put_blob(layout, text),
                            text.size());
    if (!image.ref_name.empty()) {
      entry["annotations"] = {{"org.opencontainers.image.ref.name", image.ref_name}};
    }
    digests.push_back(entry["digest"]);
    index["manifests"].push_back(entry);
  }
  write_bytes(layout / "index.json", index.dump());
  return digests;
}

// A docker-archive tarball (the `docker save` format) holding `images` with their RepoTags.
inline void docker_archive(const fs::path& out, const fs::path& scratch,
                           const std::vector<std::pair<Image, std::vector<std::string>>> images) {
  const fs::path root = scratch / "docker-archive";
  fs::create_directories(root);
  json manifest = json::array();
  for (const auto& [image, tags] : images) {
    const std::string config = config_json(image.layers, image.process);
    const std::string config_name = runtime::sha256_of(config).hex + ".json";
    write_bytes(root / config_name, config);
    json layers = json::array();
    for (const auto& l : image.layers) {
      const std::string dir_name = runtime::sha256_of(l.blob).hex;
      fs::create_directories(root / dir_name);
      write_bytes(root / dir_name / "layer.tar", l.blob);
      layers.push_back(dir_name + "/layer.tar");
    }
    manifest.push_back({{"Config", config_name}, {"RepoTags", tags}, {"Layers", layers}});
  }
  write_bytes(root / "manifest.json", manifest.dump());
  REQUIRE(std::system(("tar -C " + root.string() + " -cf " + out.string() + " .").c_str()) == 0);
  fs::remove_all(root);
}

// A temporary directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "batchlet-image-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Every path under `root` with its size, to prove a failed operation wrote nothing there.
inline std::vector<std::string> tree(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    out.push_back(it->path().lexically_relative(root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace image_test
