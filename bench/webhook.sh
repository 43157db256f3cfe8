#!/bin/bash
# SPDX-License-Identifier: ISC
# Webhook throughput and latency against the ceiling: wrk posts correctly
# signed inbound SMS, each with its own MessageSid, at the gateway (SQLite,
# console provider, signatures on: verify, store, triage, reply), then the
# same load at nginx answering a fixed TwiML body on loopback.  Prints
# requests/s, p50/p90/p99 for both and the ratio, then counts the rows in
# inbound_messages against the 200s wrk saw: every acknowledged message must
# be stored.
#
#   bench/webhook.sh [SECONDS] [CONNECTIONS] [RUNS]   defaults 10, 8, 3
#
# Needs wrk and nginx (Debian packages; nginx runs unprivileged from a
# temporary configuration, never the system's) and a built tree (make; make
# tests/fake/webhookgen bench/floor).  On a machine with two or more CPUs the
# server under test is pinned to CPU 0 and wrk to CPU 1, so each server gets
# one core; nginx runs one worker (the gateway is one event loop) and, for
# the record, with "worker_processes auto" too.  Between them, the same load
# at bench/floor, the least a durable webhook can do on the gateway's
# libraries: libevent's HTTP server answering a fixed body; that plus the
# form and the signature; that plus one SQLite row a message, group-committed
# and synced.  So the gap to nginx splits into what the libraries and the
# sync cost and what the gateway's own path (triage, conversation state,
# alerts, reply) adds.  The database lives in
# BENCH_DIR (default: a new directory under $TMPDIR or /tmp), which decides
# what an fsync costs.  docs/BENCHMARKS.md records runs.
#
# Diagnostics (not for the record):
#   BENCH_PERF=1      perf stat on the gateway during its wrk run: CPU used,
#                     fdatasync and pwrite64 calls, per message
#   BENCH_PERF=record perf record -g instead, into BENCH_DIR/runN/perf.data
#   BENCH_WRAP=CMD    run the gateway under CMD, e.g. BENCH_WRAP=eatmydata
#                     (Debian package) to see the ceiling without fsync;
#                     that gateway is NOT durable
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
CONNS=${2:-8}
RUNS=${3:-3}
BIN=$PWD/src/clotline
GEN=$PWD/tests/fake/webhookgen
FLOOR=$PWD/bench/floor
TOKEN=bench-token-not-a-secret
PUBLIC=https://clinic.example.org
SENDERS=2000
# Messages per run: more than the gateway or the floor with a stored row can
# answer in SECS, so no sid repeats (a repeat would be a cheaper request).
COUNT=${BENCH_COUNT:-$((SECS * 40000))}

# shellcheck source=lib.sh
. bench/lib.sh
bench_need wrk nginx sqlite3 curl
[ -z "${BENCH_PERF:-}" ] || command -v perf >/dev/null 2>&1 ||
	{ echo "webhook.sh: BENCH_PERF needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ -x "$BIN" ] && [ -x "$GEN" ] && [ -x "$FLOOR" ] ||
	{ echo "webhook.sh: build first: make && make tests/fake/webhookgen bench/floor" >&2; exit 1; }
bench_scratch

# --------------------------------------------------------------- requests
bench_corpus "$TMP/messages"
echo "corpus: $(wc -l <"$TMP/messages") messages, $COUNT signed requests a run, $SENDERS senders"

# ---------------------------------------------------------------- nginx
TWIML='<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks, we have your message. Keep walking a little more each day. If you get chest pain or sudden breathlessness call 999 now.</Message></Response>'
start_nginx() {	# WORKERS: on a random port, another if that one is taken
	local tries
	for tries in 1 2 3 4 5; do
		start_nginx_on "$1" $((20000 + RANDOM % 20000)) && return
	done
	cat "$TMP/nginx/error.log" >&2
	exit 1
}
start_nginx_on() {	# WORKERS PORT
	mkdir -p "$TMP/nginx"
	NGINX_PORT=$2
	cat >"$TMP/nginx/nginx.conf" <<NGX
worker_processes $1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 10000000;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		location = /twilio/sms {
			default_type "application/xml; charset=utf-8";
			return 200 '$TWIML';
		}
	}
}
NGX
	rm -f "$TMP/nginx/nginx.pid"
	"${SERVER_CPU[@]}" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
	NGINX_PID=$!
	PIDS+=("$NGINX_PID")
	# nginx writes its pid file once its sockets are bound.
	until [ "$(cat "$TMP/nginx/nginx.pid" 2>/dev/null)" = "$NGINX_PID" ]; do
		kill -0 "$NGINX_PID" 2>/dev/null || return 1
		sleep 0.05
	done
}
stop_nginx() {
	kill -QUIT "$NGINX_PID"
	wait "$NGINX_PID" 2>/dev/null || true
}


