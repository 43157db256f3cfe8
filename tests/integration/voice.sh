#!/bin/bash
# SPDX-License-Identifier: ISC
# The phone keypad end to end: signed voice webhooks (start, keys, no input,
# wrong keys, replays, call status) against the running daemon, the TwiML
# they get back (well-formed XML, the expected verbs, languages and action
# URLs) and what they leave in the database (calls, escalations with their
# on-call alerts, walks logged, reminders paused and resumed, audit rows).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v xmllint >/dev/null 2>&1 || {
	echo "$TEST_NAME: xmllint is required (Debian package libxml2-utils)" >&2
	exit 99
}

P_UNKNOWN=+447700900901		# not enrolled: chooses a language
P_EMERG=+447700900902		# enrolled (en): key 1
P_LEG=+447700900903		# enrolled (en): leg menu
P_WALK=+447700900904		# enrolled (en): logs a walk
P_PAUSE=+447700900905		# enrolled (de): pauses and resumes
P_QUIET=+447700900906		# enrolled (en): says nothing
P_PLAN=+447700900907		# enrolled (en) on dvt-walking: hears today's walk
PHONES=("$P_UNKNOWN" "$P_EMERG" "$P_LEG" "$P_WALK" "$P_PAUSE" "$P_QUIET" "$P_PLAN")
GATHER_URL=$TEST_PUBLIC_URL/twilio/voice/gather
NO_INPUT_URL=$TEST_PUBLIC_URL/twilio/voice/no-input

# voice PATH[?QUERY] [KEY VALUE]...: a correctly signed voice webhook.
voice() {
	local target=$1
	shift
	post_form "$target" "$(sign "$TEST_PUBLIC_URL$target" "$@")" "$@"
}
# call_start SID FROM, keys SID FROM STEP DIGITS, silence SID FROM STEP
call_start() { voice /twilio/voice CallSid "$1" From "$2" To "$CLINIC_PHONE" CallStatus ringing; }
keys() { voice "/twilio/voice/gather?step=$3" CallSid "$1" From "$2" Digits "$4" CallStatus in-progress; }
silence() { voice "/twilio/voice/no-input?step=$3" CallSid "$1" From "$2" CallStatus in-progress; }

# expect_voice MESSAGE: a 200 XML answer that xmllint accepts, one
# <Response> holding either a <Gather> followed by a <Redirect> or some
# <Say> verbs and a <Hangup/>.
expect_voice() {
	[ "$HTTP_STATUS" = 200 ] || fail "$1: HTTP $HTTP_STATUS, expected 200"
	case $(header Content-Type) in
	application/xml*) ;;
	*) fail "$1: Content-Type '$(header Content-Type)' is not XML" ;;
	esac
	printf '%s' "$HTTP_BODY" | xmllint --noout - 2>"$TMPD/xmllint.err" ||
		fail "$1: not well-formed XML: $(cat "$TMPD/xmllint.err")"
	case $HTTP_BODY in
	'<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" '*'</Gather><Redirect method="POST">'*'</Redirect></Response>') ;;
	'<?xml version="1.0" encoding="UTF-8"?><Response><Say '*'<Hangup/></Response>') ;;
	*) fail "$1: neither a Gather with a Redirect nor Say and Hangup" ;;
	esac
	ok "$1: well-formed TwiML"
}

# expect_gather STEP MESSAGE: keys are gathered and posted for STEP.
expect_gather() {
	expect_voice "$2"
	expect_contains "$HTTP_BODY" "action=\"$GATHER_URL?step=$1\" method=\"POST\">" "$2: keys go to step $1"
	expect_contains "$HTTP_BODY" "<Redirect method=\"POST\">$NO_INPUT_URL?step=$1</Redirect>" "$2: silence goes to the no-input handler"
}

expect_hangup() {
	expect_voice "$1"
	expect_contains "$HTTP_BODY" '<Hangup/></Response>' "$1: hangs up"
	expect_not_contains "$HTTP_BODY" '<Gather' "$1: gathers nothing"
}

call_col() { sql "SELECT $2 FROM calls WHERE call_sid = '$1';"; }

write_config "$TEST_CONF"
start_daemon
for p in "$P_EMERG" "$P_LEG" "$P_WALK" "$P_QUIET"; do enrol "$p"; done
enrol "$P_PAUSE"
sql "UPDATE patients SET language = 'de' WHERE phone = '$P_PAUSE';"

