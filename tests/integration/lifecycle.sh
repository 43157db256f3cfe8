#!/bin/bash
# SPDX-License-Identifier: ISC
# The daemon's life: a taken port, SIGHUP with a bad and then a good new
# configuration, a database lock held past busy_timeout_ms (503, then the
# retry is stored), kill -9 right after a 200 and a restart on the same
# database, SIGINT, and SIGTERM with a stalled client connected.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RED_FLAG='breathless and my chest hurts'
P=+447700900111
export CFG_BUSY_TIMEOUT=200	# ms: the lock test below waits this long

write_config "$TEST_CONF"
start_daemon
enrol "$P"

# ----------------------------------------------------------- a taken port

mkdir "$TMPD/second"
CFG_LISTEN=127.0.0.1:$PORT write_config "$TMPD/second/clotline.ini"
run "$CLOTLINE" serve -c "$TMPD/second/clotline.ini"
expect_eq "$RUN_RC" 1 'a second daemon on the same port: exit 1'
expect_contains "$RUN_ERR" 'cannot listen' '... saying it cannot listen'
[ ! -e "$TMPD/second/port" ] || fail 'the second daemon wrote a port file'
ok '... and writes no port file'
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'the first daemon is unaffected'

# ------------------------------------------------- SIGHUP, bad new config

post_sms SMhup0 "$P" "$RED_FLAG"
expect_contains "$HTTP_BODY" 'Call 999' 'before any reload: Call 999'

cp "$TEST_CONF" "$TMPD/good.ini"
echo 'bogus_key = 1' >>"$TEST_CONF"
bad_line=$(wc -l <"$TEST_CONF")
kill -HUP "$DAEMON_PID"
wait_for 5 log_has 'reload: rejected' || fail 'no "reload: rejected" in the log 5 s after SIGHUP'
ok 'SIGHUP with an unknown key: "reload: rejected" logged'
log_has "$TEST_CONF:$bad_line: unknown key 'bogus_key'" ||
	fail "the log does not name $TEST_CONF:$bad_line"
ok 'the rejected reload names FILE:LINE of the problem'
kill -0 "$DAEMON_PID" 2>/dev/null || fail 'the daemon died on a bad reload'
ok 'the daemon survives a bad reload'
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'healthz after a rejected reload'
post_sms SMhup1 "$P" "$RED_FLAG"
expect_contains "$HTTP_BODY" 'Call 999' 'after a rejected reload the old config answers'

# ---------------------------------------- SIGHUP, good config with 112

CFG_EMERGENCY=112 write_config "$TEST_CONF"
kill -HUP "$DAEMON_PID"
n=0
says_112() {
	n=$((n + 1))
	post_sms "SMhup112_$n" "$P" "$RED_FLAG"
	[ "$HTTP_STATUS" = 200 ] && [[ $HTTP_BODY == *'Call 112 now'* ]]
}
wait_for 5 says_112 || fail 'replies still do not say "Call 112" 5 s after SIGHUP'
ok "after SIGHUP with emergency_number = 112, replies say 112 ($n tries)"
expect_not_contains "$HTTP_BODY" 999 '... and no longer 999'
log_has 'reload: configuration, prompts and rules reloaded' || fail 'no reload notice in the log'
ok 'the good reload is logged'
post_sms SMhup2 "$P" 'HELP'
expect_contains "$HTTP_BODY" 112 'HELP after the reload gives 112 too'
[ "$(cat "$PORT_FILE")" = "$PORT" ] || fail 'the port changed on reload'
ok 'same port after the reloads'

# ------------------------------ SIGHUP, public_url with a non-default port

NEW_URL=http://gateway.test:8443
f=(MessageSid SMurl0 From "$P" Body 'walked today')
post_form /twilio/sms "$(sign "$NEW_URL/twilio/sms" "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 403 "signed for $NEW_URL before the reload: 403"
CFG_EMERGENCY=112 CFG_PUBLIC_URL=$NEW_URL/ write_config "$TEST_CONF"
kill -HUP "$DAEMON_PID"
n=0
new_url_accepted() {
	n=$((n + 1))
	f=(MessageSid "SMurl_$n" From "$P" Body 'walked today')
	post_form /twilio/sms "$(sign "$NEW_URL/twilio/sms" "${f[@]}")" "${f[@]}"
	[ "$HTTP_STATUS" = 200 ]
}
wait_for 5 new_url_accepted || fail "signatures for $NEW_URL still refused 5 s after SIGHUP"
ok "after SIGHUP, signatures are checked against the new public_url ($n tries)"
f=(MessageSid SMurl_strip From "$P" Body 'walked today')
post_form /twilio/sms "$(sign http://gateway.test/twilio/sms "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 200 'the URL with its non-default port stripped is accepted too'
f=(MessageSid SMurl_https From "$P" Body 'walked today')
post_form /twilio/sms "$(sign https://gateway.test:8443/twilio/sms "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 403 'another scheme is not'
TEST_SMS_URL=$NEW_URL/twilio/sms	# post_sms signs for it from now on

# ------------------------------- a database lock past busy_timeout_ms: 503

