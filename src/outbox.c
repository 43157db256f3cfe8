/* SPDX-License-Identifier: ISC */
/*
 * The durable outbox (see outbox.h).
 *
 * Three steps, each its own callback on the loop:
 *   pump	claims due rows in one transaction and dispatches each: a row
 *		that expired, belongs to an opted-out patient or trips the
 *		loop guard is settled locally; the rest go to the provider.
 *   done	the provider's outcome lands on the job, which waits for
 *		the next flush.
 *   flush	records every finished job in one transaction, then counts
 *		and logs them, and pumps again.  A failed flush keeps the jobs
 *		and tries again in a second; until it succeeds their rows stay
 *		"sending", which the next start turns into "unknown".
 * Batching the writes keeps the store's fsyncs per batch, not per message.
 */
#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "escalate.h"
#include "httpc.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "outbox_policy.h"
#include "prompts.h"
#include "provider.h"
#include "schedule.h"
#include "segments.h"
#include "settings.h"
#include "storage.h"
#include "tz.h"
#include "xmalloc.h"

#define OUTBOX_BATCH		64	/* rows claimed per transaction */
#define OUTBOX_LOOP_WINDOW	(30 * 60)	/* loop guard, seconds */
#define OUTBOX_DB_RETRY_MS	1000

/* What became of a claimed row before or instead of the provider. */
enum outbox_local {
	LOCAL_NONE,		/* the provider's outcome is in res */
	LOCAL_EXPIRED,
	LOCAL_CANCELLED,
	LOCAL_SUPPRESSED,
	LOCAL_GAVE_UP,		/* too many attempts */
	LOCAL_UNSENDABLE,	/* unknown kind, or the adapter refused it */
	LOCAL_DB_ERROR,		/* a check could not be made: try again later */
	LOCAL_QUIET,		/* the patient's quiet hours: wait for their end */
};

/* Final states decided before the provider, by enum outbox_local. */
static const struct {
	const char		*status;
	const char		*why;
	enum metrics_outbound	 counted;
} outbox_settled[] = {
	[LOCAL_EXPIRED] = { "expired", "too old to be worth sending",
	    OUTBOUND_EXPIRED },
	[LOCAL_CANCELLED] = { "cancelled",
	    "the recipient has opted out or is paused", OUTBOUND_CANCELLED },
	[LOCAL_SUPPRESSED] = { "suppressed", "loop guard: the same text to "
	    "this number too often in 30 minutes", OUTBOUND_SUPPRESSED },
};

struct outbox_job {
	struct outbox		*ob;
	struct outbound_row	 row;
	struct outbox_kind_policy policy;
	enum outbox_local	 local;
	int64_t			 quiet_end;	/* LOCAL_QUIET: when to try */
	struct provider_result	 res;
	int			 segments;
	/* Set by outbox_apply for the log line and the counters. */
	enum metrics_outbound	 counted;
	const char		*became;
	TAILQ_ENTRY(outbox_job)	 entry;
};

TAILQ_HEAD(outbox_jobs, outbox_job);

struct outbox {
	struct event_base		*base;
	struct storage			*st;
	struct metrics			*metrics;
	const struct settings		*set;
	struct httpc			*http;
	const struct provider_ops	*pops;
	void				*provider;
	struct event			*pump_ev;
	struct event			*flush_ev;
	struct outbox_bucket		 bucket;	/* the one sending number */
	struct outbox_jobs		 flying;
	struct outbox_jobs		 done;
	struct tz_cache			*zones;		/* patients' time zones */
	size_t				 inflight;	/* flying + done */
	int				 stopping;
	uint32_t			 rng;
	int64_t				 takeover_at;	/* next look at leases */
};

static int64_t
outbox_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift32: jitter only, not for anything secret. */
static uint32_t
outbox_random(struct outbox *ob)
{
	uint32_t	x = ob->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return ob->rng = x;
}

static void
outbox_arm(struct outbox *ob, int64_t ms)
{
	struct timeval	tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	event_add(ob->pump_ev, &tv);
}

/* Sleeps until the earliest waiting row is due, or the next poll. */
static void
outbox_arm_next_due(struct outbox *ob, int64_t now)
{
	int64_t	at, wait = (int64_t)ob->set->conf->poll_interval * 1000;

	if (storage_outbound_next_due(ob->st, &at) == 1 &&
	    (at - now) * 1000 < wait)
		wait = (at - now) * 1000;
	outbox_arm(ob, wait);
}

