#!/bin/bash
# SPDX-License-Identifier: ISC
# make check-interop: the staff API's real answers against its own
# description, docs/openapi.yaml, with Prism (a validating proxy nobody on
# the project wrote) between curl and a real gateway on loopback.  Every
# request below goes through `prism proxy ... --errors`, which refuses a
# request that does not fit the document (422) and turns an answer that does
# not fit it into an error, so a route, field, type, status or header the
# gateway has and the document lacks (or the other way round) fails here.
#
# First the document's routes and query parameters are compared with the
# gateway's route table (src/api.c), both ways.  Then the requests cover
# what the console and staff use: plans, list, enrol (with and
# without a warning), get, change, pause, resume, schedule, activity,
# adherence, the conversation, escalations (list, one, acknowledge), the
# inbox (list, done), the rules check, the CSV, remove, and the errors 400,
# 401, 404 and 409.  Environment as for run.sh.
set -euo pipefail
. "$top_srcdir/tests/integration/lib.sh"

INTEROP=$top_srcdir/tests/interop
SPEC=${CLOTLINE_OPENAPI:-$top_srcdir/docs/openapi.yaml}
PRISM=$INTEROP/node_modules/.bin/prism
[ -f "$SPEC" ] || fail "the staff API's description is missing: $SPEC"
[ -x "$PRISM" ] || fail "prism is not installed: run tests/interop/run.sh first (npm ci)"
TOKEN=nurse-$(openssl rand -hex 16)
P1=+447700900501	# enrolled, changed, paused, texts a red flag
P2=+34600900502		# outside the clinic's country: enrolled with a warning

