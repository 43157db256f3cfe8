/* SPDX-License-Identifier: ISC */
/*
 * Staff reports (see staff.h): a patient's activity reports, adherence by
 * day and week for the console's chart, and the adherence CSV.  A day's
 * minutes have one definition (plan_day_minutes), used here as by the
 * reminders.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "conf.h"
#include "plan.h"
#include "schedule.h"
#include "settings.h"
#include "staff.h"
#include "staff_int.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

enum staff_status
staff_patient_activity(const struct staff_ctx *ctx, int64_t id, int days,
    json_t **out, struct staff_error *err)
{
	struct patient		 p;
	struct activity_row	*v;
	json_t			*list, *o;
	char			 at[32];
	size_t			 n, i;

	*out = NULL;
	if (days < 1 || days > STAFF_ADHERENCE_MAX_DAYS)
		return staff_fail(err, STAFF_INVALID, "days", "must be from 1 "
		    "to %d", STAFF_ADHERENCE_MAX_DAYS);
	if (staff_patient_get(ctx, id, &p, err) != STAFF_OK)
		return err->status;
	patient_clear(&p);
	if (storage_activity_list(ctx->st, id, ctx->now - (int64_t)days *
	    STAFF_DAY, ctx->now + 1, STAFF_ACTIVITY_MAX, &v, &n) == -1)
		return staff_store_failed(err);
	list = json_array();
	for (i = 0; i < n; i++) {
		staff_time_iso(v[i].reported_at, at);
		o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)v[i].id,
		    "reported_at", at, "via", v[i].by_call ? "call" : "sms");
		json_object_set_new(o, "minutes", v[i].minutes > 0 ?
		    json_integer(v[i].minutes) : json_null());
		json_object_set_new(o, "meters", v[i].meters > 0 ?
		    json_integer(v[i].meters) : json_null());
		json_object_set_new(o, "steps", v[i].steps > 0 ?
		    json_integer(v[i].steps) : json_null());
		json_array_append_new(list, o);
	}
	free(v);
	*out = json_pack("{s:I, s:i, s:o}", "patient_id", (json_int_t)id,
	    "days", days, "activity", list);
	return STAFF_OK;
}

/* The Monday on or before civil day d (1970-01-01 was a Thursday). */
static int32_t
staff_monday(int32_t d)
{
	return d - (((d % 7) + 7 + 3) % 7);
}

enum staff_status
staff_patient_adherence(const struct staff_ctx *ctx, int64_t id, int weeks,
    json_t **out, struct staff_error *err)
{
	struct patient		 p;
	struct sched_window	 w;
	struct activity_row	*v = NULL;
	const struct tz_zone	*z;
	const struct plan	*plan;
	const char		*why;
	json_t			*days, *wk, *goal;
	int64_t			 since;
	int32_t			 today, first, last, start, end, d, nd;
	size_t			 n = 0, k;
	int			*mins, *reports, sum, i;
	char			 day[16];

	*out = NULL;
	if (weeks < 1 || weeks > STAFF_ADHERENCE_MAX_WEEKS)
		return staff_fail(err, STAFF_INVALID, "weeks", "must be from 1 "
		    "to %d", STAFF_ADHERENCE_MAX_WEEKS);
	if (staff_patient_get(ctx, id, &p, err) != STAFF_OK)
		return err->status;
	if (!tz_exists(p.timezone) || (z = staff_zone(ctx, p.timezone)) ==
	    NULL || sched_window_parse(&w, p.start_date, p.end_date,
	    p.quiet_start, p.quiet_end, &why) == -1) {
		patient_clear(&p);
		return staff_fail(err, STAFF_CONFLICT, "timezone", "patient "
		    "%lld's time zone or dates are no longer valid; update "
		    "them", (long long)id);
	}
	plan = plan_find(ctx->set->plans, p.plan != NULL ? p.plan : "");
	start = staff_start_day(z, &p, &w);
	end = w.end_day;
	if (p.removed_at != 0 && sched_local_day(z, p.removed_at) < end)
		end = sched_local_day(z, p.removed_at);
	today = sched_local_day(z, ctx->now);
	first = staff_monday(today) - (weeks - 1) * 7;
	last = today;
	nd = last - first + 1;
	(void)tz_local_to_utc(z, (int64_t)first * STAFF_DAY, &since);
	if (storage_activity_list(ctx->st, id, since, ctx->now + 1,
	    STAFF_ACTIVITY_MAX, &v, &n) == -1) {
		patient_clear(&p);
		return staff_store_failed(err);
	}
	mins = xcalloc((size_t)nd, sizeof *mins);
	reports = xcalloc((size_t)nd, sizeof *reports);
	plan_day_minutes(plan, p.walk_target, start, z, v, n, first, nd, mins);
	for (k = 0; k < n; k++) {
		d = sched_local_day(z, v[k].reported_at) - first;
		if (d >= 0 && d < nd)
			reports[d]++;
	}
	days = json_array();
	wk = json_array();
	for (i = 0, sum = 0; i < nd; i++) {
		d = first + i;
		staff_format_day(d, day);
		goal = json_null();
		if (plan != NULL && d >= start && d <= end)
			goal = json_integer(plan_walk_minutes(plan,
			    p.walk_target, start, d));
		json_array_append_new(days, json_pack("{s:s, s:i, s:i, s:O,"
		    " s:o}", "date", day, "minutes", mins[i], "reports",
		    reports[i], "goal_minutes", goal, "goal_met",
		    json_is_null(goal) ? json_null() :
		    json_boolean(mins[i] >= json_integer_value(goal))));
		json_decref(goal);
		sum += mins[i];
		if (i % 7 == 6 || i == nd - 1) {
			staff_format_day(d - i % 7, day);
			json_array_append_new(wk, json_pack("{s:s, s:i, s:o}",
			    "week_start", day, "minutes", sum, "goal_met",
			    plan != NULL ? json_boolean(sum >= plan->goal_min) :
			    json_null()));
			sum = 0;
		}
	}
	free(mins);
	free(reports);
	free(v);
	*out = json_pack("{s:I, s:s?, s:s, s:o, s:o, s:o, s:o}", "patient_id",
	    (json_int_t)id, "plan", p.plan, "timezone", p.timezone,
	    "goal_min", plan != NULL ? json_integer(plan->goal_min) :
	    json_null(), "goal_max", plan != NULL ?
	    json_integer(plan->goal_max) : json_null(), "days", days,
	    "weeks", wk);
	patient_clear(&p);
	return STAFF_OK;
}

