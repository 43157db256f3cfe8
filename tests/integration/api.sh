#!/bin/bash
# SPDX-License-Identifier: ISC
# The staff API (docs/api.md) against a running daemon: tokens (missing,
# wrong, named, from the environment, none configured), loopback only, path
# tricks, create/read/update/delete, 400s naming the field, pause/resume,
# consent after STOP, escalations and their acknowledgement, the staff
# inbox, activity, schedule, plans, the adherence CSV, the welcome reaching
# the provider, an audit row for every change, and enrolment's warning for
# a number or time zone outside the clinic's country.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOKEN_ALICE=alice-0123456789abcdef0123456789abcdef
TOKEN_ANON=anon-fedcba9876543210fedcba9876543210
ENV_TOKEN=env-00112233445566778899aabbccddeeff
API=/api/v1
P1=+447700900701	# created, updated, paused, texts STOP
P2=+447700900702	# red flag, activity, removed and enrolled again
P3=+447700900703	# a name a spreadsheet would run
P_ES=+34600900704	# a Spanish number: enrolled with a warning
P_NY=+447700900705	# a UK number on New York time: enrolled with a warning

# admin_config FILE: the test configuration with the plans and a token file.
admin_config() {
	write_config "$1"
	grep -q '^plans_dir' "$1" ||
		printf '\n[reminders]\nplans_dir = %s/config/plans\n' "$top_srcdir" >>"$1"
	printf '\n[admin]\ntoken_file = admin.tokens\n' >>"$1"
	printf '# staff tokens\nalice %s\n%s\n' "$TOKEN_ALICE" "$TOKEN_ANON" \
		>"$TMPD/admin.tokens"
	chmod 600 "$TMPD/admin.tokens"
}

# api METHOD PATH [JSON]: a request with alice's token.
api() {
	local method=$1 path=$2 args=(-X "$1" -H "Authorization: Bearer $TOKEN_ALICE")
	[ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	http_request "${args[@]}" "http://127.0.0.1:$PORT$path"
}

# jget JSONPATH: a value of the last JSON answer (sqlite's json_extract:
# true is 1, null is empty).
jget() {
	sqlite3 -batch -noheader :memory: \
		"SELECT json_extract(CAST(readfile('$TMPD/http.body') AS TEXT), '$1');"
}

# jlen JSONPATH: the length of an array in the last JSON answer.
jlen() {
	sqlite3 -batch -noheader :memory: \
		"SELECT json_array_length(CAST(readfile('$TMPD/http.body') AS TEXT), '$1');"
}

# expect_json STATUS MESSAGE: the last answer has STATUS and a JSON body.
expect_json() {
	expect_eq "$HTTP_STATUS" "$1" "$2: HTTP $1"
	case $(header Content-Type) in
	application/json*) ;;
	*) fail "$2: Content-Type '$(header Content-Type)' is not JSON" ;;
	esac
	[ "$(sqlite3 :memory: "SELECT json_valid(CAST(readfile('$TMPD/http.body') AS TEXT));")" = 1 ] ||
		fail "$2: the body is not valid JSON"
}

# expect_field_error STATUS FIELD MESSAGE: an error naming FIELD.
expect_field_error() {
	expect_json "$1" "$3"
	expect_eq "$(jget '$.field')" "$2" "$3: names the field '$2'"
	[ -n "$(jget '$.error')" ] || fail "$3: no error text"
}

audit_count() {	# ACTION: audit rows of ACTION by alice
	sql "SELECT count(*) FROM audit_log WHERE actor = 'staff:alice' AND action = '$1';"
}

CFG_CLINIC="emergency_numbers = +34=112" admin_config "$TEST_CONF"
start_daemon

# --------------------------------------------------------------- tokens

