/* SPDX-License-Identifier: ISC */
/*
 * Staff and patients (see staff.h): the checks of a patient as staff give
 * it (the number, language, zone, plan, times, dates, quiet hours),
 * enrolment with its welcome and consent, changes, pause, resume and
 * removal with their audit rows, and the reads: one patient, the list, the
 * next reminders and the conversation.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "conf.h"
#include "outbox.h"
#include "phone.h"
#include "plan.h"
#include "prompts.h"
#include "schedule.h"
#include "settings.h"
#include "staff.h"
#include "staff_int.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"


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

void
staff_input_init(struct staff_input *in)
{
	memset(in, 0, sizeof *in);
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
 * The number as staff typed it, spaces, dots, hyphens and brackets taken
 * out ("+44 7700 900125" is +447700900125); checked as E.164, for an
 * assigned country calling code and for a national trunk prefix kept after
 * it (phone_cc.c).  A new string, or NULL with err.
 */
static char *
staff_normalise_phone(const char *in, struct staff_error *err)
{
	const struct phone_country	*cc;
	char				*out;
	size_t				 i, n = 0, len;

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
	switch (phone_doubt(out, &cc)) {
	case PHONE_PLAUSIBLE:
		return out;
	case PHONE_NO_COUNTRY:
		staff_fail(err, STAFF_INVALID, "phone", "'%.40s' begins with "
		    "no country calling code (ITU-T assigns none of +%.1s, "
		    "+%.2s or +%.3s); check the number", in, out + 1, out + 1,
		    out + 1);
		break;
	case PHONE_TRUNK:
		len = strlen(cc->code);
		staff_fail(err, STAFF_INVALID, "phone", "'%.40s' keeps "
		    "the national trunk prefix %c after the country code "
		    "+%s; drop it (+%s%s)", in, out[1 + len], cc->code,
		    cc->code, out + 2 + len);
		break;
	}
	free(out);
	return NULL;
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

enum staff_status
staff_patient_get(const struct staff_ctx *ctx, int64_t id, struct patient *out,
    struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (staff_load(ctx, id, out, err) == -1)
		return err->status;
	return STAFF_OK;
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
