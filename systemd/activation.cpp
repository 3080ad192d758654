// systemd/activation.cpp: see activation.hpp.
#include "systemd/activation.hpp"

#include <fcntl.h>
#include <systemd/sd-daemon.h>

#include <cerrno>
#include <string>

namespace systemd {

base::Result<std::vector<int>> activated_unix_sockets() {
  const int n = sd_listen_fds(/*unset_environment=*/1);
  if (n < 0) return base::Error::from_errno("sd_listen_fds", -n);
  std::vector<int> fds;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; ++fd) {
    const int r = sd_is_socket_unix(fd, SOCK_STREAM, /*listening=*/1, nullptr, 0);
    if (r < 0) return base::Error::from_errno("socket activation: fd " + std::to_string(fd), -r);
    if (r == 0) {
      return base::Error("socket activation: fd " + std::to_string(fd) +
                         " is not a listening unix stream socket (batchlet.socket must have "
                         "ListenStream=<path>)");
    }
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
      return base::Error::from_errno("socket activation: close-on-exec fd " + std::to_string(fd),
                                     errno);
    }
    fds.push_back(fd);
  }
  return fds;
}

}  // namespace systemd