http_get "$API/patients"
expect_json 401 'no token'
expect_eq "$(header WWW-Authenticate)" 'Bearer realm="clotline"' 'no token: WWW-Authenticate'
http_request -H 'Authorization: Bearer wrong-token' "http://127.0.0.1:$PORT$API/patients"
expect_json 401 'wrong token'
expect_contains "$(header WWW-Authenticate)" 'error="invalid_token"' 'wrong token: invalid_token'
http_request -H "Authorization: Bearer ${TOKEN_ALICE%?}" "http://127.0.0.1:$PORT$API/patients"
expect_eq "$HTTP_STATUS" 401 'a prefix of the token: 401'
http_request -H "Authorization: Bearer ${TOKEN_ALICE}x" "http://127.0.0.1:$PORT$API/patients"
expect_eq "$HTTP_STATUS" 401 'the token and more: 401'
http_request -H "Authorization: Basic $TOKEN_ALICE" "http://127.0.0.1:$PORT$API/patients"
expect_eq "$HTTP_STATUS" 401 'the token as Basic: 401'
http_request -H "Authorization: Bearer alice" "http://127.0.0.1:$PORT$API/patients"
expect_eq "$HTTP_STATUS" 401 'a token name is not a token: 401'
# Unknown routes are not revealed before the token.
http_get "$API/nothing-here"
expect_eq "$HTTP_STATUS" 401 'unknown route without a token: 401, not 404'
api GET "$API/patients"
expect_json 200 'alice lists patients'
expect_eq "$(jget '$.patients')" '[]' 'no patients yet'

# ------------------------------------------------------------ create

api POST "$API/patients" '{"phone": "'$P1'", "plan": "dvt-walking", "name": "Ann Example",
	"timezone": "Europe/London", "language": "en", "quiet_start": "00:00", "quiet_end": "00:00"}'
expect_json 201 'create'
id1=$(jget '$.id')
expect_eq "$(header Location)" "$API/patients/$id1" 'create: Location'
expect_eq "$(jget '$.phone')|$(jget '$.plan')|$(jget '$.status')|$(jget '$.start_date')" \
	"$P1|dvt-walking|active|$(TZ=Europe/London date +%F)" \
	'create: phone, plan, active, starting today in London'
expect_eq "$(audit_count patient.add)" 1 'create: one audit row by staff:alice'
expect_eq "$(jget '$.warning')" '' 'create: no warning for a UK number on London time'
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'welcome' AND to_phone = '$P1';")" 1 \
	'create: the welcome is queued'
welcome_sent() { grep -q "to=$P1 .*Your doctor has enrolled you" "$TMPD/outbound.log" 2>/dev/null; }
wait_for 15 welcome_sent || fail 'the welcome never reached the provider'
ok 'the welcome reached the provider (console log)'
expect_contains "$(grep "to=$P1" "$TMPD/outbound.log")" 'Test Vascular Clinic' 'the welcome names the clinic'
expect_contains "$(grep "to=$P1" "$TMPD/outbound.log")" 'Reply STOP' 'the welcome says how to stop'
expect_contains "$(grep "to=$P1" "$TMPD/outbound.log")" 'call 999 now' 'the welcome gives the emergency number'

api GET "$API/patients/$id1"
expect_json 200 'read back'
expect_eq "$(jget '$.name')|$(jget '$.quiet_start')" 'Ann Example|00:00' 'read back: the fields as given'


api POST "$API/patients" '{"phone": "'$P1'", "plan": "dvt-walking"}'
expect_field_error 409 phone 'the same number again'

# ------------------------------------------------ bad input names the field

