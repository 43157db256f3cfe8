#!/bin/bash
# Escalations end to end (issue 16), the daemon sending through the twilio
# provider to tests/fake/fakeprovider: one escalation and one alert per
# episode however many messages; the on-call chain (on_call, then each
# on_call_backup) passed on when nobody acknowledges within ack_timeout and
# at once when an alert is undelivered or refused; ACK and ACK N by SMS from
# an on-call number (staff, never a patient), by the API; the timers survive
# kill -9; audit rows for every step.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKUP1=+447700900124
BACKUP2=+447700900125
P_FAIL=+447700900401	# its alert to on_call is reported undelivered
P_REFUSED=+447700900402	# its alert to on_call is refused (21211)
P_FLOOD=+447700900403	# five emergencies in a minute
P_CHAIN=+447700900404	# nobody acknowledges
P_KILL=+447700900405	# waits for its ACK across kill -9
P_API=+447700900406	# acknowledged through the API
ACK_TIMEOUT=4
private "$BACKUP1" "$BACKUP2"

cat >"$TMPD/script" <<EOS
$ON_CALL undelivered 21211
EOS
printf 'nurse %s\n' "$TEST_TOKEN-admin" >"$TMPD/admin.tokens"
chmod 600 "$TMPD/admin.tokens"

start_fake "$TMPD/script"
CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
CFG_OUTBOX="rate = 50
retry_initial_ms = 200
retry_max = 1
send_timeout = 5
poll_interval = 1" \
CFG_CLINIC="on_call_backup = $BACKUP1, $BACKUP2" \
CFG_ESCALATION="ack_timeout = $ACK_TIMEOUT" write_config "$TEST_CONF"
cat >>"$TEST_CONF" <<EOF

[admin]
token_file = admin.tokens
EOF
start_daemon
for p in "$P_FAIL" "$P_REFUSED" "$P_FLOOD" "$P_CHAIN" "$P_KILL" "$P_API"; do
	enrol "$p"
done
sql "UPDATE patients SET name = 'Ann Smith' WHERE phone = '$P_FLOOD';"

esc_of() {	# PHONE: the escalation id of the number's episode
	sql "SELECT max(id) FROM escalations WHERE phone = '$1';"
}
alerts_to() {	# ESCALATION NUMBER: alerts it raised to that number
	sql "SELECT count(*) FROM escalation_alerts WHERE escalation_id = $1 AND to_phone = '$2';"
}
alerts_of() {	# ESCALATION: "to:reason,..." in order
	sql "SELECT group_concat(to_phone || ':' || reason, ',') FROM (SELECT to_phone, reason FROM escalation_alerts WHERE escalation_id = $1 ORDER BY id);"
}
has_alert() {	# ESCALATION NUMBER REASON: such an alert exists and was sent
	[ "$(sql "SELECT count(*) FROM escalation_alerts a JOIN outbound_messages o ON o.id = a.outbound_id WHERE a.escalation_id = $1 AND a.to_phone = '$2' AND a.reason = '$3' AND o.status = 'sent';")" -ge 1 ]
}

# ------------------------------------------- a failed alert moves on at once
t0=$(now_ms)
post_sms SMfail1 "$P_FAIL" 'I coughed up blood this morning'
e_fail=$(esc_of "$P_FAIL")
wait_for 10 has_alert "$e_fail" "$BACKUP1" undelivered ||
	fail "an undelivered alert did not move to the backup: $(alerts_of "$e_fail")"
took=$(($(now_ms) - t0))
[ "$took" -lt $((ACK_TIMEOUT * 1000)) ] || fail "the backup was alerted after $took ms: the ack timeout, not the failure"
ok "a failed status callback moved the escalation to the backup at once ($took ms)"
expect_eq "$(alerts_of "$e_fail")" "$ON_CALL:new,$BACKUP1:undelivered" 'on_call first, then the first backup'
expect_eq "$(sql "SELECT delivery FROM outbound_messages WHERE id = (SELECT min(outbound_id) FROM escalation_alerts WHERE escalation_id = $e_fail);")" \
	undelivered 'the first alert is recorded undelivered'
expect_contains "$(grep -F "\"to\":\"$BACKUP1\"" "$FAKE_LOG" | tail -n 1)" 'was not delivered' \
	'the backup is told the on-call alert was not delivered'
