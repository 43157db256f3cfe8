/* SPDX-License-Identifier: ISC */
/*
 * An HTTP client on the event loop: libcurl's multi interface driven by
 * libevent (socket and timer callbacks into curl_multi_socket_action,
 * finished transfers from curl_multi_info_read), in the way of curl's
 * hiperfifo example.  Nothing here blocks: httpc_post only queues the
 * transfer and the callback runs from the loop when it ends.  The multi
 * handle keeps connections alive between requests; TLS peers are verified
 * (libcurl's default, never turned off here).
 */
#ifndef CLOTLINE_HTTPC_H
#define CLOTLINE_HTTPC_H

#include <stddef.h>

#include <event2/event.h>

struct httpc;

struct httpc_request {
	const char	*url;
	const char	*userpwd;	/* HTTP Basic "user:password"; may be NULL */
	const char	*body;		/* form body for POST (copied); NULL: GET */
	long		 connect_timeout_ms;
	long		 timeout_ms;	/* the whole transfer */
};

struct httpc_response {
	int		 ok;		/* 1: an HTTP answer arrived (any status) */
	long		 status;	/* HTTP status, 0 without an answer */
	int		 request_sent;	/* 1: the request left, so it may have acted */
	int		 timed_out;
	const char	*error;		/* libcurl's reason when !ok */
	const char	*body;		/* NUL-terminated; "" when none */
	size_t		 body_len;
	long		 retry_after;	/* seconds from Retry-After (number or
				   HTTP-date, at most a week), -1 if absent */
};

/* Called once per request, from the loop; the response is valid only inside. */
typedef void	(*httpc_cb)(const struct httpc_response *, void *arg);

/* max_connections bounds open connections in all (keep-alive included). */
struct httpc	*httpc_new(struct event_base *, long max_connections);
/* Abandons transfers still running without calling their callbacks. */
void		 httpc_free(struct httpc *);
/* Starts a request; -1 if libcurl refused it (the callback is not called). */
int		 httpc_post(struct httpc *, const struct httpc_request *,
		    httpc_cb, void *arg);

#endif
