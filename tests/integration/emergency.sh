#!/bin/bash
# SPDX-License-Identifier: ISC
# The emergency number follows the patient (issue 16): [clinic]
# emergency_numbers maps calling codes to numbers, and the patient's number
# picks the one given in SMS replies, keypad prompts and the welcome; the
# same-day line (111 in the UK) is [clinic] urgent_numbers, not prompt text.
# Enrolment warns when the number or time zone is outside the clinic's
# country.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

P_ES=+34600000001	# enrolled, Spanish, Madrid
P_UK=+447700900501	# enrolled, English
P_DE=+4915100000002	# not enrolled
P_US=+12025550101	# not enrolled
P_FR=+33600000001	# not enrolled, no entry: the default
P_ES2=+34600000002	# enrolled by the CLI

CFG_CLINIC="emergency_numbers = +1=911, +34=112, +49=112" write_config "$TEST_CONF"

# check-config names a bad map.
cp "$TEST_CONF" "$TMPD/bad.ini"
sed -i 's/^emergency_numbers = .*/emergency_numbers = +34=112, 49=112/' "$TMPD/bad.ini"
run "$CLOTLINE" check-config -c "$TMPD/bad.ini"
expect_eq "$RUN_RC" 1 'check-config: a malformed emergency_numbers is an error'
expect_contains "$RUN_ERR" 'emergency_numbers' 'check-config: it names the key'
sed -i 's/^emergency_numbers = .*/emergency_numbers = +34=112, +34=061/' "$TMPD/bad.ini"
run "$CLOTLINE" check-config -c "$TMPD/bad.ini"
expect_contains "$RUN_ERR" '+34 is given twice' 'check-config: a code given twice'

start_daemon
sql "INSERT INTO patients(phone,name,language,timezone,enrolled,opted_out,paused,created_at,updated_at)
     VALUES('$P_ES','Lucía','es','Europe/Madrid',1,0,0,0,0);"
enrol "$P_UK"

post_sms SMes1 "$P_ES" 'me ahogo y me duele mucho el pecho'
expect_contains "$HTTP_BODY" 'Llame ahora al 112' 'a Spanish patient is told 112'
expect_not_contains "$HTTP_BODY" '999' 'and not 999'
post_sms SMes2 "$P_ES" 'tengo la pantorrilla hinchada y roja'
expect_contains "$HTTP_BODY" '112' 'the Spanish urgent reply gives 112 too'
expect_not_contains "$HTTP_BODY" '111' 'and no UK-only line'

post_sms SMuk1 "$P_UK" 'I am breathless and my chest hurts'
expect_contains "$HTTP_BODY" 'Call 999 now' 'a UK patient is told 999'
post_sms SMuk2 +447700900502 'my calf is swollen and red'
expect_contains "$HTTP_BODY" 'call 111, or call' 'a UK number gets the 111 line from urgent_numbers'
post_sms SMde1 "$P_DE" 'Ich habe Blut gehustet'
expect_contains "$HTTP_BODY" '112' 'a German number is told 112'
expect_not_contains "$HTTP_BODY" '999' 'not 999'
post_sms SMus1 "$P_US" 'I coughed up blood'
expect_contains "$HTTP_BODY" 'Call 911 now' 'a US number is told 911'
post_sms SMus2 +12025550102 'my calf is swollen and red'
expect_contains "$HTTP_BODY" 'appointment today, or call Test' 'no same-day line where urgent_numbers has none'
post_sms SMfr1 "$P_FR" 'I coughed up blood'
expect_contains "$HTTP_BODY" 'Call 999 now' 'a code with no entry gets emergency_number'

# The phone keypad: the caller's number too.
target=/twilio/voice
f=(CallSid CAes1 From "$P_ES" To "$CLINIC_PHONE" CallStatus ringing)
post_form "$target" "$(sign "$TEST_PUBLIC_URL$target" "${f[@]}")" "${f[@]}"
target="/twilio/voice/gather?step=1"
f=(CallSid CAes1 From "$P_ES" Digits 1 CallStatus in-progress)
post_form "$target" "$(sign "$TEST_PUBLIC_URL$target" "${f[@]}")" "${f[@]}"
expect_contains "$HTTP_BODY" '1 1 2' 'a Spanish caller pressing 1 is told to call 1 1 2'
expect_not_contains "$HTTP_BODY" '9 9 9' 'not 9 9 9'

# The welcome of a Spanish patient enrolled by staff.
run "$CLOTLINE" patient add "$P_ES2" --plan dvt-walking --language es \
	--timezone Europe/Madrid -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'patient add (Spanish number)'
expect_contains "$RUN_ERR" "warning: $P_ES2 is outside the clinic's country: the patient is told to call 112" \
	'enrolment warns of a number outside the clinic'"'"'s country'
run "$CLOTLINE" patient add +447700900503 --plan dvt-walking --timezone Europe/Madrid -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'patient add (UK number, Madrid time)'
expect_contains "$RUN_ERR" 'warning: time zone Europe/Madrid is in ES, not in the clinic'"'"'s country (GB)' \
	'enrolment warns of a time zone outside the clinic'"'"'s country'
run "$CLOTLINE" patient add +447700900504 --plan dvt-walking -c "$TEST_CONF"
expect_not_contains "$RUN_ERR" 'warning' 'no warning for a patient in the clinic'"'"'s country'
welcome=$(sql "SELECT body FROM outbound_messages WHERE kind = 'welcome' AND to_phone = '$P_ES2';")
expect_contains "$welcome" '112' 'the welcome of a Spanish patient gives 112'
expect_not_contains "$welcome" '999' 'and not 999'

stop_daemon
finish
