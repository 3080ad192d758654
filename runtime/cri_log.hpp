// runtime/cri_log.hpp: the CRI container log format, and the writer that turns a container's
// stdout/stderr bytes into it, rotating the file at a size limit.
//
// Format (one record per line, as the kubelet reads it):
//   2026-11-23T17:52:00.123456789Z stdout F hello
//   <RFC 3339 nanos> <stdout|stderr> <F|P> <content>
// F closes a line; P is a piece of a line longer than kCriMaxLineBytes (the 16 KiB the kubelet
// and containerd use), continued by the next record of the same stream.
//
// Contract of CriLogWriter: records of both streams are written in the order the bytes were
// handed to write(); a stream's unterminated tail is held until its newline, until it exceeds
// kCriMaxLineBytes (then its first kCriMaxLineBytes are written as P), or until finish_stream()
// (then written as P: containerd's treatment of output that does not end with a newline). A
// line ended by "\r\n" is stored without the "\r", as containerd does. Rotation, kubelet style:
// when the file would exceed max_bytes, N.log is renamed to N.log.<UTC yyyymmdd-hhmmss.nnnnnnnnn>
// and a new N.log opened; at most max_files files (the live one included) are kept, the oldest
// removed first.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "runtime/supervise.hpp"

namespace runtime {

inline constexpr std::size_t kCriMaxLineBytes = 16 * 1024;

struct CriRecord {
  base::TimePoint time;
  std::string_view time_text;  // as written in the file
  Stream stream = Stream::out;
  bool partial = false;
  std::string_view content;  // without the newline
};

// Appends one record (content must hold no newline).
void append_cri_record(std::string& out, base::TimePoint time, Stream stream, bool partial,
                       std::string_view content);

// Parses one line of a CRI log (without its trailing newline). Views point into `line`.
base::Result<CriRecord> parse_cri_record(std::string_view line);

struct LogRotation {
  std::uint64_t max_bytes = 10 * 1024 * 1024;  // kubelet containerLogMaxSize default 10Mi
  int max_files = 5;                           // kubelet containerLogMaxFiles default 5
};

// The rotated files of `log` (N.log.<stamp>), oldest first.
std::vector<std::filesystem::path> rotated_log_files(const std::filesystem::path& log);

class CriLogWriter {
 public:
  // Opens (creating, appending) `path`; the clock stamps records.
  static base::Result<CriLogWriter> open(std::filesystem::path path, LogRotation rotation,
                                         const base::Clock& clock);

  base::Status write(Stream stream, std::string_view data);
  // The stream reached end of file: its unterminated tail becomes a full record.
  base::Status finish_stream(Stream stream);
  // fdatasync of the live file.
  base::Status sync();

  const std::filesystem::path& path() const { return path_; }

 private:
  CriLogWriter(std::filesystem::path path, LogRotation rotation, const base::Clock& clock,
               base::UniqueFd fd, std::uint64_t size)
      : path_(std::move(path)),
        rotation_(rotation),
        clock_(&clock),
        fd_(std::move(fd)),
        size_(size) {}
  base::Status emit(Stream stream, bool partial, std::string_view content);
  base::Status rotate();
  base::Status flush();

  std::filesystem::path path_;
  LogRotation rotation_;
  const base::Clock* clock_;
  base::UniqueFd fd_;
  std::uint64_t size_ = 0;
  std::string pending_[2];  // per stream: bytes after the last newline
  std::string buffer_;      // records not yet written
};

}  // namespace runtime
