/* SPDX-License-Identifier: ISC */
/*
 * Plan files (see plan.h).  inih does the INI syntax; a line reader in front
 * of it counts lines and notes each [section] header as it passes, so a
 * section without keys is still seen and every diagnostic has its line.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "conf.h"
#include "plan.h"
#include "prompts.h"
#include "readfile.h"
#include "storage.h"
#include "tz.h"
#include "xmalloc.h"

#define PLAN_MAX_FILES	64

struct plans {
	struct plan	**v;		/* sorted by name */
	size_t		  n;
};

struct plan_parse {
	struct plan	*plan;
	struct diag	*diag;
	const char	*file;
	FILE		*fp;
	unsigned	 lineno;
	int		 in_plan;	/* the current section is [plan] */
	struct plan_reminder *cur;	/* the current [reminder], or NULL */
	int		 bad_section;	/* keys here are not reported again */
	unsigned	 plan_seen[6];	/* line of each [plan] key */
	unsigned	 rem_seen[PLAN_MAX_REMINDERS][6];
};

static const char *const plan_keys[] = {
	"description", "walk_start", "walk_step", "walk_target", "goal_min",
	"goal_max",
};
static const char *const plan_reminder_keys[] = {
	"time", "days", "template", "logged_template", "start_delay_days",
	"end_after_days",
};
static const char *const plan_weekdays[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat",
};

static int
plan_name_ok(const char *s, size_t len, const char *extra)
{
	size_t	i;

	if (len == 0 || len >= PLAN_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || strchr(extra, s[i]) != NULL))
			return 0;
	return 1;
}

/* "daily", "every N days", "every other day", or weekdays "mon,wed,fri". */
static int
plan_parse_days(const char *v, struct sched_rule *r)
{
	const char	*p;
	char		 num[8];
	size_t		 n, i;
	int		 every;

	if (strcasecmp(v, "daily") == 0 || strcasecmp(v, "every day") == 0) {
		r->days = SCHED_DAILY;
		return 0;
	}
	if (strcasecmp(v, "every other day") == 0) {
		r->days = SCHED_EVERY;
		r->every = 2;
		return 0;
	}
	if (strncasecmp(v, "every ", 6) == 0) {
		p = v + 6;
		n = strspn(p, "0123456789");
		if (n == 0 || n >= sizeof num || strcasecmp(p + n, " days") != 0)
			return -1;
		memcpy(num, p, n);
		num[n] = '\0';
		if (conf_parse_int(num, 2, 366, &every) == -1)
			return -1;
		r->days = SCHED_EVERY;
		r->every = every;
		return 0;
	}
	r->days = SCHED_WEEKDAYS;
	r->weekdays = 0;
	for (p = v; *p != '\0';) {
		while (*p == ' ')
			p++;
		for (i = 0; i < 7; i++)
			if (strncasecmp(p, plan_weekdays[i], 3) == 0)
				break;
		if (i == 7 || (r->weekdays & (1U << i)) != 0)
			return -1;
		r->weekdays |= 1U << i;
		p += 3;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
	}
	return r->weekdays == 0 ? -1 : 0;
}

static size_t
plan_key_index(const char *const *keys, const char *key)
{
	size_t	i;

	for (i = 0; i < 6; i++)
		if (strcmp(keys[i], key) == 0)
			return i;
	return 6;
}

static void
plan_set_plan_key(struct plan_parse *pp, size_t k, const char *v)
{
	struct plan	*p = pp->plan;
	static const struct {
		int	min, max;
	} range[6] = {
		{ 0, 0 }, { 1, 120 }, { 0, 60 }, { 1, 240 }, { 0, 2000 },
		{ 0, 2000 },
	};
	int	*dst[6] = { NULL, &p->walk_start, &p->walk_step,
		    &p->walk_target, &p->goal_min, &p->goal_max };

	if (k == 0) {
		free(p->description);
		p->description = xstrdup(v);
		return;
	}
	if (conf_parse_int(v, range[k].min, range[k].max, dst[k]) == -1)
		diag_error(pp->diag, pp->file, pp->lineno,
		    "[plan] %s: '%s' is not a whole number from %d to %d",
		    plan_keys[k], v, range[k].min, range[k].max);
}

