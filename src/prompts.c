/*
 * Prompt loading and rendering (see prompts.h).  Lines starting with '#' at
 * the top of a prompt file are comments for the clinic's editors; the rest,
 * with trailing white space trimmed, is the message.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/buffer.h>

#include "prompts.h"
#include "utf8.h"
#include "xmalloc.h"

#define PROMPTS_MAX_FILE	4096
#define PROMPTS_MAX_LANGS	16

static const char *prompts_names[PROMPT_COUNT] = {
	[PROMPT_EMERGENCY] =	"emergency",
	[PROMPT_URGENT] =	"urgent",
	[PROMPT_ADVICE] =	"advice",
	[PROMPT_ROUTINE] =	"routine",
	[PROMPT_HELP] =		"help",
	[PROMPT_STOP] =		"stop",
	[PROMPT_START] =	"start",
	[PROMPT_UNKNOWN] =	"unknown",
};

struct prompts_lang {
	char	lang[4];
	char	*text[PROMPT_COUNT];		/* owned, rendered */
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
static char *
prompts_render(const char *src, const struct prompt_vars *vars,
    const char *path, unsigned firstline, struct diag *d)
{
	struct evbuffer	*b;
	const char	*p = src, *open, *close, *val;
	unsigned	 line = firstline;
	size_t		 namelen, nerr = d->nerrors;

	b = xevbuffer_new();
	while ((open = strchr(p, '{')) != NULL) {
		for (const char *q = p; q < open; q++)
			line += *q == '\n';
		evbuffer_add(b, p, (size_t)(open - p));
		close = strchr(open, '}');
		if (close == NULL) {
			diag_error(d, path, line, "unclosed '{' in template");
			goto out;
		}
		namelen = (size_t)(close - open - 1);
		if (namelen == 16 && strncmp(open + 1, "emergency_number", 16) == 0)
			val = vars->emergency_number;
		else if (namelen == 11 && strncmp(open + 1, "clinic_name", 11) == 0)
			val = vars->clinic_name;
		else if (namelen == 12 && strncmp(open + 1, "clinic_phone", 12) == 0)
			val = vars->clinic_phone;
		else {
			diag_error(d, path, line, "unknown placeholder {%.*s} "
			    "(known: {emergency_number} {clinic_name} {clinic_phone})",
			    (int)(namelen > 40 ? 40 : namelen), open + 1);
			p = close + 1;
			continue;
		}
		evbuffer_add(b, val, strlen(val));
		p = close + 1;
	}
	evbuffer_add(b, p, strlen(p));
	if (d->nerrors != nerr)
		goto out;
	return xevbuffer_take(b);
out:
	evbuffer_free(b);
	return NULL;
}

static char *
prompts_read(const char *path, enum prompt_id id, const struct prompt_vars *vars,
    struct diag *d)
{
	FILE		*fp;
	char		 buf[PROMPTS_MAX_FILE + 1], *body, *end, *out;
	size_t		 len;
	unsigned	 line = 1;

	if ((fp = fopen(path, "r")) == NULL) {
		diag_error(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
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
	out = prompts_render(body, vars, path, line, d);
	/* Red-flag advice must always say which number to call. */
	if ((id == PROMPT_EMERGENCY || id == PROMPT_URGENT) &&
	    strstr(body, "{emergency_number}") == NULL) {
		diag_error(d, path, line, "must contain {emergency_number}: "
		    "every urgent and emergency reply gives the emergency number");
		free(out);
		out = NULL;
	}
	return out;
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
	int			 id;

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

	for (i = 0; i < ps->nlangs; i++) {
		pl = &ps->langs[i];
		for (id = 0; id < PROMPT_COUNT; id++) {
			path = xasprintf("%s/%s/%s.txt", dir, pl->lang,
			    prompts_names[id]);
			pl->text[id] = prompts_read(path, (enum prompt_id)id,
			    vars, d);
			free(path);
		}
	}
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
	size_t	i;
	int	id;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->nlangs; i++)
		for (id = 0; id < PROMPT_COUNT; id++)
			free(ps->langs[i].text[id]);
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

const char *
prompts_get(const struct prompts *ps, const char *lang, enum prompt_id id)
{
	const struct prompts_lang	*pl;

	if ((pl = prompts_find(ps, lang)) == NULL)
		pl = &ps->langs[ps->def];
	return pl->text[id];
}
