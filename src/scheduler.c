/* SPDX-License-Identifier: ISC */
/*
 * The reminder scheduler (see scheduler.h).
 *
 * Memory is what makes 100,000 patients cheap: a patient is one small
 * allocation (its zone and plan as pointers, its enrolment as days and
 * minutes, and per reminder the next fire and the local minute with any
 * override applied) in a slot array indexed from the patient id; the heap
 * holds (time, slot, reminder) entries.  Entries are never removed from
 * the heap: one is acted on only if the slot's patient still has that next
 * fire, so a changed or removed patient simply leaves stale entries behind,
 * and the heap is rebuilt when they outnumber the live ones.
 *
 * A batch of due fires is decided inside one transaction (outbox rows and
 * schedules rows together) and applied to memory only after the commit,
 * so a failed commit leaves nothing half done: the entries go back on the
 * heap and the batch is tried again a second later.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "plan.h"
#include "prompts.h"
#include "schedule.h"
#include "scheduler.h"
#include "settings.h"
#include "storage.h"
#include "tz.h"
#include "xmalloc.h"

#define SCH_BATCH	256	/* fires decided per transaction */
#define SCH_DB_RETRY	1	/* seconds */
#define SCH_OVERLAP	2	/* seconds of updated_at re-read each poll */
#define SCH_LOG_SKIPS	20	/* skips logged one by one per batch */
#define SCH_ACTIVITY	200	/* reports read for a week's total */
#define SCH_MAX_DELAY	86400	/* the timer is re-armed at least daily */

struct sch_rem {
	int64_t	next;		/* UTC; 0: never again */
	int16_t	minute;		/* local, the patient's override applied */
};

struct sch_patient {
	int64_t			 id;
	int64_t			 updated_at;
	uint64_t		 print;		/* scheduler_print of the row */
	const struct tz_zone	*zone;		/* the scheduler's cache's */
	const struct plan	*plan;		/* the settings' */
	struct sched_window	 w;
	uint8_t			 nrem;
	struct sch_rem		 rem[];		/* as plan->reminders */
};

struct sch_entry {
	int64_t		at;
	uint32_t	slot;
	uint32_t	rem;
};

/* One due fire, decided in the transaction and applied after it. */
struct sch_action {
	struct sch_entry	e;
	int64_t			id;	/* the patient's, to re-check the slot */
	int64_t			next;	/* 0: never again */
	int			drop;	/* the patient no longer gets reminders */
	int			sent;	/* a message was queued */
};

struct scheduler {
	struct event_base	*base;
	struct storage		*st;
	struct metrics		*metrics;
	const struct settings	*set;
	struct outbox		*outbox;
	struct tz_cache		*zones;
	struct event		*fire_ev;
	struct event		*poll_ev;
	struct event		*poke_ev;	/* a patient changed: poll now */
	struct storage_watch	*watch;		/* owned; NULL: poll only */

	struct sch_patient	**slots;
	size_t			  nslots;
	uint32_t		 *free_slots;
	size_t			  nfree;
	uint32_t		 *by_id;	/* id -> slot + 1; 0: none */
	size_t			  nby_id;
	size_t			  npatients;

	struct sch_entry	 *heap;
	size_t			  nheap;
	size_t			  capheap;
	size_t			  live;		/* reminders with a next fire */

	int64_t			  seen_max;	/* newest updated_at read */
	int64_t			  last_look;	/* now of the last load or poll */
	int64_t			  now;		/* of the load or poll running */
	size_t			  skips_logged;
	int			  reload_pending; /* the last load failed */
	int			  stopping;
};

/* ------------------------------------------------------------------ heap */

static void
scheduler_heap_push(struct scheduler *sch, int64_t at, uint32_t slot,
    uint32_t rem)
{
	struct sch_entry	e = { at, slot, rem };
	size_t			i, parent;

	if (sch->nheap == sch->capheap) {
		sch->capheap = sch->capheap == 0 ? 1024 : sch->capheap * 2;
		sch->heap = xreallocarray(sch->heap, sch->capheap,
		    sizeof *sch->heap);
	}
	for (i = sch->nheap++; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (sch->heap[parent].at <= at)
			break;
		sch->heap[i] = sch->heap[parent];
	}
	sch->heap[i] = e;
}

