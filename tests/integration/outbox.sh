#!/bin/bash
# SPDX-License-Identifier: ISC
# The durable outbox end to end: the daemon with the twilio provider sends
# to tests/fake/fakeprovider on loopback, which answers as scripted.  Covers
# retries (503, 503, 201), 429, opt-out (21610), permanent failures told to
# staff (21211), a lost answer proven by a status callback, a lost answer
# with no callback (sent again: the documented duplicate), a connection
# reset, the loop guard, status callbacks (signature, order, error codes),
# priority and the token bucket, and kill -9 during a burst of 1,000.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

P_RETRY=+447700900201
P_OPTOUT=+447700900202
P_INVALID=+447700900203
P_LOST=+447700900204
P_SLOW=+447700900205
P_RESET=+447700900206
P_429=+447700900207
P_LOOP=+447700900208
P_CB=+447700900209
P_WARM=+447700900210
P_KARESET=+447700900211
P_QUIET=+447700900212
P_QUIET2=+447700900213
GRACE=2

cat >"$TMPD/script" <<EOS
$P_RETRY 503 503 201
$P_OPTOUT 21610
$P_INVALID 21211
$P_LOST lost:2500
$P_SLOW slow:2500
$P_RESET reset 201
$P_429 429 201
$P_WARM 201
$P_KARESET reset 201
EOS

start_fake "$TMPD/script"
CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
CFG_OUTBOX="rate = 50
retry_initial_ms = 200
retry_max = 1
send_timeout = 1
connect_timeout = 1
unknown_grace = $GRACE
poll_interval = 1" write_config "$TEST_CONF"
start_daemon
enrol "$P_OPTOUT"
enrol "$P_INVALID"

id_retry=$(queue_msg welcome "$P_RETRY" 'welcome to the clinic')
# The later reminder is queued first: queued after the one that fails
# with 21610, it could arrive after the opt-out had cancelled what was
# queued (a poll between the two inserts, on a slow machine).
id_optout2=$(queue_msg reminder "$P_OPTOUT" 'calf lifts today' 3 30)
id_optout=$(queue_msg reminder "$P_OPTOUT" 'time for a walk')
id_invalid=$(queue_msg reminder "$P_INVALID" 'walk reminder for a bad number')
id_lost=$(queue_msg welcome "$P_LOST" 'answer lost, callback came')
id_slow=$(queue_msg welcome "$P_SLOW" 'answer lost, no callback')
id_reset=$(queue_msg welcome "$P_RESET" 'connection reset')
id_429=$(queue_msg welcome "$P_429" 'rate limited once')
for i in 1 2 3 4 5; do
	queue_msg reminder "$P_LOOP" 'the same text again' >/dev/null
done

column_is_sent() {	# ID: the outbox row is sent
	[ "$(sql "SELECT status FROM outbound_messages WHERE id = $1;")" = sent ]
}
settled_but_future() {	# everything due now is done (id_optout2 waits 30 s or is cancelled)
	[ "$(sql "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending', 'unknown') AND id <> $id_optout2;")" = 0 ]
}
wait_for 30 settled_but_future ||
	fail "the outbox did not settle: $(sql "SELECT id, to_phone, status, attempts, error_message FROM outbound_messages WHERE status IN ('pending','sending','unknown');")"

# 503, 503, 201: one message delivered, three requests.
expect_eq "$(row_status "$id_retry")" 'sent|3|' '503, 503, 201: sent on the third attempt'
expect_eq "$(fake_count "\"to\":\"$P_RETRY\"")" 3 '503, 503, 201: three requests, one message'
sid=$(sql "SELECT provider_sid FROM outbound_messages WHERE id = $id_retry;")
expect_match "$sid" '^SM[0-9a-f]{32}$' 'the provider sid is stored'
delivered() { [ "$(sql "SELECT delivery FROM outbound_messages WHERE id = $id_retry;")" = delivered ]; }
wait_for 5 delivered || fail 'the status callback did not mark the message delivered'
ok 'a signed status callback from the provider marked it delivered'

# Every request the fake saw was a well-formed Messages request.
line=$(grep -F "\"to\":\"$P_RETRY\"" "$FAKE_LOG" | tail -n 1)
expect_contains "$line" "\"from\":\"$CLINIC_PHONE\"" 'From is [provider] from'
expect_contains "$line" "\"account\":\"$TEST_ACCOUNT_SID\"" 'the URL names the account'
expect_contains "$line" "\"status_callback\":\"$TEST_PUBLIC_URL/twilio/status?id=$id_retry\"" \
	'StatusCallback carries our own id'
