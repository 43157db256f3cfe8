/* SPDX-License-Identifier: ISC */
/*
 * Loading the configuration, prompts and rules as one set (see settings.h).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "auth.h"
#include "conf.h"
#include "escalate.h"
#include "plan.h"
#include "prompts.h"
#include "readfile.h"
#include "settings.h"
#include "triage.h"
#include "voice.h"
#include "xmalloc.h"

/* The first two words of s into a and b; -1 if there are not two. */
static int
settings_words(const char *s, char *a, size_t alen, char *b, size_t blen)
{
	size_t	n;

	s += strspn(s, " \t");
	if ((n = strcspn(s, " \t\r\n")) == 0 || n >= alen)
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	s += n;
	s += strspn(s, " \t");
	if ((n = strcspn(s, " \t\r\n")) == 0 || n >= blen)
		return -1;
	memcpy(b, s, n);
	b[n] = '\0';
	return 0;
}

static int
settings_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Adds the variant for phone's numbers unless one already has them. */
static void
settings_add_variant(struct settings *s, const char *phone)
{
	const char	*e = conf_emergency_number(s->conf, phone);
	const char	*u = conf_urgent_number(s->conf, phone);
	size_t		 i;

	for (i = 0; i < s->nvariants; i++)
		if (settings_same(s->variants[i].emergency, e) &&
		    settings_same(s->variants[i].urgent, u))
			return;
	if (s->nvariants == SETTINGS_MAX_VARIANTS)
		return;		/* cannot happen: 2 maps of CONF_DIAL_MAX + 1 */
	s->variants[s->nvariants].emergency = e;
	s->variants[s->nvariants++].urgent = u;
}

/*
 * Renders the prompts once for every pair of emergency number and urgent
 * line a calling code gives (a phone's pair is that of the longest code it
 * starts with, so the codes themselves give every pair).  The first, the
 * clinic's default, reports into d; the others can differ only in those
 * numbers, so only their errors are passed on.
 */
static int
settings_load_prompts(struct settings *s, struct diag *d)
{
	const struct conf	*c = s->conf;
	struct prompt_vars	 vars;
	struct diag		 more;
	size_t			 i, j;

	settings_add_variant(s, NULL);
	for (i = 0; i < c->nemergency; i++)
		settings_add_variant(s, c->emergency_map[i].prefix);
	for (i = 0; i < c->nurgent; i++)
		settings_add_variant(s, c->urgent_map[i].prefix);
	vars.clinic_name = c->clinic_name;
	/* Unset only in a conf with errors, kept to check the prompts. */
	vars.clinic_phone = c->clinic_phone != NULL ? c->clinic_phone :
	    "+10000000000";
	for (i = 0; i < s->nvariants; i++) {
		vars.emergency_number = s->variants[i].emergency;
		vars.urgent_number = s->variants[i].urgent;
		if (i == 0) {
			s->variants[i].prompts = prompts_load(c->prompts_dir,
			    c->language, &vars, d);
			if (s->variants[i].prompts == NULL)
				return -1;
			continue;
		}
		diag_init(&more);
		s->variants[i].prompts = prompts_load(c->prompts_dir,
		    c->language, &vars, &more);
		for (j = 0; j < more.n; j++)
			if (more.v[j].severity == DIAG_ERROR)
				diag_error(d, c->path, 0, "with emergency "
				    "number %s: %s", s->variants[i].emergency,
				    more.v[j].text);
		diag_clear(&more);
		if (s->variants[i].prompts == NULL)
			return -1;
	}
	s->prompts = s->variants[0].prompts;
	return 0;
}

const struct prompts *
settings_prompts(const struct settings *s, const char *phone)
{
	const char	*e, *u;
	size_t		 i;

	if (phone == NULL)
		return s->prompts;
	e = conf_emergency_number(s->conf, phone);
	u = conf_urgent_number(s->conf, phone);
	for (i = 0; i < s->nvariants; i++)
		if (settings_same(s->variants[i].emergency, e) &&
		    settings_same(s->variants[i].urgent, u))
			return s->variants[i].prompts;
	return s->prompts;
}

