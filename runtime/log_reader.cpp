#include "runtime/log_reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>

#include "base/unique_fd.hpp"
#include "runtime/cri_log.hpp"
#include "runtime/timestamp.hpp"

namespace runtime {
namespace {

// How often a follower re-checks writer_done() when the file is quiet.
constexpr int kFollowRecheckMs = 200;

base::Result<base::UniqueFd> open_log(const std::filesystem::path& log) {
  base::UniqueFd fd(::open(log.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return base::Error::from_errno("open log " + log.string(), errno);
  return fd;
}

// The offset where the last `n` lines of the file start.
base::Result<off_t> tail_offset(int fd, std::int64_t n, const std::filesystem::path& log) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return base::Error::from_errno("stat " + log.string(), errno);
  off_t end = st.st_size;
  if (n <= 0) return end;
  std::array<char, 64 * 1024> buf;
  std::int64_t seen = 0;
  bool first_byte = true;  // the file's final newline ends the last line; it does not start one
  off_t pos = end;
  while (pos > 0) {
    const off_t start = std::max<off_t>(0, pos - static_cast<off_t>(buf.size()));
    const ssize_t got = ::pread(fd, buf.data(), static_cast<std::size_t>(pos - start), start);
    if (got < 0) {
      if (errno == EINTR) continue;
      return base::Error::from_errno("read " + log.string(), errno);
    }
    for (ssize_t i = got - 1; i >= 0; --i) {
      if (buf[static_cast<std::size_t>(i)] == '\n') {
        if (first_byte && start + i == end - 1) {
          first_byte = false;
          continue;
        }
        if (++seen == n) return start + i + 1;
      }
      first_byte = false;
    }
    pos = start;
  }
  return 0;
}

class Renderer {
 public:
  Renderer(const LogReadOptions& o, const LogSink& sink) : o_(o), sink_(sink) {
    if (o.limit_bytes && *o.limit_bytes > 0) left_ = *o.limit_bytes;
  }
  // False once the byte limit is reached.
  bool open() const { return left_ != 0; }

  base::Status line(std::string_view text) {
    auto rec = parse_cri_record(text);
    if (!rec) return {};  // the kubelet skips what it cannot parse
    if (rec->stream == Stream::out ? !o_.include_stdout : !o_.include_stderr) return {};
    if (o_.since && rec->time < *o_.since) return {};
    out_.clear();
    if (o_.timestamps) {
      out_ += format_rfc3339_nano(rec->time);
      out_.push_back(' ');
    }
    out_ += rec->content;
    if (!rec->partial) out_.push_back('\n');
    std::string_view chunk = out_;
    if (left_ >= 0) {
      chunk =
          chunk.substr(0, static_cast<std::size_t>(std::min<std::int64_t>(left_, chunk.size())));
      left_ -= static_cast<std::int64_t>(chunk.size());
    }
    return sink_(chunk);
  }

 private:
  const LogReadOptions& o_;
  const LogSink& sink_;
  std::int64_t left_ = -1;  // bytes still allowed, -1 unlimited
  std::string out_;
};

// Reads from fd's position to end of file, handing complete lines to the renderer; an
// incomplete last line stays in `carry` until its newline arrives.
base::Status drain(int fd, std::string& carry, Renderer& r, const std::filesystem::path& log) {
  std::array<char, 64 * 1024> buf;
  while (r.open()) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::Error::from_errno("read " + log.string(), errno);
    }
    if (n == 0) return {};
    std::string_view data(buf.data(), static_cast<std::size_t>(n));
    while (!data.empty() && r.open()) {
      const auto nl = data.find('\n');
      if (nl == std::string_view::npos) {
        carry.append(data);
        break;
      }
      base::Status s;
      if (carry.empty()) {
        s = r.line(data.substr(0, nl));
      } else {
        carry.append(data.substr(0, nl));
        s = r.line(carry);
        carry.clear();
      }
      if (!s) return s;
      data.remove_prefix(nl + 1);
    }
  }
  return {};
}

bool same_file(int fd, const std::filesystem::path& log) {
  struct stat a {
  }, b{};
  if (::fstat(fd, &a) != 0 || ::stat(log.c_str(), &b) != 0) return true;  // not there yet
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

base::Status read_logs(const std::filesystem::path& log, const LogReadOptions& options,
                       const LogSink& sink, const FollowControl& control) {
  auto fd = open_log(log);
  if (!fd) return fd.error();
  if (options.tail_lines && *options.tail_lines >= 0) {
    auto off = tail_offset(fd->get(), *options.tail_lines, log);
    if (!off) return off.error();
    if (::lseek(fd->get(), *off, SEEK_SET) < 0) {
      return base::Error::from_errno("seek " + log.string(), errno);
    }
  }
  Renderer renderer(options, sink);
  std::string carry;
  if (auto s = drain(fd->get(), carry, renderer, log); !s) return s;
  if (!options.follow) return {};

  base::UniqueFd watch(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!watch.valid()) return base::Error::from_errno("inotify_init1", errno);
  if (::inotify_add_watch(watch.get(), log.parent_path().c_str(),
                          IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE) <
      0) {
    return base::Error::from_errno("inotify watch " + log.parent_path().string(), errno);
  }
  while (renderer.open()) {
    // Checked before the final drain, so lines written before the writer finished are read.
    const bool done = control.writer_done && control.writer_done();
    if (auto s = drain(fd->get(), carry, renderer, log); !s) return s;
    if (!same_file(fd->get(), log)) {
      auto next = open_log(log);
      if (next) {
        // The writer never writes to a file after renaming it away: this drain completes it.
        if (auto s = drain(fd->get(), carry, renderer, log); !s) return s;
        carry.clear();
        *fd = std::move(*next);
        continue;
      }
    }
    if (done) return {};
    std::array<pollfd, 2> fds{};
    fds[0] = {watch.get(), POLLIN, 0};
    fds[1] = {control.cancel_fd, POLLIN, 0};
    const int rc = ::poll(fds.data(), fds.size(), kFollowRecheckMs);
    if (rc < 0 && errno != EINTR) return base::Error::from_errno("poll", errno);
    if (control.cancel_fd >= 0 && fds[1].revents != 0) return {};
    if (fds[0].revents != 0) {
      std::array<char, 4096> events;
      while (::read(watch.get(), events.data(), events.size()) > 0) {
      }
    }
  }
  return {};
}

base::Result<std::string> last_log_output(const std::filesystem::path& log, std::int64_t max_lines,
                                          std::size_t max_bytes) {
  LogReadOptions o;
  o.tail_lines = max_lines;
  std::string out;
  auto s = read_logs(log, o, [&](std::string_view chunk) {
    out.append(chunk);
    return base::Status();
  });
  if (!s) return s.error();
  if (out.size() > max_bytes) out.erase(0, out.size() - max_bytes);
  return out;
}

}  // namespace runtime
