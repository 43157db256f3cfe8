/* SPDX-License-Identifier: ISC */
/*
 * Prometheus counters (see metrics.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "metrics.h"
#include "xmalloc.h"

/* Upper bounds of the webhook histogram's buckets (le), in seconds. */
static const double metrics_bounds[METRICS_NBUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5,
};

/* The statuses the gateway answers with; anything else counts as "other". */
static const int metrics_statuses[METRICS_NSTATUS - 1] = {
	200, 204, 400, 401, 403, 404, 405, 413, 415, 500, 503,
};

static const char *const metrics_fixed_routes[ROUTE_FIXED] = {
	[ROUTE_HEALTHZ] = "/healthz",
	[ROUTE_LIVEZ] = "/livez",
	[ROUTE_READYZ] = "/readyz",
	[ROUTE_METRICS] = "/metrics",
	[ROUTE_API] = "/api/v1",
	[ROUTE_OTHER] = "other",
};

static const char *metrics_outbound_names[METRICS_OUTBOUND_COUNT] = {
	[OUTBOUND_SENT] = "sent",
	[OUTBOUND_RETRIED] = "retried",
	[OUTBOUND_UNKNOWN] = "unknown",
	[OUTBOUND_FAILED] = "failed",
	[OUTBOUND_OPTED_OUT] = "opted_out",
	[OUTBOUND_EXPIRED] = "expired",
	[OUTBOUND_SUPPRESSED] = "suppressed",
	[OUTBOUND_CANCELLED] = "cancelled",
};

static const char *metrics_closed_names[METRICS_CLOSED_COUNT] = {
	[CLOSED_REFUSED] = "framing_refused",
	[CLOSED_REQUEST_TIMEOUT] = "request_timeout",
	[CLOSED_REPLY_TIMEOUT] = "reply_timeout",
	[CLOSED_SHED] = "shed",
};

void
metrics_init(struct metrics *m, time_t now)
{
	size_t	i;

	memset(m, 0, sizeof *m);
	m->started = now;
	for (i = 0; i < ROUTE_FIXED; i++)
		m->routes[i] = metrics_fixed_routes[i];
	m->nroutes = ROUTE_FIXED;
	m->outbox_backlog = -1;
	m->outbox_oldest_due = -1;
}

uint64_t
metrics_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
metrics_webhook(struct metrics *m, uint64_t usec)
{
	double	s = (double)usec / 1e6;
	size_t	i;

	for (i = 0; i < METRICS_NBUCKETS; i++)
		if (s <= metrics_bounds[i]) {
			m->webhook_buckets[i]++;
			break;
		}
	m->webhook_count++;	/* past the last bound it counts in +Inf alone */
	m->webhook_seconds += s;
}

int
metrics_route(struct metrics *m, const char *label)
{
	size_t	i;

	for (i = 0; i < m->nroutes; i++)
		if (strcmp(m->routes[i], label) == 0)
			return (int)i;
	if (m->nroutes == METRICS_MAX_ROUTES)
		return ROUTE_OTHER;
	m->routes[m->nroutes] = label;
	return (int)m->nroutes++;
}

const char *
metrics_route_name(const struct metrics *m, int r)
{
	return r >= 0 && (size_t)r < m->nroutes ? m->routes[r] : "other";
}

void
metrics_request(struct metrics *m, int r, int status)
{
	size_t	i;

	if (r < 0 || (size_t)r >= m->nroutes)
		r = ROUTE_OTHER;
	for (i = 0; i < METRICS_NSTATUS - 1; i++)
		if (metrics_statuses[i] == status)
			break;
	m->requests[r][i]++;
}

