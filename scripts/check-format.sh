#!/usr/bin/env bash
# Fails when a C++ source file differs from what clang-format (.clang-format) would make of it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find base api runtime cgroups agent systemd cli tests bench \
  \( -name '*.cpp' -o -name '*.hpp' \) -type f 2>/dev/null | sort)
clang-format --dry-run -Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted"
