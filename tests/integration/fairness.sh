#!/bin/bash
# SPDX-License-Identifier: ISC
# Alerts are fair per patient (issue 16): 300 emergencies from 300 numbers
# the clinic does not know queue 300 alerts, which take half a minute to
# send at the default rate (10 a second); an enrolled patient's first
# emergency alert must not wait behind them, and one sender texting red
# flags again and again gets one alert, not a queue of them.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${WEBHOOKGEN:=$top_builddir/tests/fake/webhookgen}"
[ -x "$WEBHOOKGEN" ] || fail "WEBHOOKGEN is not built (make check builds it)"
N=300
P_NEW=+447700900601	# enrolled; texts once, after the flood
P_LOUD=+447700900602	# enrolled; texts a red flag 40 times

start_fake
CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
CFG_OUTBOX="poll_interval = 1" write_config "$TEST_CONF"
start_daemon
enrol "$P_NEW"
enrol "$P_LOUD"

# posts webhookgen's TSV, 8 at a time (as faults.sh does)
load() {
	awk -F'\t' -v url="http://127.0.0.1:$PORT/twilio/sms" '{
		if (NR > 1)
			printf "next\n"
		printf "url = \"%s\"\n", url
		printf "header = \"X-Twilio-Signature: %s\"\n", $2
		printf "header = \"Content-Type: application/x-www-form-urlencoded\"\n"
		printf "header = \"Expect:\"\n"
		printf "data-binary = \"%s\"\n", $3
		printf "output = \"/dev/null\"\n"
		printf "write-out = \"%%{http_code}\\n\"\n"
		printf "max-time = 10\n"
	}' "$1" >"$TMPD/load.curl"
	curl --parallel --parallel-max 8 -s -K "$TMPD/load.curl" >"$2" 2>"$2.err" || true
}

echo 'I coughed up blood this morning' >"$TMPD/red"
"$WEBHOOKGEN" --token "$TEST_TOKEN" --url "$TEST_SMS_URL" --count "$N" \
	--senders "$N" --first-sender +447700800000 <"$TMPD/red" >"$TMPD/flood.tsv"
load "$TMPD/flood.tsv" "$TMPD/flood.out"
expect_eq "$(grep -c '^200$' "$TMPD/flood.out")" "$N" "$N emergencies from $N numbers answered"
waiting=$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'alert' AND status IN ('pending', 'sending');")
[ "$waiting" -ge 150 ] || fail "only $waiting flood alerts still waiting: the flood is too small to test"
ok "$waiting of the flood's alerts are still waiting to be sent"

t0=$(now_ms)
post_sms SMnew "$P_NEW" 'I fainted in the kitchen'
expect_contains "$HTTP_BODY" 'Call 999 now' 'the new patient is told to call 999'
new_alert_out() { grep -qF "$P_NEW" "$FAKE_LOG" 2>/dev/null; }
wait_for 30 new_alert_out || fail "the new patient's alert never reached the provider"
took=$(($(now_ms) - t0))
left=$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'alert' AND status IN ('pending', 'sending') AND patient_id IS NULL;")
[ "$took" -le 3000 ] || fail "the new patient's first alert waited $took ms behind the flood ($left flood alerts left)"
ok "the new patient's first alert reached the provider in $took ms, ahead of $left flood alerts"

# One sender, 40 red-flag texts in a row: one episode, one alert.
for i in $(seq 1 40); do
	post_sms "SMloud$i" "$P_LOUD" 'I am coughing up blood'
done
expect_eq "$(sql "SELECT count(*) FROM escalation_alerts a JOIN escalations e ON e.id = a.escalation_id WHERE e.phone = '$P_LOUD';")" 1 \
	'forty red flags from one sender: one alert'

stop_daemon
finish
