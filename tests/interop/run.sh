#!/bin/bash
# SPDX-License-Identifier: ISC
# make check-interop: clotline against peers nobody on the project wrote
# (shared/peer/README.md).
#
#  1. Prism, a validating proxy, with the provider's published API
#     description between the gateway and the fake provider: every Messages
#     request the gateway sends is checked against the document (an invalid
#     one would get 422, which the gateway retries: it would never be sent,
#     and the outbox would not settle).
#  2. The official twilio npm library signs inbound webhooks; the gateway
#     accepts them and refuses tampered ones.
#  3. The library's own REST client sends a message to the fake provider;
#     the gateway's request carries the same fields.
#  4. Vonage: Prism with vonage_sms.yml between the gateway ([provider]
#     name = vonage) and the fake provider's Vonage mode; webhooks signed
#     as the official @vonage/server-sdk verifies them (vonage.js), with
#     every signature method; the library's own client's request and ours.
#  5. Segments: the gateway's count of each message it sends (the console
#     provider's log) against the provider's own calculator on npm
#     (sms-segments-calculator), clusters such as 👍🏽 included.
#  6. The clinic console in Debian's headless Chromium, driven by
#     playwright-core (console.js): sign-in, enrolment, a live emergency,
#     acknowledgement, the adherence chart, the rules check, the cookie's
#     flags and CSRF; screenshots into docs/ (CONSOLE_SHOTS to change).
#  5. The staff API's real answers through Prism with the API's own
#     description, docs/openapi.yaml (staff-api.sh).
#
# Needs node and npm; installs the pinned packages (package-lock.json) with
# `npm ci` on first use.  Environment as for make check: top_srcdir,
# CLOTLINE, FAKEPROVIDER; CLOTLINE_SHARED (default $top_srcdir/../shared).
set -euo pipefail
. "$top_srcdir/tests/integration/lib.sh"

INTEROP=$top_srcdir/tests/interop
SPEC=${CLOTLINE_SHARED:-$top_srcdir/../shared}/peer/twilio_api_v2010.messages.json
[ -f "$SPEC" ] || fail "the provider's API description is missing: $SPEC"
SPEC_VONAGE=$(dirname "$SPEC")/vonage_sms.yml
[ -f "$SPEC_VONAGE" ] || fail "Vonage's API description is missing: $SPEC_VONAGE"
command -v node >/dev/null || fail 'node is required (apt-get install nodejs npm)'
if [ ! -x "$INTEROP/node_modules/.bin/prism" ] ||
	! (cd "$INTEROP" && node -e "require('twilio'); require('playwright-core'); require('js-yaml'); require('@vonage/server-sdk'); require('sms-segments-calculator')") 2>/dev/null; then
	(cd "$INTEROP" && npm ci --no-audit --no-fund --loglevel=error) ||
		fail 'npm ci failed'
