/* SPDX-License-Identifier: ISC */
/*
 * CLDR plural conditions over whole numbers (see plural.h): one recursive
 * descent that both checks and evaluates.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "plural.h"

const char *const plural_categories[] = {
	"zero", "one", "two", "few", "many", "other", NULL,
};

struct plural_scan {
	const char	*p;
	const char	*end;
	long long	 n;
	const char	*why;		/* set at the first error */
};

int
plural_is_category(const char *s, size_t len)
{
	const char *const	*c;

	for (c = plural_categories; *c != NULL; c++)
		if (strlen(*c) == len && strncmp(*c, s, len) == 0)
			return 1;
	return 0;
}

static void
plural_space(struct plural_scan *sc)
{
	while (sc->p < sc->end && isspace((unsigned char)*sc->p))
		sc->p++;
}

/* Consumes word (a keyword or operator) if it comes next. */
static int
plural_accept(struct plural_scan *sc, const char *word)
{
	size_t	len = strlen(word);

	plural_space(sc);
	if ((size_t)(sc->end - sc->p) < len || strncmp(sc->p, word, len) != 0)
		return 0;
	/* "or" and "and" are whole words */
	if (isalpha((unsigned char)word[0]) && sc->p + len < sc->end &&
	    isalnum((unsigned char)sc->p[len]))
		return 0;
	sc->p += len;
	return 1;
}

static int
plural_fail(struct plural_scan *sc, const char *why)
{
	if (sc->why == NULL)
		sc->why = why;
	return 0;
}

static int
plural_number(struct plural_scan *sc, long long *v)
{
	int	digits = 0;

	plural_space(sc);
	*v = 0;
	while (sc->p < sc->end && isdigit((unsigned char)*sc->p)) {
		if (++digits > 15)
			return plural_fail(sc, "a number of more than 15 digits");
		*v = *v * 10 + (*sc->p++ - '0');
	}
	return digits > 0 ? 1 : plural_fail(sc, "a number was expected");
}

/* OPERAND [% M] (= | !=) RANGE_LIST */
static int
plural_relation(struct plural_scan *sc)
{
	long long	 x, m, lo, hi;
	int		 eq, in = 0;

	plural_space(sc);
	if (sc->p == sc->end || strchr("nivwftce", *sc->p) == NULL ||
	    (sc->p + 1 < sc->end && isalnum((unsigned char)sc->p[1])))
		return plural_fail(sc, "an operand (n, i, v, w, f, t, c, e) "
		    "was expected");
	x = (*sc->p == 'n' || *sc->p == 'i') ? sc->n : 0;
	sc->p++;
	if (plural_accept(sc, "%")) {
		if (!plural_number(sc, &m))
			return 0;
		if (m == 0)
			return plural_fail(sc, "% 0");
		x %= m;
	}
	if (plural_accept(sc, "!="))
		eq = 0;
	else if (plural_accept(sc, "="))
		eq = 1;
	else
		return plural_fail(sc, "'=' or '!=' was expected");
	do {
		if (!plural_number(sc, &lo))
			return 0;
		hi = lo;
		if (plural_accept(sc, "..") && !plural_number(sc, &hi))
			return 0;
		if (x >= lo && x <= hi)
			in = 1;
	} while (plural_accept(sc, ","));
	return eq ? in : !in;
}

static int
plural_and(struct plural_scan *sc)
{
	int	v = plural_relation(sc);

	while (plural_accept(sc, "and"))
		v = plural_relation(sc) && v;
	return v;
}

/* Evaluates the whole condition; sc->why says whether it was well formed. */
static int
plural_eval(const char *s, size_t len, long long n, const char **why)
{
	struct plural_scan	 sc;
	const char		*at;
	int			 v;

	memset(&sc, 0, sizeof sc);
	sc.p = s;
	sc.end = s + len;
	if ((at = memchr(s, '@', len)) != NULL)	/* CLDR's samples */
		sc.end = at;
	sc.n = n;
	v = plural_and(&sc);
	while (plural_accept(&sc, "or"))
		v = plural_and(&sc) || v;
	plural_space(&sc);
	if (sc.why == NULL && sc.p != sc.end)
		sc.why = "'and', 'or' or the end was expected";
	*why = sc.why;
	return sc.why == NULL && v;
}

int
plural_check(const char *s, size_t len, const char **why)
{
	(void)plural_eval(s, len, 0, why);
	return *why == NULL ? 0 : -1;
}

int
plural_match(const char *s, size_t len, long long n)
{
	const char	*why;

	return plural_eval(s, len, n, &why);
}
