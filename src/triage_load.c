/* SPDX-License-Identifier: ISC */
/*
 * Reading and compiling the rules files (format: docs/rules.md).
 *
 * Every *.rules file in the directory is read in name order.  A concept, cue
 * kind, harmless list, answer or language hint may be given on many lines, in
 * many files, and matches like the alternation of its lines.  Each line is
 * compiled on its own, with JIT where available, so that a bad pattern is
 * reported with its file:line, and kept: the engine searches a line only
 * when its required literals (triage_lit.c) are in the message.  A target
 * with a line the literal walk could not read is searched as its lines
 * joined into alternations instead (triage_load_finish).  Rules are
 * resolved after every file is read, so a rule may name a concept from any
 * file.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "triage_int.h"
#include "triage_norm.h"
#include "xmalloc.h"

#define LOAD_MAX_LINE	4096
#define LOAD_MAX_CUTS	64	/* branches a line is cut into, less one */
#define LOAD_FLAGS	(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS)

/* Where a pattern line goes. */
enum load_target_kind { T_CONCEPT, T_CUE, T_HARMLESS, T_YES, T_NO, T_DETECT };

/* A statement that names concepts, read once every file is loaded. */
struct load_pending_rule {
	char		*path;
	unsigned	 line;
	char		*text;		/* everything after "rule" or "across" */
	int		 across;	/* an across statement, not a rule */
};

/* A word family: {NAME} in a later pattern of the same file. */
struct load_family {
	char	*name;
	char	*pattern;	/* expanded already */
};

struct load {
	struct triage_rules	*tr;
	struct diag		*d;
	int			 lowering;	/* these words may lower a level */
	/* The joined alternations being gathered: one evbuffer per target. */
	struct evbuffer		*concept_src[TRIAGE_MAX_CONCEPTS];
	struct evbuffer		*cue_src[CUE_COUNT];
	struct evbuffer		*harmless_src, *yes_src, *no_src, *late_src;
	struct evbuffer		*relay_src;
	struct evbuffer		*detect_src[TRIAGE_MAX_LANGS];
	int			 lang;		/* current file's language; -1 none */
	struct load_family	*family;	/* this file's word families */
	int			 nfamily;
	struct load_pending_rule *pending;
	int			 npending;
	int			 nprompts;
};

static const char *triage_load_forms(struct load *, const char *);
static void	triage_load_words(struct load *, const char *,
    enum triage_lex_kind, int);

static const char *cue_names[CUE_COUNT] = {
	[CUE_NEGATION] = "negation",
	[CUE_PSEUDO] = "pseudo",
	[CUE_HEDGE] = "hedge",
	[CUE_TERMINATION] = "termination",
	[CUE_POSTNEG] = "postneg",
	[CUE_HISTORY] = "history",
	[CUE_RECURRENCE] = "recurrence",
	[CUE_CONDITIONAL] = "conditional",
	[CUE_HYPOTHETICAL] = "hypothetical",
	[CUE_QUESTION] = "question",
	[CUE_SUBJECT] = "subject",
	[CUE_RELAPSE] = "relapse",
	[CUE_CURRENT] = "current",
	[CUE_NEGEND] = "negend",
	[CUE_REPORT] = "report",
	[CUE_DISJUNCT] = "disjunct",
	[CUE_POSTEND] = "postend",
};

static const struct {
	const char		*name;
	enum triage_unit	 unit;
} unit_names[] = {
	{ "none", UNIT_NONE }, { "minutes", UNIT_MINUTES },
	{ "hours", UNIT_HOURS }, { "km", UNIT_KM }, { "miles", UNIT_MILES },
	{ "meters", UNIT_METERS }, { "steps", UNIT_STEPS },
};

/* Splits off the next blank-separated word of *p. */
static char *
triage_load_word(char **p)
{
	char	*w;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p == '\0')
		return NULL;
	w = *p;
	while (**p != '\0' && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p != '\0')
		*(*p)++ = '\0';
	return w;
}

static char *
triage_load_rest(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int
triage_load_valid_id(const char *id)
{
	const char	*p;

	if (!islower((unsigned char)*id))
		return 0;
	for (p = id; *p != '\0'; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_')
			return 0;
	return p - id <= 48;
}

static pcre2_code *
triage_load_compile(struct load *l, const char *pattern, const char *what,
    const char *path, unsigned line, int jit)
{
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	pcre2_code	*re;
	int		 err;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    LOAD_FLAGS, &err, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		diag_error(l->d, path, line, "%s: bad pattern at offset %zu: %s",
		    what, (size_t)off, (const char *)msg);
		return NULL;
	}
	if (jit)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional */
	return re;
}

/* 1 if JIT compiled the pattern, so the engine may call pcre2_jit_match. */
static int
triage_load_has_jit(const pcre2_code *re)
{
	size_t	size = 0;

	return pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &size) == 0 &&
	    size > 0;
}

/*
 * The line again without UTF and Unicode properties, when the literal walk
 * found it matches ASCII text the same way: on ASCII text \w, \d, \s and
 * \b are the same sets either way and caseless matching pairs the same
 * letters, and a non-ASCII character cannot match unless a quantifier
 * could drop it, which the walk rules out (without UTF a quantifier would
 * bind its last byte only).  Classes and ranges with non-ASCII members
 * select the same ASCII characters either way.
 */
static void
triage_load_ascii(struct triage_line *ln, const char *pattern, int bytes)
{
	PCRE2_SIZE	 off;
	int		 err;

	ln->ascii = NULL;
	ln->ascii_jit = 0;
	if (bytes != 1)
		return;
	ln->ascii = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS, &err, &off, NULL);
	if (ln->ascii == NULL)
		return;		/* the UTF line is searched instead */
	(void)pcre2_jit_compile(ln->ascii, PCRE2_JIT_COMPLETE);
	ln->ascii_jit = triage_load_has_jit(ln->ascii);
}

