// agent/image_process.hpp: a pod container's process made from its image config, as the kubelet
// and containerd's CRI plugin make it.
//
// Contract (kubecontainer.ExpandContainerCommandAndArgs + containerd's WithProcessArgs/WithEnv):
// - env: the pod's env values are $(VAR)-expanded in order against the variables defined before
//   them ($$ escapes); the result is layered over the image Env, which is layered over
//   PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin. A later value replaces an
//   earlier one of the same name in place.
// - command and args are $(VAR)-expanded against the pod's env only (never the image's).
// - argv: command given -> command + args (the image Entrypoint AND Cmd are dropped);
//   no command -> image Entrypoint (unless it is [""]) + (args, or the image Cmd when args is
//   empty). An empty argv is the error "no command specified".
// - cwd: workingDir, else the image WorkingDir, else "/". user: the image User ("" = root).
#pragma once

#include <string>
#include <vector>

#include "api/job.hpp"
#include "base/result.hpp"
#include "runtime/image_config.hpp"

namespace agent {

inline constexpr std::string_view kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct ImageProcess {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // NAME=value
  std::string cwd;
  std::string user;
};

// The pod's env after $(VAR) expansion, in spec order, as NAME=value.
std::vector<std::string> expand_container_env(const api::Container& container);

base::Result<ImageProcess> image_process(const api::Container& container,
                                         const runtime::ImageConfig& image);

}  // namespace agent
