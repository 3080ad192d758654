// base/unique_fd.hpp: sole owner of one file descriptor; closes it exactly once.
//
// Contract: a UniqueFd is either empty (get() == -1) or owns an open descriptor. Moving
// transfers ownership; release() gives it up without closing. Every descriptor batchlet opens
// is opened with O_CLOEXEC (or the *_CLOEXEC flag of its call) and lives in one of these.
#pragma once

#include <utility>

#include "base/result.hpp"

namespace base {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A pipe whose both ends are O_CLOEXEC.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
Result<Pipe> make_pipe();

// Sets O_NONBLOCK on fd.
Status set_nonblocking(int fd);

}  // namespace base
