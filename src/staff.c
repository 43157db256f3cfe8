/* SPDX-License-Identifier: ISC */
/*
 * Staff operations (see staff.h).  Each one reads, checks and writes inside
 * one transaction, so a check made against the stored row still holds when
 * the change lands, and the audit row commits with the change or not at
 * all.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "conf.h"
#include "escalate.h"
#include "auth.h"
#include "outbox.h"
#include "phone.h"
#include "plan.h"
#include "prompts.h"
#include "schedule.h"
#include "settings.h"
#include "staff.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

#define STAFF_DAY		86400
#define STAFF_PAGE		500	/* patients read at a time */
#define STAFF_ACTIVITY_MAX	10000	/* reports read for one patient */

/* The text fields staff set, for merging, clearing and the audit detail. */
static const struct {
	const char	*name;
	size_t		 offset;
	int		 clearable;	/* "" makes it NULL */
	int		 personal;	/* the audit log says "changed" only */
	size_t		 in_offset;
} staff_fields[] = {
#define F(m, c, pers) { #m, offsetof(struct patient, m), c, pers, \
	offsetof(struct staff_input, m) }
	F(name, 1, 1),
	F(language, 0, 0),
	F(timezone, 0, 0),
	F(plan, 0, 0),
	F(reminder_times, 1, 0),
	F(start_date, 0, 0),
	F(end_date, 1, 0),
	F(quiet_start, 0, 0),
	F(quiet_end, 0, 0),
#undef F
};
#define STAFF_NFIELDS (sizeof staff_fields / sizeof staff_fields[0])

static char **
staff_field(struct patient *p, size_t i)
{
	return (char **)((char *)p + staff_fields[i].offset);
}

static const char *
staff_input_field(const struct staff_input *in, size_t i)
{
	return *(const char *const *)((const char *)in +
	    staff_fields[i].in_offset);
}

static enum staff_status
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

static enum staff_status
staff_store_failed(struct staff_error *err)
{
	return staff_fail(err, STAFF_FAILED, NULL,
	    "the database is unavailable; nothing was changed, try again");
}

void
staff_input_init(struct staff_input *in)
{
	memset(in, 0, sizeof *in);
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

static void
staff_format_day(int32_t day, char buf[16])
{
	int	y, m, d;

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* ------------------------------------------------------------ checking */

static const struct tz_zone *
staff_zone(const struct staff_ctx *ctx, const char *name)
{
	char			*why = NULL;
	const struct tz_zone	*z;

	if ((z = tz_cache_get(ctx->zones, name, &why)) == NULL)
		free(why);
	return z;
}

static int
staff_check_name(const char *name, struct staff_error *err)
{
	const unsigned char	*p;

	if (name == NULL)
		return 0;
	if (strlen(name) > STAFF_NAME_MAX || !utf8_valid(name, strlen(name))) {
		staff_fail(err, STAFF_INVALID, "name", "must be valid UTF-8 "
		    "of at most %d bytes", STAFF_NAME_MAX);
		return -1;
	}
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < ' ' || *p == 0x7f) {
			staff_fail(err, STAFF_INVALID, "name",
			    "must not contain control characters");
			return -1;
		}
	}
	return 0;
}

/* An unknown plan: the error lists the plans there are. */
static void
staff_fail_plan(const struct staff_ctx *ctx, const char *name,
    struct staff_error *err)
{
	char	list[160];
	size_t	i, n = plan_count(ctx->set->plans), len = 0;

	list[0] = '\0';
	for (i = 0; i < n && len < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
		    i > 0 ? ", " : "", plan_get(ctx->set->plans, i)->name);
	staff_fail(err, STAFF_INVALID, "plan", "'%.40s' is not a plan (plans: "
	    "%s)", name, n > 0 ? list : "none; add one to plans_dir");
}

/*
 * A reminder time of the patient's own inside their quiet hours would be
 * moved to the end of them every day, beside the others: refused, saying
 * so, rather than silently moved.
 */
static int
staff_check_quiet(const struct plan *plan, const struct patient *p,
    const struct sched_window *w, struct staff_error *err)
{
	const char	*why;
	size_t		 i;
	int		 m;

	for (i = 0; i < plan->nreminders; i++) {
		if (sched_times_lookup(p->reminder_times,
		    plan->reminders[i].name, &m, &why) != 1 ||
		    !sched_in_quiet(w, m))
			continue;
		staff_fail(err, STAFF_INVALID, "reminder_times", "%s at "
		    "%02d:%02d is inside the quiet hours %s-%s, when nothing is "
		    "sent; choose a time outside them or change the quiet "
		    "hours", plan->reminders[i].name, m / 60, m % 60,
		    p->quiet_start, p->quiet_end);
		return -1;
	}
	return 0;
}

/*
 * Countries whose numbers are written with a national trunk 0 that the
 * international form drops: +44 07700 ... is a mistake for +44 7700 ...
 */
static const char *const staff_trunk_zero[] = {
	"+44", "+49", "+33", "+31", "+32", "+41", "+43", "+45", "+46",
	"+47", "+48", "+61", "+64", "+81", "+82", "+86", "+90", "+91",
	"+353", "+358", "+27", "+34", "+1",
};

/*
 * The number as staff typed it, spaces, dots, hyphens and brackets taken
 * out ("+44 7700 900125" is +447700900125); checked as E.164 and for a
 * trunk 0 kept after the country code.  A new string, or NULL with err.
 */
static char *
staff_normalise_phone(const char *in, struct staff_error *err)
{
	char	*out;
	size_t	 i, n = 0, cc;

	out = xmalloc(strlen(in) + 1);
	for (i = 0; in[i] != '\0'; i++)
		if (strchr(" .-()\t", in[i]) == NULL)
			out[n++] = in[i];
	out[n] = '\0';
	if (!phone_is_e164(out)) {
		staff_fail(err, STAFF_INVALID, "phone", "'%.40s' is not an "
		    "E.164 number such as +447700900123", in);
		free(out);
		return NULL;
	}
	for (i = 0; i < sizeof staff_trunk_zero / sizeof staff_trunk_zero[0];
	    i++) {
		cc = strlen(staff_trunk_zero[i]);
		if (strncmp(out, staff_trunk_zero[i], cc) == 0 &&
		    out[cc] == '0') {
			staff_fail(err, STAFF_INVALID, "phone", "'%.40s' keeps "
			    "the national 0 after the country code %s; drop "
			    "it (%s%s)", in, staff_trunk_zero[i],
			    staff_trunk_zero[i], out + cc + 1);
			free(out);
			return NULL;
		}
	}
	return out;
}

