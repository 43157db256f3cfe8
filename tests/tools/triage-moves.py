#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Which lines of labelled corpora move DOWN under triage-perturb.py.

Each perturbed line is compared with the same line unperturbed (not with its
label): a surface change that lowers a level is a defect whatever the label
says.  Prints one DOWN line per such message and, on standard error, the
counts by kind of perturbation.

    python3 tests/tools/triage-moves.py [--clotline BIN] [--rules DIR]
        [--seed N] FILE...
"""
import argparse
import collections
import os
import subprocess
import sys

RANK = {"routine": 0, "advice": 1, "urgent": 2, "emergency": 3}
HERE = os.path.dirname(os.path.abspath(__file__))


def levels(binary, rules, lines):
    out = subprocess.run([binary, "triage", "-r", rules],
                         input="\n".join(lines) + "\n", capture_output=True,
                         text=True, check=True).stdout
    return [row.split("\t")[1] for row in out.splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clotline", default="./src/clotline")
    ap.add_argument("--rules", default="prompts/rules")
    ap.add_argument("--seed", default="7")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    down = collections.Counter()
    up = collections.Counter()
    for f in a.files:
        with open(f, encoding="utf-8") as fh:
            base = [l for l in fh.read().splitlines()[1:] if l.strip()]
        pert = subprocess.run([sys.executable,
                               os.path.join(HERE, "triage-perturb.py"),
                               "--seed", a.seed, f], capture_output=True,
                              text=True, check=True).stdout.splitlines()[1:]
        bl = levels(a.clotline, a.rules, [l.split("\t")[0] + "\t" +
                                          l.split("\t")[1] for l in base])
        pl = levels(a.clotline, a.rules, [l.split("\t")[0] + "\t" +
                                          l.split("\t")[1] for l in pert])
        seen = collections.Counter()
        bmap = {}
        for line, lv in zip(base, bl):
            c = line.split("\t")[0]
            bmap[(c, seen[c])] = (line.split("\t")[1], lv)
            seen[c] += 1
        seen = collections.Counter()
        for line, lv in zip(pert, pl):
            cols = line.split("\t")
            c = cols[0]
            msg, blv = bmap[(c.rsplit("~", 1)[0], seen[c])]
            seen[c] += 1
            if RANK[lv] < RANK[blv]:
                down[cols[3]] += 1
                print(f"DOWN {cols[3]:11} {blv}->{lv}\t{msg}\t=>\t{cols[1]}")
            elif RANK[lv] > RANK[blv]:
                up[cols[3]] += 1
    print(f"down by kind: {dict(down)}; up by kind: {dict(up)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
