#!/bin/bash
# SPDX-License-Identifier: ISC
# The Debian package end to end, as a clinic's administrator gets it
# (issue 21): builds the .deb from a clean copy of the tree with
# dpkg-buildpackage -us -uc -b, checks it with lintian (no errors; warnings
# listed), installs it with dpkg -i on this machine, and then, from the
# installed paths only: clotline --version, check-config on the installed
# configuration (as root and as the service user), systemd-analyze verify
# of the installed units, the daemon started the way the unit starts it
# (the clotline user, the unit's ExecStartPre and ExecStart, a notify
# socket) and answering /healthz, the staff CLI as root leaving nothing
# root-owned, an online backup, then dpkg --purge.  Needs root and
# debhelper, lintian and python3 (apt-get install them first: .ci/run
# does); exits 77 without them.  make check-deb runs it.
#
#   tests/package/deb.sh [--keep]   --keep leaves the package installed
#
# DEB_BUILD_OPTIONS is passed through (nocheck skips the package build's
# own make check; CI has run it already).
set -euo pipefail
top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keep=
[ "${1:-}" = --keep ] && keep=1

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok $PASSED - $*"; }
bad() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }
check() {	# MESSAGE COMMAND...
	local msg=$1
	shift
	if "$@"; then ok "$msg"; else bad "$msg"; fi
}
skip() { echo "deb: $*; skipped" >&2; exit 77; }

[ "$(id -u)" = 0 ] || skip 'needs root (dpkg -i)'
for t in dpkg-buildpackage dh lintian python3 curl; do
	command -v "$t" >/dev/null 2>&1 || skip "needs $t (apt-get install debhelper lintian python3 curl)"
