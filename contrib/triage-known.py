#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes prompts/rules/known.rules: the real words that the triage lexicon's typo correction
(src/triage_norm.c) would otherwise read as a lexicon word, so that they keep their own meaning
("spain" is not "pain", "breast" is not "breath", "chess" is not "chest"), and the real words with
a double letter that its stretch reading would read as a word of the rules and the rest
("reddened" is not reden, "attempt" not atem), and the real words made of targets glued together
that its split reading would part ("heartburn" is not heart burn, "blutdruck" not blut druck), the
real words whose end is a target that its compound reading would part ("ununterbrochen" is not
ununt erbrochen), and
the real words that begin with a typo of a pattern's stem ("durch" is not the stem lurch), and the
real words with a double letter whose squeezed form begins a target, which a dot after them would
expand ("oppress." is not opresion).

    contrib/triage-known.py [RULES_DIR] [DICT...] > prompts/rules/known.rules

RULES_DIR defaults to prompts/rules; the dictionaries default to Debian's word lists
(apt-get install wamerican wbritish wspanish wngerman) and, when installed, every form of the
hunspell dictionaries (apt-get install hunspell-es hunspell-de-de hunspell-en-gb hunspell-tools),
so that a conjugated Spanish or declined German word is not read as a word of another language. The lexicon is what
`src/clotline triage --lexicon` prints for the rules without known.rules: the `lexicon` and
`known` lines and the words the patterns spell out. Rerun it after changing the rules' words.
The correction it mirrors: a word that is not in the lexicon is read as the lexicon word with the
same squeezed form (runs of a letter as one letter), else as the target word within the optimal
string alignment distance of its squeezed form (1 from 5 letters, 2 from 9; a four-letter word only
as a five-letter target with one inner letter dropped), and, in the engine's second reading, as a
cue's, answer's or harmless phrase's word within the same distance (`cue` lines of --lexicon).
"""
import glob, os, re, shutil, subprocess, sys, tempfile, unicodedata

def fold(w):
    w = w.replace("ß", "ss").replace("æ", "ae").replace("œ", "oe").replace("þ", "th")
    w = "".join(c for c in unicodedata.normalize("NFD", w) if unicodedata.category(c) != "Mn")
    return w.lower()

def squeeze(w):
    out = []
    for c in w:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)

def maxd(n):
    return 2 if n >= 9 else 1 if n >= 5 else 0

def deletes(w, d):
    out = {w}
    frontier = {w}
    for _ in range(d):
        nxt = set()
        for x in frontier:
            for i in range(len(x)):
                nxt.add(x[:i] + x[i + 1:])
        out |= nxt
        frontier = nxt
    return out

def osa(a, b, d):
    if abs(len(a) - len(b)) > d:
        return d + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            v = min(prev[j - 1] + (a[i - 1] != b[j - 1]), prev[j] + 1, cur[j - 1] + 1)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[-1]

def runs_within(s, w):
    """How much of w the lexicon word s spells as its beginning, each of its letter runs typed at
    least as long, the last one as s has it or three times or more (lex_runs_within with begins
    set); 0 if w does not begin so."""
    i = j = 0
    while i < len(s):
        rs = 1
        while i + rs < len(s) and s[i + rs] == s[i]:
            rs += 1
        rw = 0
        while j + rw < len(w) and w[j + rw] == s[i]:
            rw += 1
        if rw < rs or (i + rs == len(s) and rw != rs and rw < 3):
            return 0
        i += rs
        j += rw
    return j

def stretched(w, k, byprefix, kinds):
    """Whether lex_stretch would read w (squeezed k, with a letter typed twice) as a lexicon word
    and the rest: a real word with a double letter that begins with a word of the rules
    ("reddened" with reden, "attempt" with atem)."""
    best, bestj = None, 0
    for p in range(len(k), 3, -1):
        for c in byprefix.get(k[:p], ()):
            j = runs_within(c, w)
            if j == 0 or (j < len(w) and kinds[c] == "known"):
                continue
            if best is None or j - len(c) < bestj - len(best) or \
                    (j - len(c) == bestj - len(best) and len(c) > len(best)):
                best, bestj = c, j
    return best is not None and bestj != len(best)

def splits(w, targets):
    """Whether lex_split would read w as targets glued together: a split into targets of three
    letters or more, one of four or more ("heartburn" as heart burn)."""
    n = len(w)
    if n < 6 or n > 64:
        return False
    # reach[j]: (reached, with a target of four letters or more) for w[0, j)
    reach = [None] * (n + 1)
    reach[0] = False
    for j in range(3, n + 1):
        for i in range(max(0, j - 32), j - 2):
            if reach[i] is None or w[i:j] not in targets:
                continue
            t = reach[i] or j - i >= 4
            if reach[j] is None or t:
                reach[j] = t
    return bool(reach[n])

def stem_typo(w, stems, stemdel):
    """Whether lex_stem_typo would read w as beginning with a stem: no beginning of three letters or
    more is a stem as typed, and one of five or more, with at most six letters after it, is within
    one edit of a stem of five letters or more ("durch" would read as the stem lurch)."""
    n = len(w)
    if n < 5:
        return False
    if any(w[:p] in stems for p in range(3, n + 1)):
        return False
    for p in range(n, max(4, n - 7), -1):
        pre = w[:p]
        for x in deletes(pre, 1):
            for s in stemdel.get(x, ()):
                if osa(pre, s, 1) <= 1:
                    return True
    return False

def hunspell_forms(tmpdir):
    """Every inflected form of the hunspell dictionaries (conjugated verbs, plurals, cases)
    that the word lists lack, expanded with unmunch (apt-get install hunspell-es hunspell-de-de
    hunspell-en-gb hunspell-tools); none when they are not installed."""
    out = []
    if shutil.which("unmunch") is None:
        return out
    for lang in ("es_ES", "de_DE", "en_GB"):
        dic, aff = f"/usr/share/hunspell/{lang}.dic", f"/usr/share/hunspell/{lang}.aff"
        if not (os.path.exists(dic) and os.path.exists(aff)):
            continue
        enc = "UTF-8"
        for line in open(aff, encoding="latin-1"):
            if line.startswith("SET "):
                enc = line.split()[1]
                break
        raw = subprocess.run(["unmunch", dic, aff], capture_output=True).stdout
        path = os.path.join(tmpdir, lang)
        with open(path, "w", encoding="utf-8") as f:
            f.write(raw.decode(enc, errors="replace"))
        out.append(path)
    return out

def main():
    rules = sys.argv[1] if len(sys.argv) > 1 else "prompts/rules"
    dicts = sys.argv[2:] or [p for p in ("/usr/share/dict/american-english",
        "/usr/share/dict/british-english", "/usr/share/dict/spanish", "/usr/share/dict/ngerman")
        if os.path.exists(p)]
    if not dicts:
        sys.exit("triage-known.py: no dictionaries (apt-get install wamerican wbritish wspanish wngerman)")
    tmpdir = tempfile.mkdtemp()
    if len(sys.argv) <= 2:
        dicts += hunspell_forms(tmpdir)
    targets, words = set(), set()
    binary = os.environ.get("CLOTLINE", "src/clotline")
    with tempfile.TemporaryDirectory() as tmp:
        for path in glob.glob(os.path.join(rules, "*.rules")):
            if os.path.basename(path) != "known.rules":
                shutil.copy(path, tmp)
        out = subprocess.run([binary, "triage", "-r", tmp, "--lexicon"], check=True,
                             capture_output=True, text=True).stdout
    kinds, stems, stemdel = {}, set(), {}
    cues = set()
    for line in out.splitlines():
        kind, w = line.split()
        if kind == "cue":
            # Listed again: a word of a cue, answer or harmless pattern that a
            # typo reads as only in the second reading (TRIAGE_READ_CUES).
            cues.add(w)
            continue
        words.add(w)
        kinds[w] = kind
        if kind == "target":
            targets.add(w)
        elif kind == "stem":
            stems.add(w)
            if len(w) >= 5:
                for x in deletes(w, 1):
                    stemdel.setdefault(x, set()).add(w)
    bykey = {squeeze(w) for w in words}
    byprefix = {}
    for w in words:
        byprefix.setdefault(squeeze(w), []).append(w)
    index = {}
    for t in targets:
        k = squeeze(t)
        if len(k) < 4:
            continue
        for x in deletes(k, maxd(len(k) + 1)):
            index.setdefault(x, set()).add(k)
    # The second reading's words: one edit at any length.
    cueindex = {}
    for t in cues:
        for x in deletes(squeeze(t), 1):
            cueindex.setdefault(x, set()).add(squeeze(t))
    known, real = set(), {}
    dictwords = set()
    for path in dicts:
        # A capitalised form that only the English or Spanish hunspell
        # dictionary has is a rare name ("Beath"), which nobody types for a
        # word: a typo of a target that makes one still reads as the target.
        # The word lists keep theirs ("Spain", "Shelley" are typed), and
        # German nouns are capitalised.
        rare_names = os.path.basename(path) in ("en_GB", "es_ES")
        for line in open(path, encoding="utf-8", errors="replace"):
            if rare_names and line[:1].isupper():
                continue
            w = fold(line.strip())
            if 2 <= len(w) <= 32 and w.isascii() and w.isalpha():
                dictwords.add(w)
    # Only a word with a target of four letters or more inside can split so.
    inside = re.compile("|".join(sorted((t for t in targets if len(t) >= 4), key=len,
                                        reverse=True)))
    for w in sorted(dictwords):
        if w in words:
            continue
        k = squeeze(w)
        real.setdefault(k, set()).add(w)
        if k in bykey or (k != w and stretched(w, k, byprefix, kinds)) or \
                stem_typo(w, stems, stemdel):
            known.add(w)
            continue
        if len(k) >= 4 and any(
                (len(c) == 5 and c[0] == k[0] and c[-1] == k[-1]) if len(k) == 4 else osa(k, c, 1) <= 1
                for x in (deletes(k, 1) if len(k) >= 5 else {k}) for c in cueindex.get(x, ())):
            known.add(w)
            continue
        d = maxd(len(k))
        if d == 0:
            # Four letters: a target of five with one letter dropped inside.
            if len(k) == 4 and any(len(c) == 5 and c[0] == k[0] and c[-1] == k[-1]
                                   for c in index.get(k, ())):
                known.add(w)
            continue
        for x in deletes(k, d):
            if any(osa(k, c, d) <= d for c in index.get(x, ())):
                known.add(w)
                break
    # A real word that squeezes as a known one does is known too, so that neither reads as the
    # other ("murio" is not the "murrio" known for its double r).
    for k in {squeeze(w) for w in known}:
        known |= real.get(k, set())
    # A real word that would be read as targets glued together ("heartburn" as heart burn) is
    # known too.  Its pieces are targets, never known words, so one pass finds them all.
    # lex_split also splits a word's squeezed form into the targets' squeezed forms when the word
    # as typed splits into none ("wadenschhmerzen"): a real word that would split so is known too.
    sqtargets = {squeeze(t) for t in targets}
    sqinside = re.compile("|".join(sorted((t for t in sqtargets if len(t) >= 4), key=len,
                                          reverse=True)))
    glued = {w for w in dictwords
             if w not in words and w not in known and
             ((inside.search(w) and splits(w, targets)) or
              (squeeze(w) != w and sqinside.search(squeeze(w)) and
               splits(squeeze(w), sqtargets)))}
    known |= glued
    # A real word that lex_head would read as a compound whose head is a target
    # ("ununterbrochen" as ununt erbrochen): the longest target suffix of 7 letters or more
    # (LEX_MIN_HEAD) with 5 or more before it (LEX_MIN_MODIFIER).
    def head(w):
        for i in range(1, len(w) - 6):
            if w[i:] in targets:
                return i >= 5 and not any(w[:j] in targets for j in range(max(7, i - 3), i))
        return False
    headed = {w for w in dictwords
              if len(w) >= 12 and w not in words and w not in known and head(w)}
    known |= headed
    # A real word with a letter typed twice, cut with a dot, whose squeezed form begins a target
    # longer than it: the abbreviation reading would expand it ("oppress." as opresion).
    tprefix = set()
    for t in targets:
        for n in range(3, len(t)):
            tprefix.add(t[:n])
    abbrev = {w for w in dictwords
              if w not in words and w not in known and w not in tprefix
              and len(squeeze(w)) >= 5 and squeeze(w) != w and squeeze(w) in tprefix}
    known |= abbrev
    print("# Generated by contrib/triage-known.py from Debian's word lists (wamerican, wbritish,")
    print("# wspanish, wngerman) and the forms of its hunspell dictionaries (es, de, en): real")
    print("# words that a typo correction would otherwise read as a lexicon word, or as targets")
    print("# glued together.  Do not edit;")
    print("# rerun the script after changing the rules' words.")
    line = "known"
    for w in sorted(known):
        if len(line) + 1 + len(w) > 100:
            print(line)
            line = "known"
        line += " " + w
    if line != "known":
        print(line)
    print(f"triage-known.py: {len(known)} known words ({len(glued)} of them targets glued, "
          f"{len(headed)} compounds with a target head) from {len(dicts)} dictionaries",
          file=sys.stderr)

main()
