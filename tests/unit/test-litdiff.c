/* SPDX-License-Identifier: ISC */
/*
 * Differential fuzzer for the literal prefilter (triage_lit.c): random
 * patterns from the rule language's building blocks and random texts;
 * whenever PCRE2 (the engine's flags, UTF and, where the walk allows it, the
 * ASCII variant) matches, the prefilter must say the line may match.
 *
 * With no arguments (make check): seed 1, 2,000,000 pairs, about three seconds;
 * it fails on any pair where PCRE2 matches and the prefilter says it
 * cannot.  For a longer hunt:
 *
 * usage: test-litdiff [seconds|-n pairs] [seed] [texts-per-pattern]
 *        BATCH=1 (sixty lines to one automaton, as the engine loads them)
 * Modes per text: plain; subject truncated before a punctuation mark
 * (triage_scan_clause); subject with a harmless-style blank that passes
 * the sat_all guard.  Informational (engine's own_negation): truncation at
 * any character, blank anywhere; counted, first few printed.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "triage_int.h"

#define LOAD_FLAGS	(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS)

static uint64_t rs;
static int nosk;
static uint32_t
rnd(uint32_t n)
{
	rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
	return (uint32_t)((rs >> 11) % n);
}

struct buf { char s[2048]; size_t n; };
static void put(struct buf *b, const char *s) {
	size_t l = strlen(s);
	if (b->n + l < sizeof b->s) { memcpy(b->s + b->n, s, l); b->n += l; b->s[b->n] = 0; }
}

static const char *words[] = { "a", "ab", "b", "ba", "s", "k", "sk", "ks",
    "no", "on", "x", "ss", "kk", "pain", "air", "_", "1" };
#define NW (sizeof words / sizeof *words)

static void
put_word(struct buf *b)
{
	const char *w = words[rnd(NW)];
	char t[16];
	size_t i;
	for (i = 0; w[i]; i++)
		t[i] = rnd(3) == 0 ? (char)toupper((unsigned char)w[i]) : w[i];
	t[i] = 0;
	put(b, t);
}

static void gen_alt(struct buf *b, int depth, int fixed);

static void
gen_quant(struct buf *b, int fixed)
{
	static const char *q[] = { "?", "+", "*", "{2}", "{0,1}", "{1,2}", "??",
	    "+?", "*?", "++", "{1}", "{0}" };
	static const char *qf[] = { "{2}", "{1}" };
	if (rnd(4) != 0)
		return;
	put(b, fixed ? qf[rnd(2)] : q[rnd(sizeof q / sizeof *q)]);
}

static void
gen_atom(struct buf *b, int depth, int fixed)
{
	static const char *zw[] = { "\\b", "\\b", "\\b", "\\B", "^", "$", "\\z",
	    "\\Z", "\\A" };
	static const char *cls[] = { "\\W", "\\s", "\\w", "\\d", ".", "\\S",
	    "\\W", "\\s", "\\h", "\\R" };
	static const char *cc[] = { "[.!?]", "[\xc2\xbf?]", "[.!?;\\n]",
	    "[\xf0\x9f\x98\x80\xf0\x9f\x99\x82]", "[\xef\xb8\x8f\xe2\x80\x8d]",
	    "[a]", "[ab]", "[^a]", "[\\W]", "[\\s.]", "[-.]", "[.-?]", "[?\\]]",
	    "[\\n]", "[\\t\\r]", "[!\\-]", "[\xc2\xa1!]", "[\xe2\x98\x80.]",
	    "[\xc3\xa9?]", "[^.!?]", "[\xc5\xbf]", "[k]", "[K]", "[_]",
	    "[\xe2\x80\x8d]", "[\xef\xb8\x8f]" };
	static const char *sym[] = { "\xf0\x9f\x98\x80", "\xef\xb8\x8f",
	    "\xe2\x80\x8d", "\xc2\xbf", "\xc2\xa1", "\xe2\x98\x80", "\xc3\xa9",
	    "\xc5\xbf", "\xe2\x84\xaa", "\xe2\x9c\x93", "\xc3\x9f" };
	static const char *pun[] = { "\\.", "-", "'", ",", "\\?", "!", " ",
	    " ", "\\n", ":", "\\)", "\n" };
	uint32_t r = depth > 2 ? rnd(80) : rnd(100);

	if (r < 30) {
		put_word(b);
		gen_quant(b, fixed);
	} else if (r < 40) {
		put(b, zw[rnd(sizeof zw / sizeof *zw)]);
	} else if (r < 55) {
		put(b, cls[rnd(sizeof cls / sizeof *cls)]);
		if (fixed)
			return;
		if (rnd(3))
			put(b, rnd(2) ? "+" : "*");
		else
			gen_quant(b, fixed);
	} else if (r < 63) {
		const char *y = cc[rnd(sizeof cc / sizeof *cc)];
		if (nosk && strcmp(y, "[\xc5\xbf]") == 0)
			y = "[\xc3\xa9]";
		put(b, y);
		gen_quant(b, fixed);
	} else if (r < 70) {
		const char *y = sym[rnd(sizeof sym / sizeof *sym)];
		if (nosk && (strcmp(y, "\xc5\xbf") == 0 || strcmp(y, "\xe2\x84\xaa") == 0))
			y = "\xc3\xa9";
		put(b, y);
		gen_quant(b, fixed);
	} else if (r < 80) {
		put(b, pun[rnd(sizeof pun / sizeof *pun)]);
		gen_quant(b, fixed);
	} else if (r < 90) {
		put(b, rnd(2) ? "(?:" : "(");
		gen_alt(b, depth + 1, fixed);
		put(b, ")");
		gen_quant(b, fixed);
	} else {
		switch (rnd(4)) {
		case 0: put(b, "(?="); gen_alt(b, depth + 1, 0); break;
		case 1: put(b, "(?!"); gen_alt(b, depth + 1, 0); break;
		case 2: put(b, "(?<="); gen_alt(b, depth + 1, 1); break;
		default: put(b, "(?<!"); gen_alt(b, depth + 1, 1); break;
		}
		put(b, ")");
	}
}

static void
gen_seq(struct buf *b, int depth, int fixed)
{
	int n = 1 + (int)rnd(depth == 0 ? 6 : 4), i;
	for (i = 0; i < n; i++)
		gen_atom(b, depth, fixed);
}

static void
gen_alt(struct buf *b, int depth, int fixed)
{
	int n = rnd(3) == 0 ? 2 + (int)rnd(2) : 1, i;
	for (i = 0; i < n; i++) {
		if (i)
			put(b, "|");
		if (rnd(20) != 0)
			gen_seq(b, depth, fixed);
	}
}

static void
gen_text(struct buf *b)
{
	static const char *tok[] = { " ", " ", " ", ".", "!", "?", ",", ";", "'",
	    "-", "\n", "\t", "\r", "\xc2\xbf", "\xc2\xa1", "\xf0\x9f\x98\x80",
	    "\xf0\x9f\x99\x82", "\xef\xb8\x8f", "\xe2\x80\x8d", "\xe2\x98\x80",
	    "\xc3\xa9", "\xc3\x89", "\xc5\xbf", "\xe2\x84\xaa", "\xc3\x9f", "_",
	    "7", "]", ")", ":", "\xe2\x9c\x93", "\xc2\xa0", "\x0b" };
	int n = (int)rnd(14), i;
	uint32_t r;
	for (i = 0; i < n; i++) {
		r = rnd(10);
		if (r < 5)
			put_word(b);
		else
			put(b, tok[rnd(sizeof tok / sizeof *tok)]);
	}
}

static const char *
esc(const char *s, size_t n)
{
	static char o[3][8192];
	static int k;
	char *p = o[k = (k + 1) % 3];
	size_t i;
	for (i = 0; i < n && p < o[k] + sizeof o[k] - 8; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') p += sprintf(p, "\\n");
		else if (c == '\t') p += sprintf(p, "\\t");
		else if (c == '\r') p += sprintf(p, "\\r");
		else if (c < 0x20 || c == 0x7f) p += sprintf(p, "\\x%02x", c);
		else if (c == '"' ) p += sprintf(p, "\\\"");
		else *p++ = (char)c;
	}
	*p = 0;
	return o[k];
}

/* The prefilter for one pattern. */
struct pf {
	struct triage_lits	tl;
	struct triage_line	ln;
	int			bytes;
	uint64_t		sat[64];
};

