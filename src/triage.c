/* SPDX-License-Identifier: ISC */
/*
 * The triage engine (see triage.h; the policy is spec/triage.md, the rules
 * file format docs/rules.md).
 *
 * One message is read in four passes over a private copy of its text:
 *   1. harmless phrases ("chest clinic", "blood test") are blanked out;
 *   2. cues are found: negation, pseudo-negation and hedges, termination,
 *      post-negation, history and recurrence, conditionals, hypotheticals,
 *      question marks; punctuation and termination cues bound their scope;
 *   3. each symptom concept match is read in its scope, NegEx style
 *      (Chapman et al. 2001): negated (an odd number of negation cues
 *      shortly before it or inside it, or a post-negation shortly after),
 *      history (a history cue and no recurrence cue), hypothetical, or
 *      present.  A symptom counts when any of its matches is present;
 *   4. the rules are evaluated over this message's concepts together with
 *      those the conversation reported in the last 24 hours, and the
 *      episode and follow-up question are applied.
 * Where a reading is unsure the symptom stays present: over-triage is the
 * safe error.
 *
 * Speed: a target (a concept, cue kind or list) is searched line by line,
 * a pattern of several top-level branches cut into a line for each
 * (triage_load_add), and only the lines whose required literals are in the
 * message (triage_lit.c); triage_set_next merges the lines' matches into the one the
 * joined alternation would give.  A cue kind is searched the first time
 * a reading needs it (triage_scan_cue), so a message without symptoms costs
 * no cue searches and the costly ones (subject words, questions) are searched
 * only for a symptom inside an if-clause.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "triage_int.h"
#include "utf8.h"
#include "xmalloc.h"

#define NEG_WINDOW	5	/* words from a negation cue to its symptom */
#define NEG_LIST_ITEM	3	/* words from a list's last "or" to it */
#define POSTNEG_WINDOW	5	/* words from a symptom to "has gone" */
#define HIST_WINDOW	8	/* words between a history cue and a symptom */
#define HYPO_WINDOW	10	/* words from "what if" to its symptom */
#define COND_WINDOW	5	/* words from "if" to a symptom in its clause */
#define MAX_SPANS	64	/* per cue kind or concept in one message */
/*
 * Per-message memory on the stack, if it fits: the two hit arrays alone
 * take 26 KiB with the rules as they are (maxline 413), so 16 KiB never
 * did and every message paid a malloc and free of its block.
 */
#define SCRATCH_SIZE	49152

struct span {
	size_t	s, e;
};

struct spans {
	struct span	v[MAX_SPANS];
	int		n;
};

/* A line that may match, and its next match, while searching one set. */
struct hit {
	const struct triage_line *line;
	enum { HIT_UNKNOWN, HIT_NONE, HIT_FOUND } state;
	size_t	s, e;
};

/* A search of one set over one subject (triage_set_begin, _next). */
struct search {
	const struct triage_set	*ts;
	struct hit		*hit;	/* the lines that may match, in order */
	int			 n;
	const char		*subj;
	size_t			 len;
};

struct scan {
	const struct triage_rules *tr;
	uint64_t		 hypo;		/* symptoms read only as "what if" */
	pcre2_match_data	*md;
	uint64_t		*sat;		/* clauses whose literals are here */
	uint64_t		*cand;		/* lines that may match (triage_lit_mark) */
	int			 sat_all;	/* every clause taken as here */
	struct hit		*hit;		/* per line: all, any */
	struct hit		*shit;		/* per line, for symptoms */
	uint32_t		 opts;		/* PCRE2_NO_UTF_CHECK when valid */
	int			 ascii;		/* the message is all ASCII */
	const char		*text;		/* the message as sent */
	char			*buf;		/* the message, harmless phrases blanked */
	size_t			 len;
	struct spans		 cues[CUE_COUNT];/* triage_scan_cue */
	unsigned		 cues_done;	/* bit k: cues[k] is searched */
	struct spans		 bounds;	/* triage_scan_bounded */
	int			 bounds_done;
	struct spans		 puncts;	/* punctuation only: splits concepts */
	struct spans		 soft;		/* soft stops: end a negation only */
	int			 crowded;	/* more punctuation than puncts holds */
	int			 errors;
	int			 cuetypos;	/* typos of cue words (triage_norm_words) */
	char			*owned;		/* the sanitised text, or NULL */
	char			*mem;	/* from triage_scan_open */
	int			 freemem;
};

static const char *triage_level_names[] = {
	[TRIAGE_ROUTINE] = "routine",
	[TRIAGE_ADVICE] = "advice",
	[TRIAGE_URGENT] = "urgent",
	[TRIAGE_EMERGENCY] = "emergency",
};

const char *
triage_level_name(enum triage_level level)
{
	return triage_level_names[level];
}

int
triage_level_parse(const char *s, enum triage_level *out)
{
	int	i;

	for (i = TRIAGE_ROUTINE; i <= TRIAGE_EMERGENCY; i++) {
		if (strcmp(s, triage_level_names[i]) == 0) {
			*out = (enum triage_level)i;
			return 0;
		}
	}
	return -1;
}

/* The offset of the character after the one at 'at'. */
static size_t
triage_next_char(const char *buf, size_t len, size_t at)
{
	for (at++; at < len && ((unsigned char)buf[at] & 0xc0) == 0x80; at++)
		;
	return at;
}

/*
 * One line's first match at or after from: in ASCII text with the line's
 * ASCII pattern when it has one, with JIT when there is.
 */
static int
triage_line_match(struct scan *sc, const struct triage_line *ln,
    const char *subj, size_t len, size_t from)
{
	if (sc->ascii && ln->ascii != NULL) {
		if (ln->ascii_jit)
			return pcre2_jit_match(ln->ascii, (PCRE2_SPTR)subj,
			    len, from, 0, sc->md, NULL);
		return pcre2_match(ln->ascii, (PCRE2_SPTR)subj, len, from, 0,
		    sc->md, NULL);
	}
	if (ln->jit)	/* as pcre2_match would, less its checks */
		return pcre2_jit_match(ln->re, (PCRE2_SPTR)subj, len, from,
		    sc->opts, sc->md, NULL);
	return pcre2_match(ln->re, (PCRE2_SPTR)subj, len, from, sc->opts,
	    sc->md, NULL);
}

/*
 * A line found to search: its compiled pattern is asked for ahead.  Each
 * pcre2_jit_match first reads the pattern's header, of one of thousands
 * of patterns, and that read missed the cache nearly every call.
 */
static void
triage_set_add(struct scan *sc, struct search *se, const struct triage_line *ln)
{
	__builtin_prefetch(sc->ascii && ln->ascii != NULL ? ln->ascii : ln->re);
	se->hit[se->n].line = ln;
	se->hit[se->n++].state = HIT_UNKNOWN;
}

/*
 * Starts a search of a set over subj[0, len), with room for its lines in
 * hit: only the lines whose literals are in the message, none searched;
 * with every set, all of them (for a subject the literal scan did not
 * read).
 */
static void
triage_set_begin(struct scan *sc, struct search *se,
    const struct triage_set *ts, struct hit *hit, const char *subj, size_t len,
    int every)
{
	uint64_t	x;
	int		i, g;

	se->ts = ts;
	se->hit = hit;
	se->subj = subj;
	se->len = len;
	se->n = 0;
	if (ts->njoined > 0) {
		for (i = 0; i < ts->njoined; i++) {
			hit[se->n].line = &ts->joined[i];
			hit[se->n++].state = HIT_UNKNOWN;
		}
		return;
	}
	if (!ts->indexed || sc->sat_all || every) {
		for (i = 0; i < ts->nline; i++)
			if (every || triage_lit_may(sc->sat, &ts->line[i]))
				triage_set_add(sc, se, &ts->line[i]);
		return;
	}
	/* The marked lines of the set, in order; the same test on those. */
	for (g = ts->base & ~63; g < ts->base + ts->nline; g += 64) {
		x = sc->cand[g / 64];
		if (g < ts->base)
			x &= ~UINT64_C(0) << (ts->base - g);
		if (ts->base + ts->nline - g < 64)
			x &= ~(~UINT64_C(0) << (ts->base + ts->nline - g));
		for (; x != 0; x &= x - 1) {
			i = g + __builtin_ctzll(x) - ts->base;
			if (triage_lit_may(sc->sat, &ts->line[i]))
				triage_set_add(sc, se, &ts->line[i]);
		}
	}
}

/*
 * The first match of the set that starts at or after from, as PCRE2 finds
 * it for the set's lines joined into one alternation: the leftmost start
 * and, of the lines that match there, the first.  Each line matches at a
 * given start as it would inside the alternation, so it is searched alone
 * (faster than the alternation) and only when its literals are in the
 * message; its match is kept while it starts at or after from, and a line
 * with no match from some offset has none from any later one.  from must
 * not move backwards.  Returns 1 with *m set, PCRE2_ERROR_NOMATCH, or
 * another PCRE2 error.
 */