expect_eq "$(sql "SELECT alerted_to, chain_pos FROM escalations WHERE id = $e_fail;")" "$BACKUP1|1" \
	'the escalation is held by the backup'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'escalation.undelivered' AND subject = '$P_FAIL';")" 1 \
	'audit row escalation.undelivered'

post_sms SMref1 "$P_REFUSED" 'I fainted in the kitchen'
e_ref=$(esc_of "$P_REFUSED")
wait_for 10 has_alert "$e_ref" "$BACKUP1" undelivered ||
	fail "a refused alert (21211) did not move to the backup: $(alerts_of "$e_ref")"
ok 'an alert refused for good (21211) moved to the backup at once'

# ACK N from the backup: staff, never a patient message.
post_sms SMack1 "$BACKUP1" "ACK $e_fail"
expect_contains "$HTTP_BODY" "Acknowledged: escalation $e_fail, emergency, Test, number ending ${P_FAIL: -3}" \
	'ACK N: the answer confirms the escalation, level and last digits'
expect_eq "$(sql "SELECT acknowledged_by FROM escalations WHERE id = $e_fail;")" "sms:$BACKUP1" 'acknowledged by the backup, by SMS'
expect_eq "$(sql "SELECT next_alert_at IS NULL FROM escalations WHERE id = $e_fail;")" 1 'its timer is stopped'
expect_eq "$(sql "SELECT kind, level FROM inbound_messages WHERE provider_sid = 'SMack1';")" 'staff|ack' \
	'the ACK is stored as a staff text'
expect_eq "$(sql "SELECT count(*) FROM conversations WHERE phone = '$BACKUP1';")" 0 'an on-call text is never triaged'
post_sms SMack2 "$BACKUP1" "ack $e_ref, calling now"
expect_contains "$HTTP_BODY" "Acknowledged: escalation $e_ref" 'ack N with a note'
expect_eq "$(sql "SELECT ack_note FROM escalations WHERE id = $e_ref;")" 'calling now' 'the words after the number are the note'
post_sms SMack3 "$BACKUP1" "ACK $e_fail"
expect_contains "$HTTP_BODY" "was already acknowledged by sms:$BACKUP1" 'ACK twice: says who had it'

# ------------------------------------ five emergencies in a minute: one alert
for i in 1 2 3 4 5; do
	post_sms "SMflood$i" "$P_FLOOD" 'coughing up blood'
	expect_contains "$HTTP_BODY" 'Call 999 now' "emergency $i of 5 answered with the advice"
done
post_sms SMflood6 "$P_FLOOD" 'no'
post_sms SMflood7 "$P_FLOOD" 'DONE 20'
post_sms SMflood8 "$P_FLOOD" 'can I fly next week?'
e_flood=$(esc_of "$P_FLOOD")
expect_eq "$(sql "SELECT count(*) FROM escalations WHERE phone = '$P_FLOOD';")" 1 \
	'five emergencies, no, DONE 20 and a travel question: one escalation'
expect_eq "$(sql "SELECT count(*) FROM escalation_messages WHERE escalation_id = $e_flood;")" 8 \
	'all eight messages are attached to it'
expect_eq "$(alerts_of "$e_flood")" "$ON_CALL:new" 'and one alert'
flood_alert_sent() { has_alert "$e_flood" "$ON_CALL" new; }
wait_for 10 flood_alert_sent || fail 'the flood alert was not sent'
body=$(sql "SELECT o.body FROM outbound_messages o JOIN escalation_alerts a ON a.outbound_id = o.id WHERE a.escalation_id = $e_flood;")
expect_contains "$body" "clotline emergency #$e_flood: Ann Smith, $P_FLOOD (coughing blood): \"coughing up blood\"" \
	'the alert: level, id, name, number, red flag, excerpt'
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE status = 'suppressed';")" 0 'nothing suppressed'

# ACK from on_call: the newest open escalation alerted to it.
post_sms SMack4 "$ON_CALL" 'Ack'
expect_contains "$HTTP_BODY" "Acknowledged: escalation $e_flood, emergency, Ann Smith, number ending ${P_FLOOD: -3}" \
	'ACK alone acknowledges the newest escalation alerted to that number, and says which'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'escalation.ack' AND subject = '$P_FLOOD' AND actor = 'sms:$ON_CALL';")" 1 \
	'audit row escalation.ack'