static void
plan_set_reminder_key(struct plan_parse *pp, size_t k, const char *v)
{
	struct plan_reminder	*r = pp->cur;
	const char		*why;
	char			**sp;

	switch (k) {
	case 0:
		if (sched_parse_hhmm(v, &r->rule.minute, &why) == -1)
			diag_error(pp->diag, pp->file, pp->lineno,
			    "[reminder %s] time: '%s': %s", r->name, v, why);
		break;
	case 1:
		if (plan_parse_days(v, &r->rule) == -1)
			diag_error(pp->diag, pp->file, pp->lineno,
			    "[reminder %s] days: '%s': expected daily, every N "
			    "days (N from 2 to 366) or weekdays such as "
			    "mon,wed,fri", r->name, v);
		break;
	case 2:
	case 3:
		sp = k == 2 ? &r->template : &r->logged_template;
		if (!plan_name_ok(v, strlen(v), "") ||
		    strncmp(v, "reminder_", 9) != 0) {
			diag_error(pp->diag, pp->file, pp->lineno,
			    "[reminder %s] %s: '%s': expected the name of a "
			    "prompt reminder_NAME (prompts/<lang>/reminder_NAME.txt)",
			    r->name, plan_reminder_keys[k], v);
			break;
		}
		free(*sp);
		*sp = xstrdup(v);
		break;
	case 4:
	case 5:
		if (conf_parse_int(v, 0, 3650, k == 4 ? &r->rule.start_delay :
		    &r->rule.end_after) == -1)
			diag_error(pp->diag, pp->file, pp->lineno,
			    "[reminder %s] %s: '%s' is not a whole number of "
			    "days from 0 to 3650", r->name, plan_reminder_keys[k], v);
		break;
	}
}

static int
plan_handler_cb(void *arg, const char *section, const char *key,
    const char *value)
{
	struct plan_parse	*pp = arg;
	unsigned		*seen;
	size_t			 k;

	if (pp->bad_section)
		return 1;
	if (*section == '\0') {
		diag_error(pp->diag, pp->file, pp->lineno,
		    "'%s' is outside any [section]", key);
		return 1;
	}
	if (pp->in_plan) {
		k = plan_key_index(plan_keys, key);
		seen = pp->plan_seen;
	} else {
		k = plan_key_index(plan_reminder_keys, key);
		seen = pp->rem_seen[pp->cur - pp->plan->reminders];
	}
	if (k == 6) {
		diag_error(pp->diag, pp->file, pp->lineno,
		    "unknown key '%s' in [%s]", key, section);
		return 1;
	}
	if (seen[k] != 0) {
		diag_error(pp->diag, pp->file, pp->lineno,
		    "[%s] %s is set twice (first on line %u)", section, key,
		    seen[k]);
		return 1;
	}
	seen[k] = pp->lineno;
	if (*value == '\0') {
		diag_error(pp->diag, pp->file, pp->lineno, "[%s] %s is empty",
		    section, key);
		return 1;
	}
	if (pp->in_plan)
		plan_set_plan_key(pp, k, value);
	else
		plan_set_reminder_key(pp, k, value);
	return 1;
}

