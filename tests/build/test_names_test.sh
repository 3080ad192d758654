#!/usr/bin/env bash
# Catch2 v2's catch_discover_tests splits a test case name at ';', registering CTest tests that
# match no test case — and those "pass" without running anything. No test case name may hold one.
set -euo pipefail
repo=$1
if found=$(grep -rnE --include='*.cpp' 'TEST_CASE\(\s*"[^"]*;' "$repo/tests"); then
  echo "FAIL: test case names with ';' (CTest would run nothing for them):"
  echo "$found"
  exit 1
fi
echo "ok: no test case name holds ';'"