expect_contains "$line" '"validity":null' 'no ValidityPeriod on a welcome'
line=$(grep -F "\"to\":\"$P_OPTOUT\"" "$FAKE_LOG" | head -n 1)
expect_match "$line" '"validity":"[0-9]+"' 'reminders carry a ValidityPeriod'

# 429 then 201.
expect_eq "$(row_status "$id_429")" 'sent|2|' '429, 201: sent on the second attempt'

# 21610: opted out, nothing more sent, queued reminders cancelled.
expect_eq "$(row_status "$id_optout")" 'failed|1|21610' '21610: failed with the code'
expect_eq "$(sql "SELECT opted_out FROM patients WHERE phone = '$P_OPTOUT';")" 1 '21610: the patient is marked opted out'
expect_eq "$(sql "SELECT status FROM outbound_messages WHERE id = $id_optout2;")" cancelled \
	'21610: the patient'"'"'s queued reminder is cancelled'
expect_eq "$(fake_count "\"to\":\"$P_OPTOUT\"")" 1 '21610: exactly one request to that number'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'patient.opt_out' AND subject = '$P_OPTOUT';")" 1 \
	'21610: the opt-out is in the audit log'

# 21211: failed permanently, and staff are told.
expect_eq "$(row_status "$id_invalid")" 'failed|1|21211' '21211: failed with the code'
expect_eq "$(fake_count "\"to\":\"$P_INVALID\"")" 1 '21211: never retried'
staff=$(grep -F "\"to\":\"$ON_CALL\"" "$FAKE_LOG" | grep -F "$P_INVALID" || true)
expect_contains "$staff" 'could not be delivered' '21211: on-call is told by text'
expect_contains "$staff" '21211' '21211: with the error code'

# Lost answer: the callback proved the message exists, so no second send.
sleep $((GRACE + 1))
expect_eq "$(fake_count "\"to\":\"$P_LOST\"")" 1 'lost answer + status callback: sent once, never again'
expect_eq "$(sql "SELECT status, CAST(provider_sid IS NOT NULL AS INTEGER) FROM outbound_messages WHERE id = $id_lost;")" 'sent|1' \
	'lost answer + status callback: recorded as sent with the sid'
# Lost answer and no callback within the grace: sent again (documented).
expect_eq "$(fake_count "\"to\":\"$P_SLOW\"")" 2 'lost answer, no callback: sent again after the grace period'
expect_eq "$(sql "SELECT status FROM outbound_messages WHERE id = $id_slow;")" sent 'lost answer, no callback: sent'
# A reset after the request left: unknown, then sent again.
expect_eq "$(row_status "$id_reset")" 'sent|2|' 'connection reset: sent on the second attempt'

# A reset on a kept-alive connection: libcurl used to send the request
# again on a new connection by itself (Curl_retry_request), so the fake
# saw two requests while the outbox recorded one attempt (sent|1|, the
# rare failure of the check above).  Now the first attempt fails as sent
# with no answer and the outbox alone decides to send again: two requests,
# two attempts.  The connection is warmed by a message first, so the
# reset one goes on a kept-alive connection every time.
id_warm=$(queue_msg welcome "$P_WARM" 'warming the connection')
wait_for 10 column_is_sent "$id_warm" || fail 'the warming message was not sent'
id_kareset=$(queue_msg welcome "$P_KARESET" 'reset on a kept-alive connection')
kareset_settled() {
	[ "$(sql "SELECT status FROM outbound_messages WHERE id = $id_kareset;")" = sent ]
}
wait_for 20 kareset_settled || fail "the message reset on a kept-alive connection was not sent: $(row_status "$id_kareset")"
expect_eq "$(fake_count "\"to\":\"$P_KARESET\"")" 2 'reset on a kept-alive connection: two requests'
expect_eq "$(row_status "$id_kareset")" 'sent|2|' '... and two attempts recorded, the second by the outbox'
log_has "message $id_kareset (welcome) to ***211, attempt 1: unknown" ||
	fail 'the first attempt was not recorded as unknown'
ok '... the first as sent with no answer (unknown)'