fi
peer() { node "$INTEROP/peer.js" "$@"; }
free_port() {
	node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# ------------------------------------------------- 1. through the validator
P_ODD=+447700900409	# answered by something other than the Messages API
echo "$P_ODD http:200 http:204 nosid:201 http:302 http:400 http:408 http:413 http:421 201" >"$TMPD/script"
start_fake "$TMPD/script"
PRISM_PORT=$(free_port)
"$INTEROP/node_modules/.bin/prism" proxy -h 127.0.0.1 -p "$PRISM_PORT" "$SPEC" \
	"http://127.0.0.1:$FAKE_PORT" --errors >"$TMPD/prism.log" 2>&1 &
PRISM_PID=$!
_PIDS+=("$PRISM_PID")
prism_up() { curl -s -o /dev/null "http://127.0.0.1:$PRISM_PORT/"; }
wait_for 60 prism_up || fail "prism did not start: $(tail -n 5 "$TMPD/prism.log")"
ok "prism proxy up on port $PRISM_PORT with $(basename "$SPEC")"

# The proxy really validates: a request without To is refused with 422.
code=$(curl -s -o "$TMPD/prism.out" -w '%{http_code}' -u "$TEST_ACCOUNT_SID:$TEST_TOKEN" \
	--data-urlencode "From=$CLINIC_PHONE" --data-urlencode 'Body=x' \
	"http://127.0.0.1:$PRISM_PORT/2010-04-01/Accounts/$TEST_ACCOUNT_SID/Messages.json")
expect_eq "$code" 422 'control: prism refuses a Messages request without To'

CFG_PROVIDER=twilio CFG_API_BASE=http://127.0.0.1:$PRISM_PORT \
CFG_OUTBOX='poll_interval = 1
retry_initial_ms = 100
retry_max = 1' write_config "$TEST_CONF"
start_daemon
queue_msg reminder +447700900401 'Time for your 15 minute walk.' >/dev/null
queue_msg welcome +447700900402 'Welcome to the clinic: reply STOP to stop, HELP for help.' >/dev/null
queue_msg alert "$ON_CALL" 'clotline emergency: +447700900403 texted "chest pain" Ünïcödé ☎' >/dev/null
post_sms SMinterop1 +447700900404 'breathless and my chest hurts'
expect_eq "$HTTP_STATUS" 200 'an inbound red flag (which queues an alert)'
wait_for 30 outbox_settled || fail "not settled: $(sql "SELECT id, status, error_message FROM outbound_messages;")"
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE status <> 'sent';")" 0 \
	"every message passed prism's validation and was sent: $(sql "SELECT status, error_code, error_message FROM outbound_messages WHERE status <> 'sent';")"
expect_eq "$(fake_count)" "$(sql 'SELECT count(*) FROM outbound_messages;')" \
	'prism forwarded every request to the provider'
expect_eq "$(grep -c 'UNPROCESSABLE' "$TMPD/prism.log")" 1 \
	"prism refused nothing but the control request"
ours=$(grep -F '"to":"+447700900401"' "$FAKE_LOG")

# Answers that are not a created message, through prism (issue 16): a 200
# HTML page, 204, 201 without a sid, 302, 400 without JSON, 408, 413, 421.
# Whatever prism makes of them, the alert is never sent until an answer
# with a sid comes, and never failed for good.
odd=$(queue_msg alert "$P_ODD" 'clotline emergency: answers that are not a message' 0)
odd_sent() { [ "$(sql "SELECT status FROM outbound_messages WHERE id = $odd;")" = sent ]; }
wait_for 120 odd_sent || fail "the alert was not sent in the end: $(row_status "$odd")"
expect_eq "$(fake_count "\"to\":\"$P_ODD\"")" 9 \
	'through prism: eight answers that are not a created message, each retried, then sent'
expect_eq "$(row_status "$odd")" 'sent|9|' 'sent on the ninth attempt, with the sid'
stop_daemon

# --------------------------------------- 2. webhooks signed by the library
start_daemon
BODY='chest pain & breathless ☹ 100% +=?'
sig=$(peer sign "$TEST_TOKEN" "$TEST_SMS_URL" MessageSid=SMpeer1 From=+447700900405 \
	To="$CLINIC_PHONE" "Body=$BODY" NumMedia=0 ApiVersion=2010-04-01)
expect_eq "$(sign "$TEST_SMS_URL" MessageSid SMpeer1 From +447700900405 To "$CLINIC_PHONE" \
	Body "$BODY" NumMedia 0 ApiVersion 2010-04-01)" "$sig" \
	"the test suite's own signer agrees with the library's"
post_form /twilio/sms "$sig" MessageSid SMpeer1 From +447700900405 To "$CLINIC_PHONE" \
	Body "$BODY" NumMedia 0 ApiVersion 2010-04-01
expect_eq "$HTTP_STATUS" 200 'an SMS webhook signed by the twilio library is accepted'
expect_contains "$HTTP_BODY" '<Message>' 'and answered with TwiML'
post_form /twilio/sms "$sig" MessageSid SMpeer1 From +447700900405 To "$CLINIC_PHONE" \
	Body "$BODY!" NumMedia 0 ApiVersion 2010-04-01