api POST "$API/patients" '{"phone": "'$P2'", "plan": '
expect_json 400 'malformed JSON'
expect_contains "$(jget '$.error')" 'malformed JSON' 'malformed JSON: says so'
api POST "$API/patients" '{"phone": "'$P2'", "plan": 5}'
expect_field_error 400 plan 'a number for plan'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "walk_target": "20"}'
expect_field_error 400 walk_target 'a string for walk_target'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "force_resubscribe": 1}'
expect_field_error 400 force_resubscribe 'a number for a boolean'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "nmae": "x"}'
expect_field_error 400 nmae 'an unknown field'
api POST "$API/patients" '{"phone": "07700900702", "plan": "dvt-walking"}'
expect_field_error 400 phone 'a number that is not E.164'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "timezone": "Mars/Olympus"}'
expect_field_error 400 timezone 'an unknown time zone'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "timezone": "../../etc/passwd"}'
expect_field_error 400 timezone 'a path as a time zone'
# Issue 18: doubtful numbers and times.
api POST "$API/patients" '{"phone": "+999999999999999", "plan": "dvt-walking"}'
expect_field_error 400 phone 'a number with no country calling code'
expect_contains "$(jget '$.error')" 'no country calling code' '... saying so'
api POST "$API/patients" '{"phone": "+44 (0)7700 900125", "plan": "dvt-walking"}'
expect_field_error 400 phone 'the trunk 0 kept after +44'
expect_contains "$(jget '$.error')" 'drop it (+447700900125)' '... saying what to drop'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "timezone": "EST"}'
expect_field_error 400 timezone 'a legacy zone without daylight saving'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "reminder_times": "stretch=22:30"}'
expect_field_error 400 reminder_times 'a reminder inside the quiet hours'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "marathon"}'
expect_field_error 400 plan 'an unknown plan'
expect_contains "$(jget '$.error')" 'dvt-walking' 'an unknown plan: the error lists the plans'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "language": "fr"}'
expect_field_error 400 language 'a language without prompts'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "start_date": "2026-03-01", "end_date": "2026-02-01"}'
expect_field_error 400 end_date 'an end before the start'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "quiet_start": "9pm"}'
expect_field_error 400 quiet_start 'quiet hours not HH:MM'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "reminder_times": "jog=07:00"}'
expect_field_error 400 reminder_times 'a reminder the plan does not have'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "reminder_times": "walk=09:00,walk=18:00"}'
expect_field_error 400 reminder_times 'the same reminder twice in reminder_times'
expect_contains "$(jget '$.error')" "'walk' is given more than once" '... saying which'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "plan": "dvt-walking"}'
expect_json 400 'a key given twice'
api POST "$API/patients" '["'$P2'"]'
expect_json 400 'an array body'
api POST "$API/patients" '{"plan": "dvt-walking"}'
expect_field_error 400 phone 'no phone'
http_request -X POST -H "Authorization: Bearer $TOKEN_ALICE" --data-urlencode "phone=$P2" \
	"http://127.0.0.1:$PORT$API/patients"
expect_json 415 'a form body'
big=$(head -c 20000 /dev/zero | tr '\0' 'x')
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "name": "'$big'"}'
expect_json 413 'a 20 KB body'
expect_eq "$(sql "SELECT count(*) FROM patients WHERE phone = '$P2';")" 0 'nothing stored by the bad requests'
expect_eq "$(sql "SELECT count(*) FROM audit_log;")" 1 'nothing audited by the bad requests'

# ---------------------------------------------------------- path tricks

api GET "$API/patients/1abc"
expect_field_error 400 id '/patients/1abc'
api GET "$API/patients/0"
expect_field_error 400 id '/patients/0'
api GET "$API/patients/0$id1"
expect_field_error 400 id 'a leading zero'
api GET "$API/patients/-1"
expect_field_error 400 id 'a negative id'
api GET "$API/patients/99999"
expect_json 404 'an id nobody has'
http_request --path-as-is -H "Authorization: Bearer $TOKEN_ALICE" \
	"http://127.0.0.1:$PORT$API/patients/../plans"
expect_json 400 '/patients/../plans (as is)'
http_request --path-as-is -H "Authorization: Bearer $TOKEN_ALICE" \
	"http://127.0.0.1:$PORT$API/patients/./$id1"
expect_json 400 '/patients/./ID (as is)'
api GET "$API/patients/%2e%2e"
expect_json 400 '/patients/%2e%2e'
api GET "$API/patients/%31"
expect_json 400 'a percent-encoded id'
api GET "$API/patients//$id1"
expect_json 400 'an empty segment'
api GET "$API/patients/"
expect_json 400 'a trailing slash'
api GET "$API/patients/$id1/pause/again"
expect_json 404 'a path longer than any route'
api GET "$API/nothing-here"
expect_json 404 'an unknown route'
api PUT "$API/patients/$id1" '{}'
expect_json 405 'PUT on a patient'
expect_eq "$(header Allow)" 'GET, PATCH, DELETE' 'PUT on a patient: Allow'
api GET "$API/patients/$id1/pause"
expect_eq "$HTTP_STATUS $(header Allow)" '405 POST' 'GET on pause: 405, Allow: POST'
api GET "$API/patients?colour=blue"
expect_field_error 400 colour 'an unknown query parameter'
api GET "$API/patients?limit=0"
expect_field_error 400 limit 'limit 0'
api GET "$API/patients?status=sleeping"
expect_field_error 400 status 'an unknown status'

