#!/bin/bash
# SPDX-License-Identifier: ISC
# `clotline triage`: the offline contract of spec/triage.md and the quality
# gate.  Needs nothing outside the repository: the development corpus is
# copied into tests/data/triage-dev.tsv (when ../shared is beside the clone,
# its copy is checked to be the same).
#
# Gates, per corpus (docs/triage-quality.md):
#  - the development corpus and the first-wave corpora (tests/data/*.tsv):
#    100% emergency recall, no under-triage, at least 95% accuracy;
#  - the second-wave corpora (tests/data/corpus/LANG-{tune,heldback}.tsv):
#    floors at the figures measured when they were last changed, so that no
#    change to the rules makes them worse; the issue's target (100% recall,
#    no under-triage, 95%) is not yet met there and the docs say so;
#  - surface variation (tests/tools/triage-perturb.py, when python3 is
#    installed): curly apostrophes, capitals, stretched letters, accents,
#    dotted abbreviations, spacing, emoji and typos may not lower the level
#    of more messages than the floor.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATA=$top_srcdir/tests/data
DEV=$DATA/triage-dev.tsv
SHARED=${CLOTLINE_SHARED:-$top_srcdir/../shared}
RULES=$top_srcdir/prompts/rules
TAB=$'\t'

[ -r "$DEV" ] || fail "the development corpus $DEV is missing"
if [ -r "$SHARED/corpus/triage-dev.tsv" ]; then
	cmp -s "$DEV" "$SHARED/corpus/triage-dev.tsv" ||
		fail "tests/data/triage-dev.tsv differs from $SHARED/corpus/triage-dev.tsv: copy it again"
	ok 'tests/data/triage-dev.tsv is the shared development corpus'
fi

