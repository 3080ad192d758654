// runtime/image_config.hpp: the parts of an OCI/Docker image config the runtime and the agent
// use: the process defaults (Entrypoint, Cmd, Env, WorkingDir, User) and the layer diff ids.
//
// Contract: parse_image_config() accepts the application/vnd.oci.image.config.v1+json and
// Docker's container config JSON (same keys); null or missing lists are empty. It refuses a
// config whose rootfs is not of type "layers" or whose diff ids are not sha256 digests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "runtime/image_digest.hpp"

namespace runtime {

struct ImageConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "NAME=value", in image order
  std::string working_dir;
  std::string user;
  std::string os;
  std::string architecture;
  std::vector<Digest> diff_ids;  // bottom layer first
};

base::Result<ImageConfig> parse_image_config(std::string_view json);

}  // namespace runtime
