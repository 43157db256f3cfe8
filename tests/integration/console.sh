#!/bin/bash
# SPDX-License-Identifier: ISC
# The clinic console (docs/console.md) against a running daemon, with curl
# as the browser: the page and its files with a strict CSP, loopback only,
# sign-in with a good and a bad token, the session cookie's flags (Secure
# with an https public_url), the API through the session, a change without
# the CSRF token refused, sign-out, audit rows under the staff member's
# name, no path tricks, and the rules check, conversation and adherence
# endpoints the pages use.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOKEN_NURSE=nurse-0123456789abcdef0123456789abcdef
TOKEN_DOC=doc-fedcba9876543210fedcba9876543210
P1=+447700900801
JAR=$TMPD/cookies

console_config() {
	write_config "$1"
	printf '\n[admin]\ntoken_file = staff.tokens\n' >>"$1"
	printf 'nurse %s\ndoc %s\n' "$TOKEN_NURSE" "$TOKEN_DOC" >"$TMPD/staff.tokens"
	chmod 600 "$TMPD/staff.tokens"
}

# jget JSONPATH: a value of the last JSON answer.
jget() {
	sqlite3 -batch -noheader :memory: \
		"SELECT json_extract('$(printf '%s' "$HTTP_BODY" | sed "s/'/''/g")', '$1');"
}

# browser METHOD PATH [JSON] [CSRF]: a request with the cookie jar, as the
# page makes it.
browser() {
	local args=(-X "$1" -b "$JAR" -c "$JAR")
	[ -z "${3:-}" ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[ -z "${4:-}" ] || args+=(-H "X-CSRF-Token: $4")
	http_request "${args[@]}" "http://127.0.0.1:$PORT$2"
}

console_config "$TEST_CONF"
start_daemon

# ------------------------------------------------------------- the page
http_get /console/
expect_eq "$HTTP_STATUS" 200 'GET /console/ answers'
expect_contains "$(header Content-Type)" 'text/html' 'as HTML'
expect_contains "$HTTP_BODY" '<script src="app.js"' 'the page loads its script from the gateway'
expect_not_contains "$HTTP_BODY" '<script>' 'no inline script'
expect_not_contains "$HTTP_BODY" 'http' 'nothing from another origin: no URL in the page'
csp=$(header Content-Security-Policy)
expect_contains "$csp" "default-src 'none'" 'CSP: nothing unless allowed'
expect_contains "$csp" "script-src 'self'" 'CSP: scripts from the gateway only (no inline script)'
expect_contains "$csp" "frame-ancestors 'none'" 'CSP: never framed'
expect_not_contains "$csp" 'unsafe' 'CSP: no unsafe-inline or unsafe-eval'
expect_eq "$(header X-Content-Type-Options)" nosniff 'nosniff'
expect_eq "$(header X-Frame-Options)" DENY 'X-Frame-Options DENY'
for f in app.js style.css favicon.svg; do
	http_get "/console/$f"
	expect_eq "$HTTP_STATUS" 200 "/console/$f is served"
	[ -n "$(header Content-Security-Policy)" ] || fail "/console/$f has no CSP"
done
expect_contains "$(header Content-Type)" 'image/svg+xml' 'an SVG as an SVG'
http_get /console/app.js
expect_contains "$(header Content-Type)" 'text/javascript' 'the script as JavaScript'
expect_not_contains "$HTTP_BODY" 'https://' 'the script loads nothing from the Internet'
http_get /console
expect_eq "$HTTP_STATUS" 308 '/console redirects'
expect_eq "$(header Location)" /console/ 'to /console/'
for bad in /console/../src/main.c /console/%2e%2e/README.md /console/..%2fREADME.md \
	/console/.htaccess /console/index.html/x /console/Makefile /console/app.js.bak; do
	http_request --path-as-is "http://127.0.0.1:$PORT$bad"
	case $HTTP_STATUS in
	400 | 404) ;;
	*) fail "$bad answered $HTTP_STATUS" ;;
	esac
	expect_not_contains "$HTTP_BODY" 'include' "$bad serves nothing outside the console"
done
http_request -X POST "http://127.0.0.1:$PORT/console/app.js"
expect_eq "$HTTP_STATUS" 405 'files are read-only'

# -------------------------------------------------------------- sign-in
browser GET /console/session
expect_eq "$HTTP_STATUS" 401 'not signed in yet'
browser POST /console/session '{"token": "not-a-real-token-at-all"}'
expect_eq "$HTTP_STATUS" 401 'a bad token is refused'
expect_eq "$(header Set-Cookie)" '' 'and gets no cookie'
browser POST /console/session '{"token": "'"$TOKEN_NURSE"'x"}'
expect_eq "$HTTP_STATUS" 401 'a token with a character added is refused'
http_request -X POST --data-urlencode "token=$TOKEN_NURSE" \
	"http://127.0.0.1:$PORT/console/session"