# -------------------------------------------------------------- update

before=$(sql "SELECT updated_at FROM patients WHERE id = $id1;")
sql "UPDATE patients SET updated_at = updated_at - 10 WHERE id = $id1;"
api PATCH "$API/patients/$id1" '{"end_date": "2099-12-31", "walk_target": 25, "reminder_times": "walk=10:15", "name": null}'
expect_json 200 'update'
expect_eq "$(jget '$.end_date')|$(jget '$.walk_target')|$(jget '$.reminder_times')|$(jget '$.name')" \
	'2099-12-31|25|walk=10:15|' 'update: the fields changed, the name cleared'
expect_eq "$(sql "SELECT CAST(updated_at >= $before AS INTEGER) FROM patients WHERE id = $id1;")" 1 \
	'update: updated_at moved (the scheduler notices)'
expect_eq "$(audit_count patient.update)" 1 'update: one audit row'
expect_contains "$(sql "SELECT detail FROM audit_log WHERE action = 'patient.update';")" \
	'end_date (none) -> 2099-12-31' 'update: the audit row says what changed'
api PATCH "$API/patients/$id1" '{"phone": "'$P2'"}'
expect_field_error 400 phone 'changing the number'
api PATCH "$API/patients/$id1" '{"walk_target": 25}'
expect_json 200 'the same value again'
expect_eq "$(audit_count patient.update)" 1 'the same value again: nothing audited'
api PATCH "$API/patients/$id1" '{}'
expect_json 400 'an empty update'
api PATCH "$API/patients/99999" '{"name": "x"}'
expect_json 404 'update of an unknown patient'

# ------------------------------------------------- schedule and plans

api GET "$API/patients/$id1/schedule?n=3"
expect_json 200 'schedule'
expect_eq "$(jget '$.plan')|$(jget '$.status')|$(jlen '$.reminders')" 'dvt-walking|active|3' \
	'schedule: three reminders of the plan'
[[ "$(jget '$.reminders[0].at')" < "$(jget '$.reminders[1].at')" ]] ||
	fail 'schedule: not in time order'
ok 'schedule: in time order'
expect_match "$(jget '$.reminders[0].reminder')" '^(walk|strength|stretch|endurance|summary)$' \
	"schedule: a reminder of config/plans/dvt-walking.ini"
api GET "$API/plans"
expect_json 200 'plans'
expect_eq "$(jget '$.plans[0].name')|$(jget '$.plans[0].reminders[0].name')|$(jget '$.plans[0].reminders[0].time')" \
	'dvt-walking|walk|09:30' 'plans: dvt-walking and its walk at 09:30 (config/plans/dvt-walking.ini)'

# --------------------------------------------------------- pause, resume

api POST "$API/patients/$id1/pause"
expect_json 200 'pause'
expect_eq "$(jget '$.status')|$(sql "SELECT paused FROM patients WHERE id = $id1;")" 'paused|1' 'pause: stored'
api GET "$API/patients/$id1/schedule"
expect_eq "$(jlen '$.reminders')" 0 'paused: no reminders coming'
api GET "$API/patients?status=paused"
expect_eq "$(jget '$.patients[0].id')" "$id1" 'list ?status=paused'
api POST "$API/patients/$id1/resume"
expect_json 200 'resume'
expect_eq "$(jget '$.status')" active 'resume: active'
expect_eq "$(audit_count patient.pause)|$(audit_count patient.resume)" '1|1' 'pause and resume audited'

# ------------------------------------------------- consent after STOP

