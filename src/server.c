/* SPDX-License-Identifier: ISC */
/*
 * HTTP server (see server.h).  Every request path ends in exactly one reply
 * through server_reply, which also counts it for /metrics and tracks it for
 * the shutdown drain.  Handlers are synchronous: a webhook is verified,
 * stored and answered within one callback, so "in flight" at shutdown means
 * a reply still being written.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "api.h"
#include "clock.h"
#include "conf.h"
#include "conn.h"
#include "console.h"
#include "diag.h"
#include "form.h"
#include "framing.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "prompts.h"
#include "provider.h"
#include "reqtarget.h"
#include "server.h"
#include "settings.h"
#include "sms.h"
#include "voice.h"
#include "storage.h"
#include "xmalloc.h"

/*
 * Group commit: inbound messages arriving in one pass of the event loop are
 * stored in one transaction and made durable by one sync (storage.h), and
 * their answers are held until then.  The commit runs at the loop's lowest
 * priority, after the pass's other callbacks, or at once when this many
 * answers are held or this many requests went by while the group was open.
 */
#define SERVER_GROUP_MAX	64

struct server {
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;
	const struct settings		*set;		/* in force; borrowed */
	struct storage			*st;
	struct metrics			*metrics;
	struct outbox			*outbox;
	struct api			*api;
	struct conn_pool		*conns;
	struct console			*console;
	const struct provider_hooks	*hooks;		/* the provider's webhooks */
	struct server_route		*routes;	/* owned */
	size_t				 nroutes;
	int				 port;
	int				 draining;	/* stopped serving */
	struct event			*accept_ev;	/* resumes accepting */
	time_t				 accept_warned;
	/* Group commit: answers held until their group is durable. */
	struct event			*flush_ev;
	struct server_held {
		struct evhttp_request	*req;
		int			 metric;
		struct sms_response	 res;	/* owned */
		uint64_t		 t0;	/* arrival, metrics_usec() */
	}				 held[SERVER_GROUP_MAX];
	size_t				 nheld;
	unsigned			 group_seen;	/* requests while open */
	int				 group_kick;	/* a member queued sends */
};

/* How long accepting pauses when the process is out of descriptors. */
#define SERVER_ACCEPT_PAUSE_MS	250

/*
 * libevent gives a listener's error callback evhttp's argument, not ours;
 * there is one listening server a process, so it is found here.
 */
static struct server	*server_listening;

struct server_route {
	const char		*path;
	int			 prefix;	/* also every path below */
	int			 metric;	/* metrics_route */
	int			 methods;	/* EVHTTP_REQ_* */
	const char		*allow;
	void			 (*handler)(struct server *, struct evhttp_request *,
				    const struct server_route *,
				    const struct reqtarget *);
	enum provider_hook	 hook;		/* for the provider's webhooks */
};

