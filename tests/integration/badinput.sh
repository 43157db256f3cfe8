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

# schema_objects: the tables, indexes (and on PostgreSQL sequences) there are.
schema_objects() {
	if on_postgresql; then
		sql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema();"
	else
		sql "SELECT count(*) FROM sqlite_schema;"
	fi
}
tables=$(schema_objects)
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
expect_eq "$(schema_objects)" "$tables" 'no table or index dropped or added'
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
expect_eq "$HTTP_STATUS" 400 'a control byte in X-Twilio-Signature: 400 (framing)'
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
	//*)	# not origin form (read as a host by URI parsers): no route at all
		expect_eq "$HTTP_STATUS" 400 "POST $p (signed for that path): 400" ;;
	/api/v1/*)	# the staff API's, which is off here: 403, never the webhook
		expect_eq "$HTTP_STATUS" 403 "POST $p (signed for that path): the staff API refuses it" ;;
	*)
		expect_eq "$HTTP_STATUS" 404 "POST $p (signed for that path): 404" ;;
	esac
done
http_request --request-target '*' -X OPTIONS "http://127.0.0.1:$PORT/"
expect_eq "$HTTP_STATUS" 400 'OPTIONS * (asterisk form): 400'
expect_eq "$(inbound_count SMpath)" 0 'nothing stored through a path trick'
alive 'path tricks'

# ---------------------------------------------------- request-target forms

# Only origin form (a path starting with one '/') is a request target; the
# route is the path exactly as sent and the signature covers exactly that
# path and query.  The attack this replays: an authentic SMS webhook, signed
# for /twilio/sms, sent unchanged to a target libevent reads as the status
# callback of outbox message ID while the signature check read the
# fragment as /twilio/sms; it marked a pending emergency alert sent.
alert=$(queue_msg alert "$ON_CALL" 'alert waiting for its turn' 0 3600)
f=(MessageSid SMtarget From "$P" To "$CLINIC_PHONE" Body 'target trick')
body=$(form_data "${f[@]}")
sig=$(sign "$TEST_SMS_URL" "${f[@]}")
target_post() {	# TARGET: the signed SMS above, posted to TARGET as given
	raw "POST $1 HTTP/1.1\r\nHost: x\r\nX-Twilio-Signature: $sig\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${#body}\r\nConnection: close\r\n\r\n$body"
}
for t in "x:/twilio/status?id=$alert#://h/twilio/sms" "x:/twilio/sms" \
	"http://evil.example/twilio/status?id=$alert#/twilio/sms" \
	"http://gateway.test/twilio/sms" "//evil/twilio/sms" "//evil/api/v1/plans" \
	"/twilio/status?id=$alert#/twilio/sms" "/twilio/sms#x" "gateway.test:80" "twilio/sms"; do
	target_post "$t"
	expect_eq "$RAW_STATUS" 400 "request target $t: 400"
done
expect_eq "$(row_status "$alert")" 'pending|0|' '... and the pending alert is still pending (not marked sent)'
expect_eq "$(inbound_count SMtarget)" 0 '... and nothing stored'
target_post /twilio/sms
expect_eq "$RAW_STATUS" 200 'the same request on its own route, origin form: 200'
before=$(rows)
alive 'request-target forms'

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

# What libevent read leniently, each followed by a second request that must
# never be answered: the gateway refuses with 400 and closes, before
# libevent's parser sees the request (src/framing.c, src/conn.c), so a
# proxy that framed these bytes differently cannot smuggle a request past
# it.  (Each was accepted before: libevent took "gzip, chunked" and a
# second Transfer-Encoding as chunked or as no body, 0x3 as 3, cut a header
# value at its NUL and read bare LF as a line end.)
SMUGGLED="GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
CHUNKED="POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
refused() {	# NAME: the last raw request was refused with 400 and closed
	expect_eq "$RAW_STATUS $(printf '%s\n' "$RAW_REPLY" | grep -c '^HTTP/')" '400 1' \
		"$1: 400, nothing behind it answered"
}
raw "${CHUNKED}Transfer-Encoding: gzip, chunked\r\n\r\n3\r\na=b\r\n0\r\n\r\n$SMUGGLED"
refused 'Transfer-Encoding: gzip, chunked'
expect_contains "$RAW_REPLY" 'Connection: close' '... and the connection closed'
raw "${CHUNKED}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n0\r\n\r\n$SMUGGLED"
refused 'Transfer-Encoding given twice'
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n0x3\r\na=b\r\n0\r\n\r\n$SMUGGLED"
refused 'a chunk size of 0x3'
expect_contains "$RAW_REPLY" 'a chunk size that is not hexadecimal digits' '... saying why'
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n3 \r\na=b\r\n0\r\n\r\n$SMUGGLED"
refused 'a chunk size followed by a space'
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n3;x=y\r\na=b\r\n0\r\n\r\n$SMUGGLED"
refused 'a chunk extension'
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n3\r\na=bcd\r\n0\r\n\r\n$SMUGGLED"
refused 'chunk data longer than its size'
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n0\r\nX-Trailer: 1\r\n\r\n$SMUGGLED"
refused 'a trailer field'
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n3\r\na=b\n0\r\n\r\n$SMUGGLED"
refused 'a bare LF in a chunked body'
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n$SMUGGLED"
refused 'a NUL inside a header value'
expect_contains "$RAW_REPLY" 'a NUL in a header' '... saying why'
raw "GET /healthz HTTP/1.1\nHost: x\n\n$SMUGGLED"
refused 'bare LF line ends'
raw "GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n$SMUGGLED"
refused 'one bare LF among CRLFs'
raw "GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n$SMUGGLED"
refused 'a bare CR'
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n$SMUGGLED"
refused 'obsolete line folding'
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nabcde$SMUGGLED"
refused 'white space before a colon'
raw "HEAD /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 34\r\n\r\n$SMUGGLED"
refused 'a body on HEAD (libevent ignores it)'
raw "POST /twilio/sms HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\na=b&c$SMUGGLED"
refused 'Content-Length: +5'
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Clotline-Refused: 200 fine\r\n\r\n$SMUGGLED"
refused "the gateway's own refusal header, sent by a client"
# and a well-framed chunked request goes through, the one behind it too
raw "${CHUNKED}Transfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n0\r\n\r\n\r\n${SMUGGLED%\\r\\n}Connection: close\r\n\r\n"
expect_eq "$(printf '%s\n' "$RAW_REPLY" | awk '/^HTTP\// { print $2 }' | tr '\n' ' ')" '403 200 ' \
	'a well-framed chunked request (unsigned: 403), then another (200)'
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

# ------------------------------------------------------------ slow drip

# A client that sends one byte every half second is never idle, so an idle
# timeout never fires; request_timeout covers the whole request (head and
# body), so all are closed about 2 s after their first byte.  (They stayed
# open for ever: 1 byte a second kept a connection.)
[ -x "${SLOWCLIENT:-}" ] || fail 'SLOWCLIENT is not built (make check builds it)'
out=$("$SLOWCLIENT" drip "$PORT" 40 500 10)
n=$(awk '{ print $2 }' <<<"$out")
last=$(awk '{ print $7 }' <<<"$out")
expect_eq "$n" 40 "40 clients dripping a byte every 0.5 s: all closed ($out)"
[ "$last" -lt 4000 ] || fail "the last dripping client was closed after $last ms (request_timeout = 2 s)"
ok "... within $last ms (request_timeout = 2 s)"
alive 'slow drip'

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

# --------------------------------- descriptors kept for new connections

# 250 dripping clients against a 200-descriptor limit: the gateway keeps a
# reserve (64, or a quarter of a small limit) and, past it, closes the
# oldest connection that is only reading or idle, so /healthz and a signed
# SMS are still answered at once.  (They were starved: every descriptor
# held by a client that was never timed out.)  Then a reply nobody reads:
# request_timeout also bounds a whole reply.
printf '\n[admin]\ntoken_file = admin.tokens\n' >>"$TEST_CONF"
RESERVE_TOKEN=reserve-0123456789abcdef0123456789abcdef
printf 'staff %s\n' "$RESERVE_TOKEN" >"$TMPD/admin.tokens"
chmod 600 "$TMPD/admin.tokens"
soft=$(ulimit -S -n)
ulimit -S -n 200
start_daemon
ulimit -S -n "$soft"
"$SLOWCLIENT" drip "$PORT" 250 1000 6 >"$TMPD/drip250.out" &
drip=$!
sleep 1
t0=$(now_ms)
http_get /healthz
expect_eq "$HTTP_STATUS" 200 '250 dripping clients, 200 descriptors: /healthz answered'
post_sms SMreserve "$P" 'walked to the park today'
expect_eq "$HTTP_STATUS" 200 '... and a signed SMS'
elapsed=$(($(now_ms) - t0))
[ "$elapsed" -lt 1500 ] || fail "answering took $elapsed ms with 250 dripping clients"
ok "... within $elapsed ms"
wait "$drip"
expect_match "$(cat "$TMPD/drip250.out")" '^closed 250 of 250' '... and every dripping client closed (shed or timed out)'
http_get /metrics
expect_match "$HTTP_BODY" '^clotline_http_connections_closed_total\{reason="shed"\} [1-9]' \
	'/metrics counts the connections shed'
expect_match "$HTTP_BODY" '^clotline_http_connections_closed_total\{reason="request_timeout"\} [1-9]' \
	'/metrics counts the requests timed out'
# A reply of about 3 MB (the adherence CSV of 60 patients over a year) to a
# client reading one byte every 50 ms: closed after request_timeout.
for i in $(seq 1 60); do
	printf "INSERT INTO patients(phone,name,language,timezone,enrolled,opted_out,paused,created_at,updated_at)
	    VALUES('+4477009%05d','%s','en','Europe/London',1,0,0,0,0);\n" "$i" \
		"$(head -c 90 /dev/zero | tr '\0' n)"
done | sql "$(cat)"
printf 'GET /api/v1/adherence.csv?from=2025-01-01&to=2025-12-31 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' \
	"$RESERVE_TOKEN" >"$TMPD/csv.req"
reply_closed() {
	http_get /metrics
	grep -q '^clotline_http_connections_closed_total{reason="reply_timeout"} 1' <<<"$HTTP_BODY"
}
"$SLOWCLIENT" slowread "$PORT" 50 21 "$TMPD/csv.req" >"$TMPD/slowread.out" 2>&1 &
slow=$!
t0=$(now_ms)
# (the client may go on reading what the kernel had already taken; the
# gateway's side of the connection is what is closed)
if ! wait_for 20 reply_closed; then
	kill "$slow" 2>/dev/null || true
	wait "$slow" 2>/dev/null || true
	fail "a reply read a byte every 50 ms was not closed within 20 s (client: $(cat "$TMPD/slowread.out"); $(grep -E 'api/v1|connections_closed' <<<"$HTTP_BODY" | tr '\n' ' '))"
fi
ok "a 3 MB reply read a byte every 50 ms: closed within $(($(now_ms) - t0)) ms (request_timeout = 2 s)"
kill "$slow" 2>/dev/null || true
wait "$slow" 2>/dev/null || true
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