/* One compiled line into a set. */
static void
triage_load_line(struct load *l, struct triage_set *ts, pcre2_code *re,
    const char *pattern)
{
	struct triage_line	*ln;
	int			 bytes;

	ts->line = xreallocarray(ts->line, (size_t)ts->nline + 1,
	    sizeof *ts->line);
	ln = &ts->line[ts->nline++];
	ln->re = re;
	ln->jit = triage_load_has_jit(re);
	if ((bytes = triage_lit_line(&l->tr->lits, ln, pattern)) == -1)
		ts->unread++;
	triage_load_ascii(ln, pattern, bytes);
	if (ts->nline > l->tr->maxline)
		l->tr->maxline = ts->nline;
}

/*
 * Compiles one line's pattern into a target's set and its alternation.  A
 * line of several top-level branches goes in as a line for each
 * (triage_lit_cuts): each is then searched only when its own literals are
 * in the message, and a search that fails fails sooner.
 */
static void
triage_load_add(struct load *l, struct triage_set *ts, struct evbuffer **src,
    const char *pattern, const char *what, const char *path, unsigned line)
{
	size_t		 cut[LOAD_MAX_CUTS], from;
	pcre2_code	*re;
	char		*branch;
	int		 ncut, i;

	if (*pattern == '\0') {
		diag_error(l->d, path, line, "%s: no pattern", what);
		return;
	}
	ncut = triage_lit_cuts(pattern, cut, LOAD_MAX_CUTS);
	if ((re = triage_load_compile(l, pattern, what, path, line,
	    ncut == 0)) == NULL)
		return;
	if (ncut == 0)
		triage_load_line(l, ts, re, pattern);
	else {
		pcre2_code_free(re);	/* it compiles: so does each branch */
		for (i = 0, from = 0; i <= ncut; i++) {
			branch = xstrndup(pattern + from,
			    (i < ncut ? cut[i] : strlen(pattern)) - from);
			if ((re = triage_load_compile(l, branch, what, path,
			    line, 1)) != NULL)
				triage_load_line(l, ts, re, branch);
			free(branch);
			if (i < ncut)
				from = cut[i] + 1;
		}
	}
	if (*src == NULL)
		*src = xevbuffer_new();
	evbuffer_add_printf(*src, "(?:%s)\n", pattern);	/* a line a line */
}

static int
triage_load_find_concept(const struct triage_rules *tr, const char *id,
    size_t len)
{
	int	i;

	for (i = 0; i < tr->nconcepts; i++)
		if (strlen(tr->concepts[i].id) == len &&
		    strncmp(tr->concepts[i].id, id, len) == 0)
			return i;
	return -1;
}

static void
triage_load_concept(struct load *l, enum triage_kind kind, char *rest,
    const char *path, unsigned line)
{
	struct triage_rules	*tr = l->tr;
	const char		*kw = kind == KIND_SYMPTOM ? "concept" :
				    kind == KIND_TOPIC ? "topic" : "qualifier";
	char			*id, what[80];
	int			 c;

	if ((id = triage_load_word(&rest)) == NULL) {
		diag_error(l->d, path, line, "%s needs an id and a pattern", kw);
		return;
	}
	if (!triage_load_valid_id(id)) {
		diag_error(l->d, path, line, "%s id '%s': use lower-case letters, "
		    "digits and _ (at most 48)", kw, id);
		return;
	}
	if ((c = triage_load_find_concept(tr, id, strlen(id))) != -1) {
		if (tr->concepts[c].kind != kind) {
			diag_error(l->d, path, line, "'%s' is already defined "
			    "as another kind (concept, topic, qualifier or "
			    "built-in)", id);
			return;
		}
	} else {
		if (tr->nconcepts == TRIAGE_MAX_CONCEPTS) {
			diag_error(l->d, path, line, "more than %d concepts "
			    "and topics", TRIAGE_MAX_CONCEPTS - TRIAGE_BUILTINS);
			return;
		}
		c = tr->nconcepts++;
		tr->concepts[c].id = xstrdup(id);
		tr->concepts[c].kind = kind;
	}
	snprintf(what, sizeof what, "%s '%s'", kw, id);
	/* The qualifier that makes a symptom mild lowers a level. */
	l->lowering = kind == KIND_QUALIFIER && strcmp(id, "mild") == 0;
	triage_load_words(l, triage_load_rest(rest), LEX_TARGET, 1);
	l->lowering = 0;
	triage_load_add(l, &tr->concepts[c].set, &l->concept_src[c],
	    triage_load_rest(rest), what, path, line);
}

static void
triage_load_cue(struct load *l, char *rest, const char *path, unsigned line)
{
	char	*kind, what[64];
	int	 k;

	if ((kind = triage_load_word(&rest)) == NULL) {
		diag_error(l->d, path, line, "cue needs a kind and a pattern");
		return;
	}
	for (k = 0; k < CUE_COUNT; k++)
		if (strcmp(kind, cue_names[k]) == 0)
			break;
	if (k == CUE_COUNT) {
		diag_error(l->d, path, line, "unknown cue kind '%s' (negation, "
		    "pseudo, hedge, termination, postneg, history, recurrence, "
		    "conditional, hypothetical, question, subject, relapse, current, negend, report, disjunct or postend)",
		    kind);
		return;
	}
	snprintf(what, sizeof what, "cue %s", kind);
	triage_load_add(l, &l->tr->cues[k], &l->cue_src[k],
	    triage_load_rest(rest), what, path, line);
}

static void
triage_load_answer(struct load *l, char *rest, const char *path, unsigned line)
{
	char	*which = triage_load_word(&rest);

	if (which != NULL && strcmp(which, "yes") == 0)
		triage_load_add(l, &l->tr->yes, &l->yes_src,
		    triage_load_rest(rest), "answer yes", path, line);
	else if (which != NULL && strcmp(which, "no") == 0)
		triage_load_add(l, &l->tr->no, &l->no_src,
		    triage_load_rest(rest), "answer no", path, line);
	else if (which != NULL && strcmp(which, "late") == 0)
		triage_load_add(l, &l->tr->late, &l->late_src,
		    triage_load_rest(rest), "answer late", path, line);
	else if (which != NULL && strcmp(which, "relay") == 0)
		triage_load_add(l, &l->tr->relay, &l->relay_src,
		    triage_load_rest(rest), "answer relay", path, line);
	else
		diag_error(l->d, path, line,
		    "expected: answer yes|no|late|relay PATTERN");
}

