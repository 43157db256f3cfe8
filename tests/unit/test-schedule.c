/* SPDX-License-Identifier: ISC */
/*
 * Next-fire arithmetic: wall-clock times kept across the 2019 daylight-
 * saving changes of America/Los_Angeles (March 10, November 3) and
 * Europe/London (March 31, October 27), local times that do not exist or
 * happen twice, every-N-days and weekdays, start delays and ends, quiet
 * hours, catch-up, week starts, and parsing what staff type.  Expected
 * instants are written in UTC from the published change times (US: 02:00
 * local; EU: 01:00 UTC), independently of the code under test.
 */
#include "testlib.h"

#include <time.h>

#include "schedule.h"
#include "tz.h"

static struct tz_cache	*zones;

static const struct tz_zone *
zone(const char *name)
{
	const struct tz_zone	*z;
	char			*err = NULL;

	z = tz_cache_get(zones, name, &err);
	if (z == NULL)
		fail_msg("%s", err);
	return z;
}

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (int64_t)timegm(&tm);
}

static struct sched_rule
daily(int h, int m)
{
	struct sched_rule r;

	memset(&r, 0, sizeof r);
	r.minute = h * 60 + m;
	r.days = SCHED_DAILY;
	return r;
}

/* No start, no end, no quiet hours. */
static struct sched_window
open_window(void)
{
	struct sched_window w;

	w.start_day = SCHED_NO_START;
	w.end_day = SCHED_NO_END;
	w.quiet_start = w.quiet_end = 0;
	return w;
}

static int64_t
next(const char *tz, const struct sched_rule *r, const struct sched_window *w,
    int64_t after)
{
	int64_t	t = 0;

	assert_int_equal(sched_next_fire(zone(tz), r, w, after, &t), 1);
	return t;
}

static void
test_daily_stays_local_los_angeles(void **state)
{
	struct sched_rule	r = daily(9, 30);
	struct sched_window	w = open_window();
	int64_t			t;

	/* PST (UTC-8) before 2019-03-10, PDT (UTC-7) from it. */
	t = next("America/Los_Angeles", &r, &w, utc(2019, 3, 9, 12, 0));
	assert_int_equal(t, utc(2019, 3, 9, 17, 30));
	t = next("America/Los_Angeles", &r, &w, t);
	assert_int_equal(t, utc(2019, 3, 10, 16, 30));
	t = next("America/Los_Angeles", &r, &w, t);
	assert_int_equal(t, utc(2019, 3, 11, 16, 30));
	/* And back to PST on 2019-11-03. */
	t = next("America/Los_Angeles", &r, &w, utc(2019, 11, 2, 12, 0));
	assert_int_equal(t, utc(2019, 11, 2, 16, 30));
	t = next("America/Los_Angeles", &r, &w, t);
	assert_int_equal(t, utc(2019, 11, 3, 17, 30));
	t = next("America/Los_Angeles", &r, &w, t);
	assert_int_equal(t, utc(2019, 11, 4, 17, 30));
}

static void
test_daily_stays_local_london(void **state)
{
	struct sched_rule	r = daily(9, 30);
	struct sched_window	w = open_window();
	int64_t			t;

	/* GMT until 01:00 UTC on 2019-03-31, then BST (UTC+1). */
	t = next("Europe/London", &r, &w, utc(2019, 3, 30, 0, 0));
	assert_int_equal(t, utc(2019, 3, 30, 9, 30));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 3, 31, 8, 30));
	/* BST until 01:00 UTC on 2019-10-27. */
	t = next("Europe/London", &r, &w, utc(2019, 10, 26, 0, 0));
	assert_int_equal(t, utc(2019, 10, 26, 8, 30));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 10, 27, 9, 30));
}

static void
test_missing_local_time_fires_at_next_valid_minute(void **state)
{
	struct sched_rule	r = daily(2, 30);
	struct sched_rule	r2 = daily(1, 30);
	struct sched_window	w = open_window();
	int64_t			t;

	/* 02:30 does not exist in Los Angeles on 2019-03-10: 03:00 PDT. */
	t = next("America/Los_Angeles", &r, &w, utc(2019, 3, 9, 12, 0));
	assert_int_equal(t, utc(2019, 3, 10, 10, 0));
	/* The day after, 02:30 PDT again. */
	t = next("America/Los_Angeles", &r, &w, t);
	assert_int_equal(t, utc(2019, 3, 11, 9, 30));
	/* 01:30 does not exist in London on 2019-03-31: 02:00 BST. */
	t = next("Europe/London", &r2, &w, utc(2019, 3, 30, 12, 0));
	assert_int_equal(t, utc(2019, 3, 31, 1, 0));
}

