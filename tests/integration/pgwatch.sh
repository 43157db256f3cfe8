#!/bin/bash
# SPDX-License-Identifier: ISC
# A change to a patient reaches a gateway on PostgreSQL at once, not at its
# next poll (issue 19): the store announces every change to the patients
# with NOTIFY, and each gateway LISTENs on a connection of its own.
#   1. a gateway whose reminders poll once an hour sees a patient enrolled
#      by the staff command (another process) within seconds, and a pause;
#   2. its listening connection killed: it says so, listens again within
#      seconds, and sees the next change at once;
#   3. PostgreSQL restarted under it: the same.
# A private PostgreSQL cluster is started for it (tests/pg/cluster.sh);
# without PostgreSQL, or in a build without libpq, the test is skipped.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../pg/cluster.sh
. "$top_srcdir/tests/pg/cluster.sh"

pg_cluster_require_build "$CLOTLINE"
pg_cluster_start
_CLEANUP+=(pg_cluster_stop)

sql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"
}

# Polls once an hour: what is seen within seconds came by the notice.
CFG_STORAGE="backend = postgresql
url = $PG_URL" \
CFG_REMINDERS="poll_interval = 3600" \
	write_config "$TEST_CONF"
start_daemon
ok "a gateway on PostgreSQL whose reminders poll once an hour"

NOTICE=10	# seconds: a notice is read within one; the rest is slack
seen() {	# ID WHAT: A's log says patient ID changed (its Nth time)
	[ "$(grep -cF "reminders: patient $1 changed" "$DAEMON_LOG")" -ge "$2" ]
}

# ------------------------------------------------- 1. enrolment and pause
P=+447700900771
private "$P"
run "$CLOTLINE" patient add "$P" --plan dvt-walking -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline patient add (another process)'
ID=$(sql "SELECT id FROM patients WHERE phone = '$P';")
wait_for "$NOTICE" seen "$ID" 1 ||
	fail "the enrolment did not reach the gateway within ${NOTICE}s (its poll is an hour)"
ok 'the enrolment reached the running gateway at once'
sleep 1	# a change in the same second as the last one is not told apart
run "$CLOTLINE" patient pause "$P" -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline patient pause'
wait_for "$NOTICE" seen "$ID" 2 || fail "the pause did not reach the gateway within ${NOTICE}s"
log_has "reminders: patient $ID changed; reminders stopped" ||
	fail 'the gateway did not stop the paused patient'"'"'s reminders'
ok '... and so did the pause: its reminders stopped'

# ------------------------------------- 2. the listening connection killed
killed=$(sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN clotline_patients';")
expect_eq "$killed" 1 'one connection listens for the notices'
said_lost() { log_has 'storage: no change notices from PostgreSQL'; }
wait_for "$NOTICE" said_lost || fail 'the gateway did not say its notices stopped'
back() { [ "$(grep -cF 'storage: change notices from PostgreSQL again' "$DAEMON_LOG")" -ge "$1" ]; }
wait_for 30 back 1 || fail 'the gateway did not listen again'
ok 'its listening connection killed, it said so and listens again'
sleep 1
run "$CLOTLINE" patient resume "$P" -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline patient resume'
wait_for "$NOTICE" seen "$ID" 3 || fail "the resume did not reach the gateway within ${NOTICE}s"
log_has "reminders: patient $ID changed; reminders recomputed" ||
	fail 'the gateway did not take the resumed patient'"'"'s reminders up again'
ok '... and the next change reached it at once'

# --------------------------------------------- 3. PostgreSQL restarted
pg_cluster_down
pg_cluster_up
wait_for 30 back 2 || fail 'the gateway did not listen again after a restart of PostgreSQL'
sleep 1
run "$CLOTLINE" patient update "$P" --walk-target 25 -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline patient update'
wait_for "$NOTICE" seen "$ID" 4 || fail "the update did not reach the gateway within ${NOTICE}s"
ok 'PostgreSQL restarted: the gateway listens again and sees the next change at once'

finish
