// runtime/image_import.hpp: images brought in from files, with no registry and no external tool.
//
// Accepted sources (the formats `docker save`, `podman save` and `skopeo copy` write):
// - a docker-archive tarball: manifest.json listing {Config, RepoTags, Layers} per image;
// - an OCI archive (a tarred OCI image layout) or an OCI layout directory: oci-layout +
//   index.json; nested indexes pick the linux/amd64 manifest;
// - either possibly compressed as a whole (libarchive detects the filter); layers may be plain,
//   gzip or zstd tars. Archives with several images import them all.
//
// Contract: every blob is verified against its digest and descriptor size, every layer against
// the config's diff id; the images become visible together, in one index update, or not at all
// (on error, what the import had stored is collected again). The store's lock is held for the
// whole import. Names: docker-archive RepoTags; OCI annotations io.containerd.image.name, else
// org.opencontainers.image.ref.name when it is a full reference (has '/' or ':'); options.name
// names a single image. Names are normalised (busybox:1.36 -> docker.io/library/busybox:1.36).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "runtime/image_store.hpp"

namespace runtime {

struct ImportOptions {
  std::string name;  // optional extra name for a single-image source
  UnpackLimits limits;
};

base::Result<std::vector<ImageRecord>> import_images(const ImageStore& store,
                                                     const std::filesystem::path& source,
                                                     const ImportOptions& options = {});

}  // namespace runtime
