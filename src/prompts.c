/* SPDX-License-Identifier: ISC */
/*
 * Prompt loading and rendering (see prompts.h).  Lines starting with '#' at
 * the top of a prompt file are comments for the clinic's editors; the rest,
 * with trailing white space trimmed, is the message.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/buffer.h>

#include "plural.h"
#include "prompts.h"
#include "readfile.h"
#include "segments.h"
#include "utf8.h"
#include "xmalloc.h"

#define PROMPTS_MAX_FILE	4096
#define PROMPTS_MAX_LANGS	16
#define PROMPTS_MAX_NAMES	128	/* prompt files in one language */
#define PROMPTS_WARN_SEGMENTS	3

static const char *prompts_names[PROMPT_COUNT] = {
	[PROMPT_EMERGENCY] =	"emergency",
	[PROMPT_URGENT] =	"urgent",
	[PROMPT_ADVICE] =	"advice",
	[PROMPT_ROUTINE] =	"routine",
	[PROMPT_HELP] =		"help",
	[PROMPT_STOP] =		"stop",
	[PROMPT_START] =	"start",
	[PROMPT_UNKNOWN] =	"unknown",
	[PROMPT_ALERT] =	"alert",
	[PROMPT_DELIVERY_FAILED] = "delivery_failed",
	[PROMPT_WELCOME] =	"welcome",
};

/*
 * Placeholders filled when a message is sent, not when it is loaded.  A
 * prompt name ending in '*' covers every prompt it begins: the reminders
 * (scheduler.c) take the day's walking goal {minutes}, the {target} it
 * builds up to, the plan {week} (1 first), the {week_minutes} logged this
 * week and the weekly endurance {goal} ("60-120").
 */
static const struct {
	const char	*prompt;
	const char	*vars[10];
} prompts_runtime[] = {
	{ "alert*", { "level", "id", "name", "phone", "concepts", "excerpt",
	    "answered", "minutes", NULL } },
	{ "ack_*", { "id", "level", "name", "digits", "by", NULL } },
	{ "delivery_failed", { "phone", "reason", "code", NULL } },
	{ "voice_walk_confirm", { "minutes", NULL } },
	{ "voice_walk_saved", { "minutes", NULL } },
	{ "voice_exercises_plan", { "minutes", "goal_min", "goal_max", NULL } },
	{ "reminder_*", { "minutes", "target", "week", "week_minutes", "goal",
	    NULL } },
};

struct prompt {
	char	*name;			/* owned: the file name without .txt */
	char	*text;			/* owned, rendered */
};

struct prompts_lang {
	char		 lang[4];
	struct prompt	*v;		/* owned */
	size_t		 n;
};

struct prompts {
	struct prompts_lang	langs[PROMPTS_MAX_LANGS];
	size_t			nlangs;
	size_t			def;		/* index of the default language */
};

const char *
prompts_name(enum prompt_id id)
{
	return prompts_names[id];
}

/* Replaces {var} placeholders; an unknown or unclosed one is an error. */
static int
prompts_is_runtime(const char *prompt, const char *name, size_t len)
{
	const char *const	*v;
	size_t			 i;

	for (i = 0; i < sizeof prompts_runtime / sizeof prompts_runtime[0]; i++) {
		const char	*pat = prompts_runtime[i].prompt;
		size_t		 plen = strlen(pat);

		if (pat[plen - 1] == '*' ? strncmp(pat, prompt, plen - 1) != 0 :
		    strcmp(pat, prompt) != 0)
			continue;
		for (v = prompts_runtime[i].vars; *v != NULL; v++)
			if (strlen(*v) == len && strncmp(*v, name, len) == 0)
				return 1;
	}
	return 0;
}

/*
 * A number as a voice should read it, one digit at a time ("9 9 9", not
 * "nine hundred and ninety-nine").
 */