void
staff_csv_cell(struct evbuffer *b, const char *raw)
{
	const char	*p;
	char		*cell;
	int		 formula, quote;

	/* No control or bidi character reaches a spreadsheet (utf8.h). */
	cell = utf8_escape(raw != NULL ? raw : "");
	/* A spreadsheet would run these as a formula (CSV injection). */
	formula = strchr("=+-@\t\r", cell[0]) != NULL && cell[0] != '\0';
	quote = formula || cell[strcspn(cell, ",\"\r\n")] != '\0' ||
	    cell[0] == ' ' || (cell[0] != '\0' && cell[strlen(cell) - 1] == ' ');
	if (!quote) {
		evbuffer_add(b, cell, strlen(cell));
		free(cell);
		return;
	}
	evbuffer_add(b, "\"", 1);
	if (formula)
		evbuffer_add(b, "'", 1);
	for (p = cell; *p != '\0'; p++) {
		if (*p == '"')
			evbuffer_add(b, "\"", 1);
		evbuffer_add(b, p, 1);
	}
	evbuffer_add(b, "\"", 1);
	free(cell);
}

struct staff_day_total {
	int	minutes, meters, steps, reports;
};

/* One patient's rows for the days [from, to] on their own clock. */
static int
staff_adherence_patient(const struct staff_ctx *ctx, const struct patient *p,
    int32_t from, int32_t to, struct evbuffer *b)
{
	struct sched_window	 w;
	struct staff_day_total	*t;
	struct activity_row	*v;
	const struct tz_zone	*z;
	const struct plan	*plan;
	const char		*why;
	int64_t			 since, until;
	int32_t			 first, last, start, d, i;
	size_t			 n, k;
	char			 id[24], day[16], num[4][16];
	int			 goal, *mins;

	if (!tz_exists(p->timezone) || (z = staff_zone(ctx, p->timezone)) ==
	    NULL || sched_window_parse(&w, p->start_date, p->end_date,
	    p->quiet_start, p->quiet_end, &why) == -1)
		return 0;	/* nothing sensible to say about the days */
	plan = plan_find(ctx->set->plans, p->plan != NULL ? p->plan : "");
	start = staff_start_day(z, p, &w);
	first = from > start ? from : start;
	last = to;
	if (w.end_day < last)
		last = w.end_day;
	if (p->removed_at != 0 && sched_local_day(z, p->removed_at) < last)
		last = sched_local_day(z, p->removed_at);
	if (sched_local_day(z, ctx->now) < last)
		last = sched_local_day(z, ctx->now);
	if (first > last)
		return 0;
	(void)tz_local_to_utc(z, (int64_t)first * STAFF_DAY, &since);
	(void)tz_local_to_utc(z, (int64_t)(last + 1) * STAFF_DAY, &until);
	if (storage_activity_list(ctx->st, p->id, since, until,
	    STAFF_ACTIVITY_MAX, &v, &n) == -1)
		return -1;
	t = xcalloc((size_t)(last - first + 1), sizeof *t);
	mins = xcalloc((size_t)(last - first + 1), sizeof *mins);
	for (k = 0; k < n; k++) {
		i = sched_local_day(z, v[k].reported_at) - first;
		if (i < 0 || i > last - first)
			continue;
		t[i].meters += v[k].meters;
		t[i].steps += v[k].steps;
		t[i].reports++;
	}
	/* Minutes as the reminders count them: distance, steps, "done". */
	plan_day_minutes(plan, p->walk_target, start, z, v, n, first,
	    last - first + 1, mins);
	for (i = 0; i <= last - first; i++)
		t[i].minutes = mins[i];
	free(mins);
	free(v);
	snprintf(id, sizeof id, "%lld", (long long)p->id);
	for (d = first; d <= last; d++) {
		i = d - first;
		staff_format_day(d, day);
		goal = plan != NULL ? plan_walk_minutes(plan, p->walk_target,
		    start, d) : -1;
		snprintf(num[0], sizeof num[0], "%d", t[i].minutes);
		snprintf(num[1], sizeof num[1], "%d", t[i].meters);
		snprintf(num[2], sizeof num[2], "%d", t[i].steps);
		snprintf(num[3], sizeof num[3], "%d", t[i].reports);
		staff_csv_cell(b, id);
		evbuffer_add(b, ",", 1);
		staff_csv_cell(b, p->phone);
		evbuffer_add(b, ",", 1);
		staff_csv_cell(b, p->name);
		evbuffer_add(b, ",", 1);
		staff_csv_cell(b, p->plan);
		evbuffer_add_printf(b, ",%s,%s,%s,%s,%s,", day, num[0], num[1],
		    num[2], num[3]);
		if (goal >= 0)
			evbuffer_add_printf(b, "%d,%s", goal,
			    t[i].minutes >= goal ? "yes" : "no");
		else
			evbuffer_add(b, ",", 1);
		evbuffer_add(b, "\r\n", 2);
	}
	free(t);
	return 0;
}

