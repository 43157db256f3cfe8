#!/bin/bash
# SPDX-License-Identifier: ISC
# How much of the code under test each fuzz target's corpus reaches: builds
# the targets with clang's source-based coverage (`make fuzz
# FUZZ_MODE=coverage`, into build-fuzz-cov/), runs each once over its seeds,
# its regression inputs and whatever fuzz/run.sh has found so far
# (build-fuzz/corpus/), and prints llvm-cov's line, region and branch
# figures for the files the target is about.
#
#   fuzz/coverage.sh [TARGET...]
#
# Needs clang, llvm-profdata and llvm-cov (Debian: clang llvm) and a
# configured tree, as fuzz/run.sh does.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${FUZZ_BUILDDIR:-$top}
out=$builddir/build-fuzz-cov

# The files each target is about.
declare -A files=(
	[fuzz_form]="src/form.c"
	[fuzz_signature]="src/signature.c"
	[fuzz_twiml]="src/twiml.c"
	[fuzz_utf8]="src/utf8.c src/segments.c"
	[fuzz_conf]="src/conf.c src/prompts.c"
	[fuzz_prompts]="src/prompts.c"
	[fuzz_rules]="src/triage_load.c src/triage_lit.c src/triage.c"
	[fuzz_triage]="src/triage.c src/triage_lit.c"
	[fuzz_json]="src/api.c src/staff.c"
	[fuzz_ivr]="src/ivr.c"
	[fuzz_voice]="src/voice.c src/ivr.c"
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_form fuzz_signature fuzz_twiml
    fuzz_utf8 fuzz_conf fuzz_prompts fuzz_rules fuzz_triage fuzz_json
    fuzz_ivr fuzz_voice)

tool() {
	local t
	for t in "$1" "$1-14"; do
		command -v "$t" >/dev/null 2>&1 && { echo "$t"; return; }
	done
	echo "fuzz/coverage.sh: $1 not found (Debian: apt-get install llvm)" >&2
	exit 2
}
profdata=$(tool llvm-profdata)
cov=$(tool llvm-cov)

make -C "$builddir" -j"${FUZZ_JOBS:-2}" -s fuzz FUZZ_MODE=coverage
for t in "${targets[@]}"; do
	dirs=()
	for d in "$builddir/build-fuzz/corpus/$t" "$top/fuzz/corpus/$t" \
	    "$top/fuzz/regress/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	# libFuzzer may write to the first directory: an empty scratch one.
	rm -rf "$out/scratch" "$out/$t.profraw"
	mkdir -p "$out/scratch"
	LLVM_PROFILE_FILE=$out/$t.profraw "$out/$t" -runs=0 "$out/scratch" \
	    "${dirs[@]}" >"$out/$t.log" 2>&1
	"$profdata" merge -sparse "$out/$t.profraw" -o "$out/$t.profdata"
	n=$(find "${dirs[@]}" -type f | wc -l)
	echo "=== $t: $n inputs"
	paths=()
	for f in ${files[$t]}; do
		[ -f "$top/$f" ] && paths+=("$top/$f")
	done
	if [ ${#paths[@]} -eq 0 ]; then
		echo "(none of ${files[$t]} in this tree)"
		continue
	fi
	"$cov" report "$out/$t" -instr-profile="$out/$t.profdata" \
	    "${paths[@]}" | sed "s|$top/||"
done
