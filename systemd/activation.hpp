// systemd/activation.hpp: sockets handed over by socket activation (batchlet.socket), through
// libsystemd's sd_listen_fds(3).
//
// Contract: activated_unix_sockets() returns the listening AF_UNIX stream sockets systemd passed
// to this process (LISTEN_PID must name it), made close-on-exec so no shim or container inherits
// them, and unsets LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES so nothing started later mistakes them
// for its own. An empty list: not socket-activated (batchlet also runs without systemd). A
// passed descriptor of another kind is an Error naming it: the unit is misconfigured.
#pragma once

#include <vector>

#include "base/result.hpp"

namespace systemd {

base::Result<std::vector<int>> activated_unix_sockets();

}  // namespace systemd