done
if dpkg -s clotline >/dev/null 2>&1; then
	echo 'deb: clotline is installed already; remove it first (dpkg --purge clotline)' >&2
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clotline-deb.XXXXXX")
DAEMON=
cleanup() {
	local rc=$?
	set +e
	[ -n "$DAEMON" ] && kill -KILL "$DAEMON" 2>/dev/null
	if [ -z "$keep" ] && dpkg -s clotline >/dev/null 2>&1; then
		dpkg --purge clotline >/dev/null 2>&1
		rm -rf /var/lib/clotline /var/backups/clotline
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT

# ---------------------------------------------------------------- build
version=$(sed -n '1s/^clotline (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
SRC=$WORK/clotline-$version
mkdir -p "$SRC"
if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# The committed tree and what is staged or changed: never build output.
	(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
	    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$SRC"
else
	(cd "$top_srcdir" && tar --exclude=./debian/clotline -cf - .) | tar -xf - -C "$SRC"
fi
echo "deb: building in $SRC"
if ! (cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
	tail -n 60 "$WORK/build.log"
	bad 'dpkg-buildpackage -us -uc -b'
	echo "$PASSED passed, $FAILED failed"
	exit 1
fi
deb=$(ls "$WORK"/clotline_"$version"_*.deb)
ok "dpkg-buildpackage -us -uc -b built $(basename "$deb")"

# --------------------------------------------------------------- lintian
lintian --fail-on error --display-info "$WORK"/clotline_"$version"_*.changes \
    >"$WORK/lintian.log" 2>&1 && lrc=0 || lrc=$?
sed 's/^/lintian: /' "$WORK/lintian.log"
check 'lintian: no errors' test "$lrc" = 0
check 'lintian: no warnings' sh -c "! grep -q '^W:' '$WORK/lintian.log'"

# --------------------------------------------------------------- install
apt-get install -y -qq --no-install-recommends \
    $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -e 's/(.*)//' -e 's/|.*//' \
      -e 's/^ *//' -e 's/ *$//' | grep -v '^$' | tr '\n' ' ') >/dev/null 2>&1 || true
check 'dpkg -i installs the package' dpkg -i "$deb"

check 'the binary is /usr/bin/clotline' test -x /usr/bin/clotline
out=$(/usr/bin/clotline --version)
check "clotline --version: $out" test "$out" = "clotline $version"
for f in /etc/clotline/clotline.ini /etc/clotline/plans/dvt-walking.ini \
    /lib/systemd/system/clotline.service /lib/systemd/system/clotline-backup.timer \
    /usr/lib/sysusers.d/clotline.conf /usr/lib/tmpfiles.d/clotline.conf \
    /usr/share/clotline/prompts/rules/known.rules /usr/share/clotline/prompts/en/review.txt \
    /usr/share/man/man8/clotline.8.gz /usr/share/man/man5/clotline.ini.5.gz \
    /usr/share/doc/clotline/README.md.gz /usr/share/doc/clotline/docs/operations.md.gz \
    /usr/share/doc/clotline/copyright /usr/share/doc/clotline/examples/clotline-alerts.yml; do
	check "installed: $f" test -f "$f"
done
missing=0
while read -r p; do
	[ -f "/usr/share/clotline/$p" ] || { echo "  not installed: $p"; missing=$((missing + 1)); }
done < <(cd "$top_srcdir" && find prompts -type f | sort)
check 'every file under prompts/ is installed' test "$missing" = 0
check 'the configuration is a conffile' sh -c 'dpkg-query -W -f="\${Conffiles}" clotline | grep -q " /etc/clotline/clotline.ini "'
check 'the plans are conffiles' sh -c 'dpkg-query -W -f="\${Conffiles}" clotline | grep -q " /etc/clotline/plans/dvt-walking.ini "'
check 'the clotline system user exists' id clotline
check 'its home is the state directory' test "$(getent passwd clotline | cut -d: -f6)" = /var/lib/clotline
check 'the state directory belongs to it, 0700' test "$(stat -c '%U %a' /var/lib/clotline)" = 'clotline 700'
check 'the provider token: clotline, 0600' test "$(stat -c '%U %a' /etc/clotline/provider.token)" = 'clotline 600'
check 'the token is random, 32 hex digits' grep -Eqx '[0-9a-f]{32}' /etc/clotline/provider.token

out=$(/usr/bin/clotline check-config -c /etc/clotline/clotline.ini 2>&1) && rc=0 || rc=$?
echo "$out" | sed 's/^/  /'
check 'check-config -c /etc/clotline/clotline.ini as root: exit 0' test "$rc" = 0
check 'check-config as the service user: exit 0' \
    runuser -u clotline -- /usr/bin/clotline check-config -c /etc/clotline/clotline.ini
check 'check-config with the default path: exit 0' runuser -u clotline -- /usr/bin/clotline check-config

if command -v systemd-analyze >/dev/null 2>&1; then
	for u in clotline.service clotline-backup.service clotline-backup.timer; do
		out=$(systemd-analyze verify "/lib/systemd/system/$u" 2>&1) && rc=0 || rc=$?
		[ -z "$out" ] || echo "$out" | sed 's/^/  /'
		check "systemd-analyze verify $u" test "$rc" = 0
	done
fi

check 'the man pages name every command' sh -c 'zcat /usr/share/man/man8/clotline.8.gz | grep -q "^\.SS \"patient add\""' 
check 'clotline.ini(5) has every key of the installed configuration' sh -c '
	for k in $(sed -n "s/^;\{0,1\}\([a-z_]*\) = .*/\1/p" /etc/clotline/clotline.ini); do
		zcat /usr/share/man/man5/clotline.ini.5.gz | grep -qx ".B $k" || { echo "  missing: $k"; exit 1; }
	done'

# ------------------------------------------- start it as the unit would
unit=/lib/systemd/system/clotline.service
check 'the unit is Type=notify' grep -qx 'Type=notify' "$unit"
check 'the unit runs as User=clotline' grep -qx 'User=clotline' "$unit"
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
check "ExecStartPre as clotline: $pre" runuser -u clotline -- $pre
if curl -s -o /dev/null http://127.0.0.1:8080/ 2>/dev/null; then
	bad 'something already listens on 127.0.0.1:8080; cannot start the installed gateway'
else
	SOCK=$WORK/notify.sock
	python3 - "$SOCK" "$WORK/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        out.write(d.decode().replace("\n", "|") + "\n")
        if d.startswith(b"STOPPING=1"):
            break
PY
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
	chmod 0777 "$WORK" && chmod 0666 "$SOCK"
	# setpriv execs (runuser would stay as a parent and keep SIGHUP).
	(cd / && umask 077 && exec env NOTIFY_SOCKET="$SOCK" setpriv \
	    --reuid=clotline --regid=clotline --init-groups -- $start) \
	    2>"$WORK/daemon.log" &
	DAEMON=$!
	ready=
	for _ in $(seq 200); do
		grep -q '^READY=1' "$WORK/notify.log" 2>/dev/null && { ready=1; break; }
		kill -0 "$DAEMON" 2>/dev/null || break
		sleep 0.1
	done
	check 'the installed gateway, started as the unit does, sends READY=1' test -n "$ready"
	code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/healthz || true)
	check "GET /healthz on the installed configuration: $code" test "$code" = 200
	check 'the database is in /var/lib/clotline, owned by clotline' \
	    test "$(stat -c %U /var/lib/clotline/clotline.db 2>/dev/null)" = clotline
	# An unsigned webhook is refused: the random token guards the door.
	code=$(curl -s -o /dev/null -w '%{http_code}' -d 'From=%2B447700900001&Body=hi&MessageSid=SM1' \
	    http://127.0.0.1:8080/twilio/sms || true)
	check "an unsigned webhook to the installed gateway: $code" test "$code" = 403

	# The staff CLI as root, on the running gateway's database.
	check 'clotline patient add as root' /usr/bin/clotline patient add +447700900555 --plan dvt-walking
	check 'clotline patient list as the service user' \
	    sh -c 'runuser -u clotline -- /usr/bin/clotline patient list | grep -q 447700900555'
	check 'nothing in /var/lib/clotline belongs to root' \
	    test "$(find /var/lib/clotline ! -user clotline | wc -l)" = 0
	check 'clotline backup as the service user, into the backups directory' \
	    runuser -u clotline -- /usr/bin/clotline backup /var/backups/clotline/test.db
	check 'the backup holds the patient' \
	    sh -c "sqlite3 /var/backups/clotline/test.db 'SELECT phone FROM patients' | grep -q 447700900555"
	kill -HUP "$DAEMON"
	for _ in $(seq 100); do
		grep -q 'reloaded' "$WORK/notify.log" && break
		sleep 0.1
	done
	check 'SIGHUP (ExecReload): RELOADING=1 then READY=1, reloaded' grep -q 'configuration reloaded' "$WORK/notify.log"
	kill -TERM "$DAEMON"
	rc=0
	wait "$DAEMON" || rc=$?
	DAEMON=
	check 'SIGTERM: exit 0' test "$rc" = 0
	check 'the log went to stderr without syslog prefixes (no journald here)' \
	    sh -c "grep -q '^clotline: notice: clotline $version ready' '$WORK/daemon.log'"
fi

# ------------------------------------------------------------ remove
if [ -z "$keep" ]; then
	check 'dpkg -r removes it' dpkg -r clotline
	check 'the configuration stays after remove (conffile)' test -f /etc/clotline/clotline.ini
	check 'dpkg --purge purges it' dpkg --purge clotline
	check 'purge removes the configuration and the token' test ! -e /etc/clotline/clotline.ini -a ! -e /etc/clotline/provider.token
	rm -rf /var/lib/clotline /var/backups/clotline
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