static void
test_repeated_local_time_fires_once(void **state)
{
	struct sched_rule	r = daily(1, 30);
	struct sched_window	w = open_window();
	int64_t			t;

	/* 01:30 happens at 08:30 UTC (PDT) and 09:30 UTC (PST). */
	t = next("America/Los_Angeles", &r, &w, utc(2019, 11, 2, 12, 0));
	assert_int_equal(t, utc(2019, 11, 3, 8, 30));
	t = next("America/Los_Angeles", &r, &w, t);
	assert_int_equal(t, utc(2019, 11, 4, 9, 30));
	/* Even when asked from between the two occurrences. */
	t = next("America/Los_Angeles", &r, &w, utc(2019, 11, 3, 9, 0));
	assert_int_equal(t, utc(2019, 11, 4, 9, 30));
	/* London: 01:30 BST (00:30 UTC), not 01:30 GMT. */
	t = next("Europe/London", &r, &w, utc(2019, 10, 26, 12, 0));
	assert_int_equal(t, utc(2019, 10, 27, 0, 30));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 10, 28, 1, 30));
}

static void
test_every_n_days_and_weekdays(void **state)
{
	struct sched_rule	r = daily(17, 0);
	struct sched_window	w = open_window();
	const char		*why;
	int64_t			t;

	assert_int_equal(sched_parse_date("2019-01-01", &w.start_day, &why), 0);
	r.days = SCHED_EVERY;
	r.every = 2;
	/* 2019-01-01 is the first day, then every second day. */
	t = next("Europe/London", &r, &w, utc(2018, 12, 20, 0, 0));
	assert_int_equal(t, utc(2019, 1, 1, 17, 0));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 1, 3, 17, 0));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 1, 5, 17, 0));
	/* A start delay moves the first day and the count with it. */
	r.start_delay = 1;
	t = next("Europe/London", &r, &w, utc(2018, 12, 20, 0, 0));
	assert_int_equal(t, utc(2019, 1, 2, 17, 0));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 1, 4, 17, 0));

	/* Mondays, Wednesdays and Fridays; 2019-01-01 was a Tuesday. */
	r = daily(17, 0);
	r.days = SCHED_WEEKDAYS;
	r.weekdays = 1U << 1 | 1U << 3 | 1U << 5;
	t = next("Europe/London", &r, &w, utc(2019, 1, 1, 12, 0));
	assert_int_equal(t, utc(2019, 1, 2, 17, 0));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 1, 4, 17, 0));
	t = next("Europe/London", &r, &w, t);
	assert_int_equal(t, utc(2019, 1, 7, 17, 0));
}

static void
test_start_and_end(void **state)
{
	struct sched_rule	r = daily(9, 30);
	struct sched_window	w = open_window();
	const char		*why;
	int64_t			t;

	assert_int_equal(sched_window_parse(&w, "2019-01-01", "2019-01-03",
	    NULL, NULL, &why), 0);
	w.quiet_start = w.quiet_end = 0;
	/* Nothing before the start date. */
	t = next("Europe/London", &r, &w, utc(2018, 12, 1, 0, 0));
	assert_int_equal(t, utc(2019, 1, 1, 9, 30));
	/* The end date is inclusive, then nothing. */
	t = next("Europe/London", &r, &w, utc(2019, 1, 2, 12, 0));
	assert_int_equal(t, utc(2019, 1, 3, 9, 30));
	assert_int_equal(sched_next_fire(zone("Europe/London"), &r, &w, t, &t),
	    0);
	/* A reminder's own end: two days from the start. */
	w.end_day = SCHED_NO_END;
	r.end_after = 2;
	t = next("Europe/London", &r, &w, utc(2019, 1, 1, 12, 0));
	assert_int_equal(t, utc(2019, 1, 2, 9, 30));
	assert_int_equal(sched_next_fire(zone("Europe/London"), &r, &w, t, &t),
	    0);
}

