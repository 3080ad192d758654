#!/usr/bin/env bash
# tests/vm/run-vm.sh: runs a test executable as root inside a qemu guest whose cgroups are pure
# cgroup2 with the cpu, memory, pids and io controllers, and exits with its exit code.
#
#   run-vm.sh TEST_EXECUTABLE [ARGS...]
#
# Why a VM: enforcement of cgroup limits cannot be shown on a hybrid host whose cgroup2 mount
# has no controllers (../shared/notes/cgroup-vm.md has the measured recipe). The guest is the
# Debian kernel cached by tests/vm/fetch-kernel.sh (called from scripts/install-deps.sh; this
# script never downloads), booted under TCG (no KVM needed) with a throw-away initramfs:
# busybox-static as /init's shell, the executable and the libraries ldd lists for it.
#
# Exit codes: the executable's own; 77 when something needed is missing (CTest reports the test
# as skipped, with the reason on stderr); 124 when the guest does not finish within
# BATCHLET_VM_TIMEOUT seconds (default 300; the guest kills a test 30 s earlier and lists where
# each process waits, then reports 137); 125 when the guest ended without reporting (kernel
# panic, crash). The guest prints "BATCHLET-VM-EXIT <token> <code>" on its console; the token
# is random per run, so output of the tests can never fake the result.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: run-vm.sh TEST_EXECUTABLE [ARGS...]" >&2
  exit 2
fi
exe="$(readlink -f "$1")"
shift

cache="${BATCHLET_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/batchlet-vm}"
timeout_s="${BATCHLET_VM_TIMEOUT:-300}"

vm_name=run-vm
. "$(dirname "$0")/guest.sh"
skip() { vm_skip "$@"; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (bash scripts/install-deps.sh installs qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio not installed (bash scripts/install-deps.sh)"
vm_require_busybox
vm_require_kernel "$cache"
[ -x "$exe" ] || { echo "run-vm: $exe is not an executable" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/batchlet-vm.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,test}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$exe" "$root/test/"
# The executable's shared libraries at their own paths (ld.so finds them there as on the host).
ldd "$exe" | awk '$2 == "=>" && $3 ~ /^\//{print $3} $1 ~ /^\//{print $1}' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# The guest's own limit stays below the host's, so a hang is diagnosed from inside.
guest_limit=$((timeout_s > 60 ? timeout_s - 30 : timeout_s / 2))
token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
args=""
for a in "$@"; do args="$args '${a//\'/\'\\\'\'}'"; done
cat >"$root/init" <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
echo "+cpu +memory +pids +io" > /sys/fs/cgroup/cgroup.subtree_control
echo "run-vm: guest up \$(cut -d' ' -f1 /proc/uptime) s after boot; controllers: \$(cat /sys/fs/cgroup/cgroup.subtree_control)"
cd /test
TMPDIR=/tmp /test/$(basename "$exe")$args &
test_pid=\$!
# Guest-side watchdog: a hung test still reports, with where every process waits.
(
  sleep $guest_limit
  echo "run-vm: the test still runs after $guest_limit s; processes (pid state wchan cgroup):"
  for p in /proc/[0-9]*; do
    [ -s \$p/cmdline ] || continue  # kernel threads
    echo "  \${p#/proc/} \$(cut -d' ' -f2-3 \$p/stat) \$(cat \$p/wchan) \$(cat \$p/cgroup)"
  done
  kill -9 \$test_pid
) &
watchdog=\$!
wait \$test_pid
code=\$?
kill \$watchdog 2>/dev/null
echo "BATCHLET-VM-EXIT $token \$code"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

vm_boot run-vm "$work/console.log" "$timeout_s" "$token" "$work/initramfs.cpio" 768 \
  "console=ttyS0 panic=-1 quiet cgroup_no_v1=all mitigations=off"
