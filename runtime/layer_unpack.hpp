// runtime/layer_unpack.hpp: one image layer (tar, gzip or zstd) unpacked into a directory that
// serves as an overlayfs lowerdir.
//
// Contract:
// - The layer is read once; its uncompressed stream is hashed on the way, and the result's
//   diff_id is sha256 of that stream (what an image config's rootfs.diff_ids lists).
// - Whiteouts become overlay whiteouts: ".wh.NAME" a 0/0 character device NAME, ".wh..wh..opq"
//   the xattr trusted.overlay.opaque=y on its directory (both need CAP_MKNOD/CAP_SYS_ADMIN; an
//   unprivileged unpack of a layer with whiteouts fails with a clear error).
// - Nothing is created outside `target`: entry names are cleaned lexically and a ".." that would
//   climb above the root is refused; every parent is opened with openat2(RESOLVE_BENEATH), so a
//   write through a symlink that leaves the root (absolute or relative) is refused too. Symlinks
//   themselves may point anywhere (they are resolved inside the container's root at run time).
// - Hardlinks must point at an earlier entry of the same layer. Device nodes are skipped when
//   mknod is not permitted; owners are applied only when running as root.
// - More than limits.max_bytes of file data (as claimed by headers or as read) or
//   limits.max_entries entries fail the unpack. On any error the caller removes `target`
//   (the store unpacks into a temporary directory and renames it only on success).
#pragma once

#include <cstdint>
#include <filesystem>

#include "base/result.hpp"
#include "runtime/image_digest.hpp"

namespace runtime {

// 64 GiB of file data and 4 million entries per layer: well above real images (the largest
// CUDA/ML layers are a few GiB), low enough that a header claiming exabytes fails at once.
inline constexpr std::uint64_t kMaxLayerBytes = 64ull << 30;
inline constexpr std::uint64_t kMaxLayerEntries = 4'000'000;

struct UnpackLimits {
  std::uint64_t max_bytes = kMaxLayerBytes;
  std::uint64_t max_entries = kMaxLayerEntries;
};

struct UnpackResult {
  Digest diff_id;
  std::uint64_t bytes = 0;    // file data written
  std::uint64_t entries = 0;  // archive entries processed
  std::uint64_t skipped_devices = 0;
};

// Unpacks the layer file `layer` into the existing, empty directory `target`.
base::Result<UnpackResult> unpack_layer(const std::filesystem::path& layer,
                                        const std::filesystem::path& target,
                                        const UnpackLimits& limits = {});

}  // namespace runtime