static void
triage_load_activity(struct load *l, char *rest, const char *path,
    unsigned line)
{
	struct triage_rules	*tr = l->tr;
	struct triage_activity_re *a;
	pcre2_code		*re;
	char			*unit, *pattern;
	size_t			 i;

	if ((unit = triage_load_word(&rest)) == NULL) {
		diag_error(l->d, path, line, "expected: activity UNIT PATTERN");
		return;
	}
	for (i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++)
		if (strcmp(unit, unit_names[i].name) == 0)
			break;
	if (i == sizeof unit_names / sizeof unit_names[0]) {
		diag_error(l->d, path, line, "unknown activity unit '%s' (none, "
		    "minutes, hours, km, miles, meters or steps)", unit);
		return;
	}
	pattern = triage_load_rest(rest);
	if (*pattern == '\0') {
		diag_error(l->d, path, line, "activity: no pattern");
		return;
	}
	if ((re = triage_load_compile(l, pattern, "activity", path, line,
	    1)) == NULL)
		return;
	if (unit_names[i].unit != UNIT_NONE &&
	    pcre2_substring_number_from_name(re, (PCRE2_SPTR)"n") < 0) {
		diag_error(l->d, path, line, "activity %s: the pattern needs a "
		    "group (?<n>...) for the amount", unit);
		pcre2_code_free(re);
		return;
	}
	tr->activity = xreallocarray(tr->activity, (size_t)tr->nactivity + 1,
	    sizeof *tr->activity);
	a = &tr->activity[tr->nactivity++];
	a->unit = unit_names[i].unit;
	a->line.re = re;
	a->line.jit = triage_load_has_jit(re);
	triage_load_ascii(&a->line, pattern,	/* on its own: never joined */
	    triage_lit_line(&tr->lits, &a->line, pattern));
}

static void
triage_load_language(struct load *l, char *rest, const char *path,
    unsigned line)
{
	struct triage_rules	*tr = l->tr;
	char			*code = triage_load_word(&rest);
	size_t			 n;
	int			 i;

	n = code != NULL ? strspn(code, "abcdefghijklmnopqrstuvwxyz") : 0;
	if (code == NULL || (n != 2 && n != 3) || code[n] != '\0' ||
	    triage_load_word(&rest) != NULL) {
		diag_error(l->d, path, line, "expected: language CODE (such as "
		    "en, es or de)");
		return;
	}
	for (i = 0; i < tr->nlangs; i++)
		if (strcmp(tr->langs[i].code, code) == 0)
			break;
	if (i == tr->nlangs) {
		if (tr->nlangs == TRIAGE_MAX_LANGS) {
			diag_error(l->d, path, line, "more than %d languages",
			    TRIAGE_MAX_LANGS);
			return;
		}
		memcpy(tr->langs[i].code, code, n + 1);
		tr->nlangs++;
	}
	l->lang = i;
}

static void
triage_load_prompt_name(struct load *l, const char *name)
{
	struct triage_rules	*tr = l->tr;
	int			 i;

	for (i = 0; i < l->nprompts; i++)
		if (strcmp(tr->prompts[i], name) == 0)
			return;
	if (l->nprompts < TRIAGE_MAX_PROMPTS)
		tr->prompts[l->nprompts++] = xstrdup(name);
}

/*
 * The names with a role in the engine: the request topics and the review
 * rule, whose prompt every rules set needs (a message nothing places is
 * answered with it).
 */
static void
triage_load_roles(struct load *l)
{
	static const char *const names[] = {
		[TRIAGE_REQUEST_STOP] = "stop",
		[TRIAGE_REQUEST_START] = "start",
		[TRIAGE_REQUEST_HELP] = "help",
	};
	struct triage_rules	*tr = l->tr;
	uint64_t		 need;
	int			 i, c;

	tr->request[TRIAGE_REQUEST_NONE] = -1;
	for (i = TRIAGE_REQUEST_STOP; i <= TRIAGE_REQUEST_HELP; i++) {
		c = triage_load_find_concept(tr, names[i], strlen(names[i]));
		tr->request[i] = c != -1 && tr->concepts[c].kind == KIND_TOPIC ?
		    c : -1;
	}
	/* "It's happening now": a symptom asked about as "what if" is here. */
	c = triage_load_find_concept(tr, "now", 3);
	tr->now = c != -1 && tr->concepts[c].kind == KIND_QUALIFIER ? c : -1;
	/* "It's back": a symptom denied or over is here again. */
	c = triage_load_find_concept(tr, "back", 4);
	tr->back = c != -1 && tr->concepts[c].kind == KIND_QUALIFIER ? c : -1;
	triage_load_prompt_name(l, "review");
	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (tr->concepts[c].kind == KIND_TOPIC)
			tr->topics |= UINT64_C(1) << c;
	/* Qualifiers and topics wait for the rest of a rule... */
	for (c = TRIAGE_BUILTINS; c < tr->nconcepts; c++)
		if (tr->concepts[c].kind != KIND_SYMPTOM)
			tr->lazy |= UINT64_C(1) << c;
	for (i = TRIAGE_REQUEST_STOP; i <= TRIAGE_REQUEST_HELP; i++)
		if (tr->request[i] >= 0)
			tr->lazy &= ~(UINT64_C(1) << tr->request[i]);
	/* ...but a rule made only of them is anchored on one of them. */
	for (i = 0; i < tr->nrules; i++) {
		need = tr->rules[i].need;
		if ((need & ~tr->lazy) == 0)
			tr->lazy &= ~(need & -need);
	}
}

/*
 * Parses "across CONCEPT..." once all concepts exist: those symptoms' matches
 * may cross a comma (docs/rules.md).
 */
static void
triage_load_across(struct load *l, struct load_pending_rule *pr)
{
	struct triage_rules	*tr = l->tr;
	char			*rest = pr->text, *name;
	int			 c, n = 0;

	while ((name = triage_load_word(&rest)) != NULL) {
		n++;
		c = triage_load_find_concept(tr, name, strlen(name));
		if (c == -1 || tr->concepts[c].kind != KIND_SYMPTOM)
			diag_error(l->d, pr->path, pr->line, "across: '%s' is "
			    "not a concept", name);
		else
			tr->concepts[c].across = 1;
	}
	if (n == 0)
		diag_error(l->d, pr->path, pr->line, "expected: across "
		    "CONCEPT...");
}

