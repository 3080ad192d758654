#!/usr/bin/env bash
# Proves cmake/CheckIncludeDirection.cmake accepts the real tree and rejects each kind of wrong
# include: a folder against the arrows, and a Linux header in api/.
set -euo pipefail
repo=$1
cmake=${2:-cmake}
check=$repo/cmake/CheckIncludeDirection.cmake
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$cmake" -DSOURCE_DIR="$repo" -P "$check" || { echo "FAIL: the real tree was rejected"; exit 1; }

expect_rejected() {  # <folder> <include line> <expected message part>
  rm -rf "$tmp/tree" && mkdir -p "$tmp/tree/$1"
  printf '%s\nint x;\n' "$2" > "$tmp/tree/$1/bad.cpp"
  if out=$("$cmake" -DSOURCE_DIR="$tmp/tree" -P "$check" 2>&1); then
    echo "FAIL: '$2' in $1/ was accepted"; exit 1
  fi
  grep -qF "$3" <<<"$out" || { echo "FAIL: message for '$2' lacks '$3':"; echo "$out"; exit 1; }
  echo "ok: $1/bad.cpp: $2"
}

expect_rejected api '#include "runtime/host_process.hpp"' 'api/bad.cpp: api/ may not include runtime/'
expect_rejected api '#include <sys/mount.h>' 'api/ may not include a Linux header'
expect_rejected api '#include <unistd.h>' 'api/ may not include a Linux header'
expect_rejected runtime '#include "api/job.hpp"' 'runtime/ may not include api/'
expect_rejected base '#include "agent/local_run.hpp"' 'base/ may not include agent/'
expect_rejected cgroups '#include "runtime/supervise.hpp"' 'cgroups/ may not include runtime/'
expect_rejected systemd '#include "agent/serial_job.hpp"' 'systemd/ may not include agent/'

# Allowed directions stay allowed.
rm -rf "$tmp/tree" && mkdir -p "$tmp/tree/agent" "$tmp/tree/api"
printf '#include "api/job.hpp"\n#include "runtime/supervise.hpp"\n#include <sys/wait.h>\n' > "$tmp/tree/agent/ok.cpp"
printf '#include "base/clock.hpp"\n#include <vector>\n' > "$tmp/tree/api/ok.cpp"
"$cmake" -DSOURCE_DIR="$tmp/tree" -P "$check" || { echo "FAIL: allowed includes rejected"; exit 1; }
echo "ok: allowed directions accepted"
