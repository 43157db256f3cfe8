#!/bin/bash
# SPDX-License-Identifier: ISC
# Escalations end to end (issue 16), the daemon sending through the twilio
# provider to tests/fake/fakeprovider: one escalation and one alert per
# episode however many messages; the on-call chain (on_call, then each
# on_call_backup) passed on when nobody acknowledges within ack_timeout and
# at once when an alert is undelivered or refused; ACK and ACK N by SMS from
# an on-call number (staff, never a patient), by the API; the timers survive
# kill -9; a new red flag at the same level alerts again and the same one
# does not; an acknowledged escalation is reopened by a higher level or a
# new red flag; alerts stop after alert_max_age; audit rows for every step.
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
ACK_TIMEOUT=5
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
	sql_list , "SELECT to_phone || ':' || reason FROM escalation_alerts WHERE escalation_id = $1 ORDER BY id;"
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
expect_eq "$(sql "SELECT CAST(next_alert_at IS NULL AS INTEGER) FROM escalations WHERE id = $e_fail;")" 1 'its timer is stopped'
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
expect_eq "$(sql_list , "SELECT to_phone || ':' || reason FROM escalation_alerts WHERE escalation_id = $e_flood AND reason <> 'timeout' ORDER BY id;")" \
	"$ON_CALL:new" 'and one alert (beside the ack timer'"'"'s, on a slow machine)'
expect_eq "$(sql "SELECT count(*) FROM escalation_messages WHERE escalation_id = $e_flood AND alerted = 1;")" 1 \
	'only the first message raised an alert'
flood_alert_sent() { has_alert "$e_flood" "$ON_CALL" new; }
wait_for 10 flood_alert_sent || fail 'the flood alert was not sent'
body=$(sql "SELECT o.body FROM outbound_messages o JOIN escalation_alerts a ON a.outbound_id = o.id WHERE a.escalation_id = $e_flood AND a.reason = 'new';")
expect_contains "$body" "clotline emergency #$e_flood: Ann Smith, $P_FLOOD (coughing blood" \
	'the alert: level, id, name, number, red flag'
expect_contains "$body" ': "coughing up blood"' 'the alert: the excerpt'
expect_contains "$body" "reply ACK $e_flood" 'the alert: how to acknowledge'
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
http_get /metrics
expect_eq "$(metric clotline_staff_texts_total)" 7 'metrics: the on-call texts counted as staff texts'

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
http_get /metrics
expect_eq "$(metric 'clotline_escalations_open{level="emergency"}')|$(metric 'clotline_escalations_open{level="urgent"}')" \
	'1|0' 'metrics: one emergency escalation open'
age=$(metric clotline_escalation_oldest_unacknowledged_seconds)
[ "$age" -ge $((3 * ACK_TIMEOUT - 2)) ] || fail "metrics: the oldest unacknowledged escalation is $age s old"
ok "metrics: the oldest unacknowledged escalation is $age s old"
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
expect_eq "$(sql "SELECT acknowledged_by, ack_note, CAST(next_alert_at IS NULL AS INTEGER) FROM escalations WHERE id = $e_api;")" \
	'staff:nurse|rang her, ambulance called|1' 'API ack: who, the note, the timer stopped'

# ------------------------------------------ the lists: API and command line
jget() {	# JSONPATH [FILE]: a value of the last JSON answer
	sqlite3 -batch -noheader :memory: \
		"SELECT json_extract(CAST(readfile('${2:-$TMPD/http.body}') AS TEXT), '$1');"
}
jlen() {	# JSONPATH [FILE]: the length of an array in it
	sqlite3 -batch -noheader :memory: \
		"SELECT json_array_length(CAST(readfile('${2:-$TMPD/http.body}') AS TEXT), '$1');"
}
api_get() { http_request "${auth[@]}" "http://127.0.0.1:$PORT/api/v1/$1"; }

api_get "escalations/$e_flood"
expect_eq "$HTTP_STATUS" 200 'GET /escalations/ID'
expect_eq "$(jget '$.patient_name')|$(jget '$.acknowledged_by')" \
	"Ann Smith|sms:$ON_CALL" 'an escalation: the patient name, who acknowledged'
expect_contains "$(jget '$.concepts')" coughing_blood 'an escalation: its red flags'
expect_eq "$(jlen '$.messages')|$(jget '$.alerts[0].reason')" '8|new' 'its episode: eight messages, and its alert'
expect_eq "$(jget '$.messages[6].text')" 'DONE 20' 'the messages as the patient sent them'
expect_contains "$(jget '$.messages[0].reply')" 'Call 999 now' 'and what they were told'
expect_eq "$(jget '$.alerts[0].to')|$(jget '$.alerts[0].reason')" "$ON_CALL|new" 'the alert: to whom and why'
api_get "escalations/$e_api"
expect_eq "$(jget '$.acknowledged_by')|$(jget '$.ack_note')" 'staff:nurse|rang her, ambulance called' \
	'who acknowledged and their note'
