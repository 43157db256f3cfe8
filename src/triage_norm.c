/* SPDX-License-Identifier: ISC */
/*
 * Folding and word correction for the triage engine (see triage_norm.h).
 *
 * The lexicon is three hash multimaps over one arena of bytes: the words
 * themselves, their squeezed forms (every run of one letter made one letter,
 * so "breathhhless", "breathles" and "breathless" share "breathles"), and the
 * symmetric-delete index of the target words' squeezed forms (SymSpell: each
 * form with up to two letters deleted), so that the target words within edit
 * distance d of a word are found by looking up the word's own deletes, with
 * no scan of the lexicon.  Each candidate is then checked with the optimal
 * string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions) on squeezed forms, so a doubled or dropped double letter
 * costs nothing.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "triage_norm.h"
#include "xmalloc.h"

#define LEX_MAX_WORD	32
#define LEX_MIN_TYPO	5	/* squeezed letters before a typo is corrected */
#define LEX_CUE_TYPO	1	/* edits of a typo of a cue word, at any length */
#define LEX_LONG_TYPO	9	/* squeezed letters for a distance of 2 */
#define LEX_MIN_ABBREV	3	/* letters of an abbreviation that is expanded */
#define LEX_MIN_STRETCH_ABBREV 5 /* squeezed letters of a stretched one */
#define LEX_MAX_STEM_ABBREV 4	/* letters of a stem whose dot is a soft stop */
#define LEX_STEM_CUT	3	/* letters such a stem cuts off a target */
#define LEX_MIN_STRETCH	4	/* letters of a word a stretch reads against */
#define LEX_MIN_STEM_TYPO 5	/* letters of a stem a typo of is read as it */
#define LEX_STEM_REST	6	/* letters after it, at most */
#define LEX_MIN_STEM_PREFIX 3	/* a word beginning with a stem this long stays */
#define LEX_MIN_SPLIT	6	/* letters of a glued word read as several */
#define LEX_MAX_SPLIT	64
#define LEX_MIN_PIECE	3	/* letters of each of its words */
#define LEX_SPLIT_TARGET 4	/* letters of one of them at least */
#define LEX_MIN_HEAD	7	/* letters of a compound's head read alone */
#define LEX_MIN_MODIFIER 5	/* letters before it */
#define LEX_MAX_GLUE	3	/* letters of a word glued between two */
#define LEX_MAX_FORMS	8	/* forms of an ending */
#define LEX_MIN_ENDING_STEM 3	/* letters before an ending */
#define LEX_MAX_GLUE_WORD 4	/* letters of a glue word (triage_lexicon_glue) */
#define LEX_MIN_GLUED	4	/* letters of the target glued after it */
#define LEX_MIN_ENDING_WORD 4	/* letters of the word it reads as */

struct lex_node {
	uint32_t	hash;
	uint32_t	key;		/* offset in the arena */
	uint16_t	klen;
	int32_t		val;		/* a word's index */
	int32_t		next;		/* the same key's previous node; -1 none */
};

/*
 * A key's slot: its hash and its last node, whose next links the key's
 * others, last put first.  The slots are open addressed (linear probing,
 * at most half full) and hold the hash, so that a key not there, as most
 * of a typo's deletes are, is mostly told by one cache line of slots,
 * without reading the nodes a chain of buckets would.
 */
struct lex_slot {
	uint32_t	hash;
	int32_t		node;		/* -1: empty */
};

struct lex_map {
	struct lex_slot	*slot;
	uint32_t	 nslot;		/* a power of two */
	uint32_t	 nkey;
	struct lex_node	*node;
	size_t		 nnode, cap;
};

#define LEX_DUPLICATE	(-1)	/* a word given again: built over */

/* An ending and the forms a word with it may be (triage_lexicon_ending). */
struct lex_ending {
	uint32_t	suffix;		/* in the arena */
	uint8_t		slen;
	uint8_t		nform;
	uint32_t	form[LEX_MAX_FORMS];
	uint8_t		flen[LEX_MAX_FORMS];
};

/*
 * A word's reading remembered (norm_word_cached), direct mapped by the
 * hash of the word and its company: a message's words are mostly words
 * read before, and reading one again costs a look-up of it and of its
 * deletes in maps far bigger than the cache.  A reading longer than out is
 * not remembered.
 */
#define LEX_CACHE_SLOTS	16384	/* a power of two */

struct lex_cached {
	uint32_t	hash;
	uint8_t		n;		/* bytes of word; 0: empty */
	uint8_t		ctx;		/* glued 2, TRIAGE_READ_CUES 1 */
	uint8_t		k;		/* bytes of out */
	uint8_t		counted;	/* a cue's typo (triage_norm_words) */
	char		word[LEX_MAX_WORD];
	char		out[88];	/* the entry is two cache lines */
};

/* A glue word (triage_lexicon_glue). */
struct lex_glue {
	uint32_t	off;		/* in the arena */
	uint8_t		len;
};

struct lex_word {
	uint32_t		off;	/* the word in the arena */
	uint16_t		len;
	uint32_t		key;	/* its squeezed form */
	uint16_t		klen;
	int			kind;	/* enum triage_lex_kind or LEX_DUPLICATE */
	int			lowering; /* triage_lexicon_lowering */
	int			spelled; /* triage_lexicon_spelled */
};

struct triage_lexicon {
	char		*arena;
	size_t		 alen, acap;
	struct lex_word	*word;
	size_t		 nword, wcap;
	struct lex_map	 exact, squeezed, deletes;
	/*
	 * Each prefix of LEX_MIN_ABBREV letters or more that a target word
	 * goes beyond -> the shortest such target, the first of equals
	 * (lex_abbreviation); keys are the targets' own bytes in the arena.
	 */
	struct lex_map	 prefix;
	/* Every stem and its forms with a letter deleted -> the stem. */
	struct lex_map	 stems;
	/* Longest suffix first once built. */
	struct lex_ending *ending;
	size_t		 nending;
	/* Short words run into the next one (triage_lexicon_glue). */
	struct lex_glue	*glue;
	size_t		 nglue;
	int		 built;
	/*
	 * Words read, LEX_CACHE_SLOTS of them once built: written by the
	 * readings of a const lexicon, so one lexicon reads in one thread
	 * at a time.
	 */
	struct lex_cached *cache;
};

uint32_t
triage_norm_fnv(uint32_t h, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t
lex_hash(const char *s, size_t n)
{
	return triage_norm_fnv(TRIAGE_NORM_FNV0, s, n);
}

static uint32_t
lex_store(struct triage_lexicon *lx, const char *s, size_t n)
{
	uint32_t	off;

	if (lx->alen + n + 1 > lx->acap) {
		lx->acap = (lx->alen + n + 1) * 2;
		lx->arena = xreallocarray(lx->arena, lx->acap, 1);
	}
	off = (uint32_t)lx->alen;
	memcpy(lx->arena + off, s, n);
	lx->arena[off + n] = '\0';
	lx->alen += n + 1;
	return off;
}

static void
lex_map_slots(struct lex_map *m, uint32_t nslot)
{
	uint32_t	i;

	m->nslot = nslot;
	m->slot = xreallocarray(NULL, nslot, sizeof *m->slot);
	for (i = 0; i < nslot; i++)
		m->slot[i].node = -1;
}

/*
 * An empty map; its slots grow with its keys, not from a bound given first:
 * the bounds the lexicon has (its words, or its targets times the deletes a
 * word may have) were up to 14 times the keys, and a table that much bigger
 * than it need be misses the cache on nearly every look-up.
 */
static void
lex_map_init(struct lex_map *m)
{
	lex_map_slots(m, 64);
	m->nkey = 0;
	m->node = NULL;
	m->nnode = m->cap = 0;
}

static void
lex_map_free(struct lex_map *m)
{
	free(m->slot);
	free(m->node);
}

/* The slot of key, or the empty one where it would go. */
static struct lex_slot *
lex_map_slot(const struct lex_map *m, const struct triage_lexicon *lx,
    const char *key, size_t klen, uint32_t h)
{
	struct lex_slot		*sl;
	const struct lex_node	*nd;
	uint32_t		 i;

	for (i = h & (m->nslot - 1);; i = (i + 1) & (m->nslot - 1)) {
		sl = &m->slot[i];
		if (sl->node == -1)
			return sl;
		if (sl->hash != h)
			continue;
		nd = &m->node[sl->node];
		if (nd->klen == klen && memcmp(lx->arena + nd->key, key,
		    klen) == 0)
			return sl;
	}
}

/* Adds key -> val; the key bytes must stay in the arena at off. */
static void
lex_map_put(struct lex_map *m, const struct triage_lexicon *lx, uint32_t off,
    size_t klen, int32_t val)
{
	struct lex_node	*nd;
	struct lex_slot	*sl, *old;
	uint32_t	 h = lex_hash(lx->arena + off, klen), i, j, nold;

	if (m->nnode == m->cap) {
		m->cap = m->cap == 0 ? 256 : m->cap * 2;
		m->node = xreallocarray(m->node, m->cap, sizeof *m->node);
	}
	nd = &m->node[m->nnode];
	nd->hash = h;
	nd->key = off;
	nd->klen = (uint16_t)klen;
	nd->val = val;
	sl = lex_map_slot(m, lx, lx->arena + off, klen, h);
	nd->next = sl->node;
	if (sl->node == -1) {
		sl->hash = h;
		m->nkey++;
	}
	sl->node = (int32_t)m->nnode++;
	if (m->nkey * 2 <= m->nslot)
		return;

	/* Over half full: twice the slots, each key moved by its hash. */
	old = m->slot;
	nold = m->nslot;
	lex_map_slots(m, nold * 2);
	for (i = 0; i < nold; i++) {
		if (old[i].node == -1)
			continue;
		for (j = old[i].hash & (m->nslot - 1); m->slot[j].node != -1;
		    j = (j + 1) & (m->nslot - 1))
			;
		m->slot[j] = old[i];
	}
	free(old);
}

/* The last node put for key, then lex_map_next for the others; -1: none. */
static int32_t
lex_map_find(const struct lex_map *m, const struct triage_lexicon *lx,
    const char *key, size_t klen, uint32_t h)
{
	if (m->slot == NULL)
		return -1;
	return lex_map_slot(m, lx, key, klen, h)->node;
}

static int32_t
lex_map_next(const struct lex_map *m, const struct triage_lexicon *lx,
    int32_t i)
{
	(void)lx;
	return m->node[i].next;
}

/* Every run of one letter as one letter; returns the squeezed length. */
static size_t
lex_squeeze(const char *w, size_t n, char *out)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		if (k == 0 || out[k - 1] != w[i])
			out[k++] = w[i];
	return k;
}