static int
outbox_kind_is_patient(const char *kind)
{
	return strcmp(kind, "alert") != 0;
}

/*
 * Sent unasked: held back for a patient who opted out or is paused.  A
 * reply answers a message the patient just sent, and sms.c has decided
 * already what an opted-out number is answered (a STOP's confirmation,
 * red-flag advice).
 */
static int
outbox_kind_is_unasked(const char *kind)
{
	return outbox_kind_is_patient(kind) && strcmp(kind, "reply") != 0;
}

static void	outbox_done_cb(const struct provider_result *, void *);

static void
outbox_finish(struct outbox_job *job)
{
	struct outbox	*ob = job->ob;

	TAILQ_INSERT_TAIL(&ob->done, job, entry);
	event_active(ob->flush_ev, EV_TIMEOUT, 0);
}

/*
 * A reminder or welcome is never sent in the patient's quiet hours, however
 * it came to be due then (a retry after provider errors, a restart after
 * downtime): it waits for their end, or expires if that is past its
 * deadline.  1 if the job is settled so.  Alerts and replies to a message
 * the patient just sent are not held.
 */
static int
outbox_quiet(struct outbox *ob, struct outbox_job *job,
    const struct patient *p, int64_t now, int64_t deadline)
{
	const struct tz_zone	*z;
	struct sched_window	 w;
	const char		*why;
	char			*err = NULL;
	int64_t			 end;

	if (strcmp(job->row.kind, "reminder") != 0 &&
	    strcmp(job->row.kind, "welcome") != 0)
		return 0;
	if (sched_window_parse(&w, NULL, NULL, p->quiet_start, p->quiet_end,
	    &why) == -1)
		return 0;
	if ((z = tz_cache_get(ob->zones, p->timezone, &err)) == NULL) {
		free(err);
		return 0;
	}
	if ((end = sched_quiet_ends(z, &w, now)) == 0)
		return 0;
	if (end >= deadline) {
		job->local = LOCAL_EXPIRED;
		return 1;
	}
	job->local = LOCAL_QUIET;
	job->quiet_end = end;
	return 1;
}

/* Decides a claimed row's fate and sends it if it is still wanted. */
static void
outbox_dispatch(struct outbox *ob, struct outbox_job *job, int64_t now,
    int64_t now_ms)
{
	const struct conf	*conf = ob->set->conf;
	struct outbound_row	*r = &job->row;
	struct provider_message	 m;
	struct patient		 p;
	struct segments		 sg;
	int64_t			 deadline;
	int			 n;

	ob->inflight++;
	if (outbox_policy(r->kind, conf->alert_max_age, conf->reminder_max_age,
	    &job->policy) == NULL) {
		job->local = LOCAL_UNSENDABLE;
		goto settled;
	}
	deadline = r->created_at + job->policy.max_age;
	if (r->expires_at != 0 && r->expires_at < deadline)
		deadline = r->expires_at;
	if (now >= deadline) {
		job->local = LOCAL_EXPIRED;
		goto settled;
	}
	if (r->attempts > job->policy.max_attempts) {
		job->local = LOCAL_GAVE_UP;
		goto settled;
	}
	if (outbox_kind_is_unasked(r->kind)) {
		n = storage_patient_find(ob->st, r->to, &p);
		if (n == -1) {
			job->local = LOCAL_DB_ERROR;	/* never send unchecked */
			goto settled;
		}
		if (n == 1 && (p.opted_out || p.paused)) {
			patient_clear(&p);
			job->local = LOCAL_CANCELLED;
			goto settled;
		}
		if (n == 1 && outbox_quiet(ob, job, &p, now, deadline)) {
			patient_clear(&p);
			goto settled;
		}
		if (n == 1)
			patient_clear(&p);
	}
	/*
	 * The loop guard is for auto-responders answering patients' texts.
	 * An alert is never suppressed: a patient texting "coughing up
	 * blood" five times is not a loop, and each alert is a person told.
	 * Nor is the red-flag advice answering such a text, queued first.
	 */
	if (outbox_kind_is_patient(r->kind) &&
	    r->priority != OUTBOX_PRIO_EMERGENCY) {
		n = storage_outbound_recent(ob->st, r->id, r->to, r->body,
		    now - OUTBOX_LOOP_WINDOW);
		if (n == -1) {
			job->local = LOCAL_DB_ERROR;
			goto settled;
		}
		if (n >= conf->loop_limit) {
			job->local = LOCAL_SUPPRESSED;
			goto settled;
		}
	}

	segments_count(r->body, &sg);
	job->segments = (int)sg.count;
	memset(&m, 0, sizeof m);
	m.id = r->id;
	m.to = r->to;
	m.body = r->body;
	m.public_url = conf->public_url;
	if (strcmp(r->kind, "reminder") == 0)	/* stale reminders are dropped */
		m.validity = (int)(deadline - now > 36000 ? 36000 : deadline - now);
	(void)outbox_bucket_take(&ob->bucket, now_ms);
	TAILQ_INSERT_TAIL(&ob->flying, job, entry);
	if (ob->pops->send(ob->provider, &m, outbox_done_cb, job) == -1) {
		TAILQ_REMOVE(&ob->flying, job, entry);
		job->local = LOCAL_UNSENDABLE;
		snprintf(job->res.detail, sizeof job->res.detail,
		    "the provider adapter refused the request");
		goto settled;
	}
	return;
settled:
	outbox_finish(job);
}

