#!/bin/bash
# SPDX-License-Identifier: ISC
# `clotline patient` on the test database: --help, exit codes (0 done, 1
# refused or failed, 2 usage or a rejected value) with one clear line on
# stderr, add/list/show/update/pause/resume/remove, the audit log, consent
# after STOP, and a running daemon sending the welcome the CLI queued.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

P1=+447700900801
P2=+447700900802

CFG_OUTBOX='poll_interval = 1' write_config "$TEST_CONF"
grep -q '^plans_dir' "$TEST_CONF" ||
	printf '\n[reminders]\nplans_dir = %s/config/plans\n' "$top_srcdir" >>"$TEST_CONF"

# pt ARGS...: clotline patient ARGS on the test configuration, as "tester".
pt() {
	run "$CLOTLINE" patient "$@" -c "$TEST_CONF" --actor tester
}

# jout JSONPATH: a value of the JSON the last command printed.
jout() {
	printf '%s' "$RUN_OUT" >"$TMPD/out.json"
	sqlite3 -batch -noheader :memory: \
		"SELECT json_extract(CAST(readfile('$TMPD/out.json') AS TEXT), '$1');"
}

# expect_error RC NEEDLE MESSAGE: exit RC, nothing on stdout, one line on
# stderr containing NEEDLE.
expect_error() {
	expect_eq "$RUN_RC" "$1" "$3: exit $1"
	expect_eq "$RUN_OUT" '' "$3: nothing on stdout"
	expect_eq "$(printf '%s\n' "$RUN_ERR" | wc -l)" 1 "$3: one line on stderr"
	expect_contains "$RUN_ERR" "$2" "$3: stderr says '$2'"
}

# ------------------------------------------------------------------ help

run "$CLOTLINE" patient --help
expect_eq "$RUN_RC" 0 'patient --help: exit 0'
expect_eq "$RUN_ERR" '' 'patient --help: nothing on stderr'
for c in add list show update pause resume remove; do
	expect_match "$RUN_OUT" "^  $c " "patient --help lists $c"
	run "$CLOTLINE" patient "$c" --help
	expect_eq "$RUN_RC" 0 "patient $c --help: exit 0"
	expect_contains "$RUN_OUT" "usage: clotline patient $c" "patient $c --help: its usage"
	run "$CLOTLINE" patient --help
done
expect_contains "$RUN_OUT" 'Exit status' 'patient --help documents the exit codes'
run "$CLOTLINE" --help
expect_contains "$RUN_OUT" 'patient' 'clotline --help lists patient'

run "$CLOTLINE" patient
expect_eq "$RUN_RC" 2 'patient without a command: exit 2'
expect_contains "$RUN_ERR" 'usage: clotline patient' 'patient without a command: usage on stderr'
run "$CLOTLINE" patient frobnicate
expect_error 2 "'frobnicate'" 'unknown patient command'
pt add
expect_eq "$RUN_RC" 2 'add without PHONE: exit 2'
expect_contains "$RUN_ERR" 'missing PHONE' 'add without PHONE: says so'
pt show 1 2
expect_eq "$RUN_RC" 2 'show with two arguments: exit 2'
pt add "$P1" --plan dvt-walking --status paused
expect_eq "$RUN_RC" 2 'add --status: exit 2'
expect_contains "$RUN_ERR" 'does not take --status' 'add --status: names the option'
pt add "$P1" --plan dvt-walking --bogus
expect_eq "$RUN_RC" 2 'an unknown option: exit 2'
run "$CLOTLINE" patient list -c "$TMPD/missing.ini"
expect_eq "$RUN_RC" 1 'a missing configuration: exit 1'
expect_contains "$RUN_ERR" 'missing.ini' 'a missing configuration: names the file'

# ------------------------------------------------------ rejected values

pt add 07700900801 --plan dvt-walking
expect_error 2 'E.164' 'add: a national number'
pt add "$P1" --plan marathon
expect_error 2 "--plan: 'marathon' is not a plan (plans: dvt-walking)" 'add: an unknown plan'
pt add "$P1"
expect_error 2 '--plan: is required' 'add: no plan'
pt add "$P1" --plan dvt-walking --timezone Europe/Atlantis
expect_error 2 '--timezone' 'add: an unknown zone'
pt add "$P1" --plan dvt-walking --language xx
expect_error 2 '--language' 'add: a language without prompts'
pt add "$P1" --plan dvt-walking --start-date 2026-13-01
expect_error 2 '--start-date' 'add: month 13'
pt add "$P1" --plan dvt-walking --quiet-end 24:00
expect_error 2 '--quiet-end' 'add: 24:00'
# Issue 18: doubtful numbers and times, each refused naming the field.
pt add +999999999999999 --plan dvt-walking
expect_error 2 'PHONE: '"'"'+999999999999999'"'"' begins with no country calling code' 'add: no such country code'
pt add +4407700900125 --plan dvt-walking
expect_error 2 'keeps the national trunk prefix 0 after the country code +44; drop it (+447700900125)' \
	'add: the trunk 0 kept after +44'
