#!/bin/bash
# SPDX-License-Identifier: ISC
# The storage unit tests (tests/unit/test-storage) again, on the PostgreSQL
# backend in a throw-away cluster (cluster.sh): every test of the
# interface on an emptied database, and those about several instances on
# one database.  Skipped (77) without PostgreSQL's programs, or in a build
# without libpq (the program says so itself).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=cluster.sh
. "$top_srcdir/tests/pg/cluster.sh"
prog="$top_builddir/tests/unit/test-storage"
if [ ! -x "$prog" ]; then
	echo "SKIP: $prog is not built (cmocka missing?)"
	exit 77
fi
pg_cluster_start
rc=0
CLOTLINE_TEST_PG=$PG_URL "$prog" || rc=$?
exit "$rc"
