#!/bin/bash
# SPDX-License-Identifier: ISC
# The integration suite again, on PostgreSQL (issue 19): one throw-away
# cluster (cluster.sh), and each integration script run with
# CLOTLINE_TEST_PG naming a fresh database of its own (lib.sh's
# "PostgreSQL" section points its configuration and sql() there).  Each
# script's result is one TAP line; the test fails if any script fails.
# A script (or part of one) that tests what only SQLite has skips that
# part itself, saying why.
#
# The scripts are those of make check (CLOTLINE_INTEGRATION_TESTS, set by
# Makefile.am), less license.sh, install.sh, triage.sh and triage-tune.sh (no store in
# them) and pgpair.sh (on PostgreSQL already); CLOTLINE_PG_SUITE='tests/integration/
# sms.sh ...' runs those instead (CI's sanitizer stage and distcheck run a
# few).  CLOTLINE_PG_JOBS (1; make check: 2) scripts run at once, each
# bounded by CLOTLINE_SCRIPT_TIMEOUT (600) seconds.  Skipped (77) without
# PostgreSQL's programs, or in a build without libpq.  By hand, from the
# build tree, with make check's environment:
#   make check TESTS=tests/pg/suite.bash CLOTLINE_PG_SUITE=tests/integration/sms.sh
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
: "${CLOTLINE:=$top_builddir/src/clotline}"
# shellcheck source=cluster.sh
. "$top_srcdir/tests/pg/cluster.sh"

pg_cluster_require_build "$CLOTLINE"

# Not run here: license.sh, install.sh, triage.sh and triage-tune.sh (the offline
# `clotline triage` over every labelled corpus) have no store; pgpair.sh
# and pgwatch.sh are on PostgreSQL already.
skip_list=' tests/integration/license.sh tests/integration/install.sh tests/integration/triage.sh tests/integration/triage-tune.sh tests/integration/pgpair.sh tests/integration/pgwatch.sh '
scripts=()
for s in ${CLOTLINE_PG_SUITE:-${CLOTLINE_INTEGRATION_TESTS:-$(cd "$top_srcdir" && echo tests/integration/*.sh)}}; do
	case $s in
	*/lib.sh) continue ;;
	esac
	[ -n "${CLOTLINE_PG_SUITE:-}" ] || [[ $skip_list != *" $s "* ]] || continue
	scripts+=("$s")
done
[ "${#scripts[@]}" -gt 0 ] || { echo "SKIP: no scripts to run"; exit 77; }

pg_cluster_start
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/clotline-pgsuite.XXXXXX")
trap 'pg_cluster_stop; rm -rf "$LOGDIR"' EXIT
# lib.sh's sql() runs psql: this cluster's.
PATH=$PG_BIN:$PATH
export PATH

# suite_run N SCRIPT: runs SCRIPT on a database of its own, db_N; its
# output goes to $LOGDIR/N.log, its exit status to $LOGDIR/N.rc.
suite_run() {
	local n=$1 s=$2 rc=0 t0
	t0=$(date +%s)
	if ! "$PG_BIN/createdb" -h "$PG_DIR" -U clotline "db_$n" >"$LOGDIR/$n.log" 2>&1; then
		echo "99 0" >"$LOGDIR/$n.rc"
		return
	fi
	CLOTLINE_TEST_PG="postgresql:///db_$n?host=$PG_DIR&user=clotline" \
	    timeout "${CLOTLINE_SCRIPT_TIMEOUT:-600}" \
	    bash "$top_srcdir/$s" >"$LOGDIR/$n.log" 2>&1 || rc=$?
	echo "$rc $(($(date +%s) - t0))" >"$LOGDIR/$n.rc"
}

echo "1..${#scripts[@]}"
suite_t0=$(date +%s)
jobs_max=${CLOTLINE_PG_JOBS:-1}
failed=0
i=0
reported=0
# suite_report: the TAP lines of the finished scripts, in order.
suite_report() {
	local n s rc secs
	while [ "$reported" -lt "$i" ] && [ -f "$LOGDIR/$reported.rc" ]; do
		n=$reported
		s=${scripts[$n]}
		read -r rc secs <"$LOGDIR/$n.rc"
		case $rc in
		0)
			echo "ok $((n + 1)) - $s on PostgreSQL (${secs} s)"
			grep '^# skipped on PostgreSQL' "$LOGDIR/$n.log" | sed 's/^/#   /' || true
			;;
		77) echo "ok $((n + 1)) - $s on PostgreSQL # SKIP $(grep -m1 -i skip "$LOGDIR/$n.log" || true)" ;;
		*)
			failed=$((failed + 1))
			echo "not ok $((n + 1)) - $s on PostgreSQL (exit $rc, ${secs} s)"
			sed -e 's/^/#   /' "$LOGDIR/$n.log" | tail -n 60
			;;
		esac
		reported=$((reported + 1))
	done
}
for s in "${scripts[@]}"; do
	while [ "$(jobs -pr | wc -l)" -ge "$jobs_max" ]; do
		wait -n || true
		suite_report
	done
	suite_run "$i" "$s" &
	i=$((i + 1))
done
wait
suite_report
echo "# ${#scripts[@]} scripts on PostgreSQL in $(($(date +%s) - suite_t0)) s, $jobs_max at a time"
[ "$reported" = "$i" ] || { echo "# $((i - reported)) scripts said nothing"; exit 1; }
[ "$failed" = 0 ] || { echo "# $failed of ${#scripts[@]} scripts failed on PostgreSQL"; exit 1; }
exit 0
