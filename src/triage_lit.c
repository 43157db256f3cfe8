/* SPDX-License-Identifier: ISC */
/*
 * Required literals: a cheap proof that a pattern line cannot match.
 *
 * Most pattern lines match few messages, and PCRE2 spends 1-10 us on each
 * line proving it: with UTF, Unicode \w and \b and caseless matching, and
 * most lines starting with \b and an alternation, it tries every position.
 * So at load time each line's pattern is walked for the literal text that
 * any match must contain, as clauses: a match contains at least one string
 * of every clause.  Per message, one pass of an Aho-Corasick automaton over
 * the text folded to lower case marks the clauses that are satisfied, and a
 * line with an unsatisfied clause is not searched: it cannot match.
 *
 * The walk must never claim more than is true.  It takes only ASCII
 * characters other than the space, and symbols that have no case (emoji,
 * dingbats, the inverted marks: lit_caseless_symbol), as literal text (a
 * blanked harmless phrase is spaces, so a literal found in the blanked copy
 * was in the message too) and folds letters to lower case.  Caseless UTF
 * matching pairs two non-ASCII characters with ASCII letters, U+017F (long
 * s) with s and U+212A (Kelvin sign) with k; the scan reads them as s and k.
 * test-triage checks that the linked PCRE2 knows no others.  Anything the
 * walk does not follow (an optional part, a class, a non-ASCII character)
 * only ends a literal; syntax it does not know at all (back references,
 * recursion, inline options, \Q, \x, verbs) makes it give up on the line,
 * and the loader then keeps the target's joined alternation, since such a
 * line may not mean the same alone as inside it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "triage_int.h"
#include "xmalloc.h"

#define LIT_MAX_LEN	16	/* a longer run is cut: its prefix is required too */
#define LIT_DENSE	256	/* states with a full row of next states */

/* Clause bits in one word of sat (while building): sat[word] |= mask. */
struct lit_bits {
	uint32_t	 word;
	uint64_t	 mask;
};

/* A clause: any one of the strings. */
struct lit_clause {
	char	**s;
	int	  n;
};

/* A line's constraint: every clause; none, no constraint. */
struct lit_cnf {
	struct lit_clause *c;
	int		   n;
};

struct lit_walk {
	const char	*p;
	int		 bad;		/* syntax the walk does not follow */
	int		 bytes;		/* same on ASCII text without UTF */
	int		 bound;		/* the next atom starts a word (\\b, ^) */
	int		 endbound;	/* the branches of this group end a word */
};


/*
 * LIT_BOUND stands before every character that starts a word, in a literal
 * and in the scanned text alike: "\x01air" is "air" at the start of a word,
 * which "stairs" does not hold.  A word character is an ASCII letter, digit
 * or '_'; the scan takes any other byte as no word character, so it finds a
 * word start wherever PCRE2 could (and some more), never fewer.
 */
#define LIT_BOUND	'\x01'
/* LIT_END likewise stands after every character that ends a word. */
#define LIT_END		'\x02'

