/* SPDX-License-Identifier: ISC */
/*
 * The second reader (triage_reader.h): hashed features of a message as the
 * engine reads it, and two logistic models over them.
 *
 * The features, which contrib/triage-train.py computes the same way:
 * - each word (a run of bytes that are neither ASCII blanks nor ASCII
 *   punctuation nor TRIAGE_SOFT_STOP), its first TRIAGE_READER_WORD bytes
 *   padded with a blank on each side, gives every byte n-gram of 2 to 5
 *   bytes; each n-gram's FNV-1a hash, masked to TRIAGE_READER_BITS bits,
 *   is a bucket of the first kind;
 * - each word ('w' and the word) and each pair of words in a row ('b', the
 *   word before or '^' at the start, a blank, the word) hashed the same way
 *   is a bucket of the second kind (offset by 2^TRIAGE_READER_BITS);
 * - each kind's counts are divided by the square root of their sum.
 * A model's log-odds is its bias plus the sum of count/norm times weight.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage_norm.h"
#include "triage_reader.h"
#include "xmalloc.h"

#define READER_MASK	((UINT32_C(1) << TRIAGE_READER_BITS) - 1)
#define READER_SPACE	(UINT32_C(2) << TRIAGE_READER_BITS)
#define READER_FNVP	UINT32_C(16777619)
#define READER_LINE	256

struct triage_reader_weight {
	uint32_t	key;		/* bucket + 1; 0: empty */
	float		w[2];		/* emergency, urgent */
};

/*
 * A word's n-grams remembered (triage_reader_word): how many there are and,
 * in order, the weights of those the model holds, so that a word read
 * again adds the same weights in the same order (the sums are floating
 * point) without hashing its n-grams and looking each up in the model's
 * table, a likely cache miss each.  Direct mapped by the word's hash; a
 * word with more weights than w holds is not remembered.
 */
#define READER_CACHE_SLOTS	8192	/* a power of two */
#define READER_CACHE_WEIGHTS	26

struct triage_reader_cached {
	uint32_t	hash;
	uint8_t		len;		/* bytes of word; 0: empty */
	uint8_t		nw;		/* weights in w */
	uint16_t	ngrams;
	char		word[TRIAGE_READER_WORD];
	float		w[READER_CACHE_WEIGHTS][2];
};

struct triage_reader {
	struct triage_reader_weight	*tab;
	uint32_t		 mask;	/* table size - 1 */
	size_t			 n;
	double			 bias[2];
	double			 cut[2];	/* thresholds as log-odds */
	/*
	 * Words read, written by triage_reader_score through its const
	 * pointer: one reader scores in one thread at a time.
	 */
	struct triage_reader_cached *cache;
};

/* A message's buckets of one kind: their weights summed, counted. */
struct triage_reader_sum {
	double		 sum[2];
	unsigned	 n;
};

static uint32_t
triage_reader_mix(uint32_t h)
{
	h ^= h >> 16;
	h *= UINT32_C(0x45d9f3b);
	h ^= h >> 16;
	return h;
}

static const struct triage_reader_weight *
triage_reader_find(const struct triage_reader *rd, uint32_t bucket)
{
	uint32_t	i = triage_reader_mix(bucket) & rd->mask;

	for (;; i = (i + 1) & rd->mask) {
		if (rd->tab[i].key == bucket + 1)
			return &rd->tab[i];
		if (rd->tab[i].key == 0)
			return NULL;
	}
}

static int
triage_reader_put(struct triage_reader *rd, uint32_t bucket, float we,
    float wu)
{
	uint32_t	i = triage_reader_mix(bucket) & rd->mask;

	for (; rd->tab[i].key != 0; i = (i + 1) & rd->mask)
		if (rd->tab[i].key == bucket + 1)
			return -1;
	rd->tab[i].key = bucket + 1;
	rd->tab[i].w[0] = we;
	rd->tab[i].w[1] = wu;
	rd->n++;
	return 0;
}

