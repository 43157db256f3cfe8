#!/bin/bash
# SPDX-License-Identifier: ISC
# The SMS path once per provider ([provider] name = twilio, then vonage),
# each against the fake provider in its mode: triage replies, a red flag
# and its on-call alert, opt-out and back in (and a reminder held back
# meanwhile), delivery reports, repeats processed once, unsigned and stale
# webhooks refused, and the send answers classified (throttled retried, an
# invalid number failed); for Vonage also long messages in parts, out of
# order or with a part that never comes.  Twilio replies in its answer (TwiML); Vonage
# cannot, so its replies go through the outbox and arrive at the fake.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RED_FLAG='breathless and my chest hurts'
P_PAT=+447700900711		# enrolled
P_STOP=+447700900722		# enrolled; opts out and back in
P_THROTTLED=+447700900733	# the provider throttles the first send
P_INVALID=+447700900744		# the provider says the number is invalid
private "$P_PAT" "$P_STOP" "$P_THROTTLED" "$P_INVALID" "$RED_FLAG"

# inbound SID FROM TEXT: the provider's inbound webhook, signed its way.
inbound() {
	case $PROV in
	twilio) post_sms "$1" "$2" "$3" ;;
	vonage) post_vonage /vonage/inbound msisdn "${2#+}" to "${CLINIC_PHONE#+}" \
		messageId "$1" text "$3" type text keyword "${3%% *}" \
		message-timestamp '2026-01-01 12:00:00' api-key "$TEST_API_KEY" ;;
	esac
}

# sent_to NUMBER: how many messages the fake provider accepted for NUMBER.
sent_to() {
	local to=$1
	[ "$PROV" = twilio ] || to=${to#+}
	[ -s "$FAKE_LOG" ] || { echo 0; return; }
	grep -F "\"to\":\"$to\"" "$FAKE_LOG" | grep -cF '"created":true' || true
}

# more_sent NUMBER N: the fake provider has accepted more than N for NUMBER.
more_sent() { [ "$(sent_to "$1")" -gt "$2" ]; }
delivered() { [ "$(sql "SELECT count(*) FROM outbound_messages WHERE delivery = 'delivered';")" -ge 1 ]; }
stored() { [ "$(inbound_count "$1")" = 1 ]; }

# reply NUMBER BEFORE: what NUMBER was answered: the TwiML message (twilio),
# or the text of the message sent to it after BEFORE sends (vonage).
reply() {
	local to=${1#+}
	case $PROV in
	twilio)
		printf '%s' "$HTTP_BODY" | sed -n 's/.*<Message>\(.*\)<\/Message>.*/\1/p' |
			sed 's/&amp;/\&/g' ;;
	vonage)
		wait_for 10 more_sent "$1" "$2" ||
			fail "no reply reached $1: $(tail -n 3 "$FAKE_LOG" 2>/dev/null)"
		grep -F "\"to\":\"$to\"" "$FAKE_LOG" | grep -F '"created":true' |
			tail -n 1 | sed 's/.*"body":"\([^"]*\)".*/\1/' ;;
	esac
}

# check-config: what each provider needs, and signature_method's values.
CFG_PROVIDER=vonage write_config "$TEST_CONF"
sed -i '/^api_key = /d; /^signature_secret = /d' "$TEST_CONF"
run "$CLOTLINE" check-config -c "$TEST_CONF"
expect_eq "$RUN_RC" 1 'vonage without api_key and signature_secret: check-config fails'
expect_contains "$RUN_ERR" '[provider] api_key is required for vonage' '... naming api_key'
expect_contains "$RUN_ERR" 'signature_secret (or env CLOTLINE_SIGNATURE_SECRET) is required' \
	'... and signature_secret'
CLOTLINE_SIGNATURE_SECRET=from-env run "$CLOTLINE" check-config -c "$TEST_CONF"
expect_not_contains "$RUN_ERR" 'signature_secret' '... the environment can give the signature secret'
CFG_PROVIDER=vonage CFG_SIG_METHOD=sha384 write_config "$TEST_CONF"
run "$CLOTLINE" check-config -c "$TEST_CONF"
expect_eq "$RUN_RC" 1 'signature_method = sha384: check-config fails'
expect_match "$RUN_ERR" "clotline.ini:[0-9]+: .*signature_method: 'sha384': expected md5hash, md5, sha1, sha256 or sha512" \
	'... at its line, listing the methods'