post_sms SMstop1 "$P1" STOP
expect_eq "$HTTP_STATUS" 200 'the patient texts STOP'
api POST "$API/patients/$id1/pause"
api POST "$API/patients/$id1/resume"
expect_field_error 409 force_resubscribe 'resume after STOP is refused'
api POST "$API/patients/$id1/resume" '{"force_resubscribe": "yes"}'
expect_field_error 400 force_resubscribe 'force_resubscribe must be a boolean'
api POST "$API/patients/$id1/resume" '{"force_resubscribe": true}'
expect_json 200 'resume with force_resubscribe'
expect_eq "$(jget '$.opted_out')|$(jget '$.status')" '0|active' 'opted back in and active'
expect_eq "$(audit_count patient.resubscribe)" 1 'resubscribe audited with the staff member'

# ------------------------------------- escalations, activity, adherence

api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "name": "Bo"}'
expect_json 201 'second patient'
id2=$(jget '$.id')
post_sms SMred1 "$P2" 'breathless and my chest hurts'
expect_eq "$HTTP_STATUS" 200 'a signed red flag from the patient'
api GET "$API/escalations?open=1"
expect_json 200 'open escalations'
esc=$(jget '$.escalations[0].id')
expect_eq "$(jget '$.escalations[0].level')|$(jget '$.escalations[0].patient_id')|$(jget '$.escalations[0].open')" \
	"emergency|$id2|1" 'the emergency is open, with its patient'
api POST "$API/escalations/$esc/ack" '{"note": "called back; going to A&E"}'
expect_json 200 'acknowledge'
expect_eq "$(jget '$.acknowledged_by')|$(jget '$.open')" 'staff:alice|0' 'acknowledged by alice'
api POST "$API/escalations/$esc/ack"
expect_json 409 'acknowledged twice'
expect_contains "$(jget '$.error')" 'staff:alice' 'acknowledged twice: says by whom'
api GET "$API/escalations?open=1"
expect_eq "$(jget '$.escalations')" '[]' 'no open escalations left'
api GET "$API/escalations"
expect_eq "$(jget '$.escalations[0].id')" "$esc" 'all escalations still list it'
api POST "$API/escalations/99999/ack"
expect_json 404 'acknowledging an unknown escalation'
expect_eq "$(audit_count escalation.ack)" 1 'the acknowledgement is audited'
expect_contains "$(sql "SELECT detail FROM audit_log WHERE action = 'escalation.ack';")" 'going to A&E' \
	'the note is in the audit log'

post_sms SMwalk1 "$P2" 'walked 20 minutes today'
expect_eq "$HTTP_STATUS" 200 'the patient reports a walk'
api GET "$API/patients/$id2/activity?days=7"
expect_json 200 'activity'
expect_eq "$(jget '$.activity[0].minutes')|$(jget '$.activity[0].via')" '20|sms' 'activity: 20 minutes by SMS'

api POST "$API/patients" '{"phone": "'$P3'", "plan": "dvt-walking", "name": "=HYPERLINK(\"http://x\")"}'
expect_json 201 'a patient whose name looks like a formula'
http_request -H "Authorization: Bearer $TOKEN_ALICE" "http://127.0.0.1:$PORT$API/adherence.csv"
expect_eq "$HTTP_STATUS" 200 'adherence CSV'
expect_contains "$(header Content-Type)" 'text/csv' 'adherence CSV: text/csv'
expect_eq "$(printf '%s\n' "$HTTP_BODY" | head -n 1 | tr -d '\r')" \
	'patient_id,phone,name,plan,date,minutes,meters,steps,reports,goal_minutes,goal_met' 'adherence CSV: header'
today=$(TZ=Europe/London date +%F)
expect_contains "$HTTP_BODY" "$id2,\"'$P2\",Bo,dvt-walking,$today,20,0,0,1,10,yes" \
	"adherence CSV: today's 20 minutes against week one's 10"
expect_contains "$HTTP_BODY" "\"'=HYPERLINK(\"\"http://x\"\")\"" 'adherence CSV: the formula is neutralised and quoted'
api GET "$API/adherence.csv?from=2026-02-01&to=2026-01-01"
expect_field_error 400 from 'adherence CSV: from after to'

