# SPDX-License-Identifier: ISC
# A private, throw-away PostgreSQL cluster for the tests, sourced by them:
# initdb and pg_ctl from Debian's postgresql package, no system service, no
# TCP, a Unix socket in a temporary directory, trust authentication for
# the one role.  initdb refuses to run as root, so as root the cluster
# belongs to an unprivileged user (nobody) and the test connects through
# the socket.  Without PostgreSQL's programs the test is skipped (exit 77).
#
#   . tests/pg/cluster.sh
#   pg_cluster_start          # sets PG_URL, PG_DIR; stops on EXIT, unless
#                             # an EXIT trap is set (then the caller calls
#                             # pg_cluster_stop, e.g. from lib.sh's _CLEANUP)
#   pg_cluster_require_build "$CLOTLINE"  # skips (77) a build without libpq
#   pg_cluster_down, pg_cluster_up  # PostgreSQL goes away, comes back

pg_cluster_bindir() {
	local d
	if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
		# Through links, to where its siblings (createdb, psql) are.
		dirname "$(readlink -f "$(command -v pg_ctl)")"
		return 0
	fi
	# Debian keeps them out of PATH, one directory per major version.
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# Runs a command as the cluster's owner.
pg_cluster_as() {
	if [ -n "${PG_OWNER:-}" ]; then
		runuser -u "$PG_OWNER" -- "$@"
	else
		"$@"
	fi
}

pg_cluster_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_cluster_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate \
		    -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_cluster_up: starts the server of the cluster made by pg_cluster_start
# (again, after pg_cluster_down).  No TCP; fsync off (a throw-away cluster:
# durability is PostgreSQL's own business, not these tests').  For the
# benchmarks (bench/compare.sh): PG_CLUSTER_FSYNC=on makes every commit
# durable, as the gateway's SQLite store is; PG_CLUSTER_OPTS adds server
# settings ("-c name=value ..."); PG_CLUSTER_WRAP runs pg_ctl, and so the
# server, under a command (e.g. "taskset -c 0").
pg_cluster_up() {
	# shellcheck disable=SC2086
	if ! pg_cluster_as ${PG_CLUSTER_WRAP:-} "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 \
	    -l "$PG_DIR/server.log" -o "-c listen_addresses='' \
	    -c unix_socket_directories='$PG_DIR' -c fsync=${PG_CLUSTER_FSYNC:-off} \
	    -c max_connections=50 ${PG_CLUSTER_OPTS:-}" start >/dev/null 2>&1; then
		cat "$PG_DIR/server.log" >&2
		echo "pg: the cluster did not start" >&2
		exit 1
	fi
}

# pg_cluster_down: stops the server (fast: clients are disconnected), as
# when PostgreSQL goes away under the gateways.
pg_cluster_down() {
	pg_cluster_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 \
	    stop >/dev/null
}

# pg_cluster_require_build CLOTLINE: skips (77) unless that binary was built
# with the PostgreSQL backend: a built-in backend is listed by
# check-config's complaint about a bad one.
pg_cluster_require_build() {
	local probe dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/clotline-probe.XXXXXX")
	printf '[storage]\nbackend = ?\n' >"$dir/probe.ini"
	probe=$("$1" check-config -c "$dir/probe.ini" 2>&1 || true)
	rm -rf "$dir"
	if [[ $probe != *"sqlite, postgresql"* ]]; then
		echo "SKIP: this clotline was built without PostgreSQL (libpq)"
		exit 77
	fi
}

pg_cluster_start() {
	if ! PG_BIN=$(pg_cluster_bindir); then
		echo "SKIP: PostgreSQL's initdb and pg_ctl are not installed" \
		    "(Debian: apt-get install postgresql)"
		exit 77
	fi
	PG_OWNER=
	if [ "$(id -u)" -eq 0 ]; then
		# Under fakeroot (a package build) runuser cannot switch.
		if ! command -v runuser >/dev/null 2>&1 ||
		    ! id nobody >/dev/null 2>&1 ||
		    ! runuser -u nobody -- true >/dev/null 2>&1; then
			echo "SKIP: running as root where runuser cannot become" \
			    "nobody, and initdb refuses root"
			exit 77
		fi
		PG_OWNER=nobody
	fi
	PG_DIR=$(mktemp -d /tmp/clotline-pg-XXXXXX)
	chmod 755 "$PG_DIR"
	[ -z "$PG_OWNER" ] || chown "$PG_OWNER" "$PG_DIR"
	[ -n "$(trap -p EXIT)" ] || trap pg_cluster_stop EXIT
	if ! pg_cluster_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U clotline \
	    --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1; then
		cat "$PG_DIR/initdb.log" >&2
		echo "pg: initdb failed" >&2
		exit 1
	fi
	pg_cluster_up
	"$PG_BIN/createdb" -h "$PG_DIR" -U clotline clotline
	PG_URL="postgresql:///clotline?host=$PG_DIR&user=clotline"
	export PG_URL PG_DIR PG_BIN
}


# Runs SQL on the cluster's database; prints rows unaligned, |-separated.
pg_sql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"
}
