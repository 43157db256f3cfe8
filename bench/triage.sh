#!/bin/bash
# SPDX-License-Identifier: ISC
# Triage throughput: messages per second through `clotline triage` on one
# core with every shipped rule loaded, and peak memory at two input sizes
# with the same number of conversations (memory must not grow with the
# number of messages).  Each run also gives its CPU time (user and system),
# and messages per CPU second: on a shared machine, where neighbours take
# turns on the core, that is the engine's own rate, the wall clock's is
# what the machine gave it.
#
#   bench/triage.sh [MESSAGES]      default 1000000; needs a built src/clotline
#
# Input: every message of the labelled corpora (tests/data/*.tsv and
# ../shared/corpus/triage-dev.tsv when present: English, Spanish and German,
# emergencies to chit-chat), drawn in a fixed pseudo-random order and spread
# over 10,000 conversations.  Results go to standard output; docs/BENCHMARKS.md
# records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
CONVS=10000
BIN=./src/clotline
[ -x "$BIN" ] || { echo "build first: make src/clotline" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cat tests/data/*.tsv ../shared/corpus/triage-dev.tsv 2>/dev/null |
	awk -F'\t' 'NF >= 2 && $1 != "conv" { print $2 }' >"$TMP/messages"
gen() {	# COUNT -> TSV on stdout, deterministic
	awk -v n="$1" -v convs="$CONVS" -F'\t' '
		{ m[NR] = $0 }
		END {
			srand(42)
			for (i = 0; i < n; i++)
				printf "c%d\t%s\n", i % convs, m[1 + int(rand() * NR)]
		}' "$TMP/messages"
}
gen "$N" >"$TMP/big.tsv"
gen $((N / 10)) >"$TMP/small.tsv"
echo "corpus messages: $(wc -l <"$TMP/messages"), input: $N lines, $(du -h "$TMP/big.tsv" | cut -f1)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), clotline $($BIN --version | cut -d' ' -f2)"

run() {	# FILE LABEL
	local start end secs rss lines cpu
	start=$(date +%s.%N)
	/usr/bin/time -f '%M %U %S' -o "$TMP/rss" taskset -c 0 "$BIN" triage -r prompts/rules <"$1" >"$TMP/out"
	end=$(date +%s.%N)
	lines=$(wc -l <"$TMP/out")
	secs=$(echo "$end - $start" | bc -l)
	read -r rss user sys <"$TMP/rss"
	cpu=$(echo "$user + $sys" | bc -l)
	printf '%-6s %8d messages in %6.2f s = %8.0f messages/s (CPU %6.2f s: %8.0f a CPU second), peak RSS %d KiB\n' \
		"$2" "$lines" "$secs" "$(echo "$lines / $secs" | bc -l)" "$cpu" \
		"$(echo "$lines / $cpu" | bc -l)" "$rss"
}
run "$TMP/small.tsv" small
for i in 1 2 3; do run "$TMP/big.tsv" "big#$i"; done
