// tests/runtime/container_probe.cpp: a tiny static program copied into test rootfs to observe,
// from inside a container, what busybox cannot: whether keyctl and user namespaces are allowed,
// and which descriptors a container's process inherited.
//   container_probe keyctl   prints "ok" or the errno name of keyctl(KEYCTL_GET_KEYRING_ID)
//   container_probe userns   the same for unshare(CLONE_NEWUSER)
//   container_probe fds      prints the open descriptors, space-separated
#include <dirent.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int report(long rc) {
  if (rc >= 0) {
    std::puts("ok");
  } else if (errno == EPERM) {
    std::puts("EPERM");
  } else {
    std::printf("errno %d\n", errno);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (std::strcmp(argv[1], "keyctl") == 0) {
    return report(::syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
  }
  if (std::strcmp(argv[1], "userns") == 0) return report(::unshare(CLONE_NEWUSER));
  if (std::strcmp(argv[1], "fds") == 0) {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return 1;
    const int own = ::dirfd(dir);
    bool first = true;
    while (dirent* e = ::readdir(dir)) {
      if (e->d_name[0] == '.' || std::atoi(e->d_name) == own) continue;
      std::printf(first ? "%s" : " %s", e->d_name);
      first = false;
    }
    std::puts("");
    ::closedir(dir);
    return 0;
  }
  return 2;
}
