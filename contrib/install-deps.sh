#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian 12 packages clotline needs to build, test and run.
# libpq-dev builds the PostgreSQL storage backend; postgresql gives the tests
# initdb and pg_ctl for their throw-away clusters (tests/pg/cluster.sh).  Its
# package starts a system cluster of its own, which the tests never use.
# Idempotent; run as root (or through sudo). Nothing is downloaded from anywhere
# but the Debian archive configured on the machine.
set -eu

packages="
  build-essential autoconf automake libtool pkg-config
  libevent-dev libcurl4-openssl-dev libpcre2-dev libsqlite3-dev
  libjansson-dev libinih-dev libssl-dev libcmocka-dev libpq-dev
  sqlite3 curl openssl ca-certificates tzdata libxml2-utils python3
  postgresql
"

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo "$0" "$@"
	fi
	echo "install-deps.sh: must run as root (or with sudo available)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps.sh: Debian packages installed"