static void
prompts_spell(struct evbuffer *b, const char *number)
{
	const char	*c;

	for (c = number; *c != '\0'; c++) {
		if (c != number)
			evbuffer_add(b, " ", 1);
		evbuffer_add(b, c, 1);
	}
}

/* The load-time value of placeholder name, or NULL for none such. */
static int
prompts_var(const struct prompt_vars *vars, const char *name, size_t len,
    const char **val, int *spoken)
{
	static const struct {
		const char	*name;
		size_t		 off;
		int		 spoken;
	} known[] = {
		{ "emergency_number", offsetof(struct prompt_vars,
		    emergency_number), 0 },
		{ "emergency_number_spoken", offsetof(struct prompt_vars,
		    emergency_number), 1 },
		{ "urgent_number", offsetof(struct prompt_vars, urgent_number),
		    0 },
		{ "urgent_number_spoken", offsetof(struct prompt_vars,
		    urgent_number), 1 },
		{ "clinic_name", offsetof(struct prompt_vars, clinic_name), 0 },
		{ "clinic_phone", offsetof(struct prompt_vars, clinic_phone),
		    0 },
	};
	size_t	i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strlen(known[i].name) != len ||
		    strncmp(known[i].name, name, len) != 0)
			continue;
		*val = *(const char *const *)(const void *)((const char *)vars +
		    known[i].off);
		if (*val == NULL)
			*val = "";
		*spoken = known[i].spoken;
		return 1;
	}
	return 0;
}

/*
 * The forms of a count, "one:minute|other:minutes" in [p, end): each
 * CATEGORY:TEXT, categories as CLDR names them, "other" the last.  NULL
 * if well formed, else what is wrong.
 */
static const char *
prompts_forms_check(const char *p, const char *end)
{
	const char	*bar, *colon;
	int		 other;

	for (;;) {
		if ((bar = memchr(p, '|', (size_t)(end - p))) == NULL)
			bar = end;
		if ((colon = memchr(p, ':', (size_t)(bar - p))) == NULL ||
		    !plural_is_category(p, (size_t)(colon - p)))
			return "each form is CATEGORY:TEXT, the category one of "
			    "zero, one, two, few, many, other";
		other = colon - p == 5 && strncmp(p, "other", 5) == 0;
		if (bar == end)
			break;
		if (other)
			return "the form for 'other' comes last";
		p = bar + 1;
	}
	return other ? NULL : "the form for 'other' is missing (it comes last)";
}

/*
 * The condition of category [cat, cat + len) in a language's plural rules
 * (plural.txt, "one: n = 1" a line), into *cond and *condlen; 0, or -1
 * when the rules do not define it.
 */
static int
prompts_plural_rule(const char *rules, const char *cat, size_t len,
    const char **cond, size_t *condlen)
{
	const char	*line = rules, *eol;

	for (; line != NULL && *line != '\0'; line = *eol != '\0' ? eol + 1 :
	    eol) {
		eol = line + strcspn(line, "\n");
		if ((size_t)(eol - line) > len && strncmp(line, cat, len) == 0 &&
		    line[len] == ':') {
			*cond = line + len + 1;
			*condlen = (size_t)(eol - *cond);
			return 0;
		}
	}
	return -1;
}

/*
 * The forms of a count as the language's rules (rules, NULL: none) say:
 * {minutes|one:minute|other:minutes} from [open, close] goes into b as
 * {minutes|i = 1 and v = 0:minute|other:minutes}, which prompts_expand
 * tries in order once the count is known.  The text carries its own
 * language's rules, so a prompt that falls back to the default language
 * still agrees with itself.
 */
static void
prompts_forms_compile(struct evbuffer *b, const char *open, const char *bar,
    const char *close, const char *rules, const char *path, unsigned line,
    struct diag *d)
{
	const char	*p, *colon, *cond;
	size_t		 condlen;