static int
staff_parse_day_field(const char *s, const char *field, int32_t *day,
    struct staff_error *err)
{
	const char	*why;

	if (sched_parse_date(s, day, &why) == 0)
		return 0;
	staff_fail(err, STAFF_INVALID, field, "'%.20s': %s", s, why);
	return -1;
}

enum staff_status
staff_adherence_csv(const struct staff_ctx *ctx, const char *from,
    const char *to, int64_t patient_id, char **csv, struct staff_error *err)
{
	struct patient_filter	 f;
	struct patient		*v = NULL, one;
	struct evbuffer		*b;
	const struct tz_zone	*z;
	int32_t			 dfrom, dto;
	size_t			 n = 0, i;
	int			 rc = 0;

	memset(err, 0, sizeof *err);
	memset(&one, 0, sizeof one);
	*csv = NULL;
	if ((z = staff_zone(ctx, ctx->set->conf->timezone)) == NULL)
		return staff_fail(err, STAFF_FAILED, NULL, "the clinic's time "
		    "zone cannot be loaded");
	dto = sched_local_day(z, ctx->now);
	if (to != NULL && staff_parse_day_field(to, "to", &dto, err) == -1)
		return err->status;
	dfrom = dto - (STAFF_ADHERENCE_DAYS - 1);
	if (from != NULL && staff_parse_day_field(from, "from", &dfrom,
	    err) == -1)
		return err->status;
	if (dfrom > dto)
		return staff_fail(err, STAFF_INVALID, "from", "is after to");
	if (dto - dfrom >= STAFF_ADHERENCE_MAX_DAYS)
		return staff_fail(err, STAFF_INVALID, "from", "the span is "
		    "longer than %d days", STAFF_ADHERENCE_MAX_DAYS);
	if (patient_id != 0) {
		if (staff_patient_get(ctx, patient_id, &one, err) != STAFF_OK)
			return err->status;
	}

	b = xevbuffer_new();
	evbuffer_add_printf(b, "patient_id,phone,name,plan,date,minutes,"
	    "meters,steps,reports,goal_minutes,goal_met\r\n");
	if (patient_id != 0) {
		rc = staff_adherence_patient(ctx, &one, dfrom, dto, b);
		patient_clear(&one);
	} else {
		memset(&f, 0, sizeof f);
		f.which = PATIENTS_ALL;
		f.max = STAFF_PAGE;
		do {
			if ((rc = storage_patient_list(ctx->st, &f, &v,
			    &n)) == -1)
				break;
			for (i = 0; i < n && rc == 0; i++)
				rc = staff_adherence_patient(ctx, &v[i], dfrom,
				    dto, b);
			if (n > 0)
				f.after_id = v[n - 1].id;
			patient_list_free(v, n);
		} while (rc == 0 && n == STAFF_PAGE);
	}
	if (rc == -1) {
		evbuffer_free(b);
		return staff_store_failed(err);
	}
	*csv = xevbuffer_take(b);
	return STAFF_OK;
}