/*
 * A word a typo reads as in the second reading only: one that a concept,
 * qualifier, topic or raising cue pattern spells (triage_lexicon_spelled)
 * and that is no target (a known word such as "hardly", "should", or a
 * plain word), of five letters or more squeezed.
 */
static int
lex_is_cue(const struct lex_word *w)
{
	return (w->kind == LEX_KNOWN || w->kind == LEX_WORD) && w->spelled &&
	    w->klen >= LEX_MIN_TYPO;
}

struct triage_lexicon *
triage_lexicon_new(void)
{
	return xcalloc(1, sizeof (struct triage_lexicon));
}

void
triage_lexicon_free(struct triage_lexicon *lx)
{
	if (lx == NULL)
		return;
	free(lx->arena);
	free(lx->word);
	free(lx->ending);
	free(lx->glue);
	lex_map_free(&lx->exact);
	lex_map_free(&lx->squeezed);
	lex_map_free(&lx->deletes);
	lex_map_free(&lx->prefix);
	lex_map_free(&lx->stems);
	free(lx->cache);
	free(lx);
}

size_t
triage_lexicon_count(const struct triage_lexicon *lx)
{
	return lx == NULL ? 0 : lx->nword;
}

const char *
triage_lexicon_word(const struct triage_lexicon *lx, size_t i,
    enum triage_lex_kind *kind)
{
	if (i >= lx->nword || lx->word[i].kind == LEX_DUPLICATE)
		return NULL;
	*kind = (enum triage_lex_kind)lx->word[i].kind;
	return lx->arena + lx->word[i].off;
}

/* Whether a typo reads as word i in the second reading (lex_is_cue). */
int
triage_lexicon_cue(const struct triage_lexicon *lx, size_t i)
{
	return i < lx->nword && lex_is_cue(&lx->word[i]);
}

/*
 * Folds s into out (LEX_MAX_WORD bytes): its length, or -1 when it is not
 * one to LEX_MAX_WORD letters a-z once folded ("ñ" is n).
 */
static int
lex_fold_letters(const char *s, char *out)
{
	char	buf[TRIAGE_NORM_SIZE(LEX_MAX_WORD * 4)];
	size_t	n, i, len = strlen(s);

	if (len > LEX_MAX_WORD * 4)
		return -1;
	n = triage_norm_fold(s, len, buf, TRIAGE_FOLD_CASE);
	if (n > LEX_MAX_WORD)
		return -1;
	for (i = 0; i < n; i++)
		if (buf[i] < 'a' || buf[i] > 'z')
			return -1;
	memcpy(out, buf, n);
	return (int)n;
}

int
triage_lexicon_add(struct triage_lexicon *lx, const char *word,
    enum triage_lex_kind kind)
{
	char		 buf[LEX_MAX_WORD];
	char		 key[LEX_MAX_WORD];
	size_t		 n, k;
	int		 f;
	struct lex_word	*w;

	if ((f = lex_fold_letters(word, buf)) < 2)
		return -1;
	n = (size_t)f;
	if (lx->nword == lx->wcap) {
		lx->wcap = lx->wcap == 0 ? 256 : lx->wcap * 2;
		lx->word = xreallocarray(lx->word, lx->wcap, sizeof *lx->word);
	}
	w = &lx->word[lx->nword++];
	w->off = lex_store(lx, buf, n);
	w->len = (uint16_t)n;
	k = lex_squeeze(buf, n, key);
	w->key = lex_store(lx, key, k);
	w->klen = (uint16_t)k;
	w->kind = kind;
	w->lowering = 0;
	w->spelled = 0;
	lx->built = 0;
	return 0;
}

int
triage_lexicon_ending(struct triage_lexicon *lx, const char *suffix,
    const char *const *forms, size_t nforms)
{
	struct lex_ending	 e;
	char			 buf[LEX_MAX_WORD];
	size_t			 i;
	int			 n;

	if (nforms == 0 || nforms > LEX_MAX_FORMS ||
	    (n = lex_fold_letters(suffix, buf)) < 1)
		return -1;
	memset(&e, 0, sizeof e);
	e.slen = (uint8_t)n;
	e.suffix = lex_store(lx, buf, (size_t)n);
	for (i = 0; i < nforms; i++) {
		if (strcmp(forms[i], "-") == 0)
			n = 0;
		else if ((n = lex_fold_letters(forms[i], buf)) < 1)
			return -1;
		e.flen[i] = (uint8_t)n;
		e.form[i] = lex_store(lx, buf, (size_t)n);
	}
	e.nform = (uint8_t)nforms;
	lx->ending = xreallocarray(lx->ending, lx->nending + 1,
	    sizeof *lx->ending);
	lx->ending[lx->nending++] = e;
	lx->built = 0;
	return 0;
}

int
triage_lexicon_glue(struct triage_lexicon *lx, const char *word)
{
	char	buf[LEX_MAX_WORD];
	int	n;

	if ((n = lex_fold_letters(word, buf)) < 1 || n > LEX_MAX_GLUE_WORD)
		return -1;
	lx->glue = xreallocarray(lx->glue, lx->nglue + 1, sizeof *lx->glue);
	lx->glue[lx->nglue].off = lex_store(lx, buf, (size_t)n);
	lx->glue[lx->nglue++].len = (uint8_t)n;
	return 0;
}

static int
lex_ending_cmp(const void *a, const void *b)
{
	const struct lex_ending	*x = a, *y = b;

	/* Longest suffix first; equals in the order given (suffix offset). */
	if (x->slen != y->slen)
		return x->slen > y->slen ? -1 : 1;
	return x->suffix < y->suffix ? -1 : x->suffix > y->suffix;
}

void
triage_lexicon_spelled(struct triage_lexicon *lx)
{
	if (lx->nword > 0)
		lx->word[lx->nword - 1].spelled = 1;
	lx->built = 0;
}

void
triage_lexicon_lowering(struct triage_lexicon *lx)
{
	/* triage_lexicon_build gives a word's other entries the mark too. */
	if (lx->nword > 0)
		lx->word[lx->nword - 1].lowering = 1;
	lx->built = 0;
}

/* Calls fn for key itself and every form of it with up to d letters deleted. */
static void
lex_deletes(const char *key, size_t n, int d,
    void (*fn)(const char *, size_t, void *), void *arg)
{
	char	one[LEX_MAX_WORD], two[LEX_MAX_WORD];
	size_t	i, j;

	fn(key, n, arg);
	if (d < 1 || n < 2)
		return;
	for (i = 0; i < n; i++) {
		if (i > 0 && key[i] == key[i - 1])
			continue;	/* the same form again */
		memcpy(one, key, i);
		memcpy(one + i, key + i + 1, n - i - 1);
		fn(one, n - 1, arg);
		if (d < 2 || n < 3)
			continue;
		for (j = i; j < n - 1; j++) {
			if (j > i && one[j] == one[j - 1])
				continue;
			memcpy(two, one, j);
			memcpy(two + j, one + j + 1, n - 2 - j);
			fn(two, n - 2, arg);
		}
	}
}