static int
triage_set_next(struct scan *sc, struct search *se, size_t from, struct span *m)
{
	PCRE2_SIZE	*ov;
	struct hit	*h, *best = NULL;
	int		 i, rc;

	for (i = 0; i < se->n; i++) {
		h = &se->hit[i];
		if (h->state == HIT_NONE)
			continue;
		if (h->state == HIT_UNKNOWN || h->s < from) {
			rc = triage_line_match(sc, h->line, se->subj, se->len,
			    from);
			if (rc == PCRE2_ERROR_NOMATCH) {
				h->state = HIT_NONE;
				continue;
			}
			if (rc < 0)
				return rc;
			ov = pcre2_get_ovector_pointer(sc->md);
			h->state = HIT_FOUND;
			h->s = ov[0];
			h->e = ov[1];
		}
		if (best == NULL || h->s < best->s)
			best = h;
		if (best->s == from)	/* no later line can start earlier */
			break;
	}
	if (best == NULL)
		return PCRE2_ERROR_NOMATCH;
	m->s = best->s;
	m->e = best->e;
	return 1;
}

/*
 * Every non-overlapping match of a set in buf[from, to), into out (at most
 * MAX_SPANS).  A search PCRE2 cannot finish stops the scan and counts in
 * sc->errors: a symptom is then taken as present, while a cue or harmless
 * phrase is taken as absent, so the error always reads towards over-triage.
 */
static void
triage_scan_all(struct scan *sc, const struct triage_set *ts, size_t from,
    size_t to, struct spans *out)
{
	struct search	 se;
	struct span	 m;
	size_t		 at = from;
	int		 rc;

	out->n = 0;
	triage_set_begin(sc, &se, ts, sc->hit, sc->buf, to, 0);
	while (at <= to && out->n < MAX_SPANS) {
		rc = triage_set_next(sc, &se, at, &m);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {	/* callers that must not miss check errors */
			sc->errors++;
			break;
		}
		out->v[out->n++] = m;
		if (m.e > m.s)
			at = m.e;
		else	/* an empty match: step over one character */
			at = triage_next_char(sc->buf, to, m.e);
	}
}

/*
 * 1 if a set matches the message as sent from off on (topics, answers),
 * the match in *mp relative to off.
 */
static int
triage_scan_any_from(struct scan *sc, const struct triage_set *ts,
    size_t off, struct span *mp)
{
	struct search	se;
	struct span	m;
	int		rc;

	triage_set_begin(sc, &se, ts, sc->hit, sc->text + off, sc->len - off,
	    0);
	rc = triage_set_next(sc, &se, 0, &m);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		sc->errors++;
	if (mp != NULL)
		*mp = m;
	return 1;
}

static int
triage_scan_any(struct scan *sc, const struct triage_set *ts)
{
	return triage_scan_any_from(sc, ts, 0, NULL);
}

/*
 * 1 if an answer set matches the message from off on, or what follows the
 * opening there that a relay pattern matches: a carer passing on the
 * patient's answer ("asked him, he says yeah a bit", "sie sagt ja, ein
 * bisschen") or a hedge before it ("hard to say, it's more of a heaviness").
 * The relay's patterns anchor at the start; its match must leave something.
 */
static int
triage_scan_answer(struct scan *sc, const struct triage_set *ts, size_t off)
{
	struct span	m;

	if (triage_scan_any_from(sc, ts, off, NULL))
		return 1;
	if (!triage_scan_any_from(sc, &sc->tr->relay, off, &m) || m.s != 0 ||
	    off + m.e >= sc->len)
		return 0;
	return triage_scan_any_from(sc, ts, off + m.e, NULL);
}

/*
 * The offset of the next sentence's start after 'at' in the message as
 * sent: past a '.', '!', '?', ':' or ';' or an emoji (a four-byte UTF-8
 * character) and the spaces after it; len if none.
 */
static size_t
triage_scan_next_sentence(const struct scan *sc, size_t at)
{
	const unsigned char	*t = (const unsigned char *)sc->text;
	size_t			 i;

	for (i = at; i < sc->len; i++) {
		if (strchr(".!?:;", t[i]) != NULL && t[i] != '\0')
			break;
		if (t[i] >= 0xf0 && t[i] <= 0xf4) {	/* an emoji */
			i += 3;
			break;
		}
	}
	if (i >= sc->len)
		return sc->len;
	for (i++; i < sc->len && (strchr(".!?:; ", t[i]) != NULL ||
	    t[i] == '\t') && t[i] != '\0'; i++)
		;
	return i;
}

#define ANSWER_SENTENCES	8	/* sentence starts an answer is tried at */

/*
 * 1 if the message answers with a set from the start of a later sentence
 * on ("sorry, was hanging the washing out. yes, some pressure", "Zu Ihrer
 * Frage: ja, so ein Druck").  Never a clause cut short of the message's
 * end: "no sé, creo que no" is no "no sé".
 */
static int
triage_scan_answer_later(struct scan *sc, const struct triage_set *ts)
{
	size_t	off = 0;
	int	n;

	for (n = 0; n < ANSWER_SENTENCES; n++) {
		off = triage_scan_next_sentence(sc, off);
		if (off >= sc->len)
			break;
		if (triage_scan_answer(sc, ts, off))
			return 1;
	}
	return 0;
}

static int
triage_is_word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '\'' || c >= 0x80;
}

/* Number of words that start in buf[a, b). */
static int
triage_scan_words(const struct scan *sc, size_t a, size_t b)
{
	int	n = 0;
	size_t	i;

	for (i = a; i < b && i < sc->len; i++)
		if (triage_is_word_byte((unsigned char)sc->buf[i]) &&
		    (i == a ||
		        !triage_is_word_byte((unsigned char)sc->buf[i - 1])))
			n++;
	return n;
}

/* 1 if one of the spans starts in [a, b). */
static int
triage_starts_in(const struct spans *sp, size_t a, size_t b)
{
	int	i;

	for (i = 0; i < sp->n; i++)
		if (sp->v[i].s >= a && sp->v[i].s < b)
			return 1;
	return 0;
}

static const struct spans *triage_scan_cue(struct scan *, enum triage_cue);

/*
 * 1 if a scope boundary starts in [a, b): punctuation, then termination
 * cues, at most MAX_SPANS in all.
 */
static int
triage_scan_bounded(struct scan *sc, size_t a, size_t b)
{
	const struct spans	*term;
	int			 k;

	if (!sc->bounds_done) {
		term = triage_scan_cue(sc, CUE_TERMINATION);
		sc->bounds = sc->puncts;
		for (k = 0; k < sc->soft.n && sc->bounds.n < MAX_SPANS; k++)
			sc->bounds.v[sc->bounds.n++] = sc->soft.v[k];
		for (k = 0; k < term->n && sc->bounds.n < MAX_SPANS; k++)
			sc->bounds.v[sc->bounds.n++] = term->v[k];
		sc->bounds_done = 1;
	}
	return triage_starts_in(&sc->bounds, a, b);
}

static int
triage_overlaps(const struct span *x, const struct span *y)
{
	return x->s < y->e && y->s < x->e;
}

/* A cue inside a pseudo-negation or hedge is no cue ("not sure if"). */
static void
triage_scan_unmask(struct scan *sc, enum triage_cue k)
{
	struct spans		*c = &sc->cues[k];
	const struct spans	*pseudo, *hedge;
	int			 i, j, out = 0, masked;

	if (c->n == 0)
		return;
	pseudo = triage_scan_cue(sc, CUE_PSEUDO);
	hedge = triage_scan_cue(sc, CUE_HEDGE);
	for (i = 0; i < c->n; i++) {
		masked = 0;
		for (j = 0; j < pseudo->n && !masked; j++)
			masked = triage_overlaps(&c->v[i], &pseudo->v[j]);
		for (j = 0; j < hedge->n && !masked; j++)
			masked = triage_overlaps(&c->v[i], &hedge->v[j]);
		if (!masked)
			c->v[out++] = c->v[i];
	}
	c->n = out;
}

/*
 * The cues of kind k in the message, searched the first time they are
 * needed; the buffer they are searched in no longer changes by then.  All
 * but pseudo, hedge, question, subject, current and report are unmasked.
 */
static const struct spans *
triage_scan_cue(struct scan *sc, enum triage_cue k)
{
	if ((sc->cues_done & (1U << k)) == 0) {
		sc->cues_done |= 1U << k;
		triage_scan_all(sc, &sc->tr->cues[k], 0, sc->len, &sc->cues[k]);
		if (k != CUE_PSEUDO && k != CUE_HEDGE && k != CUE_QUESTION &&
		    k != CUE_SUBJECT && k != CUE_CURRENT && k != CUE_REPORT)
			triage_scan_unmask(sc, k);
	}
	return &sc->cues[k];
}

static int
triage_is_punct_bound(const char *buf, size_t len, size_t i)
{
	unsigned char	c = (unsigned char)buf[i];

	switch (c) {
	case '.': case ',':
		/* "2.4", "1,5 km": a decimal point is not a boundary */
		return !(i > 0 && i + 1 < len &&
		    isdigit((unsigned char)buf[i - 1]) &&
		    isdigit((unsigned char)buf[i + 1]));
	case ';': case ':': case '!': case '?': case '\n': case '\r':
	case '(': case ')':
		return 1;
	case 0xc2:	/* U+00BF inverted question mark, U+00A1 inverted exclamation */
		return i + 1 < len && ((unsigned char)buf[i + 1] == 0xbf ||
		    (unsigned char)buf[i + 1] == 0xa1);
	default:
		return 0;
	}
}

