// The namespaced spawner (runtime/spawn.hpp) behind the shim's Spawner seam.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <memory>
#include <string>

#include "runtime/spawn.hpp"
#include "runtime/spawner.hpp"

namespace runtime {

Spawner container_spawner() {
  return [](const ContainerSpec& spec, const StdioFds& stdio) -> base::Result<SpawnedContainer> {
    auto spawned = spawn_container(spec, ContainerStdio{-1, stdio.out, stdio.err});
    if (!spawned.ok()) return spawned.error().error;
    Container& container = spawned.value();
    const pid_t pid = container.pid();
    // The shim owns the process as an OwnedChild (reaping, group signals); the Container gives
    // up ownership without killing it. Its pidfd stays with kill_all(), valid as long as init is
    // unreaped, which is when the shim calls it.
    auto pidfd = std::make_shared<base::UniqueFd>(container.release_pidfd());
    auto init = base::OwnedChild::adopt(pid);
    if (!init) {
      (void)::syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0);
      return init.error().context("adopt container init");
    }
    std::shared_ptr<base::UniqueFd> cgroup;
    if (!spec.cgroup_dir.empty()) {
      cgroup = std::make_shared<base::UniqueFd>(
          ::open(spec.cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    }
    auto kill_all = [pidfd, cgroup]() -> base::Status {
      if (cgroup && cgroup->valid()) {
        base::UniqueFd kill_file(::openat(cgroup->get(), "cgroup.kill", O_WRONLY | O_CLOEXEC));
        if (kill_file.valid() && ::write(kill_file.get(), "1", 1) == 1) return {};
      }
      // Killing init (pid 1 of its namespace) takes every process of the container with it.
      if (::syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0) != 0 &&
          errno != ESRCH) {
        return base::Error::from_errno("kill container init", errno);
      }
      return {};
    };
    return SpawnedContainer{std::move(*init), std::move(kill_all)};
  };
}

}  // namespace runtime