/*
 * Checks a merged record as it would be stored; the error names the first
 * field that is wrong.  *planp is the patient's plan.
 */
static int
staff_check(const struct staff_ctx *ctx, const struct patient *p,
    const struct plan **planp, struct staff_error *err)
{
	struct sched_window	 w;
	const struct plan	*plan;
	const char		*why;
	char			*whyp = NULL;
	int32_t			 day;
	int			 minute;

	if (!phone_is_e164(p->phone)) {
		staff_fail(err, STAFF_INVALID, "phone", "'%.40s' is not an "
		    "E.164 number such as +447700900123", p->phone);
		return -1;
	}
	if (staff_check_name(p->name, err) == -1)
		return -1;
	if (!prompts_has_language(ctx->set->prompts, p->language)) {
		staff_fail(err, STAFF_INVALID, "language", "'%.20s' is not a "
		    "language the clinic has prompts for (such as en, es, de)",
		    p->language);
		return -1;
	}
	if (strchr(p->timezone, '/') == NULL && strcmp(p->timezone, "UTC") != 0 &&
	    tz_exists(p->timezone)) {
		/* EST, MST, HST, EST5EDT: legacy names, no city's rules. */
		staff_fail(err, STAFF_INVALID, "timezone", "'%.64s' is a legacy "
		    "zone name (a fixed offset or old US rules), not a place; "
		    "give the patient's Area/City zone such as "
		    "America/New_York or Europe/London", p->timezone);
		return -1;
	}
	if (!tz_exists(p->timezone) || staff_zone(ctx, p->timezone) == NULL) {
		staff_fail(err, STAFF_INVALID, "timezone", "'%.64s' is not a "
		    "time zone in the system's zone database (such as "
		    "Europe/London)", p->timezone);
		return -1;
	}
	if (p->plan == NULL || *p->plan == '\0') {
		staff_fail(err, STAFF_INVALID, "plan", "is required: the "
		    "reminder plan the clinician chose (see the list of plans)");
		return -1;
	}
	if ((plan = plan_find(ctx->set->plans, p->plan)) == NULL) {
		staff_fail_plan(ctx, p->plan, err);
		return -1;
	}
	if (plan_check_times(plan, p->reminder_times, &whyp) == -1) {
		staff_fail(err, STAFF_INVALID, "reminder_times", "%s", whyp);
		free(whyp);
		return -1;
	}
	if (p->start_date != NULL &&
	    sched_parse_date(p->start_date, &day, &why) == -1) {
		staff_fail(err, STAFF_INVALID, "start_date", "'%.20s': %s",
		    p->start_date, why);
		return -1;
	}
	if (p->end_date != NULL &&
	    sched_parse_date(p->end_date, &day, &why) == -1) {
		staff_fail(err, STAFF_INVALID, "end_date", "'%.20s': %s",
		    p->end_date, why);
		return -1;
	}
	if (sched_parse_hhmm(p->quiet_start, &minute, &why) == -1) {
		staff_fail(err, STAFF_INVALID, "quiet_start", "'%.20s': %s",
		    p->quiet_start, why);
		return -1;
	}
	if (sched_parse_hhmm(p->quiet_end, &minute, &why) == -1) {
		staff_fail(err, STAFF_INVALID, "quiet_end", "'%.20s': %s",
		    p->quiet_end, why);
		return -1;
	}
	if (sched_window_parse(&w, p->start_date, p->end_date, p->quiet_start,
	    p->quiet_end, &why) == -1) {
		staff_fail(err, STAFF_INVALID, "end_date", "%s", why);
		return -1;
	}
	if (staff_check_quiet(plan, p, &w, err) == -1)
		return -1;
	if (p->walk_target < 0 || p->walk_target > STAFF_WALK_TARGET_MAX) {
		staff_fail(err, STAFF_INVALID, "walk_target", "must be from 1 "
		    "to %d minutes a day (or cleared for the plan's goal)",
		    STAFF_WALK_TARGET_MAX);
		return -1;
	}
	*planp = plan;
	return 0;
}

/*
 * Copies the given fields of in over *p (which owns its strings); "" clears
 * a clearable field.  Returns how many fields were given.
 */
static int
staff_merge(struct patient *p, const struct staff_input *in,
    struct staff_error *err)
{
	const char	*v;
	char		**fp;
	size_t		 i;
	int		 given = 0;

	for (i = 0; i < STAFF_NFIELDS; i++) {
		if ((v = staff_input_field(in, i)) == NULL)
			continue;
		given++;
		fp = staff_field(p, i);
		if (*v == '\0' && !staff_fields[i].clearable) {
			staff_fail(err, STAFF_INVALID, staff_fields[i].name,
			    "must not be empty");
			return -1;
		}
		free(*fp);
		*fp = *v == '\0' ? NULL : xstrdup(v);
	}
	if (in->walk_target_given) {
		given++;
		p->walk_target = in->walk_target;	/* staff_check checks */
	}
	return given;
}

/* "field old -> new, ..." for the audit log; personal fields say "changed". */
static char *
staff_diff(const struct patient *old, const struct patient *new)
{
	struct evbuffer	*b = xevbuffer_new();
	const char	*a, *z;
	size_t		 i;

	for (i = 0; i < STAFF_NFIELDS; i++) {
		a = *staff_field((struct patient *)old, i);
		z = *staff_field((struct patient *)new, i);
		if ((a == NULL && z == NULL) ||
		    (a != NULL && z != NULL && strcmp(a, z) == 0))
			continue;
		if (evbuffer_get_length(b) > 0)
			evbuffer_add(b, ", ", 2);
		if (staff_fields[i].personal)
			evbuffer_add_printf(b, "%s changed",
			    staff_fields[i].name);
		else
			evbuffer_add_printf(b, "%s %s -> %s",
			    staff_fields[i].name, a != NULL ? a : "(none)",
			    z != NULL ? z : "(none)");
	}
	if (old->walk_target != new->walk_target) {
		if (evbuffer_get_length(b) > 0)
			evbuffer_add(b, ", ", 2);
		evbuffer_add_printf(b, "walk_target %d -> %d", old->walk_target,
		    new->walk_target);
	}
	return xevbuffer_take(b);
}

