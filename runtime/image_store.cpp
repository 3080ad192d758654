#include "runtime/image_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "base/file.hpp"
#include "runtime/image_reference.hpp"

namespace runtime {
namespace fs = std::filesystem;
using base::Error;
using base::UniqueFd;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxIndexBytes = 64 << 20;
constexpr std::size_t kMaxConfigBytes = 8 << 20;

base::Status write_all(int fd, const void* data, std::size_t size, const std::string& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(what, errno);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

// Removes a tree even when it holds read-only directories (layers keep their image modes).
void remove_tree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (!ec) return;
  for (auto it = fs::recursive_directory_iterator(path, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      ::chmod(it->path().c_str(), 0700);
    }
  }
  ::chmod(path.c_str(), 0700);
  fs::remove_all(path, ec);
}

json record_to_json(const ImageRecord& r) {
  json layers = json::array();
  for (const auto& l : r.layers) {
    layers.push_back({{"blob", l.blob.str()},
                      {"diffID", l.diff_id.str()},
                      {"blobSize", l.blob_size},
                      {"unpackedSize", l.unpacked_size}});
  }
  json out = {{"id", r.id.str()},
              {"names", r.names},
              {"repoDigests", r.repo_digests},
              {"importedAt", r.imported_at},
              {"layers", layers}};
  if (r.manifest) out["manifest"] = r.manifest->str();
  return out;
}

base::Result<Digest> digest_field(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return Error(std::string("missing ") + key);
  return parse_sha256_digest(j[key].get<std::string>());
}

base::Result<ImageRecord> record_from_json(const json& j) {
  ImageRecord r;
  auto id = digest_field(j, "id");
  if (!id) return id.error();
  r.id = *id;
  r.names = j.value("names", std::vector<std::string>{});
  r.repo_digests = j.value("repoDigests", std::vector<std::string>{});
  r.imported_at = j.value("importedAt", std::string());
  if (j.contains("manifest")) {
    auto m = digest_field(j, "manifest");
    if (!m) return m.error();
    r.manifest = *m;
  }
  for (const auto& l : j.value("layers", json::array())) {
    LayerRecord layer;
    auto blob = digest_field(l, "blob");
    auto diff = digest_field(l, "diffID");
    if (!blob) return blob.error();
    if (!diff) return diff.error();
    layer.blob = *blob;
    layer.diff_id = *diff;
    layer.blob_size = l.value("blobSize", std::uint64_t{0});
    layer.unpacked_size = l.value("unpackedSize", std::uint64_t{0});
    r.layers.push_back(std::move(layer));
  }
  return r;
}

bool is_hex_text(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The repository part of "name:tag" or "name@digest".
std::string repository_of(const std::string& reference) {
  const auto at = reference.find('@');
  const std::string named = reference.substr(0, at);
  const auto slash = named.rfind('/');
  const auto colon = named.find(':', slash == std::string::npos ? 0 : slash);
  return named.substr(0, colon);
}

}  // namespace

base::Status fsync_dir(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0)
    return Error::from_errno("fsync " + dir.string(), errno);
  return {};
}

std::uint64_t ImageRecord::size() const {
  std::uint64_t total = 0;
  for (const auto& l : layers) total += l.unpacked_size;
  return total;
}

// ---- BlobWriter -------------------------------------------------------------------------------

BlobWriter::BlobWriter(const ImageStore* store, fs::path temp, UniqueFd fd)
    : store_(store),
      temp_(std::move(temp)),
      fd_(std::move(fd)),
      hasher_(std::make_unique<Sha256>()) {}

BlobWriter::~BlobWriter() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

base::Status BlobWriter::write(const void* data, std::size_t size) {
  hasher_->update(data, size);
  size_ += size;
  return write_all(fd_.get(), data, size, "write blob " + temp_.string());
}

base::Result<Digest> BlobWriter::commit(const std::optional<Digest>& expected,
                                        std::optional<std::uint64_t> expected_size) {
  const Digest digest = hasher_->finish();
  if (expected_size && *expected_size != size_) {
    return Error("blob " + (expected ? expected->str() : digest.str()) + ": size is " +
                 std::to_string(size_) + " bytes, the descriptor says " +
                 std::to_string(*expected_size));
  }
  if (expected && *expected != digest) {
    return Error("digest mismatch: expected " + expected->str() + ", content has " + digest.str());
  }
  if (::fsync(fd_.get()) != 0) return Error::from_errno("fsync " + temp_.string(), errno);
  fd_.reset();
  const fs::path final_path = store_->blob_path(digest);
  if (::rename(temp_.c_str(), final_path.c_str()) != 0) {
    return Error::from_errno("rename blob to " + final_path.string(), errno);
  }
  temp_.clear();
  if (auto s = fsync_dir(final_path.parent_path()); !s) return s.error();
  return digest;
}