static int
pf_may(struct pf *f, const char *t, size_t n, int *ascii)
{
	*ascii = triage_lit_scan(&f->tl, t, n, f->sat);
	return triage_lit_may(f->sat, &f->ln);
}

static int
is_word_byte(unsigned char c)	/* triage.c's triage_is_word_byte */
{
	return isalnum(c) || c == '_' || c == '\'' || c >= 0x80;
}

static int
is_punct_bound(const char *buf, size_t len, size_t i)	/* triage.c */
{
	unsigned char c = (unsigned char)buf[i];
	switch (c) {
	case '.': case ',':
		return !(i > 0 && i + 1 < len && isdigit((unsigned char)buf[i - 1]) &&
		    isdigit((unsigned char)buf[i + 1]));
	case ';': case ':': case '!': case '?': case '\n': case '\r':
	case '(': case ')':
		return 1;
	case 0xc2:
		return i + 1 < len && ((unsigned char)buf[i + 1] == 0xbf ||
		    (unsigned char)buf[i + 1] == 0xa1);
	default:
		return 0;
	}
}

static pcre2_match_data *md;
static unsigned long long npairs, nmatch, nascii, npat, nunread, nfail, ncompfail;
static unsigned long long ninfo_trunc, ninfo_blank, ntrunc, nblank;
static int printed_info;
static unsigned long long nerr;