static int
lit_is_word(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Ends a word in the run, when its last character is a word character. */
static void
lit_end_word(char *run, size_t *len)
{
	if (*len > 0 && *len < LIT_MAX_LEN &&
	    lit_is_word((unsigned char)run[*len - 1]))
		run[(*len)++] = LIT_END;
}

/* One literal of one clause, until the automaton is built. */
struct lit_entry {
	char		*s;
	uint16_t	 clause;
	uint32_t	 state;		/* where the trie spells it */
};

static void	lit_alt(struct lit_walk *, struct lit_cnf *);

enum { LOOK_NONE, LOOK_NOT, LOOK_MUST };	/* lit_group's *look */

static void
lit_clause_free(struct lit_clause *cl)
{
	int	i;

	for (i = 0; i < cl->n; i++)
		free(cl->s[i]);
	free(cl->s);
	cl->s = NULL;
	cl->n = 0;
}

static void
lit_cnf_free(struct lit_cnf *cnf)
{
	int	i;

	for (i = 0; i < cnf->n; i++)
		lit_clause_free(&cnf->c[i]);
	free(cnf->c);
	cnf->c = NULL;
	cnf->n = 0;
}

static void
lit_clause_add(struct lit_clause *cl, const char *s, size_t len)
{
	int	i;

	for (i = 0; i < cl->n; i++)
		if (strlen(cl->s[i]) == len && memcmp(cl->s[i], s, len) == 0)
			return;
	cl->s = xreallocarray(cl->s, (size_t)cl->n + 1, sizeof *cl->s);
	cl->s[cl->n++] = xstrndup(s, len);
}

/* Takes over cl. */
static void
lit_cnf_add(struct lit_cnf *cnf, struct lit_clause *cl)
{
	cnf->c = xreallocarray(cnf->c, (size_t)cnf->n + 1, sizeof *cnf->c);
	cnf->c[cnf->n++] = *cl;
	cl->s = NULL;
	cl->n = 0;
}

static size_t
lit_clause_minlen(const struct lit_clause *cl)
{
	size_t	min = SIZE_MAX, len;
	int	i;

	for (i = 0; i < cl->n; i++)
		if ((len = strlen(cl->s[i])) < min)
			min = len;
	return min;
}

/* 1 if a is the more selective clause: longer strings, then fewer. */
static int
lit_clause_better(const struct lit_clause *a, const struct lit_clause *b)
{
	size_t	la = lit_clause_minlen(a), lb = lit_clause_minlen(b);

	return la > lb || (la == lb && a->n < b->n);
}

static int
lit_cnf_best(const struct lit_cnf *cnf)
{
	int	i, best = 0;

	for (i = 1; i < cnf->n; i++)
		if (lit_clause_better(&cnf->c[i], &cnf->c[best]))
			best = i;
	return best;
}

/*
 * A string that contains another of the clause adds nothing: drop it (of
 * equal strings, all but the first).
 */
static void
lit_clause_minimise(struct lit_clause *cl)
{
	char	*drop;
	int	 i, j, out = 0;

	drop = xcalloc((size_t)cl->n + 1, 1);
	for (i = 0; i < cl->n; i++)
		for (j = 0; j < cl->n && !drop[i]; j++)
			drop[i] = j != i && strstr(cl->s[i], cl->s[j]) != NULL &&
			    (strcmp(cl->s[i], cl->s[j]) != 0 || j < i);
	for (i = 0; i < cl->n; i++) {
		if (drop[i])
			free(cl->s[i]);
		else
			cl->s[out++] = cl->s[i];
	}
	cl->n = out;
	free(drop);
}

/* Ends the current run of literal text: it becomes a clause of its own. */
static void
lit_flush(struct lit_cnf *cnf, char *run, size_t *len)
{
	struct lit_clause	cl = { NULL, 0 };

	if (*len == 0)
		return;
	lit_clause_add(&cl, run, *len);
	lit_cnf_add(cnf, &cl);
	*len = 0;
}

/*
 * A quantifier after an atom: steps over it and its lazy or possessive mark,
 * sets *min (1 without one) and returns 1 if there was one.  A brace that
 * is no quantifier is text to PCRE2 10.42 and a quantifier to later
 * versions: give up.
 */
static int
lit_quant(struct lit_walk *w, unsigned *min)
{
	const char	*p = w->p;
	unsigned	 n = 0;
	int		 digits = 0;

	*min = 1;
	switch (*p) {
	case '?':
	case '*':
		*min = 0;
		p++;
		break;
	case '+':
		p++;
		break;
	case '{':
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			n = n * 10 + (unsigned)(*p - '0');
		if (digits == 0 || digits > 5) {
			w->bad = 1;
			return 0;
		}
		if (*p == ',')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		if (*p != '}') {
			w->bad = 1;
			return 0;
		}
		p++;
		*min = n;
		break;
	default:
		return 0;
	}
	if (*p == '?' || *p == '+')
		p++;
	w->p = p;
	return 1;
}

/*
 * A group, from just after its '('.  Sets *look for a lookaround, whose
 * text is not part of the match: LOOK_NOT for a negative one, whose text
 * must not be there, LOOK_MUST for a positive one, whose text must be in
 * the subject all the same.  A lookbehind's text ends where it stands, so a
 * word start before it says nothing of its text; a lookahead's text starts
 * there, so what follows the group says nothing of its end.
 */
static void
lit_group(struct lit_walk *w, struct lit_cnf *sub, int *look)
{
	const char	*p = w->p, *q;

	memset(sub, 0, sizeof *sub);
	*look = LOOK_NONE;
	if (*p == '*') {		/* a verb */
		w->bad = 1;
		return;
	}
	if (*p == '?') {
		p++;
		if (*p == ':' || *p == '>')
			p++;
		else if (*p == '=' || *p == '!') {
			*look = *p == '=' ? LOOK_MUST : LOOK_NOT;
			w->endbound = 0;
			p++;
		} else if (p[0] == '<' && (p[1] == '=' || p[1] == '!')) {
			/* Its length is counted in bytes without UTF. */
			*look = p[1] == '=' ? LOOK_MUST : LOOK_NOT;
			w->bound = 0;
			p += 2;
			for (q = p; *q != '\0' && *q != ')'; q++)
				if ((unsigned char)*q >= 0x80)
					w->bytes = 0;
		} else if (*p == '<' || (p[0] == 'P' && p[1] == '<')) {
			p += *p == 'P' ? 2 : 1;
			while (*p == '_' || (*p >= '0' && *p <= '9') ||
			    (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
				p++;
			if (*p != '>') {
				w->bad = 1;
				return;
			}
			p++;
		} else {		/* options, recursion, conditions, ... */
			w->bad = 1;
			return;
		}
	}
	w->p = p;
	lit_alt(w, sub);
	if (*w->p != ')')
		w->bad = 1;
	else
		w->p++;
}

/*
 * 1 if the UTF-8 character s[0, n) is a symbol that caseless matching
 * pairs with no other character, so its bytes may be literal text: the
 * pictographs and emoji (U+1F300-U+1FAFF), the miscellaneous symbols and
 * dingbats (U+2600-U+27BF), the inverted marks (U+00A1, U+00BF), and the
 * zero width joiner and variation selectors that follow emoji (U+200D,
 * U+FE00-U+FE0F).  No letter is among them.
 */
static int
lit_caseless_symbol(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp;

	if (n == 2 && u[0] == 0xc2)
		return u[1] == 0xa1 || u[1] == 0xbf;
	if (n == 3) {
		cp = (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 |
		    (u[2] & 0x3f);
		return (cp >= 0x2600 && cp <= 0x27bf) || cp == 0x200d ||
		    (cp >= 0xfe00 && cp <= 0xfe0f);
	}
	if (n == 4) {
		cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 |
		    (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		return cp >= 0x1f300 && cp <= 0x1faff;
	}
	return 0;
}

/* 1 if \c (c not NUL) is the escaped character c itself. */
static int
lit_punct(int c)
{
	return c > 0 && c < 0x80 &&
	    strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) != NULL;
}

/* 1 if \c is a class of characters, or one control character. */
static int
lit_escape_class(int c)
{
	return c > 0 && strchr("wWdDsShHvVntrfae", c) != NULL;
}

/*
 * Steps over a character class, from just after its '['.  Returns the
 * letter or digit, folded to lower case, when every member is that one
 * character ("[i]", "[ee]": the rules' way of keeping a word out of the
 * typo lexicon), which then matches as the plain character would under
 * caseless matching; else -1.
 */
static int
lit_class(struct lit_walk *w)
{
	const char	*p = w->p;
	int		 c, one = 0;

	if (*p == '^') {
		p++;
		one = -1;
	}
	if (*p == ']') {
		p++;
		one = -1;
	}
	for (; *p != ']'; p++) {
		if (*p == '\0' || *p == '[') {	/* [:alpha:] and friends */
			w->bad = 1;
			return -1;
		}
		if (*p == '\\') {
			p++;
			if (!lit_escape_class((unsigned char)*p) &&
			    !lit_punct((unsigned char)*p)) {
				w->bad = 1;	/* \x{...}, \p{...}, \Q, ... */
				return -1;
			}
			one = -1;
			continue;
		}
		c = (unsigned char)*p;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ||
		    (one != 0 && one != c))
			one = -1;
		else
			one = c;
	}
	w->p = p + 1;
	return one > 0 ? one : -1;
}

/*
 * 1 if the class whose text starts at p (just after its '[') is a few marks,
 * symbols and control characters that have no case and are no word
 * characters ("[.!?\n]", "[¿?]"), each then put in cl: one of them must be
 * there.  Else 0, cl left empty.
 */
static int
lit_class_marks(const char *p, struct lit_clause *cl)
{
	const char	*q;
	size_t		 n;

	if (*p == '^' || *p == ']')
		return 0;
	for (; *p != ']'; p += n) {
		n = 1;
		if (*p == '\\' && lit_punct((unsigned char)p[1]))
			p++;
		else if (*p == '\\' && (p[1] == 'n' || p[1] == 't' ||
		    p[1] == 'r')) {	/* a control character, no case */
			lit_clause_add(cl, p[1] == 'n' ? "\n" : p[1] == 't' ?
			    "\t" : "\r", 1);
			n = 2;
			continue;
		} else if ((unsigned char)*p >= 0x80) {
			for (q = p + 1; ((unsigned char)*q & 0xc0) == 0x80; q++)
				;
			n = (size_t)(q - p);
			if (!lit_caseless_symbol(p, n))
				break;
		} else if (*p == '\\' || *p == '[' || *p == '\0' ||
		    (*p == '-' && p[1] != ']') || *p <= ' ' || *p == 0x7f ||
		    lit_is_word((unsigned char)*p))
			break;
		if (cl->n == 16)
			break;
		lit_clause_add(cl, p, n);
	}
	if (*p == ']' && cl->n > 0)
		return 1;
	lit_clause_free(cl);
	return 0;
}

/*
 * The ']' that closes the class starting at p (its '['), or the NUL ending
 * the pattern: a ']' first, or first after '^', is a member.
 */
static const char *
lit_class_end(const char *p)
{
	for (p += 1 + (p[1] == '^'), p += *p == ']'; *p != '\0' && *p != ']';
	    p += 1 + (*p == '\\' && p[1] != '\0'))
		;
	return p;
}

/*
 * 1 if the group whose text starts at p (just after its '(') is followed,
 * with no quantifier, by \b, $ or one or more \W or \s: its branches end a
 * word.
 */
static int
lit_group_ends_word(const char *p)
{
	int	depth = 1;

	while (*p != '\0' && depth > 0) {
		if (*p == '\\' && p[1] != '\0')
			p += 2;
		else if (*p == '[') {
			p = lit_class_end(p);
			p += *p == ']';
		} else {
			depth += *p == '(';
			depth -= *p == ')';
			p++;
		}
	}
	if (depth != 0)
		return 0;
	if (p[0] == '$')
		return 1;
	if (p[0] != '\\')
		return 0;
	if (p[1] == 'b')
		return 1;
	return (p[1] == 'W' || p[1] == 's') && p[2] != '*' && p[2] != '?' &&
	    p[2] != '{';
}

/*
 * One branch of an alternation, until '|', ')' or the end: a clause for
 * each run of literal text and each group that must match, in order.
 */
static void
lit_seq(struct lit_walk *w, struct lit_cnf *cnf)
{
	struct lit_cnf	 sub;
	char		 run[LIT_MAX_LEN];
	const char	*mb = NULL;
	size_t		 len = 0, mblen = 0;
	unsigned	 min;
	struct lit_clause cl = { NULL, 0 };
	int		 c, look, rep, wide, start, saved, endclass = 0;
	int		 marks = 0;

	memset(cnf, 0, sizeof *cnf);
	while (!w->bad && *w->p != '\0' && *w->p != '|' && *w->p != ')') {
		c = (unsigned char)*w->p++;
		wide = 0;
		endclass = 0;
		switch (c) {
		case '(':
			saved = w->endbound;
			w->endbound = lit_group_ends_word(w->p);
			lit_group(w, &sub, &look);
			w->endbound = saved;
			w->bound = 0;
			if (!w->bad)
				lit_quant(w, &min);
			lit_flush(cnf, run, &len);
			while (!w->bad && look != LOOK_NOT && min > 0 &&
			    sub.n > 0) {
				lit_cnf_add(cnf, &sub.c[sub.n - 1]);
				sub.n--;
			}
			lit_cnf_free(&sub);
			continue;
		case '[':
			marks = lit_class_marks(w->p, &cl);
			c = lit_class(w);
			break;
		case '\\':
			c = (unsigned char)*w->p;
			if (c == '\0') {
				w->bad = 1;
				continue;
			}
			w->p++;
			if (c == 'b' || c == 'B' || c == 'A' || c == 'z' ||
			    c == 'Z') {
				if (c == 'b' || c == 'z' || c == 'Z')
					lit_end_word(run, &len);
				lit_flush(cnf, run, &len);	/* zero width */
				w->bound = c == 'b' || c == 'A';
				continue;
			}
			endclass = c == 'W' || c == 's';
			if (c == 'X' || c == 'R')
				w->bytes = 0;	/* graphemes, \R: no promise */
			if (c == 'R' || c == 'X' || lit_escape_class(c))
				c = -1;
			else if (!lit_punct(c)) {
				w->bad = 1;	/* \x, \p, \Q, \1, \g, \K, \G ... */
				continue;
			}
			break;
		case '^':
		case '$':
			if (c == '$')
				lit_end_word(run, &len);
			lit_flush(cnf, run, &len);	/* zero width */
			w->bound = c == '^';
			continue;
		case '.':
			c = -1;
			break;
		case '*': case '+': case '?': case '{':
			w->bad = 1;	/* a quantifier of nothing */
			continue;
		default:
			if (c >= 0x80) {	/* one UTF-8 character */
				mb = w->p - 1;
				while (((unsigned char)*w->p & 0xc0) == 0x80)
					w->p++;
				mblen = lit_caseless_symbol(mb,
				    (size_t)(w->p - mb)) ? (size_t)(w->p - mb) : 0;
				c = -1;
				wide = 1;
			} else if (c <= ' ' || c == 0x7f)
				c = -1;
			else if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			break;
		}
		if (w->bad)
			continue;
		rep = lit_quant(w, &min);
		if (wide && rep)
			w->bytes = 0;	/* without UTF it would bind its last byte */
		if (mblen > 0 && min > 0) {
			/* A symbol with no case: its bytes are literal text. */
			if (len > 0 && lit_is_word((unsigned char)run[len - 1]))
				lit_end_word(run, &len);
			if (len + mblen > sizeof run)
				lit_flush(cnf, run, &len);
			memcpy(run + len, mb, mblen);
			len += mblen;
			w->bound = 0;
			mblen = 0;
			if (rep)
				lit_flush(cnf, run, &len);
			continue;
		}
		mblen = 0;
		if (marks) {	/* one of the class's marks is there */
			marks = 0;
			if (min > 0) {
				lit_flush(cnf, run, &len);
				lit_cnf_add(cnf, &cl);
			}
			lit_clause_free(&cl);
		}
		if (c == -1 || min == 0) {
			/* \W+ or \s+ after a word: the word ends there. */
			if (c == -1 && endclass && min > 0)
				lit_end_word(run, &len);
			lit_flush(cnf, run, &len);
			/* and a word character after it starts a word */
			w->bound = c == -1 && endclass && min > 0;
			endclass = 0;
			continue;
		}
		/* A word ends before a non-word character of the run. */
		if (!lit_is_word(c) && len > 0 &&
		    lit_is_word((unsigned char)run[len - 1])) {
			if (len + 2 > sizeof run)
				lit_flush(cnf, run, &len);
			else
				run[len++] = LIT_END;
		}
		/* A word starts here: after \b, or after a non-word character. */
		start = lit_is_word(c) && (len == 0 ? w->bound :
		    !lit_is_word((unsigned char)run[len - 1]) &&
		    run[len - 1] != LIT_BOUND);
		w->bound = 0;
		if (len + 1 + start > sizeof run)	/* keep the prefix */
			lit_flush(cnf, run, &len);
		if (start && (len > 0 || lit_is_word(c)))
			run[len++] = LIT_BOUND;
		run[len++] = (char)c;
		if (rep)	/* "ab+c": "ab" is there, "abc" need not be */
			lit_flush(cnf, run, &len);
	}
	lit_clause_free(&cl);
	if (w->endbound && !w->bad)	/* "(no|not)\b": each branch ends a word */
		lit_end_word(run, &len);
	lit_flush(cnf, run, &len);
}

/*
 * An alternation.  One branch gives its own clauses; several give one
 * clause, the union of each branch's most selective clause, or none when a
 * branch has none.
 */
static void
lit_alt(struct lit_walk *w, struct lit_cnf *out)
{
	struct lit_cnf		 br;
	struct lit_clause	 u = { NULL, 0 }, *best;
	int			 nbr = 0, open = 0, i;

	int			 bound = w->bound;

	memset(out, 0, sizeof *out);
	for (;;) {
		w->bound = bound;	/* each branch starts where the group does */
		lit_seq(w, &br);
		if (nbr++ == 0 && *w->p != '|') {
			*out = br;
			return;
		}
		if (br.n == 0)
			open = 1;
		else if (!open) {
			best = &br.c[lit_cnf_best(&br)];
			for (i = 0; i < best->n; i++)
				lit_clause_add(&u, best->s[i], strlen(best->s[i]));
		}
		lit_cnf_free(&br);
		if (w->bad || *w->p != '|')
			break;
		w->p++;
	}
	if (open || u.n == 0)
		lit_clause_free(&u);
	else
		lit_cnf_add(out, &u);
}

/*
 * Walks one line's pattern and gives the line its most selective clauses,
 * numbered so that they share one word of the clause bits: the engine tests
 * a line with one mask.  Returns -1, the line unconstrained, when the walk
 * gave up; 1 when the pattern compiled without UTF and Unicode properties
 * matches ASCII text exactly as it does with them (see triage_load.c); 0
 * otherwise.
 */
int
triage_lit_line(struct triage_lits *tl, struct triage_line *ln,
    const char *pattern)
{
	struct lit_walk		 w;
	struct lit_cnf		 cnf;
	struct lit_clause	*cl;
	int			 i, best, n;

	ln->word = 0;
	ln->mask = 0;
	w.p = pattern;
	w.bad = 0;
	w.bytes = 1;
	w.bound = 0;
	w.endbound = 0;
	lit_alt(&w, &cnf);
	if (*w.p != '\0')
		w.bad = 1;	/* an unbalanced ')' would not have compiled */
	/*
	 * Long s and the Kelvin sign, anywhere (a class, "[^...]"), match s
	 * and k caseless with UTF only.
	 */
	if (strstr(pattern, "\xc5\xbf") != NULL ||
	    strstr(pattern, "\xe2\x84\xaa") != NULL)
		w.bytes = 0;
	if (w.bad) {
		lit_cnf_free(&cnf);
		return -1;
	}
	n = cnf.n < TRIAGE_LINE_CLAUSES ? cnf.n : TRIAGE_LINE_CLAUSES;
	if (tl->nclause % 64 + n > 64)
		tl->nclause += 64 - tl->nclause % 64;
	if (tl->nclause + n > UINT16_MAX)
		n = 0;		/* too many: always searched */
	ln->word = (uint32_t)(tl->nclause / 64);
	while (n-- > 0) {
		best = lit_cnf_best(&cnf);
		cl = &cnf.c[best];
		lit_clause_minimise(cl);
		for (i = 0; i < cl->n; i++) {
			/*
			 * Doubling, not one more: tens of thousands of
			 * entries, and a sanitizer's realloc always copies.
			 */
			if (tl->nent == tl->capent) {
				tl->capent = tl->capent == 0 ? 1024 :
				    tl->capent * 2;
				tl->ent = xreallocarray(tl->ent,
				    (size_t)tl->capent, sizeof *tl->ent);
			}
			tl->ent[tl->nent].s = cl->s[i];
			tl->ent[tl->nent].clause = (uint16_t)tl->nclause;
			tl->nent++;
		}
		free(cl->s);
		ln->mask |= UINT64_C(1) << (tl->nclause++ % 64);
		cnf.c[best] = cnf.c[--cnf.n];
	}
	lit_cnf_free(&cnf);
	return w.bytes;
}

/*
 * Where a line may be cut into lines of its own: the offsets of the '|'
 * between its top-level branches, into cut (at most max).  Returns how many
 * there are, or 0 when the line must stay whole: the literal walk gives up
 * on it (its syntax could tie the branches together, as a back reference or
 * an inline option does), a branch is empty, or there are more than max.
 * The branches as lines of their own match as the line does inside its
 * set's alternation: "(?:A|B)" is "(?:A)|(?:B)".
 */
int
triage_lit_cuts(const char *pattern, size_t *cut, int max)
{
	struct lit_walk	 w;
	struct lit_cnf	 cnf;
	const char	*p, *last = pattern;
	int		 depth = 0, n = 0;

	memset(&w, 0, sizeof w);
	w.p = pattern;
	w.bytes = 1;
	lit_alt(&w, &cnf);
	lit_cnf_free(&cnf);
	if (w.bad || *w.p != '\0')
		return 0;
	for (p = pattern; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '[') {
			if (*(p = lit_class_end(p)) == '\0')
				return 0;
		} else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == '|' && depth == 0) {
			if (n == max || p == last)
				return 0;
			cut[n++] = (size_t)(p - pattern);
			last = p + 1;
		}
	}
	return n > 0 && *last != '\0' ? n : 0;
}

/*
 * Builds the automaton over every literal: a trie, then failure links in
 * breadth-first order, turned into a full transition table so the scan
 * takes one step a byte.  Each distinct literal (a state where one ends) is
 * a "word" with its clauses; each state lists the words that end there,
 * its own and those of its failure states, so a word is found wherever it
 * ends, and the scan sets a word's clause bits once a message.
 */
void
triage_lit_build(struct triage_lits *tl)
{
	uint32_t	*fail, *queue, *word, *start, *end, *cur, s, t, f, w;
	uint32_t	*rank, *kids;
	uint8_t		*kclass;
	uint32_t	*out, ci, cend, nbits, first, *word_off, *touched;
	uint32_t	 ntouched, j;
	struct lit_bits	*word_bits;
	uint64_t	*acc;
	uint16_t	*clause, cl;
	size_t		 bound = 1, i, nout, len, outcap = 0;
	int		 c, k, head = 0, tail = 0;
	const char	*p;

	memset(tl->class, 0, sizeof tl->class);
	tl->nclass = 1;			/* class 0: in no literal */
	for (k = 0; k < tl->nent; k++) {
		for (p = tl->ent[k].s; *p != '\0'; p++) {
			c = (unsigned char)*p;
			if (tl->class[c] == 0)
				tl->class[c] = (uint8_t)tl->nclass++;
		}
		bound += strlen(tl->ent[k].s);
	}
	for (c = 'A'; c <= 'Z'; c++)
		tl->class[c] = tl->class[c - 'A' + 'a'];

	/* The trie; 0 is the root and no edge leads back to it. */
	tl->go = xcalloc(bound * (size_t)tl->nclass, sizeof *tl->go);
	tl->nstate = 1;
	for (k = 0; k < tl->nent; k++) {
		s = 0;
		for (p = tl->ent[k].s; *p != '\0'; p++) {
			t = tl->go[s * tl->nclass + tl->class[(unsigned char)*p]];
			if (t == 0) {
				t = (uint32_t)tl->nstate++;
				tl->go[s * tl->nclass +
				    tl->class[(unsigned char)*p]] = t;
			}
			s = t;
		}
		tl->ent[k].state = s;
	}

	/* Words, numbered from 1 (0: none), and their clauses by counting. */
	word = xcalloc((size_t)tl->nstate, sizeof *word);
	tl->nword = 0;
	for (k = 0; k < tl->nent; k++)
		if (word[tl->ent[k].state] == 0)
			word[tl->ent[k].state] = (uint32_t)++tl->nword;
	word_off = xcalloc((size_t)tl->nword + 2, sizeof *word_off);
	clause = xcalloc((size_t)tl->nent + 1, sizeof *clause);
	for (k = 0; k < tl->nent; k++)
		word_off[word[tl->ent[k].state]]++;
	for (w = 1; w <= (uint32_t)tl->nword + 1; w++)
		word_off[w] += word_off[w - 1];
	cur = xcalloc((size_t)tl->nword + 2, sizeof *cur);
	for (k = 0; k < tl->nent; k++) {
		w = word[tl->ent[k].state];
		clause[word_off[w - 1] + cur[w]++] = tl->ent[k].clause;
	}
	free(cur);
	/*
	 * A word's clauses as bits of the words of sat: those numbered in
	 * one 64 (a line's, or lines' loaded together) are one OR a scan.
	 */
	word_bits = xcalloc((size_t)tl->nent + 1, sizeof *word_bits);
	for (w = 0, nbits = 0, ci = 0; w < (uint32_t)tl->nword; w++) {
		first = nbits;
		cend = word_off[w + 1];
		for (; ci < cend; ci++) {
			cl = clause[ci];
			if (nbits > first &&
			    word_bits[nbits - 1].word == (uint32_t)(cl >> 6))
				word_bits[nbits - 1].mask |=
				    UINT64_C(1) << (cl & 63);
			else {
				word_bits[nbits].word = (uint32_t)(cl >> 6);
				word_bits[nbits++].mask =
				    UINT64_C(1) << (cl & 63);
			}
		}
		word_off[w + 1] = (uint32_t)nbits;
	}
	free(clause);

	/*
	 * Breadth first: failure links, transitions, and the words ending
	 * at each state (its own, then its failure state's, which lies
	 * nearer the root and is done) in out[start[s], end[s]).
	 */
	fail = xcalloc((size_t)tl->nstate, sizeof *fail);
	queue = xcalloc((size_t)tl->nstate, sizeof *queue);
	kids = xcalloc((size_t)tl->nstate + 1, sizeof *kids);
	kclass = xcalloc((size_t)tl->nstate, sizeof *kclass);
	start = xcalloc((size_t)tl->nstate, sizeof *start);
	end = xcalloc((size_t)tl->nstate, sizeof *end);
	out = NULL;
	nout = 0;
	queue[tail++] = 0;
	while (head < tail) {
		s = queue[head++];
		start[s] = (uint32_t)nout;
		len = 1 + (s != 0 ? end[fail[s]] - start[fail[s]] : 0);
		if (nout + len > outcap) {
			outcap = (nout + len) * 2;
			out = xreallocarray(out, outcap, sizeof *out);
		}
		if (word[s] != 0)
			out[nout++] = word[s] - 1;
		if (s != 0)
			for (i = start[fail[s]]; i < end[fail[s]]; i++)
				out[nout++] = out[i];
		end[s] = (uint32_t)nout;
		kids[head - 1] = (uint32_t)tail;	/* by rank, head - 1 */
		for (c = 0; c < tl->nclass; c++) {
			t = tl->go[s * tl->nclass + c];
			f = s == 0 ? 0 : tl->go[fail[s] * tl->nclass + c];
			if (t != 0) {
				fail[t] = f;
				kclass[tail] = (uint8_t)c;
				queue[tail++] = t;
			} else
				tl->go[s * tl->nclass + c] = f;
		}
	}

	/*
	 * The states renumbered breadth first (struct triage_lits): the
	 * first LIT_DENSE keep their full row, the others their children
	 * and failure state; a state where words end has its bit in outs,
	 * so a step to one where none do reads nothing more.
	 */
	rank = xcalloc((size_t)tl->nstate, sizeof *rank);
	for (k = 0; k < tail; k++)
		rank[queue[k]] = (uint32_t)k;
	tl->outs = xcalloc(((size_t)tl->nstate + 63) / 64, sizeof *tl->outs);
	for (s = 0; s < (uint32_t)tl->nstate; s++)
		if (end[s] > start[s])
			tl->outs[rank[s] / 64] |= UINT64_C(1) << (rank[s] % 64);
	tl->ndense = tl->nstate < LIT_DENSE ? (uint32_t)tl->nstate : LIT_DENSE;
	tl->dense = xcalloc((size_t)tl->ndense * tl->nclass,
	    sizeof *tl->dense);
	for (k = 0; k < (int)tl->ndense; k++)
		for (c = 0; c < tl->nclass; c++)
			tl->dense[k * tl->nclass + c] =
			    rank[tl->go[queue[k] * tl->nclass + c]];
	tl->node = xcalloc((size_t)tl->nstate + 1, sizeof *tl->node);
	for (s = 0; s < (uint32_t)tl->nstate; s++) {
		tl->node[rank[s]].fail = rank[fail[s]];
		tl->node[rank[s]].kids = kids[rank[s]];
	}
	tl->node[tl->nstate].kids = (uint32_t)tl->nstate;
	free(kids);
	tl->kclass = kclass;
	free(tl->go);
	tl->go = NULL;

	/*
	 * Each state's clause bits, in state order: those of every word
	 * ending there, each bit once, as its clause number (16 bits: most
	 * words of sat a state sets have one bit, and a list of words and
	 * masks took eight times the room, missing the cache more).  A step
	 * to the state reads one list, not the words and then each word's
	 * bits; setting bits again when a word recurs costs less than
	 * remembering the words seen.
	 */
	tl->cwords = (tl->nclause + 63) / 64;
	tl->nwords = tl->cwords;
	acc = xcalloc((size_t)tl->cwords + 1, sizeof *acc);
	touched = xcalloc((size_t)tl->cwords + 1, sizeof *touched);
	tl->cbit = NULL;
	outcap = 0;
	for (k = 0, nbits = 0; k < tail; k++) {
		s = queue[k];
		tl->node[k].out = nbits;
		ntouched = 0;
		for (i = start[s]; i < end[s]; i++) {
			w = out[i];
			for (j = word_off[w]; j < word_off[w + 1]; j++) {
				if (acc[word_bits[j].word] == 0)
					touched[ntouched++] = word_bits[j].word;
				acc[word_bits[j].word] |= word_bits[j].mask;
			}
		}
		if (nbits + 64 * ntouched > outcap) {
			outcap = (nbits + 64 * ntouched) * 2;
			tl->cbit = xreallocarray(tl->cbit, outcap,
			    sizeof *tl->cbit);
		}
		for (j = 0; j < ntouched; j++) {
			for (; acc[touched[j]] != 0;
			    acc[touched[j]] &= acc[touched[j]] - 1)
				tl->cbit[nbits++] = (uint16_t)(touched[j] * 64 +
				    (uint32_t)__builtin_ctzll(acc[touched[j]]));
		}
	}
	tl->node[tl->nstate].out = nbits;
	free(touched);
	free(acc);
	free(word_off);
	free(word_bits);
	free(rank);

	for (k = 0; k < tl->nent; k++)
		free(tl->ent[k].s);
	free(tl->ent);
	tl->ent = NULL;
	tl->nent = 0;
	tl->capent = 0;
	free(out);
	free(start);
	free(end);
	free(word);
	free(fail);
	free(queue);
}

void
triage_lit_free(struct triage_lits *tl)
{
	int	k;

	for (k = 0; k < tl->nent; k++)
		free(tl->ent[k].s);
	free(tl->ent);
	free(tl->dense);
	free(tl->node);
	free(tl->kclass);
	free(tl->go);
	free(tl->outs);
	free(tl->cbit);
}

/*
 * Marks in sat the clauses whose literals are in text, read as PCRE2's
 * caseless matching reads it: ASCII letters in either case, long s and the
 * Kelvin sign as s and k.  sat has room for nwords: the clause bits.
 * Returns 1 if the text is all ASCII.
 */
static int
lit_next_is_word(const unsigned char *p, const unsigned char *end)
{
	if (p == end)
		return 0;
	if (lit_is_word(*p))
		return 1;
	if (p[0] == 0xc5 && end - p >= 2 && p[1] == 0xbf)		/* U+017F */
		return 1;
	return p[0] == 0xe2 && end - p >= 3 && p[1] == 0x84 &&
	    p[2] == 0xaa;					/* U+212A */
}

/*
 * The state after s on c: a child of s or of its failure states, down to
 * the first whose row is full.  A byte in no literal leads to the root.
 */
static inline uint32_t
lit_next(const struct triage_lits *tl, uint32_t s, unsigned c)
{
	uint32_t	k = tl->class[c], i, e;

	if (k == 0)
		return 0;
	for (; s >= tl->ndense; s = tl->node[s].fail)
		for (i = tl->node[s].kids, e = tl->node[s + 1].kids; i < e;
		    i++)
			if (tl->kclass[i] == k)
				return i;
	return tl->dense[(size_t)s * tl->nclass + k];
}

/* One step of the automaton on c, marking the clauses of the words ending there. */
static uint32_t
lit_step(const struct triage_lits *tl, uint32_t s, unsigned c, uint64_t *sat)
{
	uint32_t	i;

	s = lit_next(tl, s, c);
	if (((tl->outs[s / 64] >> (s % 64)) & 1) == 0)
		return s;
	for (i = tl->node[s].out; i < tl->node[s + 1].out; i++)
		sat[tl->cbit[i] / 64] |= UINT64_C(1) << (tl->cbit[i] % 64);
	return s;
}

int
triage_lit_scan(const struct triage_lits *tl, const char *text, size_t len,
    uint64_t *sat)
{
	const unsigned char	*p = (const unsigned char *)text, *end = p + len;
	uint32_t		 s = 0;
	unsigned		 c, high = 0;
	int			 word = 0;

	memset(sat, 0, (size_t)tl->nwords * sizeof *sat);
	if (tl->dense == NULL) {
		while (p < end)
			high |= *p++;
		return (high & 0x80) == 0;
	}
	while (p < end) {
		c = *p++;
		high |= c;
		if (c == 0xc5 && p < end && *p == 0xbf) {		/* U+017F */
			c = 's';
			p++;
		} else if (c == 0xe2 && end - p >= 2 && p[0] == 0x84 &&
		    p[1] == 0xaa) {					/* U+212A */
			c = 'k';
			p += 2;
		}
		if (lit_is_word((int)c) && !word)	/* a word starts */
			s = lit_next(tl, s, LIT_BOUND);
		word = lit_is_word((int)c);
		s = lit_step(tl, s, c, sat);
		/*
		 * A word ends: a non-word byte (any non-ASCII one but the long s
		 * and the Kelvin sign, which caseless matching reads as s and
		 * k) or the end.
		 */
		if (word && !lit_next_is_word(p, end))
			s = lit_step(tl, s, LIT_END, sat);
	}
	return (high & 0x80) == 0;
}

/* Every set that triage_set_begin searches, into v; returns how many. */
static int
lit_sets(struct triage_rules *tr, struct triage_set **v)
{
	int	k, n = 0;

	for (k = 0; k < tr->nconcepts; k++)
		v[n++] = &tr->concepts[k].set;
	for (k = 0; k < CUE_COUNT; k++)
		v[n++] = &tr->cues[k];
	v[n++] = &tr->harmless;
	v[n++] = &tr->yes;
	v[n++] = &tr->no;
	v[n++] = &tr->late;
	v[n++] = &tr->relay;
	for (k = 0; k < tr->nlangs; k++)
		v[n++] = &tr->langs[k].detect;
	return n;
}

/* The bit a line is filed under: the lowest of its mask. */
static size_t
lit_key(const struct triage_line *ln)
{
	return (size_t)ln->word * 64 + (size_t)__builtin_ctzll(ln->mask);
}

/*
 * Numbers every set's lines and files each under its key bit, once the
 * automaton is built (triage_rules.key_off).
 */
void
triage_lit_index(struct triage_rules *tr)
{
	struct triage_set	*v[TRIAGE_MAX_CONCEPTS + CUE_COUNT + 5 +
				    TRIAGE_MAX_LANGS];
	const struct triage_line *ln;
	size_t			 nbit, b;
	uint32_t		*fill;
	int			 n, k, i, g = 0;

	n = lit_sets(tr, v);
	for (k = 0; k < n; k++) {
		v[k]->base = g;
		v[k]->indexed = 1;
		g += v[k]->nline;
	}
	tr->nline_all = g;
	nbit = (size_t)tr->lits.cwords * 64;
	tr->always = xcalloc(((size_t)g + 63) / 64 + 1, sizeof *tr->always);
	tr->key_off = xcalloc(nbit + 1, sizeof *tr->key_off);
	for (k = 0; k < n; k++)
		for (i = 0; i < v[k]->nline; i++) {
			ln = &v[k]->line[i];
			if (ln->mask == 0)
				tr->always[(v[k]->base + i) / 64] |=
				    UINT64_C(1) << ((v[k]->base + i) % 64);
			else
				tr->key_off[lit_key(ln) + 1]++;
		}
	for (b = 0; b < nbit; b++)
		tr->key_off[b + 1] += tr->key_off[b];
	tr->key_line = xcalloc((size_t)tr->key_off[nbit] + 1,
	    sizeof *tr->key_line);
	fill = xcalloc(nbit + 1, sizeof *fill);
	tr->keyed = xcalloc((size_t)tr->lits.cwords + 1, sizeof *tr->keyed);
	for (k = 0; k < n; k++)
		for (i = 0; i < v[k]->nline; i++) {
			ln = &v[k]->line[i];
			if (ln->mask == 0)
				continue;
			b = lit_key(ln);
			tr->key_line[tr->key_off[b] + fill[b]++] =
			    (uint32_t)(v[k]->base + i);
			tr->keyed[b / 64] |= UINT64_C(1) << (b % 64);
		}
	free(fill);
}

/*
 * The lines that may match, from the clause bits of a scan: every line
 * with no literal and every line whose key bit is set, into cand
 * ((nline_all + 63) / 64 words).  A line not marked cannot pass
 * triage_lit_may; one marked must still be tested.
 */
void
triage_lit_mark(const struct triage_rules *tr, const uint64_t *sat,
    uint64_t *cand)
{
	uint64_t	x;
	uint32_t	j, g;
	int		w, b;

	memcpy(cand, tr->always, ((size_t)tr->nline_all + 63) / 64 *
	    sizeof *cand);
	for (w = 0; w < tr->lits.cwords; w++)
		for (x = sat[w] & tr->keyed[w]; x != 0; x &= x - 1) {
			b = w * 64 + __builtin_ctzll(x);
			for (j = tr->key_off[b]; j < tr->key_off[b + 1]; j++) {
				g = tr->key_line[j];
				cand[g / 64] |= UINT64_C(1) << (g % 64);
			}
		}
}