/*
 * The rule ids the rules files give an urgent or emergency level ("rule ID
 * LEVEL ...", docs/rules.md): the red flags an escalation lists, told apart
 * from the markers and topics that fire beside them.  The engine has
 * already checked the files; this only reads the ids.
 */
static char *
settings_red_flags(const char *dir)
{
	struct evbuffer	*b = xevbuffer_new();
	struct dirent	*de;
	struct diag	 ignored;
	DIR		*dp;
	FILE		*fp;
	char		*path, line[512], id[128], level[32];
	size_t		 len;

	evbuffer_add(b, ",", 1);
	if ((dp = opendir(dir)) == NULL)
		return xevbuffer_take(b);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 7 || strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		/* (never a FIFO or device, whatever the name: readfile.h) */
		diag_init(&ignored);
		fp = readfile_open(path, READFILE_MAX_RULES, "rules file",
		    &ignored);
		diag_clear(&ignored);
		free(path);
		if (fp == NULL)
			continue;
		while (fgets(line, sizeof line, fp) != NULL) {
			if (strncmp(line, "rule", 4) != 0 ||
			    (line[4] != ' ' && line[4] != '\t'))
				continue;
			if (settings_words(line + 5, id, sizeof id, level,
			    sizeof level) == 0 &&
			    (strcmp(level, "urgent") == 0 ||
			    strcmp(level, "emergency") == 0))
				evbuffer_add_printf(b, "%s,", id);
		}
		fclose(fp);
	}
	closedir(dp);
	return xevbuffer_take(b);
}

/*
 * The rules files are read by the triage engine's loader; each is checked
 * first as readfile_open would (a regular file of bounded size), so that
 * none can stall a reload.  The directory itself is the loader's to report.
 */
static int
settings_check_rules(const char *dir, struct diag *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		*path;
	size_t		 len;
	int		 rc = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 6 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (readfile_check(path, READFILE_MAX_RULES, "rules file",
		    d) == -1)
			rc = -1;
		free(path);
	}
	closedir(dp);
	return rc;
}

/*
 * Every stage runs whatever an earlier one found, so check-config reports
 * a bad key, a broken prompt, a broken rule, a broken plan and a bad token
 * file in one run; only a configuration file that cannot be read at all
 * stops it.  The set is returned only when nothing was wrong.
 */
struct settings *
settings_load(const char *conf_path, struct diag *d)
{
	struct settings		*s;
	char			*rules_dir;
	size_t			 before = d->nerrors;
	int			 conf_bad = 0;

	s = xcalloc(1, sizeof *s);
	if ((s->conf = conf_load_lenient(conf_path, d, &conf_bad)) == NULL)
		goto fail;
	(void)settings_load_prompts(s, d);
	rules_dir = xasprintf("%s/rules", s->conf->prompts_dir);
	if (settings_check_rules(rules_dir, d) == 0) {
		s->rules = triage_rules_load(rules_dir, d);
		s->red_flags = settings_red_flags(rules_dir);
	}
	free(rules_dir);
	s->auth = auth_load(s->conf->token_file, getenv("CLOTLINE_ADMIN_TOKEN"),
	    d);
	if (s->prompts != NULL && s->rules != NULL)
		(void)prompts_check_names(s->prompts, s->conf->prompts_dir,
		    triage_rules_prompts(s->rules), d);
	if (s->prompts != NULL) {
		(void)prompts_check_names(s->prompts, s->conf->prompts_dir,
		    voice_prompts, d);
		(void)prompts_check_names(s->prompts, s->conf->prompts_dir,
		    escalate_prompts, d);
	}
	s->plans = plan_set_load(s->conf->plans_dir, !s->conf->plans_dir_given,
	    s->prompts, s->conf->prompts_dir, d);
	if (conf_bad || d->nerrors != before || s->prompts == NULL ||
	    s->rules == NULL || s->auth == NULL || s->plans == NULL)
		goto fail;
	return s;
fail:
	settings_free(s);
	return NULL;
}

void
settings_free(struct settings *s)
{
	size_t	i;

	if (s == NULL)
		return;
	conf_free(s->conf);
	for (i = 0; i < s->nvariants; i++)
		prompts_free(s->variants[i].prompts);
	free(s->red_flags);
	triage_rules_free(s->rules);
	plan_set_free(s->plans);
	auth_free(s->auth);
	free(s);
}
