// runtime/image_store.hpp: the content-addressed image store under <state dir>/images.
//
//   images/
//     blobs/sha256/<hex>     manifests, configs and layer blobs, each verified against its
//                            digest before it becomes visible (temp file, fsync, rename)
//     layers/<diff-id hex>/  unpacked layers (overlay lowerdirs), shared by every image that
//                            lists the diff id; unpacked into tmp/ and renamed when complete
//     index.json             the images: names, ids, layers; replaced atomically (temp file,
//                            fsync, rename, fsync of the directory)
//     tmp/                   work in progress; emptied by open() (crash debris)
//     lock                   flock(2): writers (import, rm, prune) hold it exclusively
//
// Contract: an image is visible (find/list/resolve) only once every blob and layer it needs is
// complete, because the index is written last. Reference counts are derived from the index: a
// layer or blob is in use while an indexed image lists it; collect_garbage() (run by remove()
// and prune()) deletes the rest. Image ids are config digests, as in Docker and the CRI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "runtime/image_config.hpp"
#include "runtime/image_digest.hpp"
#include "runtime/layer_unpack.hpp"

namespace runtime {

struct LayerRecord {
  Digest blob;     // the (possibly compressed) layer blob
  Digest diff_id;  // sha256 of the uncompressed tar
  std::uint64_t blob_size = 0;
  std::uint64_t unpacked_size = 0;
};

struct ImageRecord {
  Digest id;                              // config digest
  std::vector<std::string> names;         // normalised, tagged: docker.io/library/busybox:1.36
  std::vector<std::string> repo_digests;  // name@manifest digest, when a manifest is known
  std::optional<Digest> manifest;         // absent for docker-archive imports
  std::vector<LayerRecord> layers;        // bottom first
  std::string imported_at;                // RFC 3339, UTC
  std::uint64_t size() const;             // sum of unpacked layer sizes
};

// What the runtime needs to start a container from an image.
struct ResolvedImage {
  ImageRecord record;
  ImageConfig config;
  // Unpacked layers, TOP layer first: the order of overlayfs' lowerdir= option.
  std::vector<std::filesystem::path> lowerdirs;
};

struct GarbageReport {
  std::uint64_t blobs_removed = 0;
  std::uint64_t layers_removed = 0;
  std::uint64_t bytes_freed = 0;  // blob bytes
};

class ImageStore;

// Exclusive hold of the store's lock; writers keep one for the whole operation.
class StoreLock {
 public:
  explicit StoreLock(base::UniqueFd fd) : fd_(std::move(fd)) {}

 private:
  base::UniqueFd fd_;
};

// A blob being written: data is hashed on the way; commit() verifies and publishes it.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&&) noexcept = default;
  BlobWriter& operator=(BlobWriter&&) noexcept = default;
  ~BlobWriter();

  base::Status write(const void* data, std::size_t size);
  // Verifies the digest (and size) when given, fsyncs and renames into blobs/.
  base::Result<Digest> commit(const std::optional<Digest>& expected = std::nullopt,
                              std::optional<std::uint64_t> expected_size = std::nullopt);
  std::uint64_t size() const { return size_; }

 private:
  friend class ImageStore;
  BlobWriter(const ImageStore* store, std::filesystem::path temp, base::UniqueFd fd);
  const ImageStore* store_ = nullptr;
  std::filesystem::path temp_;
  base::UniqueFd fd_;
  std::unique_ptr<Sha256> hasher_;
  std::uint64_t size_ = 0;
};

class ImageStore {
 public:
  // Creates the directories when missing and clears tmp/ (recover()).
  static base::Result<ImageStore> open(const std::filesystem::path& images_dir);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path blob_path(const Digest& digest) const;
  std::filesystem::path layer_path(const Digest& diff_id) const;
  std::filesystem::path temp_dir() const { return root_ / "tmp"; }

  base::Result<StoreLock> lock() const;

  // Blobs.
  base::Result<BlobWriter> begin_blob() const;
  base::Result<Digest> put_blob_from_file(const std::filesystem::path& file,
                                          const std::optional<Digest>& expected,
                                          std::optional<std::uint64_t> expected_size) const;
  bool has_blob(const Digest& digest) const;
  base::Result<std::uint64_t> blob_size(const Digest& digest) const;
  base::Result<std::string> read_blob(const Digest& digest, std::size_t max_bytes) const;

  // Layers: unpacks blob `blob` unless `diff_id` is present; verifies the diff id.
  bool has_layer(const Digest& diff_id) const;
  base::Result<std::uint64_t> ensure_layer(const Digest& blob, const Digest& diff_id,
                                           const UnpackLimits& limits = {}) const;

  // The index. Callers of add_images/remove hold lock().
  base::Result<std::vector<ImageRecord>> list() const;
  // Adds images; a name an image takes is removed from any other image (like `docker tag`).
  base::Status add_images(const std::vector<ImageRecord>& images) const;
  // By name ("busybox", "busybox:1.36", "docker.io/library/busybox:1.36"), by repo digest
  // (name@sha256:...), or by id (sha256:<hex>, <hex>, or an unambiguous hex prefix >= 12).
  base::Result<ImageRecord> find(std::string_view reference) const;
  // Untags `reference`; the image goes when it has no name left or was named by id.
  // Returns the names untagged and whether the image itself was deleted.
  struct Removed {
    std::vector<std::string> untagged;
    std::optional<Digest> deleted;
  };
  base::Result<Removed> remove(std::string_view reference) const;
  // Deletes blobs and layers that no indexed image lists.
  base::Result<GarbageReport> collect_garbage() const;

  // The lookup the runtime uses to build a rootfs.
  base::Result<ResolvedImage> resolve(std::string_view reference) const;

  // Number of indexed images that list each diff id (the layer reference counts).
  static std::size_t layer_references(const std::vector<ImageRecord>& images,
                                      const Digest& diff_id);

 private:
  explicit ImageStore(std::filesystem::path root) : root_(std::move(root)) {}
  base::Status write_index(const std::vector<ImageRecord>& images) const;
  std::filesystem::path root_;
};

// Syncs a directory so that a rename inside it is durable.
base::Status fsync_dir(const std::filesystem::path& dir);

}  // namespace runtime
