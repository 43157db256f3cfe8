#!/bin/bash
# SPDX-License-Identifier: ISC
# Staff API and CLI speed: enrolments a second through POST /api/v1/patients
# (one keep-alive connection, SQLite with synchronous=FULL, each with its
# audit row and queued welcome), reads a second for one patient and for a
# page of 100 (wrk, two connections, when wrk is installed), the adherence
# CSV for every patient over 28 days, and `clotline patient add` and
# `list` from a shell beside the running gateway.
#
#   bench/api.sh [PATIENTS]     default 1000; needs make built
#
# Results go to standard output; docs/BENCHMARKS.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
BIN=$PWD/src/clotline
TOKEN=bench-0123456789abcdef0123456789abcdef
[ -x "$BIN" ] || { echo "build first: make" >&2; exit 1; }
TMP=$(mktemp -d)
PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

cat >"$TMP/clotline.ini" <<CONF
[server]
listen = 127.0.0.1:0
public_url = http://127.0.0.1:1
port_file = port
prompts_dir = $PWD/prompts
log_level = warning
[storage]
database = clotline.db
[provider]
auth_token = bench-token
console_log = outbound.log
[reminders]
plans_dir = $PWD/config/plans
[clinic]
phone = +441234567890
on_call = +447700900123
CONF

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%d in %.2f s: %.0f a second\n", n, b - a, n / (b - a) }'; }

CLOTLINE_ADMIN_TOKEN=$TOKEN "$BIN" serve -c "$TMP/clotline.ini" 2>"$TMP/daemon.log" &
PID=$!
while [ ! -s "$TMP/port" ]; do sleep 0.05; done
URL=http://127.0.0.1:$(cat "$TMP/port")/api/v1

# One curl process, one connection, N requests; enrolled 40 days ago, so
# the CSV has 28 days for each.
START=$(date -u -d '40 days ago' +%F)
for i in $(seq "$N"); do
	printf 'url = "%s/patients"\nheader = "Authorization: Bearer %s"\n' "$URL" "$TOKEN"
	printf 'header = "Content-Type: application/json"\noutput = /dev/null\n'
	printf 'write-out = "%%{http_code}\\n"\n'
	printf 'data = "{\\"phone\\": \\"+447%09d\\", \\"plan\\": \\"dvt-walking\\", \\"name\\": \\"Patient %d\\", \\"start_date\\": \\"%s\\"}"\n' "$i" "$i" "$START"
	[ "$i" = "$N" ] || printf 'next\n'
done >"$TMP/create.cfg"
a=$(now)
codes=$(curl -sS -K "$TMP/create.cfg" | sort | uniq -c | tr -s ' ')
b=$(now)
echo "POST /patients: $(rate "$N" "$a" "$b") (statuses:$codes)"

if command -v wrk >/dev/null 2>&1; then
	for path in patients/1 'patients?limit=100'; do
		printf 'GET /%s: ' "$path"
		wrk -t1 -c2 -d5s -H "Authorization: Bearer $TOKEN" "$URL/$path" |
			awk '/Requests\/sec/ { r = $2 } /Latency/ { l = $2 } END { printf "%.0f a second, mean latency %s\n", r, l }'
	done
else
	echo "wrk not installed: read rates not measured"
fi

a=$(now)
lines=$(curl -sS -H "Authorization: Bearer $TOKEN" "$URL/adherence.csv" | wc -l)
b=$(now)
awk -v n="$lines" -v a="$a" -v b="$b" 'BEGIN { printf "GET /adherence.csv: %d lines in %.2f s\n", n, b - a }'

a=$(now)
for i in $(seq 20); do
	"$BIN" patient add "+448$(printf %09d "$i")" --plan dvt-walking \
		-c "$TMP/clotline.ini" --actor bench >/dev/null
done
b=$(now)
echo "clotline patient add (a process each): $(rate 20 "$a" "$b")"
a=$(now)
"$BIN" patient list -c "$TMP/clotline.ini" --actor bench >/dev/null
b=$(now)
awk -v n="$((N + 20))" -v a="$a" -v b="$b" 'BEGIN { printf "clotline patient list: %d patients in %.2f s\n", n, b - a }'