# --- refused before anything is stored
post_form /twilio/voice - CallSid CAunsigned From "$P_UNKNOWN"
expect_eq "$HTTP_STATUS" 403 'an unsigned call start is refused'
post_form /twilio/voice "$(sign "$TEST_PUBLIC_URL/twilio/voice" CallSid CAforged From "$P_UNKNOWN")" CallSid CAother From "$P_UNKNOWN"
expect_eq "$HTTP_STATUS" 403 'a signature for other fields is refused'
voice /twilio/voice From "$P_UNKNOWN"
expect_eq "$HTTP_STATUS" 400 'a start without CallSid is a bad request'
expect_eq "$(sql 'SELECT count(*) FROM calls;')" 0 'nothing stored for refused webhooks'
http_request -X GET "http://127.0.0.1:$PORT/twilio/voice"
expect_eq "$HTTP_STATUS" 405 'GET /twilio/voice: 405'

# --- an unknown caller chooses a language, each line in its own voice
call_start CA01 "$P_UNKNOWN"
expect_gather 1 'unknown caller: language menu'
expect_contains "$HTTP_BODY" 'numDigits="1" timeout="5"' 'language menu takes one key within 5 s'
expect_contains "$HTTP_BODY" '<Say language="en-GB">For English, press 1.</Say><Say language="es-ES">Para español, pulse 2.</Say><Say language="de-DE">Für Deutsch drücken Sie die 3.</Say>' 'language menu: one line per language, in its voice'
FIRST=$HTTP_BODY
expect_eq "$(call_col CA01 step)" 1 'the call is stored at step 1'

call_start CA01 "$P_UNKNOWN"
expect_eq "$HTTP_BODY" "$FIRST" 'a repeated call start gets the same answer'
expect_eq "$(call_col CA01 step)" 1 'a repeated start changes nothing'

keys CA01 "$P_UNKNOWN" 1 2
expect_gather 2 'Español chosen'
expect_contains "$HTTP_BODY" '<Say language="es-ES">Hola, ha llamado a la línea de recuperación de Test Vascular Clinic.</Say>' 'greeting in Spanish'
expect_contains "$HTTP_BODY" '<Say language="es-ES">Si tiene dolor en el pecho o falta de aire ahora, pulse 1.' 'main menu in Spanish'
SPANISH=$HTTP_BODY
keys CA01 "$P_UNKNOWN" 1 3
expect_eq "$HTTP_BODY" "$SPANISH" 'keys replayed for an answered step: the stored answer, not German'
expect_eq "$(call_col CA01 step)" 2 'a replayed step changes nothing'
expect_contains "$(call_col CA01 state)" 'lang=es' 'the call remembers Spanish'

keys CA01 "$P_UNKNOWN" 2 5
expect_gather 3 'unknown caller presses 5'
expect_contains "$HTTP_BODY" 'Este número no está inscrito para recibir recordatorios.' 'not enrolled: no pause'

# --- an enrolled patient: own language, then the emergency key
call_start CA02 "$P_EMERG"
expect_gather 1 'enrolled caller: straight to the main menu'
expect_contains "$HTTP_BODY" '<Say language="en-GB">Hello, this is the recovery line of Test Vascular Clinic.</Say><Say language="en-GB">If you have chest pain or breathlessness now, press 1.' 'greeting and menu in English'
expect_not_contains "$HTTP_BODY" 'Para español' 'no language menu for a patient'
keys CA02 "$P_EMERG" 1 1
expect_hangup 'key 1: emergency'
expect_contains "$HTTP_BODY" '<Say language="en-GB">This could be serious. Hang up now and call 9 9 9, or go to A and E. Do not drive yourself.' 'key 1: call the emergency number, spoken digit by digit'
expect_eq "$(sql "SELECT level || '|' || phone || '|' || CAST(inbound_id IS NULL AS INTEGER) FROM escalations WHERE call_sid = 'CA02';")" "emergency|$P_EMERG|1" 'key 1: an emergency escalation for the call'
expect_eq "$(sql "SELECT o.kind || '|' || o.to_phone || '|' || o.priority FROM escalations e JOIN outbound_messages o ON o.id = e.outbound_id WHERE e.call_sid = 'CA02';")" "alert|$ON_CALL|0" 'key 1: on-call alert queued at emergency priority'
expect_contains "$(sql "SELECT body FROM outbound_messages o JOIN escalations e ON o.id = e.outbound_id WHERE e.call_sid = 'CA02';")" ': "phone keypad: chest pain or breathlessness now"' 'the alert says what was pressed'
expect_match "$(call_col CA02 ended_at)" '^[0-9]+$' 'the call is marked ended'
wait_for 10 grep -q 'phone keypad: chest pain' "$TMPD/outbound.log" ||
	fail 'the alert never reached the console provider'