// ---- ImageStore -------------------------------------------------------------------------------

base::Result<ImageStore> ImageStore::open(const fs::path& images_dir) {
  std::error_code ec;
  for (const auto& dir :
       {images_dir / "blobs" / "sha256", images_dir / "layers", images_dir / "tmp"}) {
    fs::create_directories(dir, ec);
    if (ec) return Error("create " + dir.string() + ": " + ec.message());
  }
  ImageStore store(images_dir);
  // recover(): whatever sits in tmp/ is an interrupted write; it was never visible.
  auto held = store.lock();
  if (!held) return held.error();
  for (const auto& entry : fs::directory_iterator(images_dir / "tmp", ec))
    remove_tree(entry.path());
  return store;
}

fs::path ImageStore::blob_path(const Digest& digest) const {
  return root_ / "blobs" / digest.algorithm / digest.hex;
}

fs::path ImageStore::layer_path(const Digest& diff_id) const {
  return root_ / "layers" / diff_id.hex;
}

base::Result<StoreLock> ImageStore::lock() const {
  const fs::path file = root_ / "lock";
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return Error::from_errno("open " + file.string(), errno);
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return Error::from_errno("lock " + file.string(), errno);
  }
  return StoreLock(std::move(fd));
}

base::Result<BlobWriter> ImageStore::begin_blob() const {
  std::string path = (temp_dir() / "blob-XXXXXX").string();
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return Error::from_errno("create temporary blob in " + temp_dir().string(), errno);
  return BlobWriter(this, path, UniqueFd(fd));
}

base::Result<Digest> ImageStore::put_blob_from_file(
    const fs::path& file, const std::optional<Digest>& expected,
    std::optional<std::uint64_t> expected_size) const {
  UniqueFd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Error::from_errno("open " + file.string(), errno);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return Error::from_errno("stat " + file.string(), errno);
  if (expected_size && static_cast<std::uint64_t>(st.st_size) != *expected_size) {
    return Error("blob " + file.string() + ": size is " + std::to_string(st.st_size) +
                 " bytes, the descriptor says " + std::to_string(*expected_size));
  }
  if (expected && has_blob(*expected)) return *expected;
  auto writer = begin_blob();
  if (!writer) return writer.error();
  std::vector<char> buffer(1 << 20);
  while (true) {
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("read " + file.string(), errno);
    }
    if (n == 0) break;
    if (auto s = writer->write(buffer.data(), static_cast<std::size_t>(n)); !s) return s.error();
  }
  auto digest = writer->commit(expected, expected_size);
  if (!digest) return digest.error().context(file.string());
  return digest;
}