/* --------------------------------------------------------------- writes */

static int
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

/*
 * When the welcome may go: now, or at the end of the patient's quiet hours
 * if now is inside them on the patient's clock.
 */
static int64_t
staff_welcome_at(const struct staff_ctx *ctx, const struct patient *p)
{
	const struct tz_zone	*z;
	struct sched_window	 w;
	const char		*why;
	int64_t			 local, at;
	int32_t			 day;
	int			 minute;

	if ((z = staff_zone(ctx, p->timezone)) == NULL ||
	    sched_window_parse(&w, NULL, NULL, p->quiet_start, p->quiet_end,
	    &why) == -1)
		return ctx->now;
	local = tz_utc_to_local(z, ctx->now);
	day = tz_day_of(local);
	minute = (int)((local - (int64_t)day * STAFF_DAY) / 60);
	if (!sched_in_quiet(&w, minute))
		return ctx->now;
	if (minute >= w.quiet_end)
		day++;
	(void)tz_local_to_utc(z, (int64_t)day * STAFF_DAY + w.quiet_end * 60,
	    &at);
	return at > ctx->now ? at : ctx->now;
}

static int
staff_queue_welcome(const struct staff_ctx *ctx, const struct patient *p)
{
	struct outbox_msg	o;

	memset(&o, 0, sizeof o);
	o.kind = "welcome";
	o.to = p->phone;
	o.body = prompts_get(settings_prompts(ctx->set, p->phone), p->language,
	    PROMPT_WELCOME);
	o.patient_id = p->id;
	o.at = staff_welcome_at(ctx, p);
	return outbox_enqueue(ctx->st, &o, NULL);
}

/* Reminders (and a welcome) still waiting for a patient are withdrawn. */
static int
staff_cancel_queued(const struct staff_ctx *ctx, const char *phone,
    int welcome_too, const char *why)
{
	if (storage_outbound_cancel(ctx->st, phone, "reminder", why,
	    ctx->now) == -1)
		return -1;
	if (welcome_too && storage_outbound_cancel(ctx->st, phone, "welcome",
	    why, ctx->now) == -1)
		return -1;
	return 0;
}

/* Refuses to message a number that said STOP unless told it consented. */
static int
staff_check_consent(const struct patient *p, int force,
    struct staff_error *err)
{
	if (!p->opted_out || force)
		return 0;
	staff_fail(err, STAFF_CONFLICT, "force_resubscribe", "%s opted out "
	    "by texting STOP; only the patient can opt back in (by texting "
	    "START), or, once they have told you they want messages again, "
	    "repeat this with force_resubscribe", p->phone);
	return -1;
}

static int
staff_resubscribe(const struct staff_ctx *ctx, struct patient *p)
{
	if (!p->opted_out)
		return 0;
	if (storage_patient_set_opt_out(ctx->st, p->phone, 0, ctx->now) == -1 ||
	    staff_audit(ctx, "patient.resubscribe", p->phone,
	    "opted back in by staff with the patient's consent "
	    "(force_resubscribe)") == -1)
		return -1;
	p->opted_out = 0;
	return 0;
}

/*
 * Reads the patient with id for a change: it must be (or have been)
 * enrolled.  Returns 0, or -1 with err set.
 */
static int
staff_load(const struct staff_ctx *ctx, int64_t id, struct patient *p,
    struct staff_error *err)
{
	switch (storage_patient_get(ctx->st, id, p)) {
	case 1:
		if (p->enrolled || p->removed_at != 0)
			return 0;
		patient_clear(p);
		break;
	case 0:
		break;
	default:
		staff_store_failed(err);
		return -1;
	}
	staff_fail(err, STAFF_NOT_FOUND, "id", "no patient %lld", (long long)id);
	return -1;
}

/* Re-reads the stored row into *out after a change, when asked. */
static int
staff_reread(const struct staff_ctx *ctx, int64_t id, struct patient *out)
{
	if (out == NULL)
		return 0;
	return storage_patient_get(ctx->st, id, out) == 1 ? 0 : -1;
}

static enum staff_status
staff_finish(const struct staff_ctx *ctx, int ok, struct staff_error *err)
{
	if (ok && storage_commit(ctx->st) == 0)
		return err->status = STAFF_OK;
	storage_rollback(ctx->st);
	if (err->status == STAFF_OK)
		staff_store_failed(err);
	return err->status;
}

static char *
staff_add_detail(const struct patient *p, int again)
{
	return xasprintf("patient %lld%s: plan %s, language %s, timezone %s, "
	    "start %s, end %s, quiet %s-%s%s%s", (long long)p->id,
	    again ? " enrolled again" : "", p->plan, p->language, p->timezone,
	    p->start_date, p->end_date != NULL ? p->end_date : "(none)",
	    p->quiet_start, p->quiet_end,
	    p->reminder_times != NULL ? ", times " : "",
	    p->reminder_times != NULL ? p->reminder_times : "");
}

/*
 * The country of an IANA zone from the zone database's zone.tab ("GB"),
 * into cc; 0, or -1 when it is not listed there (Etc/UTC, links).
 */
static int
staff_zone_country(const char *zone, char cc[3])
{
	const char	*dir = getenv("TZDIR");
	char		*path, line[512], *p, *name;
	FILE		*fp;
	int		 rc = -1;
	size_t		 n;

	path = xasprintf("%s/zone.tab", dir != NULL && *dir != '\0' ? dir :
	    "/usr/share/zoneinfo");
	fp = fopen(path, "r");
	free(path);
	if (fp == NULL)
		return -1;
	while (rc == -1 && fgets(line, sizeof line, fp) != NULL) {
		if (line[0] == '#' || strlen(line) < 4 || line[2] != '\t')
			continue;
		/* CC <tab> coordinates <tab> zone [<tab> comment] */
		if ((p = strchr(line + 3, '\t')) == NULL)
			continue;
		name = p + 1;
		n = strcspn(name, "\t\r\n");
		if (n == strlen(zone) && strncmp(name, zone, n) == 0) {
			memcpy(cc, line, 2);
			cc[2] = '\0';
			rc = 0;
		}
	}
	fclose(fp);
	return rc;
}

