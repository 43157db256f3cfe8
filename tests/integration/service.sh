#!/bin/bash
# SPDX-License-Identifier: ISC
# The gateway as a systemd service sees it (issue 21): sd_notify readiness
# (READY=1 once listening), RELOADING=1 then READY=1 with a STATUS= that
# says whether a reload was taken or refused, STOPPING=1 on SIGTERM; and
# the staff CLI run as root on a database another user owns, which must
# switch to that user rather than leave root-owned files behind.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "service: python3 is needed to play systemd's notify socket; skipped" >&2
	exit 77
fi

# ------------------------------------------------------------ sd_notify

# A datagram socket standing in for systemd's: each message one line of
# $NOTES, its KEY=VALUE lines joined with '|'.
NOTES=$TMPD/notify.log
SOCK=$TMPD/notify.sock
python3 - "$SOCK" "$NOTES" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        try:
            data = s.recv(4096)
        except socket.timeout:
            break
        out.write(data.decode().replace("\n", "|") + "\n")
        if data.startswith(b"STOPPING=1"):
            break
PY
_PIDS+=("$!")
sock_ready() { [ -S "$SOCK" ]; }
wait_for 10 sock_ready || fail 'the notify socket stand-in did not start'
: >"$NOTES"

notes_have() { grep -qF -- "$1" "$NOTES"; }
notes_count() { grep -c -- "$1" "$NOTES" || true; }

write_config "$TEST_CONF"
NOTIFY_SOCKET=$SOCK start_daemon
wait_for 10 notes_have 'READY=1' || fail 'no READY=1 after start'
ok 'serve sends READY=1 once it listens'
expect_contains "$(cat "$NOTES")" 'STATUS=serving' 'READY=1 comes with a STATUS='
# Ready means listening: the port answers now.
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'after READY=1 the gateway answers'

kill -HUP "$DAEMON_PID"
reloaded() { [ "$(notes_count 'configuration reloaded')" -ge 1 ]; }
wait_for 10 reloaded || fail 'no READY=1 after a good reload'
expect_match "$(sed -n 2p "$NOTES")" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' 'SIGHUP: RELOADING=1 first'
expect_match "$(sed -n 3p "$NOTES")" '^READY=1\|STATUS=serving; configuration reloaded' 'a good reload: READY=1, STATUS says reloaded'

printf '[bogus]\nkey = 1\n' >>"$TEST_CONF"
kill -HUP "$DAEMON_PID"
refused() { notes_have 'reload was refused'; }
wait_for 10 refused || fail 'no STATUS= after a refused reload'
expect_match "$(sed -n 4p "$NOTES")" '^RELOADING=1' 'a refused reload: RELOADING=1 first'
expect_match "$(sed -n 5p "$NOTES")" '^READY=1\|STATUS=.*refused' 'a refused reload: READY=1, STATUS says refused'
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'a refused reload: still serving on the old configuration'

stop_daemon
expect_contains "$(tail -n 1 "$NOTES")" 'STOPPING=1' 'SIGTERM: STOPPING=1'

# Without NOTIFY_SOCKET nothing is sent and nothing is said about it.
write_config "$TEST_CONF"
start_daemon
stop_daemon
expect_not_contains "$(cat "$DAEMON_LOG")" 'NOTIFY_SOCKET' 'no NOTIFY_SOCKET: not mentioned'

finish
