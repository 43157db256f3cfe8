/* SPDX-License-Identifier: ISC */
/*
 * The Twilio adapter: the Messages API (spec/twilio.md, "Sending").
 *
 * One POST per message to {api_base}/2010-04-01/Accounts/{sid}/Messages.json
 * with Basic auth and a form body: To, From, Body, StatusCallback (our own
 * id in its query string, so a callback that overtakes the send response
 * still finds the row) and ValidityPeriod when the outbox gives one.  The
 * answer is classified by provider_twilio_classify, which is pure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "conf.h"
#include "diag.h"
#include "log.h"
#include "provider.h"
#include "xmalloc.h"

#define TWILIO_API_BASE	"https://api.twilio.com"

struct twilio {
	struct provider_http *http;
	char		*url;		/* the Messages resource */
	char		*userpwd;	/* secret: never log */
	char		*from;
};

/*
 * The answers that fail a message for good: the recipient itself can never
 * take it (spec/twilio.md: 21211 invalid To, 21614 not a mobile).  21610
 * (opted out) is its own outcome.  Everything else is retried within each
 * kind's limits: throttling and outages (429, 5xx, 30001, 63018); our
 * account or configuration, not the message (401, 403, 404, 20003, 20404,
 * 21212, 21606: failing them would drop every queued emergency alert during
 * a misconfiguration); and whatever did not come from the Messages API at
 * all: a redirect (api_base with http for https), a 4xx without a JSON
 * error (a proxy's 400, 408, 413 or 421), a 1xx.  docs/outbox.md says why.
 */
static int
twilio_recipient_invalid(int code)
{
	return code == 21211 || code == 21614;
}

void
provider_twilio_classify(long status, const char *body,
    struct provider_result *res)
{
	json_t		*root;
	json_error_t	 jerr;
	json_int_t	 code = 0;
	int		 is_json;

	memset(res, 0, sizeof *res);
	res->http_status = status;
	res->retry_after = -1;
	root = json_loads(body, 0, &jerr);
	is_json = json_is_object(root);
	if (is_json) {
		provider_copy(res->sid, sizeof res->sid,
		    json_string_value(json_object_get(root, "sid")));
		provider_copy(res->status, sizeof res->status,
		    json_string_value(json_object_get(root, "status")));
		provider_copy(res->detail, sizeof res->detail,
		    json_string_value(json_object_get(root, "message")));
		if (json_is_integer(json_object_get(root, "code")))
			code = json_integer_value(json_object_get(root, "code"));
	}
	json_decref(root);
	res->error_code = code > 0 && code < 1000000 ? (int)code : 0;

	if (status >= 200 && status < 300) {
		/*
		 * Only the Messages API's own answer, which always names the
		 * message it created, proves the message exists.  A 2xx
		 * without a sid came from something else in the way (a
		 * proxy's maintenance page, a 204): nothing was created, so
		 * the message is tried again.  Should one have been created
		 * after all, its status callback carries our id.
		 */
		if (res->sid[0] != '\0') {
			res->outcome = PROVIDER_SENT;
			if (res->detail[0] == '\0')
				provider_copy(res->detail, sizeof res->detail,
				    "accepted");
			return;
		}
		res->outcome = PROVIDER_RETRY;
		res->status[0] = '\0';
		snprintf(res->detail, sizeof res->detail, "HTTP %ld without a "
		    "message sid: not an answer from the Messages API", status);
		return;
	}
	if (res->error_code == 21610)
		res->outcome = PROVIDER_OPTED_OUT;
	else if (status >= 400 && status < 500 &&
	    twilio_recipient_invalid(res->error_code))
		res->outcome = PROVIDER_FAILED;
	else
		res->outcome = PROVIDER_RETRY;
	res->sid[0] = '\0';
	if (res->detail[0] == '\0') {
		if (status == 429)
			provider_copy(res->detail, sizeof res->detail,
			    "rate limited");
		else if (status >= 500)
			provider_copy(res->detail, sizeof res->detail,
			    "provider error");
		else if (status >= 300 && status < 400)
			snprintf(res->detail, sizeof res->detail, "HTTP %ld: a "
			    "redirect (is [provider] api_base right?)", status);
		else
			snprintf(res->detail, sizeof res->detail, "HTTP %ld%s",
			    status, is_json ? "" : " without a provider error");
	}
}

