# tests/vm/guest.sh: what the VM scripts (run-vm.sh, systemd-service.sh) share, sourced by them:
# finding a static busybox and the cached kernel, and booting the guest until it reports.
#
#   vm_require_busybox            sets $busybox, or skips (exit 77) naming the package
#   vm_require_kernel CACHE       sets $kernel (the plain vmlinux when cached), or skips
#   vm_boot NAME LOG TIMEOUT TOKEN INITRD MEMORY APPEND [QEMU ARGS...]
#       boots the guest under TCG, prints its console (without the result line) and exits with
#       the code the guest printed as "BATCHLET-VM-EXIT <token> <code>"; 124 on timeout, 125
#       when the guest ended without reporting.

vm_skip() {
  echo "$vm_name: SKIPPED: $*" >&2
  exit 77
}

vm_require_busybox() {
  busybox=""
  for candidate in /bin/busybox /usr/bin/busybox; do
    if [ -x "$candidate" ] && ! ldd "$candidate" >/dev/null 2>&1; then busybox="$candidate"; break; fi
  done
  [ -n "$busybox" ] || vm_skip "no static busybox (busybox-static)"
}

vm_require_kernel() {
  kernel="$1/vmlinux"
  [ -s "$kernel" ] || kernel="$1/vmlinuz"
  [ -s "$kernel" ] || vm_skip "no kernel in $1 (bash tests/vm/fetch-kernel.sh, or scripts/install-deps.sh)"
}

vm_boot() {
  local name=$1 log=$2 timeout_s=$3 token=$4 initrd=$5 memory=$6 append=$7
  shift 7
  local start_ns qemu_status elapsed_ms code
  start_ns=$(date +%s%N)
  set +e
  timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
    -accel tcg,thread=multi -machine q35 -cpu max -nodefaults -display none -no-reboot \
    -serial stdio -m "$memory" -smp 2 -kernel "$kernel" -initrd "$initrd" "$@" \
    -append "$append" </dev/null |
    tee "$log" | tr -d '\r' | grep -v "^BATCHLET-VM-EXIT "
  qemu_status=${PIPESTATUS[0]}
  set -e
  elapsed_ms=$((($(date +%s%N) - start_ns) / 1000000))
  echo "$name: guest ran for $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000))) s (kernel $(cat "$(dirname "$kernel")/version" 2>/dev/null), $(basename "$kernel"))" >&2
  if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
    echo "$name: timed out after $timeout_s s" >&2
    exit 124
  fi
  code="$(tr -d '\r' <"$log" | sed -n "s/^BATCHLET-VM-EXIT $token \([0-9]*\)\$/\1/p" | tail -n 1)"
  if [ -z "$code" ]; then
    echo "$name: the guest ended without reporting an exit code (qemu status $qemu_status)" >&2
    exit 125
  fi
  exit "$code"
}