	evbuffer_add(b, open, (size_t)(bar + 1 - open));
	for (p = bar + 1; p < close; p = bar + 1) {
		if ((bar = memchr(p, '|', (size_t)(close - p))) == NULL)
			bar = close;
		colon = memchr(p, ':', (size_t)(bar - p));
		if (strncmp(p, "other:", 6) == 0)
			evbuffer_add(b, p, (size_t)(bar - p));
		else if (prompts_plural_rule(rules != NULL ? rules : "", p,
		    (size_t)(colon - p), &cond, &condlen) == 0) {
			evbuffer_add(b, cond, condlen);
			evbuffer_add(b, colon, (size_t)(bar - colon));
		} else
			diag_error(d, path, line, "the form '%.*s' needs a "
			    "rule for it in plural.txt beside this file",
			    (int)(colon - p), p);
		evbuffer_add(b, bar, 1);
	}
}

/*
 * Renders [p, end) into b: load-time placeholders filled, runtime ones
 * kept.  *empty counts placeholders that had no value, *runtime the ones
 * kept for later.
 */
static void
prompts_render_span(struct evbuffer *b, const char *p, const char *end,
    const struct prompt_vars *vars, const char *rules, const char *prompt,
    const char *path, unsigned *line, struct diag *d, int *empty,
    int *runtime)
{
	const char	*open, *close, *val, *bar, *why;
	size_t		 namelen;
	int		 spoken;

	while ((open = memchr(p, '{', (size_t)(end - p))) != NULL) {
		for (const char *q = p; q < open; q++)
			*line += *q == '\n';
		evbuffer_add(b, p, (size_t)(open - p));
		close = memchr(open, '}', (size_t)(end - open));
		if (close == NULL) {
			diag_error(d, path, *line, "unclosed '{' in template");
			return;
		}
		namelen = (size_t)(close - open - 1);
		p = close + 1;
		if ((bar = memchr(open + 1, '|', namelen)) != NULL) {
			/* {count|one:minute|other:minutes}: filled when sent */
			if (!prompts_is_runtime(prompt, open + 1,
			    (size_t)(bar - open - 1)))
				diag_error(d, path, *line, "{%.*s}: plural forms "
				    "are for a count filled when the message is "
				    "sent", (int)(namelen > 40 ? 40 : namelen),
				    open + 1);
			else if ((why = prompts_forms_check(bar + 1,
			    close)) != NULL)
				diag_error(d, path, *line, "{%.*s}: %s",
				    (int)(namelen > 40 ? 40 : namelen), open + 1,
				    why);
			else
				prompts_forms_compile(b, open, bar, close, rules,
				    path, *line, d);
			(*runtime)++;
		} else if (prompts_var(vars, open + 1, namelen, &val, &spoken)) {
			if (*val == '\0')
				(*empty)++;
			if (spoken)
				prompts_spell(b, val);
			else
				evbuffer_add(b, val, strlen(val));
		} else if (prompts_is_runtime(prompt, open + 1, namelen)) {
			evbuffer_add(b, open, namelen + 2);	/* kept for later */
			(*runtime)++;
		} else
			diag_error(d, path, *line, "unknown placeholder {%.*s} "
			    "(known: {emergency_number} {emergency_number_spoken} "
			    "{urgent_number} {urgent_number_spoken} "
			    "{clinic_name} {clinic_phone})",
			    (int)(namelen > 40 ? 40 : namelen), open + 1);
	}
	for (const char *q = p; q < end; q++)
		*line += *q == '\n';
	evbuffer_add(b, p, (size_t)(end - p));
}

/*
 * Fills the load-time placeholders.  Text between [[ and ]] is kept only
 * when every placeholder in it has a value ("call your GP[[, call
 * {urgent_number}]] or ..." where a country has no such line); a section
 * with placeholders filled when sent is kept, brackets and all, for
 * prompts_expand to decide.
 */
