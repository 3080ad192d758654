#include "base/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

namespace {
bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }
}  // namespace

TEST_CASE("UniqueFd closes its descriptor exactly once", "[unit]") {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    base::UniqueFd fd(raw);
    CHECK(fd.valid());
    base::UniqueFd moved(std::move(fd));
    CHECK_FALSE(fd.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is defined
    CHECK(moved.get() == raw);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));
}

TEST_CASE("UniqueFd::release gives up ownership without closing", "[unit]") {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    base::UniqueFd fd(raw);
    CHECK(fd.release() == raw);
  }
  CHECK(is_open(raw));
  ::close(raw);
}

TEST_CASE("make_pipe returns two close-on-exec ends that talk", "[unit]") {
  auto pipe = base::make_pipe();
  REQUIRE(pipe.ok());
  CHECK((::fcntl(pipe->read.get(), F_GETFD) & FD_CLOEXEC) != 0);
  CHECK((::fcntl(pipe->write.get(), F_GETFD) & FD_CLOEXEC) != 0);
  REQUIRE(::write(pipe->write.get(), "hi", 2) == 2);
  char buf[2];
  REQUIRE(::read(pipe->read.get(), buf, 2) == 2);
  CHECK(std::string(buf, 2) == "hi");

  REQUIRE(base::set_nonblocking(pipe->read.get()).ok());
  CHECK(::read(pipe->read.get(), buf, 1) == -1);
  CHECK(errno == EAGAIN);
}
