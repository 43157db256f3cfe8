#!/bin/bash
# SPDX-License-Identifier: ISC
# Outbox throughput: messages per second from the durable outbox to the fake
# provider on loopback (keep-alive, the twilio adapter, SQLite with
# synchronous=FULL), and the gateway's resident memory sampled every second
# (it must stay flat).
#
#   bench/outbox.sh [MESSAGES] [IN_FLIGHT]   defaults 100000 and 64;
#                                            needs make and make check built
#
# MESSAGES rows are queued in the database first; the clock starts when the
# gateway starts and stops when the last row is recorded as sent.  The fake
# provider sends no status callbacks here (that is inbound load, measured by
# the webhook benchmark).  Results go to standard output; docs/BENCHMARKS.md
# records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
INFLIGHT=${2:-64}
BIN=$PWD/src/clotline
FAKE=$PWD/tests/fake/fakeprovider
[ -x "$BIN" ] && [ -x "$FAKE" ] || { echo "build first: make && make tests/fake/fakeprovider" >&2; exit 1; }
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT

"$FAKE" --port-file "$TMP/fake.port" --log "$TMP/fake.log" &
PIDS+=($!)
while [ ! -s "$TMP/fake.port" ]; do sleep 0.05; done
cat >"$TMP/clotline.ini" <<CONF
[server]
listen = 127.0.0.1:0
public_url = http://127.0.0.1:1
port_file = port
prompts_dir = $PWD/prompts
log_level = notice
[storage]
database = clotline.db
[provider]
name = twilio
account_sid = AC0123456789abcdef0123456789abcdef
auth_token = bench-token
from = +441234567890
api_base = http://127.0.0.1:$(cat "$TMP/fake.port")
[outbox]
rate = 100000
max_in_flight = $INFLIGHT
[clinic]
phone = +441234567890
on_call = +447700900123
CONF
"$BIN" check-config -c "$TMP/clotline.ini" >/dev/null
# Start once with nothing queued to create the schema, then queue the
# messages in one transaction.
(cd / && exec "$BIN" serve -c "$TMP/clotline.ini") 2>"$TMP/boot.log" &
BOOT=$!
while [ ! -s "$TMP/port" ]; do sleep 0.05; done
kill "$BOOT"; wait "$BOOT" 2>/dev/null || true
rm -f "$TMP/port"
sqlite3 "$TMP/clotline.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
  INSERT INTO outbound_messages (kind, to_phone, body, status, priority, next_attempt_at, created_at, updated_at)
  SELECT 'welcome', '+4477' || printf('%08d', i), 'Welcome to the clinic. Walk 10-15 minutes today and build up. Reply STOP to stop. ' || i,
         'pending', 2, strftime('%s', 'now'), strftime('%s', 'now'), strftime('%s', 'now') FROM n;"
echo "queued: $N messages; max_in_flight $INFLIGHT; cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

start=$(date +%s%N)
(cd / && exec "$BIN" serve -c "$TMP/clotline.ini") 2>"$TMP/gateway.log" &
GW=$!
PIDS+=("$GW")
rss=()
left=$N
while [ "$left" -gt 0 ]; do
	sleep 1
	rss+=("$(ps -o rss= -p "$GW" | tr -d ' ')")
	left=$(sqlite3 -cmd '.timeout 5000' "$TMP/clotline.db" "SELECT count(*) FROM outbound_messages WHERE status <> 'sent';")
	printf '  t=%ds sent=%d rss=%s KiB\n' "${#rss[@]}" $((N - left)) "${rss[-1]}"
done
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
first=$(sqlite3 "$TMP/clotline.db" "SELECT min(sent_at) FROM outbound_messages;")
last=$(sqlite3 "$TMP/clotline.db" "SELECT max(sent_at) FROM outbound_messages;")
echo "sent: $N rows recorded sent; the provider saw $(grep -c . "$TMP/fake.log") requests"
echo "wall: $ms ms from gateway start to the poll that saw the last row sent"
echo "sent_at span: $((last - first + 1)) s (first to last row, whole seconds)"
echo "throughput: $(( N / (last - first + 1) )) messages/s over the sent_at span; $(( N * 1000 / ms )) over the wall time"
echo "rss KiB, one sample a second: ${rss[*]}"
echo "peak RSS (VmHWM): $(awk '/^VmHWM:/ { print $2 }' "/proc/$GW/status") KiB"