expect_eq "$HTTP_STATUS" 415 'a form post (what another site could send) cannot sign in'
browser POST /console/session '{"token": "'"$TOKEN_NURSE"'"}'
expect_eq "$HTTP_STATUS" 200 'the nurse signs in with her token'
cookie=$(header Set-Cookie)
expect_match "$cookie" '^clotline_session=[0-9a-f]{64};' 'a random session id in the cookie'
expect_contains "$cookie" 'HttpOnly' 'the cookie is HttpOnly'
expect_contains "$cookie" 'SameSite=Strict' 'the cookie is SameSite=Strict'
expect_match "$cookie" 'Max-Age=28800' 'the cookie expires (session_lifetime)'
expect_contains "$cookie" 'Path=/' 'the cookie goes to the API too'
expect_not_contains "$cookie" 'Secure' 'not Secure over http (public_url is http)'
expect_not_contains "$cookie" "$TOKEN_NURSE" 'the cookie is not the token'
expect_eq "$(jget '$.staff')" nurse 'the answer names the staff member'
CSRF=$(jget '$.csrf')
expect_match "$CSRF" '^[0-9a-f]{64}$' 'and gives a CSRF token'
expect_eq "$(jget '$.timezone')" Europe/London "and the clinic's zone"
browser GET /console/session
expect_eq "$HTTP_STATUS" 200 'the session is remembered'
expect_eq "$(jget '$.csrf')" "$CSRF" 'with the same CSRF token (for a reload)'

# --------------------------------------------------- the API, by session
browser GET /api/v1/patients
expect_eq "$HTTP_STATUS" 200 'the API answers the session cookie'
browser POST /api/v1/patients '{"phone": "'"$P1"'", "plan": "dvt-walking", "name": "Ann"}'
expect_eq "$HTTP_STATUS" 403 'a change without the CSRF token is refused'
expect_contains "$HTTP_BODY" 'CSRF' 'and says why'
browser POST /api/v1/patients '{"phone": "'"$P1"'", "plan": "dvt-walking", "name": "Ann"}' \
	0000000000000000000000000000000000000000000000000000000000000000
expect_eq "$HTTP_STATUS" 403 'a change with a wrong CSRF token is refused'
expect_eq "$(sql "SELECT count(*) FROM patients;")" 0 'and nothing was stored'
# Quiet hours well away from now (London is UTC or UTC+1, the plan's
# reminders are at 09:30, 17:00 and 19:00): inside the plan's own, the
# welcome would wait for the morning and be listed first in the conversation.
if [ "$(date -u +%H)" -lt 12 ]; then QUIET='"14:00", "quiet_end": "15:00"'
else QUIET='"03:00", "quiet_end": "04:00"'; fi
browser POST /api/v1/patients '{"phone": "'"$P1"'", "plan": "dvt-walking", "name": "Ann", "quiet_start": '"$QUIET"'}' "$CSRF"
expect_eq "$HTTP_STATUS" 201 'with the CSRF token the nurse enrols a patient'
ID=$(jget '$.id')
expect_eq "$(sql "SELECT actor FROM audit_log WHERE action = 'patient.add';")" staff:nurse \
	"the enrolment is audited under the nurse's name"
expect_eq "$(sql "SELECT actor || ' ' || subject FROM audit_log WHERE action = 'console.signin';")" \
	'staff:nurse console' 'the sign-in is audited'
browser POST "/api/v1/patients/$ID/pause" '' "$CSRF"
expect_eq "$HTTP_STATUS" 200 'pause with the CSRF token'
expect_eq "$(sql "SELECT actor FROM audit_log WHERE action = 'patient.pause';")" staff:nurse \
	'audited as the nurse'
http_request -X POST -H "Cookie: clotline_session=$(printf '%064d' 0)" \
	-H "X-CSRF-Token: $CSRF" "http://127.0.0.1:$PORT/api/v1/patients/$ID/resume"
expect_eq "$HTTP_STATUS" 401 'a made-up session id is no session'

