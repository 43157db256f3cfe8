#!/bin/bash
# SPDX-License-Identifier: ISC
# Two gateways on one PostgreSQL database (issue 19), each a real process
# on loopback HTTP with its own port, both sending through the fake
# provider, on the test build's clock (one file both read):
#   0. patients enrolled through both APIs, listed by either, and by the
#      staff command; clotline backup refuses the PostgreSQL store;
#   1. signed webhooks with red flags through the shipped nginx front
#      (contrib/nginx-clotline.conf), its upstream both instances, and
#      staff pausing and resuming every patient on both meanwhile; kill -9
#      of one mid-load: nginx passes what it did not answer on to the
#      other, so every webhook is answered, 200 or (rarely) a 502 or 503
#      the provider retries; every 200 stored; restart,
#      and the provider's retries through nginx until every message is
#      answered 200: every message stored exactly once, every acknowledged
#      one answered with its stored reply, one escalation per sender's
#      episode, each staff change made once and seen by both;
#   2. the acknowledgement timers of those escalations, due while both run:
#      each passes its escalation on once, not once per instance; staff on
#      either instance see the same escalations and acknowledge them;
#   3. a reminder burst due while both run: each patient's reminder queued
#      once (the slot taken before queueing), none in quiet hours;
#   4. the next day's burst taken by one instance alone, killed with -9
#      while its sends are in flight: the other takes its claims over once
#      the lease has run out, as unknown outcomes, and sends them again;
#      every reminder reaches the provider, and the duplicates are at most
#      the dead instance's sends in flight (docs/deployment.md);
#   5. two numbers' messages, red flags among them, each sent to both
#      instances at once (as a provider's retry that reaches the other
#      while the first still works on it), under load: the instances group
#      their commits and never wait for each other's locks inside a group;
#      a member that needs a lock the other holds runs again on its own
#      (clotline_group_alone_total, which must count some); every message
#      stored exactly once, answered identically by both, one escalation
#      per episode;
#   6. PostgreSQL stopped under the running instance: 503 for a webhook,
#      never a 200 for a message not stored, /healthz 503; back again, the
#      provider's retry is stored once.
# A private PostgreSQL cluster is started for it (tests/pg/cluster.sh);
# without PostgreSQL or nginx, or in a build without libpq, the test is
# skipped.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../pg/cluster.sh
. "$top_srcdir/tests/pg/cluster.sh"

[ -x "${CLOTLINE_TESTCLOCK:-}" ] ||
	fail "CLOTLINE_TESTCLOCK is not built (make check builds it)"
: "${WEBHOOKGEN:=$top_builddir/tests/fake/webhookgen}"
[ -x "$WEBHOOKGEN" ] || fail "WEBHOOKGEN is not built (make check builds it)"
pg_cluster_require_build "$CLOTLINE"
nginx_require
pg_cluster_start
_CLEANUP+=(pg_cluster_stop)

CLOTLINE=$CLOTLINE_TESTCLOCK
CLOCK=$TMPD/clock
export CLOTLINE_TEST_CLOCK=$CLOCK
set_clock() {
	printf '%s\n' "$1" >"$CLOCK.tmp"
	mv "$CLOCK.tmp" "$CLOCK"
	NOW=$1
}

# The store is PostgreSQL: the helpers' queries go there.
sql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"
}

ADMIN_TOKEN=pgpair-test-admin-token-0123456
export CLOTLINE_ADMIN_TOKEN=$ADMIN_TOKEN
api() {	# PORT METHOD PATH [JSON]
	local args=(-X "$2" -H "Authorization: Bearer $ADMIN_TOKEN")
	[ -z "${4:-}" ] || args+=(-H 'Content-Type: application/json' --data-binary "$4")
	http_request "${args[@]}" "http://127.0.0.1:$1/api/v1$3"
}

