#!/bin/bash
# SPDX-License-Identifier: ISC
# The command line: --help, --version, usage errors (exit 2), check-config on
# good and bad configurations (exit 0 / exit 1 with FILE:LINE: diagnostics),
# and `serve` refusing a bad configuration without ever listening.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The configurations below hold auth_token: the owner's alone, or
# check-config warns (checked at the end).
umask 077

# ------------------------------------------------------------ help, version

run "$CLOTLINE" --help
expect_eq "$RUN_RC" 0 '--help exits 0'
expect_contains "$RUN_OUT" 'usage: clotline' '--help prints the usage on stdout'
expect_contains "$RUN_OUT" 'serve' '--help lists serve'
expect_contains "$RUN_OUT" 'check-config' '--help lists check-config'
expect_eq "$RUN_ERR" '' '--help writes nothing to stderr'

run "$CLOTLINE" --version
expect_eq "$RUN_RC" 0 '--version exits 0'
expect_match "$RUN_OUT" '^clotline [0-9]+\.[0-9]+(\.[0-9]+)?' '--version prints "clotline X.Y.Z"'
if [ -r "$top_builddir/config.h" ]; then
	version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
	expect_eq "$RUN_OUT" "clotline $version" '--version matches the configured PACKAGE_VERSION'
fi

run "$CLOTLINE" serve --help
expect_eq "$RUN_RC" 0 'serve --help exits 0'
expect_contains "$RUN_OUT" 'usage: clotline serve' 'serve --help prints its usage'
expect_contains "$RUN_OUT" 'SIGHUP' 'serve --help documents the signals'
# Every key of the annotated sample configuration is in the key list.
missing=
for key in $(sed -n 's/^;\{0,1\}\([a-z_]*\) = .*/\1/p' "$top_srcdir/config/clotline.ini"); do
	grep -Eq "^ +$key " <<<"$RUN_OUT" || missing="$missing $key"
done
expect_eq "$missing" '' 'serve --help lists every key of config/clotline.ini'

run "$CLOTLINE" check-config --help
expect_eq "$RUN_RC" 0 'check-config --help exits 0'
expect_contains "$RUN_OUT" 'usage: clotline check-config' 'check-config --help prints its usage'

# ------------------------------------------------------------ usage errors

run "$CLOTLINE"
expect_eq "$RUN_RC" 2 'no command: exit 2'
expect_contains "$RUN_ERR" 'usage: clotline' 'no command: usage on stderr'

run "$CLOTLINE" frobnicate
expect_eq "$RUN_RC" 2 'unknown command: exit 2'
expect_contains "$RUN_ERR" 'frobnicate' 'unknown command: stderr names it'
expect_eq "$RUN_OUT" '' 'unknown command: nothing on stdout'

run "$CLOTLINE" serve --bogus
expect_eq "$RUN_RC" 2 'serve --bogus: exit 2'
expect_contains "$RUN_ERR" 'bogus' 'serve --bogus: stderr names the option'
expect_eq "$RUN_OUT" '' 'serve --bogus: usage goes to stderr, nothing to stdout'

run "$CLOTLINE" check-config --bogus
expect_eq "$RUN_RC" 2 'check-config --bogus: exit 2'
expect_eq "$RUN_OUT" '' 'check-config --bogus: nothing on stdout'

run "$CLOTLINE" serve -c
expect_eq "$RUN_RC" 2 'serve -c without a file: exit 2'

run "$CLOTLINE" serve -c "$TEST_CONF" stray
expect_eq "$RUN_RC" 2 'serve with a stray argument: exit 2'
expect_contains "$RUN_ERR" 'stray' 'stray argument named on stderr'

# ------------------------------------------------------ good configurations

write_config "$TEST_CONF"
run "$CLOTLINE" check-config -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'check-config: the test configuration is valid'
expect_contains "$RUN_OUT" 'valid' 'check-config says so on stdout'
expect_eq "$RUN_ERR" '' 'check-config: nothing on stderr for a valid file'