/* Blanks the harmless phrases and finds the punctuation; cues come later. */
static void
triage_scan_prepare(struct scan *sc)
{
	struct spans	 harmless, *p = &sc->puncts;
	size_t		 i, b, e;
	int		 k;

	triage_scan_all(sc, &sc->tr->harmless, 0, sc->len, &harmless);
	for (k = 0; k < harmless.n; k++) {
		memset(sc->buf + harmless.v[k].s, ' ',
		    harmless.v[k].e - harmless.v[k].s);
		/*
		 * A blank that starts or ends inside a word ends or starts a
		 * word the literal scan of the text did not see (triage_lit.c):
		 * search every line rather than miss one.
		 */
		b = harmless.v[k].s;
		e = harmless.v[k].e;
		if ((e > 0 && e < sc->len &&
		    triage_is_word_byte((unsigned char)sc->text[e - 1]) &&
		    triage_is_word_byte((unsigned char)sc->text[e])) ||
		    (b > 0 && b < sc->len &&
		    triage_is_word_byte((unsigned char)sc->text[b - 1]) &&
		    triage_is_word_byte((unsigned char)sc->text[b]))) {
			memset(sc->sat, 0xff, (size_t)sc->tr->lits.cwords *
			    sizeof *sc->sat);
			sc->sat_all = 1;
		}
	}
	p->n = 0;
	sc->soft.n = 0;
	sc->crowded = 0;
	for (i = 0; i < sc->len; i++) {
		if (sc->buf[i] == TRIAGE_SOFT_STOP && sc->soft.n < MAX_SPANS) {
			sc->soft.v[sc->soft.n].s = i;
			sc->soft.v[sc->soft.n++].e = i + 1;
		}
		if (!triage_is_punct_bound(sc->buf, sc->len, i))
			continue;
		/* "!!!!" or "....": one boundary. */
		if (i > 0 && sc->buf[i - 1] == sc->buf[i])
			continue;
		if (p->n == MAX_SPANS) {
			sc->crowded = 1;
			break;
		}
		p->v[p->n].s = i;
		p->v[p->n++].e = i + 1;
	}
}

/*
 * The sentence around a span: from the '.', '!', '?' or newline before it
 * (or an opening '¿') to the one after, both included.
 */
static void
triage_scan_sentence(const struct scan *sc, const struct span *x,
    struct span *cl)
{
	int	i;

	cl->s = 0;
	cl->e = sc->len;
	for (i = 0; i < sc->puncts.n; i++) {
		const struct span *b = &sc->puncts.v[i];
		unsigned char c = (unsigned char)sc->buf[b->s];

		if (c != '.' && c != '!' && c != '?' && c != '\n' && c != 0xc2)
			continue;

		if (b->e <= x->s && b->s >= cl->s)
			cl->s = b->s;		/* include "¿" */
		if (b->s >= x->e && b->e <= cl->e)
			cl->e = b->e;		/* include "?" */
	}
}

/* 1 if some cue of kind k lies in the same scope as x, within window words. */
static int
triage_scan_near(struct scan *sc, enum triage_cue k, const struct span *x,
    int before, int after, int window)
{
	const struct spans	*c = triage_scan_cue(sc, k);
	int			 i;

	for (i = 0; i < c->n; i++) {
		const struct span *q = &c->v[i];

		if (before && q->e <= x->s && !triage_scan_bounded(sc, q->e,
		    x->s) &&
		    triage_scan_words(sc, q->e, x->s) <= window)
			return 1;
		if (after && q->s >= x->e && !triage_scan_bounded(sc, x->e,
		    q->s) &&
		    triage_scan_words(sc, x->e, q->s) <= window)
			return 1;
	}
	return 0;
}

/*
 * 1 if x is inside an if-clause: "what do I do if I get chest pain?" but not
 * "if I climb the stairs I get breathless", where a new subject starts the
 * main clause before the symptom.  The caller also wants a question.
 */
static int
triage_scan_conditional(struct scan *sc, const struct span *x)
{
	const struct spans	*c = triage_scan_cue(sc, CUE_CONDITIONAL);
	const struct spans	*subj;
	size_t			 first;
	int			 i, j, restart;

	for (i = 0; i < c->n; i++) {
		const struct span *q = &c->v[i];

		if (q->e > x->s || triage_scan_bounded(sc, q->e, x->s) ||
		    triage_scan_words(sc, q->e, x->s) > COND_WINDOW)
			continue;
		/* Skip the if-clause's own subject: "if I", "if my leg". */
		for (first = q->e; first < x->s &&
		    !triage_is_word_byte((unsigned char)sc->buf[first]);
		    first++)
			;
		while (first < x->s &&
		    triage_is_word_byte((unsigned char)sc->buf[first]))
			first++;
		restart = 0;
		subj = triage_scan_cue(sc, CUE_SUBJECT);
		for (j = 0; j < subj->n && !restart; j++)
			restart = subj->v[j].s >= first && subj->v[j].s < x->s;
		if (!restart)
			return 1;
	}
	return 0;
}

enum reading { READ_PRESENT, READ_NEGATED, READ_HISTORY, READ_HYPOTHETICAL };

/*
 * 1 if the negations inside the match x are the symptom's own words ("can't
 * breathe", "won't stop"): with them blanked, the set no longer matches
 * from x's start to its end.  When it still does, they stood in a gap of
 * the pattern ("calf doesn't hurt") and negate it.  Every line of the set
 * is searched: the blanks and the cut at x's end may start or end words
 * where the literal scan of the message saw none.
 */
static int
triage_scan_own_negation(struct scan *sc, const struct triage_set *ts,
    const struct span *x, const struct spans *neg)
{
	struct search	 se;
	struct span	 m;
	char		*tmp;
	int		 i, rc, own = 1;

	tmp = xmalloc(sc->len + 1);
	memcpy(tmp, sc->buf, sc->len + 1);
	for (i = 0; i < neg->n; i++)
		if (neg->v[i].s >= x->s && neg->v[i].e <= x->e)
			memset(tmp + neg->v[i].s, ' ', neg->v[i].e - neg->v[i].s);
	triage_set_begin(sc, &se, ts, sc->hit, tmp, x->e, 1);
	rc = triage_set_next(sc, &se, x->s, &m);
	if (rc == 1 && m.s == x->s && m.e == x->e)
		own = 0;
	else if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		sc->errors++;	/* could not tell: keep the symptom */
	free(tmp);
	return own;
}

/*
 * 1 if a negation ending at a is close enough to a symptom starting at b:
 * within NEG_WINDOW words, or as an item of a list whose each "or"
 * (disjunct cue) is within NEG_WINDOW words of the one before, the symptom
 * at most NEG_LIST_ITEM words after the last one ("haven't had any chest
 * pain or breathlessness or coughed up blood"; not "no sleep or food
 * because of the crushing chest pain").
 */
static int
triage_scan_neg_window(struct scan *sc, size_t a, size_t b)
{
	const struct spans	*dis;
	size_t			 next;
	int			 i, listed = 0;

	while (triage_scan_words(sc, a, b) > (listed ? NEG_LIST_ITEM :
	    NEG_WINDOW)) {
		dis = triage_scan_cue(sc, CUE_DISJUNCT);
		next = a;
		for (i = 0; i < dis->n; i++)
			if (dis->v[i].s >= a && dis->v[i].e <= b &&
			    dis->v[i].e > next &&
			    triage_scan_words(sc, a, dis->v[i].s) <= NEG_WINDOW)
				next = dis->v[i].e;
		if (next == a)
			return 0;
		a = next;
		listed = 1;
	}
	return 1;
}

/*
 * 1 if the negation cue q reaches the symptom x after it: close enough, in
 * the same clause, with no "and" (negend cue) and no new subject between.
 */
static int
triage_scan_neg_reaches(struct scan *sc, const struct span *q,
    const struct span *x)
{
	const struct spans	*subj;
	int			 i;

	/* Boundaries past the ones kept are unknown: keep the symptom. */
	if (sc->crowded)
		return 0;
	if (triage_scan_bounded(sc, q->e, x->s) ||
	    !triage_scan_neg_window(sc, q->e, x->s))
		return 0;
	if (triage_starts_in(triage_scan_cue(sc, CUE_NEGEND), q->e, x->s))
		return 0;
	/* A subject right after the negation is its own ("no me duele"). */
	subj = triage_scan_cue(sc, CUE_SUBJECT);
	for (i = 0; i < subj->n; i++)
		if (subj->v[i].s >= q->e && subj->v[i].s < x->s &&
		    triage_scan_words(sc, q->e, subj->v[i].s) > 0)
			return 0;
	return 1;
}

/*
 * 1 if a postneg cue ("has gone", "ist weg", "ya se fue") is up to
 * POSTNEG_WINDOW words after x in its clause, with no postend cue between:
 * in "chest pain and the swelling has gone" the swelling has gone, not
 * the chest pain.
 */
static int
triage_scan_postneg(struct scan *sc, const struct span *x)
{
	const struct spans	*c = triage_scan_cue(sc, CUE_POSTNEG);
	const struct spans	*end = triage_scan_cue(sc, CUE_POSTEND);
	int			 i;

	for (i = 0; i < c->n; i++) {
		const struct span *q = &c->v[i];

		if (q->s >= x->e && !triage_scan_bounded(sc, x->e, q->s) &&
		    triage_scan_words(sc, x->e, q->s) <= POSTNEG_WINDOW &&
		    !triage_starts_in(end, x->e, q->s))
			return 1;
	}
	return 0;
}