/* Parses "ID LEVEL EXPR [ask CONCEPT] [reply NAME]" once all concepts exist. */
static void
triage_load_rule(struct load *l, struct load_pending_rule *pr)
{
	struct triage_rules	*tr = l->tr;
	struct triage_rule	 r;
	char			*rest = pr->text, *id, *lvl, *expr, *kw, *arg, *p;
	char			*name;
	size_t			 len;
	int			 c, i, neg;

	id = triage_load_word(&rest);
	lvl = triage_load_word(&rest);
	expr = triage_load_word(&rest);
	if (id == NULL || lvl == NULL || expr == NULL) {
		diag_error(l->d, pr->path, pr->line, "expected: rule ID LEVEL "
		    "CONCEPT[+CONCEPT|+!CONCEPT...] [ask CONCEPT] [reply NAME] [inbox] [fallback]");
		return;
	}
	memset(&r, 0, sizeof r);
	r.ask = -1;
	if (!triage_load_valid_id(id)) {
		diag_error(l->d, pr->path, pr->line, "rule id '%s': use "
		    "lower-case letters, digits and _", id);
		return;
	}
	for (i = 0; i < tr->nrules; i++)
		if (strcmp(tr->rules[i].id, id) == 0) {
			diag_error(l->d, pr->path, pr->line, "rule '%s' is "
			    "defined twice", id);
			return;
		}
	if (triage_level_parse(lvl, &r.level) == -1) {
		diag_error(l->d, pr->path, pr->line, "rule '%s': unknown level "
		    "'%s' (routine, advice, urgent or emergency)", id, lvl);
		return;
	}
	for (p = expr; *p != '\0'; p += len + (p[len] == '+')) {
		neg = *p == '!';
		p += neg;
		len = strcspn(p, "+");
		if ((c = triage_load_find_concept(tr, p, len)) == -1) {
			diag_error(l->d, pr->path, pr->line, "rule '%s': unknown "
			    "concept '%.*s'", id, (int)len, p);
			return;
		}
		if (neg)
			r.forbid |= UINT64_C(1) << c;
		else
			r.need |= UINT64_C(1) << c;
	}
	if (r.need == 0) {
		diag_error(l->d, pr->path, pr->line, "rule '%s' needs at least "
		    "one concept that is present", id);
		return;
	}
	while ((kw = triage_load_word(&rest)) != NULL) {
		if (strcmp(kw, "inbox") == 0 || strcmp(kw, "fallback") == 0) {
			*(strcmp(kw, "inbox") == 0 ? &r.inbox : &r.fallback) = 1;
			continue;
		}
		arg = triage_load_word(&rest);
		if (arg == NULL) {
			diag_error(l->d, pr->path, pr->line, "rule '%s': '%s' "
			    "needs an argument", id, kw);
			goto fail;
		}
		if (strcmp(kw, "ask") == 0) {
			c = triage_load_find_concept(tr, arg, strlen(arg));
			if (c == -1 || tr->concepts[c].kind != KIND_SYMPTOM) {
				diag_error(l->d, pr->path, pr->line, "rule '%s': "
				    "ask '%s' is not a concept", id, arg);
				goto fail;
			}
			r.ask = c;
			name = xasprintf("ask_%s", arg);
			triage_load_prompt_name(l, name);
			free(name);
		} else if (strcmp(kw, "reply") == 0) {
			if (!triage_load_valid_id(arg)) {
				diag_error(l->d, pr->path, pr->line, "rule '%s': "
				    "reply '%s' is not a prompt name", id, arg);
				goto fail;
			}
			free(r.reply);
			r.reply = xstrdup(arg);
			triage_load_prompt_name(l, arg);
		} else {
			diag_error(l->d, pr->path, pr->line, "rule '%s': unknown "
			    "'%s' (ask, reply, inbox or fallback)", id, kw);
			goto fail;
		}
	}
	r.id = xstrdup(id);
	tr->rules = xreallocarray(tr->rules, (size_t)tr->nrules + 1,
	    sizeof *tr->rules);
	tr->rules[tr->nrules++] = r;
	return;
fail:
	free(r.reply);
}

/*
 * The line with its families expanded ({NAME} as (?:PATTERN)) and folded
 * as messages are (triage_norm.h, without the case fold, which would turn
 * \W into \w): a pattern's accents, apostrophes and quotes match what a
 * message reads as.  Owned by the caller; NULL after an error.
 */
static char *
triage_load_expand(struct load *l, const char *text, const char *path,
    unsigned line)
{
	struct evbuffer	*b = xevbuffer_new();
	const char	*p = text, *e;
	char		*exp, *out;
	size_t		 n;
	int		 i;

	while (*p != '\0') {
		n = p[0] == '{' ? strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") : 0;
		if (n == 0 || p[n + 1] != '}' || (p > text && p[-1] == '\\')) {
			e = p + 1 + strcspn(p + 1, "{");
			evbuffer_add(b, p, (size_t)(e - p));
			p = e;
			continue;
		}
		for (i = 0; i < l->nfamily; i++)
			if (strlen(l->family[i].name) == n &&
			    strncmp(l->family[i].name, p + 1, n) == 0)
				break;
		if (i == l->nfamily) {
			diag_error(l->d, path, line, "unknown family {%.*s} "
			    "(define it above, in this file)", (int)n, p + 1);
			evbuffer_free(b);
			return NULL;
		}
		evbuffer_add_printf(b, "(?:%s)", l->family[i].pattern);
		p += n + 2;
	}
	exp = xevbuffer_take(b);
	n = strlen(exp);
	out = xmalloc(TRIAGE_NORM_SIZE(n));
	triage_norm_fold(exp, n, out, 0);
	free(exp);
	return out;
}

