#!/bin/bash
# SPDX-License-Identifier: ISC
# contrib/nginx-clotline.conf in front of the gateway, as deployed but on
# loopback ports with a self-signed certificate for gateway.test: webhooks
# signed for the public URL it implies pass through TLS and are stored, the
# query string reaches the signature check unchanged, and nothing but the
# webhooks is reachable through it.  Skipped (77) without nginx.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nginx_require
P=+447700900711
write_config "$TEST_CONF"
start_daemon
enrol "$P"

nginx_start "$PORT"
ok "contrib/nginx-clotline.conf loads and listens (TLS on $TLS_PORT)"

# The public URL it implies, here with the test's non-default port.
PUBLIC=https://gateway.test:$TLS_PORT
CFG_PUBLIC_URL=$PUBLIC write_config "$TEST_CONF"
kill -HUP "$DAEMON_PID"
wait_for "$TEST_WAIT" log_has 'reload: configuration, prompts and rules reloaded' || fail 'the reload did not happen'

# via PATH SIGNATURE [KEY VALUE]...: posts through the proxy over TLS.
via() {
	local path=$1 sig=$2 args=()
	shift 2
	while (($# > 0)); do
		args+=(--data-urlencode "$1=$2")
		private "$2"
		shift 2
	done
	http_request --resolve "gateway.test:$TLS_PORT:127.0.0.1" --cacert "$NG/cert.pem" \
		--path-as-is -H "X-Twilio-Signature: $sig" "${args[@]}" "$PUBLIC$path"
}

f=(MessageSid SMproxy1 From "$P" To "$CLINIC_PHONE" Body 'walked to the park through the proxy')
via /twilio/sms "$(sign "$PUBLIC/twilio/sms" "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 200 'signed for the public URL, through nginx over TLS: 200'
expect_contains "$HTTP_BODY" '<Response>' '... TwiML from the gateway'
expect_eq "$(inbound_count SMproxy1)" 1 '... and stored'
f=(MessageSid SMproxy2 From "$P" Body 'walked to the park through the proxy')
via '/twilio/sms?clinic=main' "$(sign "$PUBLIC/twilio/sms?clinic=main" "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 200 'a query string reaches the signature check unchanged'
f=(MessageSid SMproxy3 From "$P" Body 'walked to the park through the proxy')
via /twilio/sms "$(sign "http://gateway.test:$TLS_PORT/twilio/sms" "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 403 'signed for http instead of https: 403'
via /twilio/sms "$(sign "http://127.0.0.1:$PORT/twilio/sms" "${f[@]}")" "${f[@]}"
expect_eq "$HTTP_STATUS" 403 "signed for the gateway's own address behind the proxy: 403"
expect_eq "$(inbound_count SMproxy3)" 0 'nothing stored for the 403s'

# Only the webhooks are public.
for path in /healthz /metrics /api/v1/patients /; do
	http_request --resolve "gateway.test:$TLS_PORT:127.0.0.1" --cacert "$NG/cert.pem" "$PUBLIC$path"
	expect_eq "$HTTP_STATUS" 404 "GET $path through the proxy: 404"
done
http_request --resolve "gateway.test:$TLS_PORT:127.0.0.1" --cacert "$NG/cert.pem" "$PUBLIC/twilio/sms"
expect_eq "$HTTP_STATUS" 403 'GET /twilio/sms through the proxy: refused by nginx'
f=(MessageSid SMproxy4 From "$P" Body 'path trick through the proxy')
for path in /twilio/%73ms //twilio/sms /twilio/./sms; do
	via "$path" "$(sign "$PUBLIC$path" "${f[@]}")" "${f[@]}"
	case $path in
	//*)	# not origin form at the gateway
		expect_eq "$HTTP_STATUS" 400 "POST $path (nginx normalises it, the gateway gets it as sent): 400" ;;
	*)
		expect_eq "$HTTP_STATUS" 404 "POST $path (nginx normalises it, the gateway gets it as sent): 404" ;;
	esac
done
expect_eq "$(inbound_count SMproxy4)" 0 'nothing stored through a path trick'
head -c 70000 /dev/zero | tr '\0' a >"$TMPD/big"
http_request --resolve "gateway.test:$TLS_PORT:127.0.0.1" --cacert "$NG/cert.pem" \
	-H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$TMPD/big" "$PUBLIC/twilio/sms"
expect_eq "$HTTP_STATUS" 413 'a 70 KB body: 413 from nginx'
http_request -H 'Content-Type: application/x-www-form-urlencoded' --data-binary a=b \
	"http://127.0.0.1:$HTTP_PORT/twilio/sms"
expect_eq "$HTTP_STATUS" 404 'plain HTTP: nothing but certificate challenges (404)'

# nginx's access log holds request lines, never a number or a body.
grep -qF -- "${P: -8}" "$NG/access.log" && fail 'the nginx access log holds a patient number'
grep -qF -- 'through the proxy' "$NG/access.log" && fail 'the nginx access log holds a message body'
ok 'the nginx access log holds no number and no body'

kill -QUIT "$NGINX_PID"
wait_exit "$NGINX_PID" 10 || fail 'nginx did not stop'
stop_daemon
finish