expect_eq "$HTTP_STATUS" 403 'the same signature over a tampered body is refused'
post_form /twilio/sms "$sig" MessageSid SMpeer1 From +447700900405 To "$CLINIC_PHONE" \
	Body "$BODY" NumMedia 0 ApiVersion 2010-04-01 Extra 1
expect_eq "$HTTP_STATUS" 403 'the same signature with an added parameter is refused'
id=$(sql "SELECT id FROM outbound_messages WHERE to_phone = '+447700900401';")
sid=$(sql "SELECT provider_sid FROM outbound_messages WHERE id = $id;")
url="$TEST_PUBLIC_URL/twilio/status?id=$id"
sig=$(peer sign "$TEST_TOKEN" "$url" MessageSid="$sid" MessageStatus=delivered)
post_form "/twilio/status?id=$id" "$sig" MessageSid "$sid" MessageStatus delivered
expect_eq "$HTTP_STATUS" 200 'a status callback signed by the library is accepted'
post_form "/twilio/status?id=$((id + 1))" "$sig" MessageSid "$sid" MessageStatus delivered
expect_eq "$HTTP_STATUS" 403 'the signature does not carry over to another message id'

# A keypad call signed by the library, answered with the TwiML the library
# itself builds for that menu (compared as canonical XML, so entity choices
# such as &apos; do not matter); the texts come from the prompt files.
prompt() {	# LANG NAME: the prompt's text as the gateway says it
	grep -v '^#' "$top_srcdir/prompts/$1/$2.txt" |
		sed 's/{clinic_name}/Test Vascular Clinic/g'
}
VOICE_URL=$TEST_PUBLIC_URL/twilio/voice
sig=$(peer sign "$TEST_TOKEN" "$VOICE_URL" CallSid=CApeer1 From=+447700900406 \
	To="$CLINIC_PHONE" CallStatus=ringing Direction=inbound ApiVersion=2010-04-01)
post_form /twilio/voice "$sig" CallSid CApeer1 From +447700900406 To "$CLINIC_PHONE" \
	CallStatus ringing Direction inbound ApiVersion 2010-04-01
expect_eq "$HTTP_STATUS" 200 'a voice webhook signed by the twilio library is accepted'
printf '%s' "$HTTP_BODY" | xmllint --c14n - >"$TMPD/ours.xml" ||
	fail "the gateway's TwiML is not well-formed: $HTTP_BODY"
peer gather "$VOICE_URL/gather?step=1" "$VOICE_URL/no-input?step=1" 1 5 \
	en-GB "$(prompt en voice_language)" es-ES "$(prompt es voice_language)" \
	de-DE "$(prompt de voice_language)" | xmllint --c14n - >"$TMPD/theirs.xml"
expect_eq "$(cat "$TMPD/ours.xml")" "$(cat "$TMPD/theirs.xml")" \
	"the language menu is the library's VoiceResponse for it"
url="$VOICE_URL/gather?step=1"
sig=$(peer sign "$TEST_TOKEN" "$url" CallSid=CApeer1 From=+447700900406 Digits=1 \
	FinishedOnKey=)
post_form "/twilio/voice/gather?step=1" "$sig" CallSid CApeer1 From +447700900406 \
	Digits 1 FinishedOnKey ''
expect_eq "$HTTP_STATUS" 200 'keys signed by the library are accepted'
printf '%s' "$HTTP_BODY" | xmllint --c14n - >"$TMPD/ours.xml"
peer gather "$VOICE_URL/gather?step=2" "$VOICE_URL/no-input?step=2" 1 5 \
	en-GB "$(prompt en voice_greeting)" en-GB "$(prompt en voice_menu)" |
	xmllint --c14n - >"$TMPD/theirs.xml"
