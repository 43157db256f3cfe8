/* SPDX-License-Identifier: ISC */
/*
 * Zone tables and civil-date arithmetic (see tz.h).  A zone is sampled once
 * a day from 1970 to 2100 through localtime_r and every change of offset is
 * narrowed to the second by bisection; no zone changes its offset twice
 * within a day, so nothing is missed.  Instants outside the table's years
 * use the nearest offset known.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"
#include "xmalloc.h"

#define TZ_SCAN_FROM	INT64_C(0)		/* 1970-01-01 */
#define TZ_SCAN_TO	INT64_C(4102444800)	/* 2100-01-01 */
#define TZ_DAY		86400

struct tz_zone {
	char	*name;
	int32_t	 first_off;	/* before the first change */
	size_t	 n;
	int64_t	*at;		/* change instants, ascending */
	int32_t	*off;		/* offset from at[i] on */
};

struct tz_cache {
	struct tz_zone	**v;	/* sorted by name */
	size_t		  n;
};

int
tz_exists(const char *name)
{
	const char	*dir, *p;
	char		 path[PATH_MAX], magic[4];
	FILE		*fp;
	size_t		 got;

	if (name == NULL || *name == '\0' || *name == '/' ||
	    strstr(name, "..") != NULL || strlen(name) > 64)
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/_-+", *p) != NULL))
			return 0;
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return 0;
	/* zone.tab, tzdata.zi and the like live there too and are not zones. */
	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	got = fread(magic, 1, sizeof magic, fp);
	fclose(fp);
	return got == sizeof magic && memcmp(magic, "TZif", 4) == 0;
}

static int32_t
tz_probe(int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return (int32_t)tm.tm_gmtoff;
}

static void
tz_zone_add(struct tz_zone *z, size_t *cap, int64_t at, int32_t off)
{
	if (z->n == *cap) {
		*cap = *cap == 0 ? 256 : *cap * 2;
		z->at = xreallocarray(z->at, *cap, sizeof *z->at);
		z->off = xreallocarray(z->off, *cap, sizeof *z->off);
	}
	z->at[z->n] = at;
	z->off[z->n++] = off;
}

/* Samples the zone now in TZ; see the file comment. */
static void
tz_zone_scan(struct tz_zone *z)
{
	int64_t	t, lo, hi, mid;
	int32_t	cur, o;
	size_t	cap = 0;

	cur = z->first_off = tz_probe(TZ_SCAN_FROM);
	for (t = TZ_SCAN_FROM + TZ_DAY; t <= TZ_SCAN_TO; t += TZ_DAY) {
		if ((o = tz_probe(t)) == cur)
			continue;
		/* The change is in (t - day, t]. */
		lo = t - TZ_DAY;
		hi = t;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if (tz_probe(mid) == cur)
				lo = mid;
			else
				hi = mid;
		}
		tz_zone_add(z, &cap, hi, o);
		cur = o;
	}
}

struct tz_zone *
tz_zone_load(const char *name, char **errp)
{
	struct tz_zone	*z;
	const char	*old;
	char		*saved = NULL, *spec;

	if (!tz_exists(name)) {
		*errp = xasprintf("'%s' is not a time zone in the system's zone "
		    "database (e.g. Europe/London)", name);
		return NULL;
	}
	if ((old = getenv("TZ")) != NULL)
		saved = xstrdup(old);
	/* The leading ':' makes glibc read the file, never a POSIX rule. */
	spec = xasprintf(":%s", name);
	setenv("TZ", spec, 1);
	tzset();
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name);
	tz_zone_scan(z);
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	free(spec);
	return z;
}

void
tz_zone_free(struct tz_zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->at);
	free(z->off);
	free(z);
}

const char *
tz_zone_name(const struct tz_zone *z)
{
	return z->name;
}

int
tz_offset(const struct tz_zone *z, int64_t t)
{
	size_t	lo = 0, hi = z->n, mid;

	/* The last change at or before t. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? z->first_off : z->off[lo - 1];
}

int64_t
tz_utc_to_local(const struct tz_zone *z, int64_t t)
{
	return t + tz_offset(z, t);
}

enum tz_kind
tz_local_to_utc(const struct tz_zone *z, int64_t local, int64_t *utc)
{
	int32_t	oa, ob;
	int64_t	ta, tb;
	int	va, vb;
	size_t	lo, hi, mid;

	/* At most one change within a day either side of a local time. */
	oa = tz_offset(z, local - TZ_DAY);
	ob = tz_offset(z, local + TZ_DAY);
	ta = local - oa;
	tb = local - ob;
	va = tz_offset(z, ta) == oa;
	vb = tz_offset(z, tb) == ob;
	if (va && vb && ta != tb) {
		*utc = ta < tb ? ta : tb;
		return TZ_OVERLAP;
	}
	if (va || vb) {
		*utc = va ? ta : tb;
		return TZ_EXACT;
	}
	/*
	 * A gap: tb (by the later offset) is still before the change and ta
	 * after it.  The wall clock resumes at the change itself.
	 */
	lo = 0;
	hi = z->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= tb)
			lo = mid + 1;
		else
			hi = mid;
	}
	*utc = lo < z->n ? z->at[lo] : ta;
	return TZ_GAP;
}

/* Howard Hinnant's days_from_civil and civil_from_days. */
int32_t
tz_days_from_civil(int y, int m, int d)
{
	int		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void
tz_civil_from_days(int32_t days, int *y, int *m, int *d)
{
	int		z = days + 719468, era;
	unsigned	doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int
tz_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday. */
	return (int)(((int64_t)days % 7 + 11) % 7);
}

int32_t
tz_day_of(int64_t local)
{
	return (int32_t)(local >= 0 ? local / TZ_DAY :
	    -((-local + TZ_DAY - 1) / TZ_DAY));
}

struct tz_cache *
tz_cache_create(void)
{
	return xcalloc(1, sizeof (struct tz_cache));
}

void
tz_cache_free(struct tz_cache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		tz_zone_free(c->v[i]);
	free(c->v);
	free(c);
}

const struct tz_zone *
tz_cache_get(struct tz_cache *c, const char *name, char **errp)
{
	struct tz_zone	*z;
	size_t		 lo = 0, hi = c->n, mid;
	int		 cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = strcmp(name, c->v[mid]->name)) == 0)
			return c->v[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if ((z = tz_zone_load(name, errp)) == NULL)
		return NULL;
	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	memmove(c->v + lo + 1, c->v + lo, (c->n - lo) * sizeof *c->v);
	c->v[lo] = z;
	c->n++;
	return z;
}