static void
outbox_done_cb(const struct provider_result *res, void *arg)
{
	struct outbox_job	*job = arg;

	job->res = *res;
	TAILQ_REMOVE(&job->ob->flying, job, entry);
	outbox_finish(job);
}

/*
 * On a store several instances share, the claims of an instance that
 * stopped (or lost the database) mid-send are taken over once their lease
 * has run out, by the same rule as a restart's (outbox_start): each is an
 * unknown outcome, sent again after unknown_grace unless a status callback
 * shows it arrived.  Looked at once a poll interval.
 */
static void
outbox_take_over(struct outbox *ob, int64_t now)
{
	int	n;

	if (!storage_shared(ob->st) || now < ob->takeover_at)
		return;
	ob->takeover_at = now + ob->set->conf->poll_interval;
	n = storage_outbound_recover(ob->st, now,
	    now + ob->set->conf->unknown_grace);
	if (n > 0)
		log_warn("outbox: took over %d messages another instance "
		    "claimed and did not finish within [storage] lease; each "
		    "is sent again unless a status callback shows it arrived "
		    "within %d s", n, ob->set->conf->unknown_grace);
	else if (n == -1)
		ob->metrics->db_errors++;
}

static void
outbox_pump(struct outbox *ob)
{
	const struct conf	*conf = ob->set->conf;
	struct outbound_row	 rows[OUTBOX_BATCH];
	struct outbox_job	*job;
	int64_t			 now, now_ms, wait;
	size_t			 room, want, n, i;

	if (ob->stopping)
		return;
	outbox_take_over(ob, clock_now());
	for (;;) {
		now = clock_now();
		now_ms = outbox_mono_ms();
		if (ob->inflight >= (size_t)conf->max_in_flight)
			return;		/* a finished job pumps again */
		room = (size_t)conf->max_in_flight - ob->inflight;
		if ((wait = outbox_bucket_wait_ms(&ob->bucket, now_ms)) > 0) {
			outbox_arm(ob, wait);
			return;
		}
		want = room < OUTBOX_BATCH ? room : OUTBOX_BATCH;
		if ((double)want > ob->bucket.tokens)
			want = ob->bucket.tokens < 1.0 ? 1 : (size_t)ob->bucket.tokens;
		if (storage_begin(ob->st) == -1)
			goto dberr;
		if (storage_outbound_claim(ob->st, now, want, rows, &n) == -1) {
			storage_rollback(ob->st);
			goto dberr;
		}
		if (storage_commit(ob->st) == -1) {
			for (i = 0; i < n; i++)
				outbound_row_clear(&rows[i]);
			storage_rollback(ob->st);
			goto dberr;
		}
		for (i = 0; i < n; i++) {
			job = xcalloc(1, sizeof *job);
			job->ob = ob;
			job->row = rows[i];
			job->res.retry_after = -1;
			outbox_dispatch(ob, job, now, now_ms);
		}
		if (n < want) {
			outbox_arm_next_due(ob, now);
			return;
		}
	}
dberr:
	ob->metrics->db_errors++;
	outbox_arm(ob, OUTBOX_DB_RETRY_MS);
}

