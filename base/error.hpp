// base/error.hpp: the one error convention of batchlet.
//
// An Error is a human-readable message built from the innermost failure outwards: each layer
// that passes an error up prepends what it was doing, so the final text reads like
// "create cgroup /x: Permission denied". Errors are values; nothing here throws.
#pragma once

#include <string>
#include <string_view>

namespace base {

class Error {
 public:
  explicit Error(std::string message) : message_(std::move(message)) {}

  // "<what>: <strerror(err)>", the shape of every failed system call's error. The errno is kept
  // (and survives context()), so callers can react to ENOENT or ENOSPC without parsing text.
  static Error from_errno(std::string_view what, int err);
  // A message of the caller's words that still says which errno it amounts to (for libraries
  // with their own error texts, like SQLite's "database or disk is full" = ENOSPC).
  static Error with_errno(std::string message, int err);

  // Prepends the caller's context: Error("No such file").context("open /x") is
  // "open /x: No such file".
  Error context(std::string_view what) const&;
  Error context(std::string_view what) &&;

  const std::string& message() const { return message_; }
  // The errno this error came from, or 0.
  int sys_errno() const { return errno_; }

 private:
  std::string message_;
  int errno_ = 0;
};

}  // namespace base
