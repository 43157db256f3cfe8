/* SPDX-License-Identifier: ISC */
/*
 * When reminders fire, as pure code: no I/O, no clock of its own (every
 * function takes the instant it reasons about), zones as tables from tz.h.
 *
 * A reminder fires at a local time of day on its days (daily, every N days
 * counted from the first day it may fire, or chosen weekdays) between the
 * patient's start date (plus the reminder's start delay) and the earlier of
 * the patient's end date and the reminder's end, both inclusive.  The
 * instant is found on the patient's wall clock, so a daily 09:30 stays 09:30
 * across daylight-saving changes.  A local time skipped by a forward change
 * fires at the first minute after the gap (02:30 becomes 03:00); a time
 * repeated by a backward change fires once, at its first occurrence.
 *
 * Quiet hours: a reminder whose local time falls in the patient's quiet
 * hours [quiet_start, quiet_end) fires at quiet_end instead: the same
 * morning for an early time, the next morning for a late evening one.  It
 * is moved rather than dropped because the advice still matters that day.
 *
 * Catch-up: a reminder found more than catch_up seconds late (the daemon
 * was down) is skipped, not sent, so a restart never floods patients.
 */
#ifndef CLOTLINE_SCHEDULE_H
#define CLOTLINE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

struct tz_zone;

#define SCHED_NO_END	INT32_MAX	/* sched_window.end_day: open-ended */
#define SCHED_NO_START	INT32_MIN	/* sched_window.start_day: none */

enum sched_days {
	SCHED_DAILY,
	SCHED_EVERY,		/* every `every` days from the first */
	SCHED_WEEKDAYS,		/* the days in `weekdays` */
};

/* One reminder kind of a plan, as its timing. */
struct sched_rule {
	int		 minute;	/* local minute of the day, 0..1439 */
	enum sched_days	 days;
	int		 every;		/* SCHED_EVERY: 2 or more */
	unsigned	 weekdays;	/* SCHED_WEEKDAYS: bit 0 Sunday..6 Saturday */
	int		 start_delay;	/* days after the start date */
	int		 end_after;	/* fires on at most this many days from
					   the start date; 0: no limit */
};

/* A patient's enrolment as days and minutes (sched_window_parse). */
struct sched_window {
	int32_t		 start_day;	/* civil day; SCHED_NO_START: none */
	int32_t		 end_day;	/* inclusive; SCHED_NO_END: none */
	int16_t		 quiet_start;	/* minutes; equal to quiet_end: none */
	int16_t		 quiet_end;
};

/* One upcoming reminder: which rule and when (UTC). */
struct sched_fire {
	int64_t		 at;
	size_t		 rule;		/* index into the rules given */
};

enum sched_due {
	SCHED_WAIT,	/* not due yet */
	SCHED_SEND,	/* due, and not later than catch_up */
	SCHED_SKIP,	/* more than catch_up late: log it, do not send */
};

/*
 * The first fire of rule strictly after `after`, into *next (UTC).  Returns
 * 1, or 0 when the reminder will never fire again (its end has passed).
 */
int	 sched_next_fire(const struct tz_zone *, const struct sched_rule *,
	    const struct sched_window *, int64_t after, int64_t *next);
/*
 * The next n fires of all nrules rules (at most 32) strictly after
 * `after`, merged in time order into out (at least n long).  Returns how
 * many were found.
 */
size_t	 sched_upcoming(const struct tz_zone *, const struct sched_rule *rules,
	    size_t nrules, const struct sched_window *, int64_t after,
	    struct sched_fire *out, size_t n);
/* Whether a fire due at `at` should be sent at `now`. */
enum sched_due sched_due(int64_t at, int64_t now, int64_t catch_up);
/*
 * The instant quiet hours next begin strictly after `after` (0 with no
 * quiet hours): a reminder still unsent then must not go out.
 */
int64_t	 sched_quiet_begins(const struct tz_zone *, const struct sched_window *,
	    int64_t after);
/* 1 if local minute of the day m is inside the window's quiet hours. */
int	 sched_in_quiet(const struct sched_window *, int m);
/* The UTC instant local Monday 00:00 of t's week began (weekly totals). */
int64_t	 sched_week_start(const struct tz_zone *, int64_t t);
/* The patient's civil day at instant t. */
int32_t	 sched_local_day(const struct tz_zone *, int64_t t);

/*
 * Parsing what staff type.  Each returns 0, or -1 with *why set to a static
 * explanation.  hhmm: "09:30" (00:00 to 23:59) into minutes; date:
 * "2019-03-10" (a real date) into a civil day; window: the enrolment's
 * dates and quiet hours, where NULL means no start date, no end date, or
 * the default quiet hours 21:00-08:00.  An end before the start is an error.
 */
int	 sched_parse_hhmm(const char *, int *minute, const char **why);
int	 sched_parse_date(const char *, int32_t *day, const char **why);
int	 sched_window_parse(struct sched_window *, const char *start_date,
	    const char *end_date, const char *quiet_start, const char *quiet_end,
	    const char **why);
/*
 * Looks name up in a reminder_times list ("walk=09:30,strength=17:00"):
 * 1 and *minute if it is there, 0 if not, -1 with *why if the list is
 * malformed.  times may be NULL (no overrides).
 */
int	 sched_times_lookup(const char *times, const char *name, int *minute,
	    const char **why);

#endif
