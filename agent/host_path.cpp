#include "agent/host_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/unique_fd.hpp"

namespace agent {
namespace {

base::Status check_failed(const std::string& path, std::string_view what) {
  return base::Error("hostPath type check failed: " + path + " is not " + std::string(what));
}

// The file type the kind needs (S_IFMT bits) and its name in the error.
struct Kind {
  mode_t format;
  std::string_view what;
};

std::optional<Kind> kind_of(const std::string& type) {
  if (type == "DirectoryOrCreate" || type == "Directory") return Kind{S_IFDIR, "a directory"};
  if (type == "FileOrCreate" || type == "File") return Kind{S_IFREG, "a file"};
  if (type == "Socket") return Kind{S_IFSOCK, "a socket file"};
  if (type == "CharDevice") return Kind{S_IFCHR, "a character device"};
  if (type == "BlockDevice") return Kind{S_IFBLK, "a block device"};
  return std::nullopt;
}

base::Status create(const std::string& path, const std::string& type) {
  if (type == "DirectoryOrCreate") {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return base::Error("create directory " + path + ": " + ec.message());
    ::chmod(path.c_str(), 0755);  // as MkdirAll(0755) under the kubelet's umask 022
    return {};
  }
  base::UniqueFd fd(::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.valid()) return base::Error("create file " + path + ": " + std::strerror(errno));
  return {};
}

}  // namespace

base::Status set_up_host_path(const std::string& path, const std::optional<std::string>& type) {
  const std::string t = type.value_or("");
  const std::optional<Kind> kind = kind_of(t);
  if (!kind) return {};  // "" (or a type validation would have refused): no check
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return base::Error("stat " + path + ": " + std::strerror(errno));
    if (t != "DirectoryOrCreate" && t != "FileOrCreate") return check_failed(path, kind->what);
    if (auto made = create(path, t); !made.ok()) return made;
    if (::stat(path.c_str(), &st) != 0) {
      return base::Error("stat " + path + ": " + std::strerror(errno));
    }
  }
  if ((st.st_mode & S_IFMT) != kind->format) return check_failed(path, kind->what);
  return {};
}

}  // namespace agent