api_get 'escalations?open=1'
expect_eq "$(jlen '$.escalations')|$(jget '$.escalations[0].id')" "1|$e_kill" \
	'open=1: the one unacknowledged'
api_get "escalations?patient=%2B${P_FLOOD#+}"
expect_eq "$(jlen '$.escalations')|$(jget '$.escalations[0].id')" "1|$e_flood" 'patient= (a number): that patient'
api_get "escalations?patient=$(patient_id() { sql "SELECT id FROM patients WHERE phone = '$1';"; }; patient_id "$P_CHAIN")"
expect_eq "$(jget '$.escalations[0].id')" "$e_chain" 'patient= (an id)'
api_get 'escalations?since=2099-01-01'
expect_eq "$(jlen '$.escalations')" 0 'since= a date to come: none'
api_get "escalations?since=$(date -u +%Y-%m-%d)T00:00:00Z&limit=2"
expect_eq "$(jlen '$.escalations')" 2 'limit=2: a page of two'
next=$(jget '$.next_before')
[ -n "$next" ] || fail 'no next_before on a full page'
api_get "escalations?before=$next&limit=100"
expect_eq "$(jlen '$.escalations')" 4 'before=: the rest, in the next page'
expect_eq "$(jget '$.next_before')" '' 'the last page says so'
api_get 'escalations?since=yesterday'
expect_eq "$HTTP_STATUS" 400 'a since that is not a time: 400'
api_get 'escalations?patient=%2B447700999999'
expect_eq "$HTTP_STATUS|$(jget '$.field')" '400|patient' 'an unknown patient: 400 naming the parameter'

run "$CLOTLINE" escalation list --open -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline escalation list --open'
expect_contains "$RUN_OUT" "$P_KILL" 'lists the open one'
expect_not_contains "$RUN_OUT" "$P_FLOOD" 'and not an acknowledged one'
run "$CLOTLINE" escalation show "$e_flood" -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline escalation show'
expect_contains "$RUN_OUT" 'Ann Smith' 'show: the patient'
expect_contains "$RUN_OUT" 'can I fly next week?' 'show: the episode messages'
expect_contains "$RUN_OUT" "to $ON_CALL (new): sent" 'show: the alerts'
run "$CLOTLINE" escalation list --json --patient "$P_FLOOD" -c "$TEST_CONF"
printf '%s' "$RUN_OUT" >"$TMPD/cli.json"
expect_eq "$(jlen '$.escalations[0].messages' "$TMPD/cli.json")" 8 'escalation list --json: the API objects'
run "$CLOTLINE" escalation ack "$e_kill" --note 'spoke to her' --actor ann -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline escalation ack'
expect_contains "$RUN_OUT" 'acknowledged by staff:ann' 'ack: says who'
expect_eq "$(sql "SELECT acknowledged_by, ack_note, CAST(next_alert_at IS NULL AS INTEGER) FROM escalations WHERE id = $e_kill;")" \
	'staff:ann|spoke to her|1' 'ack from the command line: who, the note, the timer stopped'
run "$CLOTLINE" escalation ack "$e_kill" --actor bob -c "$TEST_CONF"
expect_eq "$RUN_RC" 1 'ack twice: exit 1'
expect_contains "$RUN_ERR" 'already acknowledged by staff:ann' 'ack twice: says who had it'
run "$CLOTLINE" escalation ack 99999 -c "$TEST_CONF"
expect_eq "$RUN_RC" 1 'ack of no such escalation: exit 1'
run "$CLOTLINE" escalation show x1 -c "$TEST_CONF"
expect_eq "$RUN_RC" 2 'show of a bad id: exit 2'
run "$CLOTLINE" escalation list --note x -c "$TEST_CONF"
expect_eq "$RUN_RC" 2 'an option the command does not take: exit 2'
n=$(sql "SELECT count(*) FROM escalation_alerts WHERE escalation_id = $e_kill;")
sleep $((ACK_TIMEOUT + 2))
expect_eq "$(sql "SELECT count(*) FROM escalation_alerts WHERE escalation_id = $e_kill;")" "$n" \
	'the running daemon sees the command line ACK: no more alerts'

