#!/usr/bin/env bash
# tests/vm/systemd-service.sh DEB: batchlet as a real systemd service. Boots a qemu guest whose
# PID 1 is systemd and whose root is this host's own filesystem (shared read-only over 9p, under
# a tmpfs overlay, so nothing on the host changes), then, inside it: installs the .deb, starts
# batchlet.socket (the first connection starts batchlet.service), creates a Job through the
# unix socket and follows it with kubectl, restarts the service while the
# pod runs (the pod must survive and be adopted: it completes with restartCount 0), and checks
# the status line systemd shows and the journal's structured fields.
#
#   bash tests/vm/systemd-service.sh build/release/batchlet_*.deb
#
# Runnable by hand (a whole systemd boots under TCG in about a minute, the test takes 1-2 more,
# and a boot now and then stalls over 9p: too slow and too flaky for CI). Needs what
# tests/vm/run-vm.sh needs plus the guest kernel's 9p, overlay and virtio modules, which
# tests/vm/fetch-kernel.sh caches. Exit codes as run-vm.sh: the guest test's own, 77 when
# something is missing, 124 timeout, 125 when the guest ended without reporting.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: systemd-service.sh BATCHLET_DEB" >&2; exit 2; }
deb="$(readlink -f "$1")"
cache="${BATCHLET_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/batchlet-vm}"
timeout_s="${BATCHLET_VM_TIMEOUT:-900}"
vm_name=systemd-service
. "$(dirname "$0")/guest.sh"
skip() { vm_skip "$@"; }
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
command -v curl >/dev/null || skip "curl not installed (the guest talks to the unix socket with it)"
[ -x /lib/systemd/systemd ] || skip "systemd is not installed on this host (the guest boots it)"
vm_require_busybox
vm_require_kernel "$cache"
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci 9pnet
         9pnet_virtio netfs fscache 9p overlay)
for m in "${modules[@]}"; do
  [ -s "$cache/modules/$m.ko" ] || skip "no $m.ko in $cache/modules (bash tests/vm/fetch-kernel.sh)"
done
[ -s "$deb" ] || { echo "systemd-service: no such package: $1" >&2; exit 2; }

work="$(mktemp -d /var/tmp/batchlet-vm-systemd.XXXXXX)"
trap 'rm -rf "$work"' EXIT
token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# What the guest's systemd runs: the test, as a oneshot unit that is the boot's target.
mkdir -p "$work/test"
cp "$deb" "$work/test/batchlet.deb"
cat >"$work/test/job.json" <<'JOB'
{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "svc"},
 "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never",
   "containers": [{"name": "main", "image": "batchlet.local/host",
                   "command": ["sh", "-c", "sleep 20; echo survived"]}]}}}}
JOB
cat >"$work/test/test.sh" <<TEST
#!/bin/bash
# Inside the guest, as a oneshot service. Every step must pass; the exit code is reported.
set -x
code=1
report() {
  if [ "\$code" != 0 ]; then
    systemctl status -l --no-pager batchlet.service
    journalctl -b --no-pager -o short-monotonic | grep -i 'batchlet' | tail -40
  fi
  echo "BATCHLET-VM-EXIT $token \$code" >/dev/ttyS0
  systemctl poweroff --force --force
}
trap report EXIT
set -e
dpkg -i /vm-test/batchlet.deb
systemctl enable batchlet.socket batchlet.service
systemctl start batchlet.socket
# Socket activation: the first connection to the socket starts the service, which answers it.
systemctl is-active batchlet.service && exit 1
sock=/run/batchlet/batchlet.sock
curl -sSf --unix-socket \$sock http://localhost/version | grep -q '"gitVersion"'
systemctl is-active batchlet.service
systemctl show -p StatusText --value batchlet.service | grep -E '^running [0-9]+ pods?, [0-9]+ jobs?\$'
# The Job goes in through the unix socket (root is admin there); kubectl watches it over TCP.
curl -sSf --unix-socket \$sock -H 'Content-Type: application/json' --data-binary @/vm-test/job.json \
  http://localhost/apis/batch/v1/namespaces/default/jobs >/dev/null
export KUBECONFIG=/var/lib/batchlet/kubeconfig.yaml
for i in \$(seq 120); do
  [ "\$(kubectl get job svc -o jsonpath='{.status.active}')" = 1 ] &&
    [ "\$(kubectl get pods -l job-name=svc -o jsonpath='{.items[0].status.phase}')" = Running ] && break
  sleep 1
