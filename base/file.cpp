#include "base/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "base/unique_fd.hpp"

namespace base {

Result<std::string> read_file(const std::filesystem::path& file, std::size_t max_bytes) {
  const std::string what = "read " + file.string();
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error::from_errno(what, errno);
  // A large buffer keeps seq_file reads (/proc/self/mountinfo) to few calls, which narrows the
  // window for a torn view of a changing table.
  std::string text;
  std::string buffer(64 * 1024, '\0');
  while (text.size() <= max_bytes) {
    const std::size_t want = std::min(buffer.size(), max_bytes + 1 - text.size());
    const ssize_t n = ::read(fd.get(), buffer.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno(what, errno);
    }
    if (n == 0) break;
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  return text;
}

Status ensure_private_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::from_errno("create directory " + dir.string(), errno);
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return Error::from_errno("stat " + dir.string(), errno);
  if (!S_ISDIR(st.st_mode)) return Error(dir.string() + " is not a directory");
  if (st.st_uid != ::geteuid()) {
    return Error(dir.string() + " belongs to uid " + std::to_string(st.st_uid) +
                 ", not to us (uid " + std::to_string(::geteuid()) +
                 "): remove it or choose "
                 "another with --run-dir");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return Error(dir.string() + " is open to others (mode " + mode + "): chmod 700 it");
  }
  return {};
}

}  // namespace base
