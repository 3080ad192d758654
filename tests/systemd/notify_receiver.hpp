// tests/systemd/notify_receiver.hpp: the listening end of NOTIFY_SOCKET (what systemd holds)
// and a temporary directory for it, for the tests of systemd/notify.hpp and of `batchlet serve`
// under a service manager.
#pragma once

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "base/unique_fd.hpp"

namespace notify_test {

class TempDir {
 public:
  TempDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "batchlet-notify-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The listening end: what systemd would hold.
class Receiver {
 public:
  // `name` is a filesystem path, or "@name" for an abstract address (as NOTIFY_SOCKET spells it).
  explicit Receiver(const std::string& name)
      : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_.valid());
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(name.size() < sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, name.data(), name.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name[0] == '@') {
      addr.sun_path[0] = '\0';  // abstract: no trailing NUL, the length ends the name
    } else {
      len += 1;
    }
    const int rc = ::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), len);
    INFO("bind " << name << ": " << std::strerror(errno));
    REQUIRE(rc == 0);
  }

  // The next queued datagram, or nullopt when none is queued. AF_UNIX datagrams are queued
  // synchronously by the sender, so no waiting is needed after notify() returned.
  std::optional<std::string> take() {
    std::string buf(65536, '\0');
    const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      INFO("recv: " << std::strerror(errno));
      REQUIRE((errno == EAGAIN || errno == EWOULDBLOCK));
      return std::nullopt;
    }
    REQUIRE(static_cast<std::size_t>(n) <= buf.size());
    buf.resize(static_cast<std::size_t>(n));
    return buf;
  }

  // Asserts that exactly one datagram with exactly these bytes is queued.
  void expect_only(const std::string& expected) {
    const std::optional<std::string> got = take();
    REQUIRE(got.has_value());
    CHECK(*got == expected);
    CHECK_FALSE(take().has_value());
  }

 private:
  base::UniqueFd fd_;
};

}  // namespace notify_test