expect_eq "$(cat "$TMPD/ours.xml")" "$(cat "$TMPD/theirs.xml")" \
	"English chosen: greeting and main menu as the library builds them"
post_form "/twilio/voice/gather?step=2" "$sig" CallSid CApeer1 From +447700900406 \
	Digits 1 FinishedOnKey ''
expect_eq "$HTTP_STATUS" 403 "the keys' signature does not carry over to the next step"
stop_daemon

# ------------------------------------ 3. the library's request and ours
lib_sid=$(peer send "$PRISM_PORT" "$TEST_ACCOUNT_SID" "$TEST_TOKEN" +447700900401 \
	"$CLINIC_PHONE" 'Time for your 15 minute walk.' "$TEST_PUBLIC_URL/twilio/status?id=1" 3600)
expect_match "$lib_sid" '^SM[0-9a-f]{32}$' "the library's own client, through prism, got a sid"
theirs=$(grep -F "\"sid\":\"$lib_sid\"" "$FAKE_LOG")
fields() {	# the names of the non-null request fields in a fake log line
	printf '%s' "$1" | grep -oE '"(to|from|body|status_callback|validity|account)":"' | sort | tr -d '":\n'
}
expect_eq "$(fields "$ours")" "$(fields "$theirs")" \
	'the gateway sends the same Messages fields as the official library'

# ------------------------------------------------------------ 4. Vonage
vonage() { node "$INTEROP/vonage.js" "$@"; }
PRISM_V_PORT=$(free_port)
"$INTEROP/node_modules/.bin/prism" proxy -h 127.0.0.1 -p "$PRISM_V_PORT" "$SPEC_VONAGE" \
	"http://127.0.0.1:$FAKE_PORT" --errors >"$TMPD/prism-vonage.log" 2>&1 &
_PIDS+=("$!")
prism_v_up() { curl -s -o /dev/null "http://127.0.0.1:$PRISM_V_PORT/"; }
wait_for 60 prism_v_up || fail "prism did not start: $(tail -n 5 "$TMPD/prism-vonage.log")"
ok "prism proxy up on port $PRISM_V_PORT with $(basename "$SPEC_VONAGE")"
code=$(curl -s -o "$TMPD/prism.out" -w '%{http_code}' --data "api_key=$TEST_API_KEY" \
	--data "api_secret=$TEST_API_SECRET" --data 'from=441234567890' --data 'text=x' \
	"http://127.0.0.1:$PRISM_V_PORT/json")
expect_eq "$code" 422 'control: prism refuses an SMS API request without to'