pt add "$P1" --plan dvt-walking --timezone EST
expect_error 2 "--timezone: 'EST' is a legacy zone name" 'add: a zone without daylight saving'
pt add "$P1" --plan dvt-walking --reminder-times stretch=22:30
expect_error 2 '--reminder-times: stretch at 22:30 is inside the quiet hours' 'add: a time inside quiet hours'
pt add "$P1" --plan dvt-walking --walk-target lots
expect_error 2 '--walk-target' 'add: walk target not a number'
pt add "$P1" --plan dvt-walking --reminder-times walk
expect_error 2 '--reminder-times' 'add: reminder times malformed'
run "$CLOTLINE" patient add "$P1" --plan dvt-walking -c "$TEST_CONF" --actor 'Dr Who'
expect_error 2 '--actor' 'add: an actor name with a space'
expect_eq "$(sql 'SELECT count(*) FROM patients;')" 0 'nothing stored by the rejected commands'

# --------------------------------------------------------- add and list

run env USER=tester2 SUDO_USER= "$CLOTLINE" patient add "$P1" --plan dvt-walking \
	--name 'Zoë Example' --timezone America/New_York --end-date 2099-12-31 -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'add: exit 0'
expect_contains "$RUN_OUT" "($P1) enrolled on plan dvt-walking" 'add: says who and the plan'
expect_contains "$RUN_OUT" 'welcome message is queued' 'add: says the welcome is queued'
# A UK number living on New York time: enrolled, with a warning to check
# which emergency number the patient can call (issue 16).
expect_contains "$RUN_ERR" 'warning: time zone America/New_York is in US, not in the clinic' \
	'add: warns that the time zone is outside the clinic'"'"'s country'
expect_eq "$(printf '%s\n' "$RUN_ERR" | wc -l)" 1 'add: nothing else on stderr'
id1=$(sql "SELECT id FROM patients WHERE phone = '$P1';")
expect_eq "$(sql "SELECT enrolled, plan, timezone, end_date, quiet_start, quiet_end FROM patients WHERE id = $id1;")" \
	'1|dvt-walking|America/New_York|2099-12-31|21:00|08:00' 'add: stored, with default quiet hours'
expect_eq "$(sql "SELECT actor, action, subject FROM audit_log;")" "staff:tester2|patient.add|$P1" \
	'add: audited as $USER'
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'welcome' AND to_phone = '$P1';")" 1 \
	'add: the welcome is in the outbox'

pt add "$P1" --plan dvt-walking
expect_error 1 'already enrolled' 'add: the same number again'
pt add "$P2" --plan dvt-walking --json
expect_eq "$RUN_RC" 0 'add --json: exit 0'
expect_eq "$(jout '$.phone')" "$P2" 'add --json: the patient as JSON'

pt list
expect_eq "$RUN_RC" 0 'list: exit 0'
expect_match "$RUN_OUT" '^ID +PHONE +NAME +STATUS +PLAN' 'list: a header'
expect_match "$RUN_OUT" "^$id1 +\\$P1 +Zoë Example +active +dvt-walking" 'list: a row per patient'
expect_contains "$RUN_OUT" '(2 patients)' 'list: the count'
pt list --json
expect_eq "$(jout '$.count')" 2 'list --json: the count'
pt list --status sleeping
expect_error 2 '--status' 'list: an unknown status'

# ------------------------------------------------------------ show

pt show "$id1"
expect_eq "$RUN_RC" 0 'show by id: exit 0'
expect_contains "$RUN_OUT" "phone           $P1" 'show: the number'
expect_contains "$RUN_OUT" 'timezone        America/New_York' 'show: the zone'
expect_contains "$RUN_OUT" 'next reminders' 'show: the next reminders'
expect_contains "$RUN_OUT" 'walk goal today 10 minutes' "show: week one's walking goal"
pt show "$P1"
expect_contains "$RUN_OUT" "patient $id1" 'show by number'
pt show 999
expect_error 1 'no patient 999' 'show: an unknown id'
pt show +447700900999
expect_error 1 'no patient with the number' 'show: an unknown number'
pt show 12abc
expect_error 2 'neither a patient id nor an E.164 number' 'show: neither id nor number'

