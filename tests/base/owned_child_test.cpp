#include "base/owned_child.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <string>

namespace {

// Forks a child that leads its own process group and runs `body` (which must not return).
template <typename Body>
pid_t fork_child(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    body();
    ::_exit(0);
  }
  ::setpgid(pid, pid);
  return pid;
}

// Running, not a zombie (a reparented zombie may wait a while for PID 1 to reap it).
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

}  // namespace

TEST_CASE("OwnedChild reports an exit code", "[unit]") {
  auto child = base::OwnedChild::adopt(fork_child([] { ::_exit(7); }));
  REQUIRE(child.ok());
  auto exit = child->wait();
  REQUIRE(exit.ok());
  CHECK(exit->exit_code == 7);
  CHECK(exit->signal == 0);
  CHECK(exit->code() == 7);
  CHECK_FALSE(exit->success());
  CHECK_FALSE(child->running());
}

TEST_CASE("OwnedChild reports a terminating signal as 128+N", "[unit]") {
  auto child = base::OwnedChild::adopt(fork_child([] { ::pause(); }));
  REQUIRE(child.ok());
  auto none = child->try_wait();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(child->signal_group(SIGTERM).ok());
  auto exit = child->wait();
  REQUIRE(exit.ok());
  CHECK(exit->signal == SIGTERM);
  CHECK(exit->code() == 143);
}

TEST_CASE("destroying an OwnedChild kills and reaps its whole process group", "[unit]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t grandchild = 0;
  pid_t leader = fork_child([&] {
    const pid_t g = ::fork();
    if (g == 0) {
      ::pause();
      ::_exit(0);
    }
    (void)!::write(fds[1], &g, sizeof g);
    ::pause();
  });
  REQUIRE(::read(fds[0], &grandchild, sizeof grandchild) == sizeof grandchild);
  ::close(fds[0]);
  ::close(fds[1]);
  {
    auto child = base::OwnedChild::adopt(leader);
    REQUIRE(child.ok());
    CHECK(alive(leader));
    CHECK(alive(grandchild));
  }
  // The leader is reaped by the destructor; the grandchild (reparented) got SIGKILL.
  CHECK(::waitpid(leader, nullptr, WNOHANG) == -1);
  for (int i = 0; i < 200 && alive(grandchild); ++i) ::usleep(5000);
  CHECK_FALSE(alive(grandchild));
}

TEST_CASE("adopting a pid that is not our child fails with context", "[unit]") {
  auto child = base::OwnedChild::adopt(999999999);
  REQUIRE_FALSE(child.ok());
  CHECK(child.error().message().rfind("pidfd_open 999999999: ", 0) == 0);
}
