/* SPDX-License-Identifier: ISC */
/*
 * What every staff operation shares (see staff.h): errors that name the
 * field, the actor, times and days as the API writes them, the patient's
 * zone, the audit row and the end of a transaction.  The operations
 * themselves are in staff_patient.c (patients), staff_escalation.c
 * (escalations and the review inbox) and staff_report.c (activity and
 * adherence); their JSON shapes in staff_json.c.  Each one reads, checks and
 * writes inside one transaction, so a check made against the stored row
 * still holds when the change lands, and the audit row commits with the
 * change or not at all.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "schedule.h"
#include "staff.h"
#include "staff_int.h"
#include "tz.h"

enum staff_status
staff_fail(struct staff_error *err, enum staff_status status,
    const char *field, const char *fmt, ...)
{
	va_list	ap;

	err->status = status;
	err->field = field;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return status;
}

enum staff_status
staff_store_failed(struct staff_error *err)
{
	return staff_fail(err, STAFF_FAILED, NULL,
	    "the database is unavailable; nothing was changed, try again");
}

const char *
staff_actor(const char *name, char *buf, size_t len)
{
	if (name == NULL || !auth_name_valid(name))
		return NULL;
	snprintf(buf, len, "staff:%s", name);
	return buf;
}

const char *
staff_patient_status(const struct patient *p)
{
	if (!p->enrolled)
		return "removed";
	if (p->opted_out)
		return "opted_out";
	if (p->paused)
		return "paused";
	return "active";
}

void
staff_time_iso(int64_t t, char buf[32])
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	buf[0] = '\0';
	if (t != 0 && gmtime_r(&tt, &tm) != NULL)
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
staff_format_day(int32_t day, char buf[16])
{
	int	y, m, d;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

const struct tz_zone *
staff_zone(const struct staff_ctx *ctx, const char *name)
{
	char			*why = NULL;
	const struct tz_zone	*z;

	if ((z = tz_cache_get(ctx->zones, name, &why)) == NULL)
		free(why);
	return z;
}

int
staff_audit(const struct staff_ctx *ctx, const char *action,
    const char *subject, const char *detail)
{
	struct audit	a;

	memset(&a, 0, sizeof a);
	a.at = ctx->now;
	a.actor = ctx->actor;
	a.action = action;
	a.subject = subject;
	a.detail = detail;
	return storage_audit_append(ctx->st, &a);
}

enum staff_status
staff_finish(const struct staff_ctx *ctx, int ok, struct staff_error *err)
{
	if (ok && storage_commit(ctx->st) == 0)
		return err->status = STAFF_OK;
	storage_rollback(ctx->st);
	if (err->status == STAFF_OK)
		staff_store_failed(err);
	return err->status;
}

int
staff_parse_id(const char *s, int64_t *id)
{
	int64_t	v = 0;
	size_t	i;

	if (s == NULL || s[0] < '1' || s[0] > '9')
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 18)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*id = v;
	return 0;
}

/* The patient's first day: the start date, else the day they were added. */
int32_t
staff_start_day(const struct tz_zone *z, const struct patient *p,
    const struct sched_window *w)
{
	if (w->start_day != SCHED_NO_START)
		return w->start_day;
	return sched_local_day(z, p->created_at);
}