# ---------------------------------------------------------- update

sql "UPDATE patients SET updated_at = 0 WHERE id = $id1;"
pt update "$id1" --end-date '' --walk-target 25 --reminder-times walk=10:15
expect_eq "$RUN_RC" 0 'update: exit 0'
expect_eq "$(sql "SELECT coalesce(end_date, 'none'), walk_target, reminder_times, CAST(updated_at > 0 AS INTEGER) FROM patients WHERE id = $id1;")" \
	'none|25|walk=10:15|1' 'update: cleared, set, and updated_at bumped'
expect_contains "$(sql "SELECT detail FROM audit_log WHERE action = 'patient.update';")" \
	'end_date 2099-12-31 -> (none)' 'update: the audit row says what changed'
pt update "$id1"
expect_error 2 'nothing to change' 'update without fields'
pt update "$id1" --start-date 2098-01-01 --end-date 2097-01-01
expect_error 2 '--end-date' 'update: end before start'
pt update 999 --name x
expect_error 1 'no patient 999' 'update: an unknown id'

# -------------------------------------------- pause, resume, consent

pt pause "$P1"
expect_eq "$RUN_RC $(sql "SELECT paused FROM patients WHERE id = $id1;")" '0 1' 'pause: exit 0, paused'
pt list --status paused
expect_contains "$RUN_OUT" "$P1" 'list --status paused'
pt resume "$id1"
expect_eq "$RUN_RC $(sql "SELECT paused FROM patients WHERE id = $id1;")" '0 0' 'resume: exit 0, resumed'
sql "UPDATE patients SET opted_out = 1 WHERE id = $id1;"	# as after STOP
pt pause "$id1"
pt resume "$id1"
expect_error 1 '--force-resubscribe' 'resume after STOP: refused'
expect_eq "$(sql "SELECT opted_out, paused FROM patients WHERE id = $id1;")" '1|1' 'resume after STOP: nothing changed'
pt resume "$id1" --force-resubscribe
expect_eq "$RUN_RC $(sql "SELECT opted_out, paused FROM patients WHERE id = $id1;")" '0 0|0' \
	'resume --force-resubscribe: opted in and resumed'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'patient.resubscribe' AND actor = 'staff:tester';")" 1 \
	'resubscribe audited'

# --------------------------------------------------- remove, add again

pt remove "$P2"
expect_eq "$RUN_RC" 0 'remove: exit 0'
expect_contains "$RUN_OUT" 'history are kept' 'remove: says the history is kept'
pt list
expect_not_contains "$RUN_OUT" "$P2" 'list: the removed patient is gone'
pt list --status removed
expect_contains "$RUN_OUT" "$P2" 'list --status removed'
pt pause "$P2"
expect_error 1 'removed' 'pause a removed patient: refused'
id2=$(sql "SELECT id FROM patients WHERE phone = '$P2';")
pt add "$P2" --plan dvt-walking
expect_eq "$RUN_RC $(sql "SELECT id, enrolled FROM patients WHERE phone = '$P2';")" "0 $id2|1" \
	'add again: the same record, enrolled'
expect_eq "$(sql_list ' ' 'SELECT action FROM audit_log ORDER BY id;')" \
	'patient.add patient.add patient.update patient.pause patient.resume patient.pause patient.resubscribe patient.resume patient.remove patient.add' \
	'every change audited, in order'

# ------------------------------------------ the daemon sends the welcome

sql "UPDATE outbound_messages SET status = 'cancelled' WHERE kind = 'welcome';"
start_daemon
P3=+447700900803
pt add "$P3" --plan dvt-walking --quiet-start 00:00 --quiet-end 00:00
expect_eq "$RUN_RC" 0 'add beside a running daemon: exit 0'
welcome_sent() { grep -q "to=$P3 .*Your doctor has enrolled you" "$TMPD/outbound.log" 2>/dev/null; }
wait_for 15 welcome_sent || fail 'the daemon never sent the welcome the CLI queued'
ok 'the running daemon sent the welcome the CLI queued'
stop_daemon

finish