static void
test_quiet_hours(void **state)
{
	struct sched_rule	early = daily(7, 0), late = daily(22, 30);
	struct sched_rule	noon = daily(14, 0), ok = daily(20, 59);
	struct sched_window	w = open_window();
	int64_t			t;

	w.quiet_start = 21 * 60;
	w.quiet_end = 8 * 60;
	/* 07:00 is inside 21:00-08:00: the same morning at 08:00. */
	t = next("Europe/London", &early, &w, utc(2019, 1, 9, 12, 0));
	assert_int_equal(t, utc(2019, 1, 10, 8, 0));
	/* 22:30 moves to the next morning, once. */
	t = next("Europe/London", &late, &w, utc(2019, 1, 9, 12, 0));
	assert_int_equal(t, utc(2019, 1, 10, 8, 0));
	t = next("Europe/London", &late, &w, t);
	assert_int_equal(t, utc(2019, 1, 11, 8, 0));
	/* The last minute before quiet hours is left alone. */
	t = next("Europe/London", &ok, &w, utc(2019, 1, 9, 12, 0));
	assert_int_equal(t, utc(2019, 1, 9, 20, 59));
	/* Daytime quiet hours 13:00-15:00. */
	w.quiet_start = 13 * 60;
	w.quiet_end = 15 * 60;
	t = next("Europe/London", &noon, &w, utc(2019, 1, 9, 0, 0));
	assert_int_equal(t, utc(2019, 1, 9, 15, 0));
	assert_true(sched_in_quiet(&w, 13 * 60));
	assert_false(sched_in_quiet(&w, 15 * 60));
	/* Quiet hours begin next at 21:00 PDT = 04:00 UTC the next day. */
	w.quiet_start = 21 * 60;
	w.quiet_end = 8 * 60;
	assert_int_equal(sched_quiet_begins(zone("America/Los_Angeles"), &w,
	    utc(2019, 3, 10, 19, 0)), utc(2019, 3, 11, 4, 0));
	w.quiet_start = w.quiet_end = 0;
	assert_int_equal(sched_quiet_begins(zone("America/Los_Angeles"), &w,
	    utc(2019, 3, 10, 19, 0)), 0);
}

static void
test_catch_up(void **state)
{
	int64_t	now = utc(2019, 6, 1, 12, 0);

	assert_int_equal(sched_due(now + 1, now, 7200), SCHED_WAIT);
	assert_int_equal(sched_due(now, now, 7200), SCHED_SEND);
	assert_int_equal(sched_due(now - 7200, now, 7200), SCHED_SEND);
	assert_int_equal(sched_due(now - 7201, now, 7200), SCHED_SKIP);
}

static void
test_upcoming_and_week_start(void **state)
{
	struct sched_rule	rules[2];
	struct sched_window	w = open_window();
	struct sched_fire	out[4];
	size_t			n;

	rules[0] = daily(9, 30);
	rules[1] = daily(18, 0);
	rules[1].days = SCHED_WEEKDAYS;
	rules[1].weekdays = 1U << 0;	/* Sundays */
	n = sched_upcoming(zone("America/Los_Angeles"), rules, 2, &w,
	    utc(2019, 3, 9, 20, 0), out, 3);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].at, utc(2019, 3, 10, 16, 30));
	assert_int_equal(out[0].rule, 0);
	assert_int_equal(out[1].at, utc(2019, 3, 11, 1, 0));	/* 18:00 PDT */
	assert_int_equal(out[1].rule, 1);
	assert_int_equal(out[2].at, utc(2019, 3, 11, 16, 30));
	assert_int_equal(out[2].rule, 0);

	/* Monday 00:00 local of the week holding the instant. */
	assert_int_equal(sched_week_start(zone("Europe/London"),
	    utc(2019, 10, 30, 12, 0)), utc(2019, 10, 28, 0, 0));
	assert_int_equal(sched_week_start(zone("America/Los_Angeles"),
	    utc(2019, 3, 10, 20, 0)), utc(2019, 3, 4, 8, 0));
}

