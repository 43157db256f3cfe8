/* SPDX-License-Identifier: ISC */
/*
 * The gateway's HTTP connections, underneath libevent's evhttp.  Every
 * connection's bytes pass through a strict framing reader (framing.h)
 * before evhttp parses them, so a request evhttp would read leniently is
 * refused with 400 and the connection closed; each request has a deadline
 * for the whole of it, head and body, and each reply one for the whole of
 * it, however slowly the bytes trickle; and when connections near the
 * descriptor limit, the oldest that is only reading (or idle) is closed to
 * make room, so a crowd of slow clients cannot starve new ones.
 *
 * It plugs into evhttp through evhttp_set_bevcb: the bufferevent evhttp uses
 * for each connection is made here, with callbacks on its buffers.
 */
#ifndef CLOTLINE_CONN_H
#define CLOTLINE_CONN_H

#include <stddef.h>

struct event_base;
struct evhttp;
struct metrics;
struct conn_pool;

struct conn_limits {
	size_t	max_head;		/* request line and headers, bytes */
	size_t	max_body;		/* chunked body data, bytes */
	int	request_timeout_ms;	/* a whole request, first byte to last */
	int	reply_timeout_ms;	/* a whole reply, first byte to last */
	size_t	max_conns;		/* beyond this, the oldest reading or
					   idle connection is closed; 0: none */
};

/*
 * Takes over http's connections from now on (evhttp_set_bevcb).  Borrows
 * base, http and metrics, which must outlive the pool; free the pool after
 * evhttp_free(http).
 */
struct conn_pool *conn_pool_create(struct event_base *, struct evhttp *,
		    struct metrics *, const struct conn_limits *);
void		 conn_pool_free(struct conn_pool *);
/* New limits, for connections open and to come (a reload). */
void		 conn_pool_set_limits(struct conn_pool *,
		    const struct conn_limits *);
/* Connections with reply bytes not yet written to the socket. */
size_t		 conn_pool_writing(const struct conn_pool *);
/* Connections open. */
size_t		 conn_pool_count(const struct conn_pool *);

#endif
