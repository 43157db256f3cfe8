/* SPDX-License-Identifier: ISC */
/*
 * HTTP connections underneath evhttp (see conn.h).
 *
 * evhttp asks for each new connection's bufferevent (evhttp_set_bevcb); the
 * one made here has a callback on its input buffer, run as the socket's
 * bytes are appended and before evhttp's read callback sees them.  That
 * callback takes the new bytes out again, reads them with a framing reader
 * and puts back only what makes whole, well-framed units: a request head, a
 * chunked body, Content-Length body bytes.  A request that cannot be framed
 * safely is replaced by a refusal evhttp hands to the request callback
 * (framing_refusal), which answers 400 and closes.  A callback on the output
 * buffer sees a reply start and finish.
 *
 * The connection's own evhttp_connection does not exist yet when the
 * bufferevent is made, so each new connection is adopted just after, in an
 * event of its own: its close callback (evhttp_connection_set_closecb) is
 * what frees it here.  A reference on the bufferevent keeps it valid until
 * then, whatever evhttp does.
 *
 * Closing a connection (a deadline passed, or room is needed) goes through
 * evhttp's own error path, as if the socket had timed out: evhttp frees it
 * and any request it had not answered is detached, never freed under the
 * code still holding it.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "conn.h"
#include "framing.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

struct conn {
	struct conn_pool		*pool;
	struct bufferevent		*bev;		/* a reference held */
	struct evhttp_connection	*evcon;		/* once adopted */
	struct evbuffer_cb_entry	*in_cb;
	struct evbuffer_cb_entry	*out_cb;
	struct framing			*fr;
	struct evbuffer			*held;		/* not yet handed on */
	struct event			*request_ev;	/* a request's deadline */
	struct event			*reply_ev;	/* a reply's deadline */
	int				 reading;	/* a request begun, unfinished */
	int				 waiting;	/* one read, not yet answered */
	int				 writing;	/* reply bytes not yet written */
	int				 moving;	/* in our own buffer moves */
	int				 refused;	/* nothing more is read */
	TAILQ_ENTRY(conn)		 entry;
};

TAILQ_HEAD(conn_list, conn);

struct conn_pool {
	struct event_base	*base;
	struct evhttp		*http;
	struct metrics		*metrics;
	struct conn_limits	 lim;
	struct conn_list	 fresh;		/* not yet adopted */
	struct conn_list	 open;		/* adopted, oldest first */
	size_t			 nfresh;
	size_t			 nopen;
	size_t			 nwriting;
	struct event		*adopt_ev;
	/* Closing is logged once in a while, with counts, not per connection. */
	time_t			 logged;
	unsigned		 unlogged[METRICS_CLOSED_COUNT];
};

static void	conn_read(struct conn *, struct evbuffer *, size_t);

static void
conn_free(struct conn *c)
{
	struct conn_pool	*pool = c->pool;

	if (c->writing)
		pool->nwriting--;
	evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->in_cb);
	evbuffer_remove_cb_entry(bufferevent_get_output(c->bev), c->out_cb);
	event_free(c->request_ev);
	event_free(c->reply_ev);
	evbuffer_free(c->held);
	framing_free(c->fr);
	bufferevent_decref(c->bev);
	free(c);
}

static void
conn_deadline(struct conn *c, struct event *ev, int ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(ev, &tv);
}

static void
conn_log_closed(struct conn_pool *pool, enum metrics_closed why)
{
	time_t	now = time(NULL);

	pool->metrics->http_closed[why]++;
	pool->unlogged[why]++;
	if (now - pool->logged < 10)
		return;
	pool->logged = now;
	log_notice("http: closed connections: %u refused for their framing, "
	    "%u requests and %u replies not whole within request_timeout, "
	    "%u to keep descriptors free (logged every 10 s at most)",
	    pool->unlogged[CLOSED_REFUSED],
	    pool->unlogged[CLOSED_REQUEST_TIMEOUT],
	    pool->unlogged[CLOSED_REPLY_TIMEOUT], pool->unlogged[CLOSED_SHED]);
	memset(pool->unlogged, 0, sizeof pool->unlogged);
}

/*
 * Closes c as a read timeout would: evhttp frees the connection (c with it,
 * through the close callback), detaching any request it had not answered.
 */
