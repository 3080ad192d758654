#include <signal.h>

#include <cerrno>
#include <string>

#include "runtime/host_process.hpp"
#include "runtime/spawner.hpp"

namespace runtime {

Spawner host_spawner() {
  return [](const ContainerSpec& spec, const StdioFds& stdio) -> base::Result<SpawnedContainer> {
    HostProcessSpec host;
    host.argv = spec.argv;
    host.env = spec.env;
    host.cwd = spec.cwd;
    host.stdout_fd = stdio.out;
    host.stderr_fd = stdio.err;
    auto process = spawn_host_process(host);
    if (!process) return process.error();
    const pid_t group = process->child.pid();  // the child leads its own process group
    return SpawnedContainer{std::move(process->child), [group]() -> base::Status {
                              if (::kill(-group, SIGKILL) != 0 && errno != ESRCH) {
                                return base::Error::from_errno(
                                    "kill process group " + std::to_string(group), errno);
                              }
                              return {};
                            }};
  };
}

}  // namespace runtime