static int
match(pcre2_code *re, const char *s, size_t n, uint32_t opts)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, opts, md, NULL);
}

static void
fail(const char *what, const char *pat, const char *subj, size_t sn,
    const char *text, size_t tn)
{
	nfail++;
	if (nfail <= 200)
		printf("FAIL %s: pattern \"%s\" subject \"%s\" scanned \"%s\"\n",
		    what, esc(pat, strlen(pat)), esc(subj, sn), esc(text, tn));
	fflush(stdout);
}

/* Checks one subject against the scan of text; returns 1 if PCRE2 matches. */
static int
check(const char *what, const char *pat, pcre2_code *re, pcre2_code *rea,
    struct pf *f, int may, int textascii, const char *subj, size_t sn,
    const char *text, size_t tn, int report)
{
	int rc, rca = -1, m;

	rc = match(re, subj, sn, 0);
	if (rc < -1) {
		nerr++;
		return 0;
	}
	m = rc >= 0;
	if (textascii && rea != NULL) {	/* the engine would use rea */
		rca = match(rea, subj, sn, 0);
		if ((rca >= 0) != m) {
			if (report) fail("ASCII variant differs", pat, subj, sn, text, tn);
		}
		if (m) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			PCRE2_SIZE a0 = ov[0], a1 = ov[1];
			match(re, subj, sn, 0);
			if (ov[0] != a0 || ov[1] != a1) {
				if (report) fail("ASCII variant span differs", pat, subj, sn, text, tn);
			}
		}
	}
	if (m && !may && report)
		fail(what, pat, subj, sn, text, tn);
	return m;
}