# Quiet hours: a welcome due again after provider errors (attempt 1 failed)
# while the patient's quiet hours have begun waits for their end, and the
# claim is not counted as an attempt; a reminder whose deadline (2 hours
# after it was made) comes first expires.  (Both were sent: a welcome has
# no quiet-hours check on retry.)  The quiet hours are the two minutes
# from the current one, London time.
m0=$(( $(date +%s) / 60 * 60 ))
qs=$(TZ=Europe/London date -d "@$m0" +%H:%M)
qe=$(TZ=Europe/London date -d "@$((m0 + 120))" +%H:%M)
for ph in "$P_QUIET" "$P_QUIET2"; do
	sql "INSERT INTO patients(phone,name,language,timezone,enrolled,opted_out,paused,created_at,updated_at,quiet_start,quiet_end)
	     VALUES('$ph','Quiet','en','Europe/London',1,0,0,0,0,'$qs','$qe');"
done
private "$P_QUIET" "$P_QUIET2"
now=$(date +%s)
id_quiet=$(sql "INSERT INTO outbound_messages (kind, to_phone, body, status, priority, attempts,
	error_message, next_attempt_at, created_at, updated_at)
	VALUES ('welcome', '$P_QUIET', 'welcome retried into quiet hours', 'pending', 2, 1,
	'Service Unavailable', $now, $now - 60, $now) RETURNING id;")
id_quiet2=$(sql "INSERT INTO outbound_messages (kind, to_phone, body, status, priority,
	next_attempt_at, created_at, updated_at)
	VALUES ('reminder', '$P_QUIET2', 'reminder that would go out in quiet hours', 'pending', 3,
	$now, $now - 7150, $now) RETURNING id;")
quiet_decided() {
	[ "$(sql "SELECT status FROM outbound_messages WHERE id = $id_quiet2;")" = expired ] &&
		[ "$(sql "SELECT CAST(next_attempt_at > $now AS INTEGER) FROM outbound_messages WHERE id = $id_quiet;")" = 1 ]
}
wait_for 10 quiet_decided || fail "quiet hours: $(row_status "$id_quiet"), $(row_status "$id_quiet2")"
expect_eq "$(sql "SELECT status, attempts, next_attempt_at FROM outbound_messages WHERE id = $id_quiet;")" \
	"pending|1|$((m0 + 120))" 'a welcome retried into quiet hours waits for their end (no attempt counted)'
expect_eq "$(fake_count "\"to\":\"$P_QUIET\"")" 0 '... and nothing went to the provider'
expect_eq "$(row_status "$id_quiet2")" 'expired|1|' 'a reminder whose deadline comes first expires'
expect_eq "$(fake_count "\"to\":\"$P_QUIET2\"")" 0 '... unsent'
log_has "message $id_quiet (welcome) to ***212" || fail 'the wait is not logged'
ok '... and the wait is logged'
sql "UPDATE outbound_messages SET status = 'cancelled' WHERE id = $id_quiet;"	# out of the way

# Loop guard: 5 identical texts, 3 allowed in 30 minutes.
expect_eq "$(fake_count "\"to\":\"$P_LOOP\"")" 3 'loop guard: three identical texts sent'
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE to_phone = '$P_LOOP' AND status = 'suppressed';")" 2 \
	'loop guard: the other two suppressed'
log_has 'suppressed: the same text went there 3 times in 30 minutes' || fail 'loop guard: not logged'
ok 'loop guard: logged'

# ---------------------------------------------------------- status callbacks
id_cb=$(queue_msg welcome "$P_CB" 'status callback checks')
column_is() {	# ID COLUMN VALUE: the outbox row's column has the value
	[ "$(sql "SELECT $2 FROM outbound_messages WHERE id = $1;")" = "$3" ]
}
wait_for 10 column_is "$id_cb" status sent || fail 'status callback message not sent'
wait_for 5 column_is "$id_cb" delivery delivered || fail 'no delivered callback'
cb_sid=$(sql "SELECT provider_sid FROM outbound_messages WHERE id = $id_cb;")
CB_URL="$TEST_PUBLIC_URL/twilio/status?id=$id_cb"
post_status() {	# SIGNATURE|sign [KEY VALUE]...
	local sig=$1
	shift
	[ "$sig" != sign ] || sig=$(sign "$CB_URL" "$@")
	post_form "/twilio/status?id=$id_cb" "$sig" "$@"
}
post_status sign MessageSid "$cb_sid" MessageStatus sent
expect_eq "$HTTP_STATUS" 200 'a late "sent" callback is accepted'
expect_eq "$(sql "SELECT delivery FROM outbound_messages WHERE id = $id_cb;")" delivered \
	'a late "sent" does not undo "delivered"'