run "$CLOTLINE" check-config -c "$top_srcdir/config/clotline.ini"
expect_eq "$RUN_RC" 0 'check-config: the shipped sample configuration is valid'

# The minimal valid file: 12 lines, so appended lines start at line 13.
minimal_config() {
	cat <<EOF
[server]
listen = 127.0.0.1:0
public_url = $TEST_PUBLIC_URL
port_file = port
prompts_dir = $top_srcdir/prompts
[storage]
database = clotline.db
[clinic]
phone = $CLINIC_PHONE
on_call = $ON_CALL
[provider]
auth_token = $TEST_TOKEN
EOF
}
[ "$(minimal_config | wc -l)" = 12 ] || fail 'minimal_config is not 12 lines'

CFGDIR=$TMPD/cfg
mkdir "$CFGDIR"
minimal_config >"$CFGDIR/minimal.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/minimal.ini"
expect_eq "$RUN_RC" 0 'check-config: the minimal file is valid'

# Relative paths resolve against the file's directory, not the cwd.
ln -s "$top_srcdir/prompts" "$CFGDIR/my-prompts"
minimal_config | sed 's|^prompts_dir = .*|prompts_dir = my-prompts|' >"$CFGDIR/relative.ini"
run sh -c 'cd / && exec "$1" check-config -c "$2"' sh "$CLOTLINE" "$CFGDIR/relative.ini"
expect_eq "$RUN_RC" 0 'check-config: a relative prompts_dir resolves against the config directory'

minimal_config | sed '/^auth_token/d' >"$CFGDIR/env-token.ini"
run env CLOTLINE_AUTH_TOKEN=from-env "$CLOTLINE" check-config -c "$CFGDIR/env-token.ini"
expect_eq "$RUN_RC" 0 'check-config: CLOTLINE_AUTH_TOKEN stands in for auth_token'

minimal_config | sed '/^auth_token/d' >"$CFGDIR/nosig.ini"
echo 'verify_signatures = no' >>"$CFGDIR/nosig.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/nosig.ini"
expect_eq "$RUN_RC" 0 'check-config: no auth_token needed with verify_signatures = no'
expect_contains "$RUN_ERR" 'verify_signatures' '... but it warns about it'

# ------------------------------------------------------- bad configurations

# check_bad NAME LINE PATTERN: check-config on $CFGDIR/NAME.ini exits 1 and
# prints exactly one diagnostic, "FILE:LINE: ..." matching PATTERN (an ERE).
# LINE may be an ERE alternative such as (12|13); "-" means no line number.
check_bad() {
	local name=$1 line=$2 pat=$3 file=$CFGDIR/$1.ini prefix
	run "$CLOTLINE" check-config -c "$file"
	expect_eq "$RUN_RC" 1 "check-config $name: exit 1"
	if [ "$line" = - ]; then
		prefix="$name.ini: "	# a missing key has no line
	else
		prefix="$name.ini:$line: "
	fi
	expect_match "$RUN_ERR" "^$file${prefix#"$name.ini"}.*$pat" \
	    "check-config $name: '$prefix...$pat'"
	# Warnings from later stages (no plans directory) are not counted.
	expect_eq "$(printf '%s\n' "$RUN_ERR" | grep -v ': warning: ' | grep -c .)" 1 "check-config $name: one diagnostic"
	expect_eq "$RUN_OUT" '' "check-config $name: nothing on stdout"
}

{ minimal_config; echo 'colour = blue'; } >"$CFGDIR/unknown-key.ini"
check_bad unknown-key 13 "colour"

minimal_config | sed '2a\
colour = blue' >"$CFGDIR/unknown-key-server.ini"
check_bad unknown-key-server 3 "colour.*server"

# The right line for an unknown section is its header (13); the daemon
# reports the section's first key (14).  Either is accepted.
{ minimal_config; echo '[bogus]'; echo 'foo = 1'; echo 'bar = 2'; } >"$CFGDIR/unknown-section.ini"
check_bad unknown-section 13 "bogus"