/* family NAME PATTERN: a word family for this file's later patterns. */
static void
triage_load_family(struct load *l, char *rest, const char *path, unsigned line)
{
	char	*name = triage_load_word(&rest),
	    *pattern = triage_load_rest(rest);
	int	 i;

	if (name == NULL || *pattern == '\0' ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != strlen(name)) {
		diag_error(l->d, path, line, "expected: family NAME PATTERN "
		    "(NAME in capitals and _)");
		return;
	}
	for (i = 0; i < l->nfamily; i++)
		if (strcmp(l->family[i].name, name) == 0) {
			diag_error(l->d, path, line, "family %s is defined "
			    "twice in this file", name);
			return;
		}
	l->family = xreallocarray(l->family, (size_t)l->nfamily + 1,
	    sizeof *l->family);
	l->family[l->nfamily].name = xstrdup(name);
	l->family[l->nfamily++].pattern = xstrdup(pattern);
}

static void
triage_load_families_free(struct load *l)
{
	int	i;

	for (i = 0; i < l->nfamily; i++) {
		free(l->family[i].name);
		free(l->family[i].pattern);
	}
	free(l->family);
	l->family = NULL;
	l->nfamily = 0;
}

/* 1 if pattern text at p ends a word: end, ), |, space, $, \b, \W, \s, \w*. */
static int
triage_load_word_end(const char *p)
{
	if (*p == '\0' || *p == ')' || *p == '|' || *p == ' ' || *p == '$')
		return 1;
	return p[0] == '\\' && (p[1] == 'b' || p[1] == 'W' || p[1] == 's' ||
	    (p[1] == 'w' && (p[2] == '*' || p[2] == '+' || p[2] == '{')));
}

/*
 * Whether p, in pat, follows an optional or repeated group of words that
 * ends with a separator: "(\w+\W+)?strohhalm", "(my\W+|the\W+)?chest",
 * "(\w+\W+){0,3}?pain".  A word starts there.
 */
static int
triage_load_after_gap(const char *pat, const char *p)
{
	const char	*q = p;

	if (q - pat >= 2 && q[-1] == '?' && strchr("}?*+", q[-2]) != NULL)
		q--;				/* lazy */
	if (q > pat && q[-1] == '}') {
		while (q > pat && q[-1] != '{')
			q--;
		if (q > pat)
			q--;
	} else if (q > pat && (q[-1] == '?' || q[-1] == '*' || q[-1] == '+'))
		q--;
	else
		return 0;
	if (q - pat < 4 || q[-1] != ')')
		return 0;
	q--;
	if (q[-1] == '+' || q[-1] == '*')
		q--;
	return q - pat >= 2 && q[-2] == '\\' && (q[-1] == 'W' || q[-1] == 's');
}

/*
 * The forms of a word a pattern spells with classes of letters
 * ("sentad[oa]", "rojiz[oa]s?", "ta[mn]bien"): each a plain word that a
 * stretched one squeezes back to ("sentaddda", "rooojiza"), as the forms
 * of "blades?" are, but no typo target.  A class holds up to four plain
 * letters; a word has at most sixteen forms, each of four letters or more,
 * and may end with one optional letter.  A word whose classes are all of
 * one letter ("d[i]nner") is none: rules spell so a word they want kept
 * out of the lexicon.  Returns the pattern text after the word, or NULL
 * when p begins none.
 */
static const char *
triage_load_forms(struct load *l, const char *p)
{
	char		 alt[40][5], w[40];
	size_t		 nalt[40], n = 0, i, k, len;
	unsigned	 nform = 1, f, x;
	int		 classes = 0, opt = 0;
	const char	*q;

	while (n < sizeof alt / sizeof alt[0] - 1) {
		if (*p >= 'a' && *p <= 'z') {
			alt[n][0] = *p++;
			nalt[n++] = 1;
		} else if (*p == '[') {
			for (q = p + 1, k = 0; *q >= 'a' && *q <= 'z' && k < 4;
			    q++)
				alt[n][k++] = *q;
			if (*q != ']' || k == 0)
				return NULL;
			nalt[n] = k;
			nform *= (unsigned)k;
			n++;
			classes += k > 1;
			p = q + 1;
		} else
			break;
		if (*p == '?' && nalt[n - 1] == 1 && triage_load_word_end(p + 1)) {
			opt = 1;		/* "s?" at the end */
			p++;
			break;
		}
	}
	if (classes == 0 || n < 4 || nform > 16 || !triage_load_word_end(p))
		return NULL;
	for (f = 0; f < nform; f++) {
		for (i = 0, x = f, len = 0; i < n; i++) {
			w[len++] = alt[i][x % nalt[i]];
			x /= (unsigned)nalt[i];
		}
		w[len] = '\0';
		(void)triage_lexicon_add(l->tr->lexicon, w, LEX_WORD);
		if (opt && len > 4) {
			w[len - 1] = '\0';
			(void)triage_lexicon_add(l->tr->lexicon, w, LEX_WORD);
		}
	}
	return p;
}

/*
 * The words a folded pattern spells out, into the lexicon: a run of letters
 * that starts and ends a word of the pattern ("breath" in \bbreath\w*, not
 * "th" in br[ea]+th).  Concepts, qualifiers and topics give targets, cues
 * known words (a typo must not make a denial), the rest plain words, so
 * that "shorrt" reads as "short" and "puuedo" as "puedo" without a lexicon
 * line for each.  With spell (concepts, qualifiers, topics and the cues that
 * only raise a level), a typo of a word that is no target is read as it in
 * the second reading (triage_lexicon_spelled); answers, harmless phrases,
 * activity reports and lowering cues give none, since reading them could
 * only lower a level or take a name for a YES ("Simeon" is no "simon").
 */
