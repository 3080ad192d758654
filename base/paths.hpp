// base/paths.hpp: every path batchlet reads or writes on disk, defined in one place.
//
//   <state dir>/                    default /var/lib/batchlet (--state-dir to change)
//     state.db                      SQLite, WAL, synchronous=FULL for acknowledged writes
//     images/                       content-addressed blobs + unpacked layers
//     pods/<pod-uid>/               rootfs upper/work, shim state, exit status file
//       <container>/                one container's state directory (ContainerStatePaths)
//         spec.json                 the ContainerSpec the shim starts
//         shim.json                 the shim's options (log rotation, termination message)
//         state.json                written by the shim once the container runs: pids + starts
//         exit.json                 written by the shim when the container ended (atomic)
//         control                   fifo: "stop <grace ns>" requests to the shim
//         shim.log                  the shim's own diagnostics
//     logs/<ns>_<pod>_<uid>/<container>/<restart>.log      CRI log format
//     tls/                          server certificate and key
//     token                         bearer token for the HTTP API
//     kubeconfig.yaml               a kubeconfig pointing at this agent
//   <run dir>/                      default /run/batchlet
//     batchlet.sock                 the unix socket of the API
//
// A rootless agent (`batchlet serve --user`) keeps the same layout in the caller's own
// directories (XDG base directory specification): state in $XDG_STATE_HOME/batchlet (default
// ~/.local/state/batchlet), run dir $XDG_RUNTIME_DIR/batchlet (/tmp/batchlet-<uid> when there
// is no runtime dir, as podman does), settings $XDG_CONFIG_HOME/batchlet/config.yaml (default
// ~/.config/batchlet/config.yaml). Those read the environment and the password database only.
//
// Contract: a Paths value only computes names; it never touches the filesystem.
#pragma once

#include <filesystem>
#include <string_view>

namespace base {

inline constexpr std::string_view kDefaultStateDir = "/var/lib/batchlet";
inline constexpr std::string_view kDefaultRunDir = "/run/batchlet";

// The rootless agent's directories for the calling user (see above).
struct UserDirs {
  std::filesystem::path state_dir;
  std::filesystem::path run_dir;
  std::filesystem::path config_file;
};
UserDirs user_dirs();

class Paths {
 public:
  using path = std::filesystem::path;

  Paths(path state_dir = path(kDefaultStateDir), path run_dir = path(kDefaultRunDir))
      : state_dir_(std::move(state_dir)), run_dir_(std::move(run_dir)) {}

  const path& state_dir() const { return state_dir_; }
  const path& run_dir() const { return run_dir_; }

  path state_db() const { return state_dir_ / "state.db"; }
  path images_dir() const { return state_dir_ / "images"; }
  path pods_dir() const { return state_dir_ / "pods"; }
  path pod_dir(std::string_view pod_uid) const { return pods_dir() / path(pod_uid); }
  path container_state_dir(std::string_view pod_uid, std::string_view container) const {
    return pod_dir(pod_uid) / path(container);
  }
  path logs_dir() const { return state_dir_ / "logs"; }
  // logs/<namespace>_<pod>_<uid>/<container>/<restart>.log, as the kubelet lays them out.
  path container_log(std::string_view ns, std::string_view pod, std::string_view uid,
                     std::string_view container, int restart_count) const;
  path tls_dir() const { return state_dir_ / "tls"; }
  path token_file() const { return state_dir_ / "token"; }
  path kubeconfig() const { return state_dir_ / "kubeconfig.yaml"; }
  path socket() const { return run_dir_ / "batchlet.sock"; }

 private:
  path state_dir_;
  path run_dir_;
};

// The files of one container's state directory (pods/<pod-uid>/<container>/).
struct ContainerStatePaths {
  using path = std::filesystem::path;
  path dir;

  path spec() const { return dir / "spec.json"; }
  path shim_options() const { return dir / "shim.json"; }
  path state() const { return dir / "state.json"; }
  path exit_status() const { return dir / "exit.json"; }
  path control() const { return dir / "control"; }
  path shim_log() const { return dir / "shim.log"; }
};

}  // namespace base