struct lex_index_arg {
	struct triage_lexicon	*lx;
	struct lex_map		*map;
	int32_t			 word;
};

static void
lex_index_cb(const char *s, size_t n, void *arg)
{
	struct lex_index_arg	*a = arg;
	uint32_t		 off;

	off = lex_store(a->lx, s, n);
	lex_map_put(a->map, a->lx, off, n, a->word);
}

static int
lex_max_distance(size_t klen)
{
	return klen >= LEX_LONG_TYPO ? 2 : klen >= LEX_MIN_TYPO ? 1 : 0;
}

/* The prefix map, once every word's kind is final. */
static void
lex_prefix_build(struct triage_lexicon *lx)
{
	const struct lex_word	*w;
	size_t			 i, n;
	int32_t			 j;

	lex_map_init(&lx->prefix);
	for (i = 0; i < lx->nword; i++) {
		w = &lx->word[i];
		if (w->kind != LEX_TARGET)
			continue;
		for (n = LEX_MIN_ABBREV; n < w->len && n <= LEX_MAX_WORD; n++) {
			j = lex_map_find(&lx->prefix, lx, lx->arena + w->off, n,
			    lex_hash(lx->arena + w->off, n));
			if (j == -1)
				lex_map_put(&lx->prefix, lx, w->off, n,
				    (int32_t)i);
			else if (w->len < lx->word[lx->prefix.node[j].val].len)
				lx->prefix.node[j].val = (int32_t)i;
		}
	}
}

void
triage_lexicon_build(struct triage_lexicon *lx)
{
	struct lex_index_arg	 a;
	struct lex_word		*w;
	char			 key[LEX_MAX_WORD];
	size_t			 i;
	int32_t			 j;

	lex_map_free(&lx->exact);
	lex_map_free(&lx->squeezed);
	lex_map_free(&lx->deletes);
	lex_map_free(&lx->prefix);
	lex_map_free(&lx->stems);
	lex_map_init(&lx->exact);
	lex_map_init(&lx->squeezed);
	lex_map_init(&lx->stems);
	a.lx = lx;
	for (i = 0; i < lx->nword; i++) {
		w = &lx->word[i];
		/* A word given twice is one word, of the stronger kind. */
		if ((j = lex_map_find(&lx->exact, lx, lx->arena + w->off,
		    w->len, lex_hash(lx->arena + w->off, w->len))) != -1) {
			if (w->kind > lx->word[lx->exact.node[j].val].kind)
				lx->word[lx->exact.node[j].val].kind = w->kind;
			lx->word[lx->exact.node[j].val].lowering |= w->lowering;
			lx->word[lx->exact.node[j].val].spelled |= w->spelled;
			w->kind = LEX_DUPLICATE;
			continue;
		}
		lex_map_put(&lx->exact, lx, w->off, w->len, (int32_t)i);
	}
	lex_map_init(&lx->deletes);
	for (i = 0; i < lx->nword; i++) {
		w = &lx->word[i];
		if (w->kind == LEX_DUPLICATE)
			continue;
		lex_map_put(&lx->squeezed, lx, w->key, w->klen, (int32_t)i);
		a.word = (int32_t)i;
		if (w->kind == LEX_STEM && w->len >= LEX_MIN_STEM_TYPO &&
		    !w->lowering) {
			/* A copy again; a stem as written, not squeezed. */
			memcpy(key, lx->arena + w->off, w->len);
			a.map = &lx->stems;
			lex_deletes(key, w->len, 1, lex_index_cb, &a);
			continue;
		}
		/* A cue word's deletes are the typo index's too (lex_typo_cb). */
		if (lex_is_cue(w)) {
			a.map = &lx->deletes;
			memcpy(key, lx->arena + w->key, w->klen);
			lex_deletes(key, w->klen, LEX_CUE_TYPO, lex_index_cb,
			    &a);
			continue;
		}
		if (w->kind != LEX_TARGET || w->klen < LEX_MIN_TYPO - 1)
			continue;
		a.map = &lx->deletes;
		/* The arena grows under lex_index_cb: a copy of the key. */
		memcpy(key, lx->arena + w->key, w->klen);
		/* A target's deletes to its own bound, plus one for a longer typo. */
		lex_deletes(key, w->klen, lex_max_distance(w->klen + 1u),
		    lex_index_cb, &a);
	}
	lex_prefix_build(lx);
	if (lx->nending > 1)
		qsort(lx->ending, lx->nending, sizeof *lx->ending,
		    lex_ending_cmp);
	free(lx->cache);	/* what was read against the words before */
	lx->cache = xcalloc(LEX_CACHE_SLOTS, sizeof *lx->cache);
	lx->built = 1;
}