static void
triage_load_words(struct load *l, const char *pat, enum triage_lex_kind kind,
    int spell)
{
	const char	*p = pat, *s;
	char		 w[40];
	int		 start;

	while (*p != '\0') {
		if (*p == '\\') {
			start = p[1] == 'b' || p[1] == 'W' || p[1] == 's';
			p += p[1] != '\0' ? 2 : 1;
			while (start && (*p == '+' || *p == '*'))
				p++;
			if (!start || *p < 'a' || *p > 'z')
				continue;
		} else if (*p == '[') {		/* a class: skipped */
			if (kind != LEX_KNOWN && (p == pat || p[-1] == '(' ||
			    p[-1] == '|' || p[-1] == ' ' || p[-1] == '^'))
				(void)triage_load_forms(l, p);
			for (p += 1 + (p[1] == ']'); *p != '\0' && *p != ']';
			    p += 1 + (*p == '\\' && p[1] != '\0'))
				;
			p += *p == ']';
			continue;
		} else if (p[0] == '(' && p[1] == '?') {
			for (p += 2; *p != '\0' && *p != ':' && *p != ')' &&
			    *p != '>'; p++)
				;
			p += *p != '\0';
			continue;
		} else if (*p < 'a' || *p > 'z' || (p > pat && p[-1] != '(' &&
		    p[-1] != '|' && p[-1] != ' ' && p[-1] != '^' &&
		    !triage_load_after_gap(pat, p))) {
			p++;
			continue;
		}
		if (kind != LEX_KNOWN && triage_load_forms(l, p) != NULL) {
			p++;
			continue;
		}
		for (s = p; *p >= 'a' && *p <= 'z'; p++)
			;
		if (p - s >= 2 && (size_t)(p - s) < sizeof w &&
		    triage_load_word_end(p)) {
			memcpy(w, s, (size_t)(p - s));
			w[p - s] = '\0';
			/* A stem ("perd" of perd\w+) is no word to correct to. */
			if (triage_lexicon_add(l->tr->lexicon, w,
			    kind == LEX_TARGET && p[0] == '\\' && p[1] == 'w' ?
			    LEX_STEM : kind) == 0) {
				if (spell)
					triage_lexicon_spelled(l->tr->lexicon);
				if (l->lowering)
					triage_lexicon_lowering(
					    l->tr->lexicon);
			}
		} else if (p - s >= 4 && (size_t)(p - s) < sizeof w &&
		    p[0] == '?' && triage_load_word_end(p + 1) &&
		    kind != LEX_KNOWN) {
			/*
			 * "blades?": blade and blades, each a word a stretched
			 * one squeezes back to ("blaades"), but no typo target
			 * and no stronger than the kind a word has elsewhere.
			 */
			memcpy(w, s, (size_t)(p - s));
			w[p - s] = '\0';
			if (triage_lexicon_add(l->tr->lexicon, w, LEX_WORD) == 0 &&
			    spell)
				triage_lexicon_spelled(l->tr->lexicon);
			w[p - s - 1] = '\0';
			if (triage_lexicon_add(l->tr->lexicon, w, LEX_WORD) == 0 &&
			    spell)
				triage_lexicon_spelled(l->tr->lexicon);
		}
	}
}

/*
 * The kind of a cue line's words: known for the cues that can lower a
 * level (negation, postneg, history, hypothetical, conditional, disjunct: a
 * typo must never be read as a denial); plain words for the cues that can
 * only keep or raise one (pseudo, hedge, termination, negend, subject,
 * current, recurrence, relapse, report, question, postend), which often hold symptom words ("can't
 * get my breath", negend's "dolor"), so that those stay typo targets.
 */
static enum triage_lex_kind
triage_load_cue_words(const char *rest)
{
	static const char *const lowering[] = {
		"negation", "postneg", "history", "hypothetical", "conditional",
		"disjunct",
	};
	size_t	n = strcspn(rest, " \t"), i;

	for (i = 0; i < sizeof lowering / sizeof lowering[0]; i++)
		if (strlen(lowering[i]) == n &&
		    strncmp(rest, lowering[i], n) == 0)
			return LEX_KNOWN;
	return LEX_WORD;
}

/*
 * ending SUFFIX FORM...: a word the lexicon does not know that ends in
 * SUFFIX reads as the rules' word the first FORM ("-": nothing) makes.
 */
static void
triage_load_ending(struct load *l, char *rest, const char *path,
    unsigned line)
{
	const char	*form[9], *suffix, *w;
	size_t		 n = 0, i;

	suffix = triage_load_word(&rest);
	while (suffix != NULL && n < 9 &&
	    (w = triage_load_word(&rest)) != NULL)
		form[n++] = w;
	if (suffix == NULL || n == 0) {
		diag_error(l->d, path, line, "ending needs a suffix and at "
		    "least one form (- for nothing)");
		return;
	}
	if (n > 8) {
		diag_error(l->d, path, line, "ending '%s' has more than eight "
		    "forms", suffix);
		return;
	}
	if (triage_lexicon_ending(l->tr->lexicon, suffix, form, n) == 0)
		return;
	if (strcmp(suffix, "-") == 0) {
		diag_error(l->d, path, line, "ending: the suffix cannot be "
		    "empty (-)");
		return;
	}
	for (i = 0; i < n; i++)
		if (strcmp(form[i], "-") != 0 &&
		    strspn(form[i], "abcdefghijklmnopqrstuvwxyz") !=
		    strlen(form[i]))
			break;
	diag_error(l->d, path, line, "ending '%s': '%s' is not a word of "
	    "letters a-z of at most 32 (or - for nothing)", suffix,
	    i < n ? form[i] : suffix);
}

/*
 * glue WORD...: short words a writer runs into the next one; a word the
 * lexicon does not know that is one of them and a target reads as both.
 */
static void
triage_load_glue(struct load *l, char *rest, const char *path,
    unsigned line)
{
	const char	*w;
	int		 n = 0;

	while ((w = triage_load_word(&rest)) != NULL) {
		n++;
		if (triage_lexicon_glue(l->tr->lexicon, w) == -1)
			diag_error(l->d, path, line, "glue '%s' is not a word "
			    "of one to four letters a-z", w);
	}
	if (n == 0)
		diag_error(l->d, path, line, "glue needs at least one word");
}

/* lexicon|known WORD...: words for triage_norm_words. */
static void
triage_load_lexicon(struct load *l, char *rest, enum triage_lex_kind kind,
    const char *path, unsigned line)
{
	char	*w;

	if (*triage_load_rest(rest) == '\0')
		diag_error(l->d, path, line, "expected: %s WORD...",
		    kind == LEX_TARGET ? "lexicon" : "known");
	while ((w = triage_load_word(&rest)) != NULL)
		if (triage_lexicon_add(l->tr->lexicon, w, kind) == -1)
			diag_error(l->d, path, line, "'%s' is not a word of 2 "
			    "to 32 letters", w);
}