static struct sch_entry
scheduler_heap_pop(struct scheduler *sch)
{
	struct sch_entry	top = sch->heap[0], last;
	size_t			i = 0, c, n;

	n = --sch->nheap;
	if (n == 0)
		return top;
	last = sch->heap[n];
	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && sch->heap[c + 1].at < sch->heap[c].at)
			c++;
		if (last.at <= sch->heap[c].at)
			break;
		sch->heap[i] = sch->heap[c];
		i = c;
	}
	sch->heap[i] = last;
	return top;
}

/* The patient in e's slot still has e's fire. */
static struct sch_patient *
scheduler_entry_patient(const struct scheduler *sch, const struct sch_entry *e)
{
	struct sch_patient	*p;

	if (e->slot >= sch->nslots || (p = sch->slots[e->slot]) == NULL ||
	    e->rem >= p->nrem || p->rem[e->rem].next != e->at)
		return NULL;
	return p;
}

/* Drops stale entries once they are the majority. */
static void
scheduler_heap_compact(struct scheduler *sch)
{
	struct sch_patient	*p;
	size_t			 s, r;

	if (sch->nheap <= 2 * sch->live + 1024)
		return;
	sch->nheap = 0;
	for (s = 0; s < sch->nslots; s++) {
		if ((p = sch->slots[s]) == NULL)
			continue;
		for (r = 0; r < p->nrem; r++)
			if (p->rem[r].next != 0)
				scheduler_heap_push(sch, p->rem[r].next,
				    (uint32_t)s, (uint32_t)r);
	}
}

/* -------------------------------------------------------------- patients */

static int
scheduler_eligible(const struct patient *pt)
{
	return pt->enrolled && !pt->opted_out && !pt->paused &&
	    pt->removed_at == 0 && pt->plan != NULL;
}

/* The last fire of reminder name in "walk=1552208400,strength=..."; 0. */
static int64_t
scheduler_fired(const char *fired, const char *name)
{
	const char	*p = fired;
	char		*end;
	size_t		 len = strlen(name);
	long long	 v;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, len) == 0 && p[len] == '=') {
			errno = 0;
			v = strtoll(p + len + 1, &end, 10);
			if (errno == 0 && end != p + len + 1 && v > 0)
				return (int64_t)v;
			return 0;
		}
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return 0;
}

static struct sched_rule
scheduler_rule(const struct sch_patient *p, size_t r)
{
	struct sched_rule	rule = p->plan->reminders[r].rule;

	rule.minute = p->rem[r].minute;
	return rule;
}

static uint32_t
scheduler_slot_of(const struct scheduler *sch, int64_t id)
{
	if (id <= 0 || (uint64_t)id >= sch->nby_id)
		return UINT32_MAX;
	return sch->by_id[id] == 0 ? UINT32_MAX : sch->by_id[id] - 1;
}

static void
scheduler_remove(struct scheduler *sch, uint32_t slot)
{
	struct sch_patient	*p = sch->slots[slot];
	size_t			 r;

	for (r = 0; r < p->nrem; r++)
		if (p->rem[r].next != 0)
			sch->live--;
	sch->by_id[p->id] = 0;
	sch->slots[slot] = NULL;
	free(p);
	sch->free_slots[sch->nfree++] = slot;
	sch->npatients--;
}

static uint32_t
scheduler_slot_new(struct scheduler *sch, struct sch_patient *p)
{
	uint32_t	slot;
	size_t		n;

	if (sch->nfree > 0)
		slot = sch->free_slots[--sch->nfree];
	else {
		slot = (uint32_t)sch->nslots++;
		sch->slots = xreallocarray(sch->slots, sch->nslots,
		    sizeof *sch->slots);
		sch->free_slots = xreallocarray(sch->free_slots, sch->nslots,
		    sizeof *sch->free_slots);
	}
	if ((uint64_t)p->id >= sch->nby_id) {
		n = sch->nby_id == 0 ? 1024 : sch->nby_id;
		while (n <= (uint64_t)p->id)
			n *= 2;
		sch->by_id = xreallocarray(sch->by_id, n, sizeof *sch->by_id);
		memset(sch->by_id + sch->nby_id, 0,
		    (n - sch->nby_id) * sizeof *sch->by_id);
		sch->nby_id = n;
	}
	sch->slots[slot] = p;
	sch->by_id[p->id] = slot + 1;
	sch->npatients++;
	return slot;
}