static void
conn_close(struct conn *c, enum metrics_closed why)
{
	conn_log_closed(c->pool, why);
	bufferevent_trigger_event(c->bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT,
	    0);
}

static void
conn_request_deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	conn_close(arg, CLOSED_REQUEST_TIMEOUT);
}

static void
conn_reply_deadline_cb(evutil_socket_t fd, short events, void *arg)
{
	conn_close(arg, CLOSED_REPLY_TIMEOUT);
}

static void
conn_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct conn	*c = arg;

	TAILQ_REMOVE(&c->pool->open, c, entry);
	c->pool->nopen--;
	conn_free(c);
}

/*
 * Room for a new connection: closes the oldest that is reading a request or
 * idle between requests, never one with a request being answered.
 */
static int
conn_shed(struct conn_pool *pool)
{
	struct conn	*c;

	TAILQ_FOREACH(c, &pool->open, entry) {
		if (!c->waiting && !c->writing) {
			conn_close(c, CLOSED_SHED);	/* frees c */
			return 0;
		}
	}
	return -1;
}

static void
conn_adopt_cb(evutil_socket_t fd, short events, void *arg)
{
	struct conn_pool	*pool = arg;
	struct conn		*c;
	void			*cbarg;

	while ((c = TAILQ_FIRST(&pool->fresh)) != NULL) {
		TAILQ_REMOVE(&pool->fresh, c, entry);
		pool->nfresh--;
		cbarg = NULL;
		bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
		if (cbarg == NULL) {
			/* evhttp gave up on it already (bufferevent_free) */
			conn_free(c);
			continue;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon, conn_closed_cb, c);
		TAILQ_INSERT_TAIL(&pool->open, c, entry);
		pool->nopen++;
	}
	/* Here rather than as they arrive: evhttp is not halfway through one. */
	while (pool->lim.max_conns > 0 && pool->nopen > pool->lim.max_conns)
		if (conn_shed(pool) == -1)
			break;
}

static void
conn_input_cb(struct evbuffer *in, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;

	if (c->moving || info->n_added == 0)
		return;
	c->moving = 1;
	conn_read(c, in, info->n_added);
	c->moving = 0;
}

static void
conn_output_cb(struct evbuffer *out, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct conn	*c = arg;
	int		 writing = evbuffer_get_length(out) > 0;

	if (writing == c->writing)
		return;
	c->writing = writing;
	if (writing) {
		c->pool->nwriting++;
		c->waiting = 0;
		conn_deadline(c, c->reply_ev, c->pool->lim.reply_timeout_ms);
	} else {
		c->pool->nwriting--;
		event_del(c->reply_ev);
	}
}

/* Hands the connection's refusal to evhttp in place of what was sent. */
static void
conn_refuse(struct conn *c, struct evbuffer *in, const struct framing_step *st)
{
	char	*text;

	c->refused = 1;
	c->reading = 0;
	c->waiting = 1;
	event_del(c->request_ev);
	evbuffer_drain(c->held, evbuffer_get_length(c->held));
	text = framing_refusal(st);
	log_info("http: refusing a request: %s (%d)", st->reason, st->status);
	conn_log_closed(c->pool, CLOSED_REFUSED);
	if (evbuffer_add(in, text, strlen(text)) == -1)
		/*
		 * (never: this runs while the socket is read, when the input
		 * takes bytes)  Closed from the loop, not under our caller.
		 */
		event_active(c->request_ev, EV_TIMEOUT, 0);
	free(text);
}

/*
 * The last n bytes of in have just been read from the socket.  Takes them
 * out and puts back what the framing reader lets through.
 */
