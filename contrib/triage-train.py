#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Trains the triage engine's second reader and writes prompts/rules/reader.model
(docs/rules.md, "The second reader"; src/triage_reader.c reads it).

    contrib/triage-train.py [--clotline BIN] [--rules DIR] [--threshold P] [FILE...] \\
        > prompts/rules/reader.model

FILE defaults to every labelled corpus the project tunes on: tests/data/corpus/*-tune*.tsv,
tests/data/triage-*.tsv and ../shared/corpus/triage-dev.tsv when present.  Held-back parts
(*-heldback*) are refused: they measure the engine on text it has not seen, the reader
included.  Each conversation's first message is a training example, labelled with the level
the corpus gives it (a later message's label also carries the conversation: an episode, a
pending question), and read as the second reader reads it in the engine (`clotline triage
--read-reader`: the engine's reading with the harmless phrases of --rules blanked).

Two logistic regressions (scikit-learn, Debian's python3-sklearn) over hashed features
(the byte n-grams of each word, each word and each pair of words; the same as
src/triage_reader.c computes): an emergency against the rest, and urgent or higher against
the rest, classes weighted to balance.  A message the rules left lower is raised when the
model's probability is above the threshold (default 0.9 for both).  Weights whose size is
below --prune (default 0.2) are left out of the file; the run prints, on standard error,
how many examples it read and how many weights it kept.
"""
import argparse, glob, math, os, subprocess, sys

BITS = 20
MASK = (1 << BITS) - 1
SEP = set(b' \t\n\r!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~\x1f')
WORD = 40


def fnv(b, h=2166136261):
    for c in b:
        h ^= c
        h = (h * 16777619) & 0xffffffff
    return h


def words(text):
    out, cur = [], bytearray()
    for c in (text if isinstance(text, bytes) else text.encode('utf-8')):
        if c in SEP:
            if cur:
                out.append(bytes(cur))
                cur = bytearray()
        else:
            cur.append(c)
    if cur:
        out.append(bytes(cur))
    return out


def features(text):
    """bucket -> value, as src/triage_reader.c computes them (text: bytes or str)."""
    ws = words(text)
    grams, toks = {}, {}
    for w in ws:
        p = b' ' + w[:WORD] + b' '
        for n in (2, 3, 4, 5):
            for i in range(len(p) - n + 1):
                k = fnv(p[i:i + n]) & MASK
                grams[k] = grams.get(k, 0) + 1
    prev = b'^'
    for w in ws:
        for key in (b'w' + w, b'b' + prev + b' ' + w):
            k = (fnv(key) & MASK) | (1 << BITS)
            toks[k] = toks.get(k, 0) + 1
        prev = w
    out = {}
    for block in (grams, toks):
        norm = math.sqrt(sum(block.values())) or 1.0
        for k, v in block.items():
            out[k] = v / norm
    return out


def read_corpora(paths, clotline, rules):
    """(reading, label) of each conversation's first message, in one run of --read."""
    rows = []
    for path in paths:
        seen = set()
        with open(path, encoding='utf-8') as f:
            for line in f:
                fields = line.rstrip('\n').split('\t')
                if len(fields) < 3 or fields[0] == 'conv' or fields[0] in seen:
                    continue
                seen.add(fields[0])
                rows.append(fields)
    inp = ''.join(f'{i}\t{r[1]}\n' for i, r in enumerate(rows)).encode('utf-8')
    out = subprocess.run([clotline, 'triage', '-r', rules, '--read-reader'], input=inp,
                         capture_output=True, check=True).stdout.split(b'\n')
    if out and out[-1] == b'':
        out.pop()
    if len(out) != len(rows):
        sys.exit(f'{len(rows)} messages but {len(out)} readings')
    return [(o.split(b'\t', 1)[1] if b'\t' in o else b'', r[2]) for r, o in zip(rows, out)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument('--clotline', default=os.path.join(top, 'src', 'clotline'))
    ap.add_argument('--rules', default=os.path.join(top, 'prompts', 'rules'))
    ap.add_argument('--threshold', type=float, default=0.9)
    ap.add_argument('--prune', type=float, default=0.2)
    ap.add_argument('--c', type=float, default=10.0, help='inverse regularisation')
    ap.add_argument('files', nargs='*')
    a = ap.parse_args()
    files = a.files or (sorted(glob.glob(os.path.join(top, 'tests/data/corpus/*-tune*.tsv'))) +
                        sorted(glob.glob(os.path.join(top, 'tests/data/triage-*.tsv'))) +
                        [p for p in [os.path.join(top, '../shared/corpus/triage-dev.tsv')]
                         if os.path.exists(p)])
    for f in files:
        if 'heldback' in os.path.basename(f):
            sys.exit(f'{f}: a held-back part is never trained on')
    levels = {'routine': 0, 'advice': 1, 'urgent': 2, 'emergency': 3}
    examples = read_corpora(files, a.clotline, a.rules)
    import numpy
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression
    ind, dat, ptr = [], [], [0]
    for text, _ in examples:
        for k, v in features(text).items():
            ind.append(k)
            dat.append(v)
        ptr.append(len(ind))
    x = csr_matrix((dat, ind, ptr), shape=(len(examples), 2 << BITS))
    y = numpy.array([levels[e[1]] for e in examples])
    models = []
    for name, target in (('emergency', y == 3), ('urgent', y >= 2)):
        m = LogisticRegression(C=a.c, max_iter=3000, class_weight='balanced')
        m.fit(x, target)
        models.append((name, m))
    we = models[0][1].coef_[0]
    wu = models[1][1].coef_[0]
    keep = numpy.nonzero(numpy.maximum(abs(we), abs(wu)) >= a.prune)[0]
    print(f'{len(examples)} examples from {len(files)} files; {len(keep)} of '
          f'{numpy.count_nonzero(we)} weights kept', file=sys.stderr)
    print('# The second reader of triage (docs/rules.md): written by contrib/triage-train.py')
    print(f'# from {len(files)} labelled files ({len(examples)} first messages), never a')
    print('# held-back part.  Do not edit; retrain.')
    print(f'reader 1 {BITS}')
    for name, m in models:
        print(f'{name} {m.intercept_[0]:.6g} {a.threshold:g}')
    for k in keep:
        print(f'{k} {we[k]:.4g} {wu[k]:.4g}')


if __name__ == '__main__':
    main()