/* Optimal string alignment distance, or d + 1 once it must exceed d. */
static int
lex_distance(const char *a, size_t n, const char *b, size_t m, int d)
{
	int	 row[3][LEX_MAX_WORD + 1];
	int	*prev2 = row[0], *prev = row[1], *cur = row[2], *t;
	size_t	 i, j;
	int	 v, best;

	if ((n > m ? n - m : m - n) > (size_t)d)
		return d + 1;
	for (j = 0; j <= m; j++)
		prev[j] = (int)j;
	for (i = 1; i <= n; i++) {
		cur[0] = (int)i;
		best = cur[0];
		for (j = 1; j <= m; j++) {
			v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > d)
			return d + 1;
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[m];
}

struct lex_typo_arg {
	const struct triage_lexicon *lx;
	const char	*key;
	size_t		 klen;
	size_t		 n;		/* the typed word's length */
	int		 d;
	int		 dropped;	/* a four-letter word: one letter dropped */
	int		 longer;	/* only words one letter longer */
	int32_t		 best;
	int		 bestd;
	int32_t		 cue;		/* the best non-target word (lex_is_cue), -1 */
	int		 cued;
};

/*
 * How likely a typo reading at distance d is (lower first): a word longer
 * than the typed one by d, every edit a dropped letter, the commonest typo
 * ("breah" is breath, not bread; "barly" barely, not badly; "nasnblutn"
 * nasenbluten), then a word as long as it (letters changed or swapped:
 * "breathelss" is breathless, not breathes), then the rest.
 */
static int
lex_typo_rank(const struct lex_typo_arg *a, const struct lex_word *w, int d)
{
	return w->len == a->n + (size_t)d ? 0 : w->len == a->n ? 1 : 2;
}

/* At equal distance d, whether w reads before the best so far. */
static int
lex_typo_before(const struct lex_typo_arg *a, const struct lex_word *w,
    int32_t wi, int d)
{
	int	wr = lex_typo_rank(a, w, d),
		br = lex_typo_rank(a, &a->lx->word[a->best], d);

	if (wr != br)
		return wr < br;
	return wi < a->best;
}

static void
lex_typo_cb(const char *s, size_t n, void *arg)
{
	struct lex_typo_arg	*a = arg;
	const struct triage_lexicon *lx = a->lx;
	const struct lex_word	*w;
	int32_t			 i, v;
	int			 dist;

	for (i = lex_map_find(&lx->deletes, lx, s, n, lex_hash(s, n)); i != -1;
	    i = lex_map_next(&lx->deletes, lx, i)) {
		v = lx->deletes.node[i].val;
		w = &lx->word[v];
		if (a->best == v || a->cue == v)
			continue;
		if (a->longer && w->len != a->n + 1)
			continue;
		if (a->dropped && (w->klen != a->klen + 1 ||
		    lx->arena[w->key] != a->key[0] ||
		    lx->arena[w->key + w->klen - 1] != a->key[a->klen - 1]))
			continue;	/* "pcho" is pecho; "cost" is no "coast" */
		dist = lex_distance(a->key, a->klen, lx->arena + w->key, w->klen,
		    a->d);
		if (dist > a->d)
			continue;
		if (w->kind != LEX_TARGET) {
			/* A cue word: only for the second reading. */
			if (dist <= LEX_CUE_TYPO && (a->cue == -1 ||
			    dist < a->cued || (dist == a->cued && v < a->cue))) {
				a->cue = v;
				a->cued = dist;
			}
			continue;
		}
		if (a->best == -1 || dist < a->bestd || (dist == a->bestd &&
		    lex_typo_before(a, w, v, dist))) {
			a->best = v;
			a->bestd = dist;
		}
	}
}

static size_t	lex_runs_within(const char *, size_t, const char *, size_t, int);

/*
 * triage_lexicon_read, and in *cue (when not NULL) the cue word a word that
 * stays unknown is one edit from (lex_is_cue), or NULL.
 */
static const char *
lex_read(const struct triage_lexicon *lx, const char *w, size_t n,
    const char **cue)
{
	char			 key[LEX_MAX_WORD];
	const struct lex_word	*c, *best = NULL;
	struct lex_typo_arg	 a;
	size_t			 k, diff, bestdiff = 0;
	int32_t			 i;
	int			 fits, bestfits = 0;

	if (lx == NULL || !lx->built || n < 2 || n > LEX_MAX_WORD)
		return NULL;
	if (lex_map_find(&lx->exact, lx, w, n, lex_hash(w, n)) != -1)
		return NULL;	/* a word: it stays */
	k = lex_squeeze(w, n, key);
	for (i = lex_map_find(&lx->squeezed, lx, key, k, lex_hash(key, k));
	    i != -1; i = lex_map_next(&lx->squeezed, lx, i)) {
		c = &lx->word[lx->squeezed.node[i].val];
		diff = c->len > n ? c->len - n : n - c->len;
		fits = lex_runs_within(lx->arena + c->off, c->len, w, n, 0) == n;
		/* A target first: stretching a symptom word is the safe read. */
		if (best != NULL && (c->kind == LEX_TARGET) !=
		    (best->kind == LEX_TARGET)) {
			if (c->kind == LEX_TARGET) {
				best = c;
				bestdiff = diff;
				bestfits = fits;
			}
			continue;
		}
		/*
		 * Then a word the typed one stretches ("mmorada" is morada,
		 * not morrada): stretching adds letters, it drops none.
		 */
		if (best != NULL && fits != bestfits) {
			if (fits) {
				best = c;
				bestdiff = diff;
				bestfits = fits;
			}
			continue;
		}
		if (best == NULL || diff < bestdiff ||
		    (diff == bestdiff && c < best)) {
			best = c;
			bestdiff = diff;
			bestfits = fits;
		}
	}
	a.d = lex_max_distance(k);
	a.dropped = k == LEX_MIN_TYPO - 1;
	/*
	 * One doubled letter squeezed away may instead be a letter dropped
	 * next to it: "breathess" is breathless, not breathes stretched.  A
	 * target one letter longer at one edit then reads first.
	 */
	a.longer = best != NULL && (size_t)best->len + 1 == n && a.d > 0;
	if ((best == NULL || a.longer) && (a.d > 0 || a.dropped)) {
		a.lx = lx;
		a.key = key;
		a.klen = k;
		a.n = n;
		a.best = -1;
		a.cue = -1;
		if (a.dropped || a.longer)
			a.d = 1;
		a.bestd = a.d + 1;
		/* Four letters: only a target with one letter dropped inside. */
		lex_deletes(key, k, a.dropped ? 0 : a.d, lex_typo_cb, &a);
		if (a.best != -1)
			best = &lx->word[a.best];
		else if (a.cue != -1 && best == NULL && cue != NULL)
			*cue = lx->arena + lx->word[a.cue].off;
	}
	if (best == NULL || best->len > 2 * n)
		return NULL;
	return lx->arena + best->off;
}

const char *
triage_lexicon_read(const struct triage_lexicon *lx, const char *w, size_t n)
{
	return lex_read(lx, w, n, NULL);
}

static int	norm_is_letter(unsigned char);

/*
 * What one code point folds to: a string, or NULL to keep it.  Latin-1 and
 * Latin Extended-A letters lose their accents and case.
 */
static const char *
fold_point(uint32_t cp, char one[2])
{
	/* U+00C0-U+00FF, then U+0100-U+017F; '*': see below. */
	static const char latin1[] =
	    "aaaaaa*ceeeeiiiidnooooo.ouuuuy**aaaaaa*ceeeeiiiidnooooo.ouuuuy*y";
	static const char extA[] =
	    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkk"
	    "llllllllllnnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuu"
	    "wwyyyzzzzzzs";

	_Static_assert(sizeof latin1 == 0x40 + 1, "U+00C0-U+00FF");
	_Static_assert(sizeof extA == 0x80 + 1, "U+0100-U+017F");

	switch (cp) {
	case 0x60: case 0xb4: case 0x2018: case 0x2019: case 0x201a:
	case 0x201b: case 0x2032: case 0x2035: case 0x02b9: case 0x02bb:
	case 0x02bc: case 0x02bd: case 0x02c8: case 0xff07:
		return "'";
	case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0xab:
	case 0xbb: case 0x2033: case 0x2036: case 0xff02:
		return "\"";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212:
		return "-";
	case 0x2026:
		return "...";
	case 0xa0: case 0x2000: case 0x2001: case 0x2002: case 0x2003:
	case 0x2004: case 0x2005: case 0x2006: case 0x2007: case 0x2008:
	case 0x2009: case 0x200a: case 0x202f: case 0x205f: case 0x3000:
		return " ";
	case 0xad: case 0x200b: case 0x200c: case 0x200d: case 0x2060:
	case 0xfeff:
		return "";
	case 0xc6: case 0xe6:
		return "ae";
	case 0xde: case 0xfe:
		return "th";
	case 0xdf:
		return "ss";
	case 0x152: case 0x153:
		return "oe";
	case 0x132: case 0x133:
		return "ij";
	}
	if (cp >= 0xc0 && cp <= 0xff && latin1[cp - 0xc0] != '.') {
		one[0] = latin1[cp - 0xc0];
		one[1] = '\0';
		return one;
	}
	if (cp >= 0x100 && cp <= 0x17f) {
		one[0] = extA[cp - 0x100];
		one[1] = '\0';
		return one;
	}
	return NULL;
}

/* Decodes one UTF-8 sequence at in[i]; *n its length (1 for a stray byte). */
static uint32_t
fold_decode(const unsigned char *in, size_t len, size_t i, size_t *n)
{
	unsigned char	c = in[i];

	if (c < 0x80 || i + 1 >= len) {
		*n = 1;
		return c;
	}
	if ((c & 0xe0) == 0xc0) {
		*n = 2;
		return ((uint32_t)(c & 0x1f) << 6) | (in[i + 1] & 0x3f);
	}
	if ((c & 0xf0) == 0xe0 && i + 2 < len) {
		*n = 3;
		return ((uint32_t)(c & 0x0f) << 12) |
		    ((uint32_t)(in[i + 1] & 0x3f) << 6) | (in[i + 2] & 0x3f);
	}
	*n = (c & 0xf8) == 0xf0 && i + 3 < len ? 4 : 1;
	return 0xfffd;	/* beyond what is folded: copied as it is */
}

size_t
triage_norm_fold(const char *in, size_t len, char *out, int flags)
{
	const unsigned char	*u = (const unsigned char *)in;
	const char		*to;
	char			 one[2];
	size_t			 i = 0, o = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		if (u[i] < 0x80 && u[i] != 0x60) {
			out[o++] = (flags & TRIAGE_FOLD_CASE) && u[i] >= 'A' &&
			    u[i] <= 'Z' ? (char)(u[i] + 32) : (char)u[i];
			i++;
			continue;
		}
		cp = fold_decode(u, len, i, &n);
		/*
		 * An acute or grave accent typed after the letter it belongs to
		 * ("est´a", "qu`e") goes; before a consonant it is an
		 * apostrophe ("can´t": no English contraction starts with a
		 * vowel).
		 */
		if ((cp == 0xb4 || cp == 0x60) && o > 0 &&
		    norm_is_letter((unsigned char)(out[o - 1] | 0x20)) &&
		    i + n < len && strchr("aeiouAEIOU", in[i + n]) != NULL &&
		    in[i + n] != '\0') {
			i += n;
			continue;
		}
		if (cp >= 0x10000 || (to = fold_point(cp, one)) == NULL) {
			memcpy(out + o, in + i, n);
			o += n;
		} else {
			k = strlen(to);
			memcpy(out + o, to, k);
			o += k;
		}
		i += n;
	}
	out[o] = '\0';
	return o;
}

size_t
triage_norm_spaces(char *s, size_t len)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ' && o > 0 && s[o - 1] == ' ')
			continue;
		if ((s[i] == ',' || s[i] == '.' || s[i] == ';' || s[i] == ':' ||
		    s[i] == '!' || s[i] == '?') && o > 1 && s[o - 1] == ' ')
			o--;
		s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