expect_not_contains "$RUN_ERR" "$TEST_SIG_SECRET" '... and never echoing a secret'

for PROV in twilio vonage; do
	echo "# --- $PROV"
	store_reset
	rm -f "$FAKE_LOG" "$TMPD/outbound.log"
	printf '%s 429 201\n%s 21211\n' "$P_THROTTLED" "$P_INVALID" >"$TMPD/script"
	start_fake "$TMPD/script"
	CFG_PARTS_WAIT=2 CFG_PROVIDER=$PROV CFG_API_BASE=http://127.0.0.1:$FAKE_PORT \
	CFG_OUTBOX='poll_interval = 1
retry_initial_ms = 100
retry_max = 1' write_config "$TEST_CONF"
	run "$CLOTLINE" check-config -c "$TEST_CONF"
	expect_eq "$RUN_RC" 0 "$PROV: check-config accepts the configuration"
	start_daemon
	enrol "$P_PAT"
	enrol "$P_STOP"
	enrol "$P_THROTTLED"
	enrol "$P_INVALID"

	# A routine message is triaged and answered.
	n=$(sent_to "$P_PAT")
	inbound "${PROV}M1" "$P_PAT" 'my leg feels a bit better today'
	expect_eq "$HTTP_STATUS" 200 "$PROV: a signed inbound message: 200"
	text=$(reply "$P_PAT" "$n")
	[ -n "$text" ] || fail "$PROV: no reply text"
	ok "$PROV: ... answered: $(printf '%s' "$text" | head -c 40)..."
	expect_eq "$(sql "SELECT provider || ' ' || kind FROM inbound_messages WHERE provider_sid = '${PROV}M1';")" \
		"$PROV triage" "$PROV: ... stored under the provider's name, triaged"

	# The provider repeats itself: processed once, answered once.
	n=$(sent_to "$P_PAT")
	inbound "${PROV}M1" "$P_PAT" 'my leg feels a bit better today'
	expect_eq "$HTTP_STATUS" 200 "$PROV: the repeat: 200"
	expect_eq "$(inbound_count "${PROV}M1")" 1 "$PROV: ... stored once"
	wait_for 10 outbox_settled || fail "$PROV: outbox not settled"
	expect_eq "$(sent_to "$P_PAT")" "$n" "$PROV: ... and no second reply sent"

	# A red flag: emergency advice and an alert to on-call.
	n=$(sent_to "$P_PAT")
	inbound "${PROV}M2" "$P_PAT" "$RED_FLAG"
	expect_eq "$HTTP_STATUS" 200 "$PROV: a red flag: 200"
	expect_contains "$(reply "$P_PAT" "$n")" 'Call 999' "$PROV: ... emergency advice"
	wait_for 10 more_sent "$ON_CALL" 0 ||
		fail "$PROV: no alert reached on-call"
	ok "$PROV: ... on-call alerted through the provider"
	expect_eq "$(sql "SELECT level FROM escalations;")" emergency "$PROV: ... an emergency escalation"

	# Opt-out and back in, the same for every provider.
	n=$(sent_to "$P_STOP")
	inbound "${PROV}M3" "$P_STOP" 'STOP'
	expect_eq "$HTTP_STATUS" 200 "$PROV: STOP: 200"
	expect_contains "$(reply "$P_STOP" "$n")" 'You will get no more messages' \
		"$PROV: ... the opt-out confirmation reaches the patient"
	expect_eq "$(sql "SELECT opted_out FROM patients WHERE phone = '$P_STOP';")" 1 \
		"$PROV: ... opted out"
	id=$(queue_msg reminder "$P_STOP" 'Time for your walk, opted out')
	wait_for 10 outbox_settled || fail "$PROV: outbox not settled"
	expect_eq "$(sql "SELECT status FROM outbound_messages WHERE id = $id;")" cancelled \
		"$PROV: ... a reminder to the opted-out patient is held back"
	n=$(sent_to "$P_STOP")
	inbound "${PROV}M4" "$P_STOP" 'START'
	expect_contains "$(reply "$P_STOP" "$n")" 'Welcome back' "$PROV: START: confirmed"
	expect_eq "$(sql "SELECT opted_out FROM patients WHERE phone = '$P_STOP';")" 0 \
		"$PROV: ... opted back in"

	# Delivery reports: the fake reports each accepted message delivered.
	wait_for 10 delivered ||
		fail "$PROV: no delivery report applied: $(sql 'SELECT id, status, delivery FROM outbound_messages;')"
	ok "$PROV: delivery reports applied ($(sql "SELECT count(*) FROM outbound_messages WHERE delivery = 'delivered';") delivered)"

	# The send answers classified: throttled is retried, invalid fails.
	t=$(queue_msg reminder "$P_THROTTLED" 'Time for your walk, throttled')
	v=$(queue_msg reminder "$P_INVALID" 'Time for your walk, invalid')
	wait_for 15 outbox_settled || fail "$PROV: outbox not settled: $(sql 'SELECT id, status, error_code FROM outbound_messages;')"
	expect_eq "$(row_status "$t" | cut -d'|' -f1,2)" 'sent|2' "$PROV: throttled, then sent on the second attempt"
	expect_eq "$(row_status "$v" | cut -d'|' -f1)" failed "$PROV: an invalid number fails for good"

	# Unsigned and (for Vonage) stale webhooks are refused.
	case $PROV in
	twilio) post_form /twilio/sms - MessageSid SMforged From "$P_PAT" Body hi ;;
	vonage) post_form /vonage/inbound - msisdn "${P_PAT#+}" messageId forged text hi \
		timestamp "$(date +%s)" sig 0123456789abcdef ;;
	esac
	expect_eq "$HTTP_STATUS" 403 "$PROV: a forged webhook: 403"
	if [ "$PROV" = vonage ]; then
		VONAGE_TS=$(($(date +%s) - 3600)) inbound vonageOLD "$P_PAT" 'an hour late'
		expect_eq "$HTTP_STATUS" 403 "vonage: a signature an hour old: 403"
		# JSON, as Vonage posts with "POST-JSON".
		ts=$(date +%s)
		sig=$(vonage_sign msisdn "${P_PAT#+}" to "${CLINIC_PHONE#+}" messageId vonageJSON \
			text 'walked 20 minutes' type text timestamp "$ts")
		http_request -H 'Content-Type: application/json' --data-binary \
			"{\"msisdn\":\"${P_PAT#+}\",\"to\":\"${CLINIC_PHONE#+}\",\"messageId\":\"vonageJSON\",\"text\":\"walked 20 minutes\",\"type\":\"text\",\"timestamp\":\"$ts\",\"sig\":\"$sig\"}" \
			"http://127.0.0.1:$PORT/vonage/inbound"
		expect_eq "$HTTP_STATUS" 200 "vonage: a signed JSON webhook: 200"
		expect_eq "$(inbound_count vonageJSON)" 1 "vonage: ... stored"
		expect_eq "$HTTP_BODY" '' "vonage: ... answered with an empty body"

		# A long message in parts, the last first: triaged once whole.
		part() {	# SID REF PART TOTAL TEXT
			post_vonage /vonage/inbound msisdn "${P_PAT#+}" to "${CLINIC_PHONE#+}" \
				messageId "$1" text "$5" type text concat true concat-ref "$2" \
				concat-part "$3" concat-total "$4"
		}
		n=$(sent_to "$P_PAT")
		part vonP2 77 2 2 't hurts'
		expect_eq "$HTTP_STATUS" 200 'vonage: the second part first: 200'
		expect_eq "$(inbound_count vonP2)" 0 '... not triaged alone'
		part vonP1 77 1 2 'breathless and my ches'
		expect_contains "$(reply "$P_PAT" "$n")" 'Call 999' \
			'vonage: whole, the red flag split across the parts is answered'
		expect_eq "$(sql "SELECT body FROM inbound_messages WHERE provider_sid = 'vonP1';")" \
			'breathless and my chest hurts' '... stored once, as one message'
		# A part that never comes: after parts_wait, what came.
		part vonQ1 78 1 3 'walked 20 minutes and my leg feels '
		part vonQ3 78 3 3 ' today'
		wait_for 10 stored vonQ1 ||
			fail 'vonage: the parts that came were never triaged'
		expect_eq "$(sql "SELECT body FROM inbound_messages WHERE provider_sid = 'vonQ1';")" \
			'walked 20 minutes and my leg feels  …  today' \
			'vonage: a missing part: triaged after parts_wait, the gap marked'
	fi
	stop_daemon
	stop_fake
done
finish
