/* SPDX-License-Identifier: ISC */
/*
 * The on-call chain's clock: one timer at the earliest acknowledgement
 * deadline of an open escalation (escalate.h), and a look every [outbox]
 * poll_interval for escalations that other processes changed (an ACK from
 * `clotline escalation ack`).  Each tick passes the due escalations to the
 * next on-call number in one transaction and kicks the outbox.  The
 * deadlines are the store's, so after a restart (kill -9 included) the
 * first tick picks up whatever fell due meanwhile.
 *
 * Runs on the event loop; borrows base, storage, metrics, the settings
 * (until oncall_set_settings) and the outbox.
 */
#ifndef CLOTLINE_ONCALL_H
#define CLOTLINE_ONCALL_H

#include <event2/event.h>

struct metrics;
struct oncall;
struct outbox;
struct settings;
struct storage;

struct oncall	*oncall_create(struct event_base *, struct storage *,
		    struct metrics *, const struct settings *, struct outbox *);
void		 oncall_free(struct oncall *);
/* The first tick, at once. */
void		 oncall_start(struct oncall *);
void		 oncall_set_settings(struct oncall *, const struct settings *);
/* No more ticks (shutdown). */
void		 oncall_stop(struct oncall *);

#endif
