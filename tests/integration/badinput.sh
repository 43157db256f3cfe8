#!/bin/bash
# SPDX-License-Identifier: ISC
# Bad input, class by class: the checks behind docs/bad-input.md that
# sms.sh, lifecycle.sh and outbox.sh do not already make (the table names
# the script of every row).  Each class ends by checking the gateway still
# answers.  Then the log check itself is shown to catch a body in a log.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

P=+447700900611
CFG_REQUEST_TIMEOUT=2 write_config "$TEST_CONF"
start_daemon
enrol "$P"

rows() { sql 'SELECT count(*) FROM inbound_messages;'; }
alive() {	# CLASS
	http_get /healthz
	expect_eq "$HTTP_STATUS" 200 "$1: the gateway still answers"
}
# raw BYTES: sends BYTES (printf %b escapes) on a connection of its own and
# sets RAW_REPLY to what comes back before the server closes or 3 s pass
# (CRs removed) and RAW_STATUS to its first status code (none: no answer).
raw() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	# (the server may close before all is written: no SIGPIPE for us)
	(trap '' PIPE; printf '%b' "$1" >&"$fd") 2>/dev/null || true
	RAW_REPLY=$(timeout 3 cat <&"$fd" 2>/dev/null | tr -d '\r') || true
	exec {fd}>&-
	RAW_STATUS=$(printf '%s\n' "$RAW_REPLY" | awk 'NR == 1 && /^HTTP\// { print $2 }')
	RAW_STATUS=${RAW_STATUS:-none}
}
# cpu_ticks PID: user + system clock ticks the process has used.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
# Every class below must leave the inbound table as it found it unless it
# says otherwise.
before=$(rows)

# ------------------------------------------------------- 10,000 form fields

# 10,000 fields in 40 KB (under the 64 KiB body limit), so the field limit
# (1,000) is what answers, before any signature work.
seq 1 10000 | sed 's/.*/a=1/' | paste -sd'&' >"$TMPD/fields10000"
post_raw - "@$TMPD/fields10000"
expect_eq "$HTTP_STATUS $HTTP_BODY" '413 too many form fields' '10,000 form fields, unsigned: 413'
post_raw "$(sign "$TEST_SMS_URL")" "@$TMPD/fields10000"
expect_eq "$HTTP_STATUS" 413 '10,000 form fields, any signature: 413'
# The limit is exact: 1,000 fields are a message, 1,001 are not.
fields_body() {	# N: MessageSid, From, Body and N - 3 padding fields
	printf 'MessageSid=SMfields%d&From=%s&Body=keypad+test' "$1" "$(urlencode "$P")"
	seq 4 "$1" | sed 's/.*/\&X&=v/' | tr -d '\n'
}
fields_sig() {	# N: the signature of fields_body N
	{
		printf '%s' "$TEST_SMS_URL"
		{
			printf 'Body\001keypad test\n'
			printf 'From\001%s\n' "$P"
			printf 'MessageSid\001SMfields%d\n' "$1"
			seq 4 "$1" | sed 's/.*/X&\x01v/'
		} | LC_ALL=C sort -t $'\001' -k1,1 -k2 | tr -d '\001\n'
	} | hmac_stdin
}
fields_body 1000 >"$TMPD/fields1000"
post_raw "$(fields_sig 1000)" "@$TMPD/fields1000"
expect_eq "$HTTP_STATUS" 200 '1,000 form fields, signed: accepted'
fields_body 1001 >"$TMPD/fields1001"
post_raw "$(fields_sig 1001)" "@$TMPD/fields1001"
expect_eq "$HTTP_STATUS $HTTP_BODY" '413 too many form fields' '1,001 form fields, signed: 413'
expect_eq "$(rows)" $((before + 1)) 'only the 1,000-field message is stored'
before=$(rows)
alive 'form fields'

# ------------------------------------------------------------- huge Digits

# Digits belongs to the keypad (POST /twilio/voice, pending on main); on
# the SMS webhook it is one more signed parameter, checked and ignored.
digits=$(head -c 60000 /dev/zero | tr '\0' 7)
post_signed MessageSid SMdigits1 From "$P" To "$CLINIC_PHONE" Body 'keypad test' Digits "$digits"
expect_eq "$HTTP_STATUS" 200 'Digits of 60,000 digits on /twilio/sms: signed, accepted, ignored'
expect_eq "$(sql "SELECT body FROM inbound_messages WHERE provider_sid = 'SMdigits1';")" 'keypad test' \
	'... the message stored without them'
post_signed MessageSid SMdigits2 From "$P" Body 'keypad test' Digits 99999999999999999999999999
expect_eq "$HTTP_STATUS" 200 'Digits past any integer type: accepted, ignored'
post_form /twilio/sms "$(sign "$TEST_SMS_URL" MessageSid SMdigits3 From "$P" Body 'keypad test' Digits 1)" \
	MessageSid SMdigits3 From "$P" Body 'keypad test' Digits "$digits"