TEST_DB=$TMPD/vonage.db
CFG_DATABASE=vonage.db CFG_PROVIDER=vonage CFG_API_BASE=http://127.0.0.1:$PRISM_V_PORT \
CFG_OUTBOX='poll_interval = 1
retry_initial_ms = 100
retry_max = 1' write_config "$TEST_CONF"
start_daemon
queue_msg reminder +447700900501 'Time for your 15 minute walk.' >/dev/null
queue_msg welcome +447700900502 'Welcome to the clinic: reply STOP to stop, HELP for help.' >/dev/null
queue_msg alert "$ON_CALL" 'clotline emergency: +447700900503 texted "chest pain" Ünïcödé ☎' >/dev/null
vsigned() {	# PATH [KEY VALUE]...: signed by the library's scheme, then posted
	local path=$1 kv=() ts
	shift
	ts=${VONAGE_TS:-$(date +%s)}
	set -- "$@" timestamp "$ts" nonce "nonce-$RANDOM"
	while (($# > 0)); do kv+=("$1=$2"); FORM+=("$1" "$2"); shift 2; done
	VSIG=$(vonage sign "$TEST_SIG_SECRET" "${CFG_SIG_METHOD:-sha256}" "${kv[@]}") ||
		fail 'the library refuses the signature of our reading of the scheme'
	post_form "$path" - "${FORM[@]}" sig "$VSIG"
}
FORM=()
vsigned /vonage/inbound msisdn 447700900504 to "${CLINIC_PHONE#+}" messageId VONpeer1 \
	text 'breathless and my chest hurts & 100% +=?' type text keyword BREATHLESS \
	message-timestamp '2026-01-01 12:00:00' api-key "$TEST_API_KEY"
expect_eq "$HTTP_STATUS" 200 'an inbound SMS signed as the vonage library verifies is accepted'
expect_eq "$HTTP_BODY" '' '... answered with an empty 200 (the reply goes through the outbox)'
TAMPERED=()
for ((i = 0; i < ${#FORM[@]}; i += 2)); do
	v=${FORM[i + 1]}
	[ "${FORM[i]}" != text ] || v='tampered'
	TAMPERED+=("${FORM[i]}" "$v")
done
post_form /vonage/inbound - "${TAMPERED[@]}" sig "$VSIG"
expect_eq "$HTTP_STATUS" 403 'the same sig over a tampered text is refused'
post_form /vonage/inbound - "${FORM[@]}" concat true sig "$VSIG"
expect_eq "$HTTP_STATUS" 403 'the same sig with an added parameter is refused'
if vonage verify "$TEST_SIG_SECRET" sha256 "$VSIG" msisdn=447700900504 text=tampered; then
	fail 'control: the library accepts a tampered signature'
fi
ok 'control: the library refuses it too'
wait_for 60 outbox_settled || fail "not settled: $(sql "SELECT id, status, error_message FROM outbound_messages;")"
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE status <> 'sent';")" 0 \
	"every Vonage request passed prism's validation and was sent: $(sql "SELECT kind, status, error_code, error_message FROM outbound_messages WHERE status <> 'sent';")"
expect_eq "$(sql "SELECT count(*) FROM outbound_messages WHERE kind = 'reply' AND to_phone = '+447700900504';")" 1 \
	'the red flag was answered through the outbox'
expect_eq "$(grep -c 'UNPROCESSABLE' "$TMPD/prism-vonage.log")" 1 \
	'prism refused nothing but the control request'
delivered() { [ "$(sql "SELECT count(*) FROM outbound_messages WHERE delivery = 'delivered';")" -ge 1 ]; }
wait_for 10 delivered ||
	fail 'no signed delivery receipt was accepted'
ok 'delivery receipts signed by the fake (the gateway'"'"'s own signer) accepted'
ours=$(grep -F '"to":"447700900501"' "$FAKE_LOG")
stop_daemon
# Every signature method the dashboard offers.
for m in md5hash md5 sha1 sha512; do
	CFG_SIG_METHOD=$m CFG_DATABASE=vonage.db CFG_PROVIDER=vonage \
		CFG_API_BASE=http://127.0.0.1:$PRISM_V_PORT write_config "$TEST_CONF"
	start_daemon
	FORM=()
	CFG_SIG_METHOD=$m vsigned /vonage/inbound msisdn 447700900505 \
		to "${CLINIC_PHONE#+}" messageId "VON$m" text 'walked 20 minutes' type text
	expect_eq "$HTTP_STATUS" 200 "signature_method = $m: a webhook the library verifies is accepted"
	stop_daemon
done
lib_id=$(vonage send "http://127.0.0.1:$FAKE_PORT" "$TEST_API_KEY" "$TEST_API_SECRET" \
	447700900501 "${CLINIC_PHONE#+}" 'Time for your 15 minute walk.' 7 \
	"$TEST_PUBLIC_URL/vonage/status?id=7")
expect_match "$lib_id" '^0A' "the vonage library's own client got a message-id"
theirs=$(grep -F "\"sid\":\"$lib_id\"" "$FAKE_LOG")
vfields() {	# the names of the request fields in a fake log line (Vonage)
	printf '%s' "$1" | grep -oE '"(to|from|body|status_callback|client_ref|type)":"' | sort | tr -d '":\n'
}
expect_eq "$(vfields "$ours")" "$(vfields "$theirs")" \
	'the gateway sends the same SMS API fields as the official library'

# ---------------------------------------------------------- 5. segments
TEST_DB=$TMPD/segments.db
CFG_DATABASE=segments.db write_config "$TEST_CONF"
start_daemon
a() { printf 'a%.0s' $(seq 1 "$1"); }
TEXTS=(
	"$(a 160)" "$(a 161)" "{$(a 158)" "{$(a 159)" "€$(a 152)€$(a 8)"
	"☎$(a 69)" "☎$(a 70)" "😀$(a 68)" "😀$(a 69)"
	"$(a 65)👍🏽$(a 65)" "$(a 65)👍🏽$(a 63)" "$(a 63)🇬🇧🇬🇧$(a 63)"
	"$(a 64)👩‍💻$(a 64)" "$(a 65)✌️🏻$(a 65)" "$(a 66)é$(a 66)"
	"Time for your walk 🚶‍♀️🚶🏾‍♂️ and 👨‍👩‍👧‍👦 $(a 50) Ünïcödé ☎"
)
: >"$TMPD/texts.json"
ids=()
for t in "${TEXTS[@]}"; do
	ids+=("$(queue_msg alert "$ON_CALL" "$t")")
	node -e 'console.log(JSON.stringify(process.argv[1]))' "$t" >>"$TMPD/texts.json"
done
wait_for 20 outbox_settled || fail 'the segment messages were not sent'
ours=$(for id in "${ids[@]}"; do
	sed -n "s/.* id=$id .* segments=\([0-9]*\) .*/\1/p" "$TMPD/outbound.log"
done)
theirs=$(cd "$INTEROP" && node segments.js <"$TMPD/texts.json")
expect_eq "$(printf '%s' "$ours" | tr '\n' ' ')" "$(printf '%s' "$theirs" | tr '\n' ' ')" \
	"the gateway counts the segments of ${#TEXTS[@]} messages as the provider's calculator does"
stop_daemon

# ------------------------------------------- 6. the console in a browser
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -x "$CHROMIUM" ] || fail "Debian's chromium is required for the console's browser tests (apt-get install chromium)"
STAFF_TOKEN=nurse-$(openssl rand -hex 16)
# A database of its own: the pages must show this test's patient only.
TEST_DB=$TMPD/console.db
CFG_DATABASE=console.db write_config "$TEST_CONF"
printf '\n[admin]\ntoken_file = staff.tokens\n' >>"$TEST_CONF"
printf 'nurse %s\n' "$STAFF_TOKEN" >"$TMPD/staff.tokens"
chmod 600 "$TMPD/staff.tokens"
start_daemon
SHOTS=${CONSOLE_SHOTS-$top_srcdir/docs}
[ -z "$SHOTS" ] || [ -w "$SHOTS" ] || SHOTS=$TMPD
status=0
(cd "$INTEROP" && CHROMIUM=$CHROMIUM timeout 180 node console.js "http://127.0.0.1:$PORT" \
	"$STAFF_TOKEN" "$TEST_TOKEN" "$TEST_PUBLIC_URL" "$SHOTS") >"$TMPD/console.out" 2>&1 ||
	status=$?
sed 's/^/  /' "$TMPD/console.out"
[ "$status" = 0 ] || fail "the console's browser tests failed (exit $status)"
ok "the console's browser tests: $(grep -c '^ok ' "$TMPD/console.out") checks in headless Chromium"
stop_daemon

# ------------------------------- 5. the staff API against its description
status=0
bash "$INTEROP/staff-api.sh" >"$TMPD/staff-api.out" 2>&1 || status=$?
sed 's/^/  /' "$TMPD/staff-api.out"
[ "$status" = 0 ] || fail "the staff API does not fit docs/openapi.yaml (exit $status)"
ok "the staff API through prism: $(grep -c '^ok ' "$TMPD/staff-api.out") checks"
finish