static void
conn_read(struct conn *c, struct evbuffer *in, size_t n)
{
	struct evbuffer		*fresh, *front = NULL;
	struct evbuffer_iovec	 v;
	struct framing_step	 st;
	size_t			 keep = evbuffer_get_length(in) - n;

	fresh = xevbuffer_new();
	if (keep > 0) {
		/* earlier bytes evhttp has not consumed yet stay in front */
		front = xevbuffer_new();
		evbuffer_remove_buffer(in, front, keep);
	}
	evbuffer_add_buffer(fresh, in);
	if (front != NULL) {
		evbuffer_add_buffer(in, front);
		evbuffer_free(front);
	}
	while (!c->refused && evbuffer_get_length(fresh) > 0) {
		if (evbuffer_peek(fresh, -1, NULL, &v, 1) < 1 || v.iov_len == 0)
			break;
		framing_step(c->fr, v.iov_base, v.iov_len, &st);
		if (st.begun && !c->reading) {
			c->reading = 1;
			conn_deadline(c, c->request_ev,
			    c->pool->lim.request_timeout_ms);
		}
		switch (st.act) {
		case FRAMING_HOLD:
			evbuffer_remove_buffer(fresh, c->held, st.used);
			break;
		case FRAMING_RELEASE:
			evbuffer_remove_buffer(fresh, c->held, st.used);
			evbuffer_add_buffer(in, c->held);
			break;
		case FRAMING_PASS:
			evbuffer_remove_buffer(fresh, in, st.used);
			break;
		case FRAMING_DROP:
			evbuffer_drain(fresh, st.used);
			break;
		case FRAMING_REFUSE:
			conn_refuse(c, in, &st);
			break;
		}
		if (st.ended) {
			c->reading = 0;
			c->waiting = 1;
			event_del(c->request_ev);
		}
	}
	evbuffer_free(fresh);	/* whatever follows a refusal */
}

static struct bufferevent *
conn_bev_cb(struct event_base *base, void *arg)
{
	struct conn_pool	*pool = arg;
	struct bufferevent	*bev;
	struct conn		*c;

	/* as evhttp makes its own: it closes the socket itself */
	if ((bev = bufferevent_socket_new(base, -1, 0)) == NULL)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->pool = pool;
	c->bev = bev;
	bufferevent_incref(bev);
	c->fr = framing_new(pool->lim.max_head, pool->lim.max_body);
	c->held = xevbuffer_new();
	c->in_cb = evbuffer_add_cb(bufferevent_get_input(bev), conn_input_cb, c);
	c->out_cb = evbuffer_add_cb(bufferevent_get_output(bev), conn_output_cb,
	    c);
	c->request_ev = evtimer_new(base, conn_request_deadline_cb, c);
	c->reply_ev = evtimer_new(base, conn_reply_deadline_cb, c);
	if (c->in_cb == NULL || c->out_cb == NULL || c->request_ev == NULL ||
	    c->reply_ev == NULL)
		fatal("http: out of memory for a connection");
	TAILQ_INSERT_TAIL(&pool->fresh, c, entry);
	pool->nfresh++;
	event_active(pool->adopt_ev, EV_TIMEOUT, 0);
	return bev;
}

struct conn_pool *
conn_pool_create(struct event_base *base, struct evhttp *http,
    struct metrics *metrics, const struct conn_limits *lim)
{
	struct conn_pool	*pool;

	pool = xcalloc(1, sizeof *pool);
	pool->base = base;
	pool->http = http;
	pool->metrics = metrics;
	pool->lim = *lim;
	TAILQ_INIT(&pool->fresh);
	TAILQ_INIT(&pool->open);
	if ((pool->adopt_ev = event_new(base, -1, 0, conn_adopt_cb,
	    pool)) == NULL)
		fatal("http: cannot create the connection event");
	/* Adopted before anything else runs (main.c sets up priorities). */
	(void)event_priority_set(pool->adopt_ev, 0);
	evhttp_set_bevcb(http, conn_bev_cb, pool);
	return pool;
}

void
conn_pool_free(struct conn_pool *pool)
{
	struct conn	*c;

	if (pool == NULL)
		return;
	/* Those left were never adopted; evhttp_free has freed the rest. */
	while ((c = TAILQ_FIRST(&pool->fresh)) != NULL) {
		TAILQ_REMOVE(&pool->fresh, c, entry);
		conn_free(c);
	}
	while ((c = TAILQ_FIRST(&pool->open)) != NULL) {
		TAILQ_REMOVE(&pool->open, c, entry);
		conn_free(c);
	}
	event_free(pool->adopt_ev);
	free(pool);
}

void
conn_pool_set_limits(struct conn_pool *pool, const struct conn_limits *lim)
{
	pool->lim = *lim;
}

size_t
conn_pool_writing(const struct conn_pool *pool)
{
	return pool->nwriting;
}

size_t
conn_pool_count(const struct conn_pool *pool)
{
	return pool->nopen + pool->nfresh;
}
