/* SPDX-License-Identifier: ISC */
/*
 * The Vonage adapter: the SMS API (shared/peer/vonage_sms.yml,
 * "send-an-sms").
 *
 * One POST per message to {api_base}/json, form-encoded, where api_base is
 * the API description's server, https://rest.nexmo.com/sms: api_key,
 * api_secret, from and to as digits without '+', text, type (unicode when
 * the text needs UCS-2), callback (the delivery receipt's URL, our id in its
 * query) and client-ref (our id again, which the receipt carries back), and
 * ttl when the outbox gives a validity.  The answer is HTTP 200 whatever
 * became of the message: each part the text was split into has its own
 * status, "0" for accepted.  provider_vonage_classify, which is pure, maps
 * the statuses onto the outbox's outcomes; docs/providers.md has the table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "conf.h"
#include "diag.h"
#include "provider.h"
#include "segments.h"
#include "xmalloc.h"

#define VONAGE_API_BASE		"https://rest.nexmo.com/sms"
#define VONAGE_TTL_MIN_MS	20000		/* the API's bounds */
#define VONAGE_TTL_MAX_MS	604800000LL

struct vonage {
	struct provider_http *http;
	char		*url;
	char		*key;
	char		*secret;	/* secret: never log */
	char		*from;		/* digits, no '+' */
};

/*
 * What a part's status means (vonage_sms.yml, x-errors).  Failed: the
 * message or its recipient can never go (invalid parameters, which with our
 * own fields valid means the number; an unrecognised number prefix; a
 * message too long; a de-activated number).  Opted out: the number is
 * barred, which is where a recipient's STOP puts it.  Everything else is
 * retried within the kind's limits: throttling and outages (1, 5, 10), and
 * our account or configuration, never the message (2, 4, 8, 9, 11, 14, 15,
 * 22, 23, 29, 32): failing those would drop every queued alert during a
 * misconfiguration, as for Twilio.
 */
static enum provider_outcome
vonage_status_outcome(int status)
{
	switch (status) {
	case 0:
		return PROVIDER_SENT;
	case 3:
	case 6:
	case 12:
	case 33:
		return PROVIDER_FAILED;
	case 7:
		return PROVIDER_OPTED_OUT;
	default:
		return PROVIDER_RETRY;
	}
}

/* A part's status as a number; -1 if it is not one. */
static int
vonage_status_code(json_t *msg)
{
	const char	*s = json_string_value(json_object_get(msg, "status"));
	char		*end;
	long		 v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v < 1000 ? (int)v : -1;
}

void
provider_vonage_classify(long status, const char *body,
    struct provider_result *res)
{
	json_t		*root, *msgs, *msg, *first = NULL;
	json_error_t	 jerr;
	size_t		 i;
	int		 code, bad = -1;

	memset(res, 0, sizeof *res);
	res->http_status = status;
	res->retry_after = -1;
	res->outcome = PROVIDER_RETRY;
	if (status < 200 || status >= 300) {
		snprintf(res->detail, sizeof res->detail, "HTTP %ld%s", status,
		    status == 429 ? ": rate limited" : status >= 500 ?
		    ": provider error" : status >= 300 && status < 400 ?
		    ": a redirect (is [provider] api_base right?)" : "");
		return;
	}
	root = json_loads(body, 0, &jerr);
	msgs = json_object_get(root, "messages");
	if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
		json_decref(root);
		snprintf(res->detail, sizeof res->detail, "HTTP %ld without "
		    "messages: not an answer from the SMS API", status);
		return;
	}
	/*
	 * A part accepted means the recipient gets something: the message
	 * exists and is never sent again.  Otherwise the first part's
	 * status decides.
	 */
	json_array_foreach(msgs, i, msg) {
		code = vonage_status_code(msg);
		if (code == 0 && first == NULL)
			first = msg;
		else if (code != 0 && bad == -1) {
			bad = code;
			if (first == NULL)
				provider_copy(res->detail, sizeof res->detail,
				    json_string_value(json_object_get(msg,
				    "error-text")));
		}
	}
	if (first != NULL &&
	    json_string_value(json_object_get(first, "message-id")) != NULL) {
		res->outcome = PROVIDER_SENT;
		provider_copy(res->sid, sizeof res->sid, json_string_value(
		    json_object_get(first, "message-id")));
		provider_copy(res->status, sizeof res->status, "accepted");
		if (bad == -1)
			provider_copy(res->detail, sizeof res->detail,
			    "accepted");
		else
			snprintf(res->detail, sizeof res->detail, "accepted, "
			    "but a part was refused with status %d", bad);
	} else if (bad > 0) {
		res->outcome = vonage_status_outcome(bad);
		res->error_code = bad;
		if (res->detail[0] == '\0')
			snprintf(res->detail, sizeof res->detail, "status %d",
			    bad);
	} else
		snprintf(res->detail, sizeof res->detail, "a message without "
		    "a status or an id: not an answer from the SMS API");
	json_decref(root);
}