static void
outbox_pump_cb(evutil_socket_t fd, short what, void *arg)
{
	outbox_pump(arg);
}

int
outbox_enqueue(struct storage *st, const struct outbox_msg *m, int64_t *idp)
{
	const struct outbox_kind_policy	*pol;
	struct outbox_kind_policy	 buf;
	struct outbound			 o;

	if ((pol = outbox_policy(m->kind, 0, 0, &buf)) == NULL) {
		log_error("outbox: refused to queue a message of unknown kind "
		    "'%s'", m->kind);
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.kind = m->kind;
	o.to = m->to;
	o.body = m->body;
	o.patient_id = m->patient_id;
	o.created_at = m->at;
	o.expires_at = m->expires_at;
	o.priority = m->emergency ? OUTBOX_PRIO_EMERGENCY : pol->priority;
	o.fair = m->fair;
	return storage_outbound_insert(st, &o, idp);
}

/* Queues a note to on-call that a patient could not be reached. */
static int
outbox_tell_staff(struct outbox *ob, const struct outbound_row *r,
    const char *reason, int code, int64_t now)
{
	static const char *const keys[] = { "phone", "reason", "code" };
	const struct conf	*conf = ob->set->conf;
	struct outbox_msg	 o;
	const char		*vals[3];
	char			 codebuf[16], who[LOG_PHONE_SIZE];
	char			*body;
	int			 rc;

	if (!outbox_kind_is_patient(r->kind) ||
	    conf_is_on_call(conf, r->to)) {
		char	safe[200];

		/* The provider's words can quote the number. */
		snprintf(safe, sizeof safe, "%s", reason);
		log_redact_digits(safe);
		log_error("outbox: message %" PRId64 " to on-call %s could not "
		    "be delivered (%s, error %d): staff alerts are not "
		    "reaching it; check [clinic] on_call and on_call_backup",
		    r->id, log_phone(r->to, who), safe, code);
		return 0;
	}
	snprintf(codebuf, sizeof codebuf, "%d", code);
	vals[0] = r->to;
	vals[1] = reason;
	vals[2] = codebuf;
	body = prompts_expand(prompts_get(ob->set->prompts, NULL,
	    PROMPT_DELIVERY_FAILED), keys, vals, 3);
	memset(&o, 0, sizeof o);
	o.kind = "alert";
	o.to = conf->on_call;
	o.body = body;
	o.patient_id = r->patient_id;
	o.at = now;
	rc = outbox_enqueue(ob->st, &o, NULL);
	free(body);
	return rc;
}

static int
outbox_audit(struct outbox *ob, const struct outbound_row *r,
    const char *action, const char *detail, int64_t now)
{
	struct audit	a;

	memset(&a, 0, sizeof a);
	a.at = now;
	a.actor = "system";
	a.action = action;
	a.subject = r->to;
	a.detail = detail;
	return storage_audit_append(ob->st, &a);
}

/*
 * The provider says the recipient opted out (error code): respect it
 * everywhere.
 */
static int
outbox_opted_out(struct outbox *ob, const struct outbound_row *r, int code,
    int64_t now)
{
	char	detail[64], why[64];

	snprintf(detail, sizeof detail, "provider error %d on message %" PRId64,
	    code, r->id);
	snprintf(why, sizeof why, "recipient opted out (provider error %d)",
	    code);
	if (storage_patient_set_opt_out(ob->st, r->to, 1, now) == -1 ||
	    storage_outbound_cancel(ob->st, r->to, "reminder", why, now) == -1 ||
	    storage_outbound_cancel(ob->st, r->to, "welcome", why, now) == -1)
		return -1;
	return outbox_audit(ob, r, "patient.opt_out", detail, now);
}

/* A permanent failure: mark it, audit it, tell staff. */
static int
outbox_failed(struct outbox *ob, struct outbox_job *job,
    struct outbound_update *u, const char *reason, int code, int64_t now)
{
	char	detail[200];

	u->status = "failed";
	u->error_message = reason;
	snprintf(detail, sizeof detail, "message %" PRId64 " (%s): %s, error %d",
	    job->row.id, job->row.kind, reason, code);
	job->counted = OUTBOUND_FAILED;
	job->became = "failed";
	if (outbox_audit(ob, &job->row, "outbound.failed", detail, now) == -1)
		return -1;
	return outbox_tell_staff(ob, &job->row, reason, code, now);
}

/* Records one finished job; inside the flush transaction. */
static int
outbox_apply(struct outbox *ob, struct outbox_job *job, int64_t now)
{
	const struct conf	*conf = ob->set->conf;
	struct outbound_row	 cur, *r = &job->row;
	struct outbound_update	 u;
	struct provider_result	*res = &job->res;
	int64_t			 delay;
	int			 found, rc = 0, proven;

	found = storage_outbound_get(ob->st, r->id, NULL, &cur);
	if (found == -1)
		return -1;
	/* A status callback already proved the message exists. */
	proven = found == 1 && cur.status != NULL &&
	    strcmp(cur.status, "sent") == 0;
	memset(&u, 0, sizeof u);
	u.id = r->id;
	u.now = now;
	switch (job->local) {
	case LOCAL_EXPIRED:
	case LOCAL_CANCELLED:
	case LOCAL_SUPPRESSED:
		u.status = outbox_settled[job->local].status;
		u.error_message = outbox_settled[job->local].why;
		job->counted = outbox_settled[job->local].counted;
		job->became = u.status;
		goto write;
	case LOCAL_GAVE_UP:
		rc = outbox_failed(ob, job, &u, "gave up after too many attempts",
		    r->error_code, now);
		goto write;
	case LOCAL_UNSENDABLE:
		rc = outbox_failed(ob, job, &u, res->detail[0] != '\0' ?
		    res->detail : "unknown message kind", 0, now);
		goto write;
	case LOCAL_DB_ERROR:
		u.status = "pending";
		u.next_attempt_at = now + OUTBOX_DB_RETRY_MS / 1000;
		job->counted = OUTBOUND_RETRIED;
		job->became = "retry: the opt-out or loop check failed";
		goto write;
	case LOCAL_QUIET:
		u.status = "pending";
		u.next_attempt_at = job->quiet_end;
		u.not_attempted = 1;
		job->counted = OUTBOUND_RETRIED;
		job->became = "waiting for the end of the patient's quiet hours";
		goto write;
	case LOCAL_NONE:
		break;
	}
	if (res->error_code != 0)
		u.error_code = res->error_code;
	switch (res->outcome) {
	case PROVIDER_SENT:
		u.status = "sent";
		if (res->sid[0] != '\0' && (cur.provider_sid == NULL ||
		    strcmp(cur.provider_sid, res->sid) != 0))
			u.provider_sid = res->sid;
		if (outbox_delivery_advances(cur.delivery, res->status))
			u.delivery = res->status;
		u.sent_at = now;
		u.segments = job->segments;
		u.clear_error = 1;
		job->counted = OUTBOUND_SENT;
		job->became = "sent";
		if (strcmp(r->kind, "alert") == 0)
			rc = storage_escalation_alerted(ob->st, r->id, now);
		break;
	case PROVIDER_RETRY:
	case PROVIDER_UNKNOWN:
		if (proven) {
			job->counted = OUTBOUND_SENT;
			job->became = "sent (status callback)";
			break;
		}
		u.error_message = res->detail;
		if (res->outcome == PROVIDER_UNKNOWN) {
			u.status = "unknown";
			u.next_attempt_at = now + conf->unknown_grace;
			job->counted = OUTBOUND_UNKNOWN;
			job->became = "unknown: waiting for a status callback";
			break;
		}
		if (now >= r->created_at + job->policy.max_age) {
			u.status = "expired";
			job->counted = OUTBOUND_EXPIRED;
			job->became = "expired";
			break;
		}
		if (r->attempts >= job->policy.max_attempts) {
			rc = outbox_failed(ob, job, &u, res->detail,
			    res->error_code, now);
			break;
		}
		delay = outbox_retry_delay_ms(outbox_backoff_ms(r->attempts,
		    conf->retry_initial_ms, (int64_t)conf->retry_max * 1000,
		    outbox_random(ob)), res->retry_after,
		    (int64_t)conf->retry_max * 1000);
		u.status = "pending";
		u.next_attempt_at = now + (delay + 999) / 1000;
		job->counted = OUTBOUND_RETRIED;
		job->became = "retry";
		break;
	case PROVIDER_OPTED_OUT:
		u.status = "failed";
		u.error_message = "recipient opted out";
		job->counted = OUTBOUND_OPTED_OUT;
		job->became = "opted out";
		if (!outbox_kind_is_patient(r->kind))
			job->became = "opted out: the on-call number has "
			    "replied STOP, so staff alerts are not reaching "
			    "anyone; it must text START";
		rc = outbox_opted_out(ob, r, res->error_code, now);
		break;
	case PROVIDER_FAILED:
		rc = outbox_failed(ob, job, &u, res->detail, res->error_code, now);
		break;
	}
write:
	if (found == 1)
		outbound_row_clear(&cur);
	if (rc == -1)
		return -1;
	/*
	 * An alert that will never arrive passes its escalation on to the
	 * next on-call number at once, rather than at its ack timeout.
	 */
	if (!outbox_kind_is_patient(r->kind) && u.status != NULL &&
	    (strcmp(u.status, "failed") == 0 ||
	    strcmp(u.status, "expired") == 0) &&
	    escalate_undelivered(ob->set, ob->st, r->id,
	    u.error_message != NULL ? u.error_message : job->became,
	    now) == -1)
		return -1;
	if (u.status == NULL && u.delivery == NULL && u.provider_sid == NULL)
		return 0;
	return storage_outbound_update(ob->st, &u);
}

/* Counts and logs a recorded job; phone numbers redacted, never the text. */
static void
outbox_account(struct outbox *ob, struct outbox_job *job)
{
	struct outbound_row	*r = &job->row;
	char			 who[LOG_PHONE_SIZE], detail[sizeof job->res.detail];

	ob->metrics->outbound[job->counted]++;
	if (job->counted == OUTBOUND_SENT && job->local == LOCAL_NONE)
		ob->metrics->segments_sent += (uint64_t)job->segments;
	log_phone(r->to, who);
	/* The provider's words can quote the number ("The 'To' number +33..."). */
	memcpy(detail, job->res.detail, sizeof detail);
	log_redact_digits(detail);
	switch (job->counted) {
	case OUTBOUND_SENT:
		log_info("outbox: message %" PRId64 " (%s) to %s: %s%s%s",
		    r->id, r->kind, who, job->became,
		    job->res.sid[0] != '\0' ? " as " : "", job->res.sid);
		break;
	case OUTBOUND_RETRIED:
	case OUTBOUND_UNKNOWN:
		log_notice("outbox: message %" PRId64 " (%s) to %s, attempt %d: "
		    "%s (%s)", r->id, r->kind, who, r->attempts,
		    job->became, detail);
		break;
	case OUTBOUND_SUPPRESSED:
		log_warn("outbox: message %" PRId64 " (%s) to %s suppressed: "
		    "the same text went there %d times in 30 minutes "
		    "(an auto-responder loop?)", r->id, r->kind, who,
		    ob->set->conf->loop_limit);
		break;
	default:
		log_warn("outbox: message %" PRId64 " (%s) to %s: %s%s%s",
		    r->id, r->kind, who, job->became,
		    detail[0] != '\0' ? ": " : "", detail);
		break;
	}
	if (job->counted == OUTBOUND_OPTED_OUT && !outbox_kind_is_patient(r->kind))
		log_error("outbox: the on-call number %s has opted out "
		    "(provider error %d): no staff alert can reach it until it "
		    "texts START", who, job->res.error_code);
}

static void
outbox_flush(struct outbox *ob)
{
	struct outbox_job	*job;
	int64_t			 now = clock_now();
	struct timeval		 tv = { OUTBOX_DB_RETRY_MS / 1000, 0 };

	if (TAILQ_EMPTY(&ob->done))
		return;
	if (storage_begin(ob->st) == -1)
		goto fail;
	TAILQ_FOREACH(job, &ob->done, entry) {
		if (outbox_apply(ob, job, now) == -1) {
			storage_rollback(ob->st);
			goto fail;
		}
	}
	if (storage_commit(ob->st) == -1) {
		storage_rollback(ob->st);
		goto fail;
	}
	while ((job = TAILQ_FIRST(&ob->done)) != NULL) {
		TAILQ_REMOVE(&ob->done, job, entry);
		outbox_account(ob, job);
		outbound_row_clear(&job->row);
		free(job);
		ob->inflight--;
	}
	outbox_kick(ob);
	return;
fail:
	ob->metrics->db_errors++;
	log_error("outbox: cannot record the outcome of %zu sends; trying "
	    "again in a second", ob->inflight);
	event_add(ob->flush_ev, &tv);
}

static void
outbox_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	outbox_flush(arg);
}