# A name holding what a terminal or spreadsheet acts on (U+202E, which
# shows text backwards, and U+009B, the C1 CSI) is stored as given but
# escaped wherever it is printed: the CSV, `clotline patient list` and
# `show`.  (Both were printed raw.)
P4=+447700900704
api POST "$API/patients" '{"phone": "'$P4'", "plan": "dvt-walking", "name": "Ann \u202etxt.exe \u009b2J Lee"}'
expect_json 201 'a name holding U+202E and U+009B'
id4=$(jget '$.id')
http_request -H "Authorization: Bearer $TOKEN_ALICE" "http://127.0.0.1:$PORT$API/adherence.csv?patient=$id4"
expect_contains "$HTTP_BODY" 'Ann \u202etxt.exe \u009b2J Lee' 'adherence CSV: the name escaped'
expect_not_contains "$HTTP_BODY" $'\u202e' '... no U+202E in the CSV'
expect_not_contains "$HTTP_BODY" $'\u009b' '... no U+009B in the CSV'
run "$CLOTLINE" patient list -c "$TEST_CONF"
expect_contains "$RUN_OUT" 'Ann \u202etxt.exe' 'clotline patient list: the name escaped'
expect_not_contains "$RUN_OUT" $'\u202e' '... no U+202E on the terminal'
expect_not_contains "$RUN_OUT" $'\u009b' '... no U+009B on the terminal'
run "$CLOTLINE" patient show "$id4" -c "$TEST_CONF"
expect_contains "$RUN_OUT" 'Ann \u202etxt.exe \u009b2J Lee' 'clotline patient show: the name escaped'
expect_not_contains "$RUN_OUT" $'\u202e' '... no U+202E'
api DELETE "$API/patients/$id4"
expect_json 200 'remove that patient again'

# ------------------------------------------------ remove, enrol again

api DELETE "$API/patients/$id2"
expect_json 200 'remove'
expect_eq "$(jget '$.status')|$(sql "SELECT enrolled, CAST(removed_at > 0 AS INTEGER) FROM patients WHERE id = $id2;")" \
	'removed|0|1' 'removed: unenrolled, removal time kept'
api GET "$API/patients"
expect_not_contains "$HTTP_BODY" "$P2" 'removed patients are not listed by default'
api GET "$API/patients?status=removed"
expect_eq "$(jget '$.patients[0].id')" "$id2" 'list ?status=removed'
api PATCH "$API/patients/$id2" '{"name": "x"}'
expect_json 409 'a removed patient cannot be updated'
api POST "$API/patients" '{"phone": "'$P2'", "plan": "dvt-walking", "quiet_start": "00:00", "quiet_end": "00:00"}'
expect_json 201 'enrol the removed patient again'
expect_eq "$(jget '$.id')|$(jget '$.status')" "$id2|active" 'enrolled again on the same record'
expect_eq "$(sql "SELECT CAST(count(*) > 0 AS INTEGER) FROM escalations WHERE patient_id = $id2;")" 1 'history kept: the escalations'

# --------------------------------------------------- audit, log, metrics

expect_eq "$(sql_list ' ' "SELECT action FROM audit_log WHERE actor LIKE 'staff:%' ORDER BY id;")" \
	'patient.add patient.update patient.pause patient.resume patient.pause patient.resubscribe patient.resume patient.add escalation.ack patient.add patient.add patient.remove patient.remove patient.add' \
	'every staff change has its audit row, in order'
http_request -X POST -H "Authorization: Bearer $TOKEN_ANON" "http://127.0.0.1:$PORT$API/patients/$id1/pause"
expect_eq "$HTTP_STATUS" 200 'the unnamed token works'
expect_eq "$(sql "SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1;")" staff:api 'the unnamed token acts as staff:api'
for t in "$TOKEN_ALICE" "$TOKEN_ANON"; do
	log_has "$t" && fail 'a token is in the daemon log'