# The staff inbox from the command line ("no" outside a question is for a person).
run "$CLOTLINE" inbox list -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline inbox list'
expect_contains "$RUN_OUT" "$P_FLOOD" 'lists the waiting message'
inbox_id=$(sql "SELECT min(id) FROM inbox WHERE done_at IS NULL;")
run "$CLOTLINE" inbox done "$inbox_id" --note 'rang back' --actor ann -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline inbox done'
expect_eq "$(sql "SELECT done_by, note FROM inbox WHERE id = $inbox_id;")" 'staff:ann|rang back' 'done: who and the note'
run "$CLOTLINE" inbox done "$inbox_id" -c "$TEST_CONF"
expect_eq "$RUN_RC" 1 'done twice: exit 1'
run "$CLOTLINE" inbox list --all --json -c "$TEST_CONF"
expect_contains "$RUN_OUT" '"done_by": "staff:ann"' 'inbox list --all --json: the done one too'

http_get /metrics
expect_eq "$(metric 'clotline_escalations_open{level="emergency"}')|$(metric clotline_escalation_oldest_unacknowledged_seconds)" \
	'0|0' 'metrics: none open once all are acknowledged'

# ------------------- worse inside an episode: a new red flag, a reopen
# (after the list and metric checks above, which count every escalation)
P_CONCEPT=+447700900407	# a second red flag at the same level
P_REOPEN=+447700900408	# acknowledged, then worse: a higher level, a new red flag
P_OLD=+447700900409	# never acknowledged until alert_max_age
for p in "$P_CONCEPT" "$P_REOPEN" "$P_OLD"; do
	enrol "$p"
done
# reasons_of ESCALATION: "reason,..." of its alerts in order, but the ack
# timer's (ack_timeout is 5 s: a slow machine may pass one on meanwhile).
reasons_of() {
	sql_list , "SELECT reason FROM escalation_alerts WHERE escalation_id = $1 AND reason <> 'timeout' ORDER BY id;"
}
alerted_of() {	# ESCALATION: "alerted,..." of its messages in order
	sql_list , "SELECT alerted FROM escalation_messages WHERE escalation_id = $1 ORDER BY id;"
}
audits_of() {	# PHONE: the escalation audit actions about the number, in order
	sql_list , "SELECT action FROM audit_log WHERE subject = '$1' AND action LIKE 'escalation.%' ORDER BY id;"
}

# The same level (emergency), a red flag the escalation had not listed: a
# new alert (reason concept, audit escalation.raise); the same red flag
# again: none.
post_sms SMcon1 "$P_CONCEPT" 'I coughed up blood this morning'
e_con=$(esc_of "$P_CONCEPT")
post_sms SMcon2 "$P_CONCEPT" 'coughing up blood again'
expect_eq "$(reasons_of "$e_con")" new 'the same red flag repeated: no new alert'
post_sms SMcon3 "$P_CONCEPT" 'and I fainted in the bathroom'
expect_contains "$HTTP_BODY" 'Call 999 now' 'a second emergency red flag is answered'
post_sms SMcon4 "$P_CONCEPT" 'I fainted again'
expect_eq "$(sql "SELECT count(*) FROM escalations WHERE phone = '$P_CONCEPT';")" 1 \
	'a second red flag in the episode: still one escalation'
expect_eq "$(reasons_of "$e_con")" new,concept \
	'a new red flag at the same level: a new alert (concept); repeated: none'
expect_eq "$(alerted_of "$e_con")" 1,0,1,0 'the messages that raised alerts: the first and the new red flag'
expect_eq "$(sql "SELECT level, concepts FROM escalations WHERE id = $e_con;")" \
	'emergency|coughing_blood,fainting' 'the escalation lists both red flags, at the same level'
con_raised_sent() { has_alert "$e_con" "$(sql "SELECT alerted_to FROM escalations WHERE id = $e_con;")" concept; }
wait_for 10 con_raised_sent || fail "the new red flag's alert was not sent: $(alerts_of "$e_con")"
body=$(sql "SELECT o.body FROM outbound_messages o JOIN escalation_alerts a ON a.outbound_id = o.id WHERE a.escalation_id = $e_con AND a.reason = 'concept';")
expect_contains "$body" "clotline emergency #$e_con, worse: " 'the alert says the episode got worse (alert_raised)'
expect_contains "$body" '(coughing blood, fainting)' 'the alert names both red flags'
expect_contains "$body" '"and I fainted in the bathroom"' 'the alert quotes the message with the new red flag'
expect_eq "$(audits_of "$P_CONCEPT")" escalation.new,escalation.raise \
	'audit: escalation.new, then escalation.raise for the new red flag'
expect_contains "$(sql "SELECT detail FROM audit_log WHERE subject = '$P_CONCEPT' AND action = 'escalation.raise';")" \
	'new red flag fainting' 'the raise audit row names the new red flag'