{ minimal_config; echo '[empty]'; } >"$CFGDIR/empty-section.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/empty-section.ini"
expect_eq "$RUN_RC" 1 'an unknown section with no keys is reported'
expect_contains "$RUN_ERR" 'unknown section [empty]' 'the empty unknown section is named'

minimal_config | sed '2s/.*/listen = nope/' >"$CFGDIR/bad-listen.ini"
check_bad bad-listen 2 "listen.*nope"

minimal_config | sed '/^on_call/d' >"$CFGDIR/no-on-call.ini"
check_bad no-on-call - "on_call.*required"

minimal_config | sed '/^phone/d' >"$CFGDIR/no-phone.ini"
check_bad no-phone - "phone.*required"

minimal_config | sed '/^auth_token/d' >"$CFGDIR/no-token.ini"
check_bad no-token - "auth_token.*required"

{ minimal_config; echo 'auth_token = again'; } >"$CFGDIR/twice.ini"
check_bad twice 13 "auth_token.*twice"
expect_not_contains "$RUN_ERR" 'again' 'check-config never echoes an auth_token'

{ minimal_config; echo 'just some words'; } >"$CFGDIR/syntax.ini"
check_bad syntax 13 "syntax"

# Every problem of a file is reported, each on its own line.
cat >"$CFGDIR/many.ini" <<EOF
; line 1
[server]
listen = nope
public_url = $TEST_PUBLIC_URL
prompts_dir = $top_srcdir/prompts
request_timeout = 0
[clinic]
phone = $CLINIC_PHONE
on_call = $ON_CALL
emergency_number = 99999999
colour = blue
[provider]
auth_token = $TEST_TOKEN
verify_signatures = maybe
[bogus]
foo = 1
EOF
f=$CFGDIR/many.ini
run "$CLOTLINE" check-config -c "$f"
expect_eq "$RUN_RC" 1 'check-config many: exit 1'
expect_match "$RUN_ERR" "^$f:3: .*listen" 'many: line 3 listen = nope'
expect_match "$RUN_ERR" "^$f:6: .*request_timeout" 'many: line 6 request_timeout = 0'
expect_match "$RUN_ERR" "^$f:10: .*emergency_number" 'many: line 10 emergency_number'
expect_match "$RUN_ERR" "^$f:11: .*colour" 'many: line 11 unknown key'
expect_match "$RUN_ERR" "^$f:14: .*verify_signatures" 'many: line 14 verify_signatures = maybe'
expect_match "$RUN_ERR" "^$f:(15|16): .*bogus" 'many: line 15/16 unknown section'
expect_eq "$(printf '%s\n' "$RUN_ERR" | grep -v ': warning: ' | grep -c .)" 6 'many: six diagnostics, one line each'

run "$CLOTLINE" check-config -c "$CFGDIR/does-not-exist.ini"
expect_eq "$RUN_RC" 1 'check-config on a missing file: exit 1'
expect_contains "$RUN_ERR" "$CFGDIR/does-not-exist.ini" 'missing file: the path is in the message'

minimal_config | sed "s|^prompts_dir = .*|prompts_dir = $TMPD/no-prompts|" >"$CFGDIR/no-prompts.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/no-prompts.ini"
expect_eq "$RUN_RC" 1 'check-config: a missing prompts_dir is an error'
expect_contains "$RUN_ERR" "$TMPD/no-prompts" '... naming the directory'

# One run reports every problem of every stage: a bad key, a broken prompt,
# a broken rule, a broken plan and an unreadable token file, each as
# FILE:LINE: message (issue 21: it used to stop at the first stage).
ALL=$TMPD/all
mkdir -p "$ALL/plans"
cp -R "$top_srcdir/prompts" "$ALL/prompts"
chmod -R u+w "$ALL/prompts"
printf 'Call {nope}\n' >"$ALL/prompts/en/help.txt"
printf 'garbage statement\n' >>"$ALL/prompts/rules/en.rules"
rules_line=$(wc -l <"$ALL/prompts/rules/en.rules")
{ cat "$top_srcdir/config/plans/dvt-walking.ini"; echo '[unclosed'; } \
    >"$ALL/plans/dvt-walking.ini"