static int	triage_scan_ends_sentence(const struct scan *, size_t, size_t);
static int	triage_scan_later_sentence(const struct scan *,
		    const struct spans *, const struct span *);

static enum reading
triage_scan_read(struct scan *sc, const struct triage_set *ts,
    const struct span *x)
{
	const struct spans	*neg = triage_scan_cue(sc, CUE_NEGATION);
	const struct spans	*relapses, *questions, *pseudo;
	const struct spans	*currents;
	struct span		 cl;
	int			 i, inner = 0, nneg = 0, question = 0, relapse = 0;
	int			 current;

	/*
	 * "went away after hospital but it's back today", "never had chest
	 * pain before, but I have now": a relapse later undoes a denial.
	 */
	relapses = triage_scan_cue(sc, CUE_RELAPSE);
	for (i = 0; i < relapses->n && !relapse; i++)
		relapse = relapses->v[i].s >= x->e;
	for (i = 0; i < neg->n; i++)
		if (neg->v[i].s >= x->s && neg->v[i].e <= x->e)
			inner++;
	/*
	 * A symptom said in a negative form ("can't breathe", "won't stop":
	 * a pseudo-negation inside it) is not denied by an earlier negation
	 * either: "not well can't breathe".
	 */
	pseudo = triage_scan_cue(sc, CUE_PSEUDO);
	for (i = 0; i < pseudo->n && !inner; i++)
		if (triage_overlaps(x, &pseudo->v[i]))
			inner = -1;
	/* A symptom whose own words hold the negation is never denied. */
	if (inner > 0 && !relapse && !triage_scan_own_negation(sc, ts, x, neg))
		return READ_NEGATED;
	for (i = 0; i < neg->n && inner == 0 && !relapse; i++)
		if (neg->v[i].e <= x->s && triage_scan_neg_reaches(sc,
		    &neg->v[i], x))
			nneg++;
	if (nneg > 0)
		return READ_NEGATED;
	if (triage_scan_postneg(sc, x) && !relapse)
		return READ_NEGATED;
	if (triage_scan_near(sc, CUE_HISTORY, x, 1, 1, HIST_WINDOW) &&
	    !relapse &&
	    !triage_scan_near(sc, CUE_RECURRENCE, x, 1, 1, HIST_WINDOW))
		return READ_HISTORY;
	/*
	 * A relapse in a later sentence says it is happening ("what do I do if
	 * the calf gets worse? it's back today"): no "what if" either; so
	 * does a report of when or how long ("... ? happened at lunch").
	 */
	if (triage_scan_later_sentence(sc, relapses, x) ||
	    triage_scan_later_sentence(sc, triage_scan_cue(sc, CUE_REPORT), x))
		return READ_PRESENT;
	/*
	 * "Still", "like this", "so dick": the writer's own, near the symptom
	 * or inside its words ("wenn das Bein so dick und heiß ist?").
	 */
	current = triage_scan_near(sc, CUE_CURRENT, x, 1, 1, HIST_WINDOW);
	currents = triage_scan_cue(sc, CUE_CURRENT);
	for (i = 0; i < currents->n && !current; i++)
		current = triage_overlaps(x, &currents->v[i]);
	if (triage_scan_near(sc, CUE_HYPOTHETICAL, x, 1, 0, HYPO_WINDOW) &&
	    !current)
		return READ_HYPOTHETICAL;
	/* "If I get chest pain, do I call 999?"; the if-clause may come first. */
	if (triage_scan_conditional(sc, x) && !current) {
		triage_scan_sentence(sc, x, &cl);
		questions = triage_scan_cue(sc, CUE_QUESTION);
		for (i = 0; i < questions->n && !question; i++)
			question = triage_overlaps(&cl, &questions->v[i]);
		if (question)
			return READ_HYPOTHETICAL;
	}
	return READ_PRESENT;
}

/* 1 if one of the spans starts in a sentence after the one x ends in. */
static int
triage_scan_later_sentence(const struct scan *sc, const struct spans *sp,
    const struct span *x)
{
	int	i;

	for (i = 0; i < sp->n; i++)
		if (sp->v[i].s >= x->e &&
		    triage_scan_ends_sentence(sc, x->e, sp->v[i].s))
			return 1;
	return 0;
}

/* 1 if a sentence's end ('.', '!', '?', a newline) starts in [a, b). */
static int
triage_scan_ends_sentence(const struct scan *sc, size_t a, size_t b)
{
	int	i;

	for (i = 0; i < sc->puncts.n; i++) {
		const struct span *p = &sc->puncts.v[i];
		unsigned char c = (unsigned char)sc->buf[p->s];

		if (p->s >= a && p->s < b && (c == '.' || c == '!' ||
		    c == '?' || c == '\n' || c == ';'))
			return 1;
	}
	return 0;
}

/*
 * The set's match at m's start that ends before the first punctuation
 * after it, into m: 1, or 0 when there is none.
 */
static int
triage_scan_clause(struct scan *sc, const struct triage_set *ts, struct span *m)
{
	struct search	se;
	struct span	mm;
	size_t		end = sc->len;
	int		i, rc;

	for (i = 0; i < sc->puncts.n; i++)
		if (sc->puncts.v[i].s > m->s && sc->puncts.v[i].s < end)
			end = sc->puncts.v[i].s;
	triage_set_begin(sc, &se, ts, sc->hit, sc->buf, end, 0);
	rc = triage_set_next(sc, &se, m->s, &mm);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		sc->errors++;
	if (rc != 1 || mm.s != m->s)
		return 0;
	*m = mm;
	return 1;
}

/*
 * Reads every match of a symptom concept; 1 if any is present.  Sets
 * *hypothetical or *denied when a match was read that way.
 */
static int
triage_scan_symptom(struct scan *sc, const struct triage_set *ts, int across,
    int *hypothetical, int *denied)
{
	struct search	 se;
	struct span	 m;
	size_t		 from = 0;
	int		 rc;
	enum reading	 r;

	triage_set_begin(sc, &se, ts, sc->shit, sc->buf, sc->len, 0);
	while (from <= sc->len) {
		rc = triage_set_next(sc, &se, from, &m);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			sc->errors++;
			return 1;	/* could not tell: assume it is there */
		}
		/*
		 * A match across punctuation is two ideas: the set is tried
		 * again at the same start within the clause ("bleeding for an
		 * hour, won't quit"), then the search goes on inside it.
		 */
		if (triage_starts_in(&sc->puncts, m.s + 1, m.e) &&
		    !(across && !triage_scan_ends_sentence(sc, m.s + 1, m.e)))
			rc = triage_scan_clause(sc, ts, &m);
		if (rc == 1) {
			r = triage_scan_read(sc, ts, &m);
			if (r == READ_PRESENT)
				return 1;
			if (r == READ_HYPOTHETICAL)
				*hypothetical = 1;
			if (r == READ_NEGATED)
				*denied = 1;
		}
		/*
		 * Next match from the next character, not the end of this one:
		 * "no leg pain but my chest hurts" must still find "chest hurts".
		 */
		from = triage_next_char(sc->buf, sc->len, m.s);
	}
	return 0;
}

static int
triage_parse_amount(const char *s, size_t len, enum triage_unit unit)
{
	char	 num[32];
	size_t	 i, n = 0;
	double	 v;

	for (i = 0; i < len && n + 1 < sizeof num; i++) {
		if (isdigit((unsigned char)s[i]))
			num[n++] = s[i];
		else if ((s[i] == '.' || s[i] == ',') && unit != UNIT_STEPS)
			num[n++] = '.';		/* "1,5 km" */
	}
	num[n] = '\0';
	if (n == 0)
		return 0;
	v = strtod(num, NULL);
	switch (unit) {
	case UNIT_HOURS:	v *= 60; break;
	case UNIT_KM:		v *= 1000; break;
	case UNIT_MILES:	v *= 1609.344; break;
	default:		break;
	}
	if (v < 0 || v > 1e7)
		return 0;
	return (int)(v + 0.5);
}

static void
triage_scan_activity(struct scan *sc, struct triage_activity *a)
{
	const struct triage_rules *tr = sc->tr;
	PCRE2_SIZE	*ov;
	int		 i, rc, g, amount;

	memset(a, 0, sizeof *a);
	for (i = 0; i < tr->nactivity; i++) {
		const struct triage_activity_re *ar = &tr->activity[i];

		if (!triage_lit_may(sc->sat, &ar->line))
			continue;	/* cannot match */
		rc = triage_line_match(sc, &ar->line, sc->text, sc->len, 0);
		if (rc < 0)
			continue;	/* an unfinished search records nothing */
		a->present = 1;
		if (ar->unit == UNIT_NONE)
			continue;
		g = pcre2_substring_number_from_name(ar->line.re,
		    (PCRE2_SPTR)"n");
		ov = pcre2_get_ovector_pointer(sc->md);
		if (g < 0 || g >= rc || ov[2 * g] == PCRE2_UNSET)
			continue;
		amount = triage_parse_amount(sc->text + ov[2 * g],
		    ov[2 * g + 1] - ov[2 * g], ar->unit);
		switch (ar->unit) {
		case UNIT_MINUTES:
		case UNIT_HOURS:
			if (a->minutes == 0)
				a->minutes = amount;
			break;
		case UNIT_STEPS:
			if (a->steps == 0)
				a->steps = amount;
			break;
		default:
			if (a->meters == 0)
				a->meters = amount;
			break;
		}
	}
}

