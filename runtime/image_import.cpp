#include "runtime/image_import.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/file.hpp"
#include "runtime/image_reference.hpp"
#include "runtime/path_clean.hpp"

namespace runtime {
namespace fs = std::filesystem;
using base::Error;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxMetadataBytes = 8 << 20;
// All small files of one archive together (docker-archive has a few per layer).
constexpr std::size_t kMaxMetadataTotal = 64 << 20;

constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string now_rfc3339() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Lexical cleaning of a path inside the source ("./a/../b" -> "b"); nullopt when it climbs out.
std::optional<std::string> clean(std::string_view name) {
  auto parts = clean_relative_path(name);
  if (!parts) return std::nullopt;
  return join_path(*parts);
}

struct StoredFile {
  Digest digest;
  std::uint64_t size = 0;
};

// Where an image's files come from: an archive streamed once into the store, or a directory.
class Source {
 public:
  explicit Source(const ImageStore& store) : store_(store) {}
  virtual ~Source() = default;
  const ImageStore& store() const { return store_; }
  // The text of a small file (index.json, manifest.json, oci-layout); nullopt when absent.
  virtual base::Result<std::optional<std::string>> metadata(const std::string& path) = 0;
  // The file at `path`, in the store, verified against `expected` and `size` when given.
  virtual base::Result<Digest> blob(const std::string& path, const std::optional<Digest>& expected,
                                    std::optional<std::uint64_t> size) = 0;

 protected:
  const ImageStore& store_;
};

class ArchiveSource final : public Source {
 public:
  explicit ArchiveSource(const ImageStore& store) : Source(store) {}

  base::Status scan(const fs::path& file) {
    std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    const auto fail = [&](const std::string& what) {
      const char* text = archive_error_string(a.get());
      return Error(what + ": " + (text != nullptr ? text : "unknown archive error"));
    };
    if (archive_read_open_filename(a.get(), file.c_str(), 1 << 20) != ARCHIVE_OK) {
      return fail("read " + file.string());
    }
    std::vector<char> buffer(1 << 20);
    while (true) {
      archive_entry* e = nullptr;
      const int r = archive_read_next_header(a.get(), &e);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) return fail("read " + file.string());
      const char* raw = archive_entry_pathname(e);
      const std::string raw_name = raw != nullptr ? raw : "";
      const auto name = clean(raw_name);
      if (!name) return Error("archive entry \"" + raw_name + "\": path escapes the archive");
      if (const char* link = archive_entry_hardlink(e)) {
        const auto target = clean(link);
        if (!target) return Error("archive entry \"" + raw_name + "\": link escapes the archive");
        aliases_[*name] = *target;
        continue;
      }
      const auto type = archive_entry_filetype(e);
      if (type == AE_IFLNK) {
        const std::string target = archive_entry_symlink(e);
        const std::string parent = fs::path(*name).parent_path().string();
        const auto resolved =
            clean(target.starts_with("/") ? target : (parent.empty() ? "" : parent + "/") + target);
        if (!resolved) {
          return Error("archive entry \"" + raw_name + "\": symlink escapes the archive");
        }
        aliases_[*name] = *resolved;
        continue;
      }
      if (type != AE_IFREG) continue;
      const la_int64_t claimed = archive_entry_size(e);
      if (claimed < 0 || static_cast<std::uint64_t>(claimed) > kMaxLayerBytes) {
        return Error("archive entry \"" + raw_name + "\": claims " + std::to_string(claimed) +
                     " bytes, more than the limit of " + std::to_string(kMaxLayerBytes));
      }
      const std::string base_name = fs::path(*name).filename().string();
      const bool is_metadata = !base_name.ends_with(".tar") && !name->starts_with("blobs/") &&
                               static_cast<std::uint64_t>(claimed) <= kMaxMetadataBytes;
      if (is_metadata) {
        metadata_bytes_ += static_cast<std::size_t>(claimed);
        if (metadata_bytes_ > kMaxMetadataTotal) {
          return Error("archive " + file.string() + ": more than " +
                       std::to_string(kMaxMetadataTotal) + " bytes of metadata files");
        }
        std::string text(static_cast<std::size_t>(claimed), '\0');
        const la_ssize_t n = archive_read_data(a.get(), text.data(), text.size());
        if (n < 0 || static_cast<std::size_t>(n) != text.size()) {
          return fail("read " + file.string() + " entry " + *name);
        }
        metadata_[*name] = std::move(text);
        continue;
      }
      auto writer = store_.begin_blob();
      if (!writer) return writer.error();
      while (true) {
        const la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
        if (n < 0) return fail("read " + file.string() + " entry " + *name);
        if (n == 0) break;
        if (auto s = writer->write(buffer.data(), static_cast<std::size_t>(n)); !s) {
          return s.error();
        }
      }
      const std::uint64_t size = writer->size();
      auto digest = writer->commit();
      if (!digest) return digest.error();
      files_[*name] = StoredFile{*digest, size};
    }
    return {};
  }

