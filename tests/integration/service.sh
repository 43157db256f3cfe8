#!/bin/bash
# SPDX-License-Identifier: ISC
# The gateway as a systemd service sees it (issue 21): sd_notify readiness
# (READY=1 once listening), RELOADING=1 then READY=1 with a STATUS= that
# says whether a reload was taken or refused, STOPPING=1 on SIGTERM; an
# online backup taken under webhook load and restored; and the staff CLI
# run as root on a database another user owns, which must switch to that
# user rather than leave root-owned files behind.  On PostgreSQL (lib.sh's
# CLOTLINE_TEST_PG) the two parts about the SQLite file are skipped, and
# backup is refused.
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
wait_for "$TEST_WAIT" reloaded || fail 'no READY=1 after a good reload'
expect_match "$(sed -n 2p "$NOTES")" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' 'SIGHUP: RELOADING=1 first'
expect_match "$(sed -n 3p "$NOTES")" '^READY=1\|STATUS=serving; configuration reloaded' 'a good reload: READY=1, STATUS says reloaded'

printf '[bogus]\nkey = 1\n' >>"$TEST_CONF"
kill -HUP "$DAEMON_PID"
refused() { notes_have 'reload was refused'; }
wait_for "$TEST_WAIT" refused || fail 'no STATUS= after a refused reload'
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

# ------------------------------------------- backup under load, restore
if sqlite_only 'clotline backup and restore (of the SQLite file; PostgreSQL has pg_dump)'; then
	# clotline backup while webhooks arrive 8 at a time: the copy holds every
	# message acknowledged (200) before the backup began, restores into a
	# working gateway, and answers a retried message exactly as before.
	: "${WEBHOOKGEN:=$top_builddir/tests/fake/webhookgen}"
	[ -x "$WEBHOOKGEN" ] || fail "WEBHOOKGEN is not built (make check builds it)"
	N=1500
	printf '%s\n' 'my leg aches a bit after walking' 'breathless and my chest hurts' \
	    'can I fly next month?' 'walked 20 minutes today' >"$TMPD/messages"
	"$WEBHOOKGEN" --token "$TEST_TOKEN" --url "$TEST_SMS_URL" --count "$N" \
		--senders 20 --first-sender +447700600000 <"$TMPD/messages" >"$TMPD/load.tsv"
	for i in $(seq 0 19); do private "+$((447700600000 + i))"; done
	private +447700600999
	private 'my leg aches a bit after walking' 'breathless and my chest hurts' \
	    'can I fly next month?' 'walked 20 minutes today'
	load() {	# TSV RESULTS: posts each request, 8 at a time; "STATUS SID" lines
		awk -F'\t' -v url="http://127.0.0.1:$PORT/twilio/sms" '{
			if (NR > 1)
				printf "next\n"
			printf "url = \"%s\"\n", url
			printf "header = \"X-Twilio-Signature: %s\"\n", $2
			printf "header = \"Content-Type: application/x-www-form-urlencoded\"\n"
			printf "header = \"Expect:\"\n"
			printf "data-binary = \"%s\"\n", $3
			printf "output = \"/dev/null\"\n"
			printf "write-out = \"%%{http_code} %s\\n\"\n", $1
			printf "max-time = 10\n"
		}' "$1" >"$TMPD/load.curl"
		curl --parallel --parallel-max 8 -s -K "$TMPD/load.curl" >"$2" 2>"$2.err" || true
	}
	# Whole lines only: curl may be halfway through writing the last one.
	acked() { awk '$1 == 200 && length($2) == 34 { print $2 }' "$1" | sort; }

	rm -f "$TEST_DB"
	write_config "$TEST_CONF"
	start_daemon
	load "$TMPD/load.tsv" "$TMPD/results" &
	LOAD_PID=$!
	_PIDS+=("$LOAD_PID")
	some_acked() { [ "$(acked "$TMPD/results" | wc -l)" -ge 200 ]; }
	wait_for 60 some_acked || fail 'the load had fewer than 200 answers in 60 s'
	acked "$TMPD/results" >"$TMPD/acked-before"
	run "$CLOTLINE" backup -c "$TEST_CONF" "$TMPD/backup.db"
	expect_eq "$RUN_RC" 0 'clotline backup during the load: exit 0'
	expect_contains "$RUN_OUT" 'schema version' 'backup says what it copied'
	acked "$TMPD/results" >"$TMPD/acked-after"
	kill -0 "$LOAD_PID" 2>/dev/null || fail 'the load ended before the backup did: not under load'
	ok "backup under load: $(wc -l <"$TMPD/acked-before") acknowledged before it, $(wc -l <"$TMPD/acked-after") when it ended"
	wait_exit "$LOAD_PID" 120 || fail 'the load did not end within 120 s'
	stop_daemon
	expect_eq "$(stat -c %a "$TMPD/backup.db")" 600 'the backup is mode 0600 (patient data)'
	expect_eq "$(ls "$TMPD" | grep -c 'backup.db.tmp')" 0 'no temporary file left behind'
	expect_eq "$(sqlite3 "$TMPD/backup.db" 'PRAGMA journal_mode; PRAGMA integrity_check;' | tr '\n' ' ')" \
		'delete ok ' 'the backup is one self-contained file that passes integrity_check'

	# Restore: the copy in place of the database, the gateway started on it.
	mv "$TEST_DB" "$TMPD/live.db"
	rm -f "$TEST_DB-wal" "$TEST_DB-shm"
	cp "$TMPD/backup.db" "$TEST_DB"
	sqlite3 "$TEST_DB" 'SELECT provider_sid FROM inbound_messages;' | sort >"$TMPD/restored"
	lost=$(comm -23 "$TMPD/acked-before" "$TMPD/restored")
	if [ -n "$lost" ]; then
		for sid in $lost; do
			echo "# $sid: in the live database: $(sqlite3 "$TMPD/live.db" "SELECT id, received_at FROM inbound_messages WHERE provider_sid = '$sid'")" >&2
			grep -n "$sid" "$TMPD/results" >&2 || true
		done
		echo "# backup max id: $(sqlite3 "$TEST_DB" 'SELECT max(id), count(*) FROM inbound_messages')" >&2
	fi
	expect_eq "$(printf '%s' "$lost" | grep -c . || true)" 0 \
		'every message acknowledged before the backup began is in the restored copy'
	expect_eq "$(sqlite3 "$TEST_DB" 'SELECT count(*) - count(DISTINCT provider_sid) FROM inbound_messages;')" 0 \
		'the restored copy stores each message once'
	start_daemon
	http_get /healthz
	expect_eq "$HTTP_STATUS" 200 'the gateway starts on the restored database and is healthy'
	# The provider retries what the restored copy lacks: all 200, none twice.
	load "$TMPD/load.tsv" "$TMPD/results2"
	expect_eq "$(acked "$TMPD/results2" | wc -l)" "$N" 'after the restore every retried message is answered 200'
	expect_eq "$(sql 'SELECT count(*), count(DISTINCT provider_sid) FROM inbound_messages;')" "$N|$N" \
		'after the retries each message is stored exactly once'
	stop_daemon

	run "$CLOTLINE" backup -c "$TEST_CONF"
	expect_eq "$RUN_RC" 2 'backup without DEST: exit 2'
	printf '[storage]\ndatabase = %s/none.db\n' "$TMPD" >"$TMPD/nodb.ini"
	minimal() {
		write_config "$1"
		sed -i "s|^database = .*|database = $TMPD/none.db|" "$1"
	}
	minimal "$TMPD/nodb.ini"
	run "$CLOTLINE" backup -c "$TMPD/nodb.ini" "$TMPD/x.db"
	expect_eq "$RUN_RC" 1 'backup of a database that does not exist: exit 1'
	[ ! -e "$TMPD/none.db" ] || fail 'backup created the database it was asked to copy'
	ok 'backup never creates the database it copies'
