// runtime/host_path.cpp: see host_path.hpp. The checks and messages follow the kubelet's
// pkg/volume/hostpath (checkTypeInternal).
#include "runtime/host_path.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace runtime {
namespace {

base::Error type_error(const std::filesystem::path& path, std::string_view what) {
  std::string message = "hostPath type check failed: ";
  message += path.string();
  message += " is not ";
  message += what;
  return base::Error(message);
}

// The file type at `path` (following symlinks, as the kubelet's os.Stat does), or 0.
mode_t file_type(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & S_IFMT;
}

bool path_exists(const std::filesystem::path& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

base::Result<HostPathType> parse_host_path_type(std::string_view name) {
  if (name.empty()) return HostPathType::unset;
  if (name == "DirectoryOrCreate") return HostPathType::directory_or_create;
  if (name == "Directory") return HostPathType::directory;
  if (name == "FileOrCreate") return HostPathType::file_or_create;
  if (name == "File") return HostPathType::file;
  if (name == "Socket") return HostPathType::socket;
  if (name == "CharDevice") return HostPathType::char_device;
  if (name == "BlockDevice") return HostPathType::block_device;
  std::string message(name);
  message += " is an invalid volume type";
  return base::Error(message);
}

base::Status check_host_path(const std::filesystem::path& path, HostPathType type) {
  switch (type) {
    case HostPathType::unset:
      return {};
    case HostPathType::directory_or_create:
      if (!path_exists(path)) {
        std::error_code ec;
        std::filesystem::create_directories(path, ec);
        if (ec) return base::Error::from_errno("mkdir " + path.string(), ec.value());
        ::chmod(path.c_str(), 0755);  // MkdirAll's mode, whatever the umask
      }
      [[fallthrough]];
    case HostPathType::directory:
      if (file_type(path) != S_IFDIR) return type_error(path, "a directory");
      return {};
    case HostPathType::file_or_create:
      if (!path_exists(path)) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return base::Error::from_errno("create " + path.string(), errno);
        ::close(fd);
      }
      [[fallthrough]];
    case HostPathType::file:
      if (file_type(path) != S_IFREG) return type_error(path, "a file");
      return {};
    case HostPathType::socket:
      if (file_type(path) != S_IFSOCK) return type_error(path, "a socket file");
      return {};
    case HostPathType::char_device:
      if (file_type(path) != S_IFCHR) return type_error(path, "a character device");
      return {};
    case HostPathType::block_device:
      if (file_type(path) != S_IFBLK) return type_error(path, "a block device");
      return {};
  }
  return {};
}

}  // namespace runtime