# --- the quality gate --------------------------------------------------------
gate() {	# FILE NAME
	run "$CLOTLINE" triage -r "$RULES" --eval "$1" \
		--min-accuracy 95 --min-emergency-recall 100 -v
	[ "$RUN_RC" = 0 ] || fail "$2: below the gate (rc $RUN_RC): $RUN_OUT $RUN_ERR"
	ok "$2: emergency recall 100% and accuracy at least 95%"
	expect_match "$RUN_OUT" '^emergency recall: [0-9]+/[0-9]+ = 100\.0%$' "$2: recall line"
	expect_match "$RUN_OUT" '^under-triage: 0$' "$2: no under-triage"
	echo "$RUN_OUT" | sed -n '/^confusion/,$p'
}
for f in "$DATA"/*.tsv; do
	gate "$f" "$(basename "$f")"
done

. "$(dirname "${BASH_SOURCE[0]}")/triage-floors.inc"
floor "$C/en-heldback10.tsv" 95.7 97.8 2
floor "$C/es-heldback10.tsv" 99.9 99.3 1
floor "$C/de-heldback10.tsv" 99.9 97.2 1
floor "$C/en-heldback11.tsv" 99.9 99.2 0
floor "$C/es-heldback11.tsv" 97.0 96.6 3
floor "$C/de-heldback11.tsv" 99.9 94.5 1
floor "$C/en-heldback12.tsv" 99.9 99.2 0
floor "$C/es-heldback12.tsv" 99.9 99.9 0
floor "$C/de-heldback12.tsv" 99.9 97.6 1
floor "$C/en-heldback13.tsv" 99.9 97.8 0
floor "$C/es-heldback13.tsv" 99.9 99.9 0
floor "$C/de-heldback13.tsv" 99.9 98.5 0
floor "$C/en-heldback14.tsv" 97.5 98.5 1
floor "$C/es-heldback14.tsv" 99.9 94.3 4
floor "$C/de-heldback14.tsv" 99.9 97.1 0
floor "$C/en-heldback15.tsv" 99.9 95.1 0
floor "$C/es-heldback15.tsv" 99.9 93.7 0
floor "$C/de-heldback15.tsv" 99.9 97.8 0
floor "$C/en-heldback16.tsv" 99.9 97.6 1
floor "$C/es-heldback16.tsv" 97.1 99.1 1
floor "$C/de-heldback16.tsv" 97.1 96.8 2
floor "$C/en-heldback17.tsv" 99.9 98.0 0
floor "$C/es-heldback17.tsv" 97.6 97.2 1
floor "$C/de-heldback17.tsv" 99.9 97.8 1
floor "$C/en-heldback18.tsv" 99.9 99.2 0
floor "$C/es-heldback18.tsv" 97.6 98.5 1
floor "$C/de-heldback18.tsv" 99.9 97.8 1
floor "$C/en-heldback19.tsv" 97.4 97.8 1
floor "$C/es-heldback19.tsv" 99.9 99.2 1
floor "$C/de-heldback19.tsv" 99.9 97.8 1
floor "$C/en-heldback20.tsv" 99.9 96.5 1
floor "$C/es-heldback20.tsv" 99.9 97.8 0
floor "$C/de-heldback20.tsv" 99.9 98.5 0
floor "$C/en-heldback21.tsv" 99.9 99.2 0
floor "$C/es-heldback21.tsv" 99.9 97.2 0
floor "$C/de-heldback21.tsv" 99.9 98.5 1
floor "$C/en-heldback22.tsv" 99.9 98.0 1
floor "$C/es-heldback22.tsv" 99.9 96.6 1
floor "$C/de-heldback22.tsv" 99.9 98.6 1
floor "$C/de-heldback22b.tsv" 93.1 95.4 4
floor "$C/en-heldback23.tsv" 99.9 92.8 1
floor "$C/es-heldback23.tsv" 99.9 97.4 0
floor "$C/de-heldback23.tsv" 99.9 97.3 2
floor "$C/de-heldback23b.tsv" 99.9 94.7 2
floor "$C/en-heldback24.tsv" 99.9 94.6 0
floor "$C/es-heldback24.tsv" 99.9 95.4 4
floor "$C/de-heldback24.tsv" 99.9 96.1 0
floor "$C/de-heldback24b.tsv" 99.9 98.6 1
floor "$C/en-heldback25.tsv" 99.9 94.6 0
floor "$C/es-heldback25.tsv" 95.2 93.3 2
floor "$C/de-heldback25.tsv" 99.9 94.1 1
floor "$C/en-heldback26.tsv" 99.9 99.2 0
floor "$C/es-heldback26.tsv" 99.9 95.4 0
floor "$C/de-heldback26.tsv" 99.9 96.0 3
floor "$C/en-heldback27.tsv" 99.9 96.6 0
floor "$C/es-heldback27.tsv" 99.9 97.3 0
floor "$C/de-heldback27.tsv" 99.9 95.3 0
floor "$C/en-heldback28.tsv" 95.1 96.6 2
floor "$C/es-heldback28.tsv" 97.6 94.0 4
floor "$C/de-heldback28.tsv" 95.2 94.7 4
floor "$C/en-heldback29.tsv" 97.5 96.7 2
floor "$C/es-heldback29.tsv" 99.9 88.6 7
floor "$C/de-heldback29.tsv" 99.9 92.6 0

# --- surface variation ---------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
	for f in "$DEV" "$DATA"/triage-phenomena.tsv; do
		python3 "$top_srcdir/tests/tools/triage-perturb.py" --seed 7 "$f" >"$TMPD/perturbed.tsv"
		run "$CLOTLINE" triage -r "$RULES" --eval "$TMPD/perturbed.tsv" \
			--min-emergency-recall 97 -v
		under=$(printf '%s\n' "$RUN_OUT" | sed -n 's/^under-triage: //p')
		total=$(printf '%s\n' "$RUN_OUT" | sed -n 's/^messages: //p')
		[ "$RUN_RC" = 0 ] && [ "$under" -le $((total / 100)) ] ||
			fail "$(basename "$f") perturbed: $under of $total under-triaged (at most 1%): $(printf '%s\n' "$RUN_OUT" | grep '^UNDER' | head -20)"
		ok "$(basename "$f") perturbed ($total messages): $under under-triaged, at most 1%"
	done
else
	echo "SKIP: surface variation: python3 is not installed"
fi

# --- the evaluator's arithmetic, on a file whose answers are known -----------
cat >"$TMPD/eval.tsv" <<EOF
conv${TAB}message${TAB}expected
a${TAB}breathless and chest pain${TAB}emergency
b${TAB}thanks${TAB}emergency
c${TAB}how far should I walk?${TAB}advice
d${TAB}my calf is swollen${TAB}routine
EOF
run "$CLOTLINE" triage -r "$RULES" --eval "$TMPD/eval.tsv" --min-accuracy 50
expect_eq "$RUN_RC" 0 'eval: 50% accuracy meets --min-accuracy 50'
expect_match "$RUN_OUT" '^emergency recall: 1/2 = 50\.0%$' 'eval: recall counts the missed emergency'
expect_match "$RUN_OUT" '^under-triage: 1$' 'eval: one message under-triaged'
expect_match "$RUN_OUT" '^accuracy: 2/4 = 50\.0%$' 'eval: exact accuracy'
expect_match "$RUN_OUT" '^emergency +1 +0 +0 +1$' 'eval: emergency row of the matrix'
expect_match "$RUN_OUT" '^language en: messages 4, emergency recall 1/2 = 50\.0%, under-triage 1, accuracy 2/4 = 50\.0%$' 'eval: the figures by language'
expect_match "$RUN_OUT" '^routine +0 +1 +0 +0$' 'eval: over-triage shows in the routine row'
run "$CLOTLINE" triage -r "$RULES" --eval "$TMPD/eval.tsv" --min-emergency-recall 100
expect_eq "$RUN_RC" 1 'eval: missed emergency fails --min-emergency-recall 100'
expect_contains "$RUN_ERR" 'FAIL: emergency recall 50.0% is below 100.0%' 'eval: says why'
run "$CLOTLINE" triage -r "$RULES" --eval "$TMPD/eval.tsv" --min-accuracy 51
expect_eq "$RUN_RC" 1 'eval: 50% fails --min-accuracy 51'
run "$CLOTLINE" triage -r "$RULES" --eval "$TMPD/eval.tsv" -v
expect_match "$RUN_OUT" "^UNDER .*eval.tsv:3${TAB}thanks${TAB}expected emergency, got routine" 'eval -v: lists the under-triaged line'

# --- the offline contract ------------------------------------------------------
printf 'conv\tmessage\n' >"$TMPD/in.tsv"
printf 'x\tbit breathless today\textra\tcolumns\n' >>"$TMPD/in.tsv"
printf 'y\tthanks\n' >>"$TMPD/in.tsv"
printf 'x\tand now my chest hurts\r\n' >>"$TMPD/in.tsv"
printf 'y\thow far should I walk?\n' >>"$TMPD/in.tsv"
run "$CLOTLINE" triage -r "$RULES" <"$TMPD/in.tsv"
expect_eq "$RUN_RC" 0 'triage: exit 0'
expect_eq "$(printf '%s\n' "$RUN_OUT" | cut -f1,2)" "x${TAB}urgent
y${TAB}routine
x${TAB}emergency
y${TAB}advice" 'triage: header skipped, one line per message, interleaved conversations kept apart, CRLF accepted'
expect_match "$RUN_OUT" "^x${TAB}emergency${TAB}[a-z_,]*breathless_chest_pain" 'triage: third column names the rules that fired'
expect_eq "$(printf '%s\n' "$RUN_OUT" | awk -F'\t' 'NF < 2 || NF > 3' | wc -l)" 0 'triage: two or three columns'

# The same lines without a header; a first field "conv" only counts on line 1.
run "$CLOTLINE" triage -r "$RULES" < <(printf 'a\tsob\nconv\tcoughed up blood\n')
expect_eq "$(printf '%s\n' "$RUN_OUT" | cut -f1,2)" "a${TAB}urgent
conv${TAB}emergency" 'triage: no header needed; conv later on is a conversation'

# The shipped rules are found without -r from the build tree.
run "$CLOTLINE" triage < <(printf 'z\tcant breath\n')
expect_eq "$(printf '%s' "$RUN_OUT" | cut -f1,2)" "z${TAB}emergency" 'triage: default rules from the source tree'

# -c takes the rules from a configuration's prompts_dir.
write_config "$TEST_CONF"
run "$CLOTLINE" triage -c "$TEST_CONF" < <(printf 'z\tchest pain\n')
expect_eq "$(printf '%s' "$RUN_OUT" | cut -f1,2)" "z${TAB}urgent" 'triage -c CONFIG'

# Bad input: a clear error per line, the rest still triaged, exit 1.
run "$CLOTLINE" triage -r "$RULES" < <(printf 'no tab here\nq\tcoughed up blood\n\tempty conv\nr\t\xff\xfe chest pain and sob\n')
expect_eq "$RUN_RC" 1 'bad lines: exit 1'
expect_contains "$RUN_ERR" 'stdin:1: expected conv<TAB>message' 'bad lines: file:line on stderr'
expect_contains "$RUN_ERR" 'stdin:3: expected conv<TAB>message' 'bad lines: empty conv refused'
expect_eq "$(printf '%s\n' "$RUN_OUT" | cut -f1,2)" "q${TAB}emergency
r${TAB}emergency" 'bad lines: good lines still triaged, invalid UTF-8 included'

# Usage errors exit 2; --help exits 0 and documents the contract.
run "$CLOTLINE" triage --help
expect_eq "$RUN_RC" 0 'triage --help: exit 0'
expect_contains "$RUN_OUT" 'conv<TAB>message' 'triage --help: input format'
expect_contains "$RUN_OUT" '--eval FILE' 'triage --help: evaluator'
run "$CLOTLINE" triage --bogus
expect_eq "$RUN_RC" 2 'unknown option: exit 2'
run "$CLOTLINE" triage -r "$RULES" --min-accuracy 95
expect_eq "$RUN_RC" 2 'threshold without --eval: exit 2'
run "$CLOTLINE" triage -r "$RULES" --eval "$DEV" --min-accuracy 101
expect_eq "$RUN_RC" 2 'threshold over 100: exit 2'
run "$CLOTLINE" triage -r "$RULES" -c "$TEST_CONF"
expect_eq "$RUN_RC" 2 '-r with -c: exit 2'
run "$CLOTLINE" triage -r "$RULES" --eval "$TMPD/missing.tsv"
expect_eq "$RUN_RC" 1 'missing eval file: exit 1'
expect_contains "$RUN_ERR" 'missing.tsv' 'missing eval file: named'
mkdir "$TMPD/badrules"
printf 'concept a (unclosed\nrule r urgent a\n' >"$TMPD/badrules/x.rules"
run "$CLOTLINE" triage -r "$TMPD/badrules" < <(printf 'a\tb\n')
expect_eq "$RUN_RC" 1 'bad rules: exit 1'
expect_contains "$RUN_ERR" 'x.rules:1: concept' 'bad rules: file:line'

finish