# ------------------------------------------------------- what pages use
post_sms SMcon1 "$P1" 'I am breathless and my chest hurts'
expect_eq "$HTTP_STATUS" 200 'a red flag arrives by SMS'
post_sms SMcon2 "$P1" 'walked 20 minutes today'
browser GET "/api/v1/patients/$ID/messages"
expect_eq "$HTTP_STATUS" 200 'the conversation'
expect_eq "$(jget '$.messages[0].body')" 'walked 20 minutes today' 'newest first'
expect_eq "$(jget '$.messages[1].level')" emergency 'with each text its level'
expect_contains "$(jget '$.messages[1].reply')" 999 'and the reply it got'
expect_eq "$(jget '$.messages[2].kind')" welcome 'and the welcome sent to the number'
browser GET "/api/v1/patients/$ID/adherence?weeks=2"
expect_eq "$HTTP_STATUS" 200 'the adherence chart data'
expect_eq "$(jget '$.weeks[#-1].minutes')" 20 'this week has the 20 minutes walked'
expect_eq "$(jget '$.days[#-1].minutes')" 20 'and today too'
expect_eq "$(jget '$.goal_min')-$(jget '$.goal_max')" 60-120 "against the plan's weekly goal"
browser GET '/api/v1/patients?q=ann'
expect_eq "$(jget '$.patients[0].id')" "$ID" 'search by name'
browser GET '/api/v1/patients?q=7700%20900801'
expect_eq "$(jget '$.patients[0].id')" "$ID" 'search by number, spaces ignored'
browser GET '/api/v1/patients?q=bob'
expect_eq "$(jget '$.patients[0]')" '' 'a search that matches no one'
browser GET '/api/v1/patients?quiet_days=3'
expect_eq "$(jget '$.patients[0]')" '' 'everyone reported in the last 3 days'
browser POST /api/v1/triage '{"messages": ["I am coughing up blood"]}'
expect_eq "$HTTP_STATUS" 403 'the rules check is a POST: the CSRF token is needed'
browser POST /api/v1/triage '{"messages": ["I am coughing up blood and cannot breathe"]}' "$CSRF"
expect_eq "$HTTP_STATUS" 200 'the rules check'
expect_eq "$(jget '$.results[0].level')" emergency 'a red flag is an emergency'
expect_eq "$(jget '$.results[0].alerts_on_call')" 1 'that would alert on-call'
expect_contains "$(jget '$.results[0].reply')" 999 'the reply names the emergency number'
browser POST /api/v1/triage '{"messages": ["me duele la pierna", "sí"], "language": "es"}' "$CSRF"
expect_eq "$HTTP_STATUS" 200 'a short conversation in Spanish'
expect_eq "$(jget '$.results[0].language')" es 'answered in Spanish'
browser POST /api/v1/triage '{"messages": []}' "$CSRF"
expect_eq "$HTTP_STATUS" 400 'no message is a 400'
expect_eq "$(jget '$.field')" messages 'naming the field'
expect_eq "$(sql "SELECT count(*) FROM inbound_messages;")" 2 'the rules check stored nothing'

# ------------------------------------------------------------- sign-out
browser DELETE /console/session
expect_eq "$HTTP_STATUS" 403 'sign-out needs the CSRF token too'
browser DELETE /console/session '' "$CSRF"
expect_eq "$HTTP_STATUS" 200 'sign out'
expect_contains "$(header Set-Cookie)" 'Max-Age=0' 'the cookie is cleared'
expect_eq "$(sql "SELECT actor FROM audit_log WHERE action = 'console.signout';")" staff:nurse \
	'the sign-out is audited'
browser GET /api/v1/patients
expect_eq "$HTTP_STATUS" 401 'the old session no longer opens the API'

# A token taken away by SIGHUP ends its sessions.
browser POST /console/session '{"token": "'"$TOKEN_DOC"'"}'
expect_eq "$HTTP_STATUS" 200 'the doctor signs in'
printf 'nurse %s\n' "$TOKEN_NURSE" >"$TMPD/staff.tokens"
kill -HUP "$DAEMON_PID"
wait_for "$TEST_WAIT" log_has 'reload: configuration, prompts and rules reloaded' || fail 'no reload'
browser GET /api/v1/patients
expect_eq "$HTTP_STATUS" 401 "a removed token's session is over"
stop_daemon

# ---------------------------------------------- https, remote, disabled
CFG_PUBLIC_URL=https://clinic.example.org console_config "$TEST_CONF"
start_daemon
browser POST /console/session '{"token": "'"$TOKEN_NURSE"'"}'
expect_contains "$(header Set-Cookie)" '; Secure' 'Secure when public_url is https'
stop_daemon
write_config "$TEST_CONF"
start_daemon
browser POST /console/session '{"token": "anything-at-all-here"}'
expect_eq "$HTTP_STATUS" 403 'no token configured: the console is disabled, never open'
stop_daemon

# Loopback only: the daemon on a non-loopback address of this machine.
addr=$(hostname -I 2>/dev/null | awk '{print $1}')
if [ -n "$addr" ] && [ "${addr#127.}" = "$addr" ]; then
	CFG_LISTEN=0.0.0.0:0 console_config "$TEST_CONF"
	start_daemon
	http_request "http://$addr:$PORT/console/"
	expect_eq "$HTTP_STATUS" 403 'the console refuses a client not on loopback'
	expect_contains "$(header Content-Security-Policy)" "default-src 'none'" 'with its headers'
	stop_daemon
	{ CFG_LISTEN=0.0.0.0:0 console_config "$TEST_CONF"; printf 'allow_remote = yes\n' >>"$TEST_CONF"; }
	start_daemon
	http_request "http://$addr:$PORT/console/"
	expect_eq "$HTTP_STATUS" 200 'unless [admin] allow_remote = yes'
	stop_daemon
else
	ok 'SKIP: no non-loopback address to test the loopback gate from'
fi

finish