static int
norm_is_letter(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static int
norm_is_alnum(unsigned char c)
{
	return norm_is_letter(c) || (c >= '0' && c <= '9') || c >= 0x80;
}

/*
 * Length of a dotted abbreviation at in[i] ("s.o.b.", "s.o.b"): single
 * letters each followed by a dot, at least two, the last dot optional; 0 if
 * there is none.  *nletters gets the letters.
 */
static size_t
norm_dotted(const char *in, size_t len, size_t i, size_t *nletters)
{
	size_t	j = i, k = 0;

	if (i > 0 && (norm_is_alnum((unsigned char)in[i - 1]) ||
	    in[i - 1] == '.'))
		return 0;
	while (j < len && norm_is_letter((unsigned char)in[j]) &&
	    (j + 1 >= len || !norm_is_alnum((unsigned char)in[j + 1]))) {
		k++;
		if (j + 1 < len && in[j + 1] == '.') {
			j += 2;
			continue;
		}
		j++;
		break;
	}
	if (k < 2 || (j < len && norm_is_alnum((unsigned char)in[j])))
		return 0;
	*nletters = k;
	return j - i;
}

static int32_t	lex_split_piece(const struct triage_lexicon *, const char *,
		    size_t, int);

/*
 * Length of a word spelled letter by letter at in[i] ("t e p", "s o b",
 * "d v t", as dictation and hurried thumbs give it): three single letters
 * or more, one space apart, that join into a target word of the lexicon;
 * 0 otherwise, so that single-letter words ("a", "y", "o", "i") stay
 * apart unless what they spell is a word the rules look for.  The letters
 * go to joined (LEX_MAX_WORD + 1 bytes), *nletters gets how many.
 */
static size_t
norm_spaced(const struct triage_lexicon *lx, const char *in, size_t len,
    size_t i, char *joined, size_t *nletters)
{
	size_t	j = i, k = 0;

	if (lx == NULL || !lx->built ||
	    (i > 0 && (norm_is_alnum((unsigned char)in[i - 1]) ||
	    in[i - 1] == '.' || in[i - 1] == '\'')))
		return 0;
	for (;;) {
		if (j >= len || !norm_is_letter((unsigned char)in[j]) ||
		    (j + 1 < len && norm_is_alnum((unsigned char)in[j + 1])) ||
		    k == LEX_MAX_WORD)
			return 0;
		joined[k++] = in[j++];
		if (j + 1 < len && in[j] == ' ' &&
		    norm_is_letter((unsigned char)in[j + 1]) &&
		    (j + 2 >= len || !norm_is_alnum((unsigned char)in[j + 2])))
			j++;		/* another single letter follows */
		else
			break;
	}
	if (k < 3)
		return 0;
	joined[k] = '\0';
	if (lex_split_piece(lx, joined, k, 0) == -1)
		return 0;
	*nletters = k;
	return j - i;
}

/*
 * Whether the dot at s[i] parts two words: a word of two letters or more
 * (or "I", "a") before it, then spaces and a letter.  The dot may begin a
 * run of dots, an ellipsis ("no... puedo... respirar"), which parts the
 * words as one dot does.  *next is where the next word starts.
 */
static int
norm_word_dot(const char *s, size_t len, size_t i, size_t *next)
{
	size_t	b = i, j = i + 1;

	while (b > 0 && norm_is_letter((unsigned char)s[b - 1]))
		b--;
	if (b == i || (i - b == 1 && b > 0 && s[b - 1] == '.'))
		return 0;	/* no word, or an "s.o.b." letter */
	if (i - b == 1 && j < len && s[j] != ' ' && s[j] != '.')
		return 0;	/* "s.o": a dotted abbreviation */
	while (j < len && s[j] == '.')
		j++;
	while (j < len && s[j] == ' ')
		j++;
	if (j >= len || !norm_is_letter((unsigned char)s[j]))
		return 0;
	*next = j;
	return 1;
}

void
triage_norm_dots(char *s, size_t len)
{
	size_t	i, k, next, words = 0, dots = 0;
	int	all;

	for (i = 0; i < len; i++) {
		if (norm_is_letter((unsigned char)s[i]) &&
		    (i == 0 || !norm_is_letter((unsigned char)s[i - 1])))
			words++;
		else if (s[i] == '.' && norm_word_dot(s, len, i, &next))
			dots++;
	}
	/*
	 * Most gaps between words, and at least two ("Can't. Breathe. Now."):
	 * every such dot.  Otherwise only an ellipsis between words ("cant...
	 * breathe"), a pause rather than a sentence's end.
	 */
	all = dots >= 2 && dots * 3 >= (words - 1) * 2;
	/*
	 * From the end: whether a dot parts words depends on what is before
	 * it, which is not changed yet, so this pass decides as the count did.
	 */
	for (i = len; i-- > 0;)
		if (s[i] == '.' && (all || (i + 1 < len && s[i + 1] == '.')) &&
		    norm_word_dot(s, len, i, &next)) {
			s[i] = TRIAGE_SOFT_STOP;
			/* The rest of an ellipsis: spaces, one stop in all. */
			for (k = i + 1; k < next && s[k] == '.'; k++)
				s[k] = ' ';
		}
}

/*
 * What an abbreviation w[0, n), followed by a dot, reads as: the shortest
 * target word it begins, for a word of three letters or more that is no
 * word of the lexicon ("izq." is izquierda); itself, for a short word of
 * the rules that begins a target three letters longer or more, as a stem
 * cut short does ("dif." and "resp." of `dif\W+resp\w*`, but not "lot.",
 * whose dot ends a sentence).  NULL when it is neither, and the dot stays
 * a full stop.
 */
static const char *
lex_abbreviation(const struct triage_lexicon *lx, const char *w, size_t n)
{
	const struct lex_word	*c, *best = NULL;
	const char		*self = NULL;
	char			 key[LEX_MAX_WORD];
	size_t			 k;
	int32_t			 j;

	if (lx == NULL || !lx->built || n < LEX_MIN_ABBREV || n > LEX_MAX_WORD)
		return NULL;
	if ((j = lex_map_find(&lx->exact, lx, w, n, lex_hash(w, n))) != -1) {
		c = &lx->word[lx->exact.node[j].val];
		if (c->kind == LEX_KNOWN || n > LEX_MAX_STEM_ABBREV)
			return NULL;
		self = lx->arena + c->off;
	}
	if ((j = lex_map_find(&lx->prefix, lx, w, n, lex_hash(w, n))) != -1)
		best = &lx->word[lx->prefix.node[j].val];
	/*
	 * A stretched one ("kurzatmm.", "Atttemn.", "Nasennnbl."): its letter
	 * runs as one letter, of LEX_MIN_STRETCH_ABBREV letters or more.
	 */
	if (best == NULL && self == NULL &&
	    (k = lex_squeeze(w, n, key)) < n && k >= LEX_MIN_STRETCH_ABBREV &&
	    (j = lex_map_find(&lx->prefix, lx, key, k, lex_hash(key, k))) != -1)
		best = &lx->word[lx->prefix.node[j].val];
	if (best == NULL)
		return NULL;
	if (self != NULL)
		return best->len >= n + LEX_STEM_CUT ? self : NULL;
	return lx->arena + best->off;
}

/*
 * How much of the stretched word w[0, n) the lexicon word s[0, m) spells,
 * each of its letter runs typed at least as long as s has it ("hiinch..."
 * begins with hinch, "haccking" with hack; "mmorada" is no "morrada"): the
 * length of that part of w, or 0 if w does not begin so.  With begins set,
 * s begins a longer word, and its last run must be typed as s has it or
 * three times or more: "finally" does not begin with final.
 */
static size_t
lex_runs_within(const char *s, size_t m, const char *w, size_t n, int begins)
{
	size_t	i = 0, j = 0, rs, rw;

	while (i < m) {
		for (rs = 1; i + rs < m && s[i + rs] == s[i]; rs++)
			;
		for (rw = 0; j + rw < n && w[j + rw] == s[i]; rw++)
			;
		if (rw < rs)
			return 0;
		if (begins && i + rs == m && rw != rs && rw < 3)
			return 0;
		i += rs;
		j += rw;
	}
	return j;
}

/*
 * Copies w[j, n) to out as an unknown word reads, every run of three or
 * more letters as two ("breathhhless" is breathhless); returns the length.
 */
static size_t
norm_runs_of_two(const char *w, size_t j, size_t n, char *out)
{
	size_t	o = 0, i;

	for (i = j; i < n; i++)
		if (i < j + 2 || w[i] != w[i - 1] || w[i] != w[i - 2])
			out[o++] = w[i];
	return o;
}

/*
 * A word the lexicon does not know, with a letter typed twice or more: read
 * as the lexicon word (a stem such as `hack` of `hack\w*` included) that it
 * begins with letters stretched, and the rest ("rossado" is rosado, for
 * `rosad\w*`; "bladees" blades; "haccking" hacking).  Only the lengths of
 * runs change, never a letter, and the reading that drops the fewest
 * letters wins, the longer word at a tie: "ballooned" stays, since balloon
 * spells it as typed.  Only a word of the rules begins a longer one; a
 * known word only reads a whole word.  Returns the length written to out,
 * or 0 to keep the word.
 */
static size_t
lex_stretch(const struct triage_lexicon *lx, const char *w, size_t n,
    char *out)
{
	char			 key[LEX_MAX_WORD];
	const struct lex_word	*c, *best = NULL;
	size_t			 k, p, j, bestj = 0;
	int32_t			 i;

	if (lx == NULL || !lx->built || n > LEX_MAX_WORD)
		return 0;
	if ((k = lex_squeeze(w, n, key)) == n ||
	    lex_map_find(&lx->exact, lx, w, n, lex_hash(w, n)) != -1)
		return 0;	/* no letter typed twice, or a word: it stays */
	for (p = k; p >= LEX_MIN_STRETCH; p--)
		for (i = lex_map_find(&lx->squeezed, lx, key, p,
		    lex_hash(key, p)); i != -1;
		    i = lex_map_next(&lx->squeezed, lx, i)) {
			c = &lx->word[lx->squeezed.node[i].val];
			if ((j = lex_runs_within(lx->arena + c->off, c->len, w,
			    n, 1)) == 0)
				continue;
			/* A known word begins no longer one: "thinner" is no "thine". */
			if (j < n && c->kind == LEX_KNOWN)
				continue;
			if (best == NULL || j - c->len < bestj - best->len ||
			    (j - c->len == bestj - best->len &&
			    c->len > best->len)) {
				best = c;
				bestj = j;
			}
		}
	if (best == NULL || bestj == best->len)
		return 0;	/* nothing stretched, or as typed */
	memcpy(out, lx->arena + best->off, best->len);
	/* The rest as an unknown word's. */
	return best->len + norm_runs_of_two(w, bestj, n, out + best->len);
}

struct lex_stem_arg {
	const struct triage_lexicon *lx;
	const char	*pre;		/* the typed word's beginning */
	size_t		 p;
	int32_t		 best;
};

static void
lex_stem_cb(const char *s, size_t n, void *arg)
{
	struct lex_stem_arg	*a = arg;
	const struct triage_lexicon *lx = a->lx;
	const struct lex_word	*w;
	int32_t			 i, v;

	for (i = lex_map_find(&lx->stems, lx, s, n, lex_hash(s, n)); i != -1;
	    i = lex_map_next(&lx->stems, lx, i)) {
		v = lx->stems.node[i].val;
		w = &lx->word[v];
		if ((a->best == -1 || v < a->best) &&
		    lex_distance(a->pre, a->p, lx->arena + w->off, w->len, 1) <= 1)
			a->best = v;
	}
}

/*
 * A word the lexicon does not know that begins with a typo of a pattern's
 * stem (`desmall\w*`, `umkipp\w*`, `erstick\w*`) reads as beginning with
 * the stem, the rest as typed: "dsmalle", "umkipt", "ersitcke" read as
 * desmalle, umkipp, ersticke.  The longest beginning of LEX_MIN_STEM_TYPO
 * letters or more within one edit (optimal string alignment) of a stem of
 * as many (it reads the odd real word the dictionaries lack too:
 * "gepiekst" as the Bavarian gspie\w*, vomited; six letters or more would
 * leave 22 more perturbed corpus lines under-read), the stem listed first
 * of equals, with at most LEX_STEM_REST letters after it; a word that
 * begins with a stem as typed stays.  contrib/triage-known.py lists the
 * real words that would read so as known.  Returns the length written to
 * out, or 0 to keep the word.
 */
static size_t
lex_stem_typo(const struct triage_lexicon *lx, const char *w, size_t n,
    char *out)
{
	struct lex_stem_arg	 a;
	const struct lex_word	*s;
	size_t			 p;
	int32_t			 x;

	if (lx == NULL || !lx->built || lx->stems.nnode == 0 ||
	    n < LEX_MIN_STEM_TYPO || n > LEX_MAX_WORD)
		return 0;
	if (lex_map_find(&lx->exact, lx, w, n, lex_hash(w, n)) != -1)
		return 0;	/* a word */
	for (p = LEX_MIN_STEM_PREFIX; p < n; p++) {
		x = lex_map_find(&lx->exact, lx, w, p, lex_hash(w, p));
		if (x != -1 && (
		    lx->word[lx->exact.node[x].val].kind == LEX_STEM ||
		    (p >= LEX_MIN_STEM_TYPO &&
		    lx->word[lx->exact.node[x].val].kind == LEX_TARGET)))
			return 0;	/* one beginning with a stem or a
					   target ("bloodclots" is no flood) */
	}
	a.lx = lx;
	a.pre = w;
	for (p = n; p >= LEX_MIN_STEM_TYPO && p + LEX_STEM_REST + 1 > n; p--) {
		a.p = p;
		a.best = -1;
		lex_deletes(w, p, 1, lex_stem_cb, &a);
		if (a.best == -1)
			continue;
		s = &lx->word[a.best];
		if (s->len + n - p > LEX_MAX_WORD ||
		    (s->len == p && memcmp(lx->arena + s->off, w, p) == 0))
			return 0;	/* too long, or the stem as typed */
		memcpy(out, lx->arena + s->off, s->len);
		memcpy(out + s->len, w + p, n - p);
		return s->len + n - p;
	}
	return 0;
}

/*
 * The target that the piece s[0, n) of a glued word is, or -1: a target
 * as typed, or with squeezed, a target whose squeezed form it is.
 */
static int32_t
lex_split_piece(const struct triage_lexicon *lx, const char *s, size_t n,
    int squeezed)
{
	const struct lex_map	*m = squeezed ? &lx->squeezed : &lx->exact;
	int32_t			 x;

	for (x = lex_map_find(m, lx, s, n, lex_hash(s, n)); x != -1;
	    x = squeezed ? lex_map_next(m, lx, x) : -1)
		if (lx->word[m->node[x].val].kind == LEX_TARGET)
			return m->node[x].val;
	return -1;
}

/*
 * 1 if w[0, n) may be read as words glued together: a built lexicon does not
 * know it, and it is no longer than LEX_MAX_SPLIT.
 */
static int
lex_unknown(const struct triage_lexicon *lx, const char *w, size_t n)
{
	return lx != NULL && lx->built && n <= LEX_MAX_SPLIT &&
	    (n > LEX_MAX_WORD ||
	    lex_map_find(&lx->exact, lx, w, n, lex_hash(w, n)) == -1);
}

/*
 * A word the lexicon does not know, read as targets that a writer glued
 * together ("calfpain", "heartattack", "chestpain"): the split into the
 * fewest targets of LEX_MIN_PIECE letters or more, one of them of
 * LEX_SPLIT_TARGET or more.  Only targets: a real word that splits into
 * some, "heartburn", is listed as known by contrib/triage-known.py and never
 * reaches here.  When the word as typed splits into none, its squeezed form
 * (every run of a letter as one) is split into the targets' squeezed forms,
 * so that a letter stretched or doubled inside a compound does not hide it
 * ("wadenschhmerzen", "heartaattack" are waden schmerzen, heart attack); the
 * targets are then written as the lexicon spells them.  Returns the length
 * written to out (the words parted by spaces; at most 2n), or 0 to keep
 * the word.
 */
static size_t
lex_split(const struct triage_lexicon *lx, const char *w, size_t n, char *out)
{
	/* cost[j]: words of the best split of w[0, j); back[j]: the last's start. */
	uint8_t			 cost[LEX_MAX_SPLIT + 1], back[LEX_MAX_SPLIT + 1];
	uint8_t			 found[LEX_MAX_SPLIT + 1];
	int32_t			 word[LEX_MAX_SPLIT + 1];
	char			 sq[LEX_MAX_SPLIT];
	const struct lex_word	*lw;
	const char		*t;
	size_t			 i, j, o, len, k;
	int32_t			 x;
	int			 f, squeezed;

	if (n < LEX_MIN_SPLIT || !lex_unknown(lx, w, n))
		return 0;	/* too short or long, or a word */
	for (squeezed = 0; squeezed <= 1; squeezed++) {
		if (squeezed) {
			if ((len = lex_squeeze(w, n, sq)) == n ||
			    len < LEX_MIN_SPLIT)
				return 0;	/* no run, or too short */
			t = sq;
		} else {
			len = n;
			t = w;
		}
		cost[0] = 0;
		found[0] = 0;
		for (j = 1; j <= len; j++) {
			cost[j] = UINT8_MAX;
			for (i = j > LEX_MAX_WORD ? j - LEX_MAX_WORD : 0;
			    i + LEX_MIN_PIECE <= j; i++) {
				if (cost[i] == UINT8_MAX ||
				    cost[i] + 1 > cost[j] ||
				    (x = lex_split_piece(lx, t + i, j - i,
				    squeezed)) == -1)
					continue;
				f = found[i] || j - i >= LEX_SPLIT_TARGET;
				if (cost[i] + 1 < cost[j] || f > found[j]) {
					cost[j] = (uint8_t)(cost[i] + 1);
					back[j] = (uint8_t)i;
					found[j] = (uint8_t)f;
					word[j] = x;
				}
			}
		}
		if (cost[len] != UINT8_MAX && found[len])
			break;
	}
	if (squeezed > 1)
		return 0;
	/* The words' lengths as written, then the words end to start. */
	for (j = len, o = cost[len] - 1; j > 0; j = back[j])
		o += squeezed ? lx->word[word[j]].len : j - back[j];
	if (o > 2 * n)
		return 0;
	k = o;
	for (j = len; j > 0; j = back[j]) {
		lw = &lx->word[word[j]];
		o -= squeezed ? lw->len : j - back[j];
		if (squeezed)
			memcpy(out + o, lx->arena + lw->off, lw->len);
		else
			memcpy(out + o, w + back[j], j - back[j]);
		if (o > 0)
			out[--o] = ' ';
	}
	return k;
}

/*
 * A word the lexicon does not know that is a glue word of the rules (`glue`:
 * an article, a possessive, a clitic) run into a target of LEX_MIN_GLUED
 * letters or more as typed, as dictation and thumbs write them ("elpecho",
 * "meduele", "mipierna", "mychest"): read as the two words.  Only the
 * rules' glue words, so that real words the lexicon does not list
 * ("sudando", "anywhere") never split.  Returns the length written to out
 * (n + 1), or 0 to keep the word.
 */
static size_t
lex_glued(const struct triage_lexicon *lx, const char *w, size_t n,
    char *out)
{
	size_t	i, g;

	if (lx == NULL || lx->nglue == 0 || n > LEX_MAX_WORD ||
	    !lex_unknown(lx, w, n))
		return 0;
	for (i = 0; i < lx->nglue; i++) {
		g = lx->glue[i].len;
		if (g + LEX_MIN_GLUED > n ||
		    memcmp(w, lx->arena + lx->glue[i].off, g) != 0 ||
		    lex_split_piece(lx, w + g, n - g, 0) == -1)
			continue;
		memcpy(out, w, g);
		out[g] = ' ';
		memcpy(out + g + 1, w + g, n - g);
		return n + 1;
	}
	return 0;
}

/*
 * A compound the lexicon does not know whose head, its last part, is a
 * target ("Treppenhausatemnot", "Belastungsluftnot"): German makes new
 * nouns so, and the head says what the thing is.  Read as the rest and the
 * head, the longest head of LEX_MIN_HEAD letters or more, when
 * LEX_MIN_MODIFIER letters or more come before it.  Not a word of the
 * lexicon, nor a typo of a word a concept spells (the caller's cue:
 * "abgeklappt"), nor when the rest is a target of LEX_MIN_HEAD letters or
 * more and a word of up to LEX_MAX_GLUE ("atemnotund"): symptoms glued
 * together are the rules' to read.  The real words that end so
 * ("ununterbrochen" is no "erbrochen") are listed as known by
 * contrib/triage-known.py.  Returns the length written to out (n + 1), or
 * 0 to keep the word.
 */
static size_t
lex_head(const struct triage_lexicon *lx, const char *w, size_t n, char *out)
{
	size_t	i, j;

	if (n < LEX_MIN_MODIFIER + LEX_MIN_HEAD || !lex_unknown(lx, w, n))
		return 0;	/* too short or long, or a word */
	for (i = 1; n - i >= LEX_MIN_HEAD; i++) {
		if (n - i > LEX_MAX_WORD || lex_split_piece(lx, w + i, n - i,
		    0) == -1)
			continue;
		if (i < LEX_MIN_MODIFIER)
			return 0;	/* "binumgekippt": a longer head */
		/*
		 * Two words glued with a short one between
		 * ("atemnotundbrustschmerzen"): the rules read those.
		 */
		for (j = LEX_MIN_HEAD; j < i; j++)
			if (i - j <= LEX_MAX_GLUE &&
			    lex_split_piece(lx, w, j, 0) != -1)
				return 0;
		memcpy(out, w, i);
		out[i] = ' ';
		memcpy(out + i + 1, w + i, n - i);
		return n + 1;
	}
	return 0;
}

/*
 * A word the lexicon does not know that ends in an ending of the rules
 * (`ending` statements: Spanish diminutives, "airecito", "piernita",
 * "naricita") reads as the word of the rules it makes with the ending's
 * first form that makes one: a target, or a word a pattern spells, never a
 * stem or a word only known.  A real word the lexicon knows stays, even
 * one only known.rules lists ("súbito" is no "subo", "perito" no "pero").
 * The longest suffix is tried first, then shorter ones;
 * LEX_MIN_ENDING_STEM letters must come before it, and the word read has
 * LEX_MIN_ENDING_WORD letters or more.  Returns the length written to out
 * (at most LEX_MAX_WORD), or 0 to keep the word.
 */
static size_t
lex_ending(const struct triage_lexicon *lx, const char *w, size_t n, char *out)
{
	const struct lex_ending	*e;
	const struct lex_word	*c;
	char			 buf[LEX_MAX_WORD];
	size_t			 i, j, stem, k;
	int32_t			 x;
	int			 unknown = -1;

	if (lx == NULL || !lx->built || n > LEX_MAX_WORD)
		return 0;
	for (i = 0; i < lx->nending; i++) {
		e = &lx->ending[i];
		if (n < (size_t)e->slen + LEX_MIN_ENDING_STEM ||
		    memcmp(w + n - e->slen, lx->arena + e->suffix,
		    e->slen) != 0)
			continue;
		if (unknown == -1 && !(unknown = lex_unknown(lx, w, n)))
			return 0;	/* a word: it stays */
		stem = n - e->slen;
		for (j = 0; j < e->nform; j++) {
			k = stem + e->flen[j];
			if (k < LEX_MIN_ENDING_WORD || k > LEX_MAX_WORD)
				continue;
			memcpy(buf, w, stem);
			memcpy(buf + stem, lx->arena + e->form[j], e->flen[j]);
			if ((x = lex_map_find(&lx->exact, lx, buf, k,
			    lex_hash(buf, k))) == -1)
				continue;
			c = &lx->word[lx->exact.node[x].val];
			if (c->kind == LEX_TARGET || c->kind == LEX_WORD ||
			    (c->kind == LEX_KNOWN && c->spelled)) {
				memcpy(out, buf, k);
				return k;
			}
		}
	}
	return 0;
}

/*
 * Whether the letters s[0, n) after a word's apostrophe make it a
 * contraction that keeps its spelling ("can't", "I'm", "you're", "we've",
 * "I'll", "I'd", "geht's"), rather than an elision inside a word ("Geh'n",
 * "Wad'l", "g'sehn", "pa'l"), which reads without the apostrophe.
 */
static int
norm_contraction(const char *s, size_t n)
{
	static const char *const suffix[] = { "s", "t", "re", "ve", "ll", "d",
	    "m" };
	size_t	i;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++)
		if (strlen(suffix[i]) == n && memcmp(s, suffix[i], n) == 0)
			return 1;
	return 0;
}

