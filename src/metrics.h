/* SPDX-License-Identifier: ISC */
/*
 * Counters for GET /metrics in the Prometheus text exposition format.  The
 * struct is plain data owned by whoever creates it (the gateway); nothing here
 * allocates except metrics_render.
 */
#ifndef CLOTLINE_METRICS_H
#define CLOTLINE_METRICS_H

#include <stdint.h>
#include <time.h>

#include "triage.h"

/*
 * Requests are counted by route label.  These are always there; others
 * (the provider's webhooks) are added by label with metrics_route.
 */
enum metrics_route {
	ROUTE_HEALTHZ,
	ROUTE_LIVEZ,
	ROUTE_READYZ,
	ROUTE_METRICS,
	ROUTE_API,		/* everything under /api/v1 */
	ROUTE_OTHER,
	ROUTE_FIXED
};
#define METRICS_MAX_ROUTES	24

#define METRICS_NSTATUS 12

enum metrics_outbound {
	OUTBOUND_SENT,		/* accepted by the provider */
	OUTBOUND_RETRIED,	/* attempt failed; will retry */
	OUTBOUND_UNKNOWN,	/* answer lost after sending */
	OUTBOUND_FAILED,	/* permanent failure */
	OUTBOUND_OPTED_OUT,	/* 21610 */
	OUTBOUND_EXPIRED,
	OUTBOUND_SUPPRESSED,	/* loop guard */
	OUTBOUND_CANCELLED,	/* recipient opted out before sending */
	METRICS_OUTBOUND_COUNT
};

/* Webhook answer times: Prometheus histogram bucket bounds, in seconds. */
#define METRICS_NBUCKETS 11
/* Why the gateway closed a connection itself (conn.c). */
enum metrics_closed {
	CLOSED_REFUSED,		/* framing refused: 400 and close */
	CLOSED_REQUEST_TIMEOUT,	/* a request not whole within request_timeout */
	CLOSED_REPLY_TIMEOUT,	/* a reply not written within request_timeout */
	CLOSED_SHED,		/* made room near the descriptor limit */
	METRICS_CLOSED_COUNT
};

struct metrics {
	time_t		 started;
	const char	*routes[METRICS_MAX_ROUTES];	/* labels; borrowed */
	size_t		 nroutes;
	uint64_t	 requests[METRICS_MAX_ROUTES][METRICS_NSTATUS];
	uint64_t	 inbound;		/* new inbound messages stored */
	uint64_t	 duplicates;		/* repeated MessageSids answered */
	uint64_t	 replies[TRIAGE_EMERGENCY + 1];	/* replies sent */
	uint64_t	 silent;		/* answered with no message */
	uint64_t	 keyword_replies;
	uint64_t	 inbox;			/* kept for a person (staff inbox) */
	uint64_t	 staff_texts;		/* from on-call numbers (ACK) */
	uint64_t	 signature_failures;
	uint64_t	 db_errors;
	/* Group commit (server.c): commits, and the answers they carried. */
	uint64_t	 group_commits;
	uint64_t	 group_members;
	/* Members run again alone: another instance held a lock (storage.h). */
	uint64_t	 group_alone;
	/* The outbox: outcomes of send attempts and what became of messages. */
	uint64_t	 outbound[METRICS_OUTBOUND_COUNT];
	uint64_t	 segments_sent;
	uint64_t	 status_callbacks;
	uint64_t	 voice_calls;		/* keypad calls started */
	/* The reminder scheduler. */
	uint64_t	 reminders_queued;
	uint64_t	 reminders_skipped;	/* too late, or quiet hours */
	int64_t		 reminders_next_due;	/* earliest pending fire; 0: none */
	/*
	 * Escalations, read from the store when /metrics is asked for
	 * (escalations_known 0: the store did not answer; left out).
	 */
	int		 escalations_known;
	int		 escalations_open_urgent;
	int		 escalations_open_emergency;
	int64_t		 escalation_oldest_open_at;	/* 0: none open */
	int		 alerts_stuck;
	/* Webhooks answered after their signature was checked, by time. */
	uint64_t	 webhook_buckets[METRICS_NBUCKETS];	/* not cumulative */
	uint64_t	 webhook_count;
	double		 webhook_seconds;
	/* The outbox, read from the store at each scrape (-1: unknown). */
	int64_t		 outbox_backlog;
	int64_t		 outbox_oldest_due;	/* seconds */
	/* HTTP connections the gateway closed itself, by reason. */
	uint64_t	 http_closed[METRICS_CLOSED_COUNT];
};

void		 metrics_init(struct metrics *, time_t now);
/*
 * The route counted under label, added if new (label is borrowed and must
 * outlive m); ROUTE_OTHER when there is no room left.
 */
int		 metrics_route(struct metrics *, const char *label);
void		 metrics_request(struct metrics *, int route, int status);
const char	*metrics_route_name(const struct metrics *, int route);
/* A monotonic clock in microseconds, to time requests. */
uint64_t	 metrics_usec(void);
/* One webhook answered, usec after it arrived (from metrics_usec). */
void		 metrics_webhook(struct metrics *, uint64_t usec);
/* Returns the exposition text as a new string; caller frees. */
char		*metrics_render(const struct metrics *, time_t now);

#endif