# Acknowledged, then worse: urgent to emergency reopens it and alerts again;
# acknowledged again, a new red flag at the same level reopens it again.
ack_api() {	# ESCALATION NOTE
	http_request "${auth[@]}" -H 'Content-Type: application/json' -d "{\"note\": \"$2\"}" \
		"http://127.0.0.1:$PORT/api/v1/escalations/$1/ack"
	expect_eq "$HTTP_STATUS" 200 "API ack of $1: 200"
}
acked_state() {	# ESCALATION: "acknowledged|timer running"
	sql "SELECT CAST(acknowledged_at IS NOT NULL AS INTEGER), CAST(next_alert_at IS NOT NULL AS INTEGER) FROM escalations WHERE id = $1;"
}
post_sms SMre1 "$P_REOPEN" 'my calf is swollen and red'
e_re=$(esc_of "$P_REOPEN")
expect_eq "$(sql "SELECT level FROM escalations WHERE id = $e_re;")" urgent 'an urgent episode'
ack_api "$e_re" 'seen, clinic tomorrow'
expect_eq "$(acked_state "$e_re")" '1|0' 'acknowledged: its timer stopped'
post_sms SMre2 "$P_REOPEN" 'my calf is still swollen and red'
expect_eq "$(reasons_of "$e_re")|$(acked_state "$e_re")" 'new|1|0' \
	'the same red flag after the ACK: no alert, still acknowledged'
post_sms SMre3 "$P_REOPEN" 'now I am coughing up blood'
expect_contains "$HTTP_BODY" 'Call 999 now' 'the higher level is answered'
expect_eq "$(sql "SELECT level, acknowledged_by, ack_note FROM escalations WHERE id = $e_re;")" 'emergency||' \
	'a higher level reopens it: emergency, nobody has it any more'
expect_eq "$(acked_state "$e_re")" '0|1' 'reopened: its timer runs again'
expect_eq "$(reasons_of "$e_re")" new,rise 'reopened by a higher level: a new alert (rise)'
re_rise_sent() { has_alert "$e_re" "$(sql "SELECT alerted_to FROM escalations WHERE id = $e_re;")" rise; }
wait_for 10 re_rise_sent || fail "the reopening alert was not sent: $(alerts_of "$e_re")"
ok 'the reopening alert was sent to the number holding the escalation'
ack_api "$e_re" 'ambulance called'
post_sms SMre4 "$P_REOPEN" 'and I fainted'
expect_eq "$(acked_state "$e_re")" '0|1' 'a new red flag at the same level reopens it again'
expect_eq "$(reasons_of "$e_re")" new,rise,concept 'reopened by a new red flag: a new alert (concept)'
post_sms SMre5 "$P_REOPEN" 'I fainted again'
expect_eq "$(reasons_of "$e_re")" new,rise,concept 'and the same red flag again: none'
expect_eq "$(alerted_of "$e_re")" 1,0,1,1,0 'the messages that raised alerts'
expect_eq "$(audits_of "$P_REOPEN")" \
	escalation.new,escalation.ack,escalation.reopen,escalation.ack,escalation.reopen \
	'audit: new, ack, reopen, ack, reopen'
expect_contains "$(sql_list ' / ' "SELECT detail FROM audit_log WHERE subject = '$P_REOPEN' AND action = 'escalation.reopen' ORDER BY id;")" \
	'urgent -> emergency' 'the first reopen audit row says the level rose'
log_has "escalation $e_re urgent -> emergency, new red flag coughing_blood: alert" || fail 'no log line for the reopen'
ok 'a log line for the reopen'

# Never acknowledged: once its last red flag is older than [outbox]
# alert_max_age (a day), the chain stops (audit escalation.unacknowledged).
# A day is made to have passed by moving the red flag back in the store; the
# gateway's clock looks for changed timers every poll_interval.
post_sms SMold1 "$P_OLD" 'I coughed up blood'
e_old=$(esc_of "$P_OLD")
sql "UPDATE escalations SET flagged_at = flagged_at - 90000, next_alert_at = $(sql_now) WHERE id = $e_old;"
old_stopped() { [ "$(audits_of "$P_OLD")" = escalation.new,escalation.unacknowledged ]; }
wait_for 10 old_stopped || fail "no escalation.unacknowledged audit row: $(audits_of "$P_OLD")"
ok 'audit: escalation.new, then escalation.unacknowledged after alert_max_age'
expect_eq "$(acked_state "$e_old")|$(alerts_of "$e_old")" "0|0|$ON_CALL:new" \
	'its timer stopped, not acknowledged, and nobody else alerted'
log_has "escalation $e_old (emergency): never acknowledged" || fail 'no log line for the stop'
ok 'an error logged for the stop'

stop_daemon
finish