static void	server_healthz(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
static void	server_metrics(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
static void	server_livez(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
static void	server_readyz(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
static void	server_webhook(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
static void	server_api(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
static void	server_console(struct server *, struct evhttp_request *,
		    const struct server_route *, const struct reqtarget *);
/* The routes besides the provider's webhooks (provider.h). */
static const struct server_route server_fixed_routes[] = {
	{ .path = "/healthz", .metric = ROUTE_HEALTHZ,
	  .methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, .allow = "GET, HEAD",
	  .handler = server_healthz },
	{ .path = "/livez", .metric = ROUTE_LIVEZ,
	  .methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, .allow = "GET, HEAD",
	  .handler = server_livez },
	{ .path = "/readyz", .metric = ROUTE_READYZ,
	  .methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, .allow = "GET, HEAD",
	  .handler = server_readyz },
	{ .path = "/metrics", .metric = ROUTE_METRICS,
	  .methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, .allow = "GET, HEAD",
	  .handler = server_metrics },
	/* The staff API checks methods per route itself (api.c). */
	{ .path = API_PREFIX, .prefix = 1, .metric = ROUTE_API,
	  .methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PATCH |
	  EVHTTP_REQ_DELETE | EVHTTP_REQ_PUT | EVHTTP_REQ_HEAD |
	  EVHTTP_REQ_OPTIONS, .allow = "GET, POST, PATCH, DELETE",
	  .handler = server_api },
	/* The clinic console's pages and sign-in (console.c). */
	{ .path = CONSOLE_PREFIX, .prefix = 1, .metric = ROUTE_OTHER,
	  .methods = EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	  EVHTTP_REQ_DELETE, .allow = "GET, HEAD, POST, DELETE",
	  .handler = server_console },
};

/*
 * Without TCP_NODELAY an answer larger than a few segments (an API list, the
 * CSV export) waits for the client's delayed ACK on a kept-alive connection:
 * about 40 ms each.
 */
static void
server_nodelay(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	evutil_socket_t			 fd;
	int				 one = 1;

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL ||
	    (fd = bufferevent_getfd(bev)) < 0)
		return;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* The one way out of every request: counts it, sends it, tracks it. */
static void
server_reply(struct server *srv, struct evhttp_request *req,
    int route, int status, const char *ctype, const char *body)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_output_headers(req);
	struct evbuffer		*out = evhttp_request_get_output_buffer(req);

	metrics_request(srv->metrics, route, status);
	if (ctype != NULL)
		evhttp_add_header(hdrs, "Content-Type", ctype);
	evhttp_add_header(hdrs, "Cache-Control", "no-store");
	if (srv->draining)
		evhttp_add_header(hdrs, "Connection", "close");
	if (body != NULL)
		evbuffer_add(out, body, strlen(body));
	server_nodelay(req);
	evhttp_send_reply(req, status, NULL, NULL);	/* libevent's phrase */
}

static void
server_text(struct server *srv, struct evhttp_request *req,
    int route, int status, const char *text)
{
	server_reply(srv, req, route, status, "text/plain; charset=utf-8", text);
}

int
server_content_type_is(struct evhttp_request *req, const char *want)
{
	const char	*ct;
	size_t		 len = strlen(want);

	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (ct == NULL || strncasecmp(ct, want, len) != 0)
		return 0;
	ct += len;
	return *ct == '\0' || *ct == ';' || *ct == ' ';
}

/*
 * Commits the group and gives every held answer: the TwiML if the group is
 * durable, 503 if not, so the provider retries what was not kept.  Called
 * from the flush event, when the group is full, by the store when other
 * work needs it (storage_set_flush) and on shutdown.
 */
static void
server_group_flush(struct server *srv)
{
	struct server_held	 held[SERVER_GROUP_MAX];
	size_t			 i, n = srv->nheld;
	int			 ok, kick = srv->group_kick;

	event_del(srv->flush_ev);
	memcpy(held, srv->held, n * sizeof held[0]);
	srv->nheld = 0;
	srv->group_seen = 0;
	srv->group_kick = 0;
	ok = storage_group_commit(srv->st) == 0;
	if (ok && n > 0) {
		srv->metrics->group_commits++;
		srv->metrics->group_members += n;
	}
	for (i = 0; i < n; i++) {
		sms_done(srv->metrics, &held[i].res, ok);
		if (evhttp_request_get_connection(held[i].req) == NULL)
			/* The client went away while it waited. */
			evhttp_request_free(held[i].req);
		else if (ok) {
			server_reply(srv, held[i].req, held[i].metric, 200,
			    srv->hooks->reply_type, held[i].res.body);
			metrics_webhook(srv->metrics,
			    metrics_usec() - held[i].t0);
		}
		else
			server_text(srv, held[i].req, held[i].metric, 503,
			    "temporarily unable to store the message\n");
		free(held[i].res.body);
	}
	if (ok && kick)
		outbox_kick(srv->outbox);	/* alerts are durable now */
}

static void
server_flush_store_cb(void *arg)
{
	server_group_flush(arg);
}

static void
server_flush_cb(evutil_socket_t fd, short events, void *arg)
{
	server_group_flush(arg);
}

static int
server_group_join(struct server *srv)
{
	if (storage_group_join(srv->st) == -1)
		return -1;
	/* Runs once the pass's other callbacks have. */
	event_active(srv->flush_ev, EV_TIMEOUT, 0);
	return 0;
}

/* Takes what res owns. */
static void
server_group_hold(struct server *srv, struct evhttp_request *req,
    int metric, const struct sms_response *res, uint64_t t0)
{
	struct server_held	*h = &srv->held[srv->nheld++];

	h->t0 = t0;
	h->req = req;
	h->metric = metric;
	h->res = *res;
	srv->group_kick |= res->queued;
	/*
	 * held[]'s bound.  The dispatch counter does not see the request that
	 * opened the group, so it alone would let one more in.
	 */
	if (srv->nheld == SERVER_GROUP_MAX)
		server_group_flush(srv);
}

/* The work of one verified webhook, by what the provider's route is for. */
static void
server_hook(struct server *srv, enum provider_hook hook, const struct form *f,
    const char *query, int64_t now, struct sms_response *res)
{
	const struct provider_hooks	*hk = srv->hooks;
	struct provider_inbound		 in;
	struct provider_status		 ps;
	struct provider_call		 call;
	const char			*why = "malformed webhook";

	switch (hook) {
	case PROVIDER_HOOK_INBOUND:
		if (hk->inbound(f, &in, &why) == -1)
			break;
		sms_handle(srv->set, srv->st, srv->metrics, hk, &in, now, res);
		return;
	case PROVIDER_HOOK_STATUS:
		if (hk->status(f, query, &ps, &why) == -1)
			break;
		res->status = outbox_status(srv->outbox, &ps, now);
		res->body = xstrdup(res->status == 200 ? "" :
		    "database unavailable; try again\n");
		return;
	case PROVIDER_HOOK_VOICE_START:
	case PROVIDER_HOOK_VOICE_GATHER:
	case PROVIDER_HOOK_VOICE_NO_INPUT:
	case PROVIDER_HOOK_VOICE_END:
		if (hk->call(f, query, &call, &why) == -1)
			break;
		voice_handle(srv->set, srv->st, srv->metrics, hk,
		    hook == PROVIDER_HOOK_VOICE_START ? VOICE_START :
		    hook == PROVIDER_HOOK_VOICE_GATHER ? VOICE_GATHER :
		    hook == PROVIDER_HOOK_VOICE_NO_INPUT ? VOICE_NO_INPUT :
		    VOICE_STATUS, &call, now, res);
		return;
	}
	res->status = 400;
	res->body = xasprintf("%s\n", why);
}

static void
server_webhook(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	const struct conf		*conf = srv->set->conf;
	const struct provider_hooks	*hk = srv->hooks;
	struct evkeyvalq		*hdrs = evhttp_request_get_input_headers(req);
	struct evbuffer			*in = evhttp_request_get_input_buffer(req);
	struct provider_request		 rq;
	struct form			*f = NULL;
	struct sms_response		 res;
	const char			*why = NULL;
	char				*url = NULL, *text;
	uint64_t			 t0 = metrics_usec();
	int				 status, grouped;

	memset(&rq, 0, sizeof rq);
	rq.len = evbuffer_get_length(in);
	if (rq.len > SERVER_MAX_BODY) {	/* evhttp enforces this too */
		server_text(srv, req, rt->metric, 413, "body too large\n");
		return;
	}
	rq.body = (const char *)evbuffer_pullup(in, -1);
	rq.query = t->query;
	rq.content_type = evhttp_find_header(hdrs, "Content-Type");
	rq.max_fields = SERVER_MAX_FIELDS;
	if (hk->signature_header != NULL)
		rq.signature = evhttp_find_header(hdrs, hk->signature_header);
	if ((status = hk->read(&rq, &f, &why)) != 0) {
		text = xasprintf("%s\n", why);
		server_text(srv, req, rt->metric, status, text);
		free(text);
		return;
	}
	if (conf->verify_signatures) {
		/* exactly the path and query routed on */
		url = xasprintf("%s%s%s%s", conf->public_url, t->path,
		    t->query != NULL ? "?" : "", t->query != NULL ? t->query : "");
		rq.url = url;
		if (!hk->verify(conf, &rq, f, clock_now(), &why)) {
			srv->metrics->signature_failures++;
			log_warn("http: %s refused: %s", rt->path, why);
			form_free(f);
			free(url);
			server_text(srv, req, rt->metric, 403,
			    "signature missing or wrong\n");
			return;
		}
	}
	grouped = rt->hook == PROVIDER_HOOK_INBOUND &&
	    server_group_join(srv) == 0;
	memset(&res, 0, sizeof res);
	server_hook(srv, rt->hook, f, t->query, clock_now(), &res);
	if (grouped) {
		storage_group_leave(srv->st);
		grouped = !res.alone;
	}
	if (res.alone) {
		/*
		 * Another instance holds a lock it needs (storage.h): its work
		 * is undone.  The group is committed and answered first, so
		 * this instance holds nothing while the message waits, alone.
		 */
		srv->metrics->group_alone++;
		server_group_flush(srv);
		free(res.body);
		memset(&res, 0, sizeof res);
		server_hook(srv, rt->hook, f, t->query, clock_now(), &res);
	}
	form_free(f);
	free(url);
	if (grouped) {
		if (res.status == 200) {
			server_group_hold(srv, req, rt->metric, &res, t0);
			return;
		}
	} else if (res.status == 200) {
		sms_done(srv->metrics, &res, 1);
		outbox_kick(srv->outbox);	/* it may have queued alerts */
	}
	if (res.status == 200)
		server_reply(srv, req, rt->metric, 200, hk->reply_type,
		    res.body);
	else
		server_text(srv, req, rt->metric, res.status, res.body);
	metrics_webhook(srv->metrics, metrics_usec() - t0);
	free(res.body);
}

static void
server_api(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	struct api_reply	reply;

	api_handle(srv->api, srv->set, req, t->path, &reply);
	if (reply.changed)
		outbox_kick(srv->outbox);	/* a welcome may be waiting */
	server_reply(srv, req, rt->metric, reply.status, reply.ctype,
	    reply.body);
	free(reply.body);
}

static void
server_console(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	struct api_reply	reply;

	console_handle(srv->console, srv->set, req, t->path, &reply);
	server_reply(srv, req, rt->metric, reply.status, reply.ctype,
	    reply.body);
	free(reply.body);
}

static void
server_healthz(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	if (storage_ping(srv->st) == -1) {
		srv->metrics->db_errors++;
		server_text(srv, req, rt->metric, 503,
		    "database unavailable or refusing writes\n");
		return;
	}
	if (!outbox_healthy(srv->outbox, clock_now())) {
		server_text(srv, req, rt->metric, 503,
		    "outbox stalled: a due message has waited too long\n");
		return;
	}
	server_text(srv, req, rt->metric, 200, "ok\n");
}

/* Liveness (interface.md): the event loop answers; nothing else is asked. */
static void
server_livez(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	server_text(srv, req, rt->metric, 200, "ok\n");
}

/*
 * Readiness: the database answers and takes writes, the outbox is not
 * stalled ([outbox] stall_after), and no on-call alert has waited longer
 * than [escalation] alert_stuck_after for the provider to accept it: a
 * red flag nobody can be told about is not a gateway ready for patients.
 */
static void
server_readyz(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	struct escalation_stats	 es;
	int64_t			 now = clock_now();
	char			*why;

	if (storage_ping(srv->st) == -1) {
		srv->metrics->db_errors++;
		server_text(srv, req, rt->metric, 503,
		    "database unavailable or refusing writes\n");
		return;
	}
	if (storage_escalation_stats(srv->st, now -
	    srv->set->conf->alert_stuck_after, &es) == -1) {
		srv->metrics->db_errors++;
		server_text(srv, req, rt->metric, 503,
		    "database unavailable\n");
		return;
	}
	if (es.alerts_stuck > 0) {
		why = xasprintf("on-call alerts stuck: %d not accepted by the "
		    "provider after %d s\n", es.alerts_stuck,
		    srv->set->conf->alert_stuck_after);
		server_text(srv, req, rt->metric, 503, why);
		free(why);
		return;
	}
	if (!outbox_healthy(srv->outbox, now)) {
		server_text(srv, req, rt->metric, 503,
		    "outbox stalled: a due message has waited too long\n");
		return;
	}
	server_text(srv, req, rt->metric, 200, "ready\n");
}

static void
server_metrics(struct server *srv, struct evhttp_request *req,
    const struct server_route *rt, const struct reqtarget *t)
{
	struct escalation_stats	 es;
	char			*text;
	int64_t			 count, oldest, now = clock_now();

	/* What an alert needs to see a stuck outbox (contrib/clotline-alerts.yml). */
	if (storage_outbound_backlog(srv->st, now, &count, &oldest) == 0) {
		srv->metrics->outbox_backlog = count;
		srv->metrics->outbox_oldest_due = oldest > 0 && oldest < now ?
		    now - oldest : 0;
	} else
		srv->metrics->outbox_backlog = srv->metrics->outbox_oldest_due = -1;
	srv->metrics->escalations_known = storage_escalation_stats(srv->st,
	    now - srv->set->conf->alert_stuck_after, &es) == 0;
	if (srv->metrics->escalations_known) {
		srv->metrics->escalations_open_urgent = es.open_urgent;
		srv->metrics->escalations_open_emergency = es.open_emergency;
		srv->metrics->escalation_oldest_open_at = es.oldest_open_at;
		srv->metrics->alerts_stuck = es.alerts_stuck;
	}	/* else the gauges are left out; /readyz says why */
	text = metrics_render(srv->metrics, time(NULL));
	server_reply(srv, req, rt->metric, 200,
	    "text/plain; version=0.0.4; charset=utf-8", text);
	free(text);
}

/*
 * Two Content-Length headers: evhttp reads the body by the first, while a
 * proxy in front may have gone by the other, and the two would then read
 * the rest of the connection as different requests (request smuggling).
 * Refused and the connection closed.  (Content-Length with
 * Transfer-Encoding is refused by evhttp itself.)
 */
static int
server_length_ambiguous(struct evhttp_request *req)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	int			 n = 0;

	TAILQ_FOREACH(kv, hdrs, next) {
		if (strcasecmp(kv->key, "Content-Length") == 0)
			n++;
	}
	return n > 1;
}

/*
 * Routes on the request target exactly as sent (reqtarget.h): an
 * origin-form path, matched byte for byte, whose path and query are also
 * what a webhook's signature is checked over.  Anything else is 400, never
 * a route: libevent also parses absolute-form targets, "//host/path" and
 * fragments, and a route taken from what it made of those could accept a
 * request signed for one route on another.
 */
static void
server_dispatch_cb(struct evhttp_request *req, void *arg)
{
	struct server			*srv = arg;
	const struct server_route	*rt = NULL;
	struct reqtarget		 t;
	const char			*path, *reason;
	char				*text;
	size_t				 i, len;
	int				 status;

	/* Requests that never touch the store must not hold a group forever. */
	if (storage_group_active(srv->st) &&
	    ++srv->group_seen >= SERVER_GROUP_MAX)
		server_group_flush(srv);
	/* In place of a request that could not be framed safely (conn.c). */
	if (framing_refusal_parse(evhttp_find_header(
	    evhttp_request_get_input_headers(req), FRAMING_REFUSED_HEADER),
	    &status, &reason) == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		text = xasprintf("%s\n", reason);
		server_text(srv, req, ROUTE_OTHER, status, text);
		free(text);
		return;
	}
	if (server_length_ambiguous(req)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		server_text(srv, req, ROUTE_OTHER, 400,
		    "more than one Content-Length\n");
		return;
	}
	if (reqtarget_parse(evhttp_request_get_uri(req), &t) == -1) {
		server_text(srv, req, ROUTE_OTHER, 400,
		    "bad request target: a path starting with one '/' expected\n");
		return;
	}
	path = t.path;
	for (i = 0; i < srv->nroutes; i++) {
		len = strlen(srv->routes[i].path);
		if (strcmp(srv->routes[i].path, path) == 0 ||
		    (srv->routes[i].prefix &&
		    strncmp(srv->routes[i].path, path, len) == 0 &&
		    path[len] == '/')) {
			rt = &srv->routes[i];
			break;
		}
	}
	if (rt == NULL)
		server_text(srv, req, ROUTE_OTHER, 404, "not found\n");
	else if (srv->draining)
		server_text(srv, req, rt->metric, 503, "shutting down\n");
	else if ((evhttp_request_get_command(req) & rt->methods) == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", rt->allow);
		server_text(srv, req, rt->metric, 405, "method not allowed\n");
	} else {
		/* Requests wait a little for a lock; background work not. */
		storage_set_busy_timeout(srv->st,
		    srv->set->conf->busy_timeout_ms < SERVER_LOOP_BUSY_MS ?
		    srv->set->conf->busy_timeout_ms : SERVER_LOOP_BUSY_MS);
		rt->handler(srv, req, rt, &t);
		storage_set_busy_timeout(srv->st, 0);
	}
	reqtarget_clear(&t);
}

/*
 * The routing table: the provider's webhooks (each counted under its
 * label), then the gateway's own routes.  The provider is fixed for the
 * life of the server, as its adapter is (a change needs a restart).
 */
static void
server_routes_build(struct server *srv, const struct provider_hooks *hk)
{
	const size_t	 nfixed = sizeof server_fixed_routes /
			    sizeof server_fixed_routes[0];
	struct server_route *rt;
	size_t		 i;

	srv->hooks = hk;
	srv->nroutes = hk->nroutes + nfixed;
	srv->routes = xcalloc(srv->nroutes, sizeof *srv->routes);
	for (i = 0; i < hk->nroutes; i++) {
		if (hk->call == NULL && hk->routes[i].hook !=
		    PROVIDER_HOOK_INBOUND && hk->routes[i].hook !=
		    PROVIDER_HOOK_STATUS)
			fatal("http: %s: a keypad route without a keypad",
			    hk->routes[i].path);
		rt = &srv->routes[i];
		rt->path = hk->routes[i].path;
		rt->metric = metrics_route(srv->metrics, hk->routes[i].metric);
		rt->methods = EVHTTP_REQ_POST;
		rt->allow = "POST";
		rt->handler = server_webhook;
		rt->hook = hk->routes[i].hook;
	}
	memcpy(srv->routes + hk->nroutes, server_fixed_routes,
	    sizeof server_fixed_routes);
}

/*
 * Descriptors kept free of clients: the database and its journal files,
 * the outbox's connections to the provider, files read on reload, the log.
 */
#define SERVER_FD_RESERVE	64

/*
 * The connections' limits (conn.h): the heads and bodies evhttp would take,
 * request_timeout for a whole request and a whole reply, and connections up
 * to the descriptor limit less a reserve.
 */
static void
server_conn_limits(const struct conf *conf, struct conn_limits *lim)
{
	struct rlimit	rl;

	memset(lim, 0, sizeof *lim);
	/* (evhttp counts lines without their CRLF; this counts them) */
	lim->max_head = SERVER_MAX_HEADERS + 2048;
	lim->max_body = SERVER_MAX_BODY;
	lim->request_timeout_ms = conf->request_timeout * 1000;
	lim->reply_timeout_ms = conf->request_timeout * 1000;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		if (rl.rlim_cur > 4 * SERVER_FD_RESERVE)
			lim->max_conns = rl.rlim_cur - SERVER_FD_RESERVE;
		else
			lim->max_conns = rl.rlim_cur * 3 / 4;
	}
}

/*
 * evhttp's own timeouts on a connection's socket, a second longer than
 * request_timeout.  The deadlines that count are the connection layer's
 * (conn.c): a whole request, a whole reply.  evhttp re-arms its read timeout
 * as a reply starts, in the same loop pass and so at the same instant as the
 * reply's deadline, and which of two equal timers runs first is not defined:
 * when evhttp's did, it closed a slow reader uncounted (reply_timeout stayed
 * 0).  The second between them makes evhttp's timer a backstop for idle
 * kept-alive connections only.
 */
static void
server_evhttp_timeout(struct server *srv, const struct conf *conf)
{
	struct timeval	tv;

	tv.tv_sec = conf->request_timeout + 1;
	tv.tv_usec = 0;
	evhttp_set_timeout_tv(srv->http, &tv);
}

struct server *
server_create(struct event_base *base, const struct settings *set,
    struct storage *st, struct outbox *ob, struct metrics *metrics)
{
	struct server		*srv;
	struct conn_limits	 lim;

	srv = xcalloc(1, sizeof *srv);
	srv->base = base;
	srv->set = set;
	srv->st = st;
	srv->outbox = ob;
	srv->metrics = metrics;
	server_routes_build(srv, provider_find(set->conf->provider)->hooks);
	srv->api = api_create(st);
	srv->console = console_create(st);
	api_set_console(srv->api, srv->console);
	if ((srv->http = evhttp_new(base)) == NULL)
		fatal("http: cannot create the HTTP server");
	evhttp_set_max_body_size(srv->http, SERVER_MAX_BODY);
	evhttp_set_max_headers_size(srv->http, SERVER_MAX_HEADERS);
	server_evhttp_timeout(srv, set->conf);
	server_conn_limits(set->conf, &lim);
	srv->conns = conn_pool_create(base, srv->http, metrics, &lim);
	/*
	 * libevent answers 501 for methods outside this set; the routing table
	 * answers 405 with Allow for a known method on the wrong route.
	 */
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	/* Read the rest of an oversized body so the client sees the 413. */
	evhttp_set_flags(srv->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_gencb(srv->http, server_dispatch_cb, srv);
	if ((srv->flush_ev = event_new(base, -1, 0, server_flush_cb,
	    srv)) == NULL)
		fatal("http: cannot create the group commit event");
	/* The lowest priority the loop has (main.c sets up three). */
	(void)event_priority_set(srv->flush_ev,
	    event_base_get_npriorities(base) - 1);
	storage_set_flush(st, server_flush_store_cb, srv);
	return srv;
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	server_group_flush(srv);
	storage_set_flush(srv->st, NULL, NULL);
	event_free(srv->flush_ev);
	if (srv->accept_ev != NULL)
		event_free(srv->accept_ev);
	if (server_listening == srv)
		server_listening = NULL;
	if (srv->http != NULL)
		evhttp_free(srv->http);
	conn_pool_free(srv->conns);	/* after evhttp's connections */
	api_free(srv->api);
	console_free(srv->console);
	free(srv->routes);
	free(srv);
}

/* Writes the port through a temporary file, so readers never see half. */
static int
server_write_port_file(const char *path, int port, char **errp)
{
	char	*tmp;
	FILE	*fp;
	int	 rc = -1;

	tmp = xasprintf("%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL) {
		*errp = xasprintf("cannot write port file %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	fprintf(fp, "%d\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		*errp = xasprintf("cannot write port file %s: %s", path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

static void
server_accept_resume_cb(evutil_socket_t fd, short events, void *arg)
{
	struct server	*srv = arg;

	if (srv->bound != NULL)
		evconnlistener_enable(evhttp_bound_socket_get_listener(srv->bound));
}

/*
 * accept() failed, for want of descriptors (EMFILE, ENFILE) or memory.  The
 * listening socket stays readable, so libevent would try again at once: a
 * busy loop writing a warning each time (enough stalled clients would
 * make that hundreds of thousands of lines a second).  Accepting pauses
 * instead; stalled clients are closed after
 * request_timeout, which frees their descriptors.
 */
static void
server_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct server	*srv = server_listening;
	struct timeval	 tv = { 0, SERVER_ACCEPT_PAUSE_MS * 1000 };
	int		 error = errno;
	time_t		 now = time(NULL);

	evconnlistener_disable(lev);
	if (srv == NULL)
		return;
	event_add(srv->accept_ev, &tv);
	if (now - srv->accept_warned >= 60) {
		srv->accept_warned = now;
		log_warn("http: cannot accept connections: %s; pausing "
		    "accepts for %d ms at a time (warned once a minute)",
		    strerror(error), SERVER_ACCEPT_PAUSE_MS);
	}
}

int
server_listen(struct server *srv, char **errp)
{
	const struct conf	*conf = srv->set->conf;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	evutil_socket_t		 fd;

	*errp = NULL;
	srv->bound = evhttp_bind_socket_with_handle(srv->http, conf->listen_host,
	    (ev_uint16_t)conf->listen_port);
	if (srv->bound == NULL) {
		*errp = xasprintf("cannot listen on %s:%d: %s", conf->listen_host,
		    conf->listen_port, strerror(errno));
		return -1;
	}
	srv->accept_ev = evtimer_new(srv->base, server_accept_resume_cb, srv);
	server_listening = srv;
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(srv->bound),
	    server_accept_error_cb);
	fd = evhttp_bound_socket_get_fd(srv->bound);
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		*errp = xasprintf("getsockname: %s", strerror(errno));
		return -1;
	}
	if (ss.ss_family == AF_INET)
		srv->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		srv->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	if (conf->port_file != NULL &&
	    server_write_port_file(conf->port_file, srv->port, errp) == -1)
		return -1;
	log_notice("http: listening on %s port %d", conf->listen_host, srv->port);
	return 0;
}

int
server_port(const struct server *srv)
{
	return srv->port;
}

void
server_set_settings(struct server *srv, const struct settings *set)
{
	struct conn_limits	lim;

	server_evhttp_timeout(srv, set->conf);
	server_conn_limits(set->conf, &lim);
	conn_pool_set_limits(srv->conns, &lim);
	srv->set = set;
}

size_t
server_writing(const struct server *srv)
{
	return conn_pool_writing(srv->conns);
}

void
server_stop(struct server *srv)
{
	if (srv->draining)
		return;
	server_group_flush(srv);
	srv->draining = 1;
	if (srv->bound != NULL) {
		evhttp_del_accept_socket(srv->http, srv->bound);
		srv->bound = NULL;
	}
	if (srv->accept_ev != NULL)
		event_del(srv->accept_ev);
}