/*
 * Enrolment's warning when a patient seems to live outside the clinic's
 * country: a number whose calling code gives another emergency number or
 * same-day line than the clinic's own, or a time zone in another country
 * than the clinic's.  Advice alone: such patients exist (travellers,
 * borders), and their replies already carry their own numbers.
 */
static void
staff_country_warning(const struct staff_ctx *ctx, const struct patient *p,
    char *buf, size_t len)
{
	const struct conf	*c = ctx->set->conf;
	const char		*pe, *ce, *pu, *cu;
	char			 pcc[3], ccc[3];

	pe = conf_emergency_number(c, p->phone);
	ce = conf_emergency_number(c, c->clinic_phone);
	pu = conf_urgent_number(c, p->phone);
	cu = conf_urgent_number(c, c->clinic_phone);
	if (strcmp(pe, ce) != 0 || (pu == NULL) != (cu == NULL) ||
	    (pu != NULL && strcmp(pu, cu) != 0))
		snprintf(buf, len, "%s is outside the clinic's country: the "
		    "patient is told to call %s in an emergency (the clinic's "
		    "number is %s); check [clinic] emergency_numbers", p->phone,
		    pe, ce);
	else if (staff_zone_country(p->timezone, pcc) == 0 &&
	    staff_zone_country(c->timezone, ccc) == 0 &&
	    strcmp(pcc, ccc) != 0)
		snprintf(buf, len, "time zone %s is in %s, not in the clinic's "
		    "country (%s): is the number's emergency number (%s) the "
		    "one the patient can call?", p->timezone, pcc, ccc, pe);
}

/*
 * A removed patient enrolled again keeps what staff said about them before
 * (name, language, zone, plan, times, quiet hours, target) unless staff
 * change it now; only the start is new (today unless given), and an end
 * date already behind it is dropped.  *p becomes the merged record.
 */
static int
staff_reenrol_merge(const struct staff_ctx *ctx, struct patient *p,
    const struct patient *old, const struct staff_input *in,
    struct staff_error *err)
{
	const struct tz_zone	*z;
	struct patient		 q;
	const char		*v;
	char			 day[16];
	size_t			 i;

	memset(&q, 0, sizeof q);
	q.phone = xstrdup(p->phone);
	for (i = 0; i < STAFF_NFIELDS; i++) {
		v = *staff_field((struct patient *)old, i);
		*staff_field(&q, i) = v != NULL ? xstrdup(v) : NULL;
	}
	q.walk_target = old->walk_target;
	free(q.start_date);
	q.start_date = NULL;
	if (q.quiet_start == NULL)
		q.quiet_start = xstrdup("21:00");
	if (q.quiet_end == NULL)
		q.quiet_end = xstrdup("08:00");
	if (staff_merge(&q, in, err) == -1) {
		patient_clear(&q);
		return -1;
	}
	if (q.language == NULL)
		q.language = xstrdup(ctx->set->conf->language);
	if (q.timezone == NULL)
		q.timezone = xstrdup(ctx->set->conf->timezone);
	if (q.start_date == NULL && tz_exists(q.timezone) &&
	    (z = staff_zone(ctx, q.timezone)) != NULL) {
		staff_format_day(sched_local_day(z, ctx->now), day);
		q.start_date = xstrdup(day);
	}
	if (in->end_date == NULL && q.end_date != NULL &&
	    q.start_date != NULL && strcmp(q.end_date, q.start_date) < 0) {
		free(q.end_date);
		q.end_date = NULL;
	}
	patient_clear(p);
	*p = q;
	return 0;
}

enum staff_status
staff_patient_add(const struct staff_ctx *ctx, const struct staff_input *in,
    struct patient *out, struct staff_error *err)
{
	struct patient		 p, old;
	const struct plan	*plan;
	const struct tz_zone	*z;
	char			*detail = NULL, *diff, *tmp, day[16];
	int			 known, again, ok = 0;

	memset(err, 0, sizeof *err);
	memset(&p, 0, sizeof p);
	memset(&old, 0, sizeof old);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (in->phone == NULL)
		return staff_fail(err, STAFF_INVALID, "phone", "is required: "
		    "an E.164 number such as +447700900123");
	if ((p.phone = staff_normalise_phone(in->phone, err)) == NULL)
		return err->status;
	p.language = xstrdup(ctx->set->conf->language);
	p.timezone = xstrdup(ctx->set->conf->timezone);
	p.quiet_start = xstrdup("21:00");
	p.quiet_end = xstrdup("08:00");
	if (staff_merge(&p, in, err) == -1)
		goto fail;
	if (p.start_date == NULL && tz_exists(p.timezone) &&
	    (z = staff_zone(ctx, p.timezone)) != NULL) {
		staff_format_day(sched_local_day(z, ctx->now), day);
		p.start_date = xstrdup(day);
	}
	if (staff_check(ctx, &p, &plan, err) == -1)
		goto fail;

