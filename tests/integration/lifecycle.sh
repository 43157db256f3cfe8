#!/bin/bash
# SPDX-License-Identifier: ISC
# The daemon's life: a taken port, SIGHUP with a bad and then a good new
# configuration, a database lock held past busy_timeout_ms (503, then the
# retry is stored), kill -9 right after a 200 and a restart on the same
# database, SIGINT, SIGTERM with a stalled client connected, and the
# database file broken or deleted under it (SQLite only; on PostgreSQL,
# lib.sh's CLOTLINE_TEST_PG, the lock is a table lock held by psql).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RED_FLAG='breathless and my chest hurts'
P=+447700900111
export CFG_BUSY_TIMEOUT=5000	# ms: the lock test below must answer long before this

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
wait_for "$TEST_WAIT" log_has 'reload: rejected' || fail "no 'reload: rejected' in the log $TEST_WAIT s after SIGHUP"
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
wait_for "$TEST_WAIT" says_112 || fail "replies still do not say 'Call 112' $TEST_WAIT s after SIGHUP"
ok "after SIGHUP with emergency_number = 112, replies say 112 ($n tries)"
expect_not_contains "$HTTP_BODY" 999 '... and no longer 999'
log_has 'reload: configuration, prompts and rules reloaded' || fail 'no reload notice in the log'
ok 'the good reload is logged'
post_sms SMhup2 "$P" 'HELP'
expect_contains "$HTTP_BODY" 112 'HELP after the reload gives 112 too'
[ "$(cat "$PORT_FILE")" = "$PORT" ] || fail 'the port changed on reload'
ok 'same port after the reloads'

# ----------------------------------- files that never end, or never open

# Every file the gateway reads is a regular file of bounded size; a token
# file of /dev/zero, a FIFO, a prompt linked to /dev/zero, a rules file that
# is a FIFO, a 2 MB configuration: each an error at once, never a hang.
# (token_file = /dev/zero hung check-config, and SIGHUP then spun at 100%
# CPU with nothing served.)
cp "$TEST_CONF" "$TMPD/before-zero.ini"
printf '\n[admin]\ntoken_file = /dev/zero\n' >>"$TEST_CONF"
run "$CLOTLINE" check-config -c "$TEST_CONF"
expect_eq "$RUN_RC" 1 'check-config with token_file = /dev/zero: exit 1 (no hang)'
expect_contains "$RUN_ERR" '/dev/zero: the admin token file is not a regular file' '... saying why'
kill -HUP "$DAEMON_PID"
wait_for "$TEST_WAIT" log_has '/dev/zero: the admin token file is not a regular file' ||
	fail "no refusal of /dev/zero in the log $TEST_WAIT s after SIGHUP"
t0=$(now_ms)
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'SIGHUP with token_file = /dev/zero: the reload is refused and /healthz answers'
# A second where steps are quick; five under the sanitizers' slower build.
limit=1000
[ "$TEST_WAIT" -le 10 ] || limit=5000
[ $(($(now_ms) - t0)) -lt "$limit" ] || fail "/healthz took $(($(now_ms) - t0)) ms after the refused reload"
c0=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
sleep 1
c1=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
[ $((c1 - c0)) -lt $(($(getconf CLK_TCK) / 4)) ] || fail "the gateway used $((c1 - c0)) ticks of CPU in a second after the reload"
ok '... and does not spin'
post_sms SMzero "$P" "$RED_FLAG"
expect_contains "$HTTP_BODY" 'Call 112' '... the old set stays in force'
cp "$TMPD/before-zero.ini" "$TEST_CONF"
mkfifo "$TMPD/fifo.ini"
run "$CLOTLINE" check-config -c "$TMPD/fifo.ini"
expect_eq "$RUN_RC $(grep -c 'not a regular file' <<<"$RUN_ERR")" '1 1' 'a FIFO as the configuration: refused at once'
{ cat "$TEST_CONF"; head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ';'; } >"$TMPD/big.ini"
run "$CLOTLINE" check-config -c "$TMPD/big.ini"
expect_eq "$RUN_RC $(grep -c 'larger than' <<<"$RUN_ERR")" '1 1' 'a 2 MB configuration: refused'
mkdir -p "$TMPD/badprompts"
cp -r "$top_srcdir/prompts/." "$TMPD/badprompts/"
ln -sf /dev/zero "$TMPD/badprompts/en/help.txt"
mkfifo "$TMPD/badprompts/rules/zz.rules"
sed "s|^prompts_dir = .*|prompts_dir = $TMPD/badprompts|" "$TEST_CONF" >"$TMPD/badprompts.ini"
chmod 600 "$TMPD/badprompts.ini"
run "$CLOTLINE" check-config -c "$TMPD/badprompts.ini"
expect_eq "$RUN_RC" 1 'a prompt linked to /dev/zero and a FIFO of rules: exit 1 (no hang)'
expect_contains "$RUN_ERR" 'help.txt: the prompt is not a regular file' '... the prompt named'
expect_contains "$RUN_ERR" 'zz.rules: the rules file is not a regular file' '... the rules file named'

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
wait_for "$TEST_WAIT" new_url_accepted || fail "signatures for $NEW_URL still refused $TEST_WAIT s after SIGHUP"
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
# claim success: 503 so the provider retries, nothing stored.  On
# PostgreSQL, psql holds the tables the webhook writes (EXCLUSIVE: others
# may read, none write) and busy_timeout_ms is the session's lock_timeout.
mkfifo "$TMPD/lock.fifo"
if on_postgresql; then
	psql -X -q -v ON_ERROR_STOP=1 "$CLOTLINE_TEST_PG" <"$TMPD/lock.fifo" >"$TMPD/lock.out" 2>&1 &
	LOCK_PID=$!
	_PIDS+=("$LOCK_PID")
	exec {lockfd}>"$TMPD/lock.fifo"
	printf "BEGIN;\nLOCK TABLE inbound_messages, outbound_messages, audit_log IN EXCLUSIVE MODE;\nINSERT INTO audit_log (at, actor, action) VALUES (0, 'test', 'lock');\n" >&"$lockfd"
	locked() {
		[ "$(sql "SELECT count(*) FROM pg_locks WHERE mode = 'ExclusiveLock' AND granted AND relation = CAST('inbound_messages' AS regclass);")" = 1 ]
	}
	wait_for 5 locked || fail "psql did not take the lock: $(cat "$TMPD/lock.out")"