# Every route and query parameter of the gateway's route table (src/api.c)
# is in the document, and the document has no /api/v1 route or parameter
# the gateway lacks: "METHOD PATH ?param" lines from each, compared.
routes_c() {
	sed -n 's/^[[:space:]]*{ "\([a-z./{}]*\)", EVHTTP_REQ_\([A-Z]*\), "\([a-z_,]*\)".*/\2 \/api\/v1\/\1 \3/p' \
		"$top_srcdir/src/api.c" |
		while read -r method path params; do
			echo "$method $path"
			for q in ${params//,/ }; do echo "$method $path ?$q"; done
		done | sort
}
routes_doc() {
	(cd "$INTEROP" && node -e "
const d = require('js-yaml').load(require('fs').readFileSync(process.argv[1], 'utf8'));
for (const [path, item] of Object.entries(d.paths)) {
	if (!path.startsWith('/api/v1/')) continue;
	for (const [m, op] of Object.entries(item)) {
		if (m === 'parameters') continue;
		console.log(m.toUpperCase() + ' ' + path);
		for (const p of op.parameters || [])
			if (p.\$ref === '#/components/parameters/limit' || p.in === 'query')
				console.log(m.toUpperCase() + ' ' + path + ' ?' + (p.name || 'limit'));
	}
}" "$SPEC") | sort
}
[ "$(routes_c | wc -l)" -gt 19 ] || fail "could not read the route table of src/api.c: $(routes_c)"
expect_eq "$(routes_doc)" "$(routes_c)" \
	'docs/openapi.yaml has every route and query parameter of src/api.c, and no other'

free_port() {
	node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

write_config "$TEST_CONF"
printf '\n[admin]\ntoken_file = staff.tokens\n' >>"$TEST_CONF"
printf 'nurse %s\n' "$TOKEN" >"$TMPD/staff.tokens"
chmod 600 "$TMPD/staff.tokens"
start_daemon
PRISM_PORT=$(free_port)
"$PRISM" proxy -h 127.0.0.1 -p "$PRISM_PORT" "$SPEC" "http://127.0.0.1:$PORT" \
	--errors >"$TMPD/prism.log" 2>&1 &
_PIDS+=("$!")
prism_up() { curl -s -o /dev/null "http://127.0.0.1:$PRISM_PORT/"; }
wait_for 60 prism_up || fail "prism did not start: $(tail -n 5 "$TMPD/prism.log")"
ok "prism proxy up on port $PRISM_PORT with $(basename "$SPEC")"

# via METHOD PATH [JSON]: a request through prism with the nurse's token
# (VIA_TOKEN to change it).
via() {
	local args=(-X "$1" -H "Authorization: Bearer ${VIA_TOKEN:-$TOKEN}")
	[ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	http_request "${args[@]}" "http://127.0.0.1:$PRISM_PORT/api/v1$2"
}
# check STATUS MESSAGE: the last answer had STATUS, came from the gateway,
# and prism found nothing wrong with the request or the answer.
NCHECKED=0
check() {
	expect_eq "$HTTP_STATUS" "$1" "$2: $(printf '%.300s' "$HTTP_BODY")"
	expect_not_contains "$HTTP_HEADERS" 'sl-violations' "$2: prism's violations header"
	expect_not_contains "$HTTP_BODY" 'stoplight.io/prism' "$2: the gateway answered, not prism"
	NCHECKED=$((NCHECKED + 1))
}
jget() {	# JSONPATH: a value of the last answer
	sqlite3 :memory: "SELECT json_extract('$(printf '%s' "$HTTP_BODY" |
		sed "s/'/''/g")', '$1');"
}

# The proxy really validates: a field the document does not have is refused
# by prism itself (422), before the gateway sees it.
via POST /patients '{"phone": "+447700900599", "plan": "dvt-walking", "colour": "red"}'
expect_eq "$HTTP_STATUS" 422 'control: prism refuses an enrolment with an unknown field'
expect_eq "$(sql "SELECT count(*) FROM patients;")" 0 'and the gateway never saw it'

via GET /plans
check 200 'the plans'
via GET /patients
check 200 'no patients yet'
via POST /patients "{\"phone\": \"${P1:0:3} ${P1:3:4} ${P1:7}\", \"name\": \"Ann Smith\",
	\"plan\": \"dvt-walking\", \"language\": \"de\", \"timezone\": \"Europe/Berlin\",
	\"reminder_times\": \"walk=10:00\", \"end_date\": \"2099-12-31\", \"walk_target\": 25}"
check 201 'enrol, the number written with spaces'
expect_eq "$(jget '$.phone')" "$P1" 'the number normalised'
ID=$(jget '$.id')
via POST /patients "{\"phone\": \"$P2\", \"plan\": \"dvt-walking\", \"timezone\": \"Europe/Madrid\"}"
check 201 'enrol a number outside the clinic country'
expect_contains "$(jget '$.warning')" '' 'with a warning'
[ -n "$(jget '$.warning')" ] || fail "no warning for $P2: $HTTP_BODY"
ID2=$(jget '$.id')
via GET "/patients?status=all&limit=1"
check 200 'a page of one'
expect_eq "$(jget '$.next_after')" "$ID" 'and the next page after it'
via GET "/patients?q=ann&quiet_days=7"
check 200 'search and not reported in 7 days'
via GET "/patients/$ID"
check 200 'one patient'
via PATCH "/patients/$ID" '{"name": null, "quiet_start": "22:00", "walk_target": null}'
check 200 'change some fields'
via POST "/patients/$ID/pause"
check 200 'pause'
via POST "/patients/$ID/resume" '{}'
check 200 'resume'
via GET "/patients/$ID/schedule?n=3"
check 200 'the next reminders'

# The console's way in: sign in with the token for a session cookie, then
# the same routes with the cookie, changes with the session's CSRF token.
console() {	# METHOD PATH [JSON] [CSRF]: through prism with the cookie jar
	local args=(-X "$1" -b "$TMPD/jar" -c "$TMPD/jar")
	[ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[ -z "${4:-}" ] || args+=(-H "X-CSRF-Token: $4")
	http_request "${args[@]}" "http://127.0.0.1:$PRISM_PORT$2"
}
: >"$TMPD/jar"
console POST /console/session "{\"token\": \"wrong-$TOKEN\"}"
check 401 'console: a wrong token'
console POST /console/session "{\"token\": \"$TOKEN\"}"
check 200 'console: sign in'
CSRF=$(jget '$.csrf')
SESSION=$(awk '$6 == "clotline_session" { print $7 }' "$TMPD/jar")
[ -n "$SESSION" ] || fail "no session cookie: $(cat "$TMPD/jar")"
console GET /console/session
check 200 'console: the session'
console GET /api/v1/patients?status=active
check 200 'console: the patients with the cookie'
console POST "/api/v1/patients/$ID/pause" '{}'
check 403 'console: a change without the CSRF token'
console POST "/api/v1/patients/$ID/pause" '{}' "$CSRF"
check 200 'console: pause with the CSRF token'
console POST "/api/v1/patients/$ID/resume" '{}' "$CSRF"
check 200 'console: resume'
console DELETE /console/session '' "$CSRF"
check 200 'console: sign out'
http_request -H "Cookie: clotline_session=$SESSION" \
	"http://127.0.0.1:$PRISM_PORT/console/session"
check 401 "console: the old session's cookie after signing out"

# The patient texts: a walk, a red flag, and a question for a person.
post_sms SMapi1 "$P1" 'ich bin 20 Minuten gegangen'
expect_eq "$HTTP_STATUS" 200 'a walk reported by SMS'
post_sms SMapi2 "$P1" 'I am breathless and my chest hurts'
expect_eq "$HTTP_STATUS" 200 'a red flag by SMS'
post_sms SMapi3 +447700900503 'can someone from the clinic call me please'
expect_eq "$HTTP_STATUS" 200 'a message from an unknown number'
post_sms SMapi4 'Pharmacy' 'please can someone call me back about the prescription'
expect_eq "$HTTP_STATUS" 200 'a message from a sender name, not a number'
via GET "/patients/$ID/activity?days=7"
check 200 'activity'
via GET "/patients/$ID/adherence?weeks=2"
check 200 'adherence by day and week'
via GET "/patients/$ID/messages?limit=10"
check 200 'the conversation'
via GET "/escalations?open=1"
check 200 'open escalations'
ESC=$(jget '$.escalations[0].id')
[ -n "$ESC" ] || fail "no escalation for the red flag: $HTTP_BODY"
via GET "/escalations?patient=%2B${P1#+}&since=2000-01-01&limit=5"
check 200 "one patient's escalations since a date"
via GET "/escalations/$ESC"
check 200 'one escalation with its episode'
via POST "/escalations/$ESC/ack" '{"note": "rang her, sent to A&E"}'
check 200 'acknowledge'
via POST "/escalations/$ESC/ack"
check 409 'acknowledge twice'
via GET /inbox
check 200 'the inbox'
INBOX=$(jget '$.inbox[0].id')
[ -n "$INBOX" ] || fail "nothing in the inbox: $HTTP_BODY"
via POST "/inbox/$INBOX/done" '{"note": "rang back"}'
check 200 'inbox message done'
via GET "/inbox?open=0&limit=5"
check 200 'the inbox with the done ones'
via POST /triage '{"messages": ["I walked 20 minutes", "estoy tosiendo sangre"], "language": "es"}'
check 200 'the rules check'
via GET "/adherence.csv?from=2026-01-01&to=2026-01-31&patient=$ID"
check 200 'the adherence CSV'

# Errors, each as the document says.
via POST /patients '{"phone": "+447700900504", "plan": "dvt-walking", "timezone": "EST"}'
check 400 'a legacy time zone'
expect_eq "$(jget '$.field')" timezone 'naming the field'
via POST /patients '{"phone": "+447700900504", "plan": "no-such-plan"}'
check 400 'an unknown plan'
via POST /patients "{\"phone\": \"$P1\", \"plan\": \"dvt-walking\"}"
check 409 'a number already enrolled'
via GET "/patients?after=99999&limit=1000&status=removed"
check 200 'an empty page'
VIA_TOKEN=wrong-$(openssl rand -hex 16) via GET /patients
check 401 'a wrong token'
via GET /patients/99999
check 404 'no such patient'
via GET /escalations/99999
check 404 'no such escalation'
via POST /inbox/99999/done
check 404 'no such inbox message'
via DELETE "/patients/$ID2"
check 200 'remove'
via POST "/patients/$ID2/pause"
check 409 'pause a removed patient'

expect_eq "$(grep -ci 'violation' "$TMPD/prism.log")" 0 \
	"prism logged no violation: $(grep -i -m 5 'violation' "$TMPD/prism.log")"
ok "$NCHECKED answers through prism fit docs/openapi.yaml"
stop_daemon
finish