	if (storage_begin(ctx->st) == -1) {
		staff_store_failed(err);
		goto fail;
	}
	if ((known = storage_patient_find(ctx->st, p.phone, &old)) == -1)
		goto out;
	if (known && old.enrolled) {
		staff_fail(err, STAFF_CONFLICT, "phone", "%s is already "
		    "enrolled as patient %lld", p.phone, (long long)old.id);
		goto out;
	}
	if (known && staff_check_consent(&old, in->force_resubscribe,
	    err) == -1)
		goto out;
	again = known && old.removed_at != 0;
	if (again && (staff_reenrol_merge(ctx, &p, &old, in, err) == -1 ||
	    staff_check(ctx, &p, &plan, err) == -1))
		goto out;
	p.enrolled = 1;
	p.welcomed_at = ctx->now;
	if (known) {
		/* A removed patient, or a number we know from its messages. */
		p.id = old.id;
		p.opted_out = old.opted_out;
		if (staff_resubscribe(ctx, &p) == -1 ||
		    storage_patient_update(ctx->st, &p, ctx->now) != 1)
			goto out;
	} else if (storage_patient_insert(ctx->st, &p, ctx->now, &p.id) == -1 ||
	    storage_patient_update(ctx->st, &p, ctx->now) != 1)
		goto out;
	detail = staff_add_detail(&p, known);
	if (again) {
		/* Says what changed since the earlier enrolment, if anything. */
		diff = staff_diff(&old, &p);
		tmp = detail;
		detail = xasprintf("%s; %s%s", tmp, *diff != '\0' ?
		    "changed: " : "kept the earlier details", diff);
		free(tmp);
		free(diff);
	}
	if (staff_audit(ctx, "patient.add", p.phone, detail) == -1 ||
	    staff_queue_welcome(ctx, &p) == -1 ||
	    staff_reread(ctx, p.id, out) == -1)
		goto out;
	staff_country_warning(ctx, &p, err->warning, sizeof err->warning);
	ok = 1;
out:
	staff_finish(ctx, ok, err);
fail:
	if (err->status != STAFF_OK && out != NULL)
		patient_clear(out);	/* re-read before a commit that failed */
	free(detail);
	patient_clear(&old);
	patient_clear(&p);
	return err->status;
}

enum staff_status
staff_patient_update(const struct staff_ctx *ctx, int64_t id,
    const struct staff_input *in, struct patient *out, struct staff_error *err)
{
	struct patient		 p, old;
	const struct plan	*plan;
	char			*detail = NULL;
	int			 given, ok = 0;

	memset(err, 0, sizeof *err);
	memset(&old, 0, sizeof old);
	memset(&p, 0, sizeof p);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (in->phone != NULL)
		return staff_fail(err, STAFF_INVALID, "phone", "cannot be "
		    "changed: the number is who consented; remove the patient "
		    "and enrol the new number");
	if (in->force_resubscribe)
		return staff_fail(err, STAFF_INVALID, "force_resubscribe",
		    "belongs to add and resume");
	if (storage_begin(ctx->st) == -1)
		return staff_store_failed(err);
	if (staff_load(ctx, id, &old, err) == -1 ||
	    staff_load(ctx, id, &p, err) == -1)
		goto out;
	if (!old.enrolled) {
		staff_fail(err, STAFF_CONFLICT, "id", "patient %lld was "
		    "removed; enrol them again with add", (long long)id);
		goto out;
	}
	if ((given = staff_merge(&p, in, err)) == -1)
		goto out;
	if (given == 0) {
		staff_fail(err, STAFF_INVALID, NULL, "nothing to change: give "
		    "at least one field");
		goto out;
	}
	if (staff_check(ctx, &p, &plan, err) == -1)
		goto out;
	detail = staff_diff(&old, &p);
	if (*detail == '\0') {		/* the same values again */
		ok = staff_reread(ctx, id, out) == 0;
		goto out;
	}
	if (storage_patient_update(ctx->st, &p, ctx->now) != 1 ||
	    staff_audit(ctx, "patient.update", p.phone, detail) == -1 ||
	    staff_reread(ctx, id, out) == -1)
		goto out;
	ok = 1;
out:
	staff_finish(ctx, ok, err);
	if (err->status != STAFF_OK && out != NULL)
		patient_clear(out);
	free(detail);
	patient_clear(&old);
	patient_clear(&p);
	return err->status;
}

enum patient_change { CHANGE_PAUSE, CHANGE_RESUME, CHANGE_REMOVE };

/* Pause, resume and remove: one flag, one audit row, queued reminders. */
static enum staff_status
staff_patient_change(const struct staff_ctx *ctx, int64_t id,
    enum patient_change change, int force, struct patient *out,
    struct staff_error *err)
{
	static const char *const actions[] = {
		[CHANGE_PAUSE] = "patient.pause",
		[CHANGE_RESUME] = "patient.resume",
		[CHANGE_REMOVE] = "patient.remove",
	};
	struct patient	 p;
	char		*detail = NULL;
	int		 ok = 0, changed = 0;

	memset(err, 0, sizeof *err);
	memset(&p, 0, sizeof p);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (storage_begin(ctx->st) == -1)
		return staff_store_failed(err);
	if (staff_load(ctx, id, &p, err) == -1)
		goto out;
	if (!p.enrolled) {
		if (change == CHANGE_REMOVE) {	/* removing twice is fine */
			ok = staff_reread(ctx, id, out) == 0;
			goto out;
		}
		staff_fail(err, STAFF_CONFLICT, "id", "patient %lld was "
		    "removed; enrol them again with add", (long long)id);
		goto out;
	}
	switch (change) {
	case CHANGE_PAUSE:
		changed = !p.paused;
		p.paused = 1;
		if (staff_cancel_queued(ctx, p.phone, 0,
		    "reminders paused by staff") == -1)
			goto out;
		break;
	case CHANGE_RESUME:
		if (staff_check_consent(&p, force, err) == -1)
			goto out;
		changed = p.paused || p.opted_out;
		p.paused = 0;
		if (staff_resubscribe(ctx, &p) == -1)
			goto out;
		break;
	case CHANGE_REMOVE:
		changed = 1;
		p.enrolled = 0;
		p.removed_at = ctx->now;
		if (staff_cancel_queued(ctx, p.phone, 1,
		    "patient removed by staff") == -1)
			goto out;
		break;
	}
	if (changed) {
		detail = xasprintf("patient %lld", (long long)id);
		if (storage_patient_update(ctx->st, &p, ctx->now) != 1 ||
		    staff_audit(ctx, actions[change], p.phone, detail) == -1)
			goto out;
	}
	if (staff_reread(ctx, id, out) == -1)
		goto out;
	ok = 1;
out:
	staff_finish(ctx, ok, err);
	if (err->status != STAFF_OK && out != NULL)
		patient_clear(out);
	free(detail);
	patient_clear(&p);
	return err->status;
}

enum staff_status
staff_patient_pause(const struct staff_ctx *ctx, int64_t id,
    struct patient *out, struct staff_error *err)
{
	return staff_patient_change(ctx, id, CHANGE_PAUSE, 0, out, err);
}