else
	# A busy timeout, so the probe below briefly holding the lock cannot make
	# this BEGIN IMMEDIATE fail (that race once made the test flaky).
	sqlite3 -cmd ".timeout 5000" "$TEST_DB" <"$TMPD/lock.fifo" >"$TMPD/lock.out" 2>&1 &
	LOCK_PID=$!
	_PIDS+=("$LOCK_PID")
	exec {lockfd}>"$TMPD/lock.fifo"
	printf "BEGIN IMMEDIATE;\nINSERT INTO audit_log (at, actor, action) VALUES (0, 'test', 'lock');\n" >&"$lockfd"
	locked() { ! sqlite3 -cmd '.timeout 0' "$TEST_DB" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null; }
	wait_for 5 locked || fail 'sqlite3 did not take the write lock'
fi
# Background work that wants the lock too: due outbox messages (queued
# while it was held, as the staff command would) and the reminder
# scheduler.  None may hold the event loop for busy_timeout_ms (5 s here):
# each SQLite wait on the loop is bounded (100 ms), background work backs
# off, and the webhook gets its 503 at once.  (A signed SMS waited 15 s:
# background tasks each waited busy_timeout_ms first, and /healthz and
# /metrics hung with it.)
printf "INSERT INTO outbound_messages (kind, to_phone, body, status, priority, next_attempt_at, created_at, updated_at) VALUES ('reply', '+447700900999', 'queued under the lock', 'pending', 2, 0, 0, 0);\n" >&"$lockfd"
t0=$(now_ms)
http_get /healthz
healthz_ms=$(($(now_ms) - t0))
t0=$(now_ms)
http_get /metrics
expect_eq "$HTTP_STATUS" 200 'lock held by another process: /metrics answers'
metrics_ms=$(($(now_ms) - t0))
t0=$(now_ms)
post_sms SMlocked "$P" "$RED_FLAG"
sms_ms=$(($(now_ms) - t0))
expect_eq "$HTTP_STATUS" 503 'database locked past busy_timeout_ms: 503'
[ "$sms_ms" -lt 2500 ] || fail "the 503 took $sms_ms ms (busy_timeout_ms = 5000; the loop must not wait that long)"
ok "... within $sms_ms ms, not busy_timeout_ms"
[ "$healthz_ms" -lt 2500 ] && [ "$metrics_ms" -lt 2500 ] ||
	fail "/healthz took $healthz_ms ms, /metrics $metrics_ms ms with the lock held"
ok "/healthz ($healthz_ms ms) and /metrics ($metrics_ms ms) answered at once"
printf 'COMMIT;\n' >&"$lockfd"
exec {lockfd}>&-
wait_exit "$LOCK_PID" 5 || fail 'the client holding the lock did not exit'
expect_eq "$(inbound_count SMlocked)" 0 'nothing stored for the 503'
post_sms SMlocked "$P" "$RED_FLAG"
expect_eq "$HTTP_STATUS" 200 "the provider's retry after the lock: 200"
expect_contains "$HTTP_BODY" 'Call 112' '... with the emergency reply'
expect_eq "$(inbound_count SMlocked)" 1 '... stored once'
http_get /metrics
# At least the webhook's failure; background work (the outbox poll, the
# timers) that met the lock in the same seconds counts too, as it should.
dberrs=$(metric clotline_database_errors_total)
[ "${dberrs:-0}" -ge 1 ] ||
	fail "clotline_database_errors_total is '$dberrs' after a failed store"