static const char *
triage_scan_language(struct scan *sc)
{
	const struct triage_rules *tr = sc->tr;
	struct spans	 m;
	int		 i, best = -1, bestn = 0, tie = 0;

	for (i = 0; i < tr->nlangs; i++) {
		triage_scan_all(sc, &tr->langs[i].detect, 0, sc->len, &m);
		if (m.n > bestn) {
			best = i;
			bestn = m.n;
			tie = 0;
		} else if (m.n == bestn && m.n > 0)
			tie = 1;
	}
	return best == -1 || tie ? NULL : tr->langs[best].code;
}

/* Appends ",id" (or "id"); an id that does not fit is left out whole. */
static void
triage_result_add_rule(struct triage_result *res, const char *id)
{
	size_t	used = strlen(res->rules), len = strlen(id);
	size_t	sep = used > 0;

	if (used + sep + len >= sizeof res->rules)
		return;
	if (sep)
		res->rules[used] = ',';
	memcpy(res->rules + used + sep, id, len + 1);
}

/* Whether res already names rule id. */
static int
triage_result_has_rule(const struct triage_result *res, const char *id)
{
	const char	*p = res->rules;
	size_t		 len = strlen(id);

	while ((p = strstr(p, id)) != NULL) {
		if ((p == res->rules || p[-1] == ',') &&
		    (p[len] == '\0' || p[len] == ','))
			return 1;
		p += len;
	}
	return 0;
}

void
triage_state_init(struct triage_state *st)
{
	memset(st, 0, sizeof *st);
	st->level = TRIAGE_ROUTINE;
	st->question = -1;
}

/* Forgets what is older than the window. */
static void
triage_state_expire(const struct triage_rules *tr, struct triage_state *st,
    int64_t now)
{
	int	c;

	for (c = 0; c < tr->nconcepts; c++) {
		if (st->seen_at[c] != 0 && now - st->seen_at[c] >= TRIAGE_WINDOW)
			st->seen_at[c] = 0;
		if (st->hypo_at[c] != 0 && now - st->hypo_at[c] >= TRIAGE_WINDOW)
			st->hypo_at[c] = 0;
		if (st->gone_at[c] != 0 && now - st->gone_at[c] >= TRIAGE_WINDOW)
			st->gone_at[c] = 0;
	}
	if (st->flagged_at == 0 || now - st->flagged_at >= TRIAGE_WINDOW) {
		st->level = TRIAGE_ROUTINE;
		st->flagged_at = 0;
	}
	if (st->question >= 0 && now - st->asked_at >= TRIAGE_WINDOW) {
		st->question = -1;
		st->declined = 0;
	}
}

/*
 * A rule fires on what the conversation reported (all), once this message
 * (msg) adds to it, and when nothing it forbids is in this message.
 */
static int
triage_rule_fires(const struct triage_rule *r, uint64_t msg, uint64_t all)
{
	return (r->need & ~all) == 0 && (r->need & msg) != 0 &&
	    (r->forbid & msg) == 0;
}

/*
 * Searches concept c: a topic anywhere in the message, a symptom or
 * qualifier read with the cues.  Sets its bit in *msg when present, in
 * *denied when only denied; *hypothetical when a symptom was only "what if".
 */
static void
triage_scan_concept(struct scan *sc, int c, uint64_t *msg, uint64_t *denied,
    int *hypothetical)
{
	const struct triage_concept *tc = &sc->tr->concepts[c];
	int	neg = 0, hypo = 0;

	if (tc->kind == KIND_TOPIC ? triage_scan_any(sc, &tc->set) :
	    triage_scan_symptom(sc, &tc->set, tc->across,
	        tc->kind == KIND_SYMPTOM ? &hypo : &neg, &neg))
		*msg |= UINT64_C(1) << c;
	else if (neg)
		*denied |= UINT64_C(1) << c;
	else if (hypo)
		sc->hypo |= UINT64_C(1) << c;
	if (hypo)
		*hypothetical = 1;
}

/*
 * A qualifier that brings back what the conversation set aside within the
 * window: "it's happening now" (qualifier now) after a symptom asked about
 * as "what if" (at is hypo_at), "it's back" (qualifier back) after one
 * denied or told as over (gone_at).  Those symptoms are reported in this
 * message; returns them.
 */
static uint64_t
triage_scan_recalled(struct scan *sc, const int64_t *at, int qualifier,
    int64_t now, uint64_t *msg, uint64_t *denied, int *hypothetical)
{
	const struct triage_rules *tr = sc->tr;
	uint64_t	 pending = 0, here = 0;
	int		 c;

	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (at[c] != 0 && now - at[c] < TRIAGE_WINDOW)
			pending |= UINT64_C(1) << c;
	if (pending == 0 || qualifier < 0)
		return 0;
	triage_scan_concept(sc, qualifier, &here, denied, hypothetical);
	if ((here >> qualifier & 1) == 0)
		return 0;
	*msg |= pending | here;
	return pending;
}

/*
 * The text as the engine reads it (triage_norm.h): folded into folded, then
 * read word by word into out, both of TRIAGE_NORM_SIZE(len) bytes.
 */
static size_t
triage_scan_norm(const struct triage_rules *tr, const char *text, size_t len,
    char *folded, char *out, int flags, int *cues)
{
	len = triage_norm_fold(text, len, folded, TRIAGE_FOLD_CASE);
	len = triage_norm_spaces(folded, len);
	triage_norm_dots(folded, len);
	return triage_norm_words(tr->lexicon, folded, len, out, flags, cues);
}

/*
 * Starts reading one message: a valid UTF-8 copy (the daemon sanitises
 * first; anything else gets U+FFFD here), folded and read word by word
 * (triage_norm.h), its literals scanned.  The clause bits, the line
 * matches, the folded text, the text as the engine reads it and its
 * working copy share one block: scratch when they fit.
 */
static void
triage_scan_open(struct scan *sc, const struct triage_rules *tr,
    const char *text, int flags, uint64_t *scratch, size_t scratchsize)
{
	size_t	 nsat, ncand, nhit, need, len;
	char	*folded, *norm;

	/* Not all of sc: its spans (15 KiB) are written before they are read. */
	sc->cues_done = 0;
	sc->hypo = 0;
	sc->bounds_done = 0;
	sc->errors = 0;
	sc->cuetypos = 0;
	sc->tr = tr;
	len = strlen(text);
	sc->owned = utf8_valid(text, len) ? NULL : utf8_sanitize(text, len);
	if (sc->owned != NULL)
		text = sc->owned;
	len = strlen(text);
	sc->opts = PCRE2_NO_UTF_CHECK;
	if ((sc->md = pcre2_match_data_create(16, NULL)) == NULL)
		abort();

	nsat = (size_t)tr->lits.nwords + 1;
	ncand = ((size_t)tr->nline_all + 63) / 64;
	nhit = (size_t)tr->maxline + 1;
	need = (nsat + ncand) * sizeof *sc->sat + 2 * nhit * sizeof *sc->hit +
	    3 * TRIAGE_NORM_SIZE(len);
	sc->mem = need <= scratchsize ? (char *)scratch : xmalloc(need);
	sc->freemem = sc->mem != (char *)scratch;
	sc->sat = (uint64_t *)sc->mem;
	sc->cand = sc->sat + nsat;
	sc->sat_all = 0;
	sc->hit = (struct hit *)(sc->cand + ncand);
	sc->shit = sc->hit + nhit;
	folded = (char *)(sc->shit + nhit);
	norm = folded + TRIAGE_NORM_SIZE(len);
	sc->buf = norm + TRIAGE_NORM_SIZE(len);
	sc->len = triage_scan_norm(tr, text, len, folded, norm, flags,
	    &sc->cuetypos);
	sc->text = norm;
	memcpy(sc->buf, sc->text, sc->len + 1);
	sc->ascii = triage_lit_scan(&tr->lits, sc->text, sc->len, sc->sat);
	triage_lit_mark(tr, sc->sat, sc->cand);
}

static void
triage_scan_close(struct scan *sc)
{
	pcre2_match_data_free(sc->md);
	if (sc->freemem)
		free(sc->mem);
	free(sc->owned);
}

static int	triage_step_fire(const struct triage_rules *,
		    struct triage_result *, int, uint64_t, uint64_t, uint64_t);

/*
 * Fires the rules of one pass (fallback or not) over what the message and
 * the conversation hold, searching first the qualifiers and topics a rule
 * needs beside something else once the rest of that rule is there.  Adds
 * their ids, level and inbox mark to res; returns how many fired.
 */