/*
 * Where a recomputed reminder resumes: after the patient's last change,
 * and after the local day of its last fire, so that moving a time later
 * (a plan edit, the patient's own times) never sends it twice in one day.
 */
static int64_t
scheduler_after(const struct tz_zone *z, int64_t last, int64_t base)
{
	int64_t	midnight;

	if (last == 0)
		return base;
	(void)tz_local_to_utc(z, ((int64_t)sched_local_day(z, last) + 1) *
	    86400, &midnight);
	return midnight - 1 > base ? midnight - 1 : base;
}

/*
 * A fingerprint of what the reminders depend on: two changes within one
 * second have the same updated_at, and the second must not pass for the
 * first one seen again.
 */
static uint64_t
scheduler_print(const struct patient *pt)
{
	const char	*f[] = { pt->timezone, pt->plan, pt->reminder_times,
			    pt->start_date, pt->end_date, pt->quiet_start,
			    pt->quiet_end };
	int64_t		 n[] = { pt->enrolled, pt->opted_out, pt->paused,
			    pt->walk_target, pt->removed_at };
	uint64_t	 h = UINT64_C(14695981039346656037);
	const char	*c;
	size_t		 i, b;

	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		for (c = f[i] != NULL ? f[i] : ""; *c != '\0'; c++)
			h = (h ^ (unsigned char)*c) * UINT64_C(1099511628211);
		h = (h ^ (f[i] != NULL ? 0x1fu : 0x1eu)) *
		    UINT64_C(1099511628211);
	}
	for (i = 0; i < sizeof n / sizeof n[0]; i++)
		for (b = 0; b < 8; b++)
			h = (h ^ (uint8_t)((uint64_t)n[i] >> (8 * b))) *
			    UINT64_C(1099511628211);
	return h;
}

/*
 * Takes a patient in: each reminder's next fire after the later of its
 * last recorded fire's day and the patient's last change (never later
 * than now: another process's clock may run ahead).  A patient the
 * scheduler cannot serve is logged and left out.
 */
static void
scheduler_add(struct scheduler *sch, const struct reminder_patient *rp)
{
	const struct patient	*pt = &rp->p;
	const struct plan	*plan;
	const struct tz_zone	*z;
	struct sched_rule	 rules[PLAN_MAX_REMINDERS];
	struct sched_window	 w;
	struct sch_patient	*p;
	const char		*why;
	char			*err = NULL;
	int64_t			 base, last, after, next;
	uint32_t		 slot;
	int			 nr, r;

	if (pt->id <= 0 || pt->id > INT32_MAX || !scheduler_eligible(pt))
		return;
	if ((plan = plan_find(sch->set->plans, pt->plan)) == NULL) {
		log_warn("reminders: patient %" PRId64 " has plan '%s', which is "
		    "not in [reminders] plans_dir: no reminders", pt->id,
		    pt->plan);
		return;
	}
	if ((z = tz_cache_get(sch->zones, pt->timezone, &err)) == NULL) {
		log_warn("reminders: patient %" PRId64 ": %s: no reminders",
		    pt->id, err);
		free(err);
		return;
	}
	if ((nr = plan_patient_rules(plan, pt, z, rules, &w, &why)) == -1) {
		log_warn("reminders: patient %" PRId64 ": %s: no reminders",
		    pt->id, why);
		return;
	}
	p = xmalloc(sizeof *p + (size_t)nr * sizeof p->rem[0]);
	p->id = pt->id;
	p->updated_at = rp->updated_at;
	p->print = scheduler_print(pt);
	p->zone = z;
	p->plan = plan;
	p->w = w;
	p->nrem = (uint8_t)nr;
	base = rp->updated_at < sch->now ? rp->updated_at : sch->now;
	for (r = 0; r < nr; r++) {
		p->rem[r].minute = (int16_t)rules[r].minute;
		last = scheduler_fired(rp->fired, plan->reminders[r].name);
		after = scheduler_after(z, last, base);
		if (sched_next_fire(z, &rules[r], &w, after, &next) == 1) {
			p->rem[r].next = next;
			sch->live++;
		} else
			p->rem[r].next = 0;
	}
	slot = scheduler_slot_new(sch, p);
	for (r = 0; r < nr; r++)
		if (p->rem[r].next != 0)
			scheduler_heap_push(sch, p->rem[r].next, slot,
			    (uint32_t)r);
}