post_status sign MessageSid "$cb_sid" MessageStatus failed ErrorCode 30003
expect_eq "$(sql "SELECT delivery FROM outbound_messages WHERE id = $id_cb;")" delivered \
	'a terminal state never moves'
post_status - MessageSid "$cb_sid" MessageStatus failed
expect_eq "$HTTP_STATUS" 403 'an unsigned status callback is refused'
post_status bad-signature MessageSid "$cb_sid" MessageStatus failed
expect_eq "$HTTP_STATUS" 403 'a forged status callback is refused'
CB_URL="$TEST_PUBLIC_URL/twilio/status?id=999999"
post_form "/twilio/status?id=999999" "$(sign "$CB_URL" MessageSid SMnope MessageStatus sent)" \
	MessageSid SMnope MessageStatus sent
expect_eq "$HTTP_STATUS" 200 'a callback for an unknown message is acknowledged (and ignored)'
# A callback found by sid alone, carrying 21610: the patient opts out.
id_cb2=$(queue_msg welcome "$P_CB" 'second message')
wait_for 10 column_is "$id_cb2" status sent || fail 'second message not sent'
sid2=$(sql "SELECT provider_sid FROM outbound_messages WHERE id = $id_cb2;")
CB_URL="$TEST_PUBLIC_URL/twilio/status"
post_form /twilio/status "$(sign "$CB_URL" MessageSid "$sid2" MessageStatus undelivered ErrorCode 21610)" \
	MessageSid "$sid2" MessageStatus undelivered ErrorCode 21610
expect_eq "$HTTP_STATUS" 200 'a callback without our id is matched by sid'
expect_eq "$(sql "SELECT error_code FROM outbound_messages WHERE id = $id_cb2;")" 21610 'the callback'"'"'s ErrorCode is stored'
expect_eq "$(sql "SELECT opted_out FROM patients WHERE phone = '$P_CB';")" 1 '21610 in a callback opts the patient out'
post_form /twilio/status "$(sign "$CB_URL" MessageStatus sent)" MessageStatus sent
expect_eq "$HTTP_STATUS" 400 'a callback naming no message is a 400'

http_get /metrics
expect_eq "$(metric 'clotline_outbound_total{outcome="suppressed"}')" 2 'metrics: suppressed counted'
expect_eq "$(metric 'clotline_outbound_total{outcome="opted_out"}')" 1 'metrics: opted out counted'
[ "$(metric clotline_segments_sent_total)" -ge 10 ] || fail "metrics: segments sent $(metric clotline_segments_sent_total)"
ok 'metrics: segments sent counted'
http_get /healthz
expect_eq "$HTTP_STATUS" 200 '/healthz: outbox healthy'
stop_daemon

# ------------------------------------------- priority and the token bucket
# Ten reminders wait; an emergency alert queued after them goes first, and
# at 2 messages/s (burst 2) eleven messages take at least 4.5 s.
: >"$FAKE_LOG"
for i in $(seq 1 10); do
	queue_msg reminder "+4477009003$(printf %02d "$i")" "reminder $i" >/dev/null
done
queue_msg alert "$ON_CALL" 'clotline emergency: priority check' 0 >/dev/null
CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
CFG_OUTBOX="rate = 2
poll_interval = 1" write_config "$TEST_CONF"
start_daemon
wait_for 20 outbox_settled || fail 'priority run did not settle'
# The first batch (the burst of 2) is sent in parallel: the alert is in it.
expect_contains "$(head -n 2 "$FAKE_LOG")" 'priority check' 'the emergency alert jumped the queue'
first=$(head -n 1 "$FAKE_LOG" | sed 's/.*"t":\([0-9]*\).*/\1/')
last=$(tail -n 1 "$FAKE_LOG" | sed 's/.*"t":\([0-9]*\).*/\1/')
expect_eq "$(fake_count)" 11 'eleven messages sent'
[ $((last - first)) -ge 4000 ] || fail "rate 2/s: 11 messages in $((last - first)) ms"
ok "rate 2/s: 11 messages spread over $((last - first)) ms"
stop_daemon

