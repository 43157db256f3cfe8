#!/bin/bash
# SPDX-License-Identifier: ISC
# Builds the libFuzzer targets (`make fuzz`: clang, ASan + UBSan) and runs
# each for a bounded time.  Exits non-zero if any target crashes, leaks,
# times out, runs out of memory or breaks its oracle; the input that did
# is left in build-fuzz/artifacts/ and the log's tail is printed.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS is per target (default 30); TARGETs default to all that are
# finished.  Needs clang with libFuzzer (Debian: clang libclang-rt-14-dev)
# and a configured tree (./configure, for config.h and the dependencies'
# flags): the source tree, or FUZZ_BUILDDIR.  What a run finds that is new
# goes to build-fuzz/corpus/<target>/ and is kept for the next run; the
# seeds (fuzz/corpus/) and regression inputs (fuzz/regress/) are read only.
# FUZZ_ARGS adds libFuzzer options (such as -jobs=2 or -max_len=65536).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${FUZZ_BUILDDIR:-$top}
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_form fuzz_signature fuzz_twiml
    fuzz_utf8 fuzz_conf fuzz_prompts fuzz_rules fuzz_triage fuzz_json
    fuzz_ivr fuzz_voice fuzz_reqtarget fuzz_framing)

case $secs in
''|*[!0-9]*) echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
if [ ! -f "$builddir/Makefile" ]; then
	echo "fuzz/run.sh: $builddir is not configured (run ./configure)" >&2
	exit 2
fi

out=$builddir/build-fuzz
make -C "$builddir" -j"${FUZZ_JOBS:-2}" -s fuzz
mkdir -p "$out/artifacts" "$out/logs"

# A 64 MB quarantine, not ASan's 256: the triage, rules and JSON targets
# load every shipped rule at start-up, and with the default the freed
# memory of that load kept about 2.1 GB resident (past -rss_limit_mb),
# 1.1 GB with this (fuzz_triage and fuzz_json, measured 2026-12-06).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:quarantine_size_mb=64}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
	for s in llvm-symbolizer llvm-symbolizer-14; do
		if command -v "$s" >/dev/null 2>&1; then
			export ASAN_SYMBOLIZER_PATH=$(command -v "$s")
			break
		fi
	done
fi

failed=0
printf '%-16s %8s %10s %8s %6s %8s  %s\n' target seconds runs exec/s cov corpus result
for t in "${targets[@]}"; do
	bin=$out/$t
	if [ ! -x "$bin" ]; then
		echo "fuzz/run.sh: no target $t" >&2
		exit 2
	fi
	mkdir -p "$out/corpus/$t"
	dirs=("$out/corpus/$t" "$top/fuzz/corpus/$t")
	[ -d "$top/fuzz/regress/$t" ] && dirs+=("$top/fuzz/regress/$t")
	dict=()
	[ -f "$top/fuzz/dict/$t.dict" ] && dict=(-dict="$top/fuzz/dict/$t.dict")
	log=$out/logs/$t.log
	status=0
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
	    -max_len=4096 -print_final_stats=1 \
	    -artifact_prefix="$out/artifacts/$t-" "${dict[@]}" \
	    ${FUZZ_ARGS:-} "${dirs[@]}" >"$log" 2>&1 || status=$?
	# A crash ends the log before the statistics: none is fine here.
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$({ grep -o 'cov: [0-9]*' "$log" || true; } | tail -1 | cut -d' ' -f2)
	corpus=$(find "$out/corpus/$t" -type f | wc -l)
	if [ "$status" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $status)"
		failed=$((failed + 1))
	fi
	printf '%-16s %8s %10s %8s %6s %8s  %s\n' "$t" "$secs" "${runs:--}" \
	    "${rate:--}" "${cov:--}" "$corpus" "$result"
	if [ "$status" -ne 0 ]; then
		echo "--- last lines of $log"
		tail -n 60 "$log"
		echo "--- end of $log"
	fi
done
if [ "$failed" -ne 0 ]; then
	echo "fuzz/run.sh: $failed target(s) failed; inputs in $out/artifacts/" >&2
	exit 1
fi
