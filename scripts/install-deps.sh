#!/usr/bin/env bash
# Installs, from Debian's archive only, exactly the packages batchlet needs that are missing.
# Idempotent: when everything is present it changes nothing and does not touch the network.
# Runs as root (or through sudo when available).
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config clang-format
  # libraries (libboost1.81-dev, not libboost-dev: the two conflict; catch2 is v2)
  libseccomp-dev libboost1.81-dev nlohmann-json3-dev libyaml-cpp-dev
  libspdlog-dev catch2 libsystemd-dev libsqlite3-dev libcli11-dev libssl-dev libarchive-dev
  libcap-dev
  # static archives of libarchive's compressors, for the release binary (cmake/ThirdParty.cmake)
  libzstd-dev liblz4-dev libacl1-dev
  libprotobuf-dev protobuf-compiler
  # run and test time: the demo's perl; Math::BigInt 1.999838, because Debian 12's core 1.999830
  # dies computing more than 1000 digits of pi (the docs' bpi(2000)); the Python client; a
  # static busybox; setpriv (util-linux)
  perl libmath-bigint-perl python3-kubernetes busybox-static util-linux
  # the VM tests of cgroup enforcement (tests/vm/): qemu (TCG) and cpio for the initramfs
  qemu-system-x86 cpio
  # bench/spawn_bench baseline
  crun
  # image tests: build (umoci), convert and push (skopeo) images, a local registry; zstd layers
  umoci skopeo docker-registry zstd
)

# The VM tests' Debian kernel, cached outside the build tree (downloads only when missing).
fetch_vm_kernel() {
  bash "$(dirname "$0")/../tests/vm/fetch-kernel.sh" ||
    echo "install-deps: no VM kernel; the vm-labelled tests will be skipped" >&2
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  fetch_vm_kernel
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (missing: ${missing[*]})" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fetch_vm_kernel