static char *
prompts_render(const char *src, const struct prompt_vars *vars,
    const char *rules, const char *prompt, const char *path,
    unsigned firstline, struct diag *d)
{
	struct evbuffer	*b, *sec;
	const char	*p = src, *open, *close;
	unsigned	 line = firstline;
	size_t		 nerr = d->nerrors;
	int		 empty, runtime;

	b = xevbuffer_new();
	while ((open = strstr(p, "[[")) != NULL) {
		empty = runtime = 0;
		prompts_render_span(b, p, open, vars, rules, prompt, path, &line, d,
		    &empty, &runtime);
		if ((close = strstr(open + 2, "]]")) == NULL ||
		    memchr(open + 2, '[', (size_t)(close - open - 2)) != NULL) {
			diag_error(d, path, line, "'[[' without its ']]' (or "
			    "one inside another)");
			goto out;
		}
		empty = runtime = 0;
		sec = xevbuffer_new();
		prompts_render_span(sec, open + 2, close, vars, rules, prompt, path,
		    &line, d, &empty, &runtime);
		if (runtime > 0) {
			evbuffer_add(b, "[[", 2);
			evbuffer_add_buffer(b, sec);
			evbuffer_add(b, "]]", 2);
		} else if (empty == 0)
			evbuffer_add_buffer(b, sec);
		evbuffer_free(sec);
		p = close + 2;
	}
	empty = runtime = 0;
	prompts_render_span(b, p, p + strlen(p), vars, rules, prompt, path, &line, d,
	    &empty, &runtime);
	if (d->nerrors != nerr)
		goto out;
	return xevbuffer_take(b);
out:
	evbuffer_free(b);
	return NULL;
}

static char *
prompts_read(const char *path, const char *name, const struct prompt_vars *vars,
    const char *rules, struct diag *d)
{
	struct segments	 seg;
	FILE		*fp;
	char		 buf[PROMPTS_MAX_FILE + 1], *body, *end, *out;
	const char	*advice;
	size_t		 len;
	unsigned	 line = 1;
	int		 voice;

	if ((fp = readfile_open(path, READFILE_MAX_PROMPT, "prompt", d)) == NULL)
		return NULL;
	len = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	if (len > PROMPTS_MAX_FILE) {
		diag_error(d, path, 0, "larger than %d bytes", PROMPTS_MAX_FILE);
		return NULL;
	}
	buf[len] = '\0';
	if (!utf8_valid(buf, len)) {
		diag_error(d, path, 0, "not valid UTF-8 (or contains a NUL byte)");
		return NULL;
	}
	body = buf;
	while (*body == '#') {
		body += strcspn(body, "\n");
		if (*body == '\n')
			body++;
		line++;
	}
	end = body + strlen(body);
	while (end > body && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*body == '\0') {
		diag_error(d, path, 0, "the message is empty");
		return NULL;
	}
	out = prompts_render(body, vars, rules, name, path, line, d);
	/* Red-flag advice must always say which number to call. */
	voice = strncmp(name, "voice_", 6) == 0;
	advice = voice ? name + 6 : name;
	if (voice && strncmp(advice, "leg_", 4) == 0)
		advice += 4;
	if ((strncmp(advice, "emergency", 9) == 0 ||
	    strncmp(advice, "urgent", 6) == 0) &&
	    strstr(body, "{emergency_number") == NULL) {
		diag_error(d, path, line, "must contain {emergency_number} "
		    "(or, spoken, {emergency_number_spoken}): every urgent "
		    "and emergency reply gives the emergency number");
		free(out);
		out = NULL;
	}
	if (out != NULL && !voice) {	/* spoken prompts are not texted */
		segments_count(out, &seg);
		if (seg.count > PROMPTS_WARN_SEGMENTS)
			diag_warning(d, path, line, "%zu SMS segments (%zu %s); "
			    "replies should fit in 2 where they can",
			    seg.count, seg.units, seg.encoding == SEGMENTS_GSM7 ?
			    "GSM-7 septets" : "UCS-2 units: a character "
			    "outside GSM-7 makes every segment 67");
	}
	return out;
}

