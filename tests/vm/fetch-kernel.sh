#!/usr/bin/env bash
# tests/vm/fetch-kernel.sh: puts a Debian kernel for the VM tests into the cache directory.
#
# Contract: resolves linux-image-amd64 to its versioned package, `apt-get download`s it from
# Debian's archive (the only network batchlet uses), extracts it with dpkg-deb -x (nothing is
# installed) and leaves in $BATCHLET_VM_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/batchlet-vm):
#   vmlinuz   the kernel as packaged (bzImage, XZ-compressed)
#   vmlinux   the plain ELF kernel, booted directly through PVH: under TCG, decompressing the
#             bzImage costs ~6 s per boot (../shared/notes/cgroup-vm.md)
#   version   the package name, so a newer kernel replaces the cached one
#   modules/  the virtio, 9p and overlay modules tests/vm/systemd-service.sh loads to boot the
#             host's own root filesystem in the guest
# Idempotent: with the kernel cached it does not touch the network. Called by
# scripts/install-deps.sh; tests/vm/run-vm.sh only reads the cache.
set -euo pipefail

cache="${BATCHLET_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/batchlet-vm}"
mkdir -p "$cache"

package="$(apt-cache depends linux-image-amd64 2>/dev/null |
  sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)"
if [ -z "$package" ]; then
  # No package lists (apt-get update never ran): keep a cached kernel rather than fail.
  if [ -s "$cache/vmlinuz" ]; then exit 0; fi
  echo "fetch-kernel: cannot resolve linux-image-amd64 (run apt-get update)" >&2
  exit 1
fi
modules=(drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
         drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/9p/9pnet
         net/9p/9pnet_virtio fs/netfs/netfs fs/fscache/fscache fs/9p/9p fs/overlayfs/overlay)
have_modules() {
  for m in "${modules[@]}"; do [ -s "$cache/modules/$(basename "$m").ko" ] || return 1; done
}
if [ -s "$cache/vmlinuz" ] && [ "$(cat "$cache/version" 2>/dev/null)" = "$package" ] &&
  have_modules; then
  exit 0
fi

work="$(mktemp -d "$cache/fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "fetch-kernel: downloading $package into $cache"
# The download runs as the invoking user, not _apt, which cannot write into a private cache.
(cd "$work" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$package" >/dev/null)
dpkg-deb -x "$work"/"$package"_*.deb "$work/root"
vmlinuz="$(find "$work/root/boot" -name "vmlinuz-*" | head -n 1)"

# The bzImage carries the kernel as an XZ stream after the setup code; find its magic and
# decompress from there (what the kernel's scripts/extract-vmlinux does). xz reports the
# trailing bytes after the stream as garbage, so success is judged by the ELF header instead.
offset="$(LC_ALL=C grep -aboP '\xFD7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1 || true)"
if [ -n "$offset" ]; then
  tail -c +"$((offset + 1))" "$vmlinuz" | xz -dc >"$work/vmlinux" 2>/dev/null || true
fi
if [ "$(head -c 4 "$work/vmlinux" 2>/dev/null | od -An -c | tr -d ' ')" != '177ELF' ]; then
  echo "fetch-kernel: could not extract vmlinux; the VM boots the bzImage (slower)" >&2
  rm -f "$work/vmlinux"
fi

install -m 0644 "$vmlinuz" "$cache/vmlinuz.new" && mv "$cache/vmlinuz.new" "$cache/vmlinuz"
if [ -f "$work/vmlinux" ]; then
  install -m 0644 "$work/vmlinux" "$cache/vmlinux.new" && mv "$cache/vmlinux.new" "$cache/vmlinux"
else
  rm -f "$cache/vmlinux"
fi
mkdir -p "$cache/modules"
for m in "${modules[@]}"; do
  ko="$(find "$work/root/lib/modules" -path "*/kernel/$m.ko" | head -n 1)"
  if [ -n "$ko" ]; then install -m 0644 "$ko" "$cache/modules/"; fi
done
echo "$package" >"$cache/version"
echo "fetch-kernel: $package ready in $cache"