LEASE=12
# How long a wait for the gateways' background work may take: generous,
# since a slow, loaded machine (two cores, or ASan, CLOTLINE_TEST_WAIT)
# only ever makes these longer, and a passing wait ends at once.
LONG=$((TEST_WAIT < 10 ? 60 : 6 * TEST_WAIT))
GRACE=3
INFLIGHT=4
BACKUP=+447700900124
SENDER0=447700700000
NSEND=20
for i in $(seq 0 $((NSEND - 1))); do
	# Day 2's reminder (each number's third request: welcome, day 1, day
	# 2) is answered slowly (within send_timeout), so it is in flight when
	# its sender dies.
	echo "+$((SENDER0 + i)) 201 201 slow:4000"
done >"$TMPD/fake.script"
start_fake "$TMPD/fake.script"

CFG_PROVIDER=twilio CFG_API_BASE="http://127.0.0.1:$FAKE_PORT" \
CFG_STORAGE="backend = postgresql
url = $PG_URL
lease = $LEASE" \
CFG_OUTBOX="poll_interval = 1
connect_timeout = 2
send_timeout = 5
unknown_grace = $GRACE
max_in_flight = $INFLIGHT
rate = 1000" \
CFG_REMINDERS="poll_interval = 1" \
CFG_ESCALATION="ack_timeout = 600" \
CFG_CLINIC="on_call_backup = $BACKUP" \
	write_config "$TEST_CONF"
mkdir "$TMPD/b"
# B on a port of its own, the same after its restart: nginx's upstream.
sed -e 's#^console_log = .*#console_log = outbound-b.log#' \
	-e "s#^listen = .*#listen = 127.0.0.1:$(free_port)#" "$TEST_CONF" >"$TMPD/b/clotline.ini"
chmod 600 "$TMPD/b/clotline.ini"
"$CLOTLINE" check-config -c "$TEST_CONF" >/dev/null ||
	fail "check-config refuses the PostgreSQL configuration"

B_PID=
B_PORT=
_b_ready() {
	[ -s "$TMPD/b/port" ] || ! kill -0 "$B_PID" 2>/dev/null
}
# Starts B.  Its first start takes another port if a test running beside
# this one took the chosen one in the meantime (free_port can only guess);
# later starts must keep it, nginx's upstream names it.
start_b() {
	local tries=0
	while :; do
		rm -f "$TMPD/b/port"
		(cd / && exec "$CLOTLINE" serve -c "$TMPD/b/clotline.ini") 2>>"$TMPD/b/daemon.log" &
		B_PID=$!
		_PIDS+=("$B_PID")
		wait_for "$TEST_WAIT" _b_ready || fail "instance B wrote no port file"
		kill -0 "$B_PID" 2>/dev/null && break
		if [ -z "$B_PORT" ] && [ $((tries += 1)) -lt 5 ] &&
		    tail -3 "$TMPD/b/daemon.log" | grep -q 'Address already in use'; then
			sed -i "s#^listen = .*#listen = 127.0.0.1:$(free_port)#" "$TMPD/b/clotline.ini"
			continue
		fi
		fail "instance B exited during start-up: $(tail -3 "$TMPD/b/daemon.log")"
	done
	B_PORT=$(cat "$TMPD/b/port")
}

# 2026-11-02 is a Monday; London is on UTC.
T0=$(date -u -d '2026-11-02 09:00' +%s)
set_clock "$T0"
start_daemon
A_PORT=$PORT
start_b
ok "two instances on one PostgreSQL database: A on $A_PORT, B on $B_PORT"
expect_eq "$(sql 'SELECT version FROM clotline_schema;')" 12 'migrated once, to version 12'

# Enrolment through either instance; each sees the other's.
for i in $(seq 0 $((NSEND - 1))); do
	p="+$((SENDER0 + i))"
	private "$p"
	port=$A_PORT
	[ $((i % 2)) = 0 ] || port=$B_PORT
	api "$port" POST /patients "{\"phone\": \"$p\", \"language\": \"en\",
	    \"timezone\": \"Europe/London\", \"plan\": \"dvt-walking\",
	    \"start_date\": \"2026-11-02\", \"reminder_times\": \"walk=10:00\"}"
	[ "$HTTP_STATUS" = 201 ] || fail "enrolling $p on $port: HTTP $HTTP_STATUS $HTTP_BODY"