  base::Result<std::optional<std::string>> metadata(const std::string& path) override {
    const std::string target = resolve(path);
    if (auto it = metadata_.find(target); it != metadata_.end()) return {it->second};
    if (auto it = files_.find(target); it != files_.end()) {
      auto text = store_.read_blob(it->second.digest, kMaxMetadataBytes);
      if (!text) return text.error();
      return {std::move(*text)};
    }
    return {std::nullopt};
  }

  base::Result<Digest> blob(const std::string& path, const std::optional<Digest>& expected,
                            std::optional<std::uint64_t> size) override {
    const std::string target = resolve(path);
    auto it = files_.find(target);
    if (it == files_.end()) {
      if (auto m = metadata_.find(target); m != metadata_.end()) {
        // A small file kept in memory (a config next to manifest.json): store it now.
        auto writer = store_.begin_blob();
        if (!writer) return writer.error();
        if (auto s = writer->write(m->second.data(), m->second.size()); !s) return s.error();
        auto digest = writer->commit();
        if (!digest) return digest.error();
        it = files_.emplace(target, StoredFile{*digest, m->second.size()}).first;
      } else {
        return Error("blob " + path + " is missing from the archive");
      }
    }
    if (size && *size != it->second.size) {
      return Error("blob " + path + ": size is " + std::to_string(it->second.size) +
                   " bytes, the descriptor says " + std::to_string(*size));
    }
    if (expected && *expected != it->second.digest) {
      return Error("blob " + path + ": digest mismatch: expected " + expected->str() +
                   ", content has " + it->second.digest.str());
    }
    return it->second.digest;
  }

 private:
  std::string resolve(std::string path) const {
    for (int hops = 0; hops < 16; ++hops) {
      auto it = aliases_.find(path);
      if (it == aliases_.end()) return path;
      path = it->second;
    }
    return path;
  }

  std::map<std::string, std::string> metadata_;
  std::map<std::string, StoredFile> files_;
  std::map<std::string, std::string> aliases_;
  std::size_t metadata_bytes_ = 0;
};

class DirectorySource final : public Source {
 public:
  DirectorySource(const ImageStore& store, fs::path dir) : Source(store), dir_(std::move(dir)) {}

  base::Result<std::optional<std::string>> metadata(const std::string& path) override {
    const auto cleaned = clean(path);
    if (!cleaned) return Error("path " + path + " escapes the layout");
    auto text = base::read_file(dir_ / *cleaned, kMaxMetadataBytes);
    if (!text) {
      if (text.error().sys_errno() == ENOENT) return {std::nullopt};
      return text.error();
    }
    if (text->size() > kMaxMetadataBytes) return Error(path + ": too large");
    return {std::move(*text)};
  }

  base::Result<Digest> blob(const std::string& path, const std::optional<Digest>& expected,
                            std::optional<std::uint64_t> size) override {
    const auto cleaned = clean(path);
    if (!cleaned) return Error("path " + path + " escapes the layout");
    const fs::path file = dir_ / *cleaned;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      return Error::from_errno("blob " + path + " is missing from the layout", errno);
    }
    auto digest = store_.put_blob_from_file(file, expected, size);
    if (!digest) return digest.error();
    return digest;
  }

 private:
  fs::path dir_;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  std::uint64_t size = 0;
  json annotations;
  json platform;
};