static int
prompts_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prompt *)a)->name,
	    ((const struct prompt *)b)->name);
}

/*
 * A language's plural rules, plural.txt beside its prompts (CATEGORY:
 * CONDITION a line, as CLDR writes them for whole numbers), checked; the
 * text (caller frees), or NULL when there is none or it is wrong.
 */
static char *
prompts_plural_load(const char *dir, const char *lang,
    const struct prompt_vars *vars, struct diag *d)
{
	struct stat	 sb;
	char		*path, *rules;
	const char	*line, *eol, *colon, *why;
	size_t		 nerr = d->nerrors;

	path = xasprintf("%s/%s/plural.txt", dir, lang);
	rules = stat(path, &sb) == 0 ? prompts_read(path, "plural", vars, NULL,
	    d) : NULL;
	for (line = rules; line != NULL && *line != '\0'; line = *eol !=
	    '\0' ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL || !plural_is_category(line,
		    (size_t)(colon - line)) || strncmp(line, "other:", 6) == 0)
			diag_error(d, path, 0, "'%.*s': each line is CATEGORY: "
			    "CONDITION, the category one of zero, one, two, "
			    "few, many (other is what none matches)",
			    (int)(eol - line > 40 ? 40 : eol - line), line);
		else if (plural_check(colon + 1, (size_t)(eol - colon - 1),
		    &why) == -1)
			diag_error(d, path, 0, "'%.*s': %s",
			    (int)(eol - line > 60 ? 60 : eol - line), line, why);
	}
	free(path);
	if (d->nerrors != nerr) {
		free(rules);
		return NULL;
	}
	return rules;
}

/* Reads every NAME.txt of one language; the core prompts must be there. */
static void
prompts_load_lang(struct prompts_lang *pl, const char *dir,
    const struct prompt_vars *vars, struct diag *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		*path, *name, *text, *rules;
	size_t		 len, i;
	int		 id;

	path = xasprintf("%s/%s", dir, pl->lang);
	dp = opendir(path);
	free(path);
	if (dp == NULL) {
		diag_error(d, dir, 0, "cannot open %s/: %s", pl->lang,
		    strerror(errno));
		return;
	}
	rules = prompts_plural_load(dir, pl->lang, vars, d);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 4 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 4, ".txt") != 0 ||
		    strcmp(de->d_name, "plural.txt") == 0)
			continue;
		if (pl->n == PROMPTS_MAX_NAMES) {
			diag_error(d, dir, 0, "more than %d prompts in %s/",
			    PROMPTS_MAX_NAMES, pl->lang);
			break;
		}
		name = xstrndup(de->d_name, len - 4);
		path = xasprintf("%s/%s/%s", dir, pl->lang, de->d_name);
		/* Kept even when it failed, so it is not also "missing". */
		text = prompts_read(path, name, vars, rules, d);
		free(path);
		pl->v = xreallocarray(pl->v, pl->n + 1, sizeof *pl->v);
		pl->v[pl->n].name = name;
		pl->v[pl->n++].text = text;
	}
	closedir(dp);
	free(rules);
	if (pl->n > 0)
		qsort(pl->v, pl->n, sizeof *pl->v, prompts_name_cmp);
	for (id = 0; id < PROMPT_COUNT; id++) {
		for (i = 0; i < pl->n; i++)
			if (strcmp(pl->v[i].name, prompts_names[id]) == 0)
				break;
		if (i == pl->n)
			diag_error(d, dir, 0, "%s/%s.txt: missing (every language "
			    "needs it)", pl->lang, prompts_names[id]);
	}
}

static int
prompts_is_lang(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz");

	return (n == 2 || n == 3) && name[n] == '\0';
}