else
	run "$CLOTLINE" backup -c "$TEST_CONF" "$TMPD/backup.db"
	expect_eq "$RUN_RC" 1 'clotline backup refuses a PostgreSQL store'
	expect_contains "$RUN_ERR" 'pg_dump' '... and says what to use instead'
fi

# ------------------------------------------- the staff CLI run as root

# Root on a database another user owns (the service's, under the shipped
# unit) becomes that user: no root-owned database, -wal or -shm file, which
# the service could no longer write.
if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	ok 'the staff CLI as root: skipped (needs root and the nobody user)'
elif ! sqlite_only 'the staff CLI as root on the database file another user owns'; then
	:
else
	chmod 0755 "$TMPD"
	SVC=$TMPD/svc
	mkdir "$SVC"
	chown nobody "$SVC"
	chmod 0700 "$SVC"
	CFG_DATABASE=$SVC/clotline.db write_config "$TMPD/svc.ini"
	run "$CLOTLINE" patient add +447700600999 --plan dvt-walking -c "$TMPD/svc.ini"
	expect_eq "$RUN_RC" 0 'patient add as root on a database directory nobody owns: exit 0'
	expect_eq "$(stat -c %U "$SVC/clotline.db")" nobody 'the database it created belongs to the directory owner'
	expect_eq "$(find "$SVC" ! -user nobody | wc -l)" 0 'no file under the state directory belongs to root'
	run "$CLOTLINE" patient list -c "$TMPD/svc.ini"
	expect_eq "$RUN_RC" 0 'patient list as root on it: exit 0'
	expect_contains "$RUN_OUT" '+447700600999' 'patient list as root reads it'
	expect_eq "$(find "$SVC" ! -user nobody | wc -l)" 0 'still nothing under it belongs to root'
	chmod 0700 "$TMPD"
fi

finish
