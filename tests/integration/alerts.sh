#!/bin/bash
# SPDX-License-Identifier: ISC
# On-call alerts through the outbox, against tests/fake/fakeprovider (issue
# 16): an alert counts as sent only when the provider answered with a
# message sid.  A 200 HTML page, a 204, a 201 without a sid, a redirect, a
# 400 without JSON, 408, 413 and 421 are retried, never marked sent or
# failed for good.  Retry-After is read by libcurl (seconds or an
# HTTP-date), clamped to retry_max, and a 20-digit value cannot overflow.
# Alerts are never suppressed by the loop guard.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

P_AFTER=+447700900301
P_DATE=+447700900302
P_HUGE=+447700900303
P_STUCK=+447700900304	# an on-call number the provider keeps refusing

cat >"$TMPD/script" <<EOS
$ON_CALL http:200 http:204 nosid:201 http:302 http:400 http:408 http:413 http:421 201
$P_AFTER after:100000 201
$P_DATE afterdate:4 201
$P_HUGE after:99999999999999999999 201
$P_STUCK 503 503 503 503 503 503 503 503 503 503 503 503 201
EOS

start_fake "$TMPD/script"
CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
CFG_OUTBOX="rate = 50
retry_initial_ms = 100
retry_max = 5
send_timeout = 5
connect_timeout = 2
poll_interval = 1" CFG_ESCALATION="alert_stuck_after = 10" write_config "$TEST_CONF"
start_daemon

# ------------------------------------------------- answers that are not "sent"
id=$(queue_msg alert "$ON_CALL" 'clotline emergency: test alert' 0)
first_attempt() { [ "$(fake_count "\"to\":\"$ON_CALL\"")" -ge 1 ]; }
wait_for 10 first_attempt || fail 'the alert was never tried'
# After a 200 HTML page the row must not be sent.
sleep 0.3
st=$(sql "SELECT status FROM outbound_messages WHERE id = $id;")
[ "$st" != sent ] || [ "$(fake_count "\"to\":\"$ON_CALL\"")" -ge 9 ] ||
	fail "a 200 HTML page marked the alert sent"
ok 'a 200 HTML page is not a sent alert'

is_sent() { [ "$(sql "SELECT status FROM outbound_messages WHERE id = $1;")" = sent ]; }
wait_for 40 is_sent "$id" ||
	fail "the alert was not sent in the end: $(row_status "$id"), $(sql "SELECT error_message FROM outbound_messages WHERE id = $id;")"
expect_eq "$(fake_count "\"to\":\"$ON_CALL\"")" 9 \
	'200 HTML, 204, 201 without sid, 302, 400 text, 408, 413, 421: each retried, sent on the 9th try'
expect_eq "$(row_status "$id")" 'sent|9|' 'the row is sent after 9 attempts, no error left'
expect_match "$(sql "SELECT provider_sid FROM outbound_messages WHERE id = $id;")" '^SM[0-9a-f]{32}$' \
	'sent means the provider gave a sid'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'outbound.failed';")" 0 \
	'none of those answers failed the alert for good'
for what in 'HTTP 200 without a message sid' 'HTTP 204 without a message sid' \
	'HTTP 201 without a message sid' 'HTTP 302: a redirect' 'HTTP 400 without a provider error' \
	'HTTP 408' 'HTTP 413' 'HTTP 421'; do
	log_has "$what" || fail "no log line says '$what'"
done
ok 'every retried answer is logged with what it was'

# ---------------------------------------------------------------- Retry-After
# retry_max is 5 s: a Retry-After of 100,000 s waits 5 s, not 28 hours.
id_after=$(queue_msg welcome "$P_AFTER" 'retry after a day')
id_date=$(queue_msg welcome "$P_DATE" 'retry after an HTTP date')
id_huge=$(queue_msg welcome "$P_HUGE" 'retry after twenty digits')
retried_once() { [ "$(sql "SELECT attempts FROM outbound_messages WHERE id = $1 AND status = 'pending';")" = 1 ]; }
for i in "$id_after" "$id_date" "$id_huge"; do
	wait_for 10 retried_once "$i" || fail "message $i was not retried after its 503: $(row_status "$i")"