done
systemctl show -p StatusText --value batchlet.service
# The agent restarts; KillMode=process leaves the pod to the next agent.
systemctl restart batchlet.service
systemctl is-active batchlet.service
kubectl wait --for=condition=complete job/svc --timeout=300s
[ "\$(kubectl get pods -l job-name=svc -o jsonpath='{.items[0].status.containerStatuses[0].restartCount}')" = 0 ]
kubectl logs job/svc | grep -qx survived
journalctl -u batchlet -o json | grep -q '"JOB_NAME":"svc"'
journalctl -u batchlet -o json | grep -q '"POD_UID":'
journalctl -u batchlet --no-pager -o cat
# Under Delegate=yes the pods' cgroups go in a delegated scope beside the unit, with real
# controllers; the unit's own cgroup holds only the agent (so the restart above could start
# the next one there), and a keeper holds the scope open between pods.
if journalctl -u batchlet -o cat | grep -q 'cgroups unavailable'; then exit 1; fi
if journalctl -u batchlet -o cat | grep -q "unit's own cgroup"; then exit 1; fi
systemctl is-active batchlet-pods.scope
[ -d /sys/fs/cgroup/system.slice/batchlet-pods.scope/batchlet ]
grep -qw memory /sys/fs/cgroup/system.slice/batchlet-pods.scope/batchlet/cgroup.subtree_control
[ -z "\$(find /sys/fs/cgroup/system.slice/batchlet.service -mindepth 1 -type d)" ]
[ "\$(cat /sys/fs/cgroup/system.slice/batchlet.service/cgroup.procs)" = "\$(systemctl show -p MainPID --value batchlet.service)" ]
[ "\$(cat /sys/fs/cgroup/system.slice/batchlet-pods.scope/batchlet/agent/cgroup.procs | wc -l)" = 1 ]
[ "\$(cat /sys/fs/cgroup/system.slice/batchlet-pods.scope/cgroup.procs | wc -l)" = 0 ]
# A second restart with no pod running: the keeper kept the scope, the agent starts.
systemctl restart batchlet.service
systemctl is-active batchlet.service batchlet-pods.scope
systemctl status --no-pager -l batchlet.service || true
code=0
TEST
chmod +x "$work/test/test.sh"
cat >"$work/test/batchlet-vm-test.service" <<'UNIT'
[Unit]
Description=batchlet service test (tests/vm/systemd-service.sh)
After=basic.target
[Service]
Type=oneshot
ExecStart=/vm-test/test.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TimeoutStartSec=infinity
UNIT

# The initramfs: busybox mounts the host's root (9p) under a tmpfs overlay, drops the test in,
# and hands over to systemd.
root="$work/initramfs"
mkdir -p "$root"/{bin,dev,proc,sys,host,rw,newroot,modules}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
for m in "${modules[@]}"; do cp "$cache/modules/$m.ko" "$root/modules/"; done
cat >"$root/init" <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in ${modules[*]}; do insmod /modules/\$m.ko || echo "insmod \$m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host
mount -t tmpfs -o size=1536m tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot
mkdir -p /newroot/vm-test
cp -a /host$work/test/. /newroot/vm-test/
cp /newroot/vm-test/batchlet-vm-test.service /newroot/etc/systemd/system/
# The API filesystems move along (the overlay's /proc, /sys and /dev are the host's, read-only);
# systemd finds pure cgroup2 already mounted.
umount /proc /sys
mount -t proc proc /newroot/proc || echo "mount /proc failed"
mount -t sysfs sysfs /newroot/sys || echo "mount /sys failed"
mount --move /dev /newroot/dev || echo "move /dev failed"
mount -t cgroup2 -o nsdelegate cgroup2 /newroot/sys/fs/cgroup
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || echo "mount /run failed"
mkdir -p /newroot/dev/shm /newroot/run/lock
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /newroot/dev/shm || echo "mount /dev/shm failed"
mount -t tmpfs -o mode=1777,nosuid,nodev,noexec,size=5m tmpfs /newroot/run/lock || echo "mount /run/lock failed"
exec switch_root /newroot /lib/systemd/systemd --unit=batchlet-vm-test.service
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

vm_boot systemd-service "$work/console.log" "$timeout_s" "$token" "$work/initramfs.cpio" 2048 \
  "console=ttyS0 panic=-1 cgroup_no_v1=all mitigations=off fstab=no systemd.show_status=0 systemd.unified_cgroup_hierarchy=1" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
