#!/bin/bash
# SPDX-License-Identifier: ISC
# Reminder scheduler at start: how long the gateway takes to load N enrolled
# patients and compute every reminder's next fire, and the memory that
# costs per patient (peak RSS, VmHWM, above the same gateway with no
# patients).
#
#   bench/scheduler.sh [PATIENTS]     default 100000; needs make
#
# Patients are spread over eight zones (both hemispheres, half-hour
# offsets), three languages, start dates over the last 120 days, one in ten
# with its own reminder times, and half with a recorded last fire, all on
# the shipped dvt-walking plan (five reminders each).  The time reported is
# the scheduler's own measure (reading the rows and computing the fires,
# zone tables included) and the wall time from exec to that log line.
# [reminders] catch_up is at its minimum (60 s) so that the run does not
# start sending the day's reminders while it is measured.  Results go to
# standard output; docs/BENCHMARKS.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
BIN=$PWD/src/clotline
[ -x "$BIN" ] || { echo "build first: make" >&2; exit 1; }
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"' EXIT

cat >"$TMP/clotline.ini" <<CONF
[server]
listen = 127.0.0.1:0
public_url = http://127.0.0.1:1
port_file = port
prompts_dir = $PWD/prompts
log_level = info
[storage]
database = clotline.db
[provider]
name = console
auth_token = bench-token
console_log = outbound.log
[reminders]
plans_dir = $PWD/config/plans
catch_up = 60
[clinic]
phone = +441234567890
on_call = +447700900123
CONF
"$BIN" check-config -c "$TMP/clotline.ini" >/dev/null

# run LABEL: starts the gateway, waits for the scheduler's start line,
# prints it with the wall time and memory, and stops the gateway.
run() {
	local start end pid line hwm rss
	rm -f "$TMP/port"
	: >"$TMP/$1.log"
	start=$(date +%s%N)
	(cd / && exec "$BIN" serve -c "$TMP/clotline.ini") 2>"$TMP/$1.log" &
	pid=$!
	PIDS+=("$pid")
	while ! line=$(grep -m1 'reminders: .* patients' "$TMP/$1.log"); do
		kill -0 "$pid" 2>/dev/null || { cat "$TMP/$1.log" >&2; exit 1; }
		sleep 0.01
	done
	end=$(date +%s%N)
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	echo "$1: ${line#*reminders: }"
	echo "$1: wall time from exec to that line: $(( (end - start) / 1000000 )) ms; VmHWM $hwm KiB, VmRSS $rss KiB"
	eval "HWM_$1=$hwm"
}

run empty	# also creates the schema

sqlite3 "$TMP/clotline.db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO patients (phone, language, timezone, enrolled, created_at,
  updated_at, plan, reminder_times, start_date)
SELECT '+1555' || printf('%07d', i),
  CASE i % 3 WHEN 0 THEN 'en' WHEN 1 THEN 'es' ELSE 'de' END,
  CASE i % 8 WHEN 0 THEN 'Europe/London' WHEN 1 THEN 'America/Los_Angeles'
    WHEN 2 THEN 'America/New_York' WHEN 3 THEN 'Europe/Berlin'
    WHEN 4 THEN 'Europe/Madrid' WHEN 5 THEN 'Australia/Sydney'
    WHEN 6 THEN 'Asia/Kolkata' ELSE 'America/Chicago' END,
  1, strftime('%s', 'now') - 200 * 86400, strftime('%s', 'now') - 200 * 86400,
  'dvt-walking',
  CASE WHEN i % 10 = 0 THEN 'walk=07:15,strength=18:30' END,
  date('now', '-' || (i % 120) || ' days')
FROM n;
INSERT INTO schedules (patient_id, reminder, last_fire, last_status,
  next_fire, updated_at)
SELECT id, 'walk', strftime('%s', 'now') - 86400 - id % 3600, 'sent', NULL,
  strftime('%s', 'now') FROM patients WHERE id % 2 = 0;"
echo "patients: $N enrolled ($(sqlite3 "$TMP/clotline.db" 'SELECT count(*) FROM schedules;') with a recorded fire); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

run full
echo "memory above the empty gateway: $(( (HWM_full - HWM_empty) * 1024 / N )) bytes a patient (peak RSS $HWM_full - $HWM_empty KiB over $N patients)"