done
wait_of() {	# seconds from the recorded outcome to the next attempt
	sql "SELECT next_attempt_at - updated_at FROM outbound_messages WHERE id = $1;"
}
w=$(wait_of "$id_after")
[ "$w" -ge 4 ] && [ "$w" -le 6 ] || fail "Retry-After: 100000 waits $w s, not retry_max (5 s)"
ok "Retry-After: 100000 is clamped to retry_max ($w s)"
w=$(wait_of "$id_date")
[ "$w" -ge 3 ] && [ "$w" -le 6 ] || fail "Retry-After as an HTTP-date 4 s ahead waits $w s"
ok "Retry-After as an HTTP-date is honoured ($w s)"
w=$(wait_of "$id_huge")
[ "$w" -ge 0 ] && [ "$w" -le 6 ] || fail "Retry-After with 20 digits waits $w s"
ok "a 20-digit Retry-After neither overflows nor waits past retry_max ($w s)"
kill -0 "$DAEMON_PID" || fail 'the daemon died'
for i in "$id_after" "$id_date" "$id_huge"; do
	wait_for 15 is_sent "$i" || fail "message $i was not sent after its wait: $(row_status "$i")"
done
ok 'each was sent after its wait'

# ----------------------------------------------------------------- loop guard
# Five identical alerts in a minute are five alerts: never suppressed.
for i in 1 2 3 4 5; do
	queue_msg alert "$ON_CALL" 'clotline emergency: the same alert text' 0 >/dev/null
done
five_sent() {
	[ "$(sql "SELECT count(*) FROM outbound_messages WHERE body = 'clotline emergency: the same alert text' AND status = 'sent';")" = 5 ]
}
wait_for 20 five_sent ||
	fail "identical alerts: $(sql "SELECT status, count(*) FROM outbound_messages WHERE body = 'clotline emergency: the same alert text' GROUP BY status;")"
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE status = 'suppressed';")" 0 \
	'the loop guard never suppresses an alert'

# ------------------------------------------- /livez, /readyz, stuck alerts
http_get /livez
expect_eq "$HTTP_STATUS $HTTP_BODY" '200 ok' '/livez: the loop answers'
http_get /readyz
expect_eq "$HTTP_STATUS $HTTP_BODY" '200 ready' '/readyz: ready while alerts go out'
id_stuck=$(queue_msg alert "$P_STUCK" 'clotline emergency: an alert nobody accepts' 0)
not_ready() { http_get /readyz; [ "$HTTP_STATUS" = 503 ]; }
t0=$(now_ms)
wait_for 20 not_ready || fail "/readyz stayed ready with an alert unsent: $(row_status "$id_stuck")"
took=$(($(now_ms) - t0))
[ "$took" -ge 9000 ] || fail "/readyz failed after $took ms, before alert_stuck_after (10 s)"
expect_contains "$HTTP_BODY" 'on-call alerts stuck: 1 not accepted by the provider after 10 s' \
	"/readyz fails once an alert has waited alert_stuck_after ($took ms)"
http_get /livez
expect_eq "$HTTP_STATUS" 200 '/livez still answers'
http_get /metrics
expect_eq "$(metric clotline_alerts_stuck)" 1 'metrics: clotline_alerts_stuck 1'
ready() { http_get /readyz; [ "$HTTP_STATUS" = 200 ]; }
wait_for 60 ready || fail "/readyz did not recover once the alert was sent: $(row_status "$id_stuck")"
expect_eq "$(row_status "$id_stuck")" 'sent|13|' '/readyz is ready again once the provider took it'

stop_daemon
finish
