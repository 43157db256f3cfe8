/* SPDX-License-Identifier: ISC */
/*
 * Next-fire arithmetic (see schedule.h).  Everything is done on civil days
 * and wall-clock minutes first and turned into an instant last, through the
 * zone's table, which is what keeps a 09:30 at 09:30 across a change.
 */
#include "config.h"

#include <string.h>

#include "schedule.h"
#include "tz.h"

#define SCHED_DAY	86400
/* Enough days for any rule to come round: weekly, every N days (N <= 366). */
#define SCHED_MAX_SCAN	400

int
sched_in_quiet(const struct sched_window *w, int m)
{
	if (w->quiet_start == w->quiet_end)
		return 0;
	if (w->quiet_start < w->quiet_end)
		return m >= w->quiet_start && m < w->quiet_end;
	/* Overnight, such as 21:00-08:00. */
	return m >= w->quiet_start || m < w->quiet_end;
}

/*
 * The wall-clock minute a rule fires at on its day, and how many days
 * later: a late evening time in overnight quiet hours moves to the next
 * morning's quiet_end.
 */
static void
sched_effective(const struct sched_window *w, int minute, int *m, int *shift)
{
	*m = minute;
	*shift = 0;
	if (!sched_in_quiet(w, minute))
		return;
	if (w->quiet_start > w->quiet_end && minute >= w->quiet_start)
		*shift = 1;
	*m = w->quiet_end;
}

static int
sched_day_matches(const struct sched_rule *r, int32_t day, int32_t anchor)
{
	int64_t	k;

	switch (r->days) {
	case SCHED_DAILY:
		return 1;
	case SCHED_EVERY:
		if (r->every <= 1)
			return 1;
		k = ((int64_t)day - anchor) % r->every;
		return k == 0;
	case SCHED_WEEKDAYS:
		return (r->weekdays >> tz_weekday(day)) & 1;
	}
	return 0;
}

int32_t
sched_local_day(const struct tz_zone *z, int64_t t)
{
	return tz_day_of(tz_utc_to_local(z, t));
}

int
sched_next_fire(const struct tz_zone *z, const struct sched_rule *r,
    const struct sched_window *w, int64_t after, int64_t *next)
{
	int64_t	first, last, d, t;
	int32_t	anchor;
	int	m, shift, i;

	first = INT32_MIN;
	last = w->end_day;
	anchor = 0;
	if (w->start_day != SCHED_NO_START) {
		first = (int64_t)w->start_day + r->start_delay;
		anchor = (int32_t)first;
		if (r->end_after > 0 && (int64_t)w->start_day + r->end_after - 1 <
		    last)
			last = (int64_t)w->start_day + r->end_after - 1;
	}
	sched_effective(w, r->minute, &m, &shift);
	/* A fire moved to the next morning belongs to the day before. */
	d = (int64_t)sched_local_day(z, after) - shift;
	if (d < first)
		d = first;
	for (i = 0; i < SCHED_MAX_SCAN; i++, d++) {
		if (d > last)
			return 0;
		if (!sched_day_matches(r, (int32_t)d, anchor))
			continue;
		(void)tz_local_to_utc(z, (d + shift) * SCHED_DAY + m * 60, &t);
		if (t > after) {
			*next = t;
			return 1;
		}
	}
	return 0;
}

size_t
sched_upcoming(const struct tz_zone *z, const struct sched_rule *rules,
    size_t nrules, const struct sched_window *w, int64_t after,
    struct sched_fire *out, size_t n)
{
	int64_t	cur[32];
	int	live[32];
	size_t	i, best, got = 0;

	if (nrules > 32)
		nrules = 32;
	for (i = 0; i < nrules; i++)
		live[i] = sched_next_fire(z, &rules[i], w, after, &cur[i]);
	while (got < n) {
		best = nrules;
		for (i = 0; i < nrules; i++)
			if (live[i] && (best == nrules || cur[i] < cur[best]))
				best = i;
		if (best == nrules)
			break;
		out[got].at = cur[best];
		out[got++].rule = best;
		live[best] = sched_next_fire(z, &rules[best], w, cur[best],
		    &cur[best]);
	}
	return got;
}

enum sched_due
sched_due(int64_t at, int64_t now, int64_t catch_up)
{
	if (at > now)
		return SCHED_WAIT;
	if (now - at > catch_up)
		return SCHED_SKIP;
	return SCHED_SEND;
}

