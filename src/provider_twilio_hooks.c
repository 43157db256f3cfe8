/* SPDX-License-Identifier: ISC */
/*
 * The Twilio adapter's webhooks (spec/twilio.md): form-encoded POSTs signed
 * with X-Twilio-Signature over the public URL and every parameter
 * (signature.c), answered with TwiML (twiml.c).  The console adapter takes
 * its webhooks in this format too, so a bench without an account can post
 * to it.
 *
 * Routes: /twilio/sms (inbound, answered with the reply), /twilio/status
 * (delivery reports; our id in the query of the StatusCallback URL the
 * sender gave), /twilio/voice and the keypad's steps below it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "form.h"
#include "provider.h"
#include "signature.h"
#include "twiml.h"
#include "xmalloc.h"

#define TWILIO_SID_MAX		64
#define TWILIO_PHONE_MAX	64
#define TWILIO_DIGITS_MAX	32	/* longer is a wrong key, not an error */
#define TWILIO_STEP_MAX		1000000

static const struct provider_route twilio_routes[] = {
	{ "/twilio/sms", "/twilio/sms", PROVIDER_HOOK_INBOUND },
	{ "/twilio/status", "/twilio/status", PROVIDER_HOOK_STATUS },
	{ "/twilio/voice", "/twilio/voice", PROVIDER_HOOK_VOICE_START },
	{ "/twilio/voice/gather", "/twilio/voice", PROVIDER_HOOK_VOICE_GATHER },
	{ "/twilio/voice/no-input", "/twilio/voice",
	    PROVIDER_HOOK_VOICE_NO_INPUT },
	{ "/twilio/voice/status", "/twilio/voice", PROVIDER_HOOK_VOICE_END },
};

static int
twilio_read(const struct provider_request *rq, struct form **f,
    const char **why)
{
	*f = NULL;
	if (!provider_type_is(rq->content_type,
	    "application/x-www-form-urlencoded")) {
		*why = "expected application/x-www-form-urlencoded";
		return 415;
	}
	return provider_read_form(rq, f, why);
}

static int
twilio_verify(const struct conf *c, const struct provider_request *rq,
    const struct form *f, int64_t now, const char **why)
{
	if (signature_verify(c->auth_token, rq->url, f, rq->signature))
		return 1;
	*why = rq->signature == NULL ? "missing X-Twilio-Signature" :
	    "wrong X-Twilio-Signature";
	return 0;
}

/* A field that is present, non-empty, short and plain text. */
static const char *
twilio_field(const struct form *f, const char *key, size_t max)
{
	const char	*v = form_get_text(f, key, max);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
twilio_inbound(const struct form *f, struct provider_inbound *in,
    const char **why)
{
	memset(in, 0, sizeof *in);
	if ((in->sid = twilio_field(f, "MessageSid", TWILIO_SID_MAX)) == NULL) {
		*why = "missing or malformed MessageSid";
		return -1;
	}
	if ((in->from = twilio_field(f, "From", TWILIO_PHONE_MAX)) == NULL) {
		*why = "missing or malformed From";
		return -1;
	}
	if ((in->body = form_get(f, "Body", &in->bodylen)) == NULL) {
		*why = "missing Body";
		return -1;
	}
	in->to = form_get_text(f, "To", TWILIO_PHONE_MAX);
	return 0;
}

/*
 * What an error code in a status callback means for the recipient: 21610
 * they replied STOP, 21211 and 21614 no message can ever reach the number.
 */
static void
twilio_status_verdict(struct provider_status *s)
{
	s->verdict = PROVIDER_SENT;
	s->reason = NULL;
	switch (s->code) {
	case 21610:
		s->verdict = PROVIDER_OPTED_OUT;
		s->reason = "recipient opted out";
		break;
	case 21211:
		s->verdict = PROVIDER_FAILED;
		s->reason = "invalid number";
		break;
	case 21614:
		s->verdict = PROVIDER_FAILED;
		s->reason = "not a mobile number";
		break;
	}
}

static int
twilio_status(const struct form *f, const char *query,
    struct provider_status *s, const char **why)
{
	const char	*err;
	char		*end;
	long		 v;

	memset(s, 0, sizeof *s);
	s->sid = form_get(f, "MessageSid", NULL);
	s->state = form_get(f, "MessageStatus", NULL);
	if ((err = form_get(f, "ErrorCode", NULL)) != NULL) {
		errno = 0;
		v = strtol(err, &end, 10);
		if (errno == 0 && end != err && *end == '\0' && v > 0 &&
		    v < 1000000)
			s->code = (int)v;
	}
	s->id = provider_query_id(query);
	if (s->sid == NULL && s->id == 0) {
		*why = "no MessageSid and no id: which message?";
		return -1;
	}
	twilio_status_verdict(s);
	return 0;
}

/* The step=N of an action URL's query (the whole query); -1 if none. */
static int
twilio_step(const char *query)
{
	const char	*p;
	char		*end;
	long		 v;

	if (query == NULL || strncmp(query, "step=", 5) != 0)
		return -1;
	p = query + 5;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || v > TWILIO_STEP_MAX)
		return -1;
	return (int)v;
}

static int
twilio_call(const struct form *f, const char *query, struct provider_call *c,
    const char **why)
{
	memset(c, 0, sizeof *c);
	if ((c->sid = twilio_field(f, "CallSid", TWILIO_SID_MAX)) == NULL) {
		*why = "missing or malformed CallSid";
		return -1;
	}
	c->from = twilio_field(f, "From", TWILIO_PHONE_MAX);
	c->digits = twilio_field(f, "Digits", TWILIO_DIGITS_MAX);
	c->digits_given = form_get(f, "Digits", NULL) != NULL;
	c->step = twilio_step(query);
	return 0;
}

static char *
twilio_voice(const char *public_url, const struct provider_voice *pv)
{
	struct twiml_say	*say;
	struct twiml_voice	 v;
	char			*action, *no_input, *doc;
	int			 i;

	say = xcalloc(pv->nsay > 0 ? (size_t)pv->nsay : 1, sizeof *say);
	for (i = 0; i < pv->nsay; i++) {
		say[i].language = pv->say[i].language;
		say[i].text = pv->say[i].text;
	}
	action = xasprintf("%s/twilio/voice/gather?step=%d", public_url,
	    pv->step);
	no_input = xasprintf("%s/twilio/voice/no-input?step=%d", public_url,
	    pv->step);
	memset(&v, 0, sizeof v);
	v.say = say;
	v.nsay = pv->nsay;
	if (pv->gather) {
		v.gather = 1;
		v.num_digits = pv->num_digits;
		v.timeout = pv->timeout;
		v.action = action;
		v.no_input = no_input;
	}
	doc = twiml_voice(&v);
	free(action);
	free(no_input);
	free(say);
	return doc;
}

const struct provider_hooks provider_twilio_hooks = {
	.name = "twilio",
	.routes = twilio_routes,
	.nroutes = sizeof twilio_routes / sizeof twilio_routes[0],
	.signature_header = "X-Twilio-Signature",
	.read = twilio_read,
	.verify = twilio_verify,
	.inbound = twilio_inbound,
	.status = twilio_status,
	.call = twilio_call,
	.reply = twiml_message,
	.reply_type = "application/xml; charset=utf-8",
	.voice = twilio_voice,
};
