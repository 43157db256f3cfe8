/* SPDX-License-Identifier: ISC */
/*
 * The durable outbox: the one way anything leaves the gateway.
 *
 * Every outbound message is a row in outbound_messages before any network
 * call (sms.c queues on-call alerts in the webhook's own transaction).  The
 * outbox claims due rows, most urgent first, within a token bucket per
 * sending number and a bound on requests in flight; hands each to the
 * provider adapter; and records the outcome: sent (with the provider's sid),
 * retried later with exponential backoff and jitter, expired, failed (staff
 * told), or opted out (the patient marked and their reminders cancelled).
 * Rows never leave the database, so a restart resumes where the last run
 * stopped.  The policy is in outbox_policy.h; docs/outbox.md explains it.
 *
 * Creation of a provider message is not idempotent.  When a request left
 * but its answer was lost (timeout, reset, crash), the row becomes
 * "unknown" and waits [outbox] unknown_grace for a status callback, which
 * carries our id and proves the message exists; only without one is it
 * sent again.  Duplicates are thus bounded by what was in flight.
 *
 * Runs on the event loop; borrows base, storage and metrics.
 */
#ifndef CLOTLINE_OUTBOX_H
#define CLOTLINE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

struct metrics;
struct provider_status;
struct outbox;
struct settings;
struct storage;

/* One message to queue: what it is, for whom, and when it may go. */
struct outbox_msg {
	const char	*kind;		/* "alert", "reminder", "welcome", "reply" */
	const char	*to;		/* E.164 */
	const char	*body;
	int64_t		 patient_id;	/* 0: none */
	int64_t		 at;		/* queued at; also the first attempt */
	int64_t		 expires_at;	/* 0: the kind's maximum age only */
	int		 emergency;	/* first: an alert for an emergency, or
					   red-flag advice (never suppressed) */
	int		 fair;		/* within a priority, lower goes first */
};

/*
 * Queues m, in the caller's transaction if one is open: the one way a row
 * enters the outbox, whoever writes it (webhooks, the scheduler, the staff
 * commands, the outbox itself).  The priority follows from the kind
 * (outbox_policy.h).  Borrows m; *idp (if not NULL) gets the row's id.
 * Returns 0, or -1 for a kind the outbox does not know or a store error.
 */
int		 outbox_enqueue(struct storage *, const struct outbox_msg *m,
		    int64_t *idp);

/* NULL with *errp (caller frees) if the provider cannot be set up. */
struct outbox	*outbox_create(struct event_base *, struct storage *,
		    struct metrics *, const struct settings *, char **errp);
/* Abandons requests in flight; their rows are recovered on the next start. */
void		 outbox_free(struct outbox *);
/*
 * Takes up rows a previous run left in flight (they become unknown) and
 * starts sending.
 */
void		 outbox_start(struct outbox *);
/* New rows may be due: look soon (cheap; calls coalesce). */
void		 outbox_kick(struct outbox *);
/* After a reload: rate, limits and prompts from the new set (borrowed). */
void		 outbox_set_settings(struct outbox *, const struct settings *);
/* Claims nothing more; requests in flight still finish and are recorded. */
void		 outbox_stop(struct outbox *);
/* Messages claimed whose outcome is not yet recorded. */
size_t		 outbox_inflight(const struct outbox *);
/*
 * 1 unless a message has been overdue for longer than [outbox] stall_after,
 * or has kept failing for that long since it was queued (a provider outage).
 */
int		 outbox_healthy(struct outbox *, int64_t now);
/*
 * Applies a signature-checked delivery report, as the provider's hooks
 * parsed it.  Returns the HTTP status to answer: 200 (also for a message
 * we do not know), 503 if the store failed (the provider tries again).
 */
int		 outbox_status(struct outbox *, const struct provider_status *,
		    int64_t now);

#endif