base::Result<Descriptor> parse_descriptor(const json& j, const std::string& where) {
  if (!j.is_object()) return Error(where + ": descriptor is not an object");
  Descriptor d;
  d.media_type = j.value("mediaType", std::string());
  if (!j.contains("digest") || !j["digest"].is_string()) return Error(where + ": no digest");
  auto digest = parse_sha256_digest(j["digest"].get<std::string>());
  if (!digest) return digest.error().context(where);
  d.digest = *digest;
  if (!j.contains("size") || !j["size"].is_number_unsigned()) return Error(where + ": no size");
  d.size = j["size"].get<std::uint64_t>();
  d.annotations = j.value("annotations", json::object());
  d.platform = j.value("platform", json::object());
  return d;
}

std::string blob_path(const Digest& d) { return "blobs/" + d.algorithm + "/" + d.hex; }

base::Result<json> parse_json(const std::string& text, const std::string& where) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return Error(where + ": invalid JSON");
  return doc;
}

bool supported_layer_type(std::string_view type) {
  return type.empty() || type == "application/vnd.oci.image.layer.v1.tar" ||
         type == "application/vnd.oci.image.layer.v1.tar+gzip" ||
         type == "application/vnd.oci.image.layer.v1.tar+zstd" ||
         type == "application/vnd.docker.image.rootfs.diff.tar.gzip" ||
         type == "application/vnd.docker.image.rootfs.diff.tar" ||
         type == "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip" ||
         type == "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}

struct PendingImage {
  Digest config_blob;
  std::vector<std::pair<Digest, std::uint64_t>> layer_blobs;  // blob, size
  std::optional<Digest> manifest;
  std::vector<std::string> names;
};

base::Status add_name(PendingImage& image, std::string_view text) {
  auto ref = normalize_reference(text);
  if (!ref) return ref.error().context("image name \"" + std::string(text) + "\"");
  auto tagged = with_default_tag(*ref);
  tagged.digest.reset();
  image.names.push_back(tagged.str());
  return {};
}

// The JSON blob `desc` names, read back from the store once it is verified there.
base::Result<std::string> read_verified(Source& source, const Descriptor& desc,
                                        const std::string& where) {
  if (desc.size > kMaxMetadataBytes) {
    return Error(where + ": size " + std::to_string(desc.size) + " is more than the limit of " +
                 std::to_string(kMaxMetadataBytes) + " bytes");
  }
  auto digest = source.blob(blob_path(desc.digest), desc.digest, desc.size);
  if (!digest) return digest.error().context(where);
  auto text = source.store().read_blob(*digest, kMaxMetadataBytes);
  if (!text) return text.error().context(where);
  return text;
}

// An OCI manifest (or Docker schema2 manifest) at `desc`.
base::Result<PendingImage> read_manifest(Source& source, const Descriptor& desc) {
  const std::string where = "manifest " + desc.digest.str();
  auto text = read_verified(source, desc, where);
  if (!text) return text.error();
  auto doc = parse_json(*text, where);
  if (!doc) return doc.error();
  if (!doc->contains("config") || !doc->contains("layers") || !(*doc)["layers"].is_array()) {
    return Error(where + ": not an image manifest");
  }
  PendingImage image;
  image.manifest = desc.digest;
  auto config = parse_descriptor((*doc)["config"], where + " config");
  if (!config) return config.error();
  auto config_blob = source.blob(blob_path(config->digest), config->digest, config->size);
  if (!config_blob) return config_blob.error().context(where + " config");
  image.config_blob = *config_blob;
  for (const auto& l : (*doc)["layers"]) {
    auto layer = parse_descriptor(l, where + " layer");
    if (!layer) return layer.error();
    if (!supported_layer_type(layer->media_type)) {
      return Error(where + ": unsupported layer media type " + layer->media_type);
    }
    auto blob = source.blob(blob_path(layer->digest), layer->digest, layer->size);
    if (!blob) return blob.error().context(where + " layer");
    image.layer_blobs.emplace_back(*blob, layer->size);
  }
  return image;
}

// The image a top-level index entry stands for; nested indexes choose linux/amd64.
base::Result<PendingImage> read_oci_entry(Source& source, const Descriptor& desc, int depth) {
  if (depth > 4) return Error("index nesting is too deep");
  if (desc.media_type != kOciIndex && desc.media_type != kDockerList) {
    return read_manifest(source, desc);
  }
  const std::string where = "index " + desc.digest.str();
  auto text = read_verified(source, desc, where);
  if (!text) return text.error();
  auto doc = parse_json(*text, where);
  if (!doc) return doc.error();
  for (const auto& m : doc->value("manifests", json::array())) {
    auto entry = parse_descriptor(m, where);
    if (!entry) return entry.error();
    if (entry->platform.value("os", "") == "linux" &&
        entry->platform.value("architecture", "") == "amd64") {
      auto image = read_oci_entry(source, *entry, depth + 1);
      if (!image) return image.error();
      return image;
    }
  }
  return Error(where + ": no manifest for linux/amd64");
}

base::Result<std::vector<PendingImage>> read_oci(Source& source, const std::string& index_text) {
  auto layout = source.metadata("oci-layout");
  if (!layout) return layout.error();
  if (*layout) {
    auto doc = parse_json(**layout, "oci-layout");
    if (!doc) return doc.error();
    if (doc->value("imageLayoutVersion", "") != "1.0.0") {
      return Error("oci-layout: unsupported imageLayoutVersion");
    }
  }
  auto index = parse_json(index_text, "index.json");
  if (!index) return index.error();
  if (!index->contains("manifests") || !(*index)["manifests"].is_array()) {
    return Error("index.json: no manifests");
  }
  std::vector<PendingImage> images;
  for (const auto& m : (*index)["manifests"]) {
    auto desc = parse_descriptor(m, "index.json");
    if (!desc) return desc.error();
    // Layouts often list one manifest once per tag: one image, several names.
    auto same = std::find_if(images.begin(), images.end(),
                             [&](const PendingImage& p) { return p.manifest == desc->digest; });
    auto image = same != images.end() ? base::Result<PendingImage>(PendingImage{})
                                      : read_oci_entry(source, *desc, 0);
    if (!image) return image.error();
    const std::string containerd_name = desc->annotations.value("io.containerd.image.name", "");
    const std::string ref_name = desc->annotations.value("org.opencontainers.image.ref.name", "");
    if (!containerd_name.empty()) {
      if (auto s = add_name(*image, containerd_name); !s) return s.error();
    } else if (ref_name.find_first_of("/:") != std::string::npos) {
      if (auto s = add_name(*image, ref_name); !s) return s.error();
    }
    if (same != images.end()) {
      same->names.insert(same->names.end(), image->names.begin(), image->names.end());
    } else {
      images.push_back(std::move(*image));
    }
  }
  return images;
}

base::Result<std::vector<PendingImage>> read_docker(Source& source, const std::string& text) {
  auto doc = parse_json(text, "manifest.json");
  if (!doc) return doc.error();
  if (!doc->is_array()) return Error("manifest.json: not a list");
  std::vector<PendingImage> images;
  for (const auto& entry : *doc) {
    if (!entry.is_object() || !entry.contains("Config") || !entry["Config"].is_string() ||
        !entry.contains("Layers") || !entry["Layers"].is_array()) {
      return Error("manifest.json: an entry lacks Config or Layers");
    }
    PendingImage image;
    const std::string config_path = entry["Config"].get<std::string>();
    auto config = source.blob(config_path, std::nullopt, std::nullopt);
    if (!config) return config.error().context("manifest.json Config");
    image.config_blob = *config;
    for (const auto& layer : entry["Layers"]) {
      if (!layer.is_string()) return Error("manifest.json: a layer is not a path");
      auto blob = source.blob(layer.get<std::string>(), std::nullopt, std::nullopt);
      if (!blob) return blob.error().context("manifest.json Layers");
      image.layer_blobs.emplace_back(*blob, 0);
    }
    for (const auto& tag : entry.value("RepoTags", json::array())) {
      if (!tag.is_string()) continue;
      if (auto s = add_name(image, tag.get<std::string>()); !s) return s.error();
    }
    images.push_back(std::move(image));
  }
  return images;
}

std::uint64_t known_unpacked_size(const std::vector<ImageRecord>& images, const Digest& diff_id) {
  for (const auto& image : images) {
    for (const auto& l : image.layers) {
      if (l.diff_id == diff_id && l.unpacked_size != 0) return l.unpacked_size;
    }
  }
  return 0;
}

base::Result<std::vector<ImageRecord>> import_locked(const ImageStore& store, const fs::path& path,
                                                     const ImportOptions& options) {
  std::error_code ec;
  const bool is_dir = fs::is_directory(path, ec);
  if (!is_dir && !fs::exists(path, ec)) return Error(path.string() + ": No such file or directory");
  std::unique_ptr<Source> source;
  if (is_dir) {
    source = std::make_unique<DirectorySource>(store, path);
  } else {
    auto archive_source = std::make_unique<ArchiveSource>(store);
    if (auto s = archive_source->scan(path); !s) return s.error();
    source = std::move(archive_source);
  }
  auto index = source->metadata("index.json");
  if (!index) return index.error();
  base::Result<std::vector<PendingImage>> pending = std::vector<PendingImage>{};
  if (*index) {
    pending = read_oci(*source, **index);
  } else {
    auto manifest = source->metadata("manifest.json");
    if (!manifest) return manifest.error();
    if (!*manifest) {
      return Error(path.string() +
                   ": neither an OCI layout (index.json) nor a docker archive (manifest.json)");
    }
    pending = read_docker(*source, **manifest);
  }
  if (!pending) return pending.error();
  if (pending->empty()) return Error(path.string() + ": no images");
  if (!options.name.empty()) {
    if (pending->size() != 1) return Error("a name can only be given to a single-image source");
    if (auto s = add_name(pending->front(), options.name); !s) return s.error();
  }

  auto existing = store.list();
  if (!existing) return existing.error();
  std::vector<ImageRecord> records;
  const std::string now = now_rfc3339();
  for (const auto& image : *pending) {
    auto text = store.read_blob(image.config_blob, kMaxMetadataBytes);
    if (!text) return text.error();
    auto config = parse_image_config(*text);
    if (!config) return config.error().context("image " + image.config_blob.str());
    if (config->diff_ids.size() != image.layer_blobs.size()) {
      return Error("image " + image.config_blob.str() + ": the config lists " +
                   std::to_string(config->diff_ids.size()) + " layers, the manifest " +
                   std::to_string(image.layer_blobs.size()));
    }
    ImageRecord record;
    record.id = image.config_blob;
    record.names = image.names;
    record.manifest = image.manifest;
    record.imported_at = now;
    if (image.manifest) {
      for (const auto& name : image.names) {
        auto ref = parse_reference(name);
        if (ref) record.repo_digests.push_back(ref->name() + "@" + image.manifest->str());
      }
    }
    for (std::size_t i = 0; i < image.layer_blobs.size(); ++i) {
      const auto& [blob, size] = image.layer_blobs[i];
      const Digest& diff_id = config->diff_ids[i];
      LayerRecord layer{blob, diff_id, size, 0};
      if (layer.blob_size == 0) {
        auto actual = store.blob_size(blob);
        if (!actual) return actual.error();
        layer.blob_size = *actual;
      }
      layer.unpacked_size = known_unpacked_size(*existing, diff_id);
      if (layer.unpacked_size == 0) layer.unpacked_size = known_unpacked_size(records, diff_id);
      auto unpacked = store.ensure_layer(blob, diff_id, options.limits);
      if (!unpacked) return unpacked.error().context("image " + record.id.str());
      if (*unpacked != 0) layer.unpacked_size = *unpacked;
      record.layers.push_back(layer);
    }
    records.push_back(std::move(record));
  }
  if (auto s = store.add_images(records); !s) return s.error();
  return records;
}

}  // namespace

base::Result<std::vector<ImageRecord>> import_images(const ImageStore& store, const fs::path& path,
                                                     const ImportOptions& options) {
  auto held = store.lock();
  if (!held) return held.error();
  auto records = import_locked(store, path, options);
  if (!records) {
    // Blobs and layers this import stored are unreferenced: collect them (the lock keeps other
    // writers out, so nothing of theirs is in flight).
    auto error = records.error().context("import " + path.string());
    if (auto gc = store.collect_garbage(); !gc) {
      return Error(error.message() + " (cleaning up failed: " + gc.error().message() + ")");
    }
    return error;
  }
  return records;
}

}  // namespace runtime
