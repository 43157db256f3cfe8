/* SPDX-License-Identifier: ISC */
/*
 * HTTP client (see httpc.h).
 *
 * Each socket libcurl wants watched gets one persistent libevent event,
 * created on first sight (curl_multi_assign keeps it with the socket) and
 * changed when libcurl wants other directions.  libcurl's single timer is
 * one libevent timer.  After every action the finished transfers are
 * collected and their callbacks run; a callback may start new requests.
 */
#include "config.h"

#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/buffer.h>

#include "httpc.h"
#include "log.h"
#include "xmalloc.h"

#define HTTPC_MAX_RESPONSE	(256 * 1024)	/* a provider answer is ~1 KiB */
/* Retry-After beyond a week is a week (it fits a long everywhere). */
#define HTTPC_RETRY_AFTER_MAX	(7L * 24 * 3600)

struct httpc_xfer {
	struct httpc		*hc;
	CURL			*easy;
	struct curl_slist	*headers;
	struct evbuffer		*resp;
	char			*body;		/* owned; the POST body */
	size_t			 body_len;
	size_t			 body_off;	/* how much libcurl has read */
	int			 too_big;
	httpc_cb		 cb;
	void			*arg;
	char			 errbuf[CURL_ERROR_SIZE];
	TAILQ_ENTRY(httpc_xfer)	 entry;
};

struct httpc {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	TAILQ_HEAD(, httpc_xfer) xfers;
};

static void	httpc_collect(struct httpc *);

static void
httpc_xfer_free(struct httpc_xfer *x)
{
	curl_multi_remove_handle(x->hc->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	evbuffer_free(x->resp);
	TAILQ_REMOVE(&x->hc->xfers, x, entry);
	free(x->body);
	free(x);
}

static void
httpc_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpc	*hc = arg;
	int		 action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* libcurl's timer callback alone arms and clears the timer. */
	curl_multi_socket_action(hc->multi, fd, action, &running);
	httpc_collect(hc);
}

static void
httpc_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct httpc	*hc = arg;
	int		 running;

	curl_multi_socket_action(hc->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	httpc_collect(hc);
}

/* CURLMOPT_TIMERFUNCTION: libcurl asks for one timer; never act from here. */
static int
httpc_curl_timer(CURLM *multi, long timeout_ms, void *arg)
{
	struct httpc	*hc = arg;
	struct timeval	 tv;

	if (timeout_ms < 0) {
		evtimer_del(hc->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(hc->timer, &tv);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what libcurl wants, or stop. */
static int
httpc_curl_socket(CURL *easy, curl_socket_t s, int what, void *arg,
    void *sockp)
{
	struct httpc	*hc = arg;
	struct event	*ev = sockp;
	short		 kind;

	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL) {
			event_free(ev);
			curl_multi_assign(hc->multi, s, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST;
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (ev == NULL) {
		if ((ev = event_new(hc->base, s, kind, httpc_event_cb, hc)) == NULL)
			return -1;
		curl_multi_assign(hc->multi, s, ev);
	} else {
		event_del(ev);
		event_assign(ev, hc->base, s, kind, httpc_event_cb, hc);
	}
	event_add(ev, NULL);
	return 0;
}

static size_t
httpc_write(char *data, size_t size, size_t n, void *arg)
{
	struct httpc_xfer	*x = arg;
	size_t			 len = size * n;

	if (evbuffer_get_length(x->resp) + len > HTTPC_MAX_RESPONSE) {
		x->too_big = 1;
		return 0;	/* aborts the transfer */
	}
	evbuffer_add(x->resp, data, len);
	return len;
}

/*
 * Retry-After as libcurl parsed it (CURLINFO_RETRY_AFTER): seconds, or an
 * HTTP-date turned into seconds from now; libcurl gives 0 for a value it
 * cannot read (a 20-digit number included).  -1 when there is none worth
 * waiting for.  Callers still bound it (outbox_retry_delay_ms).
 */
static long
httpc_retry_after(CURL *easy)
{
	curl_off_t	v = 0;

	if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &v) != CURLE_OK ||
	    v <= 0)
		return -1;
	return v > HTTPC_RETRY_AFTER_MAX ? HTTPC_RETRY_AFTER_MAX : (long)v;
}

static void
httpc_finish(struct httpc_xfer *x, CURLcode result)
{
	struct httpc_response	 r;
	long			 reqsize = 0;

	memset(&r, 0, sizeof r);
	r.retry_after = -1;
	curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &reqsize);
	r.request_sent = reqsize > 0;
	if (result == CURLE_OK) {
		r.ok = 1;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r.status);
		r.retry_after = httpc_retry_after(x->easy);
	} else {
		r.timed_out = result == CURLE_OPERATION_TIMEDOUT;
		r.error = x->too_big ? "response too large" :
		    x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(result);
	}
	evbuffer_add(x->resp, "", 1);
	r.body_len = evbuffer_get_length(x->resp) - 1;
	r.body = (const char *)evbuffer_pullup(x->resp, -1);
	x->cb(&r, x->arg);
	httpc_xfer_free(x);
}