static void
triage_load_file(struct load *l, const char *path)
{
	struct load_pending_rule *pr;
	FILE		*fp;
	char		 buf[LOAD_MAX_LINE], *p, *kw, *exp = NULL;
	unsigned	 line = 0;
	size_t		 len;

	if ((fp = fopen(path, "r")) == NULL) {
		diag_error(l->d, path, 0, "cannot open: %s", strerror(errno));
		return;
	}
	l->lang = -1;
	while (fgets(buf, sizeof buf, fp) != NULL) {
		line++;
		len = strlen(buf);
		if (len > 0 && buf[len - 1] != '\n' && !feof(fp)) {
			diag_error(l->d, path, line, "line longer than %d bytes",
			    LOAD_MAX_LINE - 2);
			break;
		}
		while (len > 0 && isspace((unsigned char)buf[len - 1]))
			buf[--len] = '\0';
		p = triage_load_rest(buf);
		if (*p == '\0' || *p == '#')
			continue;
		free(exp);
		if ((exp = triage_load_expand(l, p, path, line)) == NULL)
			continue;
		p = exp;
		kw = triage_load_word(&p);
		if (strcmp(kw, "cue") == 0)
			/* Only a raising cue's words are the second reading's. */
			triage_load_words(l, p, triage_load_cue_words(p),
			    triage_load_cue_words(p) == LEX_WORD);
		else if (strcmp(kw, "answer") == 0 ||
		    strcmp(kw, "harmless") == 0 || strcmp(kw, "activity") == 0)
			triage_load_words(l, p, LEX_WORD, 0);
		if (strcmp(kw, "concept") == 0)
			triage_load_concept(l, KIND_SYMPTOM, p, path, line);
		else if (strcmp(kw, "topic") == 0)
			triage_load_concept(l, KIND_TOPIC, p, path, line);
		else if (strcmp(kw, "qualifier") == 0)
			triage_load_concept(l, KIND_QUALIFIER, p, path, line);
		else if (strcmp(kw, "cue") == 0)
			triage_load_cue(l, p, path, line);
		else if (strcmp(kw, "harmless") == 0)
			triage_load_add(l, &l->tr->harmless, &l->harmless_src,
			    triage_load_rest(p), "harmless", path, line);
		else if (strcmp(kw, "answer") == 0)
			triage_load_answer(l, p, path, line);
		else if (strcmp(kw, "activity") == 0)
			triage_load_activity(l, p, path, line);
		else if (strcmp(kw, "family") == 0)
			triage_load_family(l, p, path, line);
		else if (strcmp(kw, "lexicon") == 0)
			triage_load_lexicon(l, p, LEX_TARGET, path, line);
		else if (strcmp(kw, "known") == 0)
			triage_load_lexicon(l, p, LEX_KNOWN, path, line);
		else if (strcmp(kw, "ending") == 0)
			triage_load_ending(l, p, path, line);
		else if (strcmp(kw, "glue") == 0)
			triage_load_glue(l, p, path, line);
		else if (strcmp(kw, "language") == 0)
			triage_load_language(l, p, path, line);
		else if (strcmp(kw, "detect") == 0) {
			if (l->lang == -1)
				diag_error(l->d, path, line, "detect needs a "
				    "language line above it in this file");
			else
				triage_load_add(l,
				    &l->tr->langs[l->lang].detect,
				    &l->detect_src[l->lang],
				        triage_load_rest(p),
				    "detect", path, line);
		} else if (strcmp(kw, "rule") == 0 ||
		    strcmp(kw, "across") == 0) {
			l->pending = xreallocarray(l->pending,
			    (size_t)l->npending + 1, sizeof *l->pending);
			pr = &l->pending[l->npending++];
			pr->path = xstrdup(path);
			pr->line = line;
			pr->text = xstrdup(p);
			pr->across = strcmp(kw, "across") == 0;
		} else
			diag_error(l->d, path, line, "unknown statement '%s' "
			    "(concept, topic, qualifier, cue, harmless, answer, "
			    "activity, language, detect, family, lexicon, known, "
			    "ending, glue, rule or across)", kw);
	}
	free(exp);
	triage_load_families_free(l);
	fclose(fp);
}

/*
 * The lines v[a, b) joined into one alternation, as one line of the set's
 * joined; halved until each alternation fits in one PCRE2 pattern.
 */
static void
triage_load_join(struct load *l, struct triage_set *ts, char **v, int a,
    int b, const char *dir)
{
	struct evbuffer	*buf = xevbuffer_new();
	struct triage_line *ln;
	PCRE2_UCHAR	 msg[256];
	pcre2_code	*re;
	char		*s;
	int		 i, err;
	PCRE2_SIZE	 off;

	for (i = a; i < b; i++)
		evbuffer_add_printf(buf, "%s%s", i > a ? "|" : "", v[i]);
	s = xevbuffer_take(buf);
	re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, LOAD_FLAGS,
	    &err, &off, NULL);
	free(s);
	if (re == NULL && b - a > 1) {
		triage_load_join(l, ts, v, a, a + (b - a) / 2, dir);
		triage_load_join(l, ts, v, a + (b - a) / 2, b, dir);
		return;
	}
	if (re == NULL) {	/* a line that cannot be one branch of several */
		pcre2_get_error_message(err, msg, sizeof msg);
		diag_error(l->d, dir, 0, "pattern '%.60s' cannot be joined to "
		    "the lines of its target: %s", v[a], (const char *)msg);
		return;
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	ts->joined = xreallocarray(ts->joined, (size_t)ts->njoined + 1,
	    sizeof *ts->joined);
	ln = &ts->joined[ts->njoined++];
	memset(ln, 0, sizeof *ln);
	ln->re = re;
	ln->jit = triage_load_has_jit(re);
}

/*
 * A set with a line the literal walk gave up on is searched as its lines
 * joined: one alternation of them all, or several in order where one
 * pattern would pass PCRE2's size (searched as lines are, which gives the
 * same first match).  A set whose lines are all read needs none.
 */