static int
triage_step_rules(struct scan *sc, struct triage_result *res, int fallback,
    uint64_t remembered, uint64_t *msg, uint64_t *denied, uint64_t *done,
    int *hypothetical)
{
	const struct triage_rules *tr = sc->tr;
	const struct triage_rule *r;
	uint64_t	 lazy, all = *msg | remembered;
	int		 i, c;

	for (i = 0; i < tr->nrules; i++) {
		r = &tr->rules[i];
		lazy = (r->need | r->forbid) & tr->lazy & ~*done;
		if (r->fallback != fallback || lazy == 0 ||
		    (r->need & ~tr->lazy & ~all) != 0)
			continue;
		for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
			if (((lazy >> c) & 1) != 0)
				triage_scan_concept(sc, c, msg, denied,
				    hypothetical);
		*done |= lazy;
	}
	return triage_step_fire(tr, res, fallback, ~UINT64_C(0), *msg,
	    *msg | remembered);
}

/*
 * Fires the rules of one pass that need a concept of only: their ids,
 * level and inbox mark into res.  Returns how many fired.
 */
static int
triage_step_fire(const struct triage_rules *tr, struct triage_result *res,
    int fallback, uint64_t only, uint64_t msg, uint64_t all)
{
	const struct triage_rule *r;
	int		 i, fired = 0;

	for (i = 0; i < tr->nrules; i++) {
		r = &tr->rules[i];
		if (r->fallback != fallback || (r->need & only) == 0 ||
		    !triage_rule_fires(r, msg, all))
			continue;
		triage_result_add_rule(res, r->id);
		fired++;
		if (r->level > res->own)
			res->own = r->level;
		if (r->inbox)
			res->review = 1;
	}
	return fired;
}

/*
 * The second reader (triage_reader.h), when the rules left the message
 * below an emergency and it answers no question: the built-in concept of
 * the level it raises the message to, if any.  It reads the message as
 * the rules searched it, harmless phrases blanked ("flaked out in the
 * garden"), so that what the rules know to be harmless never counts.
 */
static uint64_t
triage_step_reader(const struct scan *sc, const struct triage_result *res)
{
	struct triage_reader_result	 rs;
	uint64_t			 bits = 0;

	if (sc->tr->reader == NULL || res->own >= TRIAGE_EMERGENCY ||
	    res->answer != TRIAGE_ANSWER_NONE)
		return 0;
	triage_reader_score(sc->tr->reader, sc->buf, sc->len, &rs);
	if (rs.raise_emergency)
		bits |= UINT64_C(1) << TRIAGE_READER_EMERGENCY;
	else if (rs.raise_urgent && res->own < TRIAGE_URGENT)
		bits |= UINT64_C(1) << TRIAGE_READER_URGENT;
	return bits;
}

/* What one reading of a message makes of it, for triage_state_commit. */
struct step_read {
	uint64_t	msg, denied, hypo;
	/*
	 * The level the rules alone gave (with the episode): readings are
	 * chosen by it, so that the second reader's raise of one reading
	 * never makes the engine keep a reading the rules read lower.
	 */
	enum triage_level ruled;
	int		asked;		/* the concept to ask about; -1: none */
	int		cues;		/* typos of cue words (triage_norm_words) */
};

/*
 * Reads a message once (flags: triage_norm_words) against the conversation
 * st, which it does not change: the result into res, what the state needs
 * into rd.
 */
static void
triage_step_read(const struct triage_rules *tr, const struct triage_state *st,
    const char *text, int64_t now, int flags, struct triage_result *res,
    struct step_read *rd)
{
	struct scan	 sc;
	uint64_t	 msg = 0, remembered = 0, denied = 0, all;
	uint64_t	 done = 0, pending, bits;
	uint64_t	 scratch[SCRATCH_SIZE / sizeof (uint64_t)];
	int		 c, i, hypothetical = 0, asked = -1, fired, fallback = 0;
	enum triage_level episode, ruled;
	const struct triage_rule *r, *reply_rule = NULL, *ask_rule = NULL;

	memset(res, 0, sizeof *res);
	triage_scan_open(&sc, tr, text, flags, scratch, sizeof scratch);

	for (c = 0; c < tr->nconcepts; c++)
		if (st->seen_at[c] != 0)
			remembered |= UINT64_C(1) << c;
	episode = st->level;

	triage_scan_prepare(&sc);
	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (((tr->lazy >> c) & 1) == 0)
			triage_scan_concept(&sc, c, &msg, &denied,
			    &hypothetical);
	pending = triage_scan_recalled(&sc, st->hypo_at, tr->now, now, &msg,
	    &denied, &hypothetical);
	if (pending != 0)
		triage_result_add_rule(res, "happening_now");
	pending = triage_scan_recalled(&sc, st->gone_at, tr->back, now, &msg,
	    &denied, &hypothetical);
	if (pending != 0)
		triage_result_add_rule(res, "came_back");
	if (hypothetical)
		msg |= UINT64_C(1) << TRIAGE_HYPOTHETICAL;
	triage_scan_activity(&sc, &res->activity);
	if (res->activity.present)
		msg |= UINT64_C(1) << TRIAGE_ACTIVITY;

	/*
	 * The answer to a pending question: YES adds what was asked about.
	 * A YES may follow a relay or a hedge ("asked him, he says yeah a
	 * bit"), or come after something else, from a later sentence on,
	 * unless the message begins with a NO or denies anything ("No chest
	 * pain. Yes I know to call 999").  A NO is read as sent: a relayed or
	 * hedged one ("she says no", "hard to say, no") leaves the question
	 * open, so that a YES after it still counts.
	 */
	if (st->question >= 0 && !st->declined) {
		if (triage_scan_answer(&sc, &tr->yes, 0) ||
		    triage_scan_answer(&sc, &tr->late, 0))
			res->answer = TRIAGE_ANSWER_YES;
		else if (triage_scan_any(&sc, &tr->no))
			res->answer = TRIAGE_ANSWER_NO;
		else if (denied == 0 &&
		    (triage_scan_answer_later(&sc, &tr->yes) ||
		    triage_scan_answer_later(&sc, &tr->late)))
			res->answer = TRIAGE_ANSWER_YES;
	} else if (st->question >= 0) {
		/*
		 * After a NO only a late answer says YES, a correction or a
		 * change ("antes no, pero ahora sí", "jetzt drückt es"): the
		 * plain ones ("ya", "tightness") say other things there ("ya
		 * se me pasó", "tightness gone now").  Never with a denial or
		 * an activity report.
		 */
		if (denied == 0 && !res->activity.present &&
		    (triage_scan_answer(&sc, &tr->late, 0) ||
		    triage_scan_answer_later(&sc, &tr->late))) {
			res->answer = TRIAGE_ANSWER_YES;
			triage_result_add_rule(res, "late_yes");
		}
	}
	if (res->answer == TRIAGE_ANSWER_YES)
		msg |= UINT64_C(1) << st->question;

	all = msg | remembered;
	/* The rules; the fallback ones only below a red flag. */
	res->own = TRIAGE_ROUTINE;
	fired = triage_step_rules(&sc, res, 0, remembered, &msg, &denied, &done,
	    &hypothetical);
	if (res->own < TRIAGE_URGENT && res->answer == TRIAGE_ANSWER_NONE) {
		fallback = 1;
		fired += triage_step_rules(&sc, res, 1, remembered, &msg,
		    &denied, &done, &hypothetical);
	}
	/* The second reader: only ever adds, after the rules have read. */
	ruled = res->own;
	if ((bits = triage_step_reader(&sc, res)) != 0) {
		msg |= bits;
		fired += triage_step_fire(tr, res, 0, bits, msg,
		    msg | remembered);
	}
	all = msg | remembered;
	for (i = TRIAGE_REQUEST_STOP; i <= TRIAGE_REQUEST_HELP; i++)
		if (tr->request[i] >= 0 && ((msg >> tr->request[i]) & 1) != 0 &&
		    res->request == TRIAGE_REQUEST_NONE)
			res->request = (enum triage_request)i;
	/*
	 * A message nothing places (no rule, topic, answer or denial) is never
	 * acknowledged as noted: a person reads it.
	 */
	for (c = TRIAGE_BUILTINS; c < tr->nconcepts && fired == 0 &&
	    res->answer == TRIAGE_ANSWER_NONE && denied == 0 &&
	    (msg & tr->topics) == 0; c++)
		if (((tr->lazy & tr->topics & ~done) >> c & 1) != 0 &&
		    triage_scan_any(&sc, &tr->concepts[c].set))
			msg |= UINT64_C(1) << c;
	if (fired == 0 && res->answer == TRIAGE_ANSWER_NONE && denied == 0 &&
	    (msg & tr->topics) == 0 && !res->review) {
		res->review = 1;
		triage_result_add_rule(res, "review");
	}
	if (res->answer == TRIAGE_ANSWER_YES) {
		res->own = TRIAGE_EMERGENCY;
		triage_result_add_rule(res, "followup_yes");
	} else if (res->answer == TRIAGE_ANSWER_NO)
		triage_result_add_rule(res, "followup_no");

	res->level = res->own > episode ? res->own : episode;
	if (res->level > res->own)
		triage_result_add_rule(res, "episode");
	/* Without the reader (which never reads an answer). */
	rd->ruled = bits == 0 ? res->level : ruled > episode ? ruled : episode;