/*
 * A word before a clitic ('s, 're, 've, 'll, 'd, 'm: "chessst's",
 * "breathhing's", "hearrt's") reads as the word alone would, squeezed,
 * corrected or cut to a stem, and keeps its clitic: "chest's".  A 't
 * ("couldn't") is part of the word, which keeps its spelling, as does a
 * word of fewer than four letters before the clitic ("it's", "he'll").
 * Returns the bytes written to out, 0 when nothing changed; out has room
 * for 2 * n + LEX_MAX_WORD.
 */
static size_t
norm_clitic(const struct triage_lexicon *lx, const char *w, size_t n,
    char *out)
{
	const char	*fix;
	size_t		 b, k;

	for (b = n; b > 0 && w[b - 1] != '\''; b--)
		;
	if (b < 5 || b == n || !norm_contraction(w + b, n - b) ||
	    (n - b == 1 && w[b] == 't') || memchr(w, '\'', b - 1) != NULL)
		return 0;
	b--;		/* the word: w[0, b) */
	if ((fix = triage_lexicon_read(lx, w, b)) != NULL) {
		k = strlen(fix);
		memcpy(out, fix, k);
	} else if ((k = lex_stretch(lx, w, b, out)) == 0 &&
	    (k = lex_stem_typo(lx, w, b, out)) == 0)
		return 0;
	memcpy(out + k, w + b, n - b);
	return k + n - b;
}