static void
triage_load_finish(struct load *l, struct triage_set *ts, struct evbuffer *src,
    const char *dir)
{
	char	*s, *p, *last, **v = NULL;
	int	 n = 0;

	if (src == NULL)
		return;
	s = xevbuffer_take(src);
	if (ts->unread > 0) {
		for (p = strtok_r(s, "\n", &last); p != NULL;
		    p = strtok_r(NULL, "\n", &last)) {
			v = xreallocarray(v, (size_t)n + 1, sizeof *v);
			v[n++] = p;
		}
		if (n > 0)
			triage_load_join(l, ts, v, 0, n, dir);
		free(v);
	}
	free(s);
}

static void
triage_load_set_free(struct triage_set *ts)
{
	int	i;

	for (i = 0; i < ts->nline; i++) {
		pcre2_code_free(ts->line[i].re);
		pcre2_code_free(ts->line[i].ascii);
	}
	free(ts->line);
	for (i = 0; i < ts->njoined; i++)
		pcre2_code_free(ts->joined[i].re);
	free(ts->joined);
}

static int
triage_load_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
triage_load_list(const char *dir, size_t *np, struct diag *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 n = 0, len;

	if ((dp = opendir(dir)) == NULL) {
		diag_error(d, dir, 0, "cannot open rules directory: %s",
		    strerror(errno));
		*np = 0;
		return NULL;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len > 6 && de->d_name[0] != '.' &&
		    strcmp(de->d_name + len - 6, ".rules") == 0) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(dp);
	if (n > 0)
		qsort(names, n, sizeof *names, triage_load_name_cmp);
	else
		diag_error(d, dir, 0, "no *.rules files");
	*np = n;
	return names;
}

struct triage_rules *
triage_rules_load(const char *dir, struct diag *d)
{
	struct load	 l;
	struct triage_rules *tr;
	char		**names, *path;
	size_t		 n, i, nerr = d->nerrors;
	int		 k;

	memset(&l, 0, sizeof l);
	l.d = d;
	l.tr = tr = xcalloc(1, sizeof *tr);
	tr->lexicon = triage_lexicon_new();
	tr->concepts[TRIAGE_HYPOTHETICAL].id = xstrdup("hypothetical");
	tr->concepts[TRIAGE_ACTIVITY].id = xstrdup("activity");
	tr->concepts[TRIAGE_READER_EMERGENCY].id = xstrdup("reader_emergency");
	tr->concepts[TRIAGE_READER_URGENT].id = xstrdup("reader_urgent");
	tr->nconcepts = TRIAGE_BUILTINS;

	names = triage_load_list(dir, &n, d);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		triage_load_file(&l, path);
		free(path);
		free(names[i]);
	}
	free(names);
	for (k = 0; k < l.npending; k++) {
		if (l.pending[k].across)
			triage_load_across(&l, &l.pending[k]);
		else
			triage_load_rule(&l, &l.pending[k]);
		free(l.pending[k].path);
		free(l.pending[k].text);
	}
	free(l.pending);
	triage_load_roles(&l);

	for (k = 0; k < tr->nconcepts; k++)
		triage_load_finish(&l, &tr->concepts[k].set, l.concept_src[k],
		    dir);
	for (k = 0; k < CUE_COUNT; k++)
		triage_load_finish(&l, &tr->cues[k], l.cue_src[k], dir);
	triage_load_finish(&l, &tr->harmless, l.harmless_src, dir);
	triage_load_finish(&l, &tr->yes, l.yes_src, dir);
	triage_load_finish(&l, &tr->no, l.no_src, dir);
	triage_load_finish(&l, &tr->late, l.late_src, dir);
	triage_load_finish(&l, &tr->relay, l.relay_src, dir);
	for (k = 0; k < tr->nlangs; k++)
		triage_load_finish(&l, &tr->langs[k].detect, l.detect_src[k],
		    dir);
	triage_lit_build(&tr->lits);
	triage_lit_index(tr);
	triage_lexicon_build(tr->lexicon);
	/* The second reader, when the directory has one. */
	path = xasprintf("%s/%s", dir, TRIAGE_READER_FILE);
	if (access(path, F_OK) == 0)
		tr->reader = triage_reader_load(path, d);
	free(path);

	if (n > 0 && tr->nrules == 0 && d->nerrors == nerr)
		diag_error(d, dir, 0, "no rules defined");
	if (d->nerrors != nerr) {
		triage_rules_free(tr);
		return NULL;
	}
	return tr;
}

void
triage_rules_free(struct triage_rules *tr)
{
	int	i;

	if (tr == NULL)
		return;
	for (i = 0; i < tr->nconcepts; i++) {
		free(tr->concepts[i].id);
		triage_load_set_free(&tr->concepts[i].set);
	}
	for (i = 0; i < tr->nrules; i++) {
		free(tr->rules[i].id);
		free(tr->rules[i].reply);
	}
	free(tr->rules);
	for (i = 0; i < CUE_COUNT; i++)
		triage_load_set_free(&tr->cues[i]);
	triage_load_set_free(&tr->harmless);
	triage_load_set_free(&tr->yes);
	triage_load_set_free(&tr->no);
	triage_load_set_free(&tr->late);
	triage_load_set_free(&tr->relay);
	for (i = 0; i < tr->nactivity; i++) {
		pcre2_code_free(tr->activity[i].line.re);
		pcre2_code_free(tr->activity[i].line.ascii);
	}
	free(tr->activity);
	for (i = 0; i < tr->nlangs; i++)
		triage_load_set_free(&tr->langs[i].detect);
	triage_lit_free(&tr->lits);
	free(tr->always);
	free(tr->key_off);
	free(tr->key_line);
	free(tr->keyed);
	triage_lexicon_free(tr->lexicon);
	triage_reader_free(tr->reader);
	for (i = 0; tr->prompts[i] != NULL; i++)
		free((char *)tr->prompts[i]);
	free(tr);
}

const char *const *
triage_rules_prompts(const struct triage_rules *tr)
{
	return tr->prompts;
}

const struct triage_lexicon *
triage_rules_lexicon(const struct triage_rules *tr)
{
	return tr->lexicon;
}