plan_line=$(wc -l <"$ALL/plans/dvt-walking.ini")
minimal_config | sed -e "s|^prompts_dir = .*|prompts_dir = prompts|" \
    -e '2a\
colour = blue' >"$ALL/all.ini"
printf '[admin]\ntoken_file = %s/no-tokens\n' "$ALL" >>"$ALL/all.ini"
run "$CLOTLINE" check-config -c "$ALL/all.ini"
expect_eq "$RUN_RC" 1 'check-config, a problem in every stage: exit 1'
expect_match "$RUN_ERR" "^$ALL/all.ini:3: .*colour" 'every stage: the bad key, file:line'
expect_match "$RUN_ERR" "^$ALL/prompts/en/help.txt:1: .*nope" 'every stage: the broken prompt, file:line'
expect_match "$RUN_ERR" "^$ALL/prompts/rules/en.rules:$rules_line: .*garbage" 'every stage: the broken rule, file:line'
expect_match "$RUN_ERR" "^$ALL/plans/dvt-walking.ini:$plan_line: " 'every stage: the broken plan, file:line'
expect_match "$RUN_ERR" "^$ALL/no-tokens: .*token" 'every stage: the token file'
expect_eq "$RUN_OUT" '' 'every stage: nothing on stdout'

# [provider] auth_token_file: the token from a file (the installed layout).
minimal_config | sed '/^auth_token/d' >"$CFGDIR/token-file.ini"
printf 'auth_token_file = token\n[reminders]\nplans_dir = %s/config/plans\n' "$top_srcdir" >>"$CFGDIR/token-file.ini"
(umask 077 && printf '%s\n' "$TEST_TOKEN" >"$CFGDIR/token")
run "$CLOTLINE" check-config -c "$CFGDIR/token-file.ini"
expect_eq "$RUN_RC" 0 'check-config: auth_token_file stands in for auth_token'
expect_eq "$RUN_ERR" '' 'auth_token_file: nothing on stderr for a 0600 file'
chmod 0644 "$CFGDIR/token"
run "$CLOTLINE" check-config -c "$CFGDIR/token-file.ini"
expect_eq "$RUN_RC" 0 'auth_token_file readable by others: still valid'
expect_contains "$RUN_ERR" 'chmod 600' '... with a warning'
expect_not_contains "$RUN_ERR" "$TEST_TOKEN" 'auth_token_file: the token is never echoed'
: >"$CFGDIR/token"
run "$CLOTLINE" check-config -c "$CFGDIR/token-file.ini"
expect_eq "$RUN_RC" 1 'auth_token_file: an empty file is an error'
minimal_config >"$CFGDIR/token-both.ini"
printf 'auth_token_file = token\n' >>"$CFGDIR/token-both.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/token-both.ini"
expect_eq "$RUN_RC" 1 'auth_token and auth_token_file together: exit 1'
expect_contains "$RUN_ERR" 'keep one' '... saying to keep one'

# ------------------------------------------------ serve with a bad config

for name in unknown-key bad-listen no-on-call; do
	rm -f "$CFGDIR/port"
	run "$CLOTLINE" serve -c "$CFGDIR/$name.ini"
	expect_eq "$RUN_RC" 1 "serve -c $name.ini: exit 1"
	expect_contains "$RUN_ERR" "$CFGDIR/$name.ini" "serve -c $name.ini: the file is named on stderr"
	[ ! -e "$CFGDIR/port" ] || fail "serve -c $name.ini wrote a port file"
	ok "serve -c $name.ini never listened (no port file)"
done
[ ! -e "$CFGDIR/clotline.db" ] || fail 'serve created a database despite a bad configuration'
ok 'serve with a bad configuration creates no database'
run "$CLOTLINE" serve -c "$CFGDIR/unknown-key.ini"
expect_match "$RUN_ERR" "^.*$CFGDIR/unknown-key.ini:13: .*colour" 'serve reports the bad line as FILE:LINE'