static void
test_parsing(void **state)
{
	struct sched_window	w;
	const char		*why = NULL;
	int32_t			 day;
	int			 m;

	assert_int_equal(sched_parse_hhmm("09:30", &m, &why), 0);
	assert_int_equal(m, 570);
	assert_int_equal(sched_parse_hhmm("9:30", &m, &why), 0);
	assert_int_equal(m, 570);
	assert_int_equal(sched_parse_hhmm("24:00", &m, &why), -1);
	assert_int_equal(sched_parse_hhmm("09:60", &m, &why), -1);
	assert_int_equal(sched_parse_hhmm("09:30x", &m, &why), -1);
	assert_non_null(why);
	assert_int_equal(sched_parse_date("2019-02-29", &day, &why), -1);
	assert_int_equal(sched_parse_date("2020-02-29", &day, &why), 0);
	assert_int_equal(day, 18321);
	assert_int_equal(sched_parse_date("1970-01-01", &day, &why), 0);
	assert_int_equal(day, 0);
	assert_int_equal(sched_parse_date("2019-1-01", &day, &why), -1);
	assert_int_equal(sched_window_parse(&w, NULL, NULL, NULL, NULL, &why), 0);
	assert_int_equal(w.quiet_start, 21 * 60);
	assert_int_equal(w.quiet_end, 8 * 60);
	assert_int_equal(w.start_day, SCHED_NO_START);
	assert_int_equal(w.end_day, SCHED_NO_END);
	assert_int_equal(sched_window_parse(&w, "2019-05-02", "2019-05-01",
	    NULL, NULL, &why), -1);
	assert_int_equal(sched_times_lookup("walk=09:30,strength=17:00",
	    "strength", &m, &why), 1);
	assert_int_equal(m, 17 * 60);
	assert_int_equal(sched_times_lookup("walk=09:30, strength=17:00",
	    "walk", &m, &why), 1);
	assert_int_equal(m, 570);
	assert_int_equal(sched_times_lookup("walk=09:30", "stretch", &m, &why),
	    0);
	assert_int_equal(sched_times_lookup(NULL, "walk", &m, &why), 0);
	assert_int_equal(sched_times_lookup("walk=25:00", "walk", &m, &why), -1);
	assert_int_equal(sched_times_lookup("walk 09:30", "walk", &m, &why), -1);
	assert_int_equal(sched_times_lookup("walk=09:30;x=1", "walk", &m, &why),
	    -1);
}

static void
test_zones(void **state)
{
	char	*err = NULL;
	int32_t	 day;
	int	 y, mo, d;

	assert_true(tz_exists("Europe/London"));
	assert_false(tz_exists("Mars/Olympus"));
	assert_false(tz_exists("../etc/passwd"));
	assert_false(tz_exists("zone.tab"));	/* in the directory, not a zone */
	assert_null(tz_zone_load("Mars/Olympus", &err));
	assert_non_null(err);
	free(err);
	/* The cache gives the same zone back. */
	assert_ptr_equal(zone("Europe/Berlin"), zone("Europe/Berlin"));
	/* 2019-03-10 was a Sunday. */
	day = tz_days_from_civil(2019, 3, 10);
	assert_int_equal(tz_weekday(day), 0);
	tz_civil_from_days(day, &y, &mo, &d);
	assert_int_equal(y, 2019);
	assert_int_equal(mo, 3);
	assert_int_equal(d, 10);
	assert_int_equal(tz_day_of(-1), -1);
	/* The offsets themselves: UTC-8 and UTC-7 around the change. */
	assert_int_equal(tz_offset(zone("America/Los_Angeles"),
	    utc(2019, 3, 10, 9, 59)), -8 * 3600);
	assert_int_equal(tz_offset(zone("America/Los_Angeles"),
	    utc(2019, 3, 10, 10, 0)), -7 * 3600);
	/* Later years come from the zone's rule, not a frozen table. */
	assert_int_equal(tz_offset(zone("Europe/London"),
	    utc(2090, 7, 1, 12, 0)), 3600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily_stays_local_los_angeles),
		cmocka_unit_test(test_daily_stays_local_london),
		cmocka_unit_test(test_missing_local_time_fires_at_next_valid_minute),
		cmocka_unit_test(test_repeated_local_time_fires_once),
		cmocka_unit_test(test_every_n_days_and_weekdays),
		cmocka_unit_test(test_start_and_end),
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test(test_catch_up),
		cmocka_unit_test(test_upcoming_and_week_start),
		cmocka_unit_test(test_parsing),
		cmocka_unit_test(test_zones),
	};
	int	rc;

	zones = tz_cache_create();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tz_cache_free(zones);
	return rc;
}
