#!/bin/bash
# SPDX-License-Identifier: ISC
# make install as packaging uses it (issue 21), into a staging DESTDIR: the
# binary, every prompt and rule file, the plans, the commented
# configuration (never over an existing one), the unit with the configured
# bindir, the sysusers.d and tmpfiles.d entries, the man pages with every
# key and command, the docs; the Prometheus alert rules checked with
# promtool where it is installed, and every metric they use served by a
# running gateway.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MAKE="env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make}"
if ! [ -f "$top_builddir/Makefile" ]; then
	echo "install: no Makefile in $top_builddir; skipped" >&2
	exit 77
fi
value() {	# NAME: a make variable of the build tree
	$MAKE -s -C "$top_builddir" --no-print-directory -f Makefile -f - print-var VAR="$1" <<'MK'
print-var:
	@echo '$($(VAR))'
MK
}
prefix=$(value prefix)
bindir=$(eval "prefix=$prefix; exec_prefix=$(value exec_prefix); echo \"$(value bindir)\"")
sysconfdir=$(eval "prefix=$prefix; echo \"$(value sysconfdir)\"")
pkgdatadir=$(eval "prefix=$prefix; datarootdir=$(value datarootdir); datadir=$(value datadir); echo \"$(value pkgdatadir)\"")
unitdir=$(eval "prefix=$prefix; echo \"$(value systemdsystemunitdir)\"")
sysusersdir=$(eval "prefix=$prefix; echo \"$(value sysusersdir)\"")
tmpfilesdir=$(eval "prefix=$prefix; echo \"$(value tmpfilesdir)\"")
mandir=$(eval "prefix=$prefix; datarootdir=$(value datarootdir); echo \"$(value mandir)\"")
docdir=$(eval "prefix=$prefix; datarootdir=$(value datarootdir); PACKAGE_TARNAME=clotline; echo \"$(value docdir)\"")

D=$TMPD/root
$MAKE -s -C "$top_builddir" install DESTDIR="$D" >"$TMPD/install.log" 2>&1 ||
	{ cat "$TMPD/install.log" >&2; fail 'make install DESTDIR=... failed'; }
ok "make install DESTDIR: prefix $prefix"

expect_eq "$(test -x "$D$bindir/clotline" && echo yes)" yes "the binary: $bindir/clotline"
missing=
while read -r f; do
	[ -f "$D$pkgdatadir/$f" ] || missing="$missing $f"
done < <(cd "$top_srcdir" && find prompts -type f | sort)
expect_eq "$missing" '' 'every file under prompts/ (known.rules, review.txt...) is installed'
expect_eq "$(test -f "$D$sysconfdir/clotline/plans/dvt-walking.ini" && echo yes)" yes 'the plans beside the configuration'
conf=$D$sysconfdir/clotline/clotline.ini
expect_eq "$(test -f "$conf" && echo yes)" yes 'the commented configuration in sysconfdir'
expect_contains "$(cat "$conf")" "prompts_dir = $pkgdatadir/prompts" 'the installed configuration names the installed prompts'
expect_contains "$(cat "$conf")" "plans_dir = $sysconfdir/clotline/plans" '... and the installed plans'
expect_eq "$(grep -c '@[a-zA-Z_]*@' "$conf" || true)" 0 'no placeholder is left in the configuration'
expect_eq "$(test -e "$D$sysconfdir/clotline/provider.token" && echo yes || echo no)" no \
	'no token under DESTDIR (a package makes it at install time)'
unit=$D$unitdir/clotline.service
expect_contains "$(cat "$unit")" "ExecStart=$bindir/clotline serve -c $sysconfdir/clotline/clotline.ini" 'the unit runs the configured bindir on the installed configuration'
expect_contains "$(cat "$unit")" 'Type=notify' 'the unit is Type=notify'
expect_contains "$(cat "$unit")" 'User=clotline' 'the unit runs as the clotline user'
expect_eq "$(cat "$unit" "$D$unitdir/clotline-backup.service" | grep -c '@[a-zA-Z_]*@' || true)" 0 'no placeholder in the units'
expect_contains "$(cat "$D$sysusersdir/clotline.conf")" 'u clotline' 'sysusers.d/clotline.conf makes the user'
expect_contains "$(cat "$D$tmpfilesdir/clotline.conf")" 'd ' 'tmpfiles.d/clotline.conf makes the state directory'
expect_eq "$(test -f "$D$docdir/README.md" && test -f "$D$docdir/docs/operations.md" && echo yes)" yes 'README and docs/ in docdir'
man8=$D$mandir/man8/clotline.8
man5=$D$mandir/man5/clotline.ini.5
expect_eq "$(test -f "$man8" && test -f "$man5" && echo yes)" yes 'clotline(8) and clotline.ini(5)'
missing=
for k in $(sed -n 's/^;\{0,1\}\([a-z_]*\) = .*/\1/p' "$conf" "$top_srcdir/config/clotline.ini" | sort -u); do
	grep -qx ".B $k" "$man5" || missing="$missing $k"
done
expect_eq "$missing" '' 'clotline.ini(5) describes every key of both sample configurations'
for c in serve 'check\-config' backup triage patient '"patient add"'; do
	grep -qxF ".SS $c" "$man8" || missing="$missing $c"
done
expect_eq "$missing" '' 'clotline(8) has every command'
# Both pages render without a troff warning at any usual terminal width,
# however long the configured prefix: paths break at their slashes and lines
# are not justified (distcheck's long prefix once left a line troff could
# not fit).
if command -v man >/dev/null 2>&1; then
	for page in "$man8" "$man5"; do
		for width in 50 80 132; do
			warn=$(MANWIDTH=$width man -l "$page" 2>&1 >/dev/null || true)
			expect_eq "$warn" '' "${page##*/} renders without a warning at $width columns"
		done
	done
fi

# An edited configuration survives a second make install.
echo '; edited by the administrator' >>"$conf"
$MAKE -s -C "$top_builddir" install DESTDIR="$D" >"$TMPD/install2.log" 2>&1 ||
	fail 'a second make install failed'
expect_contains "$(cat "$conf")" 'edited by the administrator' 'make install never overwrites an existing clotline.ini'

# --------------------------------------------------- the alert rules
rules=$top_srcdir/contrib/clotline-alerts.yml
if command -v promtool >/dev/null 2>&1; then
	run promtool check rules "$rules"
	expect_eq "$RUN_RC" 0 "promtool check rules contrib/clotline-alerts.yml: $(echo "$RUN_OUT" | tail -n 1)"
else
	ok 'promtool check rules: skipped (apt-get install prometheus for promtool)'
fi
write_config "$TEST_CONF"
start_daemon
post_sms SM1 +447700900111 'walked 20 minutes today'
private +447700900111 'walked 20 minutes today'
http_get /metrics
missing=
for m in $(grep -o 'clotline_[a-z_]*\|process_start_time_seconds' "$rules" | sort -u); do
	grep -q "^$m[{ ]" <<<"$HTTP_BODY" || grep -q "^${m}_bucket{" <<<"$HTTP_BODY" ||
		missing="$missing $m"
done
expect_eq "$missing" '' 'every metric the alert rules use is served by /metrics'
expect_match "$HTTP_BODY" 'clotline_webhook_duration_seconds_count 1' 'the answered webhook is in the latency histogram'
expect_match "$HTTP_BODY" 'clotline_outbox_backlog [0-9]+' 'the outbox backlog is served'
stop_daemon

finish