/* Notes a [section] header: [plan] or [reminder NAME]. */
static void
plan_section(struct plan_parse *pp, const char *line)
{
	struct plan		*p = pp->plan;
	struct plan_reminder	*r;
	const char		*s = line, *e, *name;
	size_t			 len, i;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s++ != '[' || (e = strchr(s, ']')) == NULL)
		return;
	len = (size_t)(e - s);
	pp->in_plan = 0;
	pp->cur = NULL;
	pp->bad_section = 1;
	if (len == 4 && strncmp(s, "plan", 4) == 0) {
		pp->in_plan = 1;
		pp->bad_section = 0;
		return;
	}
	if (len <= 9 || strncmp(s, "reminder ", 9) != 0) {
		diag_error(pp->diag, pp->file, pp->lineno, "unknown section "
		    "[%.*s] (expected [plan] or [reminder NAME])",
		    (int)(len > 64 ? 64 : len), s);
		return;
	}
	name = s + 9;
	len -= 9;
	if (!plan_name_ok(name, len, "")) {
		diag_error(pp->diag, pp->file, pp->lineno, "[reminder %.*s]: "
		    "a reminder name is 1 to %d of a-z, 0-9 and _",
		    (int)(len > 64 ? 64 : len), name, PLAN_NAME_MAX - 1);
		return;
	}
	for (i = 0; i < p->nreminders; i++) {
		if (strlen(p->reminders[i].name) == len &&
		    strncmp(p->reminders[i].name, name, len) == 0) {
			diag_error(pp->diag, pp->file, pp->lineno,
			    "[reminder %.*s] appears twice (first on line %u)",
			    (int)len, name, p->reminders[i].line);
			return;
		}
	}
	if (p->nreminders == PLAN_MAX_REMINDERS) {
		diag_error(pp->diag, pp->file, pp->lineno,
		    "more than %d reminders in one plan", PLAN_MAX_REMINDERS);
		return;
	}
	r = &p->reminders[p->nreminders++];
	r->name = xstrndup(name, len);
	r->line = pp->lineno;
	r->rule.minute = -1;
	r->rule.days = SCHED_DAILY;
	r->rule.every = 0;
	r->rule.weekdays = 0;
	pp->cur = r;
	pp->bad_section = 0;
}

/* inih line reader: counts lines, notes headers, refuses overlong lines. */
static char *
plan_reader_cb(char *buf, int size, void *arg)
{
	struct plan_parse	*pp = arg;
	size_t			 len;
	int			 ch;

	if (fgets(buf, size, pp->fp) == NULL)
		return NULL;
	pp->lineno++;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] != '\n' && !feof(pp->fp)) {
		while ((ch = fgetc(pp->fp)) != EOF && ch != '\n')
			;
		diag_error(pp->diag, pp->file, pp->lineno,
		    "line is longer than %d characters", size - 2);
		buf[0] = '\0';
		return buf;
	}
	plan_section(pp, buf);
	return buf;
}

static void
plan_free(struct plan *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nreminders; i++) {
		free(p->reminders[i].name);
		free(p->reminders[i].template);
		free(p->reminders[i].logged_template);
	}
	free(p->name);
	free(p->path);
	free(p->description);
	free(p);
}

/* A template must exist in the default language; elsewhere it may not. */
static void
plan_check_template(struct plan_parse *pp, const struct prompts *ps,
    const char *dir, const struct plan_reminder *r, const char *tmpl,
    unsigned line)
{
	const char	*names[2] = { tmpl, NULL };

	if (prompts_lookup(ps, NULL, tmpl) == NULL) {
		diag_error(pp->diag, pp->file, line, "[reminder %s]: template "
		    "'%s' is not a prompt (no %s/<default language>/%s.txt)",
		    r->name, tmpl, dir, tmpl);
		return;
	}
	(void)prompts_check_names(ps, dir, names, pp->diag);
}