/*
 * Whether k bytes more fit at out + o once in[0, i) is read: every step
 * writes at most three bytes a byte it reads, beside the 64 spare of
 * TRIAGE_NORM_SIZE, so out never outgrows it.  A word cut short reads as a
 * target up to 32 letters long ("komp." is kompressionsstrumpfe), and a run
 * of them would otherwise overrun it.
 */
static int
norm_fits(size_t o, size_t k, size_t i)
{
	return o + k < TRIAGE_NORM_SIZE(i);
}

/*
 * Whether the letters that end out[0, o) name a chemical a 2 belongs to:
 * SpO2, SaO2, O2, CO2, H2O.
 */
static int
norm_formula(const char *out, size_t o)
{
	static const char *const name[] = { "spo", "sao", "o", "co", "h" };
	size_t	s = o, i;

	while (s > 0 && norm_is_letter((unsigned char)out[s - 1]))
		s--;
	for (i = 0; i < sizeof name / sizeof name[0]; i++)
		if (strlen(name[i]) == o - s &&
		    memcmp(out + s, name[i], o - s) == 0)
			return 1;
	return 0;
}

/*
 * One word w[0, n) of a message, read (triage_norm_words) into out + o once
 * in[0, i) is read, i just past the word: its ending, its correction, its
 * clitic, stretch, stem, split, glue or head, a cue's typo, else itself with
 * runs of letters cut to two.  glued: a non-ASCII byte touches the word.
 * Returns the bytes written; *counted is set to 1 when the word is a typo of
 * a cue word (triage_norm.h), else left alone.
 */