# A valid file whose database cannot be opened: runtime failure, exit 1.
minimal_config | sed "s|^database = .*|database = $TMPD/no/such/dir/x.db|" >"$CFGDIR/bad-db.ini"
rm -f "$CFGDIR/port"
run "$CLOTLINE" serve -c "$CFGDIR/bad-db.ini"
expect_eq "$RUN_RC" 1 'serve with an unopenable database: exit 1'
[ ! -e "$CFGDIR/port" ] || fail 'serve wrote a port file without a database'
ok 'serve with an unopenable database never listened'

# ---------------------------------------- secrets and health data on disk

# A configuration holding auth_token that others can read is warned about
# (exit 0: it is valid); not when the token comes from the environment.
minimal_config >"$CFGDIR/readable.ini"
chmod 644 "$CFGDIR/readable.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/readable.ini"
expect_eq "$RUN_RC" 0 'check-config: a world-readable file holding auth_token is still valid'
expect_match "$RUN_ERR" "^$CFGDIR/readable.ini:12: warning: .*auth_token.*everyone can read.*chmod 600" \
	'... but warned about, at the auth_token line'
chmod 640 "$CFGDIR/readable.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/readable.ini"
expect_contains "$RUN_ERR" 'its group can read (mode 640)' 'a group-readable one too'
expect_not_contains "$RUN_ERR" "$TEST_TOKEN" '... never echoing the token'
chmod 600 "$CFGDIR/readable.ini"
run "$CLOTLINE" check-config -c "$CFGDIR/readable.ini"
expect_not_contains "$RUN_ERR" 'auth_token' 'mode 600: no warning'
chmod 644 "$CFGDIR/env-token.ini"
run env CLOTLINE_AUTH_TOKEN=from-env "$CLOTLINE" check-config -c "$CFGDIR/env-token.ini"
expect_not_contains "$RUN_ERR" 'auth_token' 'a world-readable file without auth_token: no warning'

# The database, its -wal and -shm, and outbound.log (message text) are
# created 0600 whatever the umask, by the daemon and by the staff command,
# and ones left readable by an older version are made private.  (With
# umask 022 they were 0644.)
# (On PostgreSQL only outbound.log: the database is not a file here.)
mode() { stat -c %a "$1"; }
db=(clotline.db clotline.db-wal clotline.db-shm)
sqlite_only "the modes of the database's files" || db=()
umask 022
write_config "$TEST_CONF"
start_daemon
post_sms SMperm1 +447700900411 'chest pain and breathless'
expect_eq "$HTTP_STATUS" 200 'an emergency SMS (umask 022)'
wait_for 10 test -s "$TMPD/outbound.log" || fail 'no on-call alert in outbound.log'
for f in "${db[@]}" outbound.log; do
	expect_eq "$(mode "$TMPD/$f")" 600 "umask 022: $f is 600"
done
stop_daemon
for f in "${db[@]:0:1}" outbound.log; do
	chmod 644 "$TMPD/$f"
done
start_daemon
for f in "${db[@]:0:1}" outbound.log; do
	expect_eq "$(mode "$TMPD/$f")" 600 "left 644 by an older version: $f made 600"
done
post_sms SMperm2 +447700900411 'chest pain and breathless again'
if [ "${#db[@]}" -gt 0 ]; then
	expect_eq "$(mode "$TMPD/clotline.db-wal")" 600 '... and the -wal made after it is 600'
fi
stop_daemon
store_reset
run "$CLOTLINE" patient add +447700900412 --plan dvt-walking -c "$TEST_CONF"
expect_eq "$RUN_RC" 0 'clotline patient add on a new database (umask 022)'
if [ "${#db[@]}" -gt 0 ]; then
	expect_eq "$(mode "$TMPD/clotline.db")" 600 '... makes it 600'
fi
umask 077

finish