expect_eq "$HTTP_STATUS" 403 'Digits changed after signing: 403'
before=$(rows)
alive 'huge Digits'

# ------------------------------------------------------- SQL metacharacters

tables=$(sql "SELECT count(*) FROM sqlite_schema;")
patients=$(sql 'SELECT count(*) FROM patients;')
SQLI_BODY="'); DROP TABLE inbound_messages; -- \" OR \"1\"=\"1 \\ %_ ;"
post_sms SMsql1 "$P" "$SQLI_BODY"
expect_eq "$HTTP_STATUS" 200 'SQL in Body: 200'
expect_eq "$(sql "SELECT body FROM inbound_messages WHERE provider_sid = 'SMsql1';")" "$SQLI_BODY" \
	'SQL in Body: stored byte for byte'
SQLI_FROM="+4477'; DELETE FROM patients; --"
post_sms SMsql2 "$SQLI_FROM" 'walked to the shop'
expect_eq "$HTTP_STATUS" 200 'SQL in From: 200 (an unknown sender)'
expect_eq "$(sql "SELECT from_phone FROM inbound_messages WHERE provider_sid = 'SMsql2';")" "$SQLI_FROM" \
	'SQL in From: stored as given'
post_sms SMsql3 "$SQLI_FROM" STOP
expect_eq "$(sql "SELECT enrolled, opted_out FROM patients WHERE phone = '$(printf '%s' "$SQLI_FROM" | sed "s/'/''/g")';")" '0|1' \
	'SQL in From, STOP: an opted-out row under that exact text'
SQLI_SID="SM' OR '1'='1"
post_sms "$SQLI_SID" "$P" 'walked to the shop'
expect_eq "$HTTP_STATUS" 200 'SQL in MessageSid: 200'
post_sms 'SM%' "$P" 'first of three'
post_sms 'SM_' "$P" 'second of three'
post_sms 'SMa' "$P" 'third of three'
expect_eq "$(sql "SELECT count(*) FROM inbound_messages WHERE provider_sid IN ('SM%', 'SM_', 'SMa');")" 3 \
	'MessageSids SM%, SM_ and SMa: three messages (no pattern matching in the de-duplication)'
post_sms 'SM%' "$P" 'first of three'
expect_eq "$(sql "SELECT count(*) FROM inbound_messages WHERE provider_sid = 'SM%';")" 1 \
	'... and SM% repeated is still one'
expect_eq "$(sql "SELECT count(*) FROM sqlite_schema;")" "$tables" 'no table or index dropped or added'
expect_eq "$(sql 'SELECT count(*) FROM patients;')" $((patients + 1)) 'no patient deleted'
expect_eq "$(rows)" $((before + 7)) 'seven messages stored, none lost'
before=$(rows)
alive 'SQL metacharacters'

# ------------------------------------- invalid UTF-8, NUL and control bytes

# Bodies are repaired (sms.sh: FF FE, surrogates, %00); these are the other
# ill-formed kinds: overlong '/', a 5-byte form, a truncated sequence, a
# lone continuation byte.
post_sms SMutf1 "$P" $'over\xc0\xaflong five\xf8\x88\x80\x80\x80 cut\xe2\x82 lone\x80'
expect_eq "$HTTP_STATUS" 200 'ill-formed UTF-8 in Body: 200'
sql "SELECT body FROM inbound_messages WHERE provider_sid = 'SMutf1';" >"$TMPD/utf1"
iconv -f UTF-8 -t UTF-8 "$TMPD/utf1" >/dev/null 2>&1 || fail 'the stored body is not valid UTF-8'
ok '... stored as valid UTF-8'
expect_contains "$(cat "$TMPD/utf1")" $'over\xef\xbf\xbd' '... with U+FFFD for the bad bytes'
# Sids and numbers are not repaired but refused: they are stored, logged
# and served as they came.
post_sms SMutf2 $'+4477009\xff00611' 'walked to the shop'
expect_eq "$HTTP_STATUS" 400 'invalid UTF-8 in From: 400'
sig=$({ printf '%s' "$TEST_SMS_URL"; printf 'BodyhelloFrom+4477\0MessageSidSMnul2'; } | hmac_stdin)
post_raw "$sig" "MessageSid=SMnul2&From=%2B4477%00&Body=hello"
expect_eq "$HTTP_STATUS" 400 '%00 in From: 400'
post_sms $'SMforged\nclotline: error: forged line' "$P" 'walked to the shop'
expect_eq "$HTTP_STATUS" 400 'a newline in MessageSid: 400'
! log_has 'forged line' || fail 'a MessageSid wrote a line of its own into the log'
ok '... and no forged line in the log'
post_sms SMesc "$P" $'walked \e[31mred\e[0m today\r\n'
expect_eq "$HTTP_STATUS" 200 'terminal escapes in Body: stored as a message'
http_request -H $'X-Twilio-Signature: abc\x01def' --data-urlencode MessageSid=SMctl \
	--data-urlencode "From=$P" --data-urlencode Body=hi "http://127.0.0.1:$PORT/twilio/sms"
