#include "runtime/cri_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "runtime/timestamp.hpp"

namespace runtime {
namespace {

constexpr std::string_view kStdout = "stdout";
constexpr std::string_view kStderr = "stderr";

int index_of(Stream s) { return s == Stream::out ? 0 : 1; }

base::Status write_all(int fd, std::string_view data, const std::filesystem::path& file) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return base::Error::from_errno("write " + file.string(), errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// "20261123-175200.123456789": kubelet's rotation suffix plus nanoseconds, so that rotations
// within one second (a fast writer, a small limit) stay distinct and sort by age.
std::string rotation_suffix(base::TimePoint t) {
  std::string s = format_rfc3339_nano(t);  // 2026-11-23T17:52:00.123456789Z
  std::string out;
  for (char c : s.substr(0, 10)) {
    if (c != '-') out.push_back(c);
  }
  out.push_back('-');
  for (char c : s.substr(11, 18)) {
    if (c != ':') out.push_back(c);
  }
  return out;
}

}  // namespace

void append_cri_record(std::string& out, base::TimePoint time, Stream stream, bool partial,
                       std::string_view content) {
  out += format_rfc3339_nano(time);
  out.push_back(' ');
  out += stream == Stream::out ? kStdout : kStderr;
  out += partial ? " P " : " F ";
  out += content;
  out.push_back('\n');
}

base::Result<CriRecord> parse_cri_record(std::string_view line) {
  auto bad = [&](std::string_view why) {
    std::string m = "invalid CRI log line \"";
    m.append(line.substr(0, 80)).append("\": ").append(why);
    return base::Error(std::move(m));
  };
  CriRecord r;
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return bad("no timestamp");
  r.time_text = line.substr(0, sp1);
  auto t = parse_rfc3339(r.time_text);
  if (!t) return bad(t.error().message());
  r.time = *t;
  std::string_view rest = line.substr(sp1 + 1);
  if (rest.substr(0, 7) == "stdout ") {
    r.stream = Stream::out;
  } else if (rest.substr(0, 7) == "stderr ") {
    r.stream = Stream::err;
  } else {
    return bad("unknown stream");
  }
  rest.remove_prefix(7);
  // The tag field may grow ("P:x" in later CRI versions); its first letter is P or F.
  const auto sp3 = rest.find(' ');
  const std::string_view tag = rest.substr(0, sp3);
  if (tag.empty() || (tag[0] != 'F' && tag[0] != 'P')) return bad("unknown tag");
  r.partial = tag[0] == 'P';
  r.content = sp3 == std::string_view::npos ? std::string_view() : rest.substr(sp3 + 1);
  return r;
}

std::vector<std::filesystem::path> rotated_log_files(const std::filesystem::path& log) {
  std::vector<std::filesystem::path> out;
  const std::string prefix = log.filename().string() + ".";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(log.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.find(".tmp") == std::string::npos) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

base::Result<CriLogWriter> CriLogWriter::open(std::filesystem::path path, LogRotation rotation,
                                              const base::Clock& clock) {
  if (rotation.max_files < 1) rotation.max_files = 1;
  base::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!fd.valid()) return base::Error::from_errno("open log " + path.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return base::Error::from_errno("stat " + path.string(), errno);
  return CriLogWriter(std::move(path), rotation, clock, std::move(fd),
                      static_cast<std::uint64_t>(st.st_size));
}

// Records are collected in `buffer_` and written with one write() per call of write() or
// finish_stream(), so a chunk of many short lines costs one system call, not one per line.
base::Status CriLogWriter::emit(Stream stream, bool partial, std::string_view content) {
  const std::size_t before = buffer_.size();
  append_cri_record(buffer_, clock_->now(), stream, partial, content);
  const std::size_t record = buffer_.size() - before;
  if (size_ > 0 && size_ + record > rotation_.max_bytes) {
    // The records before this one belong to the file being rotated away.
    if (auto s = write_all(fd_.get(), std::string_view(buffer_).substr(0, before), path_); !s) {
      buffer_.clear();
      return s;
    }
    buffer_.erase(0, before);
    if (auto s = rotate(); !s) {
      buffer_.clear();
      return s;
    }
  }
  size_ += record;
  return {};
}

base::Status CriLogWriter::flush() {
  auto s = write_all(fd_.get(), buffer_, path_);
  buffer_.clear();
  return s;
}

base::Status CriLogWriter::rotate() {
  if (rotation_.max_files <= 1) {
    // Nothing is kept besides the live file: start it over.
    if (::ftruncate(fd_.get(), 0) != 0) {
      return base::Error::from_errno("truncate " + path_.string(), errno);
    }
    size_ = 0;
    return {};
  }
  std::filesystem::path rotated = path_;
  rotated += ".";  // appended piecewise: g++ 12 -O3 misreads `"." + string` (-Wrestrict)
  rotated += rotation_suffix(clock_->now());
  if (::rename(path_.c_str(), rotated.c_str()) != 0) {
    return base::Error::from_errno("rotate " + path_.string(), errno);
  }
  base::UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!fd.valid()) return base::Error::from_errno("open log " + path_.string(), errno);
  fd_ = std::move(fd);
  size_ = 0;
  auto old = rotated_log_files(path_);
  const std::size_t keep = static_cast<std::size_t>(rotation_.max_files - 1);
  for (std::size_t i = 0; i + keep < old.size(); ++i) {
    if (::unlink(old[i].c_str()) != 0 && errno != ENOENT) {
      return base::Error::from_errno("remove rotated log " + old[i].string(), errno);
    }
  }
  return {};
}

base::Status CriLogWriter::write(Stream stream, std::string_view data) {
  std::string& pending = pending_[index_of(stream)];
  while (!data.empty()) {
    const auto nl = data.find('\n');
    const std::string_view piece = data.substr(0, nl);
    if (pending.size() + piece.size() <= kCriMaxLineBytes) {
      pending.append(piece);
      if (nl == std::string_view::npos) break;  // the line goes on in a later chunk
      data.remove_prefix(nl + 1);
      // A line ended by "\r\n" is stored without the "\r", as containerd does.
      std::string_view line = pending;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      auto s = emit(stream, false, line);
      pending.clear();
      if (!s) return s;
      continue;
    }
    // The line is longer than the limit: its first kCriMaxLineBytes become a P record.
    const std::size_t take = kCriMaxLineBytes - pending.size();
    pending.append(piece.substr(0, take));
    data.remove_prefix(take);
    auto s = emit(stream, true, pending);
    pending.clear();
    if (!s) return s;
  }
  return flush();
}

base::Status CriLogWriter::finish_stream(Stream stream) {
  std::string& pending = pending_[index_of(stream)];
  if (pending.empty()) return {};
  // Output that ends without a newline stays partial, as containerd writes it: readers show it
  // without adding one.
  auto s = emit(stream, true, pending);
  pending.clear();
  if (!s) return s;
  return flush();
}

base::Status CriLogWriter::sync() {
  if (::fdatasync(fd_.get()) != 0) return base::Error::from_errno("fsync " + path_.string(), errno);
  return {};
}

}  // namespace runtime