/* Many lines in one automaton, as the engine loads them: its numbering. */
static void
batch_run(double secs, int per)
{
	enum { G = 60 };
	time_t t0 = time(NULL);
	while (difftime(time(NULL), t0) < secs) {
		struct triage_lits tl;
		struct triage_line ln[G];
		pcre2_code *re[G];
		char pat[G][2048];
		uint64_t *sat;
		int g, i, err, ta;
		PCRE2_SIZE off;

		memset(&tl, 0, sizeof tl);
		for (g = 0; g < G; g++) {
			struct buf pb = { .n = 0 };
			pb.s[0] = 0;
			gen_alt(&pb, 0, 0);
			memcpy(pat[g], pb.s, pb.n + 1);
			re[g] = pcre2_compile((PCRE2_SPTR)pb.s, PCRE2_ZERO_TERMINATED,
			    LOAD_FLAGS, &err, &off, NULL);
			if (re[g] == NULL) { ln[g].mask = 0; continue; }
			pcre2_jit_compile(re[g], PCRE2_JIT_COMPLETE);
			npat++;
			if (triage_lit_line(&tl, &ln[g], pb.s) == -1)
				ln[g].mask = 0;
		}
		triage_lit_build(&tl);
		sat = calloc((size_t)tl.nwords + 1, sizeof *sat);
		for (i = 0; i < per; i++) {
			struct buf tb = { .n = 0 };
			tb.s[0] = 0;
			gen_text(&tb);
			ta = triage_lit_scan(&tl, tb.s, tb.n, sat);
			(void)ta;
			for (g = 0; g < G; g++) {
				if (re[g] == NULL) continue;
				npairs++;
				if (match(re[g], tb.s, tb.n, 0) >= 0) {
					nmatch++;
					if (!triage_lit_may(sat, &ln[g]))
						fail("batch", pat[g], tb.s, tb.n, tb.s, tb.n);
				}
			}
		}
		free(sat);
		for (g = 0; g < G; g++)
			if (re[g]) pcre2_code_free(re[g]);
		triage_lit_free(&tl);
	}
	printf("batch: patterns %llu, pairs %llu, matches %llu, FAILURES %llu\n",
	    npat, npairs, nmatch, nfail);
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 60;
	long long maxpairs = -1;
	int per;
	time_t t0 = time(NULL);

	if (argc == 1) {	/* make check: fixed and short */
		maxpairs = 2000000;
		secs = 1e9;
	}
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		maxpairs = atoll(argv[2]);
		argv++; argc--;
		secs = 1e9;
	}
	rs = argc > 2 ? strtoull(argv[2], NULL, 0) : argc == 1 ? 1 :
	    (uint64_t)time(NULL) * 2654435761u;
	if (rs == 0) rs = 1;
	per = argc > 3 ? atoi(argv[3]) : 200;
	printf("seed %llu\n", (unsigned long long)rs);
	md = pcre2_match_data_create(32, NULL);
	nosk = getenv("NOSK") != NULL;
	if (getenv("BATCH") != NULL) {
		batch_run(secs, per);
		return nfail != 0;
	}
	while ((maxpairs < 0 || (long long)npairs < maxpairs) &&
	    difftime(time(NULL), t0) < secs) {
		struct buf pb = { .n = 0 };
		struct pf f;
		pcre2_code *re, *rea = NULL;
		int err, i;
		PCRE2_SIZE off;

		pb.s[0] = 0;
		gen_alt(&pb, 0, 0);
		re = pcre2_compile((PCRE2_SPTR)pb.s, PCRE2_ZERO_TERMINATED,
		    LOAD_FLAGS, &err, &off, NULL);
		if (re == NULL) { ncompfail++; continue; }
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		npat++;
		memset(&f, 0, sizeof f);
		f.bytes = triage_lit_line(&f.tl, &f.ln, pb.s);
		if (f.bytes == -1) { f.ln.mask = 0; nunread++; }
		if (f.bytes == 1) {
			rea = pcre2_compile((PCRE2_SPTR)pb.s, PCRE2_ZERO_TERMINATED,
			    PCRE2_CASELESS, &err, &off, NULL);
			if (rea) pcre2_jit_compile(rea, PCRE2_JIT_COMPLETE);
		}
		triage_lit_build(&f.tl);
		if (f.tl.nwords > 64) abort();
		for (i = 0; i < per; i++) {
			struct buf tb = { .n = 0 };
			char sub[2048];
			int may, ta, m;
			size_t p, q, n;

			tb.s[0] = 0;
			gen_text(&tb);
			npairs++;
			may = pf_may(&f, tb.s, tb.n, &ta);
			m = check("plain", pb.s, re, rea, &f, may, ta, tb.s, tb.n, tb.s, tb.n, 1);
			nmatch += m;
			nascii += ta;
			if (tb.n == 0)
				continue;
			/* Truncated before a punctuation mark, as triage_scan_clause. */
			for (p = 1; p < tb.n; p++) {
				if (!is_punct_bound(tb.s, tb.n, p))
					continue;
				ntrunc++;
				check("truncated at punctuation", pb.s, re, rea, &f, may, ta, tb.s, p, tb.s, tb.n, 1);
			}
			/* Truncated anywhere (own_negation's x->e): informational. */
			p = rnd((uint32_t)tb.n + 1);
			while (p < tb.n && ((unsigned char)tb.s[p] & 0xc0) == 0x80) p++;
			if (!may && check("", pb.s, re, rea, &f, may, ta, tb.s, p, tb.s, tb.n, 0)) {
				ninfo_trunc++;
				if (printed_info++ < 6)
					printf("info truncation: pattern \"%s\" subject \"%s\" scanned \"%s\"\n",
					    esc(pb.s, pb.n), esc(tb.s, p), esc(tb.s, tb.n));
			}
			/* A blank over whole characters. */
			p = rnd((uint32_t)tb.n);
			while (p > 0 && ((unsigned char)tb.s[p] & 0xc0) == 0x80) p--;
			q = p + 1 + rnd(6);
			if (q > tb.n) q = tb.n;
			while (q < tb.n && ((unsigned char)tb.s[q] & 0xc0) == 0x80) q++;
			memcpy(sub, tb.s, tb.n + 1);
			memset(sub + p, ' ', q - p);
			n = tb.n;
			if ((q > 0 && q < n && is_word_byte((unsigned char)tb.s[q - 1]) &&
			    is_word_byte((unsigned char)tb.s[q])) ||
			    (p > 0 && is_word_byte((unsigned char)tb.s[p - 1]) &&
			    is_word_byte((unsigned char)tb.s[p]))) {
				/* the engine takes every clause as here; own_negation does not */
				if (!may && check("", pb.s, re, rea, &f, may, ta, sub, n, tb.s, tb.n, 0)) {
					ninfo_blank++;
					if (printed_info++ < 12)
						printf("info blank mid-word: pattern \"%s\" subject \"%s\" scanned \"%s\"\n",
						    esc(pb.s, pb.n), esc(sub, n), esc(tb.s, tb.n));
				}
			} else {
				nblank++;
				check("blanked (guard passed)", pb.s, re, rea, &f, may, ta, sub, n, tb.s, tb.n, 1);
			}
		}
		triage_lit_free(&f.tl);
		pcre2_code_free(re);
		if (rea) pcre2_code_free(rea);
	}
	printf("patterns %llu (compile failures skipped %llu, walk gave up %llu), "
	    "pairs %llu, PCRE2 matches %llu, ASCII texts %llu, punct truncations %llu, "
	    "guarded blanks %llu, pcre2 errors (match limit) %llu; FAILURES %llu; info: mid-word truncation misses %llu, "
	    "mid-word blank misses %llu\n", npat, ncompfail, nunread, npairs, nmatch,
	    nascii, ntrunc, nblank, nerr, nfail, ninfo_trunc, ninfo_blank);
	return nfail != 0;
}
