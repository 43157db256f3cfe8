#!/bin/bash
# SPDX-License-Identifier: ISC
# Where an inbound message's time goes on PostgreSQL (issue 19's "within 2x
# of SQLite" target): one gateway on a private cluster (fsync on), the
# realistic mix of bench/compare.sh, one wrk run, then per message stored:
#   statements    PostgreSQL's count (pg_stat_statements), by statement,
#                 with the backend's execution time of each;
#   commits       transactions committed, the group commits and their
#                 members (the gateway's metrics), WAL syncs (pg_stat_wal);
#   CPU           user and system time of the gateway and of its
#                 PostgreSQL backends (/proc/PID/stat), in microseconds;
#   round trips   a second run of the same load with strace -c attached
#                 to the gateway: its sendto/recvfrom/poll calls a message
#                 (libpq's send and receive; the HTTP side uses
#                 read/readv/writev), so a pipeline counts once.
#
#   bench/pgcost.sh [SECONDS] [CONNECTIONS]      defaults 10 64
#
#   BENCH_BIN=PATH   another gateway binary (an experiment)
#   BENCH_DIR=DIR    keep everything there
#
# Needs what bench/compare.sh needs less node, and strace; PostgreSQL's
# pg_stat_statements module (in Debian's postgresql package).  The servers
# on CPU 0 and wrk on CPU 1, as compare.sh runs them.  docs/BENCHMARKS.md
# records runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-64}
BIN=${BENCH_BIN:-$PWD/src/clotline}
GEN=$PWD/tests/fake/webhookgen
TOKEN=bench-token-not-a-secret
PUBLIC=https://clinic.example.org
COUNT=$((SECS * 25000))
SENDERS=20000

# shellcheck source=lib.sh
. bench/lib.sh
# shellcheck source=../tests/pg/cluster.sh
. tests/pg/cluster.sh
bench_need wrk curl strace
[ -x "$BIN" ] && [ -x "$GEN" ] ||
	{ echo "pgcost.sh: build first: make && make tests/fake/webhookgen" >&2; exit 1; }
bench_scratch pg_cluster_stop

