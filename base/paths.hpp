// base/paths.hpp: every path batchlet reads or writes on disk, defined in one place.
//
//   <state dir>/                    default /var/lib/batchlet (--state-dir to change)
//     state.db                      SQLite, WAL, synchronous=FULL for acknowledged writes
//     images/                       content-addressed blobs + unpacked layers
//     pods/<pod-uid>/               rootfs upper/work, shim state, exit status file
//     logs/<ns>_<pod>_<uid>/<container>/<restart>.log      CRI log format
//     tls/                          server certificate and key
//     token                         bearer token for the HTTP API
//     kubeconfig.yaml               a kubeconfig pointing at this agent
//   <run dir>/                      default /run/batchlet
//     batchlet.sock                 the unix socket of the API
//
// Contract: a Paths value only computes names; it never touches the filesystem.
#pragma once

#include <filesystem>
#include <string_view>

namespace base {

inline constexpr std::string_view kDefaultStateDir = "/var/lib/batchlet";
inline constexpr std::string_view kDefaultRunDir = "/run/batchlet";

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

}  // namespace base