ok 'the on-call alert is sent'
keys CA02 "$P_EMERG" 1 1
expect_eq "$(sql "SELECT count(*) FROM escalations WHERE call_sid = 'CA02';")" 1 'a replayed emergency key escalates once'

# --- leg symptoms: 1-4 urgent, 5 advice, * back
call_start CA03 "$P_LEG"
keys CA03 "$P_LEG" 1 2
expect_gather 2 'key 2: leg menu'
expect_contains "$HTTP_BODY" 'If the skin is warm and red, press 2.' 'leg menu asks about warm red skin'
keys CA03 "$P_LEG" 2 5
expect_gather 3 'leg key 5: mild ache'
expect_contains "$HTTP_BODY" 'A mild calf ache that stays manageable is common.' 'mild ache: advice'
expect_eq "$(sql "SELECT count(*) FROM escalations WHERE call_sid = 'CA03';")" 0 'mild ache: no escalation'
keys CA03 "$P_LEG" 3 2
keys CA03 "$P_LEG" 4 4
expect_gather 5 'leg key 4: sharp pain when walking'
expect_contains "$HTTP_BODY" 'These can be signs of a clot getting worse.' 'urgent advice'
expect_contains "$HTTP_BODY" 'call 9 9 9 now' 'urgent advice gives the emergency number'
expect_contains "$HTTP_BODY" 'If you have chest pain or breathlessness now, press 1.' 'then the main menu again'
expect_eq "$(sql "SELECT level || '|' || excerpt FROM escalations WHERE call_sid = 'CA03';")" 'urgent|phone keypad: sharp or increasing calf pain when walking' 'leg key 4: an urgent escalation'
expect_eq "$(sql "SELECT o.priority FROM escalations e JOIN outbound_messages o ON o.id = e.outbound_id WHERE e.call_sid = 'CA03';")" 1 'urgent alert priority'

# --- wrong keys and silence: re-prompted at most twice, then goodbye
keys CA03 "$P_LEG" 5 9
expect_gather 6 'a wrong key'
expect_contains "$HTTP_BODY" 'Sorry, that key is not an option.</Say><Say language="en-GB">If you have chest pain' 'a wrong key is named and the menu repeated'
silence CA03 "$P_LEG" 6
expect_gather 7 'silence once'
expect_contains "$HTTP_BODY" 'Sorry, I did not hear a key.' 'no input is named'
silence CA03 "$P_LEG" 7
expect_hangup 'third miss in a row: goodbye'
expect_contains "$HTTP_BODY" 'Thank you for calling.' 'goodbye said'
expect_match "$(call_col CA03 ended_at)" '^[0-9]+$' 'the call is marked ended'

call_start CA06 "$P_QUIET"
silence CA06 "$P_QUIET" 1
expect_gather 2 'no input once'
silence CA06 "$P_QUIET" 2
expect_gather 3 'no input twice'
silence CA06 "$P_QUIET" 3
expect_hangup 'no input a third time: goodbye'

# --- walk logging: minutes then #, read back, confirmed
call_start CA04 "$P_WALK"
keys CA04 "$P_WALK" 1 3
expect_gather 2 'key 3: walk minutes'
expect_contains "$HTTP_BODY" '<Gather input="dtmf" finishOnKey="#" timeout="10"' 'minutes are gathered until #'
expect_not_contains "$HTTP_BODY" 'numDigits' 'no digit count for minutes'
keys CA04 "$P_WALK" 2 601
expect_gather 3 '601 minutes'
expect_contains "$HTTP_BODY" 'not a number of minutes from 1 to 600' '601 is refused'
keys CA04 "$P_WALK" 3 "$(printf '9%.0s' {1..32})"
expect_gather 4 'a long run of digits'
expect_contains "$HTTP_BODY" 'not a number of minutes from 1 to 600' 'a long run of digits is refused'
keys CA04 "$P_WALK" 4 25
expect_gather 5 '25 minutes'
expect_contains "$HTTP_BODY" 'You walked 25 minutes. To save this, press 1.' 'minutes read back'
expect_eq "$(sql "SELECT count(*) FROM activity_reports WHERE call_sid = 'CA04';")" 0 'nothing logged before confirmation'
keys CA04 "$P_WALK" 5 1
expect_gather 6 'walk confirmed'
expect_contains "$HTTP_BODY" 'Saved: 25 minutes today.' 'saved'
expect_eq "$(sql "SELECT a.minutes || '|' || a.phone || '|' || CAST(a.patient_id = p.id AS INTEGER) FROM activity_reports a JOIN patients p ON p.phone = a.phone WHERE a.call_sid = 'CA04';")" "25|$P_WALK|1" 'the walk is logged against the patient'
keys CA04 "$P_WALK" 5 1
expect_eq "$(sql "SELECT count(*) FROM activity_reports WHERE call_sid = 'CA04';")" 1 'a replayed confirmation logs once'
keys CA04 "$P_WALK" 6 4
expect_contains "$HTTP_BODY" 'Walk every day at a comfortable pace, a little longer each week. Every two days, do calf lifts and wall squats, 3 sets of 10.' 'key 4 without a plan: the general exercises'