expect_eq "$HTTP_STATUS" 403 'a control byte in X-Twilio-Signature: 403'
expect_eq "$(rows)" $((before + 2)) 'only the repaired bodies are stored'
before=$(rows)
alive 'bad bytes'

# ------------------------------------------------------------- path tricks

# Only the exact routes are routes: no normalisation, no case folding, no
# decoding, so nothing reaches a handler under another name.
for p in /twilio/sms/ //twilio/sms /twilio/./sms /twilio/../twilio/sms \
	/twilio/sms%00 /TWILIO/SMS '/twilio/sms;x' /twilio/%73ms /twilio/sms%2F \
	/twilio/status/ /twilio/status/../sms /healthz/ /metrics/../healthz \
	/api/v1/../../twilio/sms; do
	f=(MessageSid SMpath From "$P" Body 'path trick')
	http_request --path-as-is -H "X-Twilio-Signature: $(sign "$TEST_PUBLIC_URL$p" "${f[@]}")" \
		--data-urlencode MessageSid=SMpath --data-urlencode "From=$P" \
		--data-urlencode 'Body=path trick' "http://127.0.0.1:$PORT$p"
	case $p in
	/api/v1/*)	# the staff API's, which is off here: 403, never the webhook
		expect_eq "$HTTP_STATUS" 403 "POST $p (signed for that path): the staff API refuses it" ;;
	*)
		expect_eq "$HTTP_STATUS" 404 "POST $p (signed for that path): 404" ;;
	esac
done
http_request --request-target '*' -X OPTIONS "http://127.0.0.1:$PORT/"
expect_eq "$HTTP_STATUS" 404 'OPTIONS *: 404'
expect_eq "$(inbound_count SMpath)" 0 'nothing stored through a path trick'
alive 'path tricks'

# ------------------------------------------------------------ HTTP framing

raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 20000 /dev/zero | tr '\0' a)\r\n\r\n"
expect_eq "$RAW_STATUS" 400 'a 20 KB header (limit 16 KiB): 400'
h=
for i in $(seq 1 3000); do h+="X-H$i: v\r\n"; done
raw "GET /healthz HTTP/1.1\r\nHost: x\r\n$h\r\n"
expect_eq "$RAW_STATUS" 400 '3,000 headers: 400'
raw "GET /healthz?$(head -c 20000 /dev/zero | tr '\0' a) HTTP/1.1\r\nHost: x\r\n\r\n"
expect_eq "$RAW_STATUS" 400 'a 20 KB request target: 400'
raw "POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcdeGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
expect_eq "$RAW_STATUS" 400 'two Content-Length headers: 400'
expect_contains "$RAW_REPLY" 'Connection: close' '... and the connection closed'
expect_eq "$(printf '%s\n' "$RAW_REPLY" | grep -c '^HTTP/')" 1 '... so the request smuggled behind it is never answered'
raw "POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
expect_eq "$RAW_STATUS $(printf '%s\n' "$RAW_REPLY" | grep -c '^HTTP/')" '400 1' \
	'Content-Length with Transfer-Encoding: 400, nothing behind it answered'
raw "POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"
expect_eq "$RAW_STATUS" 400 'a negative Content-Length: 400'
raw "POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"
case $RAW_STATUS in
none | 400 | 413) ok "a 20-digit Content-Length: refused ($RAW_STATUS)" ;;
*) fail "a 20-digit Content-Length: answered $RAW_STATUS" ;;
esac
raw "POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nabc\r\n"
expect_eq "$RAW_STATUS" 413 'a chunk size past 64 bits: 413'
raw "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
expect_eq "$RAW_STATUS" 400 'an HTTP/2 preface: 400'
raw '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n'
expect_eq "$RAW_STATUS" 400 'a TLS ClientHello on the plain port: 400'
raw "GET /healthz\r\n"
expect_eq "$RAW_STATUS" 400 'HTTP/0.9: 400'
raw "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"
expect_eq "$RAW_STATUS" 400 'HTTP/9.9: 400'
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' a >"$TMPD/10m"
rss0=$(ps -o rss= -p "$DAEMON_PID" | tr -d ' ')
http_request -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$TMPD/10m" \
	"http://127.0.0.1:$PORT/twilio/sms"
expect_eq "$HTTP_STATUS" 413 'a 10 MB body: 413'
rss=$(ps -o rss= -p "$DAEMON_PID" | tr -d ' ')
if grep -q libasan <<<"$(ldd "$CLOTLINE" 2>/dev/null)"; then
	# AddressSanitizer keeps freed memory in quarantine: RSS says nothing.
	ok "... (RSS not checked under AddressSanitizer: $rss KiB)"
else
	[ $((rss - rss0)) -lt 5000 ] || fail "RSS grew from $rss0 to $rss KiB with a 10 MB body"
	ok "... without holding it (RSS $rss0 KiB before, $rss KiB after)"
fi
expect_eq "$(rows)" "$before" 'nothing stored from bad framing'
alive 'HTTP framing'

# ------------------------------------------------- slow headers, many of them

# 300 connections stalled in their headers: everyone else is still served,
# and all 300 are closed after request_timeout (2 s here).
stalled=()
for i in $(seq 1 300); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'POST /twilio/sms HTTP/1.1\r\nHost: gateway.test\r\nX-Slow-%d: ' "$i" >&"$fd"
	stalled+=("$fd")
done
t0=$(now_ms)
http_get /healthz
expect_eq "$HTTP_STATUS" 200 '300 stalled connections: /healthz answered'
post_sms SMslow300 "$P" 'breathless and my chest hurts'
expect_eq "$HTTP_STATUS" 200 '300 stalled connections: a signed SMS answered'
elapsed=$(($(now_ms) - t0))
[ "$elapsed" -lt 1500 ] || fail "answering took $elapsed ms with 300 stalled connections"
ok "... within $elapsed ms, before request_timeout"
closed() {	# FD: the server closed it (EOF or reset; an error reply first is skipped)
	local line rc=0
	IFS= read -r -t 0.05 -u "$1" line 2>/dev/null || rc=$?
	[ "$rc" -ne 0 ] && [ "$rc" -le 128 ]
}
all_closed() {
	local fd
	for fd in "${stalled[@]}"; do
		closed "$fd" || return 1
	done
}
wait_for 8 all_closed || fail 'stalled connections still open 8 s later'
ok "all 300 closed after $(($(now_ms) - t0)) ms (request_timeout = 2 s)"
for fd in "${stalled[@]}"; do exec {fd}>&-; done
alive 'slow headers'

# ------------------------------------------ slow headers past the fd limit

# With its descriptors used up (16 more than it has open), accept() fails: the gateway pauses
# accepting instead of spinning, says so once, and serves again as soon as
# descriptors come free.
command -v prlimit >/dev/null || fail 'prlimit (util-linux) is required'
limit=$(($(ls "/proc/$DAEMON_PID/fd" | wc -l) + 16))
prlimit --nofile=$limit:$limit --pid "$DAEMON_PID"
stalled=()
for i in $(seq 1 $((limit + 16))); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow-%d: ' "$i" >&"$fd"
	stalled+=("$fd")
done
hz=$(getconf CLK_TCK)
t0=$(now_ms)
c0=$(cpu_ticks "$DAEMON_PID")
sleep 1
c1=$(cpu_ticks "$DAEMON_PID")
used=$(( (c1 - c0) * 1000 / hz * 1000 / ($(now_ms) - t0) ))
[ "$used" -lt 300 ] || fail "out of descriptors the gateway used $used/1000 of a CPU"
ok "out of descriptors: $used/1000 of a CPU (it spun at 1000 before)"
expect_eq "$(grep -c 'cannot accept connections' "$DAEMON_LOG")" 1 '... and says so once'
! log_has 'Error from accept' || fail 'libevent logs each failed accept'
ok '... not once an accept'
for fd in "${stalled[@]}"; do exec {fd}>&-; done
t0=$(now_ms)
http_get /healthz
expect_eq "$HTTP_STATUS" 200 'descriptors free again: served'
ok "... within $(($(now_ms) - t0)) ms of the clients going"
stop_daemon

# ---------------------------------------- the log check can fail (control)

# At log_level = debug the gateway logs bodies (docs/configuration.md):
# expect_log_clean must catch that.
DAEMON_LOG_MAIN=$DAEMON_LOG
DAEMON_LOG=$TMPD/debug.log
sed -i 's/^log_level = info/log_level = debug/' "$TEST_CONF"
start_daemon
post_sms SMdebug "$P" 'my calf hurts when I walk uphill'
stop_daemon
control=0
(expect_log_clean) >"$TMPD/control.out" 2>&1 || control=$?
expect_eq "$control" 1 'the log check fails on a debug log holding a body'
expect_contains "$(cat "$TMPD/control.out")" 'my calf hurts when I walk uphill' '... naming the body'
DAEMON_LOG=$DAEMON_LOG_MAIN
finish