bool ImageStore::has_blob(const Digest& digest) const {
  struct stat st {};
  return ::stat(blob_path(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

base::Result<std::uint64_t> ImageStore::blob_size(const Digest& digest) const {
  struct stat st {};
  if (::stat(blob_path(digest).c_str(), &st) != 0) {
    return Error::from_errno("blob " + digest.str(), errno);
  }
  return static_cast<std::uint64_t>(st.st_size);
}

base::Result<std::string> ImageStore::read_blob(const Digest& digest, std::size_t max_bytes) const {
  auto text = base::read_file(blob_path(digest), max_bytes);
  if (!text) return text.error().context("blob " + digest.str());
  if (text->size() > max_bytes) {
    return Error("blob " + digest.str() + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

bool ImageStore::has_layer(const Digest& diff_id) const {
  struct stat st {};
  return ::stat(layer_path(diff_id).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

base::Result<std::uint64_t> ImageStore::ensure_layer(const Digest& blob, const Digest& diff_id,
                                                     const UnpackLimits& limits) const {
  if (has_layer(diff_id)) return std::uint64_t{0};
  std::string temp = (temp_dir() / "layer-XXXXXX").string();
  if (::mkdtemp(temp.data()) == nullptr) {
    return Error::from_errno("create temporary layer directory in " + temp_dir().string(), errno);
  }
  auto unpacked = unpack_layer(blob_path(blob), temp, limits);
  if (unpacked && unpacked->diff_id != diff_id) {
    unpacked = Error("layer " + blob.str() + ": diff id mismatch: the config lists " +
                     diff_id.str() + ", the content has " + unpacked->diff_id.str());
  }
  if (!unpacked) {
    remove_tree(temp);
    return unpacked.error();
  }
  // Layers are not fsynced file by file; one syncfs makes the whole tree durable before the
  // rename publishes it.
  UniqueFd dir(::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::syncfs(dir.get()) != 0) {
    const int err = errno;
    remove_tree(temp);
    return Error::from_errno("sync layer " + diff_id.str(), err);
  }
  const fs::path final_path = layer_path(diff_id);
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    remove_tree(temp);
    if ((err == EEXIST || err == ENOTEMPTY) && has_layer(diff_id)) return unpacked->bytes;
    return Error::from_errno("rename layer to " + final_path.string(), err);
  }
  if (auto s = fsync_dir(final_path.parent_path()); !s) return s.error();
  return unpacked->bytes;
}

base::Result<std::vector<ImageRecord>> ImageStore::list() const {
  const fs::path file = root_ / "index.json";
  auto text = base::read_file(file, kMaxIndexBytes);
  if (!text) {
    if (text.error().sys_errno() == ENOENT) return std::vector<ImageRecord>{};
    return text.error();
  }
  const json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("images") ||
      !doc["images"].is_array()) {
    return Error("image index " + file.string() + ": invalid JSON");
  }
  std::vector<ImageRecord> images;
  for (const auto& j : doc["images"]) {
    auto record = record_from_json(j);
    if (!record) return record.error().context("image index " + file.string());
    images.push_back(std::move(*record));
  }
  return images;
}

base::Status ImageStore::write_index(const std::vector<ImageRecord>& images) const {
  json doc = {{"version", 1}, {"images", json::array()}};
  for (const auto& r : images) doc["images"].push_back(record_to_json(r));
  const std::string text = doc.dump(2) + "\n";
  std::string temp = (temp_dir() / "index-XXXXXX").string();
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno("create temporary index", errno);
  auto s = write_all(fd.get(), text.data(), text.size(), "write " + temp);
  if (s && ::fsync(fd.get()) != 0) s = Error::from_errno("fsync " + temp, errno);
  const fs::path file = root_ / "index.json";
  if (s && ::rename(temp.c_str(), file.c_str()) != 0) {
    s = Error::from_errno("rename " + temp + " to " + file.string(), errno);
  }
  if (!s) {
    ::unlink(temp.c_str());
    return s;
  }
  return fsync_dir(root_);
}

base::Status ImageStore::add_images(const std::vector<ImageRecord>& added) const {
  auto images = list();
  if (!images) return images.error();
  for (const auto& image : added) {
    auto existing = std::find_if(images->begin(), images->end(),
                                 [&](const ImageRecord& r) { return r.id == image.id; });
    // Names move to the new image; an image left with no name stays, by id (dangling).
    for (auto& other : *images) {
      if (other.id == image.id) continue;
      std::erase_if(other.names, [&](const std::string& n) {
        return std::find(image.names.begin(), image.names.end(), n) != image.names.end();
      });
    }
    if (existing == images->end()) {
      images->push_back(image);
      continue;
    }
    for (const auto& n : image.names) {
      if (std::find(existing->names.begin(), existing->names.end(), n) == existing->names.end()) {
        existing->names.push_back(n);
      }
    }
    for (const auto& d : image.repo_digests) {
      if (std::find(existing->repo_digests.begin(), existing->repo_digests.end(), d) ==
          existing->repo_digests.end()) {
        existing->repo_digests.push_back(d);
      }
    }
    if (!existing->manifest) existing->manifest = image.manifest;
  }
  return write_index(*images);
}

namespace {

enum class MatchKind { name, digest, id };

struct Match {
  std::size_t index;
  MatchKind kind;
  std::string name;  // the matched name, for MatchKind::name
};

base::Result<Match> match_image(const std::vector<ImageRecord>& images, std::string_view text) {
  if (text.empty()) return Error("image reference is empty");
  if (auto ref = normalize_reference(text)) {
    if (ref->digest) {
      const std::string wanted = ref->name() + "@" + ref->digest->str();
      for (std::size_t i = 0; i < images.size(); ++i) {
        const auto& r = images[i];
        if (std::find(r.repo_digests.begin(), r.repo_digests.end(), wanted) !=
            r.repo_digests.end()) {
          return Match{i, MatchKind::digest, wanted};
        }
      }
    } else {
      const std::string wanted = with_default_tag(*ref).str();
      for (std::size_t i = 0; i < images.size(); ++i) {
        const auto& names = images[i].names;
        if (std::find(names.begin(), names.end(), wanted) != names.end()) {
          return Match{i, MatchKind::name, wanted};
        }
      }
    }
  }
  // By id: sha256:<hex>, <hex>, or a prefix of at least 12 hex digits.
  std::string_view hex = text;
  if (hex.substr(0, 7) == "sha256:") hex.remove_prefix(7);
  if (hex.size() >= 12 && hex.size() <= 64 && is_hex_text(hex)) {
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < images.size(); ++i) {
      if (images[i].id.hex.compare(0, hex.size(), hex) == 0) {
        if (found) return Error("image id prefix " + std::string(hex) + " is ambiguous");
        found = i;
      }
    }
    if (found) return Match{*found, MatchKind::id, {}};
  }
  return Error("image \"" + std::string(text) + "\" not found");
}

}  // namespace

base::Result<ImageRecord> ImageStore::find(std::string_view reference) const {
  auto images = list();
  if (!images) return images.error();
  auto match = match_image(*images, reference);
  if (!match) return match.error();
  return (*images)[match->index];
}

base::Result<ImageStore::Removed> ImageStore::remove(std::string_view reference) const {
  auto images = list();
  if (!images) return images.error();
  auto match = match_image(*images, reference);
  if (!match) return match.error();
  ImageRecord& image = (*images)[match->index];
  Removed removed;
  if (match->kind == MatchKind::name) {
    std::erase(image.names, match->name);
    removed.untagged.push_back(match->name);
    // A repository's digests go with its last tag.
    const std::string repository = repository_of(match->name);
    const bool repository_left = std::any_of(image.names.begin(), image.names.end(), [&](auto& n) {
      return repository_of(n) == repository;
    });
    if (!repository_left) {
      std::erase_if(image.repo_digests,
                    [&](const std::string& d) { return repository_of(d) == repository; });
    }
  }
  if (match->kind != MatchKind::name || image.names.empty()) {
    for (const auto& n : image.names) removed.untagged.push_back(n);
    for (const auto& d : image.repo_digests) removed.untagged.push_back(d);
    removed.deleted = image.id;
    images->erase(images->begin() + static_cast<std::ptrdiff_t>(match->index));
  }
  if (auto s = write_index(*images); !s) return s.error();
  if (removed.deleted) {
    auto gc = collect_garbage();
    if (!gc) return gc.error();
  }
  return removed;
}

std::size_t ImageStore::layer_references(const std::vector<ImageRecord>& images,
                                         const Digest& diff_id) {
  std::size_t count = 0;
  for (const auto& image : images) {
    count += static_cast<std::size_t>(
        std::any_of(image.layers.begin(), image.layers.end(),
                    [&](const LayerRecord& l) { return l.diff_id == diff_id; }));
  }
  return count;
}

base::Result<GarbageReport> ImageStore::collect_garbage() const {
  auto images = list();
  if (!images) return images.error();
  std::set<std::string> blobs, layers;
  for (const auto& image : *images) {
    blobs.insert(image.id.hex);
    if (image.manifest) blobs.insert(image.manifest->hex);
    for (const auto& l : image.layers) {
      blobs.insert(l.blob.hex);
      layers.insert(l.diff_id.hex);
    }
  }
  GarbageReport report;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ / "blobs" / "sha256", ec)) {
    if (blobs.count(entry.path().filename().string()) != 0) continue;
    const auto size = entry.file_size(ec);
    if (::unlink(entry.path().c_str()) != 0) {
      return Error::from_errno("remove blob " + entry.path().string(), errno);
    }
    ++report.blobs_removed;
    report.bytes_freed += ec ? 0 : size;
  }
  for (const auto& entry : fs::directory_iterator(root_ / "layers", ec)) {
    if (layers.count(entry.path().filename().string()) != 0) continue;
    // Out of sight first (one rename), then deleted at leisure.
    std::string temp = (temp_dir() / "gc-XXXXXX").string();
    if (::mkdtemp(temp.data()) == nullptr) return Error::from_errno("create " + temp, errno);
    const fs::path moved = fs::path(temp) / "layer";
    if (::rename(entry.path().c_str(), moved.c_str()) != 0) {
      return Error::from_errno("remove layer " + entry.path().string(), errno);
    }
    remove_tree(temp);
    ++report.layers_removed;
  }
  return report;
}

base::Result<ResolvedImage> ImageStore::resolve(std::string_view reference) const {
  auto record = find(reference);
  if (!record) return record.error();
  auto text = read_blob(record->id, kMaxConfigBytes);
  if (!text) return text.error();
  auto config = parse_image_config(*text);
  if (!config) return config.error().context("image " + record->id.str());
  ResolvedImage resolved{*record, std::move(*config), {}};
  for (auto it = record->layers.rbegin(); it != record->layers.rend(); ++it) {
    if (!has_layer(it->diff_id)) {
      return Error("image " + record->id.str() + ": layer " + it->diff_id.str() +
                   " is missing from the store");
    }
    resolved.lowerdirs.push_back(layer_path(it->diff_id));
  }
  return resolved;
}

}  // namespace runtime
