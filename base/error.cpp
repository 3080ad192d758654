#include "base/error.hpp"

#include <cstring>

namespace base {

Error Error::from_errno(std::string_view what, int err) {
  std::string message(what);
  message += ": ";
  message += std::strerror(err);
  Error error(std::move(message));
  error.errno_ = err;
  return error;
}

Error Error::with_errno(std::string message, int err) {
  Error error(std::move(message));
  error.errno_ = err;
  return error;
}

Error Error::context(std::string_view what) const& { return Error(*this).context(what); }

Error Error::context(std::string_view what) && {
  std::string message(what);
  message += ": ";
  message += message_;
  message_ = std::move(message);
  return std::move(*this);
}

}  // namespace base
