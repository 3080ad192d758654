#include "runtime/proc_identity.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/file.hpp"

namespace runtime {

base::Result<std::uint64_t> process_start_ticks(pid_t pid) {
  const std::string file = "/proc/" + std::to_string(pid) + "/stat";
  auto text = base::read_file(file, 4096);
  if (!text) return text.error();
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const auto close = text->rfind(')');
  if (close == std::string::npos) return base::Error("parse " + file + ": no command name");
  std::size_t pos = close + 1;
  for (int field = 3; field <= 22; ++field) {
    while (pos < text->size() && (*text)[pos] == ' ') ++pos;
    const auto end = text->find(' ', pos);
    if (field == 22) {
      const std::string value = text->substr(pos, end - pos);
      char* stop = nullptr;
      const unsigned long long ticks = std::strtoull(value.c_str(), &stop, 10);
      if (value.empty() || *stop != '\0') return base::Error("parse " + file + ": bad start time");
      return static_cast<std::uint64_t>(ticks);
    }
    if (end == std::string::npos) break;
    pos = end;
  }
  return base::Error("parse " + file + ": too few fields");
}

base::Result<base::UniqueFd> open_verified_pidfd(pid_t pid, std::uint64_t start_ticks) {
  const std::string what = "pidfd_open " + std::to_string(pid);
  base::UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!fd.valid()) return base::Error::from_errno(what, errno);
  auto ticks = process_start_ticks(pid);
  if (!ticks) {
    // Gone between the two calls (and reaped): not the process we were looking for.
    return base::Error::from_errno(what + ": process vanished", ESRCH);
  }
  if (*ticks != start_ticks) {
    return base::Error::from_errno(what + ": pid was reused (start time " + std::to_string(*ticks) +
                                       ", expected " + std::to_string(start_ticks) + ")",
                                   ESRCH);
  }
  return fd;
}

bool pidfd_exited(int pidfd) {
  pollfd p{pidfd, POLLIN, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, 0);
  } while (rc < 0 && errno == EINTR);
  return rc > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}

}  // namespace runtime
