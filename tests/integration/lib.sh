#!/bin/bash
# SPDX-License-Identifier: ISC
# Shared helpers for the clotline integration tests.  Source it from a test
# script (which has already done `set -euo pipefail`):
#
#   . "$(dirname "$0")/lib.sh"
#   write_config "$TEST_CONF"
#   start_daemon
#   post_sms SM1 +447700900111 'hello'
#   expect_eq "$HTTP_STATUS" 200 'signed SMS answered'
#   finish
#
# Environment (set by automake's TESTS_ENVIRONMENT; defaulted here so the
# scripts also run by hand from any directory):
#   CLOTLINE      the clotline binary
#   top_srcdir    the source tree (prompts/ lives there)
#   top_builddir  the build tree
# KEEP_TMP=1 keeps the temporary directory (config, database, log) for a look.
#
# Uses only bash, curl, openssl, sqlite3 and coreutils.  Every wait polls
# against a deadline; nothing sleeps blindly.

set -euo pipefail

_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$_lib_dir/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CLOTLINE:=$top_builddir/src/clotline}"
: "${SLOWCLIENT:=$top_builddir/tests/fake/slowclient}"
# Absolute paths: the daemon runs from / and the config lives in a temp dir.
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
case $CLOTLINE in
/*) ;;
*) CLOTLINE=$PWD/$CLOTLINE ;;
esac
export top_srcdir top_builddir CLOTLINE
export LC_ALL=C
unset CLOTLINE_AUTH_TOKEN CLOTLINE_ADMIN_TOKEN CLOTLINE_API_SECRET \
	CLOTLINE_SIGNATURE_SECRET

TEST_NAME=$(basename "$0" .sh)
TEST_TOKEN=test-token-123
TEST_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
TEST_PUBLIC_URL=http://gateway.test
TEST_SMS_URL=$TEST_PUBLIC_URL/twilio/sms
# Vonage ([provider] name = vonage): the API key and secret the fake
# provider takes, and the secret that signs webhooks both ways.
TEST_API_KEY=abcd1234
TEST_API_SECRET=test-api-secret-456
TEST_SIG_SECRET=test-signature-secret-789
CLINIC_PHONE=+441234567890
ON_CALL=+447700900123

if [ ! -x "$CLOTLINE" ]; then
	echo "$TEST_NAME: $CLOTLINE is not built (make src/clotline)" >&2
	exit 99		# automake: hard error
fi
for _tool in curl openssl sqlite3; do
	if ! command -v "$_tool" >/dev/null 2>&1; then
		echo "$TEST_NAME: $_tool is required" >&2
		exit 99
	fi
done

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/clotline-$TEST_NAME.XXXXXX")
TEST_CONF=$TMPD/clotline.ini
TEST_DB=$TMPD/clotline.db
PORT_FILE=$TMPD/port
DAEMON_LOG=$TMPD/daemon.log
DAEMON_PID=
PORT=
HTTP_STATUS=
HTTP_BODY=
HTTP_HEADERS=
HTTP_ERR=
PASSED=0
_PIDS=()
_CLEANUP=()	# commands run at exit before the directory goes (at_exit)
PRIVATE=()	# phone numbers and message bodies the log must never hold

_lib_cleanup() {
	local rc=$? pid
	trap - EXIT
	set +e
	for pid in "${_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid"
			wait "$pid"
		fi
	done 2>/dev/null
	for cmd in "${_CLEANUP[@]}"; do
		eval "$cmd"
	done
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		echo "$TEST_NAME: kept $TMPD" >&2
	else
		rm -rf "$TMPD"
	fi
	exit "$rc"
}
trap _lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- reporting

log_tail() {
	if [ -s "$DAEMON_LOG" ]; then
		echo "--- last lines of the daemon log ($DAEMON_LOG):" >&2
		tail -n 25 "$DAEMON_LOG" >&2
		echo "---" >&2
	fi
}

# fail MESSAGE: reports, shows the daemon log tail and exits 1.
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	if [ -n "$HTTP_STATUS" ]; then
		echo "  last HTTP status: $HTTP_STATUS" >&2
		echo "  last HTTP body: $(printf '%s' "$HTTP_BODY" | head -c 600)" >&2
		[ -z "$HTTP_ERR" ] || echo "  curl: $HTTP_ERR" >&2
	fi
	log_tail
	exit 1
}

# ok MESSAGE: counts one passed check.
ok() {
	PASSED=$((PASSED + 1))
	echo "ok $PASSED - $*"
}

# at_exit COMMAND: runs COMMAND (a string for eval) when the script exits,
# however it exits, after the daemons are killed and before $TMPD goes.
at_exit() {
	_CLEANUP+=("$1")
}

# finish: the last line of every script.  Checks the daemon log first.
finish() {
	[ ! -e "$DAEMON_LOG" ] || expect_log_clean
	echo "$PASSED passed, 0 failed"
	exit 0
}

# private VALUE...: a phone number or message body the daemon log must never
# hold (post_sms, post_signed and queue_msg note theirs).  finish checks.
private() {
	PRIVATE+=("$@")
}

# expect_log_clean: DAEMON_LOG holds no number or body noted with private
# and not the auth token.  A number counts as found by its last 8 digits
# (the log redacts to the last 3); a body by its text, when it is at least
# 12 bytes on one line (shorter ones, "STOP" or "yes", are ordinary words).
expect_log_clean() {
	local v digits seen=0
	[ ! -s "$DAEMON_LOG" ] || ! grep -qF -- "$TEST_TOKEN" "$DAEMON_LOG" ||
		fail 'the daemon log holds the auth token'
	[ ! -s "$DAEMON_LOG" ] || ! grep -qF -e "$TEST_API_SECRET" \
		-e "$TEST_SIG_SECRET" "$DAEMON_LOG" ||
		fail 'the daemon log holds the API or signature secret'
	for v in "${PRIVATE[@]}"; do
		case $v in
		*$'\n'*) continue ;;
		*[+0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*)
			# A number, or a body with one in it: its last 8 digits.
			digits=${v//[!0-9]/}
			if [ "${#digits}" -ge 8 ] && [ "${#v}" -le 24 ]; then
				grep -qF -- "${digits: -8}" "$DAEMON_LOG" &&
					fail "the daemon log holds the number $v"
				seen=$((seen + 1))
				continue
			fi ;;
		esac
		[ "${#v}" -ge 12 ] || continue
		grep -qF -- "$v" "$DAEMON_LOG" &&
			fail "the daemon log holds the message body '$v'"
		seen=$((seen + 1))
	done
	ok "the daemon log holds none of the $seen numbers and bodies sent, nor the token"
}

expect_eq() {	# ACTUAL EXPECTED MESSAGE
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
	ok "$3"
}

expect_contains() {	# HAYSTACK NEEDLE MESSAGE
	case $1 in
	*"$2"*) ok "$3" ;;
	*) fail "$3: '$2' not found in: $(printf '%s' "$1" | head -c 600)" ;;
	esac
}

expect_not_contains() {	# HAYSTACK NEEDLE MESSAGE
	case $1 in
	*"$2"*) fail "$3: '$2' unexpectedly found in: $(printf '%s' "$1" | head -c 600)" ;;
	*) ok "$3" ;;
	esac
}

# expect_match TEXT ERE MESSAGE: some line of TEXT matches the extended regex.
# (A here-string, not a pipe: grep -q leaving early would make a writer
# into the pipe die of SIGPIPE, and pipefail call that a failure.)
expect_match() {
	grep -Eq -- "$2" <<<"$1" ||
		fail "$3: no line matches /$2/ in: $(printf '%s' "$1" | head -c 800)"
	ok "$3"
}

# run COMMAND...: runs COMMAND (bounded to 10 s) and sets RUN_RC, RUN_OUT and
# RUN_ERR.  A command killed at the deadline has RUN_RC 124.
RUN_RC=
RUN_OUT=
RUN_ERR=
run() {
	RUN_RC=0
	timeout "$TEST_WAIT" "$@" >"$TMPD/run.out" 2>"$TMPD/run.err" || RUN_RC=$?
	RUN_OUT=$(cat "$TMPD/run.out")
	RUN_ERR=$(cat "$TMPD/run.err")
}

# ------------------------------------------------------------------ timing

now_ms() {	# milliseconds since the epoch
	local t=${EPOCHREALTIME:-}
	if [ -z "$t" ]; then	# bash < 5
		date +%s%3N
		return
	fi
	t=${t//[!0-9]/}		# whatever the locale's decimal point
	echo $((10#$t / 1000))
}

# How long a command or a daemon's start may take: 10 s, or
# CLOTLINE_TEST_WAIT (the sanitizer stage of .ci/run sets it, since loading
# the triage rules under ASan on a busy machine can take several seconds).
TEST_WAIT=${CLOTLINE_TEST_WAIT:-10}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.05 s until it succeeds
# (return 0) or the deadline passes (return 1).
wait_for() {
	local secs=$1 deadline
	shift
	deadline=$(($(now_ms) + secs * 1000))
	while :; do
		if "$@"; then
			return 0
		fi
		if [ "$(now_ms)" -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.05
	done
}

# wait_exit PID SECONDS: waits for a child process to end; sets EXIT_STATUS.
# Returns 1 (leaving the process alone) if it is still running at the deadline.
EXIT_STATUS=
wait_exit() {
	local pid=$1 secs=$2
	EXIT_STATUS=
	if ! wait_for "$secs" _not_running "$pid"; then
		return 1
	fi
	EXIT_STATUS=0
	wait "$pid" 2>/dev/null || EXIT_STATUS=$?
	return 0
}

_not_running() {
	! kill -0 "$1" 2>/dev/null
}

# log_has TEXT: the daemon log contains TEXT (fixed string).
log_has() {
	grep -qF -- "$1" "$DAEMON_LOG" 2>/dev/null
}

# -------------------------------------------------------------- the daemon

# write_config FILE: the test configuration.  These variables change it:
#   CFG_LISTEN (127.0.0.1:0), CFG_REQUEST_TIMEOUT (10), CFG_SHUTDOWN_TIMEOUT (5),
#   CFG_BUSY_TIMEOUT (5000), CFG_CLINIC_NAME (Test Vascular Clinic),
#   CFG_EMERGENCY (999), CFG_PUBLIC_URL ($TEST_PUBLIC_URL),
#   CFG_PROVIDER (console; for twilio and vonage also CFG_API_BASE),
#   CFG_SIG_METHOD (sha256: vonage's signature_method), CFG_PARTS_WAIT (120),
#   CFG_OUTBOX (extra
#   lines for [outbox]), CFG_PLANS_DIR (the source tree's config/plans),
#   CFG_REMINDERS (extra lines for [reminders]), CFG_DATABASE (clotline.db;
#   set TEST_DB to match), CFG_CLINIC (extra lines for [clinic]: on_call_backup,
#   emergency_numbers ...), CFG_ESCALATION (lines for [escalation]),
#   CFG_STORAGE (extra lines for [storage]: backend, url, lease),
#   CFG_LEASE ([storage] lease, on PostgreSQL only).
# database, port_file and console_log (outbound.log) are relative: they
# resolve against FILE's directory.
write_config() {
	local file=$1
	cat >"$file" <<EOF
; written by tests/integration/lib.sh
[server]
listen = ${CFG_LISTEN:-127.0.0.1:0}
public_url = ${CFG_PUBLIC_URL:-$TEST_PUBLIC_URL}
port_file = port
prompts_dir = $top_srcdir/prompts
log_level = info
request_timeout = ${CFG_REQUEST_TIMEOUT:-10}
shutdown_timeout = ${CFG_SHUTDOWN_TIMEOUT:-5}

[storage]
database = ${CFG_DATABASE:-clotline.db}
busy_timeout_ms = ${CFG_BUSY_TIMEOUT:-5000}
${CFG_STORAGE:-}
$(! on_postgresql || [ -z "${CFG_LEASE:-}" ] || echo "lease = $CFG_LEASE")

[provider]
name = ${CFG_PROVIDER:-console}
account_sid = $TEST_ACCOUNT_SID
auth_token = $TEST_TOKEN
from = $CLINIC_PHONE
api_base = ${CFG_API_BASE:-http://127.0.0.1:9}
api_key = $TEST_API_KEY
api_secret = $TEST_API_SECRET
signature_secret = $TEST_SIG_SECRET
signature_method = ${CFG_SIG_METHOD:-sha256}
parts_wait = ${CFG_PARTS_WAIT:-120}
verify_signatures = yes
console_log = outbound.log

[outbox]
${CFG_OUTBOX:-}

[reminders]
plans_dir = ${CFG_PLANS_DIR:-$top_srcdir/config/plans}
${CFG_REMINDERS:-}

[clinic]
name = ${CFG_CLINIC_NAME:-Test Vascular Clinic}
phone = $CLINIC_PHONE
emergency_number = ${CFG_EMERGENCY:-999}
on_call = $ON_CALL
timezone = Europe/London
language = en
${CFG_CLINIC:-}

[escalation]
${CFG_ESCALATION:-}
EOF
	chmod 600 "$file"	# it holds auth_token (check-config warns otherwise)
}

_port_file_ready() {
	[ -s "$PORT_FILE" ] && return 0
	kill -0 "$DAEMON_PID" 2>/dev/null || return 0	# died: stop waiting
	return 1
}

# start_daemon [CONFIG]: starts `clotline serve` in the background (from /,
# so nothing depends on the working directory), waits for the port file and
# sets DAEMON_PID and PORT.  The daemon's stderr is appended to DAEMON_LOG.
start_daemon() {
	local conf=${1:-$TEST_CONF}
	rm -f "$PORT_FILE"
	PORT=
	echo "=== start_daemon $(date +%T)" >>"$DAEMON_LOG"
	(cd / && exec "$CLOTLINE" serve -c "$conf") 2>>"$DAEMON_LOG" &
	DAEMON_PID=$!
	_PIDS+=("$DAEMON_PID")
	wait_for "$TEST_WAIT" _port_file_ready ||
		fail "the daemon wrote no port file within $TEST_WAIT s"
	if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
		wait "$DAEMON_PID" 2>/dev/null || true
		fail "the daemon exited during start-up"
	fi
	PORT=$(cat "$PORT_FILE")
	SEEN=()
	case $PORT in
	'' | *[!0-9]*) fail "port file holds '$PORT', not a port number" ;;
	esac
}

# stop_daemon: SIGTERM and wait (bounded); fails unless it exits 0.
stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait_exit "$DAEMON_PID" 10 || fail "daemon still running 10 s after SIGTERM"
	[ "$EXIT_STATUS" = 0 ] || fail "daemon exited $EXIT_STATUS after SIGTERM"
}

# ----------------------------------------------------------------- signing

# sign URL [KEY VALUE]...: prints base64(HMAC-SHA1(token, URL + the params
# sorted bytewise by key, then value, each as key+value)).  A pair given twice
# counts once, as in the official validators (spec/twilio.md's repeated-key
# vector only comes out that way).  SIGN_TOKEN overrides the token.  Values
# may hold any byte but NUL.
sign() {
	local url=$1 k v rec
	shift
	(($# % 2 == 0)) || fail "sign: odd number of key/value arguments"
	{
		printf '%s' "$url"
		while (($# > 0)); do
			# \001 sorts below every byte of a key, so "key\001value"
			# records sort by key and then value.
			printf '%s\001%s\0' "$1" "$2"
			shift 2
		done | LC_ALL=C sort -z -u -t $'\001' -k1,1 -k2 |
			while IFS= read -r -d '' rec; do
				k=${rec%%$'\001'*}
				v=${rec#*$'\001'}
				printf '%s%s' "$k" "$v"
			done
	} | hmac_stdin
}

# ------------------------------------------------------------------ HTTP

_CURL_COMMON=(-sS --max-time 10 --connect-timeout 5 -H 'Expect:')

# http_request CURL_ARGS...: runs curl against the daemon, setting HTTP_STATUS,
# HTTP_BODY, HTTP_HEADERS and HTTP_ERR (curl's complaint; HTTP_STATUS is 000
# when nothing answered).  The last argument must be the URL.  Every
# answer is also counted in SEEN["ROUTE STATUS"] (ROUTE as /metrics names
# it), so a test can compare /metrics with what the client saw.
declare -A SEEN=()
http_request() {
	local out=$TMPD/http.body hdr=$TMPD/http.headers path route
	: >"$out"
	: >"$hdr"
	HTTP_STATUS=$(curl "${_CURL_COMMON[@]}" -o "$out" -D "$hdr" \
		-w '%{http_code}' "$@" 2>"$TMPD/http.err") ||
		HTTP_STATUS=${HTTP_STATUS:-000}
	HTTP_ERR=$(cat "$TMPD/http.err")
	HTTP_BODY=$(cat "$out")
	HTTP_HEADERS=$(tr -d '\r' <"$hdr")
	path=${!#}
	path=${path#http://127.0.0.1:"$PORT"}
	path=${path%%\?*}
	case $path in
	/twilio/sms | /twilio/status | /vonage/inbound | /vonage/status | /healthz | /livez | /readyz | /metrics) route=$path ;;
	/api/v1 | /api/v1/*) route=/api/v1 ;;
	/twilio/voice | /twilio/voice/*) route=/twilio/voice ;;
	*) route=other ;;
	esac
	if [ "$HTTP_STATUS" != 000 ]; then
		SEEN["$route $HTTP_STATUS"]=$((${SEEN["$route $HTTP_STATUS"]:-0} + 1))
	fi
}

# http_get PATH: GET http://127.0.0.1:$PORT/PATH
http_get() {
	http_request "http://127.0.0.1:$PORT$1"
}

# header NAME: the value of response header NAME from the last request.
header() {
	printf '%s\n' "$HTTP_HEADERS" |
		sed -n "s/^$1:[[:space:]]*//Ip" | tail -n 1
}

