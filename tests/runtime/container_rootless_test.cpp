// tests/runtime/container_rootless_test.cpp: an unprivileged user spawns a container: the same
// code runs it in a user namespace mapping the container's uid and gid onto the user's.
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "container_test_support.hpp"
#include "runtime/capabilities.hpp"

namespace {

constexpr uid_t kNobody = 65534;

// Runs `spec` from a forked process that became uid/gid `kNobody`; returns what the container
// printed, or "spawn failed: <error>".
std::string run_as_nobody(const runtime::ContainerSpec& spec) {
  auto result = base::make_pipe();
  REQUIRE(result.ok());
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string text;
    if (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
        ::setresuid(kNobody, kNobody, kNobody) != 0) {
      text = "could not become nobody";
    } else {
      // Changing uid made this process non-dumpable (its /proc files root's); a user's own
      // login process is dumpable, and writing the child's id maps needs that.
      ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
      auto out = base::make_pipe();
      auto spawned = runtime::spawn_container(spec, {-1, out->write.get(), 2});
      out->write.reset();
      if (!spawned.ok()) {
        text = "spawn failed: " + spawned.error().error.message();
      } else {
        text = drain(out->read.get());
        auto exit = spawned.value().wait();
        if (!exit.ok() || !exit->success()) text += "(failed)";
      }
    }
    (void)!::write(result->write.get(), text.data(), text.size());
    ::_exit(0);
  }
  result->write.reset();
  std::string text = drain(result->read.get());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return text;
}

}  // namespace

TEST_CASE("rootless: an unprivileged user runs a container in a user namespace",
          "[integration][root]") {
  if (!running_as_root()) return;
  BusyboxRootfs rootfs;
  ::chmod(rootfs.dir.path.c_str(), 0755);
  // The rootfs must be the user's own, as it would be for an HPC user running batchlet.
  for (const auto& entry : fs::recursive_directory_iterator(rootfs.dir.path)) {
    ::lchown(entry.path().c_str(), kNobody, kNobody);
  }
  auto spec = busybox_spec(
      rootfs,
      {"sh", "-c", "id -u; echo $$; grep CapEff /proc/self/status; container_probe keyctl"});
  char want[64];
  std::snprintf(want, sizeof want, "0\n1\nCapEff:\t%016llx\nEPERM\n",
                static_cast<unsigned long long>(runtime::default_capabilities()));
  CHECK(run_as_nobody(spec) == want);

  spec.uid = 1000;
  spec.gid = 1000;
  spec.argv = {"sh", "-c", "id -u; id -g; touch /etc/x 2>/dev/null || echo denied"};
  CHECK(run_as_nobody(spec) == "1000\n1000\n");  // 1000 is the rootfs owner (nobody) inside
  CHECK(no_children());
}