static int
prompts_lang_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prompts_lang *)a)->lang,
	    ((const struct prompts_lang *)b)->lang);
}

struct prompts *
prompts_load(const char *dir, const char *default_lang,
    const struct prompt_vars *vars, struct diag *d)
{
	struct prompts		*ps;
	struct prompts_lang	*pl;
	DIR			*dp;
	struct dirent		*de;
	struct stat		 sb;
	char			*path;
	size_t			 i, nerr = d->nerrors;

	ps = xcalloc(1, sizeof *ps);
	if ((dp = opendir(dir)) == NULL) {
		diag_error(d, dir, 0, "cannot open prompts directory: %s",
		    strerror(errno));
		goto fail;
	}
	while ((de = readdir(dp)) != NULL) {
		if (!prompts_is_lang(de->d_name))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			free(path);
			continue;
		}
		free(path);
		if (ps->nlangs == PROMPTS_MAX_LANGS) {
			diag_error(d, dir, 0, "more than %d languages",
			    PROMPTS_MAX_LANGS);
			break;
		}
		pl = &ps->langs[ps->nlangs++];
		/* prompts_is_lang checked it fits: 2 or 3 letters. */
		memcpy(pl->lang, de->d_name, strlen(de->d_name) + 1);
	}
	closedir(dp);
	/* Sorted, so diagnostics come out in the same order every time. */
	qsort(ps->langs, ps->nlangs, sizeof ps->langs[0], prompts_lang_cmp);

	for (i = 0; i < ps->nlangs; i++)
		prompts_load_lang(&ps->langs[i], dir, vars, d);
	for (i = 0; i < ps->nlangs; i++)
		if (strcmp(ps->langs[i].lang, default_lang) == 0)
			break;
	if (i == ps->nlangs)
		diag_error(d, dir, 0, "no prompts for the default language '%s' "
		    "(expected %s/%s/)", default_lang, dir, default_lang);
	ps->def = i;
	if (d->nerrors == nerr)
		return ps;
fail:
	prompts_free(ps);
	return NULL;
}

void
prompts_free(struct prompts *ps)
{
	size_t	i, j;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->nlangs; i++) {
		for (j = 0; j < ps->langs[i].n; j++) {
			free(ps->langs[i].v[j].name);
			free(ps->langs[i].v[j].text);
		}
		free(ps->langs[i].v);
	}
	free(ps);
}

static const struct prompts_lang *
prompts_find(const struct prompts *ps, const char *lang)
{
	size_t	i;

	if (lang == NULL)
		return NULL;
	for (i = 0; i < ps->nlangs; i++)
		if (strcmp(ps->langs[i].lang, lang) == 0)
			return &ps->langs[i];
	return NULL;
}

int
prompts_has_language(const struct prompts *ps, const char *lang)
{
	return prompts_find(ps, lang) != NULL;
}

static const char *
prompts_in(const struct prompts_lang *pl, const char *name)
{
	size_t	lo = 0, hi = pl->n, mid;
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, pl->v[mid].name)) == 0)
			return pl->v[mid].text;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *
prompts_lookup(const struct prompts *ps, const char *lang, const char *name)
{
	const struct prompts_lang	*pl;
	const char			*t = NULL;

	if ((pl = prompts_find(ps, lang)) != NULL)
		t = prompts_in(pl, name);
	if (t == NULL)
		t = prompts_in(&ps->langs[ps->def], name);
	return t;
}

int
prompts_check_names(const struct prompts *ps, const char *dir,
    const char *const *names, struct diag *d)
{
	size_t	i, j, nerr = d->nerrors;

	for (i = 0; names[i] != NULL; i++) {
		for (j = 0; j < ps->nlangs; j++) {
			if (prompts_in(&ps->langs[j], names[i]) != NULL)
				continue;
			if (j == ps->def)
				diag_error(d, dir, 0, "%s/%s.txt: missing (a rule "
				    "replies with it)", ps->langs[j].lang,
				    names[i]);
			else
				diag_warning(d, dir, 0, "%s/%s.txt: missing; "
				    "%s patients get the %s text",
				    ps->langs[j].lang, names[i],
				    ps->langs[j].lang, ps->langs[ps->def].lang);
		}
	}
	return d->nerrors == nerr ? 0 : -1;
}