	/* The reply and follow-up question come from the deciding rules. */
	for (i = 0; i < tr->nrules && res->own == res->level; i++) {
		r = &tr->rules[i];
		if ((r->fallback && !fallback) || !triage_rule_fires(r, msg,
		    all) ||
		    r->level != res->own)
			continue;
		if (reply_rule == NULL && r->reply != NULL)
			reply_rule = r;
		/* Not about what is known or was just denied. */
		if (ask_rule == NULL && r->ask >= 0 &&
		    (((all | denied) >> r->ask) & 1) == 0)
			ask_rule = r;
	}
	if (reply_rule != NULL && res->answer != TRIAGE_ANSWER_YES)
		res->reply = reply_rule->reply;
	else if (res->review && res->level == TRIAGE_ROUTINE)
		res->reply = "review";
	if (res->level == TRIAGE_URGENT && ask_rule != NULL)
		asked = ask_rule->ask;

	rd->msg = msg;
	rd->denied = denied;
	rd->hypo = sc.hypo;
	rd->asked = asked;
	rd->cues = sc.cuetypos;
	res->match_errors = sc.errors;
	triage_scan_close(&sc);
}

/* The conversation after a message read as rd with the result res. */
static void
triage_state_commit(const struct triage_rules *tr, struct triage_state *st,
    int64_t now, const struct triage_result *res, const struct step_read *rd)
{
	uint64_t	bit;
	int		c;

	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++) {
		bit = UINT64_C(1) << c;
		if ((rd->msg & bit) != 0 && tr->concepts[c].kind == KIND_SYMPTOM) {
			st->seen_at[c] = now;
			st->hypo_at[c] = 0;
			st->gone_at[c] = 0;
		} else if ((rd->hypo & bit) != 0)
			st->hypo_at[c] = now;
		else if ((rd->denied & bit) != 0 &&
		    tr->concepts[c].kind == KIND_SYMPTOM)
			st->gone_at[c] = now;
	}
	if (res->own >= TRIAGE_URGENT) {
		st->flagged_at = now;
		st->level = res->level;
	}
	/*
	 * A first NO keeps the question for one more message, which only a
	 * late answer turns into a YES: people correct themselves ("no" /
	 * "now it's tight").
	 */
	if (res->answer == TRIAGE_ANSWER_NO && !st->declined &&
	    res->level != TRIAGE_EMERGENCY)
		st->declined = 1;
	else if (res->answer != TRIAGE_ANSWER_NONE || st->declined ||
	    res->level == TRIAGE_EMERGENCY ||
	    (st->question >= 0 && ((rd->msg >> st->question) & 1) != 0)) {
		st->question = -1;
		st->declined = 0;
	}
	if (rd->asked >= 0) {
		st->question = rd->asked;
		st->asked_at = now;
		st->declined = 0;
	}
}

/* The concepts that are symptoms (remembered, read with the cues). */
static uint64_t
triage_symptoms(const struct triage_rules *tr)
{
	uint64_t	m = 0;
	int		c;

	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (tr->concepts[c].kind == KIND_SYMPTOM)
			m |= UINT64_C(1) << c;
	return m;
}

/*
 * The second reading (res2, rd2) keeps what the first read as there: its
 * symptoms stay reported, not denied or only hypothetical ("walked 2 km
 * witout chest pain but I can hradly breathe": the chest pain stays), and
 * its rule ids are added.
 */
static void
triage_step_merge(const struct triage_rules *tr, struct triage_result *res2,
    struct step_read *rd2, const struct triage_result *res,
    const struct step_read *rd)
{
	char		 ids[sizeof res->rules], *id, *next;
	uint64_t	 keep;

	keep = triage_symptoms(tr) & rd->msg;
	rd2->msg |= keep;
	rd2->denied &= ~keep;
	rd2->hypo &= ~keep;
	memcpy(ids, res->rules, sizeof ids);
	for (id = ids; id != NULL && *id != '\0'; id = next) {
		if ((next = strchr(id, ',')) != NULL)
			*next++ = '\0';
		if (!triage_result_has_rule(res2, id))
			triage_result_add_rule(res2, id);
	}
}

/*
 * Whether the reading rd2 finds a symptom present that rd did not: a joined
 * reading at the same level ("my chest" "it really hurts", urgent as the
 * safety net and as chest pain) is kept for what it found, which a later
 * message may complete ("and I'm breathless").
 */
static int
triage_step_adds(const struct triage_rules *tr, const struct step_read *rd2,
    const struct step_read *rd)
{
	return (rd2->msg & ~rd2->denied & ~rd2->hypo & ~rd->msg &
	    triage_symptoms(tr)) != 0;
}

/*
 * Whether a message's reading placed it nowhere: no answer, request or
 * activity, and no rule but the safety net, the episode and review.  Only
 * such a message is read joined to the one before or after it: a message
 * that says something whole ("nah breathing's fine", "lovely thank you")
 * is no continuation.
 */
static int
triage_unsettled(const struct triage_result *res)
{
	static const char *const loose[] = { "review", "episode",
	    "unsure_alarm", "joined_reading", "reader_urgent",
	    "reader_emergency" };
	const char	*p = res->rules, *q;
	size_t		 i, n;

	if (res->answer != TRIAGE_ANSWER_NONE ||
	    res->request != TRIAGE_REQUEST_NONE || res->activity.present)
		return 0;
	for (; *p != '\0'; p = *q == ',' ? q + 1 : q) {
		q = p + strcspn(p, ",");
		n = (size_t)(q - p);
		for (i = 0; i < sizeof loose / sizeof loose[0]; i++)
			if (strlen(loose[i]) == n && strncmp(p, loose[i], n) == 0)
				break;
		if (i == sizeof loose / sizeof loose[0])
			return 0;
	}
	return 1;
}

/*
 * Keeps text in the state, to be read with the next message, when it
 * looks cut short: no full stop, question or exclamation mark at its end,
 * its last clause (after the last of those or a comma, semicolon or colon)
 * of one to TRIAGE_FRAGMENT_WORDS words, and short enough to keep; or,
 * whole, when only the second reader placed it (the rules found a report
 * of something they could not name, which the next message may name: "he's
 * been sick twice" / "this time it was bright red"), less a closing full
 * stop or exclamation mark so the two read as one sentence.  The
 * caller passes "" for a message that placed somewhere (triage_unsettled),
 * a denial or a "what if", and whether it fired the safety net (it named
 * the chest, the breath or blood).  Any earlier fragment is replaced: to
 * keep it, the caller passes the two joined ("my chest and my breathing").
 */
#define TRIAGE_FRAGMENT_WORDS	6

static void
triage_state_fragment(struct triage_state *st, const char *text, int alarm,
    int whole, int64_t now)
{
	size_t	len = strlen(text), i;
	int	words = 0, in = 0;

	st->prev_at = 0;
	st->prev_alarm = 0;
	st->prev[0] = '\0';
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (whole) {
		/* Its own full stop would end the sentence the next one goes on. */
		while (len > 0 && strchr(".! ", text[len - 1]) != NULL)
			len--;
		if (len > 0 && len < sizeof st->prev)
			goto keep;
		return;
	}
	if (len == 0 || len >= sizeof st->prev)
		return;
	if (strchr(".!?", text[len - 1]) != NULL)
		return;
	for (i = len; i > 0; i--) {
		unsigned char c = (unsigned char)text[i - 1];

		if (strchr(".!?,;:", c) != NULL)
			break;
		if (isalnum(c) || c >= 0x80) {
			if (!in)
				words++;
			in = 1;
		} else
			in = 0;
	}
	if (words == 0 || words > TRIAGE_FRAGMENT_WORDS)
		return;
keep:
	memcpy(st->prev, text, len);
	st->prev[len] = '\0';
	st->prev_at = now;
	st->prev_alarm = alarm;
}

/*
 * A message with a word that stays unknown but is a typo of a word a cue or
 * a concept spells that is no target ("can hsrdly breathe", "sohuld I") is
 * read a second time with those words read as typed for, and the higher
 * reading is kept, with what the first read (triage_step_merge):
 * a typo is never corrected into a denial's word in the first reading, and
 * the second can only raise the level (docs/rules.md, "The second
 * reading").
 */