struct outbox *
outbox_create(struct event_base *base, struct storage *st,
    struct metrics *metrics, const struct settings *set, char **errp)
{
	const struct conf	*conf = set->conf;
	struct provider_env	 env;
	struct outbox		*ob;

	*errp = NULL;
	ob = xcalloc(1, sizeof *ob);
	ob->base = base;
	ob->st = st;
	ob->metrics = metrics;
	ob->set = set;
	TAILQ_INIT(&ob->flying);
	TAILQ_INIT(&ob->done);
	ob->zones = tz_cache_create();
	ob->rng = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)ob;
	if (ob->rng == 0)
		ob->rng = 1;
	if ((ob->pops = provider_find(conf->provider)) == NULL) {
		*errp = xasprintf("unknown provider '%s'", conf->provider);
		free(ob);
		return NULL;
	}
	ob->http = httpc_new(base, conf->max_in_flight);
	env.conf = conf;
	env.base = base;
	env.http = ob->http;
	if ((ob->provider = ob->pops->create(&env, errp)) == NULL) {
		httpc_free(ob->http);
		free(ob);
		return NULL;
	}
	ob->pump_ev = evtimer_new(base, outbox_pump_cb, ob);
	ob->flush_ev = evtimer_new(base, outbox_flush_cb, ob);
	if (ob->pump_ev == NULL || ob->flush_ev == NULL)
		fatal("outbox: cannot create timers");
	outbox_bucket_init(&ob->bucket, conf->outbox_rate, conf->outbox_rate,
	    outbox_mono_ms());
	return ob;
}