# --- today's exercises from the caller's plan: dvt-walking starts at 10
# minutes a day and adds 5 a week (config/plans/dvt-walking.ini), so 17
# days after the start date (16 to 18 in any zone) it is 20 minutes.
enrol "$P_PLAN"
sql "UPDATE patients SET plan = 'dvt-walking', start_date = '$(date -u -d '17 days ago' +%F)' WHERE phone = '$P_PLAN';"
call_start CA07 "$P_PLAN"
keys CA07 "$P_PLAN" 1 4
expect_gather 2 'key 4 with a plan'
expect_contains "$HTTP_BODY" 'Today, walk for 20 minutes at a comfortable pace.' "key 4: today's walk from the plan's weekly step-up"
expect_contains "$HTTP_BODY" 'Aim for 60 to 120 minutes of moderate exercise a week.' "key 4: the plan's weekly goal"
sql "UPDATE patients SET walk_target = 15 WHERE phone = '$P_PLAN';"
keys CA07 "$P_PLAN" 2 4
expect_contains "$HTTP_BODY" 'Today, walk for 15 minutes' "key 4: the patient's own walking target caps it"

# --- huge and odd Digits
keys CA04 "$P_WALK" 7 "$(head -c 20000 /dev/zero | tr '\0' 7)"
expect_gather 8 'a 20,000-key Digits'
expect_contains "$HTTP_BODY" 'Sorry, that key is not an option.' 'huge Digits is a wrong key'

# --- pause and resume, in German
call_start CA05 "$P_PAUSE"
expect_contains "$HTTP_BODY" '<Say language="de-DE">Guten Tag' 'a German patient is greeted in German'
keys CA05 "$P_PAUSE" 1 5
expect_contains "$HTTP_BODY" 'Ihre Erinnerungen sind pausiert.' 'key 5: paused'
expect_eq "$(sql "SELECT paused FROM patients WHERE phone = '$P_PAUSE';")" 1 'the patient is paused'
keys CA05 "$P_PAUSE" 2 5
expect_contains "$HTTP_BODY" 'Ihre Erinnerungen sind wieder eingeschaltet.' 'key 5 again: resumed'
expect_eq "$(sql "SELECT paused FROM patients WHERE phone = '$P_PAUSE';")" 0 'the patient is resumed'
expect_eq "$(sql_list , "SELECT action FROM audit_log WHERE subject = '$P_PAUSE' AND actor = 'patient' ORDER BY id;")" 'pause,resume' 'pause and resume are audited'
keys CA05 "$P_PAUSE" 2 5
expect_eq "$(sql "SELECT paused FROM patients WHERE phone = '$P_PAUSE';")" 0 'a replayed key 5 does not pause again'

# --- the call ends
voice /twilio/voice/status CallSid CA05 From "$P_PAUSE" CallStatus completed
expect_eq "$HTTP_STATUS" 200 'call status callback accepted'
expect_match "$(call_col CA05 ended_at)" '^[0-9]+$' 'the call is marked ended'
voice /twilio/voice/status CallSid CAnever From "$P_PAUSE" CallStatus no-answer
expect_eq "$HTTP_STATUS" 200 'status for a call with no keys is accepted'
keys CAnew "$P_QUIET" 4 1
expect_gather 1 'keys for a call never started begin the menu'

# --- metrics and log hygiene
http_get /metrics
expect_match "$HTTP_BODY" '^clotline_voice_calls_total [1-9]' 'calls counted in /metrics'
expect_match "$HTTP_BODY" '^clotline_http_requests_total\{route="/twilio/voice",status="200"\} [1-9]' 'voice requests counted by route'
for phone in "${PHONES[@]}"; do
	if log_has "${phone:3}"; then
		fail "the log holds the number ending ${phone: -4} unredacted"
	fi
done
ok 'no caller number in the log'
stop_daemon
finish