# ---------------------------------------------------------------- floor
start_floor() {	# MODE DATABASE: on a port the kernel picks, written to a file
	rm -f "$TMP/floor.port"
	"${SERVER_CPU[@]}" "$FLOOR" "$TMP/floor.port" "$1" "$2" 2>"$TMP/floor.log" &
	FLOOR_PID=$!
	PIDS+=("$FLOOR_PID")
	FLOOR_PORT=$(await_port "$FLOOR_PID" "$TMP/floor.port" "$TMP/floor.log")
}

# -------------------------------------------------------------- gateway


echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs; $pinning"
echo "clotline $("$BIN" --version | cut -d' ' -f2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/.*: //')"
echo "load: wrk -t1 -c$CONNS -d${SECS}s, $RUNS runs each"
echo "synchronous 4 KiB write in $TMP: $(sync_ms) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
fail=0
declare -a G_RPS G_P99 N1_RPS F_RPS
for run in $(seq 1 "$RUNS"); do
	# A fresh database each run, senders enrolled as patients (so triage
	# state and replies are a patient's), requests signed for this run.
	d=$TMP/run$run
	mkdir -p "$d"
	"$GEN" --token "$TOKEN" --url "$PUBLIC/twilio/sms" --count "$COUNT" \
		--run "$run" --senders "$SENDERS" --first-sender +447700800000 \
		<"$TMP/messages" >"$d/requests.tsv"
	start_gateway "$d"
	sqlite3 -cmd '.timeout 5000' "$d/clotline.db" "$(enrol_sql "$SENDERS")"
	if [ "${BENCH_PERF:-}" = record ]; then
		perf record -F 1000 --call-graph dwarf,16384 -p "$GW_PID" -o "$d/perf.data" -- sleep "$SECS" 2>/dev/null &
		PERF_PID=$!
	elif [ -n "${BENCH_PERF:-}" ]; then
		perf stat -x, -e task-clock,syscalls:sys_enter_fdatasync,syscalls:sys_enter_pwrite64 \
			-p "$GW_PID" -o "$d/perf.csv" -- sleep "$SECS" &
		PERF_PID=$!
	fi
	run_wrk "http://127.0.0.1:$GW_PORT/twilio/sms" "$d/requests.tsv" "$d/gw"
	[ -z "${BENCH_PERF:-}" ] || wait "$PERF_PID" ||
		echo "webhook.sh: perf failed (is perf allowed here? kernel.perf_event_paranoid)" >&2
	rss=$(peak_rss_kib "$GW_PID")
	# Group commit: how many messages each commit carried on average.
	groups=$(curl -s "http://127.0.0.1:$GW_PORT/metrics" | awk '
		$1 == "clotline_group_commits_total" { c = $2 }
		$1 == "clotline_group_commit_messages_total" { m = $2 }
		END { if (c > 0) printf "%d commits, %.1f messages each", c, m / c }')
	stop_server "$GW_PID"
	rows=$(sqlite3 "$d/clotline.db" 'SELECT count(*) FROM inbound_messages;')
	ok200=$(val "$d/gw" status_200)
	ok200=${ok200:-0}
	other=$(others "$d/gw")

	for mode in fixed verify store; do
		rm -f "$d"/floor.db*
		start_floor "$mode" "$d/floor.db"
		run_wrk "http://127.0.0.1:$FLOOR_PORT/twilio/sms" "$d/requests.tsv" "$d/fl-$mode"
		stop_server "$FLOOR_PID"
		# "floor: N commits, M messages" on its way out.
		[ "$mode" != store ] || floor_groups=$(awk '/commits,/ && $2 > 0 {
			printf "%d commits, %.1f messages each", $2, $4 / $2 }' "$TMP/floor.log")
	done
	floor_rows=$(sqlite3 "$d/floor.db" 'SELECT count(*) FROM inbound;')

	start_nginx 1
	run_wrk "http://127.0.0.1:$NGINX_PORT/twilio/sms" "$d/requests.tsv" "$d/ngx1"
	stop_nginx
	start_nginx auto
	run_wrk "http://127.0.0.1:$NGINX_PORT/twilio/sms" "$d/requests.tsv" "$d/ngxa"
	stop_nginx

	g=$(val "$d/gw" rps)
	n1=$(val "$d/ngx1" rps)
	na=$(val "$d/ngxa" rps)
	printf '\nrun %d\n' "$run"
	printf '  %-24s %8s %8s %8s %8s %8s\n' server 'req/s' 'p50 ms' 'p90 ms' 'p99 ms' 'max ms'
	for w in gw:clotline fl-store:'floor: + a stored row' fl-verify:'floor: + signature' \
	    fl-fixed:'floor: libevent alone' ngx1:'nginx (1 worker)' ngxa:'nginx (auto workers)'; do
		f=$d/${w%%:*}
		printf '  %-24s %8s %8s %8s %8s %8s\n' "${w#*:}" "$(val "$f" rps)" \
			"$(val "$f" p50_ms)" "$(val "$f" p90_ms)" "$(val "$f" p99_ms)" "$(val "$f" max_ms)"
	done
	printf '  ratio clotline / nginx: %s%% of 1 worker, %s%% of auto workers\n' \
		"$(pct "$g" "$n1")" "$(pct "$g" "$na")"
	printf '  floor / nginx (1 worker): %s%% libevent alone, %s%% with the signature, %s%% with a stored row\n' \
		"$(pct "$(val "$d/fl-fixed" rps)" "$n1")" \
		"$(pct "$(val "$d/fl-verify" rps)" "$n1")" \
		"$(pct "$(val "$d/fl-store" rps)" "$n1")"
	printf '  clotline: %d answered 200, %d other statuses, %d socket errors, %d sids reused; peak RSS %s KiB\n' \
		"$ok200" "$other" "$(val "$d/gw" errors)" "$(val "$d/gw" wrapped)" "$rss"
	printf '  inbound_messages rows: %d (200s seen by wrk: %d); group commits: %s\n' \
		"$rows" "$ok200" "${groups:-none}"
	fl200=$(val "$d/fl-store" status_200)
	fl200=${fl200:-0}
	flother=$(( $(others "$d/fl-store") + $(others "$d/fl-verify") + $(others "$d/fl-fixed") ))
	printf '  floor with a stored row: %d rows (200s seen by wrk: %d), %d sids reused; %s\n' \
		"$floor_rows" "$fl200" "$(val "$d/fl-store" wrapped)" "${floor_groups:-no commits}"
	printf '  floor: %d statuses other than 200 over its three runs\n' "$flother"
	if [ -n "${BENCH_PERF:-}" ] && [ "$BENCH_PERF" != record ]; then
		awk -F, -v n="$ok200" -v secs="$SECS" '
			$3 == "task-clock" { printf "  perf: %.2f CPUs busy, %.3f ms CPU a message", $1 / 1000 / secs, $1 / n }
			$3 ~ /fdatasync/ { printf ", %.2f fdatasync", $1 / n }
			$3 ~ /pwrite64/ { printf ", %.1f pwrite64 a message\n", $1 / n }' "$d/perf.csv"
	fi
	# Every 200 is a stored row; a few more rows are possible (answered as
	# wrk's clock stopped, before it read the reply), never fewer.
	if [ "$rows" -lt "$ok200" ] || [ "$(val "$d/gw" wrapped)" != 0 ] ||
	    [ "$floor_rows" -lt "$fl200" ] || [ "$fl200" -eq 0 ] || [ "$flother" != 0 ] ||
	    [ "$(val "$d/fl-store" wrapped)" != 0 ]; then
		echo "  FAIL: fewer rows than 200s, a MessageSid sent twice, or the floor refused requests" >&2
		fail=1
	fi
	G_RPS+=("$g")
	G_P99+=("$(val "$d/gw" p99_ms)")
	F_RPS+=("$(val "$d/fl-store" rps)")
	N1_RPS+=("$n1")
	[ -n "${BENCH_DIR:-}" ] || rm -f "$d/requests.tsv"
done
echo "synchronous 4 KiB write: $(sync_ms) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\nclotline req/s: %s; p99 ms: %s; floor with a stored row req/s: %s; nginx (1 worker) req/s: %s\n' \
	"${G_RPS[*]}" "${G_P99[*]}" "${F_RPS[*]}" "${N1_RPS[*]}"
exit "$fail"