static void
outbox_jobs_free(struct outbox_jobs *jobs)
{
	struct outbox_job	*job;

	while ((job = TAILQ_FIRST(jobs)) != NULL) {
		TAILQ_REMOVE(jobs, job, entry);
		outbound_row_clear(&job->row);
		free(job);
	}
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	ob->pops->free(ob->provider);
	httpc_free(ob->http);		/* no callbacks after this */
	outbox_jobs_free(&ob->flying);
	outbox_jobs_free(&ob->done);
	event_free(ob->pump_ev);
	event_free(ob->flush_ev);
	tz_cache_free(ob->zones);
	free(ob);
}

void
outbox_start(struct outbox *ob)
{
	int64_t	now = clock_now();
	int	n;

	n = storage_outbound_recover(ob->st, now,
	    now + ob->set->conf->unknown_grace);
	if (n > 0)
		log_warn("outbox: %d messages were in flight when the last run "
		    "stopped; each is sent again unless a status callback shows "
		    "it arrived within %d s", n, ob->set->conf->unknown_grace);
	log_info("outbox: sending through %s at up to %d messages/s",
	    ob->pops->name, ob->set->conf->outbox_rate);
	outbox_kick(ob);
}

void
outbox_kick(struct outbox *ob)
{
	if (ob != NULL && !ob->stopping)
		event_active(ob->pump_ev, EV_TIMEOUT, 0);
}