static int
scheduler_load_cb(void *arg, const struct reminder_patient *rp)
{
	struct scheduler	*sch = arg;

	if (rp->updated_at > sch->seen_max)
		sch->seen_max = rp->updated_at;
	scheduler_add(sch, rp);
	return 0;
}

/* A row that changed since the last poll: recompute that patient. */
static int
scheduler_changed_cb(void *arg, const struct reminder_patient *rp)
{
	struct scheduler	*sch = arg;
	uint32_t		 slot = scheduler_slot_of(sch, rp->p.id);

	if (rp->updated_at > sch->seen_max)
		sch->seen_max = rp->updated_at;
	if (slot != UINT32_MAX) {
		if (sch->slots[slot]->updated_at == rp->updated_at &&
		    sch->slots[slot]->print == scheduler_print(&rp->p))
			return 0;	/* seen already */
		scheduler_remove(sch, slot);
	} else if (!scheduler_eligible(&rp->p))
		return 0;
	log_info("reminders: patient %" PRId64 " changed; reminders %s",
	    rp->p.id, scheduler_eligible(&rp->p) ? "recomputed" : "stopped");
	scheduler_add(sch, rp);
	return 0;
}

static void
scheduler_clear(struct scheduler *sch)
{
	size_t	s;

	for (s = 0; s < sch->nslots; s++)
		free(sch->slots[s]);
	free(sch->slots);
	free(sch->free_slots);
	free(sch->by_id);
	free(sch->heap);
	sch->slots = NULL;
	sch->free_slots = NULL;
	sch->by_id = NULL;
	sch->heap = NULL;
	sch->nslots = sch->nfree = sch->nby_id = sch->npatients = 0;
	sch->nheap = sch->capheap = sch->live = 0;
}

/* ----------------------------------------------------------------- fires */

/* "2019-03-10 09:30 America/Los_Angeles" into buf. */
static const char *
scheduler_local(const struct sch_patient *p, int64_t t, char *buf, size_t len)
{
	int64_t	local = tz_utc_to_local(p->zone, t);
	int32_t	day = tz_day_of(local);
	int	y, m, d, mins = (int)((local - (int64_t)day * 86400) / 60);

	tz_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d %s", y, m, d, mins / 60,
	    mins % 60, tz_zone_name(p->zone));
	return buf;
}

static void
scheduler_log_skip(struct scheduler *sch, const struct sch_patient *p,
    size_t r, int64_t at, int64_t now, const char *why)
{
	char	due[64];

	if (sch->skips_logged++ >= SCH_LOG_SKIPS)
		return;
	log_info("reminders: skipped %s for patient %" PRId64 ", due %s, "
	    "%" PRId64 " min late: %s", p->plan->reminders[r].name, p->id,
	    scheduler_local(p, at, due, sizeof due), (now - at) / 60, why);
}

/*
 * Queues reminder r of p, due at `at`, in the open transaction.  Returns
 * 0 if queued, 1 if the patient no longer gets reminders (paused, opted
 * out, removed since the last poll), 2 if it was not sent for another
 * reason (logged), 3 if its slot for that local day was taken already
 * (another instance on the same store queued it), -1 on a store error.
 */
