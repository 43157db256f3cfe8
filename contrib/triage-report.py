#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Per-phenomenon figures for labelled triage corpora: runs `clotline triage` on each file and
prints, for every value of the corpus's phenomenon column (the fourth), the messages, the
emergencies caught, the under-triaged and the exact matches.

    contrib/triage-report.py [--rules DIR] [--clotline PATH] FILE.tsv...

FILE.tsv has the columns conv, message, expected[, phenomenon[, review]] with a header line.
Used for docs/triage-quality.md; the pass/fail gates are in tests/integration/triage.sh.
"""
import argparse, collections, subprocess, sys

LEVELS = {"routine": 0, "advice": 1, "urgent": 2, "emergency": 3}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", default="prompts/rules")
    ap.add_argument("--clotline", default="src/clotline")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    tot = collections.defaultdict(lambda: [0, 0, 0, 0, 0])  # n, emerg, emerg_hit, under, exact
    for path in a.files:
        rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8")]
        rows = [r for r in rows if r and r[0] != "conv"]
        inp = "".join(f"{r[0]}\t{r[1]}\n" for r in rows)
        out = subprocess.run([a.clotline, "triage", "-r", a.rules], input=inp, text=True,
                             capture_output=True, check=True).stdout.splitlines()
        if len(out) != len(rows):
            sys.exit(f"{path}: {len(rows)} messages, {len(out)} answers")
        for r, o in zip(rows, out):
            tag = r[3] if len(r) > 3 and r[3] else "-"
            want, got = LEVELS[r[2]], LEVELS[o.split("\t")[1]]
            t = tot[tag]
            t[0] += 1
            t[1] += want == 3
            t[2] += want == 3 and got == 3
            t[3] += got < want
            t[4] += got == want
    print("| phenomenon | messages | emergencies caught | under-triaged | exact |")
    print("|---|---|---|---|---|")
    for tag in sorted(tot, key=lambda k: (-tot[k][3], k)):
        n, e, eh, u, x = tot[tag]
        print(f"| {tag} | {n} | {eh}/{e} | {u} | {100.0 * x / n:.0f}% |")

main()