done
api "$A_PORT" GET '/patients?limit=100'
expect_eq "$(grep -o '"phone"' <<<"$HTTP_BODY" | wc -l)" "$NSEND" \
	'A lists every patient, those enrolled through B too'
# The staff command, on either instance's configuration.
run "$CLOTLINE" patient list --json -c "$TMPD/b/clotline.ini"
expect_eq "$RUN_RC" 0 'clotline patient list on PostgreSQL'
expect_eq "$(grep -o '"phone"' <<<"$RUN_OUT" | wc -l)" "$NSEND" '... lists every patient'
run "$CLOTLINE" backup -c "$TEST_CONF" "$TMPD/copy.db"
expect_eq "$RUN_RC" 1 'clotline backup refuses a PostgreSQL store'
expect_contains "$RUN_ERR" 'pg_dump' '... and says what to use instead'

# ------------------------------ 1. webhooks through nginx, and kill -9

# The shipped nginx front, its upstream both instances (docs/deployment.md).
nginx_start "$A_PORT" "$B_PORT"
FRONT=https://127.0.0.1:$TLS_PORT/twilio/sms
ok "contrib/nginx-clotline.conf in front of both (TLS on $TLS_PORT)"
tail -q -n +2 "$top_srcdir"/tests/data/*.tsv | cut -f2 >"$TMPD/messages"
mapfile -t corpus <"$TMPD/messages"
private "${corpus[@]}"
N=600
"$WEBHOOKGEN" --token "$TEST_TOKEN" --url "$TEST_SMS_URL" --count "$N" \
	--senders "$NSEND" --first-sender "+$SENDER0" <"$TMPD/messages" >"$TMPD/load.tsv"

load_webhooks "$TMPD/load.tsv" "$TMPD/out1" "$TMPD/res1" "$FRONT" 8 &
LOAD=$!
_PIDS+=("$LOAD")
# Staff changes under the load, on both: each patient paused through A and
# resumed through B, or through A once B is gone (as staff would).
staff_changes() {
	local i id
	TMPD=$TMPD/staff	# http_request's files, apart from this shell's
	mkdir "$TMPD"
	for i in $(seq 0 $((NSEND - 1))); do
		id=$(sql "SELECT id FROM patients WHERE phone = '+$((SENDER0 + i))';")
		api "$A_PORT" POST "/patients/$id/pause"
		[ "$HTTP_STATUS" = 200 ] || fail "pausing $id on A: HTTP $HTTP_STATUS"
		api "$B_PORT" POST "/patients/$id/resume"
		[ "$HTTP_STATUS" != 000 ] || api "$A_PORT" POST "/patients/$id/resume"
		[ "$HTTP_STATUS" = 200 ] || fail "resuming $id: HTTP $HTTP_STATUS"
	done
}
staff_changes &
STAFF=$!
_PIDS+=("$STAFF")
stored() { sql 'SELECT count(*) FROM inbound_messages;'; }
some_stored() { [ "$(stored)" -ge 100 ]; }
wait_for "$LONG" some_stored || fail "the load stored fewer than 100 messages in $LONG s"
kill -KILL "$B_PID"
{ wait_exit "$B_PID" 5; } 2>/dev/null || fail 'B survived kill -9'
at_kill=$(stored)
wait_exit "$LOAD" $((3 * LONG)) || fail 'the load did not end'
wait_exit "$STAFF" "$LONG" || fail 'the staff changes did not end'
expect_eq "$EXIT_STATUS" 0 'every staff change under the load answered 200'
[ "$at_kill" -lt "$N" ] || fail "the load was over ($at_kill stored) before the kill"
[ "$(grep -c "upstream=127.0.0.1:$B_PORT/200" "$NG/access.log")" -ge 1 ] ||
	fail 'nginx passed nothing to B before the kill'
# Passed on to A: the requests B took and never answered, and those nginx
# tried on B after the kill.
passed=$(grep -cF "upstream=127.0.0.1:$B_PORT, 127.0.0.1:$A_PORT/" "$NG/access.log" || true)
[ "$passed" -ge 1 ] || fail 'nginx passed nothing B did not answer on to A'
acked=$(sids_with 200 "$TMPD/res1" | wc -l)
# A 503 (A's lock wait for one sender ran out) is passed to B, and when B
# is dead nginx answers 502: both retried by the provider.
busy=$(awk '$1 == 502 || $1 == 503' "$TMPD/res1" | wc -l)
expect_eq "$(awk '$1 != 200 && $1 != 502 && $1 != 503' "$TMPD/res1" | wc -l)" 0 \
	"kill -9 of B mid-load through nginx: every webhook answered ($passed passed on to A), 200 or one the provider retries"
ok "$acked of $N answered 200, $busy 502 or 503, $at_kill stored at the kill"
sql 'SELECT provider_sid FROM inbound_messages;' | sort >"$TMPD/stored1"
expect_eq "$(comm -23 <(sids_with 200 "$TMPD/res1") "$TMPD/stored1" | wc -l)" 0 \
	'every message answered 200 is stored'

start_b
# nginx sends to B again once fail_timeout has passed: an unsigned POST
# (403 from the gateway, no failure to nginx) until one lands on B.
on_b() {
	http_request -k -d MessageSid=probe "$FRONT"
	tail -n 1 "$NG/access.log" | grep -qF "upstream=127.0.0.1:$B_PORT/403"
}
wait_for "$LONG" on_b || fail 'nginx did not send to B again after its restart'
# The provider retries every message, and again what was not answered 200.
cp "$TMPD/load.tsv" "$TMPD/retry.tsv"
: >"$TMPD/acked2"
front0=$(wc -l <"$NG/access.log")
round=0
while [ -s "$TMPD/retry.tsv" ]; do
	round=$((round + 1))
	[ "$round" -le 5 ] || fail "after 5 rounds of retries $(wc -l <"$TMPD/retry.tsv") still not answered 200"
	load_webhooks "$TMPD/retry.tsv" "$TMPD/out2" "$TMPD/res2.$round" "$FRONT" 8
	sids_with 200 "$TMPD/res2.$round" >>"$TMPD/acked2"
	awk 'NR == FNR { ok[$1] = 1; next } !($1 in ok)' "$TMPD/acked2" "$TMPD/load.tsv" >"$TMPD/retry.tsv"
done
expect_eq "$(sort -u "$TMPD/acked2" | wc -l)" "$N" \
	"every retry answered 200 through nginx ($round rounds)"
[ "$(tail -n +$((front0 + 1)) "$NG/access.log" | grep -c "upstream=127.0.0.1:$B_PORT/200")" -ge 1 ] ||
	fail 'no retry went to B after its restart'
expect_eq "$(sql 'SELECT count(*), count(DISTINCT provider_sid) FROM inbound_messages;')" "$N|$N" \
	'each MessageSid stored exactly once'
changed=0
for sid in $(sids_with 200 "$TMPD/res1"); do
	cmp -s "$TMPD/out1/$sid" "$TMPD/out2/$sid" || changed=$((changed + 1))
done
expect_eq "$changed" 0 'each acknowledged message answered from the store on retry, identically'
expect_eq "$(sql "SELECT count(*), count(DISTINCT inbound_id) FROM escalation_messages;")" \
	"$(sql "SELECT count(*), count(*) FROM inbound_messages WHERE level IN ('urgent', 'emergency');")" \
	'each red flag attached to an escalation once'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('patient.pause', 'patient.resume');")" \
	$((2 * NSEND)) 'the staff changes under the load: each pause and resume once'
api "$A_PORT" GET '/patients?status=paused'
expect_contains "$HTTP_BODY" '"patients":[]' '... and A sees every resume made through B'
nesc=$(sql 'SELECT count(*) FROM escalations;')
[ "$nesc" -ge 1 ] || fail 'the load raised no escalation'
expect_eq "$(sql 'SELECT count(*) FROM (SELECT phone FROM escalations GROUP BY phone HAVING count(*) > 1) d;')" 0 \
	"one escalation per sender's episode ($nesc escalations)"
expect_eq "$(sql 'SELECT count(*) FROM escalations e WHERE NOT EXISTS (SELECT 1 FROM escalation_alerts a WHERE a.escalation_id = e.id);')" 0 \
	'every escalation raised its alert'

# --------------------------------------------- 2. acknowledgement timers once

set_clock $((T0 + 630))
timed_out() {
	[ "$(sql "SELECT count(DISTINCT escalation_id) FROM escalation_alerts WHERE reason = 'timeout';")" = "$nesc" ]
}
wait_for "$LONG" timed_out || fail 'the acknowledgement timers did not fire'
# Both instances look at the timers every poll_interval (1 s) of real
# time: in 3 s each has looked again, and a second firing would show.
# (A wait for something not to happen; the checks right after the first
# firing proved nothing about the instance that had not looked yet.)
sleep 3
kill -0 "$B_PID" && kill -0 "$DAEMON_PID" || fail 'an instance died'
expect_eq "$(sql "SELECT count(*) FROM escalation_alerts WHERE reason = 'timeout';")" "$nesc" \
	'each timer passed its escalation on once, not once per instance'
expect_eq "$(sql "SELECT count(*) FROM escalations WHERE chain_pos <> 1 OR alerted_to <> '$BACKUP';")" 0 \
	'... each to the backup number'
# Staff acknowledge them on B; A sees it.
for id in $(sql 'SELECT id FROM escalations;'); do
	api "$B_PORT" POST "/escalations/$id/ack" '{"note": "seen"}'
	[ "$HTTP_STATUS" = 200 ] || fail "ack $id on B: HTTP $HTTP_STATUS"
done
api "$A_PORT" GET '/escalations?open=1'
expect_contains "$HTTP_BODY" '"escalations":[]' 'A sees every escalation acknowledged on B'

# ------------------------------------------------- 3. a reminder burst, both
settled() {
	[ "$(sql "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending', 'unknown');")" = 0 ]
}
set_clock $((T0 + 3600 + 60))	# 10:01, day 1
day1() { [ "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'reminder';")" -ge "$NSEND" ]; }
wait_for "$LONG" day1 || fail 'day 1 reminders were not queued'
wait_for "$LONG" settled || fail 'day 1 reminders were not sent'
expect_eq "$(sql "SELECT count(*), count(DISTINCT patient_id) FROM outbound_messages WHERE kind = 'reminder';")" \
	"$NSEND|$NSEND" 'day 1: each patient reminded once, by whichever instance took the slot'
expect_eq "$(sql "SELECT count(*) FROM reminder_slots;")" "$NSEND" '... one slot each'
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'reminder' AND status = 'sent';")" \
	"$NSEND" '... and sent'
# Quiet hours are 21:00-08:00 local (London is UTC): none queued in them.
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'reminder' AND ((created_at % 86400) >= 21 * 3600 OR (created_at % 86400) < 8 * 3600);")" 0 \
	'no reminder queued in quiet hours'

# ------------------------- 4. day 2: one instance alone, killed mid-send
kill -STOP "$DAEMON_PID"
set_clock $((T0 + 86400 + 3600 + 60))	# 10:01, day 2
# Queued, and at least one send reached the provider (it logs on arrival).
inflight() {
	[ "$(fake_count '"action":"slow:')" -ge 1 ] &&
		[ "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'reminder';")" -ge $((2 * NSEND)) ]
}
if ! wait_for "$LONG" inflight; then
	kill -CONT "$DAEMON_PID"
	fail 'B queued and claimed no day 2 reminder with A stopped'
fi
# B is stopped before its claims are read, so none can finish between the
# reading and the kill (a send finishing there once made the claims
# counted differ from those left).  It must die with a send the provider
# took: if its sends in flight had all just finished, it goes on a moment.
reached() {	# how many of the claims $held the provider has seen
	local to n=0
	for to in $(sql "SELECT to_phone FROM outbound_messages WHERE id IN ($held);"); do
		grep -F "\"to\":\"$to\"" "$FAKE_LOG" | grep -qF '"action":"slow:' && n=$((n + 1))
	done
	echo "$n"
}
b_stopped_mid_send() {
	kill -STOP "$B_PID"
	held=$(sql "SELECT string_agg(CAST(id AS TEXT), ',') FROM outbound_messages WHERE status = 'sending';")
	[ -n "$held" ] && [ "$(reached)" -ge 1 ] && return 0
	kill -CONT "$B_PID"
	return 1
}
if ! wait_for "$LONG" b_stopped_mid_send; then
	kill -CONT "$DAEMON_PID"
	fail 'B was never caught with a send in flight that the provider had taken'
fi
claimed=$(sql "SELECT count(*) FROM outbound_messages WHERE id IN ($held);")
kill -KILL "$B_PID"
{ wait_exit "$B_PID" 5; } 2>/dev/null || fail 'B survived kill -9'
kill -CONT "$DAEMON_PID"
ok "B queued day 2's $NSEND reminders alone and died with $claimed in flight, $(reached) of them at the provider"
# Within the lease A leaves them alone.
http_get /healthz
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE id IN ($held) AND status = 'sending';")" "$claimed" \
	"within the lease ($LEASE s) the dead instance's claims are left alone"
took0=$(grep -c 'took over [0-9]* messages' "$DAEMON_LOG" 2>/dev/null || true)
set_clock $((NOW + LEASE + 1))
# (A took over B's claims of the first kill already, at the first clock move.)
taken() {
	[ "$(sql "SELECT count(*) FROM outbound_messages WHERE id IN ($held) AND status = 'sending';")" = 0 ]
}
wait_for "$LONG" taken || fail 'A did not take over the claims after the lease'
# Said in the log, in one line or, when a poll raced the kill, in several.
took_logged() {
	[ "$(grep -c 'took over [0-9]* messages' "$DAEMON_LOG" 2>/dev/null || true)" -gt "${took0:-0}" ]
}
wait_for 10 took_logged ||
	fail "A's log does not say it took over B's $claimed messages"

expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE id IN ($held) AND status = 'sending';")" 0 \
	'... then takes them over'
set_clock $((NOW + GRACE + 1))
wait_for "$LONG" settled || fail "the taken-over reminders were not sent: $(sql "SELECT status, count(*) FROM outbound_messages GROUP BY status;")"
expect_eq "$(sql "SELECT count(*), count(DISTINCT patient_id) FROM outbound_messages WHERE kind = 'reminder' AND created_at >= $((T0 + 86400));")" \
	"$NSEND|$NSEND" 'day 2: each patient reminded once (A found the slots taken)'
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE status <> 'sent';")" 0 \
	'every message sent in the end'
# The documented bound: each instance killed mid-send may have had up to
# max_in_flight sends the provider took but the store never heard of.
rows=$(sql "SELECT count(*) FROM outbound_messages;")
reqs=$(fake_count)
dups=$((reqs - rows))
[ "$dups" -ge 1 ] && [ "$dups" -le $((2 * INFLIGHT)) ] ||
	fail "$reqs requests to the provider for $rows messages: $dups duplicates, expected 1 to $((2 * INFLIGHT)) (max_in_flight for each of the two kills)"
ok "$reqs requests to the provider for $rows messages: $dups duplicates, within max_in_flight ($INFLIGHT) for each kill"
# ------------- 5. one number's messages at both instances at once, grouped
start_b
T5=$NOW
NSAME=400
"$WEBHOOKGEN" --token "$TEST_TOKEN" --url "$TEST_SMS_URL" --count "$NSAME" \
	--run 5 --senders 2 --first-sender "+$SENDER0" <"$TMPD/messages" >"$TMPD/same.tsv"
load_webhooks "$TMPD/same.tsv" "$TMPD/out5a" "$TMPD/res5a" "$A_PORT" 8 &
LOAD_A=$!
load_webhooks "$TMPD/same.tsv" "$TMPD/out5b" "$TMPD/res5b" "$B_PORT" 8 &
LOAD_B=$!
_PIDS+=("$LOAD_A" "$LOAD_B")
wait_exit "$LOAD_A" $((3 * LONG)) || fail 'the load on A did not end'
wait_exit "$LOAD_B" $((3 * LONG)) || fail 'the load on B did not end'
expect_eq "$(awk '$1 != 200 && $1 != 503' "$TMPD/res5a" "$TMPD/res5b" | wc -l)" 0 \
	'each message at both instances at once: every answer 200 or 503'
sql "SELECT provider_sid FROM inbound_messages WHERE received_at >= $T5;" | sort >"$TMPD/stored5"
expect_eq "$(comm -23 <(sids_with 200 "$TMPD/res5a" "$TMPD/res5b" | sort -u) "$TMPD/stored5" | wc -l)" 0 \
	'every message answered 200 by either instance is stored'
both=0
changed=0
for sid in $(comm -12 <(sids_with 200 "$TMPD/res5a") <(sids_with 200 "$TMPD/res5b")); do
	both=$((both + 1))
	cmp -s "$TMPD/out5a/$sid" "$TMPD/out5b/$sid" || changed=$((changed + 1))
done
[ "$both" -ge 1 ] || fail 'no message was answered 200 by both instances'
expect_eq "$changed" 0 "the $both messages answered 200 by both: answered identically (one stored, one from the store)"
# The provider retries what neither answered 200.
awk 'NR == FNR { ok[$1] = 1; next } !($1 in ok)' \
	<(sids_with 200 "$TMPD/res5a" "$TMPD/res5b") "$TMPD/same.tsv" >"$TMPD/retry5.tsv"
if [ -s "$TMPD/retry5.tsv" ]; then
	load_webhooks "$TMPD/retry5.tsv" "$TMPD/out5a" "$TMPD/res5r" "$A_PORT" 8
	expect_eq "$(awk '$1 != 200' "$TMPD/res5r" | wc -l)" 0 \
		"the $(wc -l <"$TMPD/retry5.tsv") answered 503 by both: answered 200 on retry"
fi
expect_eq "$(sql "SELECT count(*), count(DISTINCT provider_sid) FROM inbound_messages WHERE received_at >= $T5;")" \
	"$NSAME|$NSAME" "each of the $NSAME MessageSids stored exactly once"
expect_eq "$(sql "SELECT count(*) FROM (SELECT phone FROM escalations WHERE created_at >= $T5 GROUP BY phone HAVING count(*) > 1) d;")" 0 \
	'one escalation per episode'
expect_eq "$(sql "SELECT count(*), count(DISTINCT inbound_id) FROM escalation_messages m JOIN inbound_messages i ON i.id = m.inbound_id WHERE i.received_at >= $T5;")" \
	"$(sql "SELECT count(*), count(*) FROM inbound_messages WHERE received_at >= $T5 AND level IN ('urgent', 'emergency');")" \
	'each red flag attached to its escalation once'
alone=0
groups=0
for port in "$A_PORT" "$B_PORT"; do
	http_request "http://127.0.0.1:$port/metrics"
	v=$(metric clotline_group_alone_total)
	alone=$((alone + ${v:-0}))
	v=$(metric clotline_group_commit_messages_total)
	groups=$((groups + ${v:-0}))
done
[ "$groups" -ge 1 ] || fail 'no message was answered after a group commit'
[ "$alone" -ge 1 ] || fail 'no group member found a lock held by the other instance (clotline_group_alone_total 0): the path is not exercised'
ok "$groups messages answered after group commits, $alone run again alone for a lock the other instance held"

# ------------------------------------------------- 6. PostgreSQL goes away
pg_cluster_down
post_sms SMpgdown "+$SENDER0" 'my leg is a bit better today'
expect_eq "$HTTP_STATUS" 503 'PostgreSQL down: the webhook is answered 503'
http_get /healthz
expect_eq "$HTTP_STATUS" 503 '... and /healthz is 503'
pg_cluster_up
healthy() { http_get /healthz; [ "$HTTP_STATUS" = 200 ]; }
wait_for "$LONG" healthy || fail '/healthz did not recover with PostgreSQL back'
post_sms SMpgdown "+$SENDER0" 'my leg is a bit better today'
expect_eq "$HTTP_STATUS" 200 "PostgreSQL back: the provider's retry is answered 200"
expect_eq "$(inbound_count SMpgdown)" 1 '... and stored once'
log_has 'connected to PostgreSQL again' || fail 'A does not say it reconnected'

# B's log too (finish checks A's).
DAEMON_LOG=$TMPD/b/daemon.log expect_log_clean
finish
