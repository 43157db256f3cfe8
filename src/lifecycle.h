/* SPDX-License-Identifier: ISC */
/*
 * The daemon's life around its one event loop: it owns the settings in
 * force and the services that use them (the outbox, the reminder
 * scheduler, the on-call clock, the HTTP server), starts them, fans each
 * reload out to them, and drains them at shutdown: no new connections,
 * replies being written and sends in flight finish (up to [server]
 * shutdown_timeout), then the loop ends.  It also finishes the long
 * messages whose parts stopped coming ([provider] parts_wait).  The HTTP
 * server only serves.
 */
#ifndef CLOTLINE_LIFECYCLE_H
#define CLOTLINE_LIFECYCLE_H

#include <event2/event.h>

struct lifecycle;
struct metrics;
struct settings;
struct storage;

/*
 * Takes ownership of set; borrows base, st and metrics, which must outlive
 * it.  conf_path is what a reload reads.  NULL with *errp (caller frees) if
 * a service cannot be set up (the provider's configuration).
 */
struct lifecycle	*lifecycle_create(struct event_base *, struct settings *set,
			    struct storage *st, struct metrics *,
			    const char *conf_path, char **errp);
/* Stops every service and frees it all (NULL: nothing). */
void			 lifecycle_free(struct lifecycle *);
/*
 * Listens (writing [server] port_file) and starts the services; -1 with
 * *errp (caller frees) if the gateway cannot serve.
 */
int			 lifecycle_start(struct lifecycle *, char **errp);
/*
 * Reloads configuration, prompts, rules and plans from conf_path and hands
 * the new set to every service.  On any error the old set stays in force
 * and -1 is returned; each problem is logged.
 */
int			 lifecycle_reload(struct lifecycle *);
/* Begins the drain; the event loop ends when it is done. */
void			 lifecycle_shutdown(struct lifecycle *);

#endif