done
ok 'no token in the daemon log'
# Requests without a valid token are logged as unauthenticated, never as
# staff:api (the unnamed token's actor); what a terminal acts on in a path
# never reaches the log raw (bytes outside ASCII in a request target are
# refused before routing; escapes are logged as sent).
: >"$TMPD/log-mark"
printf '%s\n' '=== unauthenticated' >>"$DAEMON_LOG"
http_get "$API/patients/%E2%80%AE%C2%9B"
expect_eq "$HTTP_STATUS" 401 'an unauthenticated request with escapes in its path: 401'
http_request -H 'Authorization: Bearer wrong-token' "http://127.0.0.1:$PORT$API/plans"
expect_eq "$HTTP_STATUS" 401 'a wrong token: 401'
raw_api() {	# BYTES: a request line with these bytes, on a connection of its own
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	# (the server may close before all is written: no SIGPIPE for us)
	(trap '' PIPE; printf "GET $API/$1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&"$fd") 2>/dev/null || true
	RAW_REPLY=$(timeout 3 cat <&"$fd" 2>/dev/null | tr -d '\r') || true
	exec {fd}>&-
}
raw_api 'x\x9b2J\xe2\x80\xaeabc'
expect_contains "$RAW_REPLY" 'HTTP/1.1 400' 'raw 0x9B and U+202E in an API path: 400'
tail_log=$(sed -n '/^=== unauthenticated$/,$p' "$DAEMON_LOG")
expect_contains "$tail_log" 'api: unauthenticated GET /api/v1/patients/%E2%80%AE%C2%9B -> 401' \
	'the unauthenticated request is logged as unauthenticated'
expect_contains "$tail_log" 'api: unauthenticated GET /api/v1/plans -> 401' '... so is a wrong token'
expect_not_contains "$tail_log" 'staff:api GET' '... never as staff:api'
if LC_ALL=C grep -q $'\x9b\|\xe2\x80\xae\|\xc2\x9b' "$DAEMON_LOG"; then
	fail 'a raw 0x9B, U+009B or U+202E in the daemon log'
fi
ok 'no raw 0x9B, U+009B or U+202E in the daemon log'
http_get /metrics
expect_match "$HTTP_BODY" '^clotline_http_requests_total\{route="/api/v1",status="401"\} [1-9]' \
	'/metrics counts the API'
# SQL metacharacters are data: stored and read back verbatim, nothing else
# touched (every statement binds its values).
SQLI="Ann'); DROP TABLE patients;-- \" OR 1=1"
api PATCH "$API/patients/$id1" "{\"name\": \"Ann'); DROP TABLE patients;-- \\\" OR 1=1\"}"
expect_json 200 'a name full of SQL metacharacters'
api GET "$API/patients/$id1"
expect_eq "$(jget '$.name')" "$SQLI" 'SQL metacharacters: read back verbatim'
expect_eq "$(sql "SELECT count(*) FROM patients WHERE id = $id1;")" 1 'SQL metacharacters: the table is intact'
api GET "$API/patients?plan=dvt-walking%27%20OR%20%271%27%3D%271"
expect_json 200 "a plan filter of ' OR '1'='1"
expect_eq "$(jlen '$.patients')" 0 "SQL metacharacters in a query: no patient matches"
api PATCH "$API/patients/$id1" '{"name": "Ann Example"}'
expect_json 200 'the name restored'

# ------------------------------------------------------ the staff inbox

id3=$(sql "SELECT id FROM patients WHERE phone = '$P3';")
api GET "$API/inbox"
expect_json 200 'the inbox'
expect_eq "$(jget '$.inbox')" '[]' 'the inbox is empty before anyone asks for a person'
post_sms SMinbox1 "$P3" 'can someone call me please'
expect_contains "$HTTP_BODY" 'will read your message' 'a request for a call: a person will read it'
api GET "$API/inbox"
expect_json 200 'the inbox with one message'
iid=$(jget '$.inbox[0].id')
expect_eq "$(jget '$.inbox[0].reason')|$(jget '$.inbox[0].phone')|$(jget '$.inbox[0].patient_id')|$(jget '$.inbox[0].body')|$(jget '$.inbox[0].open')" \
	"review|$P3|$id3|can someone call me please|1" 'the inbox: reason, number, patient, the message, open'
api GET "$API/inbox?open=2"
expect_field_error 400 open 'inbox ?open=2'
api GET "$API/inbox?limit=0"
expect_field_error 400 limit 'inbox ?limit=0'
api POST "$API/inbox/$iid/done" '{"bogus": 1}'
expect_field_error 400 bogus 'inbox done: an unknown field'
api POST "$API/inbox/$iid/done" '{"note": "rang back, all well"}'
expect_json 200 'inbox done'
expect_eq "$(jget '$.done_by')|$(jget '$.note')|$(jget '$.open')" 'staff:alice|rang back, all well|0' \
	'inbox done: by alice, with the note'
api POST "$API/inbox/$iid/done"
expect_json 409 'inbox done twice'
expect_contains "$(jget '$.error')" 'staff:alice' 'inbox done twice: says by whom'
api POST "$API/inbox/99999/done"
expect_json 404 'inbox done: an unknown id'
api GET "$API/inbox"
expect_eq "$(jget '$.inbox')" '[]' 'nothing left waiting'
api GET "$API/inbox?open=0"
expect_eq "$(jget '$.inbox[0].id')|$(jget '$.inbox[0].done_by')" "$iid|staff:alice" 'open=0 lists what was done'
api DELETE "$API/inbox"
expect_eq "$HTTP_STATUS $(header Allow)" '405 GET' 'DELETE on the inbox: 405, Allow: GET'
expect_eq "$(audit_count inbox.done)" 1 'inbox done is audited'

# ------------------------------ enrolment outside the clinic's country
# (docs/escalations.md, The emergency number): enrolled, with a warning.

n_add=$(audit_count patient.add)
api POST "$API/patients" '{"phone": "'$P_ES'", "plan": "dvt-walking", "timezone": "Europe/Madrid"}'
expect_json 201 'create: a Spanish number'
expect_eq "$(jget '$.warning')" \
	"$P_ES is outside the clinic's country: the patient is told to call 112 in an emergency (the clinic's number is 999); check [clinic] emergency_numbers" \
	'create: a warning naming the emergency number the patient is told'
expect_eq "$(jget '$.phone')|$(jget '$.status')" "$P_ES|active" 'create: enrolled all the same'
expect_eq "$(sql "SELECT count(*) FROM patients WHERE phone = '$P_ES' AND enrolled = 1;")" 1 \
	'create: the patient is stored'
api GET "$API/patients/$(jget '$.id')"
expect_json 200 'read back the Spanish patient'
expect_eq "$(jget '$.warning')" '' 'the warning is for the enrolment, not the record'
api POST "$API/patients" '{"phone": "'$P_NY'", "plan": "dvt-walking", "timezone": "America/New_York"}'
expect_json 201 'create: a UK number on New York time'
expect_eq "$(jget '$.warning')" \
	"time zone America/New_York is in US, not in the clinic's country (GB): is the number's emergency number (999) the one the patient can call?" \
	'create: a warning naming the time zone'"'"'s country'
expect_eq "$(audit_count patient.add)" $((n_add + 2)) 'both enrolled and audited'
stop_daemon

# ----------------------------------- the environment token, and no token

CLOTLINE_ADMIN_TOKEN=$ENV_TOKEN start_daemon
http_request -H "Authorization: Bearer $ENV_TOKEN" "http://127.0.0.1:$PORT$API/plans"
expect_eq "$HTTP_STATUS" 200 'CLOTLINE_ADMIN_TOKEN works'
api GET "$API/plans"
expect_eq "$HTTP_STATUS" 401 'CLOTLINE_ADMIN_TOKEN replaces the token file'
stop_daemon

write_config "$TEST_CONF"
start_daemon
api GET "$API/patients"
expect_json 403 'no token configured'
expect_contains "$(jget '$.error')" 'disabled' 'no token configured: the API is disabled'
http_get "$API/patients"
expect_eq "$HTTP_STATUS" 403 'no token configured: closed without a token too'
stop_daemon

# ------------------------------------------------------- loopback only

addr=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -n 1 || true)
if [ -n "$addr" ]; then
	CFG_LISTEN=0.0.0.0:0 admin_config "$TEST_CONF"
	start_daemon
	http_request -H "Authorization: Bearer $TOKEN_ALICE" "http://$addr:$PORT$API/patients"
	expect_json 403 "from $addr (not loopback)"
	expect_contains "$(jget '$.error')" 'loopback' 'not loopback: says why'
	api GET "$API/patients"
	expect_eq "$HTTP_STATUS" 200 'from 127.0.0.1 on the same daemon: 200'
	stop_daemon
else
	echo "# no non-loopback IPv4 address: the loopback check was not tried"
fi

finish
