#!/usr/bin/env bash
# tests/systemd/package_test.sh BUILD_DIR: the .deb that `cpack` makes from a build tree holds
# the binary, the units (ExecStart= at /usr/bin/batchlet), the config as a conffile and the
# maintainer scripts; the units pass `systemd-analyze verify` (nothing but the binary's absence
# from this machine's /usr/bin may be reported); the packaged binary runs.
set -euo pipefail
build=$1
work=$(mktemp -d /var/tmp/batchlet-package-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

(cd "$build" && cpack -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/out/batchlet_*_*.deb)
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/batchlet ./usr/lib/systemd/system/batchlet.service \
         ./usr/lib/systemd/system/batchlet.socket ./etc/batchlet/config.yaml \
         ./usr/share/doc/batchlet/README.md; do
  grep -qx "$f" <<<"$contents" || fail "$f missing from $deb"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/batchlet/config.yaml || fail "config.yaml is no conffile"
for s in postinst prerm postrm; do dpkg-deb -I "$deb" "$s" >/dev/null || fail "no $s"; done
dpkg-deb -f "$deb" Depends | grep -q libsystemd0 || fail "Depends lacks libsystemd0"

dpkg-deb -x "$deb" "$work/root"
units=$work/root/usr/lib/systemd/system
grep -qx 'ExecStart=/usr/bin/batchlet serve --config /etc/batchlet/config.yaml --log-level info' \
  "$units/batchlet.service" || fail "ExecStart= does not name /usr/bin/batchlet"
report=$(systemd-analyze verify "$units/batchlet.service" "$units/batchlet.socket" 2>&1 |
  grep -v 'Command /usr/bin/batchlet is not executable' || true)
[ -z "$report" ] || fail "systemd-analyze verify: $report"
"$work/root/usr/bin/batchlet" version | grep -q '^batchlet ' || fail "the packaged binary does not run"
# The shipped config is all comments: batchlet accepts it as it is.
"$work/root/usr/bin/batchlet" info --config "$work/root/etc/batchlet/config.yaml" >/dev/null ||
  fail "the shipped config.yaml is refused"
echo "package_test: ok ($(basename "$deb"), $(stat -c %s "$deb") bytes)"