/* What must hold once the whole file is read. */
static void
plan_check(struct plan_parse *pp, const struct prompts *ps,
    const char *prompts_dir)
{
	struct plan		*p = pp->plan;
	struct plan_reminder	*r;
	size_t			 i;

	if (p->walk_start > p->walk_target)
		diag_error(pp->diag, pp->file, pp->plan_seen[1],
		    "[plan] walk_start (%d) is above walk_target (%d)",
		    p->walk_start, p->walk_target);
	if (p->goal_min > p->goal_max)
		diag_error(pp->diag, pp->file, pp->plan_seen[5],
		    "[plan] goal_min (%d) is above goal_max (%d)",
		    p->goal_min, p->goal_max);
	if (p->nreminders == 0)
		diag_error(pp->diag, pp->file, 0,
		    "no [reminder NAME] sections: the plan sends nothing");
	for (i = 0; i < p->nreminders; i++) {
		r = &p->reminders[i];
		if (pp->rem_seen[i][0] == 0)
			diag_error(pp->diag, pp->file, r->line,
			    "[reminder %s]: time = HH:MM is required", r->name);
		if (pp->rem_seen[i][1] == 0)
			diag_error(pp->diag, pp->file, r->line,
			    "[reminder %s]: days = daily | every N days | "
			    "mon,wed,... is required", r->name);
		if (pp->rem_seen[i][2] == 0)
			diag_error(pp->diag, pp->file, r->line,
			    "[reminder %s]: template = reminder_NAME is required",
			    r->name);
		if (r->rule.end_after > 0 &&
		    r->rule.end_after <= r->rule.start_delay)
			diag_error(pp->diag, pp->file, pp->rem_seen[i][5],
			    "[reminder %s]: end_after_days (%d) must be more "
			    "than start_delay_days (%d)", r->name,
			    r->rule.end_after, r->rule.start_delay);
		if (ps == NULL)
			continue;
		if (r->template != NULL)
			plan_check_template(pp, ps, prompts_dir, r, r->template,
			    pp->rem_seen[i][2]);
		if (r->logged_template != NULL)
			plan_check_template(pp, ps, prompts_dir, r,
			    r->logged_template, pp->rem_seen[i][3]);
	}
}

static struct plan *
plan_load(const char *path, const char *name, const struct prompts *ps,
    const char *prompts_dir, struct diag *d)
{
	struct plan_parse	 pp;
	struct plan		*p;
	size_t			 before = d->nerrors;
	int			 rc;

	p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	p->path = xstrdup(path);
	p->walk_start = 10;
	p->walk_step = 5;
	p->walk_target = 30;
	p->goal_min = 60;
	p->goal_max = 120;
	memset(&pp, 0, sizeof pp);
	pp.plan = p;
	pp.diag = d;
	pp.file = path;
	if ((pp.fp = readfile_open(path, READFILE_MAX_PLAN, "plan", d)) == NULL)
		goto fail;
	rc = ini_parse_stream(plan_reader_cb, &pp, plan_handler_cb, &pp);
	fclose(pp.fp);
	if (rc > 0)
		diag_error(d, path, (unsigned)rc,
		    "syntax error (expected [section] or key = value)");
	else if (rc < 0)
		diag_error(d, path, 0, "cannot read the file");
	plan_check(&pp, ps, prompts_dir);
	if (d->nerrors == before)
		return p;
fail:
	plan_free(p);
	return NULL;
}

static int
plan_cmp(const void *a, const void *b)
{
	return strcmp((*(struct plan *const *)a)->name,
	    (*(struct plan *const *)b)->name);
}

struct plans *
plan_set_load(const char *dir, int missing_ok, const struct prompts *ps,
    const char *prompts_dir, struct diag *d)
{
	struct plans	*set;
	struct plan	*p;
	DIR		*dp;
	struct dirent	*de;
	char		*path, *name;
	size_t		 len, before = d->nerrors;

	set = xcalloc(1, sizeof *set);
	if ((dp = opendir(dir)) == NULL) {
		if (errno == ENOENT && missing_ok) {
			diag_warning(d, dir, 0, "no plans directory: patients "
			    "get no reminders (set [reminders] plans_dir)");
			return set;
		}
		diag_error(d, dir, 0, "cannot open the plans directory: %s",
		    strerror(errno));
		goto fail;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 4 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 4, ".ini") != 0)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (!plan_name_ok(de->d_name, len - 4, "-")) {
			diag_error(d, path, 0, "a plan's file name is 1 to %d of "
			    "a-z, 0-9, - and _, then .ini", PLAN_NAME_MAX - 1);
			free(path);
			continue;
		}
		if (set->n == PLAN_MAX_FILES) {
			diag_error(d, dir, 0, "more than %d plans", PLAN_MAX_FILES);
			free(path);
			break;
		}
		name = xstrndup(de->d_name, len - 4);
		p = plan_load(path, name, ps, prompts_dir, d);
		free(name);
		free(path);
		if (p != NULL) {
			set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
			set->v[set->n++] = p;
		}
	}
	closedir(dp);
	if (set->n > 0)
		qsort(set->v, set->n, sizeof *set->v, plan_cmp);
	if (d->nerrors == before)
		return set;
