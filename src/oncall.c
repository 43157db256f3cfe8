/* SPDX-License-Identifier: ISC */
/*
 * The on-call chain's clock (see oncall.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "clock.h"
#include "conf.h"
#include "escalate.h"
#include "log.h"
#include "metrics.h"
#include "oncall.h"
#include "outbox.h"
#include "settings.h"
#include "storage.h"
#include "xmalloc.h"

#define ONCALL_DB_RETRY	1	/* seconds after a store error */

struct oncall {
	struct event_base	*base;
	struct storage		*st;
	struct metrics		*metrics;
	const struct settings	*set;
	struct outbox		*outbox;
	struct event		*ev;
	int			 stopping;
};

static void
oncall_arm(struct oncall *oc, int64_t secs)
{
	struct timeval	tv;

	if (oc->stopping)
		return;
	if (secs < 0)
		secs = 0;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = 0;
	event_add(oc->ev, &tv);
}

static void
oncall_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct oncall	*oc = arg;
	int64_t		 now = clock_now(), next = 0, wait, ids[1];
	size_t		 due;
	int		 n;

	if (oc->stopping)
		return;
	/*
	 * A look first, without a write transaction: most ticks find nothing
	 * due, and must not take the write lock from a webhook or the CLI.
	 */
	if (storage_escalation_due(oc->st, now, ids, 1, &due, &next) == -1)
		goto dberr;
	if (due == 0) {
		n = 0;
		goto arm;
	}
	if (storage_begin(oc->st) == -1)
		goto dberr;
	if ((n = escalate_due(oc->set, oc->st, now, &next)) == -1) {
		storage_rollback(oc->st);
		goto dberr;
	}
	if (storage_commit(oc->st) == -1) {
		storage_rollback(oc->st);
		goto dberr;
	}
	if (n > 0)
		outbox_kick(oc->outbox);
arm:
	wait = oc->set->conf->poll_interval;
	if (next != 0 && next - now < wait)
		wait = next - now;
	oncall_arm(oc, wait);
	return;
dberr:
	oc->metrics->db_errors++;
	log_error("escalation: cannot check the acknowledgement timers; "
	    "trying again in %d s", ONCALL_DB_RETRY);
	oncall_arm(oc, ONCALL_DB_RETRY);
}

struct oncall *
oncall_create(struct event_base *base, struct storage *st,
    struct metrics *metrics, const struct settings *set, struct outbox *ob)
{
	struct oncall	*oc;

	oc = xcalloc(1, sizeof *oc);
	oc->base = base;
	oc->st = st;
	oc->metrics = metrics;
	oc->set = set;
	oc->outbox = ob;
	if ((oc->ev = evtimer_new(base, oncall_tick_cb, oc)) == NULL)
		fatal("escalation: cannot create a timer");
	return oc;
}

void
oncall_free(struct oncall *oc)
{
	if (oc == NULL)
		return;
	event_free(oc->ev);
	free(oc);
}

void
oncall_start(struct oncall *oc)
{
	log_info("escalation: on-call chain of %zu number(s), acknowledgement "
	    "timeout %d s", oc->set->conf->nchain, oc->set->conf->ack_timeout);
	oncall_arm(oc, 0);
}

void
oncall_set_settings(struct oncall *oc, const struct settings *set)
{
	if (oc == NULL)
		return;
	oc->set = set;
	oncall_arm(oc, 0);
}

void
oncall_stop(struct oncall *oc)
{
	if (oc == NULL)
		return;
	oc->stopping = 1;
	event_del(oc->ev);
}