static int
scheduler_queue(struct scheduler *sch, struct sch_patient *p, size_t r,
    int64_t at, int64_t now)
{
	const struct plan		*plan = p->plan;
	const struct plan_reminder	*pr = &plan->reminders[r];
	static const char *const	 keys[] = { "minutes", "target", "week",
					    "week_minutes", "goal" };
	struct activity_row		 rows[SCH_ACTIVITY];
	struct patient			 pt;
	struct outbox_msg		 ob;
	const char			*tmpl, *vals[5];
	char				 minutes[16], target[16], week[16];
	char				 week_minutes[16], goal[32], *body;
	size_t				 nrows;
	int32_t				 today;
	int				 n, rc = -1, wm;

	if ((n = storage_patient_get(sch->st, p->id, &pt)) == -1)
		return -1;
	if (n == 0)
		return 1;
	if (!scheduler_eligible(&pt)) {
		rc = 1;
		goto out;
	}
	today = sched_local_day(p->zone, at);
	if (storage_activity_since(sch->st, p->id,
	    sched_week_start(p->zone, now), rows, SCH_ACTIVITY, &nrows) == -1)
		goto out;
	wm = plan_week_minutes(plan, pt.walk_target, p->w.start_day, p->zone,
	    rows, nrows);
	tmpl = pr->logged_template != NULL && wm > 0 ? pr->logged_template :
	    pr->template;
	if ((tmpl = prompts_lookup(settings_prompts(sch->set, pt.phone),
	    pt.language, tmpl)) == NULL) {
		log_error("reminders: no prompt %s for reminder %s of plan %s",
		    pr->template, pr->name, plan->name);
		rc = 2;
		goto out;
	}
	snprintf(minutes, sizeof minutes, "%d", plan_walk_minutes(plan,
	    pt.walk_target, p->w.start_day, today));
	snprintf(target, sizeof target, "%d", pt.walk_target > 0 ?
	    pt.walk_target : plan->walk_target);
	snprintf(week, sizeof week, "%d", today > p->w.start_day ?
	    (today - p->w.start_day) / 7 + 1 : 1);
	snprintf(week_minutes, sizeof week_minutes, "%d", wm);
	snprintf(goal, sizeof goal, "%d-%d", plan->goal_min, plan->goal_max);
	vals[0] = minutes;
	vals[1] = target;
	vals[2] = week;
	vals[3] = week_minutes;
	vals[4] = goal;
	body = prompts_expand(tmpl, keys, vals, 5);

	/* Taken before queueing, so only one instance queues it. */
	if ((n = storage_reminder_slot_take(sch->st, p->id, pr->name, today,
	    now)) != 1) {
		if (n == 0)
			log_info("reminders: %s for patient %" PRId64 " was "
			    "queued already today (another instance)",
			    pr->name, p->id);
		rc = n == 0 ? 3 : -1;
		free(body);
		goto out;
	}
	memset(&ob, 0, sizeof ob);
	ob.kind = "reminder";
	ob.to = pt.phone;
	ob.body = body;
	ob.patient_id = p->id;
	ob.at = now;
	/* Unsent when quiet hours begin, it is not sent at all. */
	ob.expires_at = sched_quiet_begins(p->zone, &p->w, now);
	rc = outbox_enqueue(sch->st, &ob, NULL) == -1 ? -1 : 0;
	if (rc == 0)
		log_debug("reminders: queued %s for patient %" PRId64,
		    pr->name, p->id);
	free(body);
out:
	patient_clear(&pt);
	return rc;
}

/* Decides one due fire inside the transaction; -1 on a store error. */
static int
scheduler_decide(struct scheduler *sch, struct sch_patient *p,
    struct sch_action *a, int64_t now)
{
	struct sched_rule	rule = scheduler_rule(p, a->e.rem);
	struct schedule_row	row;
	int64_t			after = a->e.at, t;
	int			rc, minute;

	a->id = p->id;
	a->drop = 0;
	a->sent = 0;
	minute = (int)((tz_utc_to_local(p->zone, now) % 86400 + 86400) % 86400)
	    / 60;
	row.last_status = "sent";
	if (sched_due(a->e.at, now, sch->set->conf->catch_up) == SCHED_SKIP) {
		scheduler_log_skip(sch, p, a->e.rem, a->e.at, now,
		    "the gateway was not running (catch_up)");
		/* Past every fire that is too late, in one step. */
		t = now - sch->set->conf->catch_up - 1;
		if (t > after)
			after = t;
		row.last_status = "skipped";
		sch->metrics->reminders_skipped++;
	} else if (sched_in_quiet(&p->w, minute)) {
		scheduler_log_skip(sch, p, a->e.rem, a->e.at, now,
		    "quiet hours have begun");
		row.last_status = "skipped";
		sch->metrics->reminders_skipped++;
	} else {
		if ((rc = scheduler_queue(sch, p, a->e.rem, a->e.at, now)) == -1)
			return -1;
		if (rc == 1) {
			a->drop = 1;
			return 0;
		}
		if (rc == 2)
			row.last_status = "skipped";
		a->sent = rc == 0;
	}
	if (sched_next_fire(p->zone, &rule, &p->w, after, &a->next) == 0)
		a->next = 0;
	row.patient_id = p->id;
	row.reminder = p->plan->reminders[a->e.rem].name;
	row.last_fire = a->e.at;
	row.next_fire = a->next;
	row.updated_at = now;
	return storage_schedule_put(sch->st, &row);
}