# post_form PATH SIGNATURE|- [KEY VALUE]...: posts the fields url-encoded,
# with X-Twilio-Signature unless SIGNATURE is '-'.
post_form() {
	local path=$1 sig=$2 args=()
	shift 2
	while (($# > 0)); do
		args+=(--data-urlencode "$1=$2")
		shift 2
	done
	if [ "$sig" != - ]; then
		args+=(-H "X-Twilio-Signature: $sig")
	fi
	http_request "${args[@]}" "http://127.0.0.1:$PORT$path"
}

# post_signed [KEY VALUE]...: a correctly signed webhook with these fields.
post_signed() {
	local i j
	for ((i = 1; i < $#; i += 2)); do
		case ${!i} in
		From | Body) j=$((i + 1)); private "${!j}" ;;
		esac
	done
	post_form /twilio/sms "$(sign "$TEST_SMS_URL" "$@")" "$@"
}

# post_sms SID FROM BODY: a signed inbound SMS (To is the clinic number).
post_sms() {
	post_signed MessageSid "$1" From "$2" To "$CLINIC_PHONE" Body "$3"
}

# vonage_sign [KEY VALUE]...: the hex signature of Vonage's signed webhook
# parameters: "&key=value" for each, sorted by key, '&' and '=' in values
# as '_', HMAC with the signature secret (CFG_SIG_METHOD, default sha256;
# md5hash appends the secret and hashes with MD5).
vonage_sign() {
	local method=${CFG_SIG_METHOD:-sha256} rec
	(($# % 2 == 0)) || fail "vonage_sign: odd number of key/value arguments"
	{
		while (($# > 0)); do
			printf '%s\001%s\0' "$1" "${2//[&=]/_}"
			shift 2
		done | LC_ALL=C sort -z -t $'\001' -k1,1 |
			while IFS= read -r -d '' rec; do
				printf '&%s=%s' "${rec%%$'\001'*}" "${rec#*$'\001'}"
			done
		[ "$method" != md5hash ] || printf '%s' "$TEST_SIG_SECRET"
	} | if [ "$method" = md5hash ]; then
		openssl dgst -md5 -r
	else
		openssl dgst "-$method" -hmac "$TEST_SIG_SECRET" -r
	fi | cut -d' ' -f1
}

# post_vonage PATH [KEY VALUE]...: a signed Vonage webhook (form-encoded)
# with these parameters, a timestamp of now (VONAGE_TS overrides) and a
# nonce.
post_vonage() {
	local path=$1 ts=${VONAGE_TS:-$(date +%s)}
	shift
	set -- "$@" timestamp "$ts" nonce "n-$RANDOM$RANDOM"
	post_form "$path" - "$@" sig "$(vonage_sign "$@")"
}

# post_raw SIGNATURE|- DATA [CONTENT_TYPE]: posts DATA exactly as given
# (already url-encoded; "@FILE" posts a file's bytes).
post_raw() {
	local sig=$1 data=$2 ctype=${3:-application/x-www-form-urlencoded}
	local args=(-H "Content-Type: $ctype" --data-binary "$data")
	if [ "$sig" != - ]; then
		args+=(-H "X-Twilio-Signature: $sig")
	fi
	http_request "${args[@]}" "http://127.0.0.1:$PORT/twilio/sms"
}

# urlencode STRING: percent-encodes every byte but [A-Za-z0-9._~-].
urlencode() {
	local hex out=
	for hex in $(printf '%s' "$1" | od -An -v -tx1); do
		case $hex in
		3[0-9] | 4[1-9a-f] | 5[0-9a] | 6[1-9a-f] | 7[0-9a] | 2d | 2e | 5f | 7e)
			printf -v hex "\\x$hex"
			out+=$hex ;;
		*)
			out+=%${hex^^} ;;
		esac
	done
	printf '%s' "$out"
}

# form_data [KEY VALUE]...: the url-encoded form body of these fields.
form_data() {
	local sep= out=
	while (($# > 0)); do
		out+=$sep$(urlencode "$1")=$(urlencode "$2")
		sep='&'
		shift 2
	done
	printf '%s' "$out"
}

# hmac_stdin: the signature of the bytes on stdin (URL and the sorted,
# concatenated params): for requests whose values hold a NUL byte.
hmac_stdin() {
	openssl dgst -sha1 -hmac "${SIGN_TOKEN:-$TEST_TOKEN}" -binary | base64
}

# ------------------------------------------------------------------ SQLite

# sql QUERY: runs QUERY on the test database, printing rows '|'-separated.
# The scripts' queries are in the SQL both backends speak (see the
# "PostgreSQL" section below): no hex(), group_concat or
# last_insert_rowid; these helpers stand in for them.
sql() {
	sqlite3 -batch -noheader -cmd '.timeout 5000' "$TEST_DB" "$1"
}

# on_postgresql: the script runs on PostgreSQL (CLOTLINE_TEST_PG), not on
# its SQLite file.
on_postgresql() {
	[ -n "${CLOTLINE_TEST_PG:-}" ]
}

# sqlite_only WHAT: true on SQLite; on PostgreSQL says that WHAT (a part of
# the script about what only SQLite has) is skipped, and is false:
#   if sqlite_only 'the WAL file'; then ... fi
sqlite_only() {
	on_postgresql || return 0
	echo "# skipped on PostgreSQL: $1"
	return 1
}

# store_reset: an empty store, as if the gateway never ran: the SQLite
# file (and its -wal and -shm) removed, or the PostgreSQL schema emptied.
store_reset() {
	if on_postgresql; then
		psql -X -q -v ON_ERROR_STOP=1 "$CLOTLINE_TEST_PG" -c \
		    'SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;' ||
			fail "CLOTLINE_TEST_PG: cannot empty $CLOTLINE_TEST_PG"
	else
		rm -f "$TEST_DB" "$TEST_DB-wal" "$TEST_DB-shm"
	fi
}

# sql_now: the SQL expression for the current time, in seconds since the
# epoch, as an integer.
sql_now() {
	if on_postgresql; then
		# floor, as the gateway's clock truncates: a plain CAST rounds, and
		# a row queued in the second half of a second was not yet due to a
		# gateway started within that second.
		echo 'CAST(floor(extract(epoch FROM now())) AS bigint)'
	else
		echo "CAST(strftime('%s', 'now') AS INTEGER)"
	fi
}

# sql_hex EXPR: the SQL expression for the bytes of the text EXPR in
# upper-case hex (SQLite's hex()).
sql_hex() {
	if on_postgresql; then
		echo "upper(encode(convert_to($1, 'UTF8'), 'hex'))"
	else
		echo "hex($1)"
	fi
}

# sql_list SEP QUERY: the rows of QUERY (one column, in its ORDER BY) on
# one line, joined by SEP (for group_concat, which PostgreSQL spells
# otherwise).
sql_list() {
	sql "$2" | paste -sd "$1" -
}

# enrol PHONE [OPTED_OUT]: adds an enrolled English patient, without quiet
# hours (so no test depends on the hour it runs at).
enrol() {
	sql "INSERT INTO patients(phone,name,language,timezone,enrolled,opted_out,paused,created_at,updated_at,quiet_start,quiet_end)
	     VALUES('$1','Test','en','Europe/London',1,${2:-0},0,0,0,'00:00','00:00');"
}

# inbound_count SID: rows stored for MessageSid SID.
inbound_count() {
	sql "SELECT count(*) FROM inbound_messages WHERE provider_sid = '$1';"
}

# The metric's value from the last /metrics body (empty if absent).
metric() {
	printf '%s\n' "$HTTP_BODY" | awk -v n="$1" '$1 == n { print $2 }'
}

# load_webhooks TSV OUTDIR RESULTS [PORT|URL] [PARALLEL]: posts every
# request of webhookgen's TSV to /twilio/sms on PORT ($PORT), or to URL
# (https: through nginx_start's TLS, its certificate not checked),
# PARALLEL (8) at a time, each answer's body to OUTDIR/SID; RESULTS gets
# "STATUS SID" lines (000: no answer).  Runs in the foreground; start it
# with & for a load.
load_webhooks() {
	local url=${4:-$PORT}
	case $url in
	*://*) ;;
	*) url=http://127.0.0.1:$url/twilio/sms ;;
	esac
	mkdir -p "$2"
	awk -F'\t' -v url="$url" -v dir="$2" '{
		if (NR > 1)
			printf "next\n"	# a "next" at the end would abort the rest
		printf "url = \"%s\"\n", url
		if (url ~ /^https:/)
			printf "insecure\n"
		printf "header = \"X-Twilio-Signature: %s\"\n", $2
		printf "header = \"Content-Type: application/x-www-form-urlencoded\"\n"
		printf "header = \"Expect:\"\n"
		printf "data-binary = \"%s\"\n", $3
		printf "output = \"%s/%s\"\n", dir, $1
		printf "write-out = \"%%{http_code} %s\\n\"\n", $1
		printf "max-time = 10\n"
	}' "$1" >"$3.curl"
	curl --parallel --parallel-max "${5:-8}" -s -K "$3.curl" >"$3" 2>"$3.err" || true
}

# sids_with STATUS RESULTS...: the sids load_webhooks saw answered STATUS,
# sorted.
sids_with() {
	local s=$1
	shift
	awk -v s="$s" '$1 == s { print $2 }' "$@" | sort
}

# ------------------------------------------------------- the fake provider

FAKE_LOG=$TMPD/fake.log
FAKE_PORT_FILE=$TMPD/fake.port
FAKE_PORT=
FAKE_PID=

# start_fake [SCRIPT_FILE|''] [PORT]: starts tests/fake/fakeprovider (see its
# header for the script) on PORT (default: a free one) and sets FAKE_PID and
# FAKE_PORT.  Its status callbacks are signed for public_url and delivered
# to the daemon's port, as through a reverse proxy.
start_fake() {
	local args=(--port-file "$FAKE_PORT_FILE" --log "$FAKE_LOG"
		--token "$TEST_TOKEN" --deliver-port-file "$PORT_FILE"
		--signature-secret "$TEST_SIG_SECRET"
		--signature-method "${CFG_SIG_METHOD:-sha256}")
	[ -x "${FAKEPROVIDER:-}" ] || fail "FAKEPROVIDER is not built (make check builds it)"
	[ -z "${1:-}" ] || args+=(--script "$1")
	[ -z "${2:-}" ] || args+=(--port "$2")
	rm -f "$FAKE_PORT_FILE"
	"$FAKEPROVIDER" "${args[@]}" 2>>"$DAEMON_LOG" &
	FAKE_PID=$!
	_PIDS+=("$FAKE_PID")
	wait_for 10 test -s "$FAKE_PORT_FILE" || fail "the fake provider did not start"
	FAKE_PORT=$(cat "$FAKE_PORT_FILE")
}

stop_fake() {
	kill -TERM "$FAKE_PID"
	wait_exit "$FAKE_PID" 10 || fail "fake provider still running after SIGTERM"
}

# fake_count [PATTERN]: requests the fake provider saw (whose log line
# contains the fixed string PATTERN).
fake_count() {
	[ -s "$FAKE_LOG" ] || { echo 0; return; }
	grep -cF -- "${1:-\"n\"}" "$FAKE_LOG" || true
}

# queue_msg KIND TO BODY [PRIORITY] [DUE]: a message waiting in the outbox,
# as the staff CLI or scheduler queues one (DUE: seconds from now, 0).
queue_msg() {
	local prio=${4:-}
	private "$2" "$3"
	if [ -z "$prio" ]; then
		case $1 in alert) prio=1 ;; reminder) prio=3 ;; *) prio=2 ;; esac
	fi
	sql "INSERT INTO outbound_messages (kind, to_phone, body, status, priority,
	     next_attempt_at, created_at, updated_at)
	     VALUES ('$1', '$2', '$3', 'pending', $prio,
	     $(sql_now) + ${5:-0}, $(sql_now), $(sql_now)) RETURNING id;"
}

# outbox_settled: nothing waits in the outbox any more.
outbox_settled() {
	[ "$(sql "SELECT count(*) FROM outbound_messages WHERE status IN ('pending', 'sending', 'unknown');")" = 0 ]
}

# row_status ID: "status|attempts|error_code" of an outbox row.
row_status() {
	sql "SELECT status, attempts, coalesce(CAST(error_code AS TEXT), '') FROM outbound_messages WHERE id = $1;"
}

# ------------------------------------------------------------------ nginx

# nginx_require: skips the script (77) unless nginx is installed.
nginx_require() {
	NGINX=$(PATH=$PATH:/usr/sbin:/sbin command -v nginx || true)
	if [ -z "$NGINX" ]; then
		echo "# SKIP $TEST_NAME: nginx is not installed (apt-get install nginx)"
		exit 77
	fi
}

# free_port: a loopback port nothing listens on (as far as one can tell).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# nginx_start PORT...: contrib/nginx-clotline.conf as shipped (NGINX, from
# nginx_require), on loopback ports (TLS_PORT, HTTP_PORT) with a
# self-signed certificate for gateway.test (NG/cert.pem), its upstream the
# gateways on PORT...: one as shipped, several as docs/deployment.md says
# (each max_fails=1 fail_timeout=5s); nothing else changed.  Sets NG and
# NGINX_PID.  Its access log, NG/access.log, is nginx's combined format
# and, last, "upstream=ADDRESSES/STATUSES": which instances a request was
# passed to, in order, and what each answered.
nginx_start() {
	local tries=0 servers= p
	NG=$TMPD/nginx
	mkdir -p "$NG/acme"
	[ -s "$NG/cert.pem" ] ||
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$NG/key.pem" -out "$NG/cert.pem" -days 1 -subj /CN=gateway.test \
		-addext subjectAltName=DNS:gateway.test 2>/dev/null
	if [ "$#" = 1 ]; then
		servers="server 127.0.0.1:$1;"
	else
		for p in "$@"; do
			servers="$servers server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"
		done
	fi
	until _nginx_try "$servers"; do	# a port taken in between: pick others
		tries=$((tries + 1))
		[ "$tries" -lt 5 ] || fail "nginx would not start: $(tail -n 3 "$NG/error.log")"
	done
}

_nginx_up() {	# nginx writes its pid file once its sockets are bound
	kill -0 "$NGINX_PID" 2>/dev/null || return 0
	[ "$(cat "$NG/nginx.pid" 2>/dev/null)" = "$NGINX_PID" ]
}

_nginx_try() {
	TLS_PORT=$(free_port)
	HTTP_PORT=$(free_port)
	sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$TLS_PORT ssl http2;|" \
		-e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
		-e '/listen \[::\]/d' \
		-e "s|server 127.0.0.1:8080;|$1|" \
		-e "s|/etc/letsencrypt/live/clinic.example.org/fullchain.pem|$NG/cert.pem|" \
		-e "s|/etc/letsencrypt/live/clinic.example.org/privkey.pem|$NG/key.pem|" \
		-e "s|/var/www/acme|$NG/acme|" \
		-e 's|clinic.example.org|gateway.test|g' \
		"$top_srcdir/contrib/nginx-clotline.conf" >"$NG/site.conf"
	cat >"$NG/nginx.conf" <<EOF
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
daemon off;
events { worker_connections 256; }
http {
	log_format upstreams '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status '
	    '\$body_bytes_sent "\$http_referer" "\$http_user_agent" '
	    'upstream=\$upstream_addr/\$upstream_status';
	access_log $NG/access.log upstreams;
	client_body_temp_path $NG/body;
	proxy_temp_path $NG/proxy;
	fastcgi_temp_path $NG/fastcgi;
	uwsgi_temp_path $NG/uwsgi;
	scgi_temp_path $NG/scgi;
	include $NG/site.conf;
}
EOF
	rm -f "$NG/nginx.pid"
	"$NGINX" -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" 2>>"$NG/error.log" &
	NGINX_PID=$!
	_PIDS+=("$NGINX_PID")
	wait_for 10 _nginx_up || fail 'nginx did not start listening'
	kill -0 "$NGINX_PID" 2>/dev/null
}

# ------------------------------------------------------------- PostgreSQL

# CLOTLINE_TEST_PG=URL runs the script on that PostgreSQL database instead
# of the SQLite file: it is emptied first (store_reset), the configuration
# names it, and sql() queries it.  make check runs every script so
# (tests/pg/suite.bash, a database each), so the scripts' queries are in
# the SQL both speak: sql_now for the time, sql_hex, sql_list for
# group_concat, INSERT ... RETURNING id for last_insert_rowid, a
# comparison read back as CAST(... AS INTEGER) (PostgreSQL says t, not 1),
# a subquery in FROM with an alias.  A part about what only SQLite has
# (its files and their modes, backup, WAL, a full disk under the file,
# group commit) is wrapped in `if sqlite_only 'WHAT'`, which on
# PostgreSQL says it is skipped; on SQLite every part runs as before.
# By hand: CLOTLINE_TEST_PG='postgresql:///db?host=/tmp/pg' bash sms.sh
if [ -n "${CLOTLINE_TEST_PG:-}" ]; then
	command -v psql >/dev/null 2>&1 || fail 'CLOTLINE_TEST_PG: psql is required'
	CFG_STORAGE="backend = postgresql
url = $CLOTLINE_TEST_PG"
	sql() {
		psql -X -q -A -t -v ON_ERROR_STOP=1 "$CLOTLINE_TEST_PG" -c "$1"
	}
	store_reset
fi