enum staff_status
staff_patient_resume(const struct staff_ctx *ctx, int64_t id, int force,
    struct patient *out, struct staff_error *err)
{
	return staff_patient_change(ctx, id, CHANGE_RESUME, force, out, err);
}

enum staff_status
staff_patient_remove(const struct staff_ctx *ctx, int64_t id,
    struct patient *out, struct staff_error *err)
{
	return staff_patient_change(ctx, id, CHANGE_REMOVE, 0, out, err);
}

/* ---------------------------------------------------------------- reads */

enum staff_status
staff_patient_get(const struct staff_ctx *ctx, int64_t id, struct patient *out,
    struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (staff_load(ctx, id, out, err) == -1)
		return err->status;
	return STAFF_OK;
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

enum staff_status
staff_patient_find(const struct staff_ctx *ctx, const char *ref, int64_t *id,
    struct staff_error *err)
{
	struct patient	p;
	int		rc;

	memset(err, 0, sizeof *err);
	if (ref[0] != '+') {
		if (staff_parse_id(ref, id) == -1)
			return staff_fail(err, STAFF_INVALID, "id", "'%.40s' is "
			    "neither a patient id nor an E.164 number", ref);
		return STAFF_OK;
	}
	if (!phone_is_e164(ref))
		return staff_fail(err, STAFF_INVALID, "phone", "'%.40s' is not "
		    "an E.164 number such as +447700900123", ref);
	if ((rc = storage_patient_find(ctx->st, ref, &p)) == -1)
		return staff_store_failed(err);
	if (rc == 1 && (p.enrolled || p.removed_at != 0)) {
		*id = p.id;
		patient_clear(&p);
		return STAFF_OK;
	}
	if (rc == 1)
		patient_clear(&p);
	return staff_fail(err, STAFF_NOT_FOUND, "phone", "no patient with "
	    "the number %s", ref);
}

static const struct {
	const char		*name;
	enum patient_which	 which;
} staff_statuses[] = {
	{ "enrolled", PATIENTS_ENROLLED },
	{ "active", PATIENTS_ACTIVE },
	{ "paused", PATIENTS_PAUSED },
	{ "opted_out", PATIENTS_OPTED_OUT },
	{ "removed", PATIENTS_REMOVED },
	{ "all", PATIENTS_ALL },
};

int
staff_status_filter(const char *name, enum patient_which *which)
{
	size_t	i;

	for (i = 0; i < sizeof staff_statuses / sizeof staff_statuses[0]; i++) {
		if (strcmp(staff_statuses[i].name, name) == 0) {
			*which = staff_statuses[i].which;
			return 0;
		}
	}
	return -1;
}

enum staff_status
staff_patient_list(const struct staff_ctx *ctx, const struct patient_filter *f,
    struct patient **v, size_t *n, struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (storage_patient_list(ctx->st, f, v, n) == -1)
		return staff_store_failed(err);
	return STAFF_OK;
}

/* The patient's first day: the start date, else the day they were added. */
static int32_t
staff_start_day(const struct tz_zone *z, const struct patient *p,
    const struct sched_window *w)
{
	if (w->start_day != SCHED_NO_START)
		return w->start_day;
	return sched_local_day(z, p->created_at);
}

static void
staff_local_iso(const struct tz_zone *z, int64_t t, char buf[32])
{
	int64_t	local = tz_utc_to_local(z, t);
	int32_t	day = tz_day_of(local);
	int	secs = (int)(local - (int64_t)day * STAFF_DAY);
	char	d[16];

	staff_format_day(day, d);
	snprintf(buf, 32, "%sT%02d:%02d", d, secs / 3600, secs / 60 % 60);
}

enum staff_status
staff_patient_schedule(const struct staff_ctx *ctx, int64_t id, size_t n,
    json_t **out, struct staff_error *err)
{
	struct patient		 p;
	struct sched_fire	 fires[STAFF_UPCOMING_MAX];
	struct sched_window	 w;
	const struct plan	*plan;
	const struct tz_zone	*z;
	const char		*why, *status;
	json_t			*list, *goal = json_null();
	char			 at[32], local[32];
	int			 i, nf = 0, active;

	*out = NULL;
	if (staff_patient_get(ctx, id, &p, err) != STAFF_OK)
		return err->status;
	status = staff_patient_status(&p);
	active = strcmp(status, "active") == 0;
	plan = plan_find(ctx->set->plans, p.plan != NULL ? p.plan : "");
	z = tz_exists(p.timezone) ? staff_zone(ctx, p.timezone) : NULL;
	/* Only an active patient's plan and zone matter: nothing is coming. */
	if (active && (plan == NULL || z == NULL || sched_window_parse(&w,
	    p.start_date, p.end_date, p.quiet_start, p.quiet_end, &why) == -1)) {
		staff_fail(err, STAFF_CONFLICT, "plan", "patient %lld's plan "
		    "or time zone is no longer valid; update them",
		    (long long)id);
		patient_clear(&p);
		return err->status;
	}
	if (n > STAFF_UPCOMING_MAX)
		n = STAFF_UPCOMING_MAX;
	if (active)
		nf = plan_upcoming(plan, &p, z, ctx->now, fires, n, &why);
	list = json_array();
	for (i = 0; i < nf; i++) {
		staff_time_iso(fires[i].at, at);
		staff_local_iso(z, fires[i].at, local);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "reminder", plan->reminders[fires[i].rule].name,
		    "at", at, "local", local));
	}
	if (active)
		goal = json_integer(plan_walk_minutes(plan, p.walk_target,
		    staff_start_day(z, &p, &w), sched_local_day(z, ctx->now)));
	*out = json_pack("{s:I, s:s, s:s?, s:s, s:o, s:o}", "patient_id",
	    (json_int_t)p.id, "status", status, "plan", p.plan, "timezone",
	    p.timezone, "walk_minutes_today", goal, "reminders", list);
	patient_clear(&p);
	return STAFF_OK;
}

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

