#!/bin/bash
# SPDX-License-Identifier: ISC
# Reminders end to end on the test build (tests/clotline-testclock), whose
# clock this script moves by rewriting a file: patients enrolled while the
# daemon runs are picked up, each gets the dvt-walking plan's reminders at
# local wall-clock times in their own language (Los Angeles across the
# 2019-03-10 change, London, Berlin), a walking report changes the next
# walking reminder and the weekly summary, quiet hours move a late
# reminder to the morning, paused / opted-out patients get nothing, STOP
# stops them, a resumed patient starts again, and after downtime fires
# more than catch_up late are skipped and logged while later ones are sent.
# The weekly summary gives the emergency number of the patient's own
# calling code ([clinic] emergency_numbers: 911 to a US number), else the
# clinic's (999), whatever the patient's language.
#
# Patients are enrolled through the staff API (POST /api/v1/patients), each
# welcomed in their language when their quiet hours allow; the console
# provider's log shows what was sent and when (its timestamps come from the
# same clock).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -x "${CLOTLINE_TESTCLOCK:-}" ] ||
	fail "CLOTLINE_TESTCLOCK is not built (make check builds it)"
CLOTLINE=$CLOTLINE_TESTCLOCK
CLOCK=$TMPD/clock
OUT=$TMPD/outbound.log
export CLOTLINE_TEST_CLOCK=$CLOCK

utc() {	# "2019-03-09 12:00" -> Unix seconds
	date -u -d "$1" +%s
}

set_clock() {
	printf '%s\n' "$1" >"$CLOCK.tmp"
	mv "$CLOCK.tmp" "$CLOCK"
	NOW=$1
}

# All fires due by NOW decided, and nothing due by NOW left in the outbox
# (a welcome held for the end of quiet hours may wait for later).
_caught_up() {
	local next
	http_get /metrics
	next=$(metric clotline_reminders_next_due_timestamp_seconds)
	[ -n "$next" ] && { [ "$next" = 0 ] || [ "$next" -gt "$NOW" ]; } &&
		[ "$(sql "SELECT count(*) FROM outbound_messages WHERE status IN
		    ('pending', 'sending', 'unknown') AND next_attempt_at <= $NOW;")" = 0 ]
}

# advance_to UNIX: moves the clock in 30-minute steps (no step is ever
# more than catch_up late), letting the daemon catch up after each.
advance_to() {
	local target=$1 t=$NOW
	while [ "$t" -lt "$target" ]; do
		t=$((t + 1800))
		[ "$t" -le "$target" ] || t=$target
		set_clock "$t"
		wait_for 20 _caught_up ||
			fail "reminders due by $(date -u -d "@$t" +%FT%TZ) not sent"
	done
}

# sent_to PHONE: the console log's lines for PHONE, but the welcome.
sent_to() {
	local welcome
	welcome=$(sql "SELECT id FROM outbound_messages WHERE kind = 'welcome' AND to_phone = '$1';")
	grep -F "to=$1 " "$OUT" 2>/dev/null |
		grep -v -E "^[^ ]+ id=(${welcome//$'\n'/|}) " || true
}
# welcome_to PHONE: the console log's line for PHONE's welcome.
welcome_to() {
	local id
	id=$(sql "SELECT id FROM outbound_messages WHERE kind = 'welcome' AND to_phone = '$1';")
	[ -n "$id" ] || return 0
	grep -E "^[^ ]+ id=$id to=" "$OUT" 2>/dev/null || true
}

P_LA=+15555550101	# en, America/Los_Angeles
P_ES=+447700900301	# es, Europe/London
P_PAUSED=+447700900302
P_OPTED=+447700900303
P_LATE=+447700900304	# en, London, walk at 22:30: inside quiet hours
P_DE=+4915155500001	# de, Europe/Berlin
P_RESUME=+447700900305	# paused until Sunday