static int
twilio_send(void *arg, const struct provider_message *m, provider_done_fn done,
    void *darg)
{
	struct twilio	*tw = arg;
	struct evbuffer	*b = evbuffer_new();
	char		 num[32], *callback;
	int		 rc;

	provider_form_add(b, "To", m->to);
	provider_form_add(b, "From", tw->from);
	provider_form_add(b, "Body", m->body);
	if (m->public_url != NULL) {
		callback = xasprintf("%s/twilio/status?id=%lld", m->public_url,
		    (long long)m->id);
		provider_form_add(b, "StatusCallback", callback);
		free(callback);
	}
	if (m->validity > 0) {
		snprintf(num, sizeof num, "%d", m->validity);
		provider_form_add(b, "ValidityPeriod", num);
	}
	evbuffer_add(b, "", 1);
	rc = provider_http_post(tw->http, tw->url, tw->userpwd,
	    (const char *)evbuffer_pullup(b, -1), provider_twilio_classify,
	    done, darg);
	evbuffer_free(b);
	return rc;
}

static void *
twilio_create(const struct provider_env *env, char **errp)
{
	const struct conf	*c = env->conf;
	struct twilio		*tw;

	if (c->account_sid == NULL || c->auth_token == NULL || c->from == NULL) {
		*errp = xstrdup("[provider] name = twilio needs account_sid, "
		    "auth_token and from");
		return NULL;
	}
	tw = xcalloc(1, sizeof *tw);
	tw->http = provider_http_create(env->http, c);
	tw->url = xasprintf("%s/2010-04-01/Accounts/%s/Messages.json",
	    c->api_base != NULL ? c->api_base : TWILIO_API_BASE,
	    c->account_sid);
	tw->userpwd = xasprintf("%s:%s", c->account_sid, c->auth_token);
	tw->from = xstrdup(c->from);
	return tw;
}

static void
twilio_free(void *arg)
{
	struct twilio	*tw = arg;

	if (tw == NULL)
		return;
	provider_http_free(tw->http);
	free(tw->url);
	if (tw->userpwd != NULL)
		explicit_bzero(tw->userpwd, strlen(tw->userpwd));
	free(tw->userpwd);
	free(tw->from);
	free(tw);
}

/*
 * Webhooks are signed with the auth token (also the console's, which takes
 * them in this format); sending needs the account too.
 */
void
provider_twilio_check_token(const struct conf *c, struct diag *d,
    const char *file)
{
	/* A token file that failed was reported already. */
	if (c->verify_signatures && c->auth_token == NULL &&
	    c->auth_token_file == NULL)
		diag_error(d, file, 0, "[provider] auth_token (or env "
		    "CLOTLINE_AUTH_TOKEN) is required while verify_signatures = yes");
}

static void
twilio_check(const struct conf *c, struct diag *d, const char *file)
{
	provider_twilio_check_token(c, d, file);
	if (c->account_sid == NULL)
		diag_error(d, file, 0,
		    "[provider] account_sid is required for twilio");
	if (c->auth_token == NULL && c->auth_token_file == NULL)
		diag_error(d, file, 0,
		    "[provider] auth_token is required for twilio");
	if (c->from == NULL)
		diag_error(d, file, 0, "[provider] from is required for twilio");
}

const struct provider_ops provider_twilio_ops = {
	.name = "twilio",
	.hooks = &provider_twilio_hooks,
	.check = twilio_check,
	.create = twilio_create,
	.free = twilio_free,
	.send = twilio_send,
};
