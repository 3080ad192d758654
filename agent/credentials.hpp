// agent/credentials.hpp: who may talk to the agent's API — the bearer token made on first
// start (like k3s' node token), private files for it and the kubeconfig, and the identity of a
// process on the unix socket (SO_PEERCRED).
//
// Contract:
// - ensure_token(file) returns the token in `file`, creating it first if it is missing: 32
//   random bytes from getrandom(2), hex, written 0600 via a temp file and rename (a crash never
//   leaves half a token). A token file readable by others is refused (its secret is gone).
// - write_private_file() writes `content` 0600 the same way.
// - unix_peer_identity(fd): uid 0 is the user "admin" (group system:masters), as the token is;
//   anyone else is "system:unix:<login>" with their uid and gid. Members of the group
//   batchlet-admin (primary or supplementary, as SO_PEERGROUPS reports them) are admins too;
//   everyone else is confined to the namespace api::user_namespace() names.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "api/http_message.hpp"
#include "base/result.hpp"

namespace agent {

// Local users in this group may do anything through the unix socket, as root may.
inline constexpr const char* kAdminGroup = "batchlet-admin";

base::Result<std::string> ensure_token(const std::filesystem::path& file);
base::Status write_private_file(const std::filesystem::path& file, std::string_view content);
// `agent_uid` is the uid the agent runs as: a rootless agent (not 0) serves its owner, who may do
// anything, and root; anyone else is refused (an error: the server answers 401).
base::Result<api::http::Identity> unix_peer_identity(int fd, unsigned agent_uid = 0);

}  // namespace agent
