#include "agent/credentials.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

#include "api/authorization.hpp"
#include "base/file.hpp"
#include "base/unique_fd.hpp"

namespace agent {

base::Status write_private_file(const std::filesystem::path& file, std::string_view content) {
  const std::string what = "write " + file.string();
  const std::filesystem::path temp = file.string() + ".tmp";
  base::UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return base::Error::from_errno(what, errno);
  if (::fchmod(fd.get(), 0600) != 0) return base::Error::from_errno(what, errno);
  while (!content.empty()) {
    const ssize_t n = ::write(fd.get(), content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno(what, errno);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return base::Error::from_errno(what, errno);
  fd.reset();
  if (::rename(temp.c_str(), file.c_str()) != 0) return base::Error::from_errno(what, errno);
  return {};
}

base::Result<std::string> ensure_token(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      return base::Error("token " + file.string() +
                         " is readable by other users; remove it to make a new one");
    }
    auto text = base::read_file(file, 4096);
    if (!text.ok()) return text.error();
    std::string token = *text;
    while (!token.empty() && (token.back() == '\n' || token.back() == ' ')) token.pop_back();
    if (token.size() < 32) return base::Error("token " + file.string() + " is too short");
    return token;
  }
  if (errno != ENOENT) return base::Error::from_errno("stat " + file.string(), errno);
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return base::Error::from_errno("getrandom", errno);
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  if (auto written = write_private_file(file, token + "\n"); !written.ok()) return written.error();
  return token;
}

namespace {

std::string login_name(uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return std::to_string(uid);
}

std::optional<gid_t> group_id(const char* name) {
  group gr{};
  group* found = nullptr;
  std::vector<char> buf(65536);
  if (::getgrnam_r(name, &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    return found->gr_gid;
  }
  return std::nullopt;
}

// The peer's supplementary groups as the kernel saw them at connect().
base::Result<std::vector<gid_t>> peer_groups(int fd) {
  std::vector<gid_t> groups(64);
  for (;;) {
    socklen_t len = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &len) == 0) {
      groups.resize(len / sizeof(gid_t));
      return groups;
    }
    if (errno != ERANGE) return base::Error::from_errno("SO_PEERGROUPS", errno);
    groups.resize(len / sizeof(gid_t) + 1);
  }
}

}  // namespace

base::Result<api::http::Identity> unix_peer_identity(int fd, unsigned agent_uid) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return base::Error::from_errno("SO_PEERCRED", errno);
  }
  api::http::Identity id;
  id.kind = api::http::Identity::Kind::unix_peer;
  id.uid = cred.uid;
  id.gid = cred.gid;
  if (cred.uid == 0) {
    id.user = "admin";
    id.groups = {"system:masters"};
    return id;
  }
  const std::string name = login_name(cred.uid);
  id.user = "system:unix:" + name;
  if (agent_uid != 0) {
    // A rootless agent is its owner's alone: their pods run with their rights anyway.
    if (cred.uid != agent_uid) {
      return base::Error("unix socket: uid " + std::to_string(cred.uid) +
                         " is not the owner of this rootless agent (uid " +
                         std::to_string(agent_uid) + ")");
    }
    id.groups = {"system:masters", "system:authenticated"};
    return id;
  }
  bool admin = false;
  if (const std::optional<gid_t> admins = group_id(kAdminGroup)) {
    base::Result<std::vector<gid_t>> groups = peer_groups(fd);
    if (!groups.ok()) return groups.error();
    admin =
        cred.gid == *admins || std::find(groups->begin(), groups->end(), *admins) != groups->end();
  }
  if (admin) {
    id.groups = {"system:masters", "system:authenticated"};
  } else {
    id.groups = {"system:authenticated"};
    id.confined_namespace = api::user_namespace(name, cred.uid);
  }
  return id;
}

}  // namespace agent
