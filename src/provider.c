/* SPDX-License-Identifier: ISC */
/*
 * The table of messaging providers (see provider.h), and what their
 * hooks share.
 */
#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "conf.h"
#include "form.h"
#include "httpc.h"
#include "provider.h"
#include "xmalloc.h"

static const struct provider_ops *const providers[] = {
	&provider_console_ops,
	&provider_twilio_ops,
	&provider_vonage_ops,
};

struct provider_pending {
	struct provider_http	*ph;
	provider_classify_fn	 classify;
	provider_done_fn	 done;
	void			*arg;
	TAILQ_ENTRY(provider_pending) entry;
};

struct provider_http {
	struct httpc		*http;
	TAILQ_HEAD(, provider_pending) calls;	/* awaiting an answer */
	long			 connect_timeout_ms;
	long			 timeout_ms;
};

const struct provider_ops *
provider_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

const char *
provider_names(void)
{
	static char	names[256];
	size_t		i, len = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
		len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
		    i > 0 ? ", " : "", providers[i]->name);
	return names;
}

int64_t
provider_query_id(const char *query)
{
	const char	*p;
	char		*end;
	long long	 v;

	for (p = query; p != NULL && *p != '\0'; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (strncmp(p, "id=", 3) != 0)
			continue;
		errno = 0;
		v = strtoll(p + 3, &end, 10);
		if (errno == 0 && v > 0 && (*end == '\0' || *end == '&'))
			return (int64_t)v;
	}
	return 0;
}

struct provider_http *
provider_http_create(struct httpc *http, const struct conf *c)
{
	struct provider_http	*ph;

	ph = xcalloc(1, sizeof *ph);
	TAILQ_INIT(&ph->calls);
	ph->http = http;
	ph->connect_timeout_ms = (long)c->connect_timeout * 1000;
	ph->timeout_ms = (long)c->send_timeout * 1000;
	return ph;
}

void
provider_http_free(struct provider_http *ph)
{
	struct provider_pending	*call;

	if (ph == NULL)
		return;
	/* Requests abandoned at shutdown: their rows are recovered at start. */
	while ((call = TAILQ_FIRST(&ph->calls)) != NULL) {
		TAILQ_REMOVE(&ph->calls, call, entry);
		free(call);
	}
	free(ph);
}

static void
provider_http_answer_cb(const struct httpc_response *r, void *arg)
{
	struct provider_pending	*call = arg;
	struct provider_result	 res;

	if (r->ok) {
		call->classify(r->status, r->body, &res);
		if (r->retry_after >= 0)
			res.retry_after = r->retry_after;
	} else {
		memset(&res, 0, sizeof res);
		res.retry_after = -1;
		snprintf(res.detail, sizeof res.detail, "%s",
		    r->error != NULL ? r->error : "");
		/*
		 * Creation is not idempotent: once the request has left, a
		 * lost answer does not mean a lost message (outbox.c decides).
		 */
		res.outcome = r->request_sent ? PROVIDER_UNKNOWN : PROVIDER_RETRY;
	}
	TAILQ_REMOVE(&call->ph->calls, call, entry);
	call->done(&res, call->arg);
	free(call);
}

int
provider_http_post(struct provider_http *ph, const char *url,
    const char *userpwd, const char *body, provider_classify_fn classify,
    provider_done_fn done, void *arg)
{
	struct provider_pending	*call;
	struct httpc_request	 rq;

	memset(&rq, 0, sizeof rq);
	rq.url = url;
	rq.userpwd = userpwd;
	rq.body = body;
	rq.connect_timeout_ms = ph->connect_timeout_ms;
	rq.timeout_ms = ph->timeout_ms;
	call = xcalloc(1, sizeof *call);
	call->ph = ph;
	call->classify = classify;
	call->done = done;
	call->arg = arg;
	TAILQ_INSERT_TAIL(&ph->calls, call, entry);
	if (httpc_post(ph->http, &rq, provider_http_answer_cb, call) == -1) {
		TAILQ_REMOVE(&ph->calls, call, entry);
		free(call);
		return -1;
	}
	return 0;
}

void
provider_form_add(struct evbuffer *b, const char *key, const char *value)
{
	char	*enc;

	enc = evhttp_uriencode(value, -1, 1);
	evbuffer_add_printf(b, "%s%s=%s", evbuffer_get_length(b) > 0 ? "&" : "",
	    key, enc);
	free(enc);
}

void
provider_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

int
provider_type_is(const char *ctype, const char *want)
{
	size_t	len = strlen(want);

	if (ctype == NULL || strncasecmp(ctype, want, len) != 0)
		return 0;
	ctype += len;
	return *ctype == '\0' || *ctype == ';' || *ctype == ' ';
}

int
provider_read_form(const struct provider_request *rq, struct form **f,
    const char **why)
{
	*f = NULL;
	switch (form_parse(rq->body, rq->len, rq->max_fields, f)) {
	case FORM_OK:
		return 0;
	case FORM_TOO_MANY:
		*why = "too many form fields";
		return 413;
	default:
		*why = "malformed form body";
		return 400;
	}
}
