#include "runtime/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/unique_fd.hpp"

namespace runtime {

base::Status write_file_atomically(const std::filesystem::path& file, std::string_view content) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    base::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (!fd.valid()) return base::Error::from_errno("create " + tmp.string(), errno);
    while (!content.empty()) {
      const ssize_t n = ::write(fd.get(), content.data(), content.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return base::Error::from_errno("write " + tmp.string(), errno);
      }
      content.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd.get()) != 0) return base::Error::from_errno("fsync " + tmp.string(), errno);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    return base::Error::from_errno("rename " + tmp.string() + " to " + file.string(), errno);
  }
  const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  base::UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) return base::Error::from_errno("open " + dir.string(), errno);
  if (::fsync(dir_fd.get()) != 0) return base::Error::from_errno("fsync " + dir.string(), errno);
  return {};
}

}  // namespace runtime
