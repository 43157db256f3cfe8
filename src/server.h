/* SPDX-License-Identifier: ISC */
/*
 * The HTTP side of the gateway: evhttp on the event loop with explicit
 * limits, the routing table, the shared webhook preamble (method, content
 * type, form parsing, signature), /healthz and /metrics, configuration
 * reload, and a graceful drain on shutdown.
 */
#ifndef CLOTLINE_SERVER_H
#define CLOTLINE_SERVER_H

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
 * Takes ownership of set; borrows base, st, the outbox (which borrows set
 * and is told of each reload) and metrics, which must outlive the server.
 * conf_path is what SIGHUP reloads.
 */
struct server	*server_create(struct event_base *, struct settings *set,
		    struct storage *st, struct outbox *, struct metrics *,
		    const char *conf_path);
void		 server_free(struct server *);
/* Binds [server] listen and writes port_file; -1 with *errp (caller frees). */
int		 server_listen(struct server *, char **errp);
/* The settings in force (replaced by each reload; borrowed). */
const struct settings *server_settings(const struct server *);
/* The port actually bound (useful with port 0). */
int		 server_port(const struct server *);
/*
 * Reloads configuration, prompts and rules from conf_path.  On any error the
 * old set stays in force and -1 is returned; each problem is logged.
 */
int		 server_reload(struct server *);
/*
 * Stops accepting connections, lets replies already being written finish
 * (up to [server] shutdown_timeout), then breaks the event loop.
 */
void		 server_shutdown(struct server *);
/*
 * 1 if the request's Content-Type is want (a media type, compared without
 * case), with or without parameters.
 */
int		 server_content_type_is(struct evhttp_request *, const char *want);

#endif
