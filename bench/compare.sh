#!/bin/bash
# SPDX-License-Identifier: ISC
# The webhook benchmark of issue 19, in one run: throughput and latency of
#   sqlite  one gateway on SQLite (WAL, synchronous = FULL), as shipped;
#   pg1     one gateway on PostgreSQL (a private cluster, fsync on);
#   pg2     two gateways on that one PostgreSQL database, the load split
#           between them (one wrk each, half the connections each);
#   node    the webhook a clinic's developer would write from the provider's
#           quick-start (bench/peer-node: Express, the twilio library's
#           webhook middleware checking X-Twilio-Signature, better-sqlite3
#           in WAL mode with synchronous = FULL, each message INSERTed
#           before the TwiML answer);
# under two traffic mixes:
#   realistic  a reminder service's replies: 80% progress reports ("DONE
#              20", "walked 2 km", the corpora's routine messages), 15%
#              questions (advice), 5% red flags (urgent or emergency), from
#              20,000 enrolled senders (a few messages each a run);
#   redflag    bench/webhook.sh's load: every message of the labelled
#              corpora, two thirds red flags, from 2,000 senders;
# at each number of connections given, every configuration back to back in
# each run, RUNS runs.  Every request is correctly signed (webhookgen, the
# public URL and token the servers check against), each with its own
# MessageSid.  After each wrk run the script counts the rows stored and
# fails if any 200 is not a stored row, a MessageSid was sent twice or a
# request failed.  Then a summary: the ranges over the runs and the ratios
# issue 19 sets targets for.
#
#   bench/compare.sh [SECONDS] [RUNS] [CONNECTIONS...]   defaults 10 3 8 64
#
#   BENCH_CONFIGS="sqlite pg1 pg2 node"   the configurations, in this order
#   BENCH_MIXES="realistic redflag"       the mixes
#   BENCH_PG_OPTS="-c name=value ..."     PostgreSQL server settings on top
#                                         of the defaults (fsync on)
#   BENCH_DIR=DIR                         keep everything there
#   BENCH_BIN=PATH                        another gateway binary (an
#                                         experiment), with this tree's
#                                         prompts and rules
#   BENCH_PERF=record                     perf record -a -g on CPU 0 (the
#                                         servers' CPU) during each gateway
#                                         run, into DIR/.../perf.data
#
# Needs wrk, sqlite3, curl, node and npm (Debian packages), PostgreSQL's
# initdb and pg_ctl (Debian's postgresql; tests/pg/cluster.sh starts a
# private cluster on a Unix socket, no system service), a tree built with
# libpq (make; make tests/fake/webhookgen).  bench/peer-node's packages are
# installed with npm ci when missing (better-sqlite3 builds from source
# against Node's installed headers).  On two or more CPUs every server,
# PostgreSQL included, runs on CPU 0 and wrk on CPU 1: the servers share
# one core, so two instances here measure what sharing one database costs,
# not what a second machine would add.  docs/BENCHMARKS.md records runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
RUNS=${2:-3}
shift $(($# >= 2 ? 2 : $#))
CONN_LIST=(8 64)
[ $# -eq 0 ] || CONN_LIST=("$@")
read -r -a CONFIGS <<<"${BENCH_CONFIGS:-sqlite pg1 pg2 node}"
read -r -a MIXES <<<"${BENCH_MIXES:-realistic redflag}"
BIN=${BENCH_BIN:-$PWD/src/clotline}
GEN=$PWD/tests/fake/webhookgen
PEER=$PWD/bench/peer-node
TOKEN=bench-token-not-a-secret
PUBLIC=https://clinic.example.org
# Requests a run: more than the fastest server answers in SECS, so no
# MessageSid is sent twice (checked).
COUNT=${BENCH_COUNT:-$((SECS * 25000))}

# shellcheck source=lib.sh
. bench/lib.sh
# shellcheck source=../tests/pg/cluster.sh
. tests/pg/cluster.sh
bench_need wrk sqlite3 curl node npm
[ -x "$BIN" ] && [ -x "$GEN" ] ||
	{ echo "compare.sh: build first: make && make tests/fake/webhookgen" >&2; exit 1; }
[ -z "${BENCH_PERF:-}" ] || command -v perf >/dev/null 2>&1 ||
	{ echo "compare.sh: BENCH_PERF needs perf (apt-get install linux-perf)" >&2; exit 1; }
printf '[storage]\nbackend = ?\n' >"${TMPDIR:-/tmp}/compare-probe.$$.ini"
probe=$("$BIN" check-config -c "${TMPDIR:-/tmp}/compare-probe.$$.ini" 2>&1 || true)
rm -f "${TMPDIR:-/tmp}/compare-probe.$$.ini"
[[ $probe == *"sqlite, postgresql"* ]] ||
	{ echo "compare.sh: src/clotline was built without PostgreSQL (apt-get install libpq-dev; ./configure)" >&2; exit 1; }

bench_scratch pg_cluster_stop

# ------------------------------------------------------------ the peer
# npm ci when node_modules is missing or older than the lock file.  node-gyp
# builds better-sqlite3 against the headers installed with node (no
# download), when it has no nodedir of its own.
if [ ! -f "$PEER/node_modules/.package-lock.json" ] ||
    [ "$PEER/package-lock.json" -nt "$PEER/node_modules/.package-lock.json" ]; then
	prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
	if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/common.gypi" ]; then
		export npm_config_nodedir=$prefix
	fi
	echo "bench/peer-node: npm ci (better-sqlite3 builds from source: minutes)"
	(cd "$PEER" && npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
		{ tail -20 "$TMP/npm.log" >&2; echo "compare.sh: npm ci failed in bench/peer-node" >&2; exit 1; }
fi
start_peer() {	# DIR: sets PEER_PID, PEER_PORT
	rm -f "$1/port"
	(cd "$PEER" && TWILIO_AUTH_TOKEN=$TOKEN exec "${SERVER_CPU[@]}" node server.js \
		"$PUBLIC" "$1/peer.db" "$1/port") 2>>"$1/peer.log" &
	PEER_PID=$!
	PIDS+=("$PEER_PID")
	PEER_PORT=$(await_port "$PEER_PID" "$1/port" "$1/peer.log")
}

# ----------------------------------------------------------- PostgreSQL
# Durable like the SQLite store: fsync on (the gateway's sessions commit
# with synchronous_commit on), on CPU 0 with the servers.
PG_CLUSTER_FSYNC=on
PG_CLUSTER_OPTS=${BENCH_PG_OPTS:-}
[ ${#SERVER_CPU[@]} -eq 0 ] || PG_CLUSTER_WRAP="${SERVER_CPU[*]}"
pg_cluster_start
PG_STORAGE="backend = postgresql
url = $PG_URL"
# An empty database for the next configuration, and a checkpoint now
# rather than during its run.
pg_reset() {
	pg_sql 'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
	pg_sql 'CHECKPOINT;'
}

# -------------------------------------------------------------- mixes
bench_corpus "$TMP/messages-redflag"
bench_mix_realistic "$TMP/messages-realistic"
senders_of() { [ "$1" = realistic ] && echo 20000 || echo 2000; }

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $pinning"
echo "clotline $("$BIN" --version | cut -d' ' -f2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)," \
	"$("$PG_BIN/postgres" --version), node $(node --version)," \
	"$(cd "$PEER" && node -p "['express', 'twilio', 'better-sqlite3'].map(m => m + ' ' + require(m + '/package.json').version).join(', ')")"
echo "load: wrk -t1 -c{${CONN_LIST[*]}} -d${SECS}s; $RUNS runs of: ${CONFIGS[*]} x ${MIXES[*]}; $COUNT signed requests a run and mix"
echo "synchronous 4 KiB write in $TMP: $(sync_ms) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "${BENCH_PG_OPTS:-}" ] || echo "PostgreSQL settings: $BENCH_PG_OPTS"

# group_commits URL...: "C/M", the group commits and their messages summed
# over the gateways, or "none" (PostgreSQL commits each message alone).
group_commits() {
	local u
	for u in "$@"; do curl -s "$u/metrics"; done | awk '
		$1 == "clotline_group_commits_total" { c += $2 }
		$1 == "clotline_group_commit_messages_total" { m += $2 }
		END { if (c > 0) print c "/" m; else print "none" }'
}
perf_start() {	# OUT
	PERF_PID=
	[ "${BENCH_PERF:-}" = record ] || return 0
	perf record -F 999 -a -C 0 -g -o "$1" -- sleep "$SECS" 2>/dev/null &
	PERF_PID=$!
}
perf_wait() { [ -z "$PERF_PID" ] || wait "$PERF_PID" || true; }

# cpu_stall_pct SECONDS: the share of SECONDS from now in which some task
# waited for a CPU, from /proc/pressure/cpu's total (microseconds).
cpu_stall_pct() {
	local t0 t1
	t0=$(awk '$1 == "some" { sub(/total=/, "", $5); print $5 }' /proc/pressure/cpu)
	sleep "$1"
	t1=$(awk '$1 == "some" { sub(/total=/, "", $5); print $5 }' /proc/pressure/cpu)
	awk -v a="$t0" -v b="$t1" -v s="$1" 'BEGIN { printf "%.0f%%", (b - a) / (s * 10000) }'
}

# run_config CONFIG MIX CONNS RUN: one configuration under one load;
# appends its line to TMP/results.
fail=0
run_config() {
	local config=$1 mix=$2 conns=$3 run=$4 d req=$TMP/req-$4-$2.tsv
	local rows ok200 other errs wrapped rps p50 p90 p99 max gc half
	d=$TMP/run$run/$mix-c$conns-$config
	mkdir -p "$d"
	# The machine's state as it starts, with none of this script's servers
	# running: the load average, and the share of 2 s in which some task
	# waited for a CPU (pressure stall: other work's contention).
	local load
	load=$(cut -d' ' -f1 /proc/loadavg)
	[ ! -r /proc/pressure/cpu ] || load=$load/$(cpu_stall_pct 2)
	case $config in
	sqlite)
		start_gateway "$d"
		sqlite3 -cmd '.timeout 5000' "$d/clotline.db" "$(enrol_sql "$(senders_of "$mix")")"
		perf_start "$d/perf.data"
		run_wrk "http://127.0.0.1:$GW_PORT/twilio/sms" "$req" "$d/wrk" "$conns"
		perf_wait
		gc=$(group_commits "http://127.0.0.1:$GW_PORT")
		stop_server "$GW_PID"
		rows=$(sqlite3 "$d/clotline.db" 'SELECT count(*) FROM inbound_messages;')
		;;
	pg1)
		pg_reset
		start_gateway "$d" "$PG_STORAGE"
		pg_sql "$(enrol_sql "$(senders_of "$mix")")"
		perf_start "$d/perf.data"
		run_wrk "http://127.0.0.1:$GW_PORT/twilio/sms" "$req" "$d/wrk" "$conns"
		perf_wait
		gc=$(group_commits "http://127.0.0.1:$GW_PORT")
		stop_server "$GW_PID"
		rows=$(pg_sql 'SELECT count(*) FROM inbound_messages;')
		;;
	pg2)
		pg_reset
		mkdir -p "$d/a" "$d/b"
		start_gateway "$d/a" "$PG_STORAGE"
		local a_pid=$GW_PID a_port=$GW_PORT
		start_gateway "$d/b" "$PG_STORAGE"
		pg_sql "$(enrol_sql "$(senders_of "$mix")")"
		half=$((conns / 2))
		perf_start "$d/perf.data"
		run_wrk "http://127.0.0.1:$a_port/twilio/sms" "$req.a" "$d/wrk-a" "$half" &
		local wa=$!
		run_wrk "http://127.0.0.1:$GW_PORT/twilio/sms" "$req.b" "$d/wrk-b" "$half"
		wait "$wa"
		perf_wait
		gc=$(group_commits "http://127.0.0.1:$a_port" "http://127.0.0.1:$GW_PORT")
		stop_server "$a_pid"
		stop_server "$GW_PID"
		rows=$(pg_sql 'SELECT count(*) FROM inbound_messages;')
		# One line for the pair: requests/s added, latencies the worse
		# of the two (wrk's histograms cannot be merged here).
		awk '{ k = $1; v = $2
			if (k ~ /^(requests|rps|errors|wrapped)$/ || k ~ /^status_/) s[k] += v
			else if (!(k in s) || v > s[k]) s[k] = v }
			END { for (k in s) print k, s[k] }' "$d/wrk-a" "$d/wrk-b" >"$d/wrk"
		;;
	node)
		start_peer "$d"
		run_wrk "http://127.0.0.1:$PEER_PORT/twilio/sms" "$req" "$d/wrk" "$conns"
		stop_server "$PEER_PID"
		gc=-
		rows=$(sqlite3 "$d/peer.db" 'SELECT count(*) FROM messages;')
		;;
	esac
	ok200=$(val "$d/wrk" status_200)
	ok200=${ok200:-0}
	other=$(others "$d/wrk")
	errs=$(val "$d/wrk" errors)
	wrapped=$(val "$d/wrk" wrapped)
	rps=$(val "$d/wrk" rps)
	p50=$(val "$d/wrk" p50_ms)
	p90=$(val "$d/wrk" p90_ms)
	p99=$(val "$d/wrk" p99_ms)
	max=$(val "$d/wrk" max_ms)
	printf '  %-6s %-9s c%-3s %8s req/s  p50 %7s  p90 %7s  p99 %7s  max %8s ms  200s %7s  rows %7s  other %s  errors %s  sids reused %s  commits/messages %s  load/cpu stall %s\n' \
		"$config" "$mix" "$conns" "$rps" "$p50" "$p90" "$p99" "$max" "$ok200" "$rows" \
		"$other" "$errs" "$wrapped" "$gc" "$load"
	echo "$run $conns $mix $config $rps $p50 $p90 $p99 $max $ok200 $rows $other $errs $wrapped $load" >>"$TMP/results"
	# Every 200 is a stored row; a few more rows are possible (answered
	# as wrk's clock stopped, before it read the reply), never fewer.
	if [ "$rows" -lt "$ok200" ] || [ "$ok200" -eq 0 ] || [ "$other" != 0 ] ||
	    [ "$errs" != 0 ] || [ "$wrapped" != 0 ]; then
		echo "  FAIL: $config $mix c$conns run $run: fewer rows than 200s, a status other than 200, a socket error or a MessageSid sent twice" >&2
		fail=1
	fi
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$d"
}

: >"$TMP/results"
for run in $(seq 1 "$RUNS"); do
	printf '\nrun %d, load average %s\n' "$run" "$(cut -d' ' -f1-3 /proc/loadavg)"
	m=0
	for mix in "${MIXES[@]}"; do
		m=$((m + 1))
		req=$TMP/req-$run-$mix.tsv
		"$GEN" --token "$TOKEN" --url "$PUBLIC/twilio/sms" --count "$COUNT" \
			--run $((run * 10 + m)) --senders "$(senders_of "$mix")" \
			--first-sender +447700800000 <"$TMP/messages-$mix" >"$req"
		awk 'NR % 2' "$req" >"$req.a"
		awk '!(NR % 2)' "$req" >"$req.b"
	done
	for conns in "${CONN_LIST[@]}"; do
		for mix in "${MIXES[@]}"; do
			for config in "${CONFIGS[@]}"; do
				run_config "$config" "$mix" "$conns" "$run"
			done
		done
	done
	[ -n "${BENCH_DIR:-}" ] || rm -f "$TMP"/req-"$run"-*
done
echo
echo "synchronous 4 KiB write: $(sync_ms) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------- summary
# Ranges over the runs, and issue 19's ratios computed run by run.
awk '
	function range(a, b) { return a == b ? a : a "-" b }
	function lo(k, v) { if (!(k in L) || v < L[k]) L[k] = v }
	function hi(k, v) { if (!(k in H) || v > H[k]) H[k] = v }
	{
		run = $1; c = $2; mix = $3; cfg = $4
		rps[run, c, mix, cfg] = $5
		k = c SUBSEP mix SUBSEP cfg
		lo("rps" SUBSEP k, $5); hi("rps" SUBSEP k, $5)
		lo("p99" SUBSEP k, $8); hi("p99" SUBSEP k, $8)
		lost[k] += ($11 < $10)
		if (!(k in seen)) order[++nk] = k
		if (!(c in C)) corder[++nc] = c
		if (!(mix in M)) morder[++nm] = mix
		seen[k] = 1; C[c] = 1; M[mix] = 1; R[run] = 1
	}
	END {
		print "summary (ranges over the runs):"
		printf "  %-5s %-9s %-6s %-16s %-14s %s\n", "conns", "mix", "config", "req/s", "p99 ms", "200s not stored"
		for (i = 1; i <= nk; i++) {
			k = order[i]
			split(k, p, SUBSEP)
			printf "  %-5s %-9s %-6s %-16s %-14s %d\n", p[1], p[2], p[3],
			    range(L["rps" SUBSEP k], H["rps" SUBSEP k]),
			    range(L["p99" SUBSEP k], H["p99" SUBSEP k]), lost[k]
		}
		print "ratios (run by run, then the range):"
		for (ci = 1; ci <= nc; ci++) for (mi = 1; mi <= nm; mi++) {
			c = corder[ci]; mix = morder[mi]
			n1 = n2 = n3 = n4 = 0
			for (run in R) {
				s = rps[run, c, mix, "sqlite"]; n = rps[run, c, mix, "node"]
				q1 = rps[run, c, mix, "pg1"]; q2 = rps[run, c, mix, "pg2"]
				if (s != "" && n != "") { v = s / n; x1[++n1] = v }
				if (s != "" && q1 != "") { v = q1 / s; x2[++n2] = v }
				if (q1 != "" && q2 != "") { v = q2 / q1; x3[++n3] = v }
				if (q1 != "" && n != "") { v = q1 / n; x4[++n4] = v }
			}
			printf "  c%s %s:", c, mix
			if (n1) { mn = mx = x1[1]; for (i = 2; i <= n1; i++) { if (x1[i] < mn) mn = x1[i]; if (x1[i] > mx) mx = x1[i] }
				printf " sqlite/node %.1f-%.1fx;", mn, mx }
			if (n4) { mn = mx = x4[1]; for (i = 2; i <= n4; i++) { if (x4[i] < mn) mn = x4[i]; if (x4[i] > mx) mx = x4[i] }
				printf " pg1/node %.1f-%.1fx;", mn, mx }
			if (n2) { mn = mx = x2[1]; for (i = 2; i <= n2; i++) { if (x2[i] < mn) mn = x2[i]; if (x2[i] > mx) mx = x2[i] }
				printf " pg1/sqlite %.2f-%.2f;", mn, mx }
			if (n3) { mn = mx = x3[1]; for (i = 2; i <= n3; i++) { if (x3[i] < mn) mn = x3[i]; if (x3[i] > mx) mx = x3[i] }
				printf " pg2/pg1 %.2f-%.2f", mn, mx }
			printf "\n"
		}
	}' "$TMP/results"
exit "$fail"