char *
metrics_render(const struct metrics *m, time_t now)
{
	struct evbuffer	*b;
	size_t		 r, i;
	uint64_t	 cum;
	int		 lvl;

	b = xevbuffer_new();
	evbuffer_add_printf(b,
	    "# HELP clotline_http_requests_total HTTP requests answered, by route and status.\n"
	    "# TYPE clotline_http_requests_total counter\n");
	for (r = 0; r < m->nroutes; r++) {
		for (i = 0; i < METRICS_NSTATUS; i++) {
			if (m->requests[r][i] == 0)
				continue;
			if (i < METRICS_NSTATUS - 1)
				evbuffer_add_printf(b, "clotline_http_requests_total"
				    "{route=\"%s\",status=\"%d\"} %llu\n",
				    m->routes[r], metrics_statuses[i],
				    (unsigned long long)m->requests[r][i]);
			else
				evbuffer_add_printf(b, "clotline_http_requests_total"
				    "{route=\"%s\",status=\"other\"} %llu\n",
				    m->routes[r],
				    (unsigned long long)m->requests[r][i]);
		}
	}
	evbuffer_add_printf(b,
	    "# HELP clotline_inbound_messages_total Inbound messages stored (duplicates excluded).\n"
	    "# TYPE clotline_inbound_messages_total counter\n"
	    "clotline_inbound_messages_total %llu\n"
	    "# HELP clotline_inbound_duplicates_total Repeated MessageSids answered from the store.\n"
	    "# TYPE clotline_inbound_duplicates_total counter\n"
	    "clotline_inbound_duplicates_total %llu\n"
	    "# HELP clotline_replies_total Replies sent to inbound messages, by triage level.\n"
	    "# TYPE clotline_replies_total counter\n",
	    (unsigned long long)m->inbound, (unsigned long long)m->duplicates);
	for (lvl = TRIAGE_ROUTINE; lvl <= TRIAGE_EMERGENCY; lvl++)
		evbuffer_add_printf(b, "clotline_replies_total{level=\"%s\"} %llu\n",
		    triage_level_name((enum triage_level)lvl),
		    (unsigned long long)m->replies[lvl]);
	evbuffer_add_printf(b,
	    "# HELP clotline_silent_answers_total Inbound messages answered with no message (opted out).\n"
	    "# TYPE clotline_silent_answers_total counter\n"
	    "clotline_silent_answers_total %llu\n", (unsigned long long)m->silent);
	evbuffer_add_printf(b,
	    "# HELP clotline_inbox_messages_total Inbound messages kept in the staff review inbox.\n"
	    "# TYPE clotline_inbox_messages_total counter\n"
	    "clotline_inbox_messages_total %llu\n", (unsigned long long)m->inbox);
	evbuffer_add_printf(b,
	    "# HELP clotline_keyword_replies_total Replies to STOP, START and HELP keywords.\n"
	    "# TYPE clotline_keyword_replies_total counter\n"
	    "clotline_keyword_replies_total %llu\n"
	    "# HELP clotline_signature_failures_total Webhooks refused for a missing or wrong signature.\n"
	    "# TYPE clotline_signature_failures_total counter\n"
	    "clotline_signature_failures_total %llu\n"
	    "# HELP clotline_database_errors_total Store operations that failed.\n"
	    "# TYPE clotline_database_errors_total counter\n"
	    "clotline_database_errors_total %llu\n"
	    "# HELP clotline_status_callbacks_total Delivery status callbacks accepted.\n"
	    "# TYPE clotline_status_callbacks_total counter\n"
	    "clotline_status_callbacks_total %llu\n"
	    "# HELP clotline_voice_calls_total Phone keypad calls started.\n"
	    "# TYPE clotline_voice_calls_total counter\n"
	    "clotline_voice_calls_total %llu\n"
	    "# HELP clotline_segments_sent_total SMS segments handed to the provider.\n"
	    "# TYPE clotline_segments_sent_total counter\n"
	    "clotline_segments_sent_total %llu\n"
	    "# HELP clotline_uptime_seconds Seconds since the gateway started.\n"
	    "# TYPE clotline_uptime_seconds gauge\n"
	    "clotline_uptime_seconds %lld\n",
	    (unsigned long long)m->keyword_replies,
	    (unsigned long long)m->signature_failures,
	    (unsigned long long)m->db_errors,
	    (unsigned long long)m->status_callbacks,
	    (unsigned long long)m->voice_calls,
	    (unsigned long long)m->segments_sent,
	    (long long)(now - m->started));
	evbuffer_add_printf(b,
	    "# HELP clotline_group_commits_total Transactions that stored the "
	    "inbound messages of one pass of the event loop, with one sync.\n"
	    "# TYPE clotline_group_commits_total counter\n"
	    "clotline_group_commits_total %llu\n"
	    "# HELP clotline_group_commit_messages_total Inbound messages "
	    "answered after a group commit (divided by the commits: the mean "
	    "group size).\n"
	    "# TYPE clotline_group_commit_messages_total counter\n"
	    "clotline_group_commit_messages_total %llu\n"
	    "# HELP clotline_group_alone_total Inbound messages that left "
	    "their group and ran again on their own after its commit, because "
	    "another instance held a lock they needed.\n"
	    "# TYPE clotline_group_alone_total counter\n"
	    "clotline_group_alone_total %llu\n",
	    (unsigned long long)m->group_commits,
	    (unsigned long long)m->group_members,
	    (unsigned long long)m->group_alone);
	evbuffer_add_printf(b,
	    "# HELP clotline_outbound_total Outbox events: sends accepted, "
	    "attempts retried, answers lost, and messages failed, opted out, "
	    "expired, suppressed or cancelled.\n"
	    "# TYPE clotline_outbound_total counter\n");
	for (r = 0; r < METRICS_OUTBOUND_COUNT; r++)
		evbuffer_add_printf(b, "clotline_outbound_total{outcome=\"%s\"} %llu\n",
		    metrics_outbound_names[r], (unsigned long long)m->outbound[r]);
	evbuffer_add_printf(b,
	    "# HELP clotline_reminders_total Reminders queued for sending, and "
	    "skipped (found more than catch_up late, or in quiet hours).\n"
	    "# TYPE clotline_reminders_total counter\n"
	    "clotline_reminders_total{outcome=\"queued\"} %llu\n"
	    "clotline_reminders_total{outcome=\"skipped\"} %llu\n"
	    "# HELP clotline_reminders_next_due_timestamp_seconds When the "
	    "earliest pending reminder is due (Unix time; 0: none).\n"
	    "# TYPE clotline_reminders_next_due_timestamp_seconds gauge\n"
	    "clotline_reminders_next_due_timestamp_seconds %lld\n",
	    (unsigned long long)m->reminders_queued,
	    (unsigned long long)m->reminders_skipped,
	    (long long)m->reminders_next_due);
	evbuffer_add_printf(b,
	    "# HELP clotline_webhook_duration_seconds Time from a provider "
	    "webhook's arrival to its answer, for webhooks whose signature was "
	    "checked (group commit included).\n"
	    "# TYPE clotline_webhook_duration_seconds histogram\n");
	for (i = 0, cum = 0; i < METRICS_NBUCKETS; i++) {
		cum += m->webhook_buckets[i];
		evbuffer_add_printf(b, "clotline_webhook_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", metrics_bounds[i],
		    (unsigned long long)cum);
	}
	evbuffer_add_printf(b,
	    "clotline_webhook_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "clotline_webhook_duration_seconds_sum %.6f\n"
	    "clotline_webhook_duration_seconds_count %llu\n",
	    (unsigned long long)m->webhook_count, m->webhook_seconds,
	    (unsigned long long)m->webhook_count);
	if (m->outbox_backlog >= 0)
		evbuffer_add_printf(b,
		    "# HELP clotline_outbox_backlog Messages that should be on "
		    "their way by now: due, failed and waiting to retry, or "
		    "being sent.\n"
		    "# TYPE clotline_outbox_backlog gauge\n"
		    "clotline_outbox_backlog %lld\n"
		    "# HELP clotline_outbox_oldest_due_seconds How long the oldest "
		    "of them has been queued (0: none).\n"
		    "# TYPE clotline_outbox_oldest_due_seconds gauge\n"
		    "clotline_outbox_oldest_due_seconds %lld\n",
		    (long long)m->outbox_backlog,
		    (long long)m->outbox_oldest_due);
	evbuffer_add_printf(b,
	    "# HELP clotline_build_info The running clotline's version.\n"
	    "# TYPE clotline_build_info gauge\n"
	    "clotline_build_info{version=\"%s\"} 1\n"
	    "# HELP process_start_time_seconds Start time of the process since "
	    "the Unix epoch, in seconds.\n"
	    "# TYPE process_start_time_seconds gauge\n"
	    "process_start_time_seconds %lld\n",
	    PACKAGE_VERSION, (long long)m->started);
	evbuffer_add_printf(b,
	    "# HELP clotline_http_connections_closed_total Connections the "
	    "gateway closed itself: requests refused for their framing, "
	    "requests or replies not whole within request_timeout, and idle "
	    "or reading connections closed to keep descriptors free.\n"
	    "# TYPE clotline_http_connections_closed_total counter\n");
	for (r = 0; r < METRICS_CLOSED_COUNT; r++)
		evbuffer_add_printf(b, "clotline_http_connections_closed_total"
		    "{reason=\"%s\"} %llu\n", metrics_closed_names[r],
		    (unsigned long long)m->http_closed[r]);
	evbuffer_add_printf(b,
	    "# HELP clotline_staff_texts_total Texts from on-call numbers "
	    "(ACK), never triaged.\n"
	    "# TYPE clotline_staff_texts_total counter\n"
	    "clotline_staff_texts_total %llu\n",
	    (unsigned long long)m->staff_texts);
	if (!m->escalations_known)
		return xevbuffer_take(b);
	evbuffer_add_printf(b,
	    "# HELP clotline_escalations_open Escalations nobody has "
	    "acknowledged yet, by level.\n"
	    "# TYPE clotline_escalations_open gauge\n"
	    "clotline_escalations_open{level=\"urgent\"} %d\n"
	    "clotline_escalations_open{level=\"emergency\"} %d\n"
	    "# HELP clotline_escalation_oldest_unacknowledged_seconds Age of "
	    "the oldest escalation nobody has acknowledged (0: none).\n"
	    "# TYPE clotline_escalation_oldest_unacknowledged_seconds gauge\n"
	    "clotline_escalation_oldest_unacknowledged_seconds %lld\n"
	    "# HELP clotline_alerts_stuck On-call alerts the provider has not "
	    "accepted [escalation] alert_stuck_after seconds after they were "
	    "queued (/readyz fails while there are any).\n"
	    "# TYPE clotline_alerts_stuck gauge\n"
	    "clotline_alerts_stuck %d\n",
	    m->escalations_open_urgent, m->escalations_open_emergency,
	    (long long)(m->escalation_oldest_open_at != 0 &&
	    now > m->escalation_oldest_open_at ?
	    now - m->escalation_oldest_open_at : 0), m->alerts_stuck);
	return xevbuffer_take(b);
}
