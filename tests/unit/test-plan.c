/* SPDX-License-Identifier: ISC */
/*
 * Plans: the shipped dvt-walking plan loads with the clinical numbers from
 * the issue, every kind of mistake is reported with file:line, templates are
 * checked against the prompts, and the per-patient helpers (time overrides,
 * windows, upcoming reminders, the weekly step-up) behave.
 */
#include "testlib.h"

#include <sys/stat.h>
#include <time.h>

#include "plan.h"
#include "prompts.h"
#include "segments.h"
#include "storage.h"
#include "tz.h"

static struct prompts *
load_prompts(void)
{
	struct prompt_vars	 vars = { "999", "111", "Test Clinic", "+441234567890" };
	struct prompts		*ps;
	struct diag		 d;

	diag_init(&d);
	ps = prompts_load(TEST_SRCDIR "/prompts", "en", &vars, &d);
	assert_non_null(ps);
	diag_clear(&d);
	return ps;
}

/* A directory in the scratch area holding one plan file. */
static const char *
plan_dir(const char *dir, const char *file, const char *text)
{
	static char	path[1024];
	char		name[256];

	snprintf(path, sizeof path, "%s/%s", testlib_tmpdir(), dir);
	mkdir(path, 0700);
	snprintf(name, sizeof name, "%s/%s", dir, file);
	testlib_write(name, text);
	return path;
}

static void
test_shipped_plan(void **state)
{
	struct prompts			*ps = load_prompts();
	struct plans			*set;
	const struct plan		*p;
	const struct plan_reminder	*r;
	struct diag			 d;

	diag_init(&d);
	set = plan_set_load(TEST_SRCDIR "/config/plans", 0, ps,
	    TEST_SRCDIR "/prompts", &d);
	assert_non_null(set);
	assert_int_equal(d.nerrors, 0);
	assert_int_equal(d.n, 0);	/* every language has every template */
	p = plan_find(set, "dvt-walking");
	assert_non_null(p);
	assert_null(plan_find(set, "nope"));
	/* The guidance: start at 10-15 minutes; 60-120 minutes a week. */
	assert_true(p->walk_start >= 10 && p->walk_start <= 15);
	assert_true(p->walk_step > 0);
	assert_int_equal(p->goal_min, 60);
	assert_int_equal(p->goal_max, 120);
	r = plan_reminder_find(p, "walk");
	assert_non_null(r);
	assert_int_equal(r->rule.days, SCHED_DAILY);
	assert_string_equal(r->template, "reminder_walk");
	r = plan_reminder_find(p, "strength");
	assert_non_null(r);
	assert_int_equal(r->rule.days, SCHED_EVERY);	/* every two days */
	assert_int_equal(r->rule.every, 2);
	assert_non_null(r = plan_reminder_find(p, "stretch"));
	assert_int_equal(r->rule.days, SCHED_DAILY);
	assert_non_null(r = plan_reminder_find(p, "summary"));
	assert_int_equal(r->rule.days, SCHED_WEEKDAYS);
	assert_non_null(plan_reminder_find(p, "endurance"));
	plan_set_free(set);
	prompts_free(ps);
	diag_clear(&d);
}