fail:
	plan_set_free(set);
	return NULL;
}

void
plan_set_free(struct plans *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		plan_free(set->v[i]);
	free(set->v);
	free(set);
}

const struct plan *
plan_find(const struct plans *set, const char *name)
{
	size_t	lo = 0, hi, mid;
	int	cmp;

	if (set == NULL || name == NULL)
		return NULL;
	hi = set->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = strcmp(name, set->v[mid]->name)) == 0)
			return set->v[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
plan_count(const struct plans *set)
{
	return set == NULL ? 0 : set->n;
}

const struct plan *
plan_get(const struct plans *set, size_t i)
{
	return set->v[i];
}

const struct plan_reminder *
plan_reminder_find(const struct plan *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nreminders; i++)
		if (strcmp(p->reminders[i].name, name) == 0)
			return &p->reminders[i];
	return NULL;
}

int
plan_check_times(const struct plan *p, const char *times, char **why)
{
	const char	*q, *reason, *seen[PLAN_MAX_REMINDERS];
	char		 name[PLAN_NAME_MAX];
	size_t		 len, seenlen[PLAN_MAX_REMINDERS], nseen = 0, i;
	int		 m;

	if (times == NULL || *times == '\0')
		return 0;
	/* Well formed first, then each name in turn. */
	if (sched_times_lookup(times, "", &m, &reason) == -1) {
		*why = xasprintf("reminder times '%s': %s", times, reason);
		return -1;
	}
	for (q = times; *q != '\0'; q += strcspn(q, ",")) {
		q += strspn(q, " ,");
		if ((len = strcspn(q, "=")) == 0 || q[len] == '\0')
			break;
		/* One time for a reminder: which of two would it be? */
		for (i = 0; i < nseen; i++)
			if (seenlen[i] == len && strncmp(seen[i], q, len) == 0) {
				*why = xasprintf("reminder times: '%.*s' is given "
				    "more than once", (int)(len > 32 ? 32 : len),
				    q);
				return -1;
			}
		if (nseen == PLAN_MAX_REMINDERS) {
			*why = xasprintf("reminder times: more than %d",
			    PLAN_MAX_REMINDERS);
			return -1;
		}
		seen[nseen] = q;
		seenlen[nseen++] = len;
		if (len < sizeof name) {
			memcpy(name, q, len);
			name[len] = '\0';
			if (plan_reminder_find(p, name) != NULL)
				continue;
		}
		*why = xasprintf("reminder times: '%.*s' is not a reminder of "
		    "plan %s", (int)(len > 32 ? 32 : len), q, p->name);
		return -1;
	}
	return 0;
}

int
plan_patient_rules(const struct plan *p, const struct patient *pt,
    const struct tz_zone *z, struct sched_rule *rules, struct sched_window *w,
    const char **why)
{
	size_t	i;
	int	m;

	if (sched_window_parse(w, pt->start_date, pt->end_date, pt->quiet_start,
	    pt->quiet_end, why) == -1)
		return -1;
	if (w->start_day == SCHED_NO_START)
		w->start_day = sched_local_day(z, pt->created_at);
	for (i = 0; i < p->nreminders; i++) {
		rules[i] = p->reminders[i].rule;
		switch (sched_times_lookup(pt->reminder_times,
		    p->reminders[i].name, &m, why)) {
		case -1:
			return -1;
		case 1:
			rules[i].minute = m;
			break;
		}
	}
	return (int)p->nreminders;
}

