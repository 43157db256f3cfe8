# SPDX-License-Identifier: ISC
# Helpers shared by bench/webhook.sh and bench/compare.sh, sourced by them
# from the top of the source tree: CPU pinning, starting and stopping
# servers that write their port to a file, the gateway under load, wrk runs
# and their results, the corpus of messages.  The caller sets TMP (its
# scratch directory, from bench_scratch), SECS, CONNS, TOKEN, PUBLIC and BIN
# before using them.

if [ "$(nproc)" -ge 2 ]; then
	SERVER_CPU=(taskset -c 0)
	CLIENT_CPU=(taskset -c 1)
	pinning='server on CPU 0, wrk on CPU 1'
else
	SERVER_CPU=()
	CLIENT_CPU=()
	pinning='one CPU: not pinned'
fi

# bench_scratch [CMD...]: TMP (BENCH_DIR, or a new directory removed on
# exit) and PIDS, the servers started, killed on exit; then CMD, if given,
# runs on exit too (e.g. pg_cluster_stop).
bench_scratch() {
	TMP=${BENCH_DIR:-$(mktemp -d)}
	mkdir -p "$TMP"
	PIDS=()
	BENCH_ON_EXIT=("$@")
	trap bench_cleanup EXIT
}
bench_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ ${#BENCH_ON_EXIT[@]} -eq 0 ] || "${BENCH_ON_EXIT[@]}"
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$TMP"
}

# bench_need TOOL...: stops the script unless each is installed.
bench_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
		command -v "$tool" >/dev/null 2>&1 ||
			{ echo "$(basename "$0"): needs $tool (apt-get install $*)" >&2; exit 1; }
	done
}

# bench_corpus FILE: every message of the labelled corpora (English,
# Spanish, German; red flags to chit-chat), in a fixed shuffled order.
bench_corpus() {
	cat tests/data/*.tsv |
		awk -F'\t' 'NF >= 2 && $1 != "conv" { print $2 }' |
		awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort -k1,1 | cut -f2- \
		>"$1"
}

# bench_mix_realistic FILE: a reminder service's replies, 20,000 lines: of
# every 20 messages, 16 progress reports, 3 questions and 1 red flag on
# average, drawn (fixed seed) from the corpora's routine, advice and
# urgent/emergency messages, and a few progress reports in the form the
# reminders ask for.  Scratch files go to TMP.
bench_mix_realistic() {
	cat tests/data/*.tsv | awk -F'\t' 'NF >= 3 && $1 != "conv" { print $3 "\t" $2 }' >"$TMP/labelled"
	{
		awk -F'\t' '$1 == "routine" { print $2 }' "$TMP/labelled"
		printf '%s\n' 'DONE 20' 'done 30' 'DONE 15 mins' 'walked 2 km' 'walked 3km today, legs fine' \
			'walked 20 minutes, no pain' 'DONE 25' 'did 40 min round the park' 'hecho 20' 'fertig 25 min'
	} >"$TMP/pool-routine"
	awk -F'\t' '$1 == "advice" { print $2 }' "$TMP/labelled" >"$TMP/pool-advice"
	awk -F'\t' '$1 == "urgent" || $1 == "emergency" { print $2 }' "$TMP/labelled" >"$TMP/pool-redflag"
	awk -v n=20000 'BEGIN { srand(19) }
		FILENAME ~ /routine$/ { r[nr++] = $0; next }
		FILENAME ~ /advice$/ { a[na++] = $0; next }
		{ f[nf++] = $0 }
		END {
			for (i = 0; i < n; i++) {
				x = rand()
				if (x < 0.80) print r[int(rand() * nr)]
				else if (x < 0.95) print a[int(rand() * na)]
				else print f[int(rand() * nf)]
			}
		}' "$TMP/pool-routine" "$TMP/pool-advice" "$TMP/pool-redflag" >"$1"
}

# await_port PID PORTFILE LOG: prints the port a server wrote once it listens;
# shows its log and stops the script if it died first.
await_port() {
	until [ -s "$2" ]; do
		kill -0 "$1" 2>/dev/null || { tail "$3" >&2; exit 1; }
		sleep 0.05
	done
	cat "$2"
}
stop_server() {	# PID
	kill -TERM "$1"
	wait "$1" 2>/dev/null || true
}

# start_gateway DIR [STORAGE]: the gateway as a clinic runs it (the console
# provider, signatures on, log_level info) with DIR/clotline.ini, its
# [storage] section's lines STORAGE (default: SQLite in DIR/clotline.db);
# sets GW_PID and GW_PORT.
start_gateway() {
	cat >"$1/clotline.ini" <<CONF
[server]
listen = 127.0.0.1:0
public_url = $PUBLIC
port_file = port
prompts_dir = $PWD/prompts
[storage]
${2:-database = clotline.db}
[provider]
name = console
auth_token = $TOKEN
from = +441234567890
verify_signatures = yes
console_log = outbound.log
[clinic]
name = Bench Vascular Clinic
phone = +441234567890
on_call = +447700900123
CONF
	chmod 600 "$1/clotline.ini"
	rm -f "$1/port"
	# shellcheck disable=SC2086
	(cd / && exec ${BENCH_WRAP:-} "${SERVER_CPU[@]}" "$BIN" serve -c "$1/clotline.ini") 2>>"$1/gateway.log" &
	GW_PID=$!
	PIDS+=("$GW_PID")
	GW_PORT=$(await_port "$GW_PID" "$1/port" "$1/gateway.log")
}

# enrol_sql COUNT: the SQL (SQLite's and PostgreSQL's alike) that enrols
# COUNT patients, +447700800000 onwards, the senders webhookgen signs for.
enrol_sql() {
	echo "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)
	  INSERT INTO patients (phone, name, language, timezone, enrolled, opted_out, paused, created_at, updated_at)
	  SELECT '+' || (447700800000 + i), 'Bench', 'en', 'Europe/London', 1, 0, 0, 0, 0 FROM n;"
}
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# run_wrk URL DATA OUT [CONNECTIONS]: one wrk run (CONNS connections unless
# given), its "result KEY VALUE" lines in OUT.  A request unanswered after
# 15 s, as long as the provider waits, is a socket error (a timeout).
run_wrk() {
	"${CLIENT_CPU[@]}" wrk -t1 -c"${4:-$CONNS}" -d"${SECS}s" --latency --timeout 15s \
		-s bench/webhook.lua "$1" -- "$2" 1 >"$3.raw"
	sed -n 's/^result //p' "$3.raw" >"$3"
}
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
# Answers other than 200 in a wrk run's results.
others() { awk '$1 ~ /^status_/ && $1 != "status_200" { s += $2 } END { print s + 0 }' "$1"; }
# 100 * A / B, one decimal, rounded.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", 100 * a / b }'; }

# What one synchronous 4 KiB write costs in TMP: a durable commit needs at
# least one.
sync_ms() {
	dd if=/dev/zero of="$TMP/dsync.test" bs=4k count=200 oflag=dsync 2>&1 |
		awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i - 1) * 1000 / 200 }'
	rm -f "$TMP/dsync.test"
}