const char *
prompts_get(const struct prompts *ps, const char *lang, enum prompt_id id)
{
	const char	*t = prompts_lookup(ps, lang, prompts_names[id]);

	return t != NULL ? t : "";
}

/*
 * The form of a count: [p, end) is "COND:TEXT|...|other:TEXT" as
 * prompts_plurals left it; the first condition the count (a whole number)
 * meets, else other.
 */
static void
prompts_expand_forms(struct evbuffer *b, const char *count, const char *p,
    const char *end)
{
	const char	*bar, *colon;
	char		*stop;
	long long	 n = -1;

	if (count != NULL && isdigit((unsigned char)*count)) {
		n = strtoll(count, &stop, 10);
		if (*stop != '\0')
			n = -1;
	}
	for (; p < end; p = bar + 1) {
		if ((bar = memchr(p, '|', (size_t)(end - p))) == NULL)
			bar = end;
		if ((colon = memchr(p, ':', (size_t)(bar - p))) == NULL)
			continue;
		if ((colon - p == 5 && strncmp(p, "other", 5) == 0) ||
		    (n >= 0 && plural_match(p, (size_t)(colon - p), n))) {
			evbuffer_add(b, colon + 1, (size_t)(bar - colon - 1));
			return;
		}
	}
}

/* Expands [p, end) into b; counts placeholders with no or an empty value. */
static void
prompts_expand_span(struct evbuffer *b, const char *p, const char *end,
    const char *const *keys, const char *const *vals, size_t n, int *empty)
{
	const char	*open, *close, *bar;
	size_t		 i, len;

	while ((open = memchr(p, '{', (size_t)(end - p))) != NULL &&
	    (close = memchr(open, '}', (size_t)(end - open))) != NULL) {
		evbuffer_add(b, p, (size_t)(open - p));
		len = (size_t)(close - open - 1);
		if ((bar = memchr(open, '|', len + 1)) != NULL)
			len = (size_t)(bar - open - 1);
		for (i = 0; i < n; i++)
			if (strlen(keys[i]) == len &&
			    strncmp(keys[i], open + 1, len) == 0)
				break;
		if (i < n && bar != NULL)
			prompts_expand_forms(b, vals[i], bar + 1, close);
		else if (i < n) {	/* a NULL value is an empty one */
			if (vals[i] != NULL)
				evbuffer_add(b, vals[i], strlen(vals[i]));
			if (vals[i] == NULL || *vals[i] == '\0')
				(*empty)++;
		} else
			evbuffer_add(b, open, (size_t)(close + 1 - open));
		p = close + 1;
	}
	evbuffer_add(b, p, (size_t)(end - p));
}

char *
prompts_expand(const char *tmpl, const char *const *keys,
    const char *const *vals, size_t n)
{
	struct evbuffer	*b = xevbuffer_new(), *sec;
	const char	*p = tmpl, *open, *close;
	int		 empty;

	while ((open = strstr(p, "[[")) != NULL &&
	    (close = strstr(open + 2, "]]")) != NULL) {
		empty = 0;
		prompts_expand_span(b, p, open, keys, vals, n, &empty);
		empty = 0;
		sec = xevbuffer_new();
		prompts_expand_span(sec, open + 2, close, keys, vals, n, &empty);
		if (empty == 0)
			evbuffer_add_buffer(b, sec);
		evbuffer_free(sec);
		p = close + 2;
	}
	empty = 0;
	prompts_expand_span(b, p, p + strlen(p), keys, vals, n, &empty);
	return xevbuffer_take(b);
}