int
plan_upcoming(const struct plan *p, const struct patient *pt,
    const struct tz_zone *z, int64_t after, struct sched_fire *out, size_t n,
    const char **why)
{
	struct sched_rule	rules[PLAN_MAX_REMINDERS];
	struct sched_window	w;
	int			nr;

	if ((nr = plan_patient_rules(p, pt, z, rules, &w, why)) == -1)
		return -1;
	return (int)sched_upcoming(z, rules, (size_t)nr, &w, after, out, n);
}

int
plan_walk_minutes(const struct plan *p, int target_override, int32_t start_day,
    int32_t today)
{
	int64_t	weeks, m;
	int	target = target_override > 0 ? target_override : p->walk_target;

	weeks = today > start_day ? ((int64_t)today - start_day) / 7 : 0;
	m = p->walk_start + weeks * p->walk_step;
	if (m > target)
		m = target;
	return (int)m;
}

int
plan_week_minutes(const struct plan *p, int target_override, int32_t start_day,
    const struct tz_zone *z, const struct activity_row *rows, size_t n)
{
	int32_t	day, bare_day = INT32_MIN;
	int64_t	total = 0;
	size_t	i, j;
	int	precise;

	for (i = 0; i < n; i++) {
		day = sched_local_day(z, rows[i].reported_at);
		if (rows[i].minutes > 0)
			total += rows[i].minutes;
		else if (rows[i].meters > 0)
			total += (rows[i].meters + PLAN_METERS_PER_MINUTE / 2) /
			    PLAN_METERS_PER_MINUTE;
		else if (rows[i].steps > 0)
			total += (rows[i].steps + PLAN_STEPS_PER_MINUTE / 2) /
			    PLAN_STEPS_PER_MINUTE;
		else if (day != bare_day) {
			/* Sorted by time: a day's bare reports are together. */
			bare_day = day;
			/* Only if nothing that day says how much. */
			precise = 0;
			for (j = 0; j < n; j++)
				if (sched_local_day(z, rows[j].reported_at) ==
				    day && (rows[j].minutes > 0 ||
				    rows[j].meters > 0 || rows[j].steps > 0))
					precise = 1;
			if (!precise)
				total += plan_walk_minutes(p, target_override,
				    start_day, day);
		}
	}
	return total > INT32_MAX ? INT32_MAX : (int)total;
}

void
plan_day_minutes(const struct plan *p, int target_override, int32_t start_day,
    const struct tz_zone *z, const struct activity_row *rows, size_t n,
    int32_t first, int32_t ndays, int *out)
{
	int32_t	day;
	size_t	i, j;

	for (day = 0; day < ndays; day++)
		out[day] = 0;
	for (i = 0; i < n; i = j) {
		day = sched_local_day(z, rows[i].reported_at);
		for (j = i + 1; j < n &&
		    sched_local_day(z, rows[j].reported_at) == day; j++)
			;
		if (day < first || day - first >= ndays)
			continue;
		if (p != NULL) {
			out[day - first] = plan_week_minutes(p, target_override,
			    start_day, z, rows + i, j - i);
			continue;
		}
		for (; i < j; i++) {
			if (rows[i].minutes > 0)
				out[day - first] += rows[i].minutes;
			else if (rows[i].meters > 0)
				out[day - first] += (rows[i].meters +
				    PLAN_METERS_PER_MINUTE / 2) /
				    PLAN_METERS_PER_MINUTE;
			else if (rows[i].steps > 0)
				out[day - first] += (rows[i].steps +
				    PLAN_STEPS_PER_MINUTE / 2) /
				    PLAN_STEPS_PER_MINUTE;
		}
	}
}