PG_CLUSTER_FSYNC=on
PG_CLUSTER_OPTS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
[ ${#SERVER_CPU[@]} -eq 0 ] || PG_CLUSTER_WRAP="${SERVER_CPU[*]}"
pg_cluster_start
pg_sql 'SET client_min_messages = warning; CREATE SCHEMA pgss; CREATE EXTENSION pg_stat_statements SCHEMA pgss;'
PG_STORAGE="backend = postgresql
url = $PG_URL"

bench_mix_realistic "$TMP/messages"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $pinning"
echo "clotline $("$BIN" --version | cut -d' ' -f2), $("$PG_BIN/postgres" --version)"
echo "load: wrk -t1 -c$CONNS -d${SECS}s, realistic mix, $SENDERS senders"
echo "synchronous 4 KiB write: $(sync_ms) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# cpu_us PID...: user + system time of the processes, in microseconds.
cpu_us() {
	local hz
	hz=$(getconf CLK_TCK)
	for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
		sed 's/^.*) //' | awk -v hz="$hz" '{ s += $12 + $13 } END { printf "%.0f", s * 1e6 / hz }'
}
backends() {	# the gateway's PostgreSQL backends
	pg_sql "SELECT pid FROM pg_stat_activity WHERE datname = 'clotline' AND backend_type = 'client backend' AND pid <> pg_backend_pid();"
}
metric() { curl -s "http://127.0.0.1:$GW_PORT/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }

# one RUN [strace]: a fresh schema, the gateway, the senders enrolled,
# statistics reset, one wrk run (with strace -c attached to the gateway
# if asked); the figures in TMP/RUN.
one() {
	local run=$1 d=$TMP/$1 bpids g0 b0 st=
	mkdir -p "$d"
	pg_sql 'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
	pg_sql 'CHECKPOINT;'
	"$GEN" --token "$TOKEN" --url "$PUBLIC/twilio/sms" --count "$COUNT" --run 11 \
		--senders "$SENDERS" --first-sender +447700800000 <"$TMP/messages" >"$d/req"
	start_gateway "$d" "$PG_STORAGE"
	pg_sql "$(enrol_sql "$SENDERS")"
	pg_sql 'SELECT pgss.pg_stat_statements_reset(); SELECT pg_stat_reset_shared('"'wal'"'); SELECT pg_stat_reset();' >/dev/null
	bpids=$(backends)
	# shellcheck disable=SC2086
	b0=$(cpu_us $bpids)
	g0=$(cpu_us "$GW_PID")
	if [ -n "${2:-}" ]; then
		strace -f -c -o "$TMP/strace.out" -p "$GW_PID" 2>/dev/null &
		st=$!
		sleep 1
	fi
	run_wrk "http://127.0.0.1:$GW_PORT/twilio/sms" "$d/req" "$d/wrk" "$CONNS"
	# shellcheck disable=SC2086
	echo "backend_us $(($(cpu_us $bpids) - b0))" >"$d/fig"
	echo "gateway_us $(($(cpu_us "$GW_PID") - g0))" >>"$d/fig"
	echo "group_commits $(metric clotline_group_commits_total)" >>"$d/fig"
	echo "group_members $(metric clotline_group_commit_messages_total)" >>"$d/fig"
	echo "group_alone $(metric clotline_group_alone_total)" >>"$d/fig"
	[ -z "$st" ] || { kill -INT "$st"; wait "$st" || true; }
	sleep 1	# the statistics' last report
	stop_server "$GW_PID"
	{
		echo "rows $(pg_sql 'SELECT count(*) FROM inbound_messages;')"
		echo "commits $(pg_sql "SELECT xact_commit FROM pg_stat_database WHERE datname = 'clotline';")"
		echo "wal_syncs $(pg_sql 'SELECT wal_sync FROM pg_stat_wal;')"
		# The gateway's statements (toplevel), not the foreign-key
		# checks they run, whose time is theirs already.
		echo "statements $(pg_sql "SELECT sum(calls) FROM pgss.pg_stat_statements WHERE toplevel AND query NOT LIKE '%pg_stat%';")"
		echo "exec_ms $(pg_sql "SELECT round(sum(total_exec_time)::numeric, 1) FROM pgss.pg_stat_statements WHERE toplevel AND query NOT LIKE '%pg_stat%';")"
	} >>"$d/fig"
	pg_sql "SELECT calls, round(total_exec_time::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 70)
	    FROM pgss.pg_stat_statements WHERE query NOT LIKE '%pg_stat%' ORDER BY calls DESC, total_exec_time DESC;" >"$d/statements"
}

one plain
fig() { val "$TMP/$1/fig" "$2"; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
rows=$(fig plain rows)
rps=$(val "$TMP/plain/wrk" rps)
echo
echo "plain run: $rps requests/s, p99 $(val "$TMP/plain/wrk" p99_ms) ms, $(val "$TMP/plain/wrk" status_200) 200s, $rows rows stored"
echo "  group commits $(fig plain group_commits) of $(fig plain group_members) messages ($(per "$(fig plain group_members)" "$(fig plain group_commits)") a commit), run again alone $(fig plain group_alone)"
echo "  a message: $(per "$(fig plain statements)" "$rows") statements (foreign-key checks not counted), $(per "$(fig plain commits)" "$rows") commits, $(per "$(fig plain wal_syncs)" "$rows") WAL syncs"
echo "  a message: gateway CPU $(per "$(fig plain gateway_us)" "$rows") us, its backend's CPU $(per "$(fig plain backend_us)" "$rows") us, of which executing statements $(per "$(awk -v m="$(fig plain exec_ms)" 'BEGIN { print m * 1000 }')" "$rows") us"
echo "  statements a message (calls, execution ms in all, statement):"
awk -F'|' -v n="$rows" '$1 / n >= 0.01 { printf "    %6.2f %9s  %s\n", $1 / n, $2, $3 }' "$TMP/plain/statements"

one strace strace
rows=$(fig strace rows)
echo
echo "under strace -c: $rows rows stored; system calls a message:"
awk -v n="$rows" '$NF ~ /^(sendto|recvfrom|poll|readv|read|writev|write|epoll_wait|fdatasync|fsync)$/ {
	printf "    %-11s %6.2f\n", $NF, $4 / n }' "$TMP/strace.out"
echo "synchronous 4 KiB write: $(sync_ms) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
