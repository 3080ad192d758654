#include "base/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

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

}  // namespace base