static void
test_every_mistake_with_its_line(void **state)
{
	struct prompts	*ps = load_prompts();
	struct diag	 d;
	const char	*dir = plan_dir("bad", "broken.ini",
	    "[plan]\n"				/* 1 */
	    "walk_start = 0\n"			/* 2 */
	    "colour = blue\n"			/* 3 */
	    "[reminder walk]\n"			/* 4 */
	    "time = 25:00\n"			/* 5 */
	    "days = fortnightly\n"		/* 6 */
	    "template = reminder_nosuch\n"	/* 7 */
	    "[reminder walk]\n"			/* 8 */
	    "[reminder Bad Name]\n"		/* 9 */
	    "[schedule]\n"			/* 10 */
	    "x = 1\n"				/* 11 */
	    "[reminder stretch]\n"		/* 12 */
	    "days = mon,mon\n"			/* 13 */
	    "time = 10:00\n"			/* 14 */
	    "time = 11:00\n"			/* 15 */
	    "template = advice\n"		/* 16 */
	    "end_after_days = -1\n");		/* 17 */

	diag_init(&d);
	assert_null(plan_set_load(dir, 0, ps, "prompts", &d));
	assert_true(has_diag(&d, "broken.ini:2:", "walk_start"));
	assert_true(has_diag(&d, "broken.ini:3:", "unknown key 'colour'"));
	assert_true(has_diag(&d, "broken.ini:5:", "time"));
	assert_true(has_diag(&d, "broken.ini:6:", "fortnightly"));
	assert_true(has_diag(&d, "broken.ini:7:", "reminder_nosuch"));
	assert_true(has_diag(&d, "broken.ini:8:", "appears twice"));
	assert_true(has_diag(&d, "broken.ini:9:", "reminder name"));
	assert_true(has_diag(&d, "broken.ini:10:", "unknown section"));
	assert_false(has_diag(&d, "broken.ini:11:", NULL)); /* said at 10 */
	assert_true(has_diag(&d, "broken.ini:13:", "mon,mon"));
	assert_true(has_diag(&d, "broken.ini:15:", "set twice"));
	assert_true(has_diag(&d, "broken.ini:16:", "reminder_NAME"));
	assert_true(has_diag(&d, "broken.ini:17:", "end_after_days"));
	diag_clear(&d);

	/* A reminder without its required keys, and a plan without any. */
	dir = plan_dir("bad2", "empty.ini", "[plan]\ndescription = x\n"
	    "[reminder walk]\n");
	diag_init(&d);
	assert_null(plan_set_load(dir, 0, ps, "prompts", &d));
	assert_true(has_diag(&d, "empty.ini:3:", "time = HH:MM is required"));
	assert_true(has_diag(&d, "empty.ini:3:", "days = "));
	assert_true(has_diag(&d, "empty.ini:3:", "template = "));
	diag_clear(&d);
	dir = plan_dir("bad3", "none.ini", "[plan]\ndescription = x\n");
	diag_init(&d);
	assert_null(plan_set_load(dir, 0, ps, "prompts", &d));
	assert_true(has_diag(&d, "none.ini", "no [reminder NAME]"));
	diag_clear(&d);

	/* A missing directory: an error when configured, else a warning. */
	diag_init(&d);
	assert_null(plan_set_load("/nonexistent/plans", 0, ps, "prompts", &d));
	diag_clear(&d);
	diag_init(&d);
	{
		struct plans *set = plan_set_load("/nonexistent/plans", 1, ps,
		    "prompts", &d);

		assert_non_null(set);
		assert_int_equal(plan_count(set), 0);
		assert_int_equal(d.nerrors, 0);
		assert_int_equal(d.n, 1);
		plan_set_free(set);
	}
	diag_clear(&d);
	prompts_free(ps);
}

static void
test_patient_helpers(void **state)
{
	struct plans		*set;
	const struct plan	*p;
	struct patient		 pt;
	struct tz_cache		*zones = tz_cache_create();
	const struct tz_zone	*z;
	struct sched_fire	 out[8];
	struct diag		 d;
	const char		*why;
	char			*err = NULL;
	int32_t			 start;
	int			 n;

	diag_init(&d);
	set = plan_set_load(TEST_SRCDIR "/config/plans", 0, NULL, NULL, &d);
	assert_non_null(set);
	p = plan_find(set, "dvt-walking");
	z = tz_cache_get(zones, "Europe/London", &err);
	assert_non_null(z);

	assert_int_equal(plan_check_times(p, NULL, &err), 0);
	assert_int_equal(plan_check_times(p, "walk=10:15,strength=16:00", &err),
	    0);
	assert_int_equal(plan_check_times(p, "jog=10:15", &err), -1);
	assert_non_null(strstr(err, "jog"));
	free(err);
	assert_int_equal(plan_check_times(p, "walk=10:75", &err), -1);
	free(err);

	memset(&pt, 0, sizeof pt);
	pt.timezone = (char *)"Europe/London";
	pt.start_date = (char *)"2019-01-07";		/* a Monday */
	pt.reminder_times = (char *)"walk=10:15";
	pt.quiet_start = (char *)"21:00";
	pt.quiet_end = (char *)"08:00";
	/* From Sunday noon: the walk at its own time comes first. */
	n = plan_upcoming(p, &pt, z, (int64_t)timegm(&(struct tm){
	    .tm_year = 119, .tm_mon = 0, .tm_mday = 6, .tm_hour = 12 }),
	    out, 8, &why);
	assert_int_equal(n, 8);
	assert_string_equal(p->reminders[out[0].rule].name, "walk");
	assert_int_equal(out[0].at, (int64_t)timegm(&(struct tm){
	    .tm_year = 119, .tm_mon = 0, .tm_mday = 7, .tm_hour = 10,
	    .tm_min = 15 }));
	for (int i = 1; i < n; i++)
		assert_true(out[i].at >= out[i - 1].at);
	pt.end_date = (char *)"2019-01-01";
	assert_int_equal(plan_upcoming(p, &pt, z, 0, out, 8, &why), -1);

	/* 10 minutes, 5 more each whole week, up to the target. */
	assert_int_equal(sched_parse_date("2019-01-07", &start, &why), 0);
	assert_int_equal(plan_walk_minutes(p, 0, start, start), 10);
	assert_int_equal(plan_walk_minutes(p, 0, start, start + 6), 10);
	assert_int_equal(plan_walk_minutes(p, 0, start, start + 7), 15);
	assert_int_equal(plan_walk_minutes(p, 0, start, start + 100), 30);
	assert_int_equal(plan_walk_minutes(p, 20, start, start + 100), 20);
	assert_int_equal(plan_walk_minutes(p, 0, start, start - 3), 10);

	plan_set_free(set);
	tz_cache_free(zones);
	diag_clear(&d);
}

