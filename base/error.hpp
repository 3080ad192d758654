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

  // "<what>: <strerror(err)>", the shape of every failed system call's error.
  static Error from_errno(std::string_view what, int err);

  // Prepends the caller's context: Error("No such file").context("open /x") is
  // "open /x: No such file".
  Error context(std::string_view what) const&;
  Error context(std::string_view what) &&;

  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace base
