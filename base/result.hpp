// base/result.hpp: Result<T>, a value or a base::Error (C++20 has no std::expected).
//
// Contract: a Result holds exactly one of the two. value() on an error, or error() on a value,
// is a programming mistake and aborts (checked in every build type, not only with assertions).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <variant>

#include "base/error.hpp"

namespace base {

namespace detail {
[[noreturn]] inline void result_misuse(const char* what) {
  std::fprintf(stderr, "batchlet: internal error: %s\n", what);
  std::abort();
}
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    if (!ok()) detail::result_misuse(std::get<1>(state_).message().c_str());
    return std::get<0>(state_);
  }
  const T& value() const& {
    if (!ok()) detail::result_misuse(std::get<1>(state_).message().c_str());
    return std::get<0>(state_);
  }
  T&& value() && {
    if (!ok()) detail::result_misuse(std::get<1>(state_).message().c_str());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    if (ok()) detail::result_misuse("Result::error() called on a value");
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    if (ok_) detail::result_misuse("Result::error() called on success");
    return error_;
  }

 private:
  Error error_{""};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace base
