#!/usr/bin/env bash
# The whole test suite: formatting, the release build (the README's demo build: -O3 finds
# warnings the others miss), the ASan+UBSan build with the unit tests, then the debug build
# with every test (unit, integration, root, cgroup2). Exits non-zero on the first failure.
# Expects the dependencies of scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/check-format.sh

cmake --preset release
cmake --build --preset release

cmake --preset asan
cmake --build --preset asan
ctest --preset asan

cmake --preset dev
cmake --build --preset dev
ctest --preset dev