int64_t
sched_quiet_begins(const struct tz_zone *z, const struct sched_window *w,
    int64_t after)
{
	int64_t	d, t;

	if (w->quiet_start == w->quiet_end)
		return 0;
	for (d = (int64_t)sched_local_day(z, after) - 1;; d++) {
		(void)tz_local_to_utc(z, d * SCHED_DAY + w->quiet_start * 60, &t);
		if (t > after)
			return t;
	}
}

int64_t
sched_week_start(const struct tz_zone *z, int64_t t)
{
	int32_t	day = sched_local_day(z, t);
	int64_t	monday, u;

	monday = (int64_t)day - (tz_weekday(day) + 6) % 7;
	(void)tz_local_to_utc(z, monday * SCHED_DAY, &u);
	return u;
}

/* Reads exactly n digits. */
static int
sched_digits(const char *s, int n, int *out)
{
	int	i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "9:30" or "09:30"; returns the characters used, or 0. */
static size_t
sched_scan_hhmm(const char *s, int *minute)
{
	int	h, mm;
	size_t	hl;

	hl = (s[0] >= '0' && s[0] <= '9' && s[1] == ':') ? 1 : 2;
	if (sched_digits(s, (int)hl, &h) == -1 || s[hl] != ':' ||
	    sched_digits(s + hl + 1, 2, &mm) == -1 || h > 23 || mm > 59)
		return 0;
	*minute = h * 60 + mm;
	return hl + 3;
}

int
sched_parse_hhmm(const char *s, int *minute, const char **why)
{
	size_t	n;

	if (s == NULL || (n = sched_scan_hhmm(s, minute)) == 0 || s[n] != '\0') {
		*why = "expected a time of day HH:MM from 00:00 to 23:59";
		return -1;
	}
	return 0;
}

int
sched_parse_date(const char *s, int32_t *day, const char **why)
{
	int	y, m, d, y2, m2, d2;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sched_digits(s, 4, &y) == -1 || sched_digits(s + 5, 2, &m) == -1 ||
	    sched_digits(s + 8, 2, &d) == -1 || m < 1 || m > 12 || d < 1 ||
	    d > 31) {
		*why = "expected a date YYYY-MM-DD";
		return -1;
	}
	if (y < 1970 || y > 2099) {
		*why = "the year must be from 1970 to 2099";
		return -1;
	}
	*day = tz_days_from_civil(y, m, d);
	tz_civil_from_days(*day, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d) {
		*why = "no such date";
		return -1;
	}
	return 0;
}

int
sched_window_parse(struct sched_window *w, const char *start_date,
    const char *end_date, const char *quiet_start, const char *quiet_end,
    const char **why)
{
	int	qs = 21 * 60, qe = 8 * 60;

	w->start_day = SCHED_NO_START;
	w->end_day = SCHED_NO_END;
	if (start_date != NULL &&
	    sched_parse_date(start_date, &w->start_day, why) == -1)
		return -1;
	if (end_date != NULL && sched_parse_date(end_date, &w->end_day, why) == -1)
		return -1;
	if (w->start_day != SCHED_NO_START && w->end_day != SCHED_NO_END &&
	    w->end_day < w->start_day) {
		*why = "the end date is before the start date";
		return -1;
	}
	if (quiet_start != NULL && sched_parse_hhmm(quiet_start, &qs, why) == -1)
		return -1;
	if (quiet_end != NULL && sched_parse_hhmm(quiet_end, &qe, why) == -1)
		return -1;
	w->quiet_start = (int16_t)qs;
	w->quiet_end = (int16_t)qe;
	return 0;
}

int
sched_times_lookup(const char *times, const char *name, int *minute,
    const char **why)
{
	const char	*p = times, *eq;
	size_t		 nlen, len;
	int		 m, found = 0;

	if (times == NULL)
		return 0;
	nlen = strlen(name);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		eq = p + strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
		if (eq == p || *eq != '=') {
			*why = "expected NAME=HH:MM[,NAME=HH:MM...] "
			    "(e.g. walk=09:30,strength=17:00)";
			return -1;
		}
		if ((len = sched_scan_hhmm(eq + 1, &m)) == 0) {
			*why = "expected a time of day HH:MM from 00:00 to 23:59";
			return -1;
		}
		if ((size_t)(eq - p) == nlen && strncmp(p, name, nlen) == 0 &&
		    !found) {
			*minute = m;
			found = 1;
		}
		p = eq + 1 + len;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p != '\0') {
			*why = "expected NAME=HH:MM[,NAME=HH:MM...] "
			    "(e.g. walk=09:30,strength=17:00)";
			return -1;
		}
	}
	return found;
}