void
outbox_set_settings(struct outbox *ob, const struct settings *set)
{
	const struct conf	*old = ob->set->conf, *c = set->conf;

	if (strcmp(old->provider, c->provider) != 0 ||
	    (old->api_base == NULL) != (c->api_base == NULL) ||
	    (old->api_base != NULL && strcmp(old->api_base, c->api_base) != 0))
		log_warn("reload: provider changes take effect only after a "
		    "restart");
	ob->set = set;
	if (old->outbox_rate != c->outbox_rate)
		outbox_bucket_init(&ob->bucket, c->outbox_rate, c->outbox_rate,
		    outbox_mono_ms());
	outbox_kick(ob);
}

void
outbox_stop(struct outbox *ob)
{
	if (ob == NULL)
		return;
	ob->stopping = 1;
	event_del(ob->pump_ev);
}

size_t
outbox_inflight(const struct outbox *ob)
{
	return ob != NULL ? ob->inflight : 0;
}

int
outbox_healthy(struct outbox *ob, int64_t now)
{
	return storage_outbound_stalled(ob->st,
	    now - ob->set->conf->stall_after) == 0;
}

static int
outbox_status_apply(struct outbox *ob, struct outbound_row *r,
    const struct provider_status *ps, int64_t now)
{
	const char		*sid = ps->sid, *state = ps->state;
	int			 code = ps->code;
	struct outbound_update	 u;
	char			 who[LOG_PHONE_SIZE];
	int			 advances;

	memset(&u, 0, sizeof u);
	u.id = r->id;
	u.now = now;
	if (sid != NULL && r->provider_sid != NULL &&
	    strcmp(sid, r->provider_sid) != 0) {
		log_notice("outbox: status for message %" PRId64 " names sid %s, "
		    "not %s (an earlier attempt); ignored", r->id, sid,
		    r->provider_sid);
		return 0;
	}
	if (r->provider_sid == NULL)
		u.provider_sid = sid;
	/* It exists at the provider: never send it again. */
	if (strcmp(r->status, "sending") == 0 ||
	    strcmp(r->status, "unknown") == 0 ||
	    strcmp(r->status, "pending") == 0) {
		u.status = "sent";
		u.sent_at = now;
	}
	advances = outbox_delivery_advances(r->delivery, state);
	if (advances)
		u.delivery = state;
	if (code > 0)
		u.error_code = code;
	log_info("outbox: message %" PRId64 " to %s: %s%s", r->id,
	    log_phone(r->to, who), state != NULL ? state : "(no status)",
	    advances ? "" : " (not newer; kept)");
	if (ps->verdict == PROVIDER_OPTED_OUT &&
	    outbox_opted_out(ob, r, code, now) == -1)
		return -1;
	if (advances && ps->verdict == PROVIDER_FAILED &&
	    outbox_audit(ob, r, "outbound.failed", state, now) == -1)
		return -1;
	if (advances && ps->verdict == PROVIDER_FAILED &&
	    outbox_tell_staff(ob, r, ps->reason != NULL ? ps->reason :
	    "undeliverable", code, now) == -1)
		return -1;
	/* The provider could not deliver an alert: the next number has it. */
	if (advances && !outbox_kind_is_patient(r->kind) &&
	    (strcmp(state, "failed") == 0 ||
	    strcmp(state, "undelivered") == 0)) {
		char	why[64];

		if (code > 0)
			snprintf(why, sizeof why, "the provider reported it "
			    "%s, error %d", state, code);
		else
			snprintf(why, sizeof why, "the provider reported it %s",
			    state);
		if (escalate_undelivered(ob->set, ob->st, r->id, why,
		    now) == -1)
			return -1;
	}
	return storage_outbound_update(ob->st, &u);
}

int
outbox_status(struct outbox *ob, const struct provider_status *ps, int64_t now)
{
	struct outbound_row	 r;
	int64_t			 id = ps->id;
	const char		*sid = ps->sid;
	int			 found;

	if (storage_begin(ob->st) == -1)
		goto dberr;
	found = storage_outbound_get(ob->st, id, sid, &r);
	if (found == 0 && id != 0 && sid != NULL)
		found = storage_outbound_get(ob->st, 0, sid, &r);
	if (found == -1) {
		storage_rollback(ob->st);
		goto dberr;
	}
	if (found == 0) {
		storage_rollback(ob->st);
		log_notice("outbox: status callback for a message we do not "
		    "know (id %" PRId64 "); ignored", id);
		return 200;
	}
	if (outbox_status_apply(ob, &r, ps, now) == -1 ||
	    storage_commit(ob->st) == -1) {
		outbound_row_clear(&r);
		storage_rollback(ob->st);
		goto dberr;
	}
	outbound_row_clear(&r);
	ob->metrics->status_callbacks++;
	return 200;
dberr:
	ob->metrics->db_errors++;
	return 503;
}