# -------------------------------------------- kill -9 during a burst of 1000
: >"$FAKE_LOG"
stop_fake
cat >"$TMPD/script" <<EOS
* $(for i in $(seq 1 1500); do printf 'slow:5 '; done)
EOS
start_fake "$TMPD/script"
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
     INSERT INTO outbound_messages (kind, to_phone, body, status, priority, next_attempt_at, created_at, updated_at)
     SELECT 'welcome', '+4477008' || substr(CAST(100000 + i AS TEXT), 2), 'burst message ' || i, 'pending', 2,
            $(sql_now), $(sql_now), $(sql_now) FROM n;"
INFLIGHT=16
# On PostgreSQL the restarted gateway takes the killed one's claims over
# only once their lease has run out (another instance may own them): a
# short lease, and the send timeouts below it.
CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT CFG_LEASE=8 \
CFG_OUTBOX="rate = 100000
max_in_flight = $INFLIGHT
unknown_grace = 1
connect_timeout = 2
send_timeout = 5
poll_interval = 1" write_config "$TEST_CONF"
start_daemon
some_sent() { [ "$(fake_count 'burst message')" -ge 200 ]; }
wait_for 20 some_sent || fail 'the burst did not start'
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
before=$(fake_count 'burst message')
[ "$before" -lt 1000 ] || fail "the burst finished before kill -9 ($before sent); make it slower"
ok "kill -9 after $before of 1000 sends"
start_daemon
wait_for 60 outbox_settled || fail "after restart the outbox did not settle: $(sql "SELECT status, count(*) FROM outbound_messages GROUP BY status;")"
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE body LIKE 'burst message %' AND status = 'sent';")" 1000 \
	'after kill -9 and restart: all 1000 rows sent'
distinct=$(grep -F 'burst message' "$FAKE_LOG" | sed 's/.*"body":"\(burst message [0-9]*\)".*/\1/' | sort -u | wc -l)
total=$(fake_count 'burst message')
expect_eq "$distinct" 1000 'the provider received every one of the 1000 messages'
dups=$((total - 1000))
[ "$dups" -le "$INFLIGHT" ] || fail "$dups duplicates, more than the $INFLIGHT that can be in flight"
ok "duplicates: $dups, bounded by max_in_flight ($INFLIGHT)"
stop_daemon

# ------------------------------------------ SIGTERM with a send in flight
# The daemon waits shutdown_timeout, exits 0 (and, under ASan, leaks
# nothing), and the next start takes the row up again as unknown.
stop_fake
printf '+447700900299 slow:20000\n' >"$TMPD/script"
start_fake "$TMPD/script"
CFG_SHUTDOWN_TIMEOUT=1 CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
CFG_LEASE=8 CFG_OUTBOX='poll_interval = 1
connect_timeout = 2
send_timeout = 5' write_config "$TEST_CONF"
start_daemon
id_hang=$(queue_msg welcome +447700900299 'in flight at shutdown')
hang_seen() { [ "$(fake_count '+447700900299')" -ge 1 ]; }
wait_for 10 hang_seen || fail 'the in-flight send never reached the provider'
stop_daemon
ok 'SIGTERM with a send in flight: exit 0 after shutdown_timeout'
log_has 'sends unanswered after 1 s' || fail 'the unanswered send is not logged at shutdown'
ok 'the unanswered send is logged at shutdown'
expect_eq "$(sql "SELECT status FROM outbound_messages WHERE id = $id_hang;")" sending \
	'its row is left sending for the next start'
start_daemon
if on_postgresql; then
	# Another instance could hold it: taken over once the lease has run out.
	hang_unknown() {
		[ "$(sql "SELECT status FROM outbound_messages WHERE id = $id_hang;")" = unknown ]
	}
	wait_for 20 hang_unknown || fail "the row left sending: $(row_status "$id_hang") 20 s on"
fi
expect_eq "$(sql "SELECT status FROM outbound_messages WHERE id = $id_hang;")" unknown \
	'the next start takes it up as unknown'
stop_daemon

# The log never holds a full test number or a message body.
for p in "$P_RETRY" "$P_OPTOUT" "$P_INVALID" "$ON_CALL"; do
	log_has "$p" && fail "the log holds the full number $p"
done
for b in 'welcome to the clinic' 'time for a walk' 'burst message'; do
	log_has "$b" && fail "the log holds a message body: $b"
done
ok 'the log holds no full number and no message body'
finish