static void
test_week_minutes(void **state)
{
	struct plans		*set;
	const struct plan	*p;
	struct tz_cache		*zones = tz_cache_create();
	const struct tz_zone	*z;
	struct activity_row	 rows[6];
	struct diag		 d;
	char			*err = NULL;
	int32_t			 start;
	const char		*why;
	/* 2019-03-04 12:00 UTC, a Monday, and the days after. */
	const int64_t		 mon = 1551700800, day = 86400;

	diag_init(&d);
	set = plan_set_load(TEST_SRCDIR "/config/plans", 0, NULL, NULL, &d);
	p = plan_find(set, "dvt-walking");
	z = tz_cache_get(zones, "Europe/London", &err);
	assert_int_equal(sched_parse_date("2019-03-04", &start, &why), 0);
	memset(rows, 0, sizeof rows);
	rows[0].reported_at = mon;
	rows[0].minutes = 25;			/* 25 */
	rows[1].reported_at = mon + day;
	rows[1].meters = 2000;			/* 2 km at 80 m/min: 25 */
	rows[2].reported_at = mon + 2 * day;
	rows[2].steps = 1000;			/* 10 */
	rows[3].reported_at = mon + 3 * day;	/* a bare "done": the goal, 10 */
	rows[4].reported_at = mon + 3 * day + 60;	/* again: once a day */
	rows[5].reported_at = mon + 4 * day;	/* "done" on a day with... */
	assert_int_equal(plan_week_minutes(p, 0, start, z, rows, 5), 70);
	rows[5].minutes = 0;
	assert_int_equal(plan_week_minutes(p, 0, start, z, rows, 6), 80);
	/* ...a precise report the same day counts instead. */
	rows[4].minutes = 30;
	assert_int_equal(plan_week_minutes(p, 0, start, z, rows, 5), 90);
	assert_int_equal(plan_week_minutes(p, 0, start, z, rows, 0), 0);
	plan_set_free(set);
	tz_cache_free(zones);
	diag_clear(&d);
}

/* Reminders are short: at most two segments in every language. */
static void
test_reminder_prompts_fit(void **state)
{
	static const char *const langs[] = { "en", "es", "de" };
	static const char *const names[] = { "reminder_walk",
	    "reminder_walk_logged", "reminder_strength", "reminder_stretch",
	    "reminder_endurance", "reminder_summary" };
	static const char *const keys[] = { "minutes", "target", "week",
	    "week_minutes", "goal" };
	static const char *const vals[] = { "120", "120", "52", "1000",
	    "120-240" };
	struct prompts	*ps = load_prompts();
	struct segments	 sg;
	const char	*t;
	char		*text;
	size_t		 i, j;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < sizeof names / sizeof names[0]; j++) {
			t = prompts_lookup(ps, langs[i], names[j]);
			assert_non_null(t);
			assert_true(prompts_has_language(ps, langs[i]));
			text = prompts_expand(t, keys, vals, 5);
			assert_null(strchr(text, '{'));	/* all filled */
			segments_count(text, &sg);
			if (sg.count > 2 || sg.encoding != SEGMENTS_GSM7)
				fail_msg("%s/%s: %zu segments, %s", langs[i],
				    names[j], sg.count, sg.encoding ==
				    SEGMENTS_GSM7 ? "GSM-7" : "UCS-2");
			/* Every reminder says how to stop them. */
			assert_non_null(strstr(text, "STOP"));
			free(text);
		}
	}
	prompts_free(ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_plan),
		cmocka_unit_test(test_every_mistake_with_its_line),
		cmocka_unit_test(test_patient_helpers),
		cmocka_unit_test(test_week_minutes),
		cmocka_unit_test(test_reminder_prompts_fit),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