static size_t
norm_word(const struct triage_lexicon *lx, const char *w, size_t n,
    int glued, int flags, char *out, size_t o, size_t i, int *counted)
{
	const char	*fix, *cue = NULL;
	size_t		 k;
	int		 apos;

	/*
	 * A contraction, and a word glued to other letters (Cyrillic,
	 * Greek), keeps its spelling; a word before a clitic is read
	 * on its own (norm_clitic).
	 */
	apos = memchr(w, '\'', n) != NULL;
	/* "airecito" is aire: an ending before any typo. */
	if (!apos && norm_fits(o, LEX_MAX_WORD, i) &&
	    (k = lex_ending(lx, w, n, out + o)) > 0)
		return k;
	fix = apos || glued ? NULL : lex_read(lx, w, n, &cue);
	if (fix != NULL && norm_fits(o, strlen(fix), i)) {
		k = strlen(fix);
		memcpy(out + o, fix, k);
		return k;
	}
	if (apos) {
		if (norm_fits(o, 2 * n + LEX_MAX_WORD, i) &&
		    (k = norm_clitic(lx, w, n, out + o)) > 0)
			return k;
	} else if ((k = lex_stretch(lx, w, n, out + o)) > 0 ||
	    (norm_fits(o, LEX_MAX_WORD, i) &&
	    (k = lex_stem_typo(lx, w, n, out + o)) > 0) ||
	    (norm_fits(o, 2 * n, i) &&
	    (k = lex_split(lx, w, n, out + o)) > 0) ||
	    (norm_fits(o, n + 1, i) &&
	    (k = lex_glued(lx, w, n, out + o)) > 0) ||
	    (cue == NULL && norm_fits(o, n + 1, i) &&
	    (k = lex_head(lx, w, n, out + o)) > 0))
		return k;
	/*
	 * Unknown, but a typo of a word a concept or a raising cue
	 * spells that is no target (lex_is_cue): counted, and read as
	 * that word in the second reading (triage_norm.h).
	 */
	if (cue != NULL) {
		*counted = 1;
		if ((flags & TRIAGE_READ_CUES) != 0 &&
		    norm_fits(o, strlen(cue), i)) {
			k = strlen(cue);
			memcpy(out + o, cue, k);
			return k;
		}
	}
	/* Unknown: runs of three or more letters become two. */
	return norm_runs_of_two(w, 0, n, out + o);
}

/*
 * norm_word through the lexicon's memory of words read (struct lex_cached):
 * when every bound norm_word checks holds (the longest it asks for is
 * 2 * n + LEX_MAX_WORD bytes), its reading depends only on the word, glued
 * and the flags.  Counts a cue's typo in *cues (when not NULL).
 */
static size_t
norm_word_cached(const struct triage_lexicon *lx, const char *w, size_t n,
    int glued, int flags, char *out, size_t o, size_t i, int *cues)
{
	struct lex_cached	*e;
	unsigned char		 ctx;
	uint32_t		 h;
	size_t			 k;
	int			 counted = 0;

	if (lx == NULL || lx->cache == NULL || n > LEX_MAX_WORD ||
	    !norm_fits(o, 2 * n + LEX_MAX_WORD, i)) {
		k = norm_word(lx, w, n, glued, flags, out, o, i, &counted);
	} else {
		ctx = (unsigned char)((glued ? 2 : 0) |
		    ((flags & TRIAGE_READ_CUES) != 0 ? 1 : 0));
		h = triage_norm_fnv(lex_hash(w, n), (const char *)&ctx, 1);
		e = &lx->cache[h & (LEX_CACHE_SLOTS - 1)];
		if (e->hash == h && e->n == n && e->ctx == ctx &&
		    memcmp(e->word, w, n) == 0) {
			k = e->k;
			memcpy(out + o, e->out, k);
			counted = e->counted;
		} else {
			k = norm_word(lx, w, n, glued, flags, out, o, i,
			    &counted);
			if (k <= sizeof e->out) {
				e->hash = h;
				e->n = (uint8_t)n;
				e->ctx = ctx;
				e->k = (uint8_t)k;
				e->counted = (uint8_t)counted;
				memcpy(e->word, w, n);
				memcpy(e->out, out + o, k);
			}
		}
	}
	if (counted && cues != NULL)
		(*cues)++;
	return k;
}

size_t
triage_norm_words(const struct triage_lexicon *lx, const char *in, size_t len,
    char *out, int flags, int *cues)
{
	char		 joined[LEX_MAX_WORD + 1], plain[LEX_MAX_WORD + 1];
	const char	*w, *fix;
	size_t		 i = 0, o = 0, s, n, k, span, nl, shortend = SIZE_MAX;

	while (i < len) {
		if (!norm_is_letter((unsigned char)in[i])) {
			/*
			 * The dot of a word of one or two letters before another
			 * word ("li. gerötet u. überwärmt", "re. Wade", "ok. no
			 * pain") is a soft stop: more often an abbreviation's
			 * than a sentence's end, and it still ends a denial.
			 */
			if (in[i] == '.' && i == shortend && i + 2 < len &&
			    in[i + 1] == ' ' &&
			    norm_is_letter((unsigned char)in[i + 2])) {
				out[o++] = TRIAGE_SOFT_STOP;
				i++;
				continue;
			}
			/*
			 * "hurts2breathe": a 2 glued between letters is "to",
			 * but not in a chemical's name ("spo2low", "co2").
			 */
			if (in[i] == '2' && o > 0 && i + 1 < len &&
			    norm_is_letter((unsigned char)out[o - 1]) &&
			    norm_is_letter((unsigned char)in[i + 1]) &&
			    !norm_formula(out, o) && norm_fits(o, 4, i + 1)) {
				memcpy(out + o, " to ", 4);
				o += 4;
				i++;
				continue;
			}
			out[o++] = in[i++];
			continue;
		}
		s = i;
		if ((span = norm_dotted(in, len, i, &nl)) > 0 &&
		    nl <= LEX_MAX_WORD) {
			for (k = 0, n = 0; k < span; k++)
				if (in[i + k] != '.')
					joined[n++] = in[i + k];
			w = joined;
			i += span;
		} else if ((span = norm_spaced(lx, in, len, i, joined,
		    &nl)) > 0) {
			w = joined;
			n = nl;
			i += span;
		} else {
			/* "doesn't" is one word: its parts are no words. */
			while (i < len && (norm_is_letter((unsigned char)in[i]) ||
			    (in[i] == '\'' && i + 1 < len &&
			    norm_is_letter((unsigned char)in[i + 1]))))
				i++;
			w = in + s;
			n = i - s;
			for (k = n; k > 0 && w[k - 1] != '\''; k--)
				;
			if (k > 0 && w[1] == '\'' && strchr("gz", w[0]) == NULL &&
			    !norm_contraction(w + k, n - k)) {
				/*
				 * An elided article or pronoun ("d'Luft",
				 * "s'Herz", "m'ahogo") is a word of its own, as
				 * the rules spell it; g' and z' begin a word
				 * ("g'sehn", "z'sammg'sackt").
				 */
				i = s + 1;
				n = 1;
			} else if (k > 0 && n <= LEX_MAX_WORD &&
			    !norm_contraction(w + k, n - k)) {
				for (k = 0, nl = 0; k < n; k++)
					if (w[k] != '\'')
						plain[nl++] = w[k];
				w = plain;
				n = nl;
			}
		}
		shortend = w != joined && i - s <= 2 ? i : SIZE_MAX;
		/* "resp." and "Brustschm." read as the word they cut short. */
		if (i < len && in[i] == '.' && w != joined &&
		    (fix = lex_abbreviation(lx, w, n)) != NULL &&
		    norm_fits(o, strlen(fix) + 1, i + 1)) {
			k = strlen(fix);
			memcpy(out + o, fix, k);
			o += k;
			/* The dot is no sentence end, but may end a denial. */
			out[o++] = TRIAGE_SOFT_STOP;
			i++;
			continue;
		}
		o += norm_word_cached(lx, w, n,
		    (i < len && (unsigned char)in[i] >= 0x80) ||
		    (s > 0 && (unsigned char)in[s - 1] >= 0x80), flags, out, o,
		    i, cues);
	}
	out[o] = '\0';
	return o;
}