/* An E.164 number as the API takes it: its digits. */
static const char *
vonage_digits(const char *e164)
{
	return e164[0] == '+' ? e164 + 1 : e164;
}

static int
vonage_send(void *arg, const struct provider_message *m, provider_done_fn done,
    void *darg)
{
	struct vonage	*vn = arg;
	struct evbuffer	*b = evbuffer_new();
	struct segments	 sg;
	char		 num[32], *callback;
	long long	 ttl;
	int		 rc;

	segments_count(m->body, &sg);
	provider_form_add(b, "api_key", vn->key);
	provider_form_add(b, "api_secret", vn->secret);
	provider_form_add(b, "from", vn->from);
	provider_form_add(b, "to", vonage_digits(m->to));
	provider_form_add(b, "text", m->body);
	provider_form_add(b, "type", sg.encoding == SEGMENTS_UCS2 ? "unicode" :
	    "text");
	snprintf(num, sizeof num, "%lld", (long long)m->id);
	provider_form_add(b, "client-ref", num);
	if (m->public_url != NULL) {
		callback = xasprintf("%s/vonage/status?id=%lld", m->public_url,
		    (long long)m->id);
		provider_form_add(b, "callback", callback);
		free(callback);
	}
	if (m->validity > 0) {
		ttl = (long long)m->validity * 1000;
		if (ttl < VONAGE_TTL_MIN_MS)
			ttl = VONAGE_TTL_MIN_MS;
		if (ttl > VONAGE_TTL_MAX_MS)
			ttl = VONAGE_TTL_MAX_MS;
		snprintf(num, sizeof num, "%lld", ttl);
		provider_form_add(b, "ttl", num);
	}
	evbuffer_add(b, "", 1);
	rc = provider_http_post(vn->http, vn->url, NULL,
	    (const char *)evbuffer_pullup(b, -1), provider_vonage_classify,
	    done, darg);
	/* The body held the secret. */
	explicit_bzero(evbuffer_pullup(b, -1), evbuffer_get_length(b));
	evbuffer_free(b);
	return rc;
}

static void
vonage_check(const struct conf *c, struct diag *d, const char *file)
{
	if (c->api_key == NULL)
		diag_error(d, file, 0, "[provider] api_key is required for "
		    "vonage");
	if (c->api_secret == NULL)
		diag_error(d, file, 0, "[provider] api_secret (or env "
		    "CLOTLINE_API_SECRET) is required for vonage");
	if (c->from == NULL)
		diag_error(d, file, 0, "[provider] from is required for vonage");
	if (c->verify_signatures && c->signature_secret == NULL)
		diag_error(d, file, 0, "[provider] signature_secret (or env "
		    "CLOTLINE_SIGNATURE_SECRET) is required for vonage while "
		    "verify_signatures = yes (turn on signed webhooks in the "
		    "Vonage dashboard)");
}

static void *
vonage_create(const struct provider_env *env, char **errp)
{
	const struct conf	*c = env->conf;
	struct vonage		*vn;

	if (c->api_key == NULL || c->api_secret == NULL || c->from == NULL) {
		*errp = xstrdup("[provider] name = vonage needs api_key, "
		    "api_secret and from");
		return NULL;
	}
	vn = xcalloc(1, sizeof *vn);
	vn->http = provider_http_create(env->http, c);
	vn->url = xasprintf("%s/json", c->api_base != NULL ? c->api_base :
	    VONAGE_API_BASE);
	vn->key = xstrdup(c->api_key);
	vn->secret = xstrdup(c->api_secret);
	vn->from = xstrdup(vonage_digits(c->from));
	return vn;
}

static void
vonage_free(void *arg)
{
	struct vonage	*vn = arg;

	if (vn == NULL)
		return;
	provider_http_free(vn->http);
	free(vn->url);
	free(vn->key);
	if (vn->secret != NULL)
		explicit_bzero(vn->secret, strlen(vn->secret));
	free(vn->secret);
	free(vn->from);
	free(vn);
}

const struct provider_ops provider_vonage_ops = {
	.name = "vonage",
	.hooks = &provider_vonage_hooks,
	.check = vonage_check,
	.create = vonage_create,
	.free = vonage_free,
	.send = vonage_send,
};