# api METHOD PATH [JSON]: a staff API request with the test token.
ADMIN_TOKEN=reminders-test-admin-token-0123
export CLOTLINE_ADMIN_TOKEN=$ADMIN_TOKEN
api() {
	local args=(-X "$1" -H "Authorization: Bearer $ADMIN_TOKEN")
	[ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	http_request "${args[@]}" "http://127.0.0.1:$PORT/api/v1$2"
}

# enrol_patient PHONE LANG ZONE [TIMES] [PAUSED] [OPTED_OUT]: staff enrol
# through the API (and pause through it); opting out is the patient's own
# STOP.
enrol_patient() {
	local times= id
	[ -z "${4:-}" ] || times=", \"reminder_times\": \"$4\""
	api POST /patients "{\"phone\": \"$1\", \"language\": \"$2\",
	    \"timezone\": \"$3\", \"plan\": \"dvt-walking\",
	    \"start_date\": \"2019-03-04\"$times}"
	[ "$HTTP_STATUS" = 201 ] || fail "enrolling $1 through the API: HTTP $HTTP_STATUS"
	id=$(sql "SELECT id FROM patients WHERE phone = '$1';")
	if [ "${5:-0}" = 1 ]; then
		api POST "/patients/$id/pause"
		[ "$HTTP_STATUS" = 200 ] || fail "pausing $1: HTTP $HTTP_STATUS"
	fi
	if [ "${6:-0}" = 1 ]; then
		post_sms "SMstop$id" "$1" STOP
		[ "$HTTP_STATUS" = 200 ] || fail "STOP from $1: HTTP $HTTP_STATUS"
	fi
}

# A copy of the shipped plans, edited and reloaded at the end.
cp -R "$top_srcdir/config/plans" "$TMPD/plans"
CFG_OUTBOX="poll_interval = 1" CFG_REMINDERS="poll_interval = 1" \
	CFG_CLINIC="emergency_numbers = +1=911" \
	CFG_PLANS_DIR=$TMPD/plans write_config "$TEST_CONF"

set_clock "$(utc '2019-03-09 12:00')"	# a Saturday; plans started Monday
start_daemon
expect_contains "$(cat "$DAEMON_LOG")" "TEST CLOCK" "the test build says so loudly"
enrol_patient "$P_LA" en America/Los_Angeles
enrol_patient "$P_ES" es Europe/London
enrol_patient "$P_PAUSED" en Europe/London '' 1
enrol_patient "$P_OPTED" en Europe/London '' 0 1
enrol_patient "$P_LATE" en Europe/London
# Enrolment now refuses a time inside quiet hours (issue 18); a stored one
# (quiet hours changed since, or an older enrolment) is still moved.
sql "UPDATE patients SET reminder_times = 'walk=22:30', updated_at = updated_at + 1
     WHERE phone = '$P_LATE';"
enrol_patient "$P_DE" de Europe/Berlin
enrol_patient "$P_RESUME" en Europe/London '' 1
id_la=$(sql "SELECT id FROM patients WHERE phone = '$P_LA';")
id_de=$(sql "SELECT id FROM patients WHERE phone = '$P_DE';")
wait_for 10 log_has "patient $id_de changed; reminders recomputed" ||
	fail "patients enrolled by another process were not picked up"
ok "patients enrolled while running are picked up"
expect_eq "$(sql "SELECT count(*) FROM patients WHERE plan = 'dvt-walking' AND enrolled = 1;")" 7 \
	"seven patients enrolled through the API"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action LIKE 'patient.%' AND actor LIKE 'staff:%';")" 9 \
	"each enrolment and pause is in the audit log"

# Welcomes: London and Berlin at once (12:00 UTC is 12:00 and 13:00 there);
# Los Angeles at 04:00 PST is inside quiet hours, so at 08:00 PST (16:00 UTC).
_welcomed() { [ -n "$(welcome_to "$P_ES")" ] && [ -n "$(welcome_to "$P_DE")" ]; }
wait_for 20 _welcomed || fail "the welcomes were not sent"
expect_match "$(welcome_to "$P_ES")" '^2019-03-09T12:00:00Z .*Su médico le ha inscrito' \
	"London (es): welcomed at once, in Spanish"
expect_match "$(welcome_to "$P_DE")" '^2019-03-09T12:00:00Z .*Ihr Arzt hat Sie' \
	"Berlin (de): welcomed at once, in German"
expect_eq "$(welcome_to "$P_LA")" '' "Los Angeles: no welcome at 04:00 local"

# Saturday 09:30 PST is 17:30 UTC.
advance_to "$(utc '2019-03-09 17:30')"
expect_match "$(welcome_to "$P_LA")" '^2019-03-09T16:00:00Z .*Your doctor has enrolled you' \
	"Los Angeles: welcomed when quiet hours end, 08:00 PST"
expect_match "$(sent_to "$P_LA")" \
	'^2019-03-09T17:30:00Z .*Time for your walk: aim for 10 minutes today' \
	"Los Angeles: the walk at 09:30 PST, with week 1's goal"
post_sms SMla1 "$P_LA" 'walked 25 min'
expect_eq "$HTTP_STATUS" 200 "a walking report is accepted"
post_sms SMes1 "$P_ES" 'hoy camine 20 minutos'
expect_eq "$HTTP_STATUS" 200 "a Spanish walking report is accepted"
expect_eq "$(sql "SELECT count(*) FROM activity_reports;")" 2 "both reports logged"

# Berlin 19:00 CET is 18:00 UTC; London 19:00 GMT is 19:00 UTC.
advance_to "$(utc '2019-03-09 19:00')"
expect_match "$(sent_to "$P_DE")" '^2019-03-09T18:00:00Z .*Zeit für Ihre Dehnübungen' \
	"Berlin: stretching at 19:00 local, in German"
expect_match "$(sent_to "$P_ES")" '^2019-03-09T19:00:00Z .*Hora de los estiramientos' \
	"London: stretching at 19:00, in Spanish"
expect_match "$(sent_to "$P_LATE")" '^2019-03-09T19:00:00Z .*stretching' \
	"London: stretching at 19:00, in English"

# The 22:30 walk is in quiet hours (21:00-08:00): it comes at 08:00.
advance_to "$(utc '2019-03-10 08:00')"
expect_not_contains "$(sent_to "$P_LATE")" "2019-03-09T22:30" \
	"nothing sent inside quiet hours"
expect_match "$(sent_to "$P_LATE")" '^2019-03-10T08:00:00Z .*walk' \
	"a walk set inside quiet hours arrives when they end"
post_sms SMstop "$P_LATE" 'STOP'
expect_eq "$HTTP_STATUS" 200 "STOP is accepted"

# London 09:30 GMT: the Spanish patient logged 20 minutes this week.
advance_to "$(utc '2019-03-10 09:30')"
expect_match "$(sent_to "$P_ES")" \
	'^2019-03-10T09:30:00Z .*Muy bien: 20 minutos registrados esta semana. Hoy intente caminar 10 minutos' \
	"the next walking reminder tells what was logged"

# Sunday 09:30 PDT is 16:30 UTC: the wall-clock time survives the change.
advance_to "$(utc '2019-03-10 16:30')"
expect_match "$(sent_to "$P_LA")" \
	'^2019-03-10T16:30:00Z .*Well done: 25 minutes logged this week' \
	"Los Angeles: 09:30 PDT the day the clocks changed, with the log"
expect_eq "$(sent_to "$P_LA" | grep -c 'walk')" 2 "one walk a day, no more"

# Resume one patient, then stop the gateway for a while (downtime).
api POST "/patients/$(sql "SELECT id FROM patients WHERE phone = '$P_RESUME';")/resume"
expect_eq "$HTTP_STATUS" 200 "resumed through the API"
wait_for 10 log_has "patient $(sql "SELECT id FROM patients WHERE phone = '$P_RESUME';") changed" ||
	fail "a resumed patient was not picked up"
ok "a resumed patient is picked up"
stop_daemon
# Back at 20:00 UTC.  Berlin's summary (18:00 CET = 17:00 UTC) is 3 h late:
# skipped.  London's summary at 18:00 is exactly catch_up (2 h) late and
# its stretching 1 h late: both still sent, once, at 20:00.  Berlin's
# stretching (19:00 CET) is only 2 h late too, but it is 21:00 there now:
# quiet hours.
set_clock "$(utc '2019-03-10 20:00')"
start_daemon
wait_for 20 _caught_up || fail "the restart did not catch up"
expect_contains "$(cat "$DAEMON_LOG")" \
	"skipped summary for patient $id_de, due 2019-03-10 18:00 Europe/Berlin, 180 min late" \
	"a fire more than catch_up late is skipped and logged"
expect_contains "$(cat "$DAEMON_LOG")" \
	"skipped stretch for patient $id_de, due 2019-03-10 19:00 Europe/Berlin, 120 min late: quiet hours" \
	"a late fire is not sent into quiet hours"
expect_not_contains "$(sent_to "$P_DE")" "Diese Woche" "and not sent"
expect_match "$(sent_to "$P_ES")" \
	'^2019-03-10T20:00:00Z .*Esta semana: 20 minutos. Su objetivo: 60-120.' \
	"the weekly summary counts what was logged"
expect_eq "$(sent_to "$P_ES" | grep -c 'Esta semana')" 1 "one summary"
expect_contains "$(sent_to "$P_ES" | grep 'Esta semana')" 'llame al 999.' \
	"a UK number's summary in Spanish gives the clinic's emergency number"
expect_match "$(sent_to "$P_ES")" '^2019-03-10T20:00:00Z .*estiramientos' \
	"a fire within catch_up is sent after the restart"
expect_match "$(sent_to "$P_RESUME")" '^2019-03-10T20:00:00Z .*This week: ' \
	"a resumed patient gets reminders again"
expect_contains "$(sent_to "$P_RESUME" | grep 'This week: ')" 'breathlessness: call 999.' \
	"a UK number's summary gives the clinic's emergency number"
expect_eq "$(sent_to "$P_RESUME" | grep -c walk)" 0 \
	"but none from while they were paused"
expect_eq "$(sent_to "$P_PAUSED" | wc -l)" 0 "a paused patient gets nothing"
expect_eq "$(sent_to "$P_OPTED" | wc -l)" 0 "an opted-out patient gets nothing"
expect_eq "$(sent_to "$P_LATE" | grep -c '2019-03-10T19:00')" 0 \
	"nothing after STOP"

# Sunday 18:00 PDT is 01:00 UTC on Monday.
advance_to "$(utc '2019-03-11 01:00')"
expect_match "$(sent_to "$P_LA")" \
	'^2019-03-11T01:00:00Z .*This week: 25 minutes. Your goal: 60-120.' \
	"Los Angeles: the weekly summary at 18:00 PDT"
summary_la=$(sent_to "$P_LA" | grep 'This week: ')
expect_contains "$summary_la" 'breathlessness: call 911.' \
	"a US number's summary gives its own emergency number (emergency_numbers)"
expect_not_contains "$summary_la" '999' "and not the clinic's"

# Monday: week 2 of the plan steps the walk up to 15 minutes (09:30 PDT).
advance_to "$(utc '2019-03-11 16:30')"
expect_match "$(sent_to "$P_LA")" '^2019-03-11T16:30:00Z .*aim for 15 minutes' \
	"the daily goal steps up each week"
expect_eq "$(sql "SELECT last_status FROM schedules WHERE patient_id = $id_de AND reminder = 'summary';")" \
	skipped "the skip is recorded"

# Staff move the plan's walk to 10:00; SIGHUP; Tuesday's walk follows.
sed -i 's/^time = 09:30$/time = 10:00/' "$TMPD/plans/dvt-walking.ini"
kill -HUP "$DAEMON_PID"
wait_for "$TEST_WAIT" log_has "reload: configuration, prompts and rules reloaded" ||
	fail "SIGHUP did not reload"
wait_for "$TEST_WAIT" _caught_up || fail "the reload did not settle"
advance_to "$(utc '2019-03-12 17:00')"
expect_match "$(sent_to "$P_LA")" '^2019-03-12T17:00:00Z .*Time for your walk' \
	"an edited plan takes effect on SIGHUP (10:00 PDT)"
expect_not_contains "$(sent_to "$P_LA")" "2019-03-12T16:30" \
	"and the old time is gone"
expect_eq "$(sent_to "$P_LA" | grep '^2019-03-11' | grep -c 'Time for your walk')" 1 \
	"a time moved later after today's walk does not send it twice"

# Two changes to one patient in the same second (the test clock stands
# still): the second has the first's updated_at, and must not be taken for
# the first seen again (a pause right after an enrolment, or a resume right
# after a pause, was missed so until the next change).
P_TWICE=+447700900306
private "$P_TWICE"
enrol_patient "$P_TWICE" en Europe/London
id_tw=$(sql "SELECT id FROM patients WHERE phone = '$P_TWICE';")
wait_for 10 log_has "patient $id_tw changed; reminders recomputed" ||
	fail "the enrolment was not picked up"
u0=$(sql "SELECT updated_at FROM patients WHERE phone = '$P_TWICE';")
api POST "/patients/$id_tw/pause"
expect_eq "$HTTP_STATUS" 200 'paused through the API, in the second of the enrolment'
expect_eq "$(sql "SELECT paused, updated_at FROM patients WHERE phone = '$P_TWICE';")" \
	"1|$u0" '... stored paused, with the same updated_at'
wait_for 10 log_has "patient $id_tw changed; reminders stopped" ||
	fail "a pause in the same second as the enrolment was not seen: the paused patient keeps their reminders"
ok "a change in the same second as the last one is seen"
# A third change in that second, first polled for after the clock moved on:
# the look reaches back from the last poll, not from the clock's now.
api POST "/patients/$id_tw/resume"
expect_eq "$HTTP_STATUS" 200 '... resumed through the API, in that second too'
set_clock $((NOW + 10))
_resumed_seen() {
	[ "$(grep -cF "patient $id_tw changed; reminders recomputed" "$DAEMON_LOG")" -ge 2 ]
}
wait_for 10 _resumed_seen ||
	fail "a resume in the same second, polled for 10 s later, was not seen"
ok "... and so is one the poll reaches only after the clock moved on"
stop_daemon
finish