static double
triage_reader_logit(double p)
{
	return log(p / (1.0 - p));
}

/* Counts the weight lines, to size the table; at most READER_SPACE. */
static size_t
triage_reader_lines(FILE *fp)
{
	char	 buf[READER_LINE];
	size_t	 n = 0;

	while (fgets(buf, sizeof buf, fp) != NULL && n < READER_SPACE)
		if (isdigit((unsigned char)buf[0]))
			n++;
	rewind(fp);
	return n;
}

/* A number that is all of its word: strtod's, finite, in range. */
static int
triage_reader_number(char **p, double *v)
{
	char	*end;

	errno = 0;
	*v = strtod(*p, &end);
	if (end == *p || errno == ERANGE || !isfinite(*v) ||
	    (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\0'))
		return -1;
	*p = end;
	return 0;
}

/* Only blanks left on the line. */
static int
triage_reader_end(const char *p)
{
	return p[strspn(p, " \t\r\n")] == '\0';
}

/* "<bucket> <emergency weight> <urgent weight>" */
static int
triage_reader_weight_line(struct triage_reader *rd, char *p,
    struct diag *d, const char *path, unsigned line)
{
	unsigned long	 bucket;
	double		 we, wu;
	char		*end;

	errno = 0;
	bucket = strtoul(p, &end, 10);
	if (errno != 0 || bucket >= READER_SPACE || (*end != ' ' &&
	    *end != '\t')) {
		diag_error(d, path, line, "expected a bucket below %lu and two "
		    "weights", (unsigned long)READER_SPACE);
		return -1;
	}
	p = end;
	if (triage_reader_number(&p, &we) == -1 ||
	    triage_reader_number(&p, &wu) == -1 || !triage_reader_end(p) ||
	    fabs(we) > 1e6 || fabs(wu) > 1e6) {
		diag_error(d, path, line, "expected a bucket and two weights");
		return -1;
	}
	if (rd->n >= (size_t)rd->mask / 2) {
		diag_error(d, path, line, "more weights than counted");
		return -1;
	}
	if (triage_reader_put(rd, (uint32_t)bucket, (float)we,
	    (float)wu) == -1) {
		diag_error(d, path, line, "bucket %lu twice", bucket);
		return -1;
	}
	return 0;
}

/* "emergency|urgent <bias> <threshold>"; *got marks the one read. */
static int
triage_reader_model_line(struct triage_reader *rd, char *p, int *got,
    struct diag *d, const char *path, unsigned line)
{
	double	 bias, cut;
	int	 k;

	if (strncmp(p, "emergency ", 10) == 0) {
		k = 0;
		p += 10;
	} else if (strncmp(p, "urgent ", 7) == 0) {
		k = 1;
		p += 7;
	} else {
		diag_error(d, path, line, "expected 'emergency' or 'urgent', "
		    "a bias and a threshold");
		return -1;
	}
	if (triage_reader_number(&p, &bias) == -1 ||
	    triage_reader_number(&p, &cut) == -1 || !triage_reader_end(p) ||
	    !(cut > 0.0 && cut < 1.0)) {
		diag_error(d, path, line, "expected a bias and a threshold "
		    "between 0 and 1");
		return -1;
	}
	if ((*got & (1 << k)) != 0) {
		diag_error(d, path, line, "'%s' twice", k == 0 ? "emergency" :
		    "urgent");
		return -1;
	}
	rd->bias[k] = bias;
	rd->cut[k] = triage_reader_logit(cut);
	*got |= 1 << k;
	return 0;
}

struct triage_reader *
triage_reader_load(const char *path, struct diag *d)
{
	struct triage_reader *rd;
	FILE		*fp;
	char		 buf[READER_LINE];
	char		 hdr[32];
	unsigned	 line = 0;
	size_t		 n, size, len, hl;
	int		 head = 0, got = 0, rc;

	if ((fp = fopen(path, "r")) == NULL) {
		diag_error(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	n = triage_reader_lines(fp);
	for (size = 1024; size <= 2 * n; size *= 2)
		;
	rd = xcalloc(1, sizeof *rd);
	rd->tab = xcalloc(size, sizeof *rd->tab);
	rd->cache = xcalloc(READER_CACHE_SLOTS, sizeof *rd->cache);
	rd->mask = (uint32_t)size - 1;
	while (fgets(buf, sizeof buf, fp) != NULL) {
		line++;
		len = strlen(buf);
		if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
			diag_error(d, path, line, "line longer than %d bytes",
			    READER_LINE - 2);
			goto fail;
		}
		if (buf[0] == '#' || triage_reader_end(buf))
			continue;
		if (!head) {
			hl = (size_t)snprintf(hdr, sizeof hdr, "reader 1 %d",
			    TRIAGE_READER_BITS);
			if (strncmp(buf, hdr, hl) != 0 ||
			    !triage_reader_end(buf + hl)) {
				diag_error(d, path, line, "expected 'reader 1 "
				    "%d' first", TRIAGE_READER_BITS);
				goto fail;
			}
			head = 1;
			continue;
		}
		if (isdigit((unsigned char)buf[0]))
			rc = triage_reader_weight_line(rd, buf, d, path, line);
		else
			rc = triage_reader_model_line(rd, buf, &got, d, path,
			    line);
		if (rc == -1)
			goto fail;
	}
	if (ferror(fp)) {
		diag_error(d, path, line, "read error: %s", strerror(errno));
		goto fail;
	}
	if (got != 3) {
		diag_error(d, path, line, "needs an 'emergency' and an "
		    "'urgent' line");
		goto fail;
	}
	fclose(fp);
	return rd;
fail:
	fclose(fp);
	triage_reader_free(rd);
	return NULL;
}

void
triage_reader_free(struct triage_reader *rd)
{
	if (rd == NULL)
		return;
	free(rd->tab);
	free(rd->cache);
	free(rd);
}

size_t
triage_reader_size(const struct triage_reader *rd)
{
	return rd->n;
}

static int
triage_reader_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == (unsigned char)TRIAGE_SOFT_STOP || (c < 0x80 && ispunct(c));
}

/* One occurrence of bucket b; returns its weight, NULL when it has none. */
static const struct triage_reader_weight *
triage_reader_add(const struct triage_reader *rd, struct triage_reader_sum *rs,
    uint32_t b)
{
	const struct triage_reader_weight *w;

	rs->n++;
	if ((w = triage_reader_find(rd, b)) != NULL) {
		rs->sum[0] += w->w[0];
		rs->sum[1] += w->w[1];
	}
	return w;
}

/*
 * The n-grams of one word, padded, into rc; when e is not NULL, also
 * remembered there (when their weights fit).
 */
static void
triage_reader_grams(const struct triage_reader *rd, struct triage_reader_sum *rc,
    const char *w, size_t wl, struct triage_reader_cached *e)
{
	const struct triage_reader_weight *f;
	char		 p[TRIAGE_READER_WORD + 2];
	uint32_t	 b[4 * (TRIAGE_READER_WORD + 1)];
	size_t		 m, i, n, nb = 0;
	uint32_t	 h;

	if (wl > TRIAGE_READER_WORD)
		wl = TRIAGE_READER_WORD;
	p[0] = ' ';
	memcpy(p + 1, w, wl);
	p[wl + 1] = ' ';
	m = wl + 2;
	/*
	 * The word's buckets first, each one's slot asked for ahead, then
	 * added in the same order (the sums are floating point): a slot is
	 * a likely cache miss, and this way they overlap.
	 */
	for (i = 0; i + 2 <= m; i++) {
		h = TRIAGE_NORM_FNV0;
		for (n = 1; n <= 5 && i + n <= m; n++) {
			h ^= (unsigned char)p[i + n - 1];
			h *= READER_FNVP;	/* triage_norm_fnv, a byte at a time */
			if (n >= 2) {
				b[nb] = h & READER_MASK;
				__builtin_prefetch(&rd->tab[
				    triage_reader_mix(b[nb++]) & rd->mask]);
			}
		}
	}
	if (e != NULL) {
		e->len = 0;
		e->nw = 0;
		e->ngrams = (uint16_t)nb;
	}
	for (i = 0; i < nb; i++) {
		if ((f = triage_reader_add(rd, rc, b[i])) == NULL)
			continue;
		if (e != NULL && e->nw < READER_CACHE_WEIGHTS) {
			e->w[e->nw][0] = f->w[0];
			e->w[e->nw][1] = f->w[1];
		}
		if (e != NULL && e->nw <= READER_CACHE_WEIGHTS)
			e->nw++;
	}
	if (e != NULL && e->nw <= READER_CACHE_WEIGHTS) {
		memcpy(e->word, w, wl);
		e->len = (uint8_t)wl;
	}
}

/*
 * The n-grams of the word w[0, wl) into rc: as remembered when the word
 * was read before (the same weights added in the same order), else by
 * triage_reader_grams, remembered.
 */
static void
triage_reader_word(const struct triage_reader *rd,
    struct triage_reader_sum *rc, const char *w, size_t wl)
{
	struct triage_reader_cached	*e;
	uint32_t			 h;
	int				 j;

	if (wl > TRIAGE_READER_WORD) {
		triage_reader_grams(rd, rc, w, wl, NULL);
		return;
	}
	h = triage_norm_fnv(TRIAGE_NORM_FNV0, w, wl);
	e = &rd->cache[triage_reader_mix(h) & (READER_CACHE_SLOTS - 1)];
	if (e->len != wl || e->hash != h || memcmp(e->word, w, wl) != 0) {
		e->hash = h;
		triage_reader_grams(rd, rc, w, wl, e);
		return;
	}
	rc->n += e->ngrams;
	for (j = 0; j < e->nw; j++) {
		rc->sum[0] += e->w[j][0];
		rc->sum[1] += e->w[j][1];
	}
}

void
triage_reader_score(const struct triage_reader *rd, const char *text,
    size_t len, struct triage_reader_result *out)
{
	struct triage_reader_sum	 rs[2];
	size_t			 i = 0, a, pl = 1;
	const char		*prev = "^";
	uint32_t		 h, off = UINT32_C(1) << TRIAGE_READER_BITS;
	double			 z[2];
	int			 k;

	memset(rs, 0, sizeof rs);
	while (i < len) {
		while (i < len && triage_reader_sep((unsigned char)text[i]))
			i++;
		if (i == len)
			break;
		for (a = i; i < len && !triage_reader_sep((unsigned char)text[i]);
		    i++)
			;
		triage_reader_word(rd, &rs[0], text + a, i - a);
		h = triage_norm_fnv(TRIAGE_NORM_FNV0, "w", 1);
		h = triage_norm_fnv(h, text + a, i - a);
		(void)triage_reader_add(rd, &rs[1], (h & READER_MASK) | off);
		h = triage_norm_fnv(TRIAGE_NORM_FNV0, "b", 1);
		h = triage_norm_fnv(h, prev, pl);
		h = triage_norm_fnv(h, " ", 1);
		h = triage_norm_fnv(h, text + a, i - a);
		(void)triage_reader_add(rd, &rs[1], (h & READER_MASK) | off);
		prev = text + a;
		pl = i - a;
	}
	for (k = 0; k < 2; k++) {
		z[k] = rd->bias[k];
		if (rs[0].n > 0)
			z[k] += rs[0].sum[k] / sqrt((double)rs[0].n);
		if (rs[1].n > 0)
			z[k] += rs[1].sum[k] / sqrt((double)rs[1].n);
	}
	out->emergency = z[0];
	out->urgent = z[1];
	out->raise_emergency = z[0] > rd->cut[0];
	out->raise_urgent = z[1] > rd->cut[1];
}