void
triage_step(const struct triage_rules *tr, struct triage_state *st,
    const char *text, int64_t now, struct triage_result *res)
{
	struct triage_result	 res2;
	struct step_read	 rd, rd2;
	struct triage_state	 ost;
	char			*joined = NULL;
	const char		*keep = text;
	int			 alarm = 0;

	triage_state_expire(tr, st, now);
	triage_step_read(tr, st, text, now, 0, res, &rd);
	if (rd.cues > 0) {
		triage_step_read(tr, st, text, now, TRIAGE_READ_CUES, &res2,
		    &rd2);
		if (rd2.ruled > rd.ruled) {
			triage_step_merge(tr, &res2, &rd2, res, &rd);
			*res = res2;
			rd = rd2;
			triage_result_add_rule(res, "typo_reading");
		}
	}
	/*
	 * The message before, cut short ("my chest", "I can't"), and this
	 * one read as one, when this one is placed nowhere either, or when
	 * it reports a symptom of its own ("feels crushed and I'm puffing")
	 * and the one before named the chest, the breath or blood (the safety
	 * net's words: "my chest"); never an answer, a request or an activity
	 * report, whose meaning is their own.  The higher level is kept.
	 */
	if (st->prev_at != 0 && now - st->prev_at >= 0 &&
	    now - st->prev_at <= TRIAGE_JOIN_WINDOW && (triage_unsettled(res) ||
	    (res->own >= TRIAGE_URGENT && res->answer == TRIAGE_ANSWER_NONE &&
	    res->request == TRIAGE_REQUEST_NONE && !res->activity.present &&
	    st->prev_alarm))) {
		/* The question was the fragment's to answer, not theirs. */
		ost = *st;
		ost.question = -1;
		ost.declined = 0;
		joined = xasprintf("%s %s", st->prev, text);
		triage_step_read(tr, &ost, joined, now, 0, &res2, &rd2);
		if (rd2.ruled > rd.ruled || (rd2.ruled == rd.ruled &&
		    triage_step_adds(tr, &rd2, &rd))) {
			res2.request = res->request;
			res2.answer = res->answer;
			res2.activity = res->activity;
			triage_step_merge(tr, &res2, &rd2, res, &rd);
			*res = res2;
			rd = rd2;
			triage_result_add_rule(res, "joined_reading");
			keep = joined;
		} else if (triage_unsettled(res) && triage_unsettled(&res2) &&
		    rd2.denied == 0 && rd2.hypo == 0) {
			/* Still cut short ("my chest" "and my breathing"). */
			keep = joined;
			alarm = st->prev_alarm;
		}
	}
	triage_state_commit(tr, st, now, res, &rd);
	triage_state_fragment(st, triage_unsettled(res) && rd.denied == 0 &&
	    rd.hypo == 0 ? keep : "",
	    alarm || triage_result_has_rule(res, "unsure_alarm"),
	    triage_result_has_rule(res, "reader_urgent") ||
	    triage_result_has_rule(res, "reader_emergency"), now);
	free(joined);
	if (rd.asked >= 0)
		res->question = tr->concepts[rd.asked].id;
}

const char *
triage_language(const struct triage_rules *tr, const char *text)
{
	struct scan	 sc;
	uint64_t	 scratch[SCRATCH_SIZE / sizeof (uint64_t)];
	const char	*lang;

	triage_scan_open(&sc, tr, text, 0, scratch, sizeof scratch);
	lang = triage_scan_language(&sc);
	triage_scan_close(&sc);
	return lang;
}

/* A reading shown: soft stops as the blanks they read as. */
static char *
triage_read_blanks(char *out)
{
	char	*p;

	for (p = out; (p = strchr(p, TRIAGE_SOFT_STOP)) != NULL; p++)
		*p = ' ';
	return out;
}

static char *
triage_read_with(const struct triage_rules *tr, const char *text, int flags,
    int *cues)
{
	size_t	 len = strlen(text);
	char	*folded, *out;

	folded = xmalloc(TRIAGE_NORM_SIZE(len));
	out = xmalloc(TRIAGE_NORM_SIZE(len));
	(void)triage_scan_norm(tr, text, len, folded, out, flags, cues);
	free(folded);
	return triage_read_blanks(out);
}

char *
triage_read_text(const struct triage_rules *tr, const char *text)
{
	return triage_read_with(tr, text, 0, NULL);
}

char *
triage_read_second(const struct triage_rules *tr, const char *text)
{
	int	 cues = 0;
	char	*out;

	/* One pass: the count says whether it reads otherwise at all. */
	out = triage_read_with(tr, text, TRIAGE_READ_CUES, &cues);
	if (cues == 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
triage_read_reader(const struct triage_rules *tr, const char *text)
{
	struct scan	 sc;
	uint64_t	 scratch[SCRATCH_SIZE / sizeof (uint64_t)];
	char		*out;

	triage_scan_open(&sc, tr, text, 0, scratch, sizeof scratch);
	triage_scan_prepare(&sc);
	out = xstrdup(sc.buf);
	triage_scan_close(&sc);
	return triage_read_blanks(out);
}

int
triage_question_pending(const struct triage_state *st, int64_t now)
{
	return st->question >= 0 && !st->declined &&
	    now - st->asked_at < TRIAGE_WINDOW;
}

/* " KEY.concept=time" for each concept with a time in at. */
static void
triage_state_times(struct evbuffer *b, const struct triage_rules *tr,
    const char *key, const int64_t *at)
{
	int	c;

	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (at[c] != 0)
			evbuffer_add_printf(b, " %s.%s=%" PRId64, key,
			    tr->concepts[c].id, at[c]);
}

/*
 * " KEY=time:text", the text with a space, '%', '=' and control bytes
 * written as %XX, so the state stays one line of space-parted tokens.
 */
static void
triage_state_text(struct evbuffer *b, const char *key, int64_t at,
    const char *text)
{
	const unsigned char	*p;

	evbuffer_add_printf(b, " %s=%" PRId64 ":", key, at);
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p <= ' ' || *p == '%' || *p == '=' || *p == 0x7f)
			evbuffer_add_printf(b, "%%%02X", *p);
		else
			evbuffer_add(b, p, 1);
}

char *
triage_state_format(const struct triage_rules *tr, const struct triage_state *st)
{
	struct evbuffer	*b = xevbuffer_new();

	evbuffer_add_printf(b, "v1 level=%s flagged=%" PRId64,
	    triage_level_name(st->level), st->flagged_at);
	if (st->question >= 0)
		evbuffer_add_printf(b, " ask=%s asked=%" PRId64 "%s",
		    tr->concepts[st->question].id, st->asked_at,
		    st->declined ? " declined=1" : "");
	triage_state_times(b, tr, "c", st->seen_at);
	triage_state_times(b, tr, "h", st->hypo_at);
	triage_state_times(b, tr, "g", st->gone_at);
	if (st->prev_at != 0) {
		triage_state_text(b, "prev", st->prev_at, st->prev);
		if (st->prev_alarm)
			evbuffer_add_printf(b, " prevalarm=1");
	}
	return xevbuffer_take(b);
}

static int
triage_state_concept(const struct triage_rules *tr, const char *id)
{
	int	c;

	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (strcmp(tr->concepts[c].id, id) == 0 &&
		    tr->concepts[c].kind == KIND_SYMPTOM)
			return c;
	return -1;
}

/*
 * The per-concept times a state key "K.concept" names, as
 * triage_state_format writes them: c. seen, h. only "what if", g. only
 * denied or over.  NULL for any other key.
 */
static int64_t *
triage_state_times_of(struct triage_state *st, const char *key)
{
	if (key[0] == '\0' || key[1] != '.')
		return NULL;
	switch (key[0]) {
	case 'c':
		return st->seen_at;
	case 'h':
		return st->hypo_at;
	case 'g':
		return st->gone_at;
	}
	return NULL;
}

static int
triage_state_time(const char *s, int64_t *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* Reads "time:text" as triage_state_text writes it, into at and out. */
static int
triage_state_text_parse(const char *s, int64_t *at, char *out, size_t size)
{
	const char	*colon = strchr(s, ':');
	char		 num[24], hex[3], *end;
	size_t		 o = 0;
	long		 x;

	if (colon == NULL || (size_t)(colon - s) >= sizeof num)
		return -1;
	memcpy(num, s, (size_t)(colon - s));
	num[colon - s] = '\0';
	if (triage_state_time(num, at) == -1)
		return -1;
	for (s = colon + 1; *s != '\0'; s++) {
		if (o + 1 >= size)
			return -1;
		if (*s == '%') {
			if (!isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]))
				return -1;
			memcpy(hex, s + 1, 2);
			hex[2] = '\0';
			x = strtol(hex, &end, 16);
			if (*end != '\0' || x <= 0 || x > 0xff)
				return -1;
			out[o++] = (char)x;
			s += 2;
		} else
			out[o++] = *s;
	}
	out[o] = '\0';
	return 0;
}

int
triage_state_parse(const struct triage_rules *tr, const char *s,
    struct triage_state *st)
{
	char	*copy, *p, *tok, *eq;
	int	 c, rc = 0;
	int64_t	 t, *at;

	triage_state_init(st);
	copy = p = xstrdup(s);
	if ((tok = strsep(&p, " ")) == NULL || strcmp(tok, "v1") != 0)
		rc = -1;
	while (rc == 0 && (tok = strsep(&p, " ")) != NULL) {
		if (*tok == '\0')
			continue;
		if ((eq = strchr(tok, '=')) == NULL) {
			rc = -1;
			break;
		}
		*eq++ = '\0';
		if (strcmp(tok, "level") == 0)
			rc = triage_level_parse(eq, &st->level);
		else if (strcmp(tok, "flagged") == 0)
			rc = triage_state_time(eq, &st->flagged_at);
		else if (strcmp(tok, "asked") == 0)
			rc = triage_state_time(eq, &st->asked_at);
		else if (strcmp(tok, "ask") == 0)
			st->question = triage_state_concept(tr, eq);
		else if (strcmp(tok, "declined") == 0)
			st->declined = strcmp(eq, "1") == 0;
		else if (strcmp(tok, "prevalarm") == 0)
			st->prev_alarm = strcmp(eq, "1") == 0;
		else if (strcmp(tok, "prev") == 0)
			rc = triage_state_text_parse(eq, &st->prev_at, st->prev,
			    sizeof st->prev);
		else if ((at = triage_state_times_of(st, tok)) != NULL) {
			if ((rc = triage_state_time(eq, &t)) == 0 &&
			    (c = triage_state_concept(tr, tok + 2)) != -1)
				at[c] = t;
		}
		/* Unknown keys come from a newer version: skip them. */
	}
	free(copy);
	if (rc != 0)
		triage_state_init(st);
	return rc;
}