ok "clotline_database_errors_total counts the failure ($dberrs)"

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
expect_eq "$(sql "SELECT count(*) FROM escalation_messages WHERE inbound_id = (SELECT id FROM inbound_messages WHERE provider_sid = 'SMcrash');")" \
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

# ------------------------------- SIGTERM after clients reset their connections

# 200 clients send a request and reset the connection before the answer:
# their replies are no longer in flight once the connection is gone, so
# shutdown does not wait for them.  (It waited the whole shutdown_timeout:
# "200 replies not confirmed written", with nothing in flight.)
[ -x "${SLOWCLIENT:-}" ] || fail 'SLOWCLIENT is not built (make check builds it)'
start_daemon
"$SLOWCLIENT" reset "$PORT" 200 /metrics >/dev/null
http_get /healthz	# the 200 have been answered (or failed) by now
t0=$(now_ms)
kill -TERM "$DAEMON_PID"
wait_exit "$DAEMON_PID" 8 || fail 'still running 8 s after SIGTERM'
elapsed=$(($(now_ms) - t0))
expect_eq "$EXIT_STATUS" 0 'SIGTERM after 200 resets: exit 0'
[ "$elapsed" -lt 2000 ] || fail "SIGTERM after 200 resets took $elapsed ms (shutdown_timeout 5 s)"
ok "... after $elapsed ms, not shutdown_timeout"
! log_has 'replies not confirmed written' || fail 'shutdown waited for replies to reset connections'
ok '... with no reply left "not confirmed written"'

# ------------------------------------------- a database that stops answering

# Overwrite the start of the database file under the running daemon (after a
# checkpoint, so everything is in the main file): the store no longer answers.
# (PostgreSQL down under the gateway is pgpair.sh's.)
if sqlite_only 'the database file broken, deleted and replaced under the gateway'; then
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

	# --------------------------------------- a database deleted under the gateway

	# rm clotline.db* while the gateway runs: it notices the path no longer
	# names the file it has open (device and inode), logs an error, and
	# answers 503, so the provider keeps the messages for later.  (Two SMS got
	# 200 and /healthz said ok; after a restart both were gone.)
	rm -f "$TEST_DB" "$TEST_DB-wal" "$TEST_DB-shm"
	start_daemon
	post_sms SMbeforerm +447700900556 'walked to the shop'
	expect_eq "$HTTP_STATUS" 200 'before the database is deleted: 200'
	rm -f "$TEST_DB" "$TEST_DB-wal" "$TEST_DB-shm"
	post_sms SMafterrm1 +447700900556 'breathless and my chest hurts'
	expect_eq "$HTTP_STATUS" 503 'an SMS after rm clotline.db*: 503, never 200'
	post_sms SMafterrm2 +447700900556 'walked again'
	expect_eq "$HTTP_STATUS" 503 'a second one: 503'
	http_get /healthz
	expect_eq "$HTTP_STATUS" 503 '/healthz: 503'
	log_has 'was deleted or replaced while the gateway had it open' || fail 'no error logged for the deleted database'
	ok '... and an error logged'
	expect_eq "$(grep -c 'was deleted or replaced' "$DAEMON_LOG")" 1 '... once'
	stop_daemon
	# A database replaced by another file (a restore copied over it) likewise.
	start_daemon
	post_sms SMbeforecp +447700900557 'walked to the shop'
	expect_eq "$HTTP_STATUS" 200 'a new database: 200'
	sql 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
	cp "$TEST_DB" "$TMPD/copy.db"
	mv "$TMPD/copy.db" "$TEST_DB"
	post_sms SMaftercp +447700900557 'walked again'
	expect_eq "$HTTP_STATUS" 503 'an SMS after the database file was replaced: 503'
	stop_daemon
	start_daemon
	expect_eq "$(inbound_count SMafterrm1)$(inbound_count SMafterrm2)$(inbound_count SMaftercp)" 000 \
		'none of the 503s is in the database after a restart (and none was acknowledged)'
	post_sms SMafterrm1 +447700900556 'breathless and my chest hurts'
	expect_eq "$HTTP_STATUS $(inbound_count SMafterrm1)" '200 1' "the provider's retry is stored"
	stop_daemon
fi

finish