enum staff_status
staff_patient_messages(const struct staff_ctx *ctx, int64_t id, int64_t before,
    size_t max, json_t **out, struct staff_error *err)
{
	struct patient		 p;
	struct message_row	*v;
	json_t			*list, *o;
	char			 at[32];
	size_t			 n, i;

	*out = NULL;
	if (max < 1 || max > STAFF_MESSAGES_MAX)
		return staff_fail(err, STAFF_INVALID, "limit", "must be from 1 "
		    "to %d", STAFF_MESSAGES_MAX);
	if (staff_patient_get(ctx, id, &p, err) != STAFF_OK)
		return err->status;
	if (storage_message_list(ctx->st, p.phone, before, max, &v,
	    &n) == -1) {
		patient_clear(&p);
		return staff_store_failed(err);
	}
	list = json_array();
	for (i = 0; i < n; i++) {
		staff_time_iso(v[i].at, at);
		o = json_pack("{s:I, s:s, s:s?, s:s, s:s?}", "id",
		    (json_int_t)v[i].id, "direction", v[i].inbound ? "in" :
		    "out", "kind", v[i].kind, "at", at, "body", v[i].body);
		if (v[i].inbound)
			json_object_update_new(o, json_pack("{s:s?, s:s?, "
			    "s:s?}", "level", v[i].level, "rules", v[i].rules,
			    "reply", v[i].reply));
		else
			json_object_set_new(o, "status", v[i].status != NULL ?
			    json_string(v[i].status) : json_null());
		json_array_append_new(list, o);
	}
	*out = json_pack("{s:I, s:s, s:o, s:o}", "patient_id", (json_int_t)id,
	    "phone", p.phone, "messages", list, "next_before",
	    n == max && n > 0 ? json_integer(v[n - 1].at) : json_null());
	message_list_free(v, n);
	patient_clear(&p);
	return STAFF_OK;
}

/* ---------------------------------------------------------- escalations */

enum staff_status
staff_escalation_list(const struct staff_ctx *ctx,
    const struct escalation_filter *f, struct escalation_row **v, size_t *n,
    struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (storage_escalation_list(ctx->st, f, v, n) == -1)
		return staff_store_failed(err);
	return STAFF_OK;
}

enum staff_status
staff_escalation_get(const struct staff_ctx *ctx, int64_t id,
    struct escalation_row *out, struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	switch (storage_escalation_get(ctx->st, id, out)) {
	case 1:
		return STAFF_OK;
	case 0:
		return staff_fail(err, STAFF_NOT_FOUND, "id", "no escalation "
		    "%lld", (long long)id);
	default:
		return staff_store_failed(err);
	}
}

enum staff_status
staff_escalation_ack(const struct staff_ctx *ctx, int64_t id, const char *note,
    struct escalation_row *out, struct staff_error *err)
{
	struct escalation_row	 e;
	char			 when[32];
	int			 ok = 0;

	memset(err, 0, sizeof *err);
	memset(&e, 0, sizeof e);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (note != NULL && (strlen(note) > STAFF_NOTE_MAX ||
	    !utf8_valid(note, strlen(note))))
		return staff_fail(err, STAFF_INVALID, "note", "must be valid "
		    "UTF-8 of at most %d bytes", STAFF_NOTE_MAX);
	if (storage_begin(ctx->st) == -1)
		return staff_store_failed(err);
	/* The same step as an ACK by SMS: escalate.c. */
	switch (escalate_ack(ctx->st, id, NULL, ctx->actor, note, ctx->now,
	    &e)) {
	case ESCALATE_ACK_DONE:
		ok = 1;
		break;
	case ESCALATE_ACK_ALREADY:
		staff_time_iso(e.acknowledged_at, when);
		staff_fail(err, STAFF_CONFLICT, "id", "escalation %lld was "
		    "already acknowledged by %s at %s", (long long)id,
		    e.acknowledged_by != NULL ? e.acknowledged_by : "?", when);
		break;
	case ESCALATE_ACK_NONE:
		staff_fail(err, STAFF_NOT_FOUND, "id", "no escalation %lld",
		    (long long)id);
		break;
	case ESCALATE_ACK_FAILED:
		break;
	}
	staff_finish(ctx, ok, err);
	if (err->status == STAFF_OK && out != NULL) {
		*out = e;
		memset(&e, 0, sizeof e);
	}
	escalation_row_clear(&e);
	return err->status;
}

enum staff_status
staff_escalation_episode(const struct staff_ctx *ctx, int64_t id, json_t *o,
    struct staff_error *err)
{
	struct escalation_event	*v;
	json_t			*msgs, *alerts, *m;
	char			 at[32];
	size_t			 n, i;

	memset(err, 0, sizeof *err);
	if (storage_escalation_history(ctx->st, id, &v, &n) == -1)
		return staff_store_failed(err);
	msgs = json_array();
	alerts = json_array();
	for (i = 0; i < n; i++) {
		staff_time_iso(v[i].at, at);
		if (strcmp(v[i].kind, "alert") == 0) {
			m = json_pack("{s:s, s:I, s:s?, s:s?, s:s?}", "at", at,
			    "outbound_id", (json_int_t)v[i].ref, "to", v[i].to,
			    "reason", v[i].reason, "status", v[i].status);
			json_array_append_new(alerts, m);
			continue;
		}
		m = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:b}", "at", at,
		    "via", strcmp(v[i].kind, "call") == 0 ? "call" : "sms",
		    "level", v[i].level, "text", v[i].text, "reply", v[i].reply,
		    "alerted", v[i].alerted != 0);
		json_object_set_new(m, "inbound_id", v[i].ref != 0 ?
		    json_integer(v[i].ref) : json_null());
		json_array_append_new(msgs, m);
	}
	escalation_history_free(v, n);
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(o, "alerts", alerts);
	return STAFF_OK;
}

int
staff_parse_time(const char *s, int64_t *t)
{
	int32_t		 day;
	const char	*why;
	char		 date[11];
	int		 h, m, sec;
	size_t		 len = s != NULL ? strlen(s) : 0;

	if (len != 10 && len != 20)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (sched_parse_date(date, &day, &why) == -1)
		return -1;
	*t = (int64_t)day * STAFF_DAY;
	if (len == 10)
		return 0;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    strspn(s + 11, "0123456789") != 2 ||
	    strspn(s + 14, "0123456789") != 2 ||
	    strspn(s + 17, "0123456789") != 2)
		return -1;
	h = (s[11] - '0') * 10 + (s[12] - '0');
	m = (s[14] - '0') * 10 + (s[15] - '0');
	sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	*t += (int64_t)h * 3600 + m * 60 + sec;
	return 0;
}