static void
httpc_collect(struct httpc *hc)
{
	struct httpc_xfer	*x;
	CURLMsg			*msg;
	int			 left;

	while ((msg = curl_multi_info_read(hc->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x != NULL)
			httpc_finish(x, msg->data.result);
	}
}

struct httpc *
httpc_new(struct event_base *base, long max_connections)
{
	struct httpc	*hc;

	hc = xcalloc(1, sizeof *hc);
	hc->base = base;
	TAILQ_INIT(&hc->xfers);
	if ((hc->multi = curl_multi_init()) == NULL)
		fatal("http client: curl_multi_init failed");
	if ((hc->timer = evtimer_new(base, httpc_timer_cb, hc)) == NULL)
		fatal("http client: cannot create a timer");
	curl_multi_setopt(hc->multi, CURLMOPT_SOCKETFUNCTION, httpc_curl_socket);
	curl_multi_setopt(hc->multi, CURLMOPT_SOCKETDATA, hc);
	curl_multi_setopt(hc->multi, CURLMOPT_TIMERFUNCTION, httpc_curl_timer);
	curl_multi_setopt(hc->multi, CURLMOPT_TIMERDATA, hc);
	curl_multi_setopt(hc->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    max_connections);
	curl_multi_setopt(hc->multi, CURLMOPT_MAXCONNECTS, max_connections);
	return hc;
}

void
httpc_free(struct httpc *hc)
{
	if (hc == NULL)
		return;
	while (!TAILQ_EMPTY(&hc->xfers))
		httpc_xfer_free(TAILQ_FIRST(&hc->xfers));
	curl_multi_cleanup(hc->multi);	/* closes kept connections */
	event_free(hc->timer);
	free(hc);
}

/* libcurl reads the POST body from here, once. */
static size_t
httpc_read_body(char *buf, size_t size, size_t nitems, void *arg)
{
	struct httpc_xfer	*x = arg;
	size_t			 n = size * nitems;

	if (n > x->body_len - x->body_off)
		n = x->body_len - x->body_off;
	memcpy(buf, x->body + x->body_off, n);
	x->body_off += n;
	return n;
}

/*
 * A body that cannot be rewound: when a kept-alive connection dies before
 * any answer, libcurl would otherwise send the request again on a new
 * connection by itself (Curl_retry_request), and a message the provider
 * had already taken would go out twice while the outbox counted one
 * attempt.  Without a rewind the transfer fails instead, as sent with no
 * answer, and the outbox decides (docs/outbox.md, the timeout policy).  A
 * request whose body never left can still be retried by libcurl: that is
 * safe.
 */
static int
httpc_seek_body(void *arg, curl_off_t offset, int origin)
{
	struct httpc_xfer	*x = arg;

	if (offset == 0 && origin == SEEK_SET && x->body_off == 0)
		return CURL_SEEKFUNC_OK;
	return CURL_SEEKFUNC_CANTSEEK;
}

int
httpc_post(struct httpc *hc, const struct httpc_request *rq, httpc_cb cb,
    void *arg)
{
	struct httpc_xfer	*x;
	CURL			*e;

	if ((e = curl_easy_init()) == NULL)
		return -1;
	x = xcalloc(1, sizeof *x);
	x->hc = hc;
	x->easy = e;
	x->cb = cb;
	x->arg = arg;
	x->resp = evbuffer_new();
	x->headers = curl_slist_append(NULL, "Accept: application/json");
	/* (a body read by callback would otherwise wait for 100 Continue) */
	x->headers = curl_slist_append(x->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_URL, rq->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "clotline/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, rq->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, rq->timeout_ms);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, httpc_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)x);
	if (rq->userpwd != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERPWD, rq->userpwd);
	}
	if (rq->body != NULL) {
		x->body = xstrdup(rq->body);
		x->body_len = strlen(x->body);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->body_len);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, httpc_read_body);
		curl_easy_setopt(e, CURLOPT_READDATA, x);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, httpc_seek_body);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, x);
	}
	TAILQ_INSERT_TAIL(&hc->xfers, x, entry);
	if (curl_multi_add_handle(hc->multi, e) != CURLM_OK) {
		httpc_xfer_free(x);
		return -1;
	}
	return 0;
}