post_sms SMack5 "$ON_CALL" 'hello, is this thing working?'
expect_contains "$HTTP_BODY" 'To acknowledge an escalation, reply ACK' 'any other on-call text: how to acknowledge'
expect_eq "$(sql "SELECT count(*) FROM inbox WHERE phone = '$ON_CALL';")" 0 'an on-call text never goes to the patient inbox'
post_sms SMack6 "$BACKUP2" 'ACK'
expect_contains "$HTTP_BODY" 'No open escalation to acknowledge' 'ACK with nothing alerted to that number'
post_sms SMack7 "$BACKUP2" 'ACK 99999'
expect_contains "$HTTP_BODY" 'No open escalation 99999' 'ACK with an unknown number'

# --------------------------- nobody acknowledges: the chain, round and round
post_sms SMchain1 "$P_CHAIN" 'I am very breathless and my chest hurts'
e_chain=$(esc_of "$P_CHAIN")
chain_at() { [ "$(sql "SELECT count(*) FROM escalation_alerts WHERE escalation_id = $e_chain;")" -ge "$1" ]; }
t0=$(now_ms)
wait_for 20 chain_at 4 || fail "the chain did not go round: $(alerts_of "$e_chain")"
took=$(($(now_ms) - t0))
expect_eq "$(alerts_of "$e_chain")" \
	"$ON_CALL:new,$BACKUP1:timeout,$BACKUP2:timeout,$ON_CALL:timeout" \
	'no ACK: on_call, backup 1, backup 2, and round to on_call again'
[ "$took" -ge $((3 * ACK_TIMEOUT * 1000 - 1500)) ] || fail "the chain moved too fast ($took ms for 3 timeouts of $ACK_TIMEOUT s)"
ok "each step waited ack_timeout ($took ms for three)"
expect_contains "$(grep -F "\"to\":\"$BACKUP1\"" "$FAKE_LOG" | tail -n 1)" "not acknowledged for 1 min" \
	'the backup is told nobody acknowledged it'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'escalation.next' AND subject = '$P_CHAIN';")" 3 \
	'an audit row for each step'
log_has "escalation $e_chain (emergency): not acknowledged within $ACK_TIMEOUT s" || fail 'no log line for the step'
ok 'a log line for each step'
# An ACK from on_call stops it.
post_sms SMack8 "$ON_CALL" "ACK $e_chain"
expect_contains "$HTTP_BODY" "Acknowledged: escalation $e_chain" 'on_call acknowledges'
n=$(sql "SELECT count(*) FROM escalation_alerts WHERE escalation_id = $e_chain;")
sleep $((ACK_TIMEOUT + 2))
expect_eq "$(sql "SELECT count(*) FROM escalation_alerts WHERE escalation_id = $e_chain;")" "$n" \
	'an ACK from on-call stops the chain'

# --------------------------------------------------- kill -9 while it waits
post_sms SMkill1 "$P_KILL" 'coughing up blood again'
e_kill=$(esc_of "$P_KILL")
kill_alert_sent() { has_alert "$e_kill" "$ON_CALL" new; }
wait_for 10 kill_alert_sent || fail 'the alert before the kill was not sent'
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
sleep $((ACK_TIMEOUT + 1))
start_daemon
backup_alerted() { has_alert "$e_kill" "$BACKUP1" timeout; }
wait_for 10 backup_alerted || fail "after kill -9 and a restart the chain did not go on: $(alerts_of "$e_kill")"
ok 'kill -9 while an escalation waits for its ACK: the backup is alerted after the restart'

# -------------------------------------------------------------- the API
post_sms SMapi1 "$P_API" 'I fainted twice today'
e_api=$(esc_of "$P_API")
auth=(-H "Authorization: Bearer $TEST_TOKEN-admin")
http_request "${auth[@]}" -H 'Content-Type: application/json' -d '{"note": "rang her, ambulance called"}' \
	"http://127.0.0.1:$PORT/api/v1/escalations/$e_api/ack"
expect_eq "$HTTP_STATUS" 200 'API ack: 200'
expect_eq "$(sql "SELECT acknowledged_by, ack_note, next_alert_at IS NULL FROM escalations WHERE id = $e_api;")" \
	'staff:nurse|rang her, ambulance called|1' 'API ack: who, the note, the timer stopped'

stop_daemon
finish