# The staff CLI (here sqlite3) holds the write lock; the webhook must not
# claim success: 503 so the provider retries, nothing stored.
mkfifo "$TMPD/lock.fifo"
# A busy timeout, so the probe below briefly holding the lock cannot make
# this BEGIN IMMEDIATE fail (that race once made the test flaky).
sqlite3 -cmd ".timeout 5000" "$TEST_DB" <"$TMPD/lock.fifo" >"$TMPD/lock.out" 2>&1 &
LOCK_PID=$!
_PIDS+=("$LOCK_PID")
exec {lockfd}>"$TMPD/lock.fifo"
printf "BEGIN IMMEDIATE;\nINSERT INTO audit_log (at, actor, action) VALUES (0, 'test', 'lock');\n" >&"$lockfd"
locked() { ! sqlite3 -cmd '.timeout 0' "$TEST_DB" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null; }
wait_for 5 locked || fail 'sqlite3 did not take the write lock'
post_sms SMlocked "$P" "$RED_FLAG"
expect_eq "$HTTP_STATUS" 503 'database locked past busy_timeout_ms: 503'
printf 'COMMIT;\n' >&"$lockfd"
exec {lockfd}>&-
wait_exit "$LOCK_PID" 5 || fail 'sqlite3 holding the lock did not exit'
expect_eq "$(inbound_count SMlocked)" 0 'nothing stored for the 503'
post_sms SMlocked "$P" "$RED_FLAG"
expect_eq "$HTTP_STATUS" 200 "the provider's retry after the lock: 200"
expect_contains "$HTTP_BODY" 'Call 112' '... with the emergency reply'
expect_eq "$(inbound_count SMlocked)" 1 '... stored once'
http_get /metrics
expect_eq "$(metric clotline_database_errors_total)" 1 'clotline_database_errors_total counts the failure'

# ------------------------------------------- kill -9 right after a 200

post_sms SMcrash "$P" "$RED_FLAG"
expect_eq "$HTTP_STATUS" 200 'message before the crash: 200'
crash_reply=$HTTP_BODY
# (stderr muted: bash reports the killed job there)
{ kill -KILL "$DAEMON_PID" && wait_exit "$DAEMON_PID" 5; } 2>/dev/null ||
	fail 'the daemon survived kill -9'
expect_eq "$EXIT_STATUS" 137 'kill -9: the daemon is gone'
expect_eq "$(inbound_count SMcrash)" 1 'the answered message is on disk after kill -9'

start_daemon
ok "restarted on the same database (port $PORT)"
post_sms SMcrash "$P" "$RED_FLAG"
expect_eq "$HTTP_STATUS" 200 'the provider retries after the crash: 200'
expect_eq "$HTTP_BODY" "$crash_reply" '... with the identical reply'
expect_eq "$(inbound_count SMcrash)" 1 '... and still one row'
expect_eq "$(sql "SELECT count(*) FROM escalations WHERE inbound_id = (SELECT id FROM inbound_messages WHERE provider_sid = 'SMcrash');")" \
	1 '... and one escalation'
expect_eq "$(inbound_count SMhup0)" 1 'earlier messages survived the crash'
http_get /metrics
expect_eq "$(metric clotline_inbound_messages_total) $(metric clotline_inbound_duplicates_total)" \
	'0 1' 'after the restart the retry counts as a duplicate, not a new message'

# ----------------------------------------------------------------- SIGINT

kill -INT "$DAEMON_PID"
wait_exit "$DAEMON_PID" 10 || fail 'still running 10 s after SIGINT'
expect_eq "$EXIT_STATUS" 0 'SIGINT: exit 0'
log_has 'shutdown: SIGINT received' || fail 'SIGINT not logged'
ok 'SIGINT logged'

# ------------------------------------------- SIGTERM with a stalled client

start_daemon
exec {stall}<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /twilio/sms HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 100\r\n\r\nMessage' >&"$stall"
http_get /healthz	# the stalled connection is accepted by now
t0=$(now_ms)
kill -TERM "$DAEMON_PID"
# shutdown_timeout is 5 s; a stalled request is not a reply in flight.
wait_exit "$DAEMON_PID" 8 || fail 'still running 8 s after SIGTERM with a stalled client'
elapsed=$(($(now_ms) - t0))
expect_eq "$EXIT_STATUS" 0 'SIGTERM with a stalled client: exit 0'
[ "$elapsed" -le 6000 ] || fail "SIGTERM took $elapsed ms"
ok "SIGTERM: exited after ${elapsed} ms"
exec {stall}>&-
log_has 'shutdown: done' || fail '"shutdown: done" not logged'
ok 'shutdown logged'
http_get /healthz
expect_eq "$HTTP_STATUS" 000 'nothing listens after the exit'

# ------------------------------------------- a database that stops answering

# Overwrite the start of the database file under the running daemon (after a
# checkpoint, so everything is in the main file): the store no longer answers.
rm -f "$TEST_DB" "$TEST_DB-wal" "$TEST_DB-shm"
start_daemon
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'healthz: 200 while the database answers'
sql 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
dd if=/dev/urandom of="$TEST_DB" bs=4096 count=4 conv=notrunc 2>/dev/null
http_get /healthz
expect_eq "$HTTP_STATUS" 503 'healthz: 503 when the database is broken'
post_sms SMbroken1 +447700900555 'breathless and my chest hurts'
expect_eq "$HTTP_STATUS" 503 'webhook: 503 (never 200) for a message it could not keep'
http_get /healthz
expect_eq "$HTTP_STATUS" 503 'the gateway keeps running and keeps saying so'
stop_daemon

finish
