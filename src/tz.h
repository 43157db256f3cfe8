/* SPDX-License-Identifier: ISC */
/*
 * Time zones from the system's zone database, without switching TZ on every
 * call.  tz_zone_load asks the C library (TZ, tzset, localtime_r) for a
 * zone's UTC offset across 1970-2100 once and keeps the offset changes as a
 * sorted table; everything after that (offsets, local to UTC, civil dates)
 * is pure arithmetic on the table, fast enough for 100,000 patients and safe
 * to call with any clock.  The tz files themselves are never parsed here:
 * glibc reads them.
 *
 * Civil days are days since 1970-01-01 in the proleptic Gregorian calendar;
 * "local seconds" are seconds since 1970-01-01 00:00 on the local wall clock.
 */
#ifndef CLOTLINE_TZ_H
#define CLOTLINE_TZ_H

#include <stdint.h>

struct tz_zone;
struct tz_cache;

/*
 * 1 if name is a zone in the system's zone database (a TZif file under
 * $TZDIR or /usr/share/zoneinfo), 0 otherwise.  glibc quietly treats an
 * unknown name as UTC, so every zone is checked with this first.
 */
int		 tz_exists(const char *name);

/*
 * Loads name (which must pass tz_exists) by probing the C library.  Returns
 * NULL and sets *errp (caller frees) if it is not a zone.  Changes and then
 * restores TZ, so it is not thread-safe; the daemon is single-threaded.
 */
struct tz_zone	*tz_zone_load(const char *name, char **errp);
void		 tz_zone_free(struct tz_zone *);
const char	*tz_zone_name(const struct tz_zone *);
/* Seconds east of UTC at instant t. */
int		 tz_offset(const struct tz_zone *, int64_t t);

enum tz_kind {
	TZ_EXACT,	/* the local time exists once */
	TZ_GAP,		/* skipped by a forward change: *utc is the change */
	TZ_OVERLAP,	/* repeated by a backward change: *utc is the first */
};

/*
 * The UTC instant of a local time.  A local time skipped by a forward
 * change becomes the first instant after the gap (the next valid minute
 * on the wall clock); a repeated one its first occurrence.
 */
enum tz_kind	 tz_local_to_utc(const struct tz_zone *, int64_t local,
		    int64_t *utc);
/* The local seconds of instant t. */
int64_t		 tz_utc_to_local(const struct tz_zone *, int64_t t);

/* Civil dates. */
int32_t		 tz_days_from_civil(int y, int m, int d);
void		 tz_civil_from_days(int32_t days, int *y, int *m, int *d);
/* 0 Sunday .. 6 Saturday. */
int		 tz_weekday(int32_t days);
/* Floor division of local seconds into a civil day and a second of day. */
int32_t		 tz_day_of(int64_t local);

/*
 * Zones by name, each loaded once.  get returns NULL with *errp (caller
 * frees) for a name that is not a zone; the zone belongs to the cache.
 */
struct tz_cache	*tz_cache_create(void);
void		 tz_cache_free(struct tz_cache *);
const struct tz_zone *tz_cache_get(struct tz_cache *, const char *name,
		    char **errp);

#endif