/* ---------------------------------------------------------- the inbox */

enum staff_status
staff_inbox_list(const struct staff_ctx *ctx, int open_only, size_t max,
    struct inbox_row **v, size_t *n, struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (storage_inbox_list(ctx->st, open_only, max, v, n) == -1)
		return staff_store_failed(err);
	return STAFF_OK;
}

enum staff_status
staff_inbox_done(const struct staff_ctx *ctx, int64_t id, const char *note,
    struct inbox_row *out, struct staff_error *err)
{
	struct inbox_row	 r;
	char			*detail = NULL, when[32];
	int			 ok = 0;

	memset(err, 0, sizeof *err);
	memset(&r, 0, sizeof r);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (note != NULL && (strlen(note) > STAFF_NOTE_MAX ||
	    !utf8_valid(note, strlen(note))))
		return staff_fail(err, STAFF_INVALID, "note", "must be valid "
		    "UTF-8 of at most %d bytes", STAFF_NOTE_MAX);
	if (note != NULL && *note == '\0')
		note = NULL;
	if (storage_begin(ctx->st) == -1)
		return staff_store_failed(err);
	switch (storage_inbox_get(ctx->st, id, &r)) {
	case 1:
		break;
	case 0:
		staff_fail(err, STAFF_NOT_FOUND, "id", "no inbox message %lld",
		    (long long)id);
		goto out;
	default:
		goto out;
	}
	if (r.done_at != 0) {
		staff_time_iso(r.done_at, when);
		staff_fail(err, STAFF_CONFLICT, "id", "inbox message %lld was "
		    "already marked done by %s at %s", (long long)id,
		    r.done_by != NULL ? r.done_by : "?", when);
		goto out;
	}
	detail = xasprintf("inbox %lld (%s)%s%s", (long long)id, r.reason,
	    note != NULL ? ": " : "", note != NULL ? note : "");
	if (storage_inbox_done(ctx->st, id, ctx->actor, note, ctx->now) != 1 ||
	    staff_audit(ctx, "inbox.done", r.phone, detail) == -1)
		goto out;
	if (out != NULL && storage_inbox_get(ctx->st, id, out) != 1)
		goto out;
	ok = 1;
out:
	staff_finish(ctx, ok, err);
	if (err->status != STAFF_OK && out != NULL)
		inbox_row_clear(out);
	free(detail);
	inbox_row_clear(&r);
	return err->status;
}

/* ------------------------------------------------------------ adherence */

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

/* ----------------------------------------------------------------- JSON */

static json_t *
staff_json_time(int64_t t)
{
	char	buf[32];

	if (t == 0)
		return json_null();
	staff_time_iso(t, buf);
	return json_string(buf);
}

json_t *
staff_patient_json(const struct patient *p)
{
	return json_pack("{s:I, s:s, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s?,"
	    " s:s, s:s, s:o, s:s, s:b, s:b, s:b, s:o, s:o}",
	    "id", (json_int_t)p->id,
	    "phone", p->phone,
	    "name", p->name,
	    "language", p->language,
	    "timezone", p->timezone,
	    "plan", p->plan,
	    "reminder_times", p->reminder_times,
	    "start_date", p->start_date,
	    "end_date", p->end_date,
	    "quiet_start", p->quiet_start,
	    "quiet_end", p->quiet_end,
	    "walk_target", p->walk_target > 0 ? json_integer(p->walk_target) :
	    json_null(),
	    "status", staff_patient_status(p),
	    "enrolled", p->enrolled != 0,
	    "paused", p->paused != 0,
	    "opted_out", p->opted_out != 0,
	    "created_at", staff_json_time(p->created_at),
	    "removed_at", staff_json_time(p->removed_at));
}

json_t *
staff_escalation_json(const struct escalation_row *e)
{
	json_t	*o;

	o = json_pack("{s:I, s:s, s:o, s:s?, s:s, s:s?, s:s?, s:s?, s:o, s:o,"
	    " s:o, s:o, s:s?, s:s?, s:b}",
	    "id", (json_int_t)e->id,
	    "phone", e->phone,
	    "patient_id", e->patient_id != 0 ? json_integer(e->patient_id) :
	    json_null(),
	    "patient_name", e->patient_name,
	    "level", e->level,
	    "excerpt", e->excerpt,
	    "rules", e->rules,
	    "concepts", e->concepts,
	    "created_at", staff_json_time(e->created_at),
	    "updated_at", staff_json_time(e->updated_at),
	    "alerted_at", staff_json_time(e->alerted_at),
	    "acknowledged_at", staff_json_time(e->acknowledged_at),
	    "acknowledged_by", e->acknowledged_by,
	    "ack_note", e->ack_note,
	    "open", e->acknowledged_at == 0);
	json_object_set_new(o, "alerted_to", e->alerted_to != NULL ?
	    json_string(e->alerted_to) : json_null());
	json_object_set_new(o, "next_alert_at",
	    staff_json_time(e->next_alert_at));
	json_object_set_new(o, "alert_count", json_integer(e->nalerts));
	json_object_set_new(o, "message_count", json_integer(e->nmessages));
	return o;
}

json_t *
staff_inbox_json(const struct inbox_row *r)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s?, s:s?, s:o, s:o,"
	    " s:o, s:s?, s:s?, s:b}",
	    "id", (json_int_t)r->id,
	    "reason", r->reason,
	    "phone", r->phone,
	    "patient_id", r->patient_id != 0 ? json_integer(r->patient_id) :
	    json_null(),
	    "inbound_id", r->inbound_id != 0 ? json_integer(r->inbound_id) :
	    json_null(),
	    "body", r->body,
	    "level", r->level,
	    "received_at", staff_json_time(r->received_at),
	    "created_at", staff_json_time(r->created_at),
	    "done_at", staff_json_time(r->done_at),
	    "done_by", r->done_by,
	    "note", r->note,
	    "open", r->done_at == 0);
}
