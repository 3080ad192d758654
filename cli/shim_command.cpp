#include "cli/shim_command.hpp"

#include <fcntl.h>

#include <cstdio>

#include "runtime/shim.hpp"
#include "runtime/spawner.hpp"

namespace cli {

int shim_command(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: batchlet shim <state-dir>\n");
    return 2;
  }
  // Descriptor 3 is the report pipe when started by start_container(); run by hand, it is
  // simply absent.
  const int report_fd = ::fcntl(3, F_GETFD) >= 0 ? 3 : -1;
  if (report_fd >= 0) runtime::detach_from_starter(report_fd);
  return runtime::run_shim(argv[2], report_fd, runtime::container_spawner());
}

}  // namespace cli