static void	scheduler_arm(struct scheduler *);
static int	scheduler_load(struct scheduler *);

/* Decides up to a batch of due fires in one transaction. */
static void
scheduler_run(struct scheduler *sch)
{
	struct sch_action	 acts[SCH_BATCH];
	struct sch_patient	*p;
	struct timeval		 tv = { SCH_DB_RETRY, 0 };
	int64_t			 now = clock_now();
	size_t			 n = 0, i, queued = 0;
	uint32_t		 slot;

	if (sch->stopping)
		return;
	sch->skips_logged = 0;
	if (sch->nheap == 0 || sch->heap[0].at > now) {
		scheduler_arm(sch);
		return;
	}
	if (storage_begin(sch->st) == -1)
		goto dberr_nobatch;
	while (n < SCH_BATCH && sch->nheap > 0 && sch->heap[0].at <= now) {
		acts[n].e = scheduler_heap_pop(sch);
		if ((p = scheduler_entry_patient(sch, &acts[n].e)) == NULL)
			continue;
		if (scheduler_decide(sch, p, &acts[n], now) == -1) {
			n++;
			goto dberr;
		}
		n++;
	}
	if (storage_commit(sch->st) == -1)
		goto dberr;
	for (i = 0; i < n; i++) {
		slot = acts[i].e.slot;
		if ((p = sch->slots[slot]) == NULL || p->id != acts[i].id)
			continue;
		if (acts[i].drop) {
			log_info("reminders: patient %" PRId64 " is paused, opted "
			    "out or removed; reminders stopped", p->id);
			scheduler_remove(sch, slot);
			continue;
		}
		p->rem[acts[i].e.rem].next = acts[i].next;
		if (acts[i].next != 0)
			scheduler_heap_push(sch, acts[i].next, slot,
			    acts[i].e.rem);
		else
			sch->live--;
		queued += acts[i].sent;
	}
	if (sch->skips_logged > SCH_LOG_SKIPS)
		log_notice("reminders: %zu more reminders skipped in this batch",
		    sch->skips_logged - SCH_LOG_SKIPS);
	sch->metrics->reminders_queued += queued;
	scheduler_heap_compact(sch);
	outbox_kick(sch->outbox);
	if (sch->nheap > 0 && sch->heap[0].at <= now)
		event_active(sch->fire_ev, EV_TIMEOUT, 0);	/* after others */
	else
		scheduler_arm(sch);
	return;
dberr:
	storage_rollback(sch->st);
	/* Nothing was applied: every popped fire goes back as it was. */
	for (i = 0; i < n; i++)
		scheduler_heap_push(sch, acts[i].e.at, acts[i].e.slot,
		    acts[i].e.rem);
dberr_nobatch:
	sch->metrics->db_errors++;
	log_error("reminders: cannot record due reminders; trying again in "
	    "%d s", SCH_DB_RETRY);
	evtimer_add(sch->fire_ev, &tv);
}

static void
scheduler_fire_cb(evutil_socket_t fd, short what, void *arg)
{
	scheduler_run(arg);
}

static void
scheduler_arm(struct scheduler *sch)
{
	struct timeval	tv = { 0, 0 };
	int64_t		delay;

	if (sch->stopping)
		return;
	/* Stale entries at the top would show a time already dealt with. */
	while (sch->nheap > 0 &&
	    scheduler_entry_patient(sch, &sch->heap[0]) == NULL)
		(void)scheduler_heap_pop(sch);
	sch->metrics->reminders_next_due = sch->nheap > 0 ? sch->heap[0].at : 0;
	if (sch->nheap == 0) {
		evtimer_del(sch->fire_ev);
		return;
	}
	delay = sch->heap[0].at - clock_now();
	if (delay < 0)
		delay = 0;
	if (delay > SCH_MAX_DELAY)
		delay = SCH_MAX_DELAY;
	tv.tv_sec = (time_t)delay;
	evtimer_add(sch->fire_ev, &tv);
}

