/* SPDX-License-Identifier: ISC */
/*
 * The HTTP side of the gateway: evhttp on the event loop with explicit
 * limits, the routing table (the provider's webhooks and the gateway's own
 * routes), the webhook preamble through the provider's hooks (body,
 * signature), group commit of inbound messages, /healthz, /livez, /readyz
 * and /metrics, the staff API and the console.  It only serves: the
 * settings, reloads and the shutdown drain are lifecycle.c's.
 */
#ifndef CLOTLINE_SERVER_H
#define CLOTLINE_SERVER_H

#include <stddef.h>

#include <event2/event.h>

struct evhttp_request;
struct metrics;
struct outbox;
struct server;
struct settings;
struct storage;

#define SERVER_MAX_BODY		(64 * 1024)
#define SERVER_MAX_HEADERS	(16 * 1024)
#define SERVER_MAX_FIELDS	1000
/*
 * The longest a request waits on the event loop for a database lock another
 * process holds (or busy_timeout_ms if less) before it answers 503.
 */
#define SERVER_LOOP_BUSY_MS	100

/*
 * Borrows base, set (until server_set_settings replaces it), st, the
 * outbox and metrics, which must outlive the server.  Serves the webhooks
 * of set's provider, fixed for the server's life.
 */
struct server	*server_create(struct event_base *, const struct settings *set,
		    struct storage *st, struct outbox *, struct metrics *);
void		 server_free(struct server *);
/* Binds [server] listen and writes port_file; -1 with *errp (caller frees). */
int		 server_listen(struct server *, char **errp);
/* The port actually bound (useful with port 0). */
int		 server_port(const struct server *);
/* After a reload: timeouts, connection limits and set (borrowed). */
void		 server_set_settings(struct server *, const struct settings *);
/*
 * Stops accepting connections and commits the open group; requests still
 * arriving on open connections are answered 503 with Connection: close.
 */
void		 server_stop(struct server *);
/* Replies still being written (a connection reset is not writing). */
size_t		 server_writing(const struct server *);
/*
 * 1 if the request's Content-Type is want (a media type, compared without
 * case), with or without parameters.
 */
int		 server_content_type_is(struct evhttp_request *, const char *want);

#endif