/*
 * Rows changed at or after the newest change already read, or within
 * SCH_OVERLAP seconds before the last look (a writer may commit a row
 * stamped a moment before that look, or in the second of a change already
 * read, after it).  Also re-arms the timer, which is how a test clock's
 * jump is noticed.
 */
static void
scheduler_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scheduler	*sch = arg;
	int64_t			 since;

	if (sch->stopping)
		return;
	if (sch->reload_pending) {
		if (scheduler_load(sch) == -1)
			sch->metrics->db_errors++;
		return;
	}
	sch->now = clock_now();
	since = sch->seen_max + 1;
	if (since > sch->last_look - SCH_OVERLAP)
		since = sch->last_look - SCH_OVERLAP;
	sch->last_look = sch->now;
	if (storage_reminder_patients(sch->st, since, 1, scheduler_changed_cb,
	    sch) == -1)
		sch->metrics->db_errors++;
	scheduler_heap_compact(sch);
	scheduler_arm(sch);
}

/* A change notice from the store: poll once, soon (notices coalesce). */
static void
scheduler_poke(void *arg)
{
	struct scheduler	*sch = arg;

	if (!sch->stopping)
		event_active(sch->poke_ev, EV_TIMEOUT, 1);
}

/* ------------------------------------------------------------ lifecycle */

struct scheduler *
scheduler_create(struct event_base *base, struct storage *st,
    struct metrics *metrics, const struct settings *set, struct outbox *ob)
{
	struct scheduler	*sch;

	sch = xcalloc(1, sizeof *sch);
	sch->base = base;
	sch->st = st;
	sch->metrics = metrics;
	sch->set = set;
	sch->outbox = ob;
	sch->zones = tz_cache_create();
	sch->fire_ev = evtimer_new(base, scheduler_fire_cb, sch);
	sch->poll_ev = event_new(base, -1, EV_PERSIST, scheduler_poll_cb, sch);
	sch->poke_ev = evtimer_new(base, scheduler_poll_cb, sch);
	if (sch->fire_ev == NULL || sch->poll_ev == NULL || sch->poke_ev == NULL)
		fatal("reminders: cannot create timers");
	return sch;
}

void
scheduler_free(struct scheduler *sch)
{
	if (sch == NULL)
		return;
	storage_watch_free(sch->watch);
	event_free(sch->fire_ev);
	event_free(sch->poll_ev);
	event_free(sch->poke_ev);
	scheduler_clear(sch);
	tz_cache_free(sch->zones);
	free(sch);
}

static int
scheduler_load(struct scheduler *sch)
{
	struct timespec	t0, t1;
	struct timeval	tv;
	double		secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	scheduler_clear(sch);
	sch->now = clock_now();
	sch->last_look = sch->now;
	tv.tv_sec = sch->set->conf->reminder_poll;
	tv.tv_usec = 0;
	event_add(sch->poll_ev, &tv);
	sch->reload_pending = 1;
	if (storage_reminder_patients(sch->st, 0, 0, scheduler_load_cb,
	    sch) == -1) {
		scheduler_clear(sch);
		return -1;
	}
	sch->reload_pending = 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	log_info("reminders: %zu patients, %zu reminders to come, next fires "
	    "computed in %.3f s", sch->npatients, sch->live, secs);
	scheduler_arm(sch);
	return 0;
}

int
scheduler_start(struct scheduler *sch)
{
	if (sch->watch == NULL)
		sch->watch = storage_watch_new(sch->st, sch->base,
		    scheduler_poke, sch);
	return scheduler_load(sch);
}

void
scheduler_set_settings(struct scheduler *sch, const struct settings *set)
{
	/* Patients point into the old plans: build them again. */
	sch->set = set;
	if (sch->stopping)
		return;
	if (scheduler_load(sch) == -1)
		log_error("reminders: reload could not read the patients; "
		    "trying again at the next poll");
}

void
scheduler_stop(struct scheduler *sch)
{
	if (sch == NULL)
		return;
	sch->stopping = 1;
	evtimer_del(sch->fire_ev);
	event_del(sch->poll_ev);
	event_del(sch->poke_ev);
	storage_watch_free(sch->watch);
	sch->watch = NULL;
}

size_t
scheduler_patients(const struct scheduler *sch)
{
	return sch->npatients;
}

size_t
scheduler_pending(const struct scheduler *sch)
{
	return sch->live;
}
