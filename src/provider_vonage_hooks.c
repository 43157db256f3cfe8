/* SPDX-License-Identifier: ISC */
/*
 * The Vonage adapter's webhooks (shared/peer/vonage_sms.yml, "inbound-sms"
 * and "delivery-receipt"): POSTs, form-encoded or JSON, whose parameters
 * are signed.  Signed webhooks carry sig, timestamp and nonce among the
 * parameters: sig is the hex digest of "&key=value" for every other
 * parameter, sorted by key, with '&' and '=' in values replaced by '_',
 * either MD5 of that string followed by the signature secret ("md5hash")
 * or its HMAC keyed with the secret (md5, sha1, sha256, sha512), exactly as
 * the provider's own Node library (@vonage/server-sdk) computes it.  A
 * request whose timestamp is more than VONAGE_SKEW from our clock is
 * refused: a signed request is not good forever.
 *
 * Vonage cannot reply in its answer: the answer is an empty 200, and
 * sms.c queues the reply in the outbox.  Without a 2xx the provider sends
 * the webhook again.  There is no keypad here.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "conf.h"
#include "form.h"
#include "provider.h"
#include "xmalloc.h"

#define VONAGE_SKEW	300		/* seconds either way */
#define VONAGE_ID_MAX	64
#define VONAGE_SIG_MAX	(EVP_MAX_MD_SIZE * 2 + 1)

static const struct provider_route vonage_routes[] = {
	{ "/vonage/inbound", "/vonage/inbound", PROVIDER_HOOK_INBOUND },
	{ "/vonage/status", "/vonage/status", PROVIDER_HOOK_STATUS },
};

/* A JSON object's scalar members as parameters, as the provider signs them. */
static int
vonage_read_json(const struct provider_request *rq, struct form **out,
    const char **why)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	const char	*key;
	struct form	*f;
	char		 num[64];

	root = json_loadb(rq->body != NULL ? rq->body : "", rq->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		*why = "malformed JSON body (an object expected)";
		return 400;
	}
	if (json_object_size(root) > rq->max_fields) {
		json_decref(root);
		*why = "too many parameters";
		return 413;
	}
	f = form_new();
	json_object_foreach(root, key, v) {
		if (json_is_string(v))
			form_add(f, key, json_string_value(v),
			    json_string_length(v));
		else if (json_is_integer(v)) {
			snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			form_add(f, key, num, strlen(num));
		} else if (json_is_boolean(v))
			form_add(f, key, json_is_true(v) ? "true" : "false",
			    json_is_true(v) ? 4 : 5);
		/* null, reals, arrays and objects are nothing it sends */
	}
	json_decref(root);
	*out = f;
	return 0;
}

static int
vonage_read(const struct provider_request *rq, struct form **f,
    const char **why)
{
	*f = NULL;
	if (provider_type_is(rq->content_type, "application/json"))
		return vonage_read_json(rq, f, why);
	if (!provider_type_is(rq->content_type,
	    "application/x-www-form-urlencoded")) {
		*why = "expected application/x-www-form-urlencoded or "
		    "application/json";
		return 415;
	}
	return provider_read_form(rq, f, why);
}

/* Orders the fields of a form by key, bytewise (qsort). */
static int
vonage_field_cmp(const void *a, const void *b)
{
	const struct form_field	*x = *(const struct form_field *const *)a;
	const struct form_field	*y = *(const struct form_field *const *)b;
	size_t			 n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int			 c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}

/* The string that is signed: "&key=value" for each parameter but sig. */
static char *
vonage_signed_string(const struct form *f, size_t *lenp)
{
	const struct form_field	**v;
	char			*s, *p;
	size_t			 i, j, n = 0, len = 0;

	v = xcalloc(f->n + 1, sizeof *v);
	for (i = 0; i < f->n; i++) {
		if (f->fields[i].keylen == 3 &&
		    memcmp(f->fields[i].key, "sig", 3) == 0)
			continue;
		/* A repeated key is signed (and read) by its first value. */
		for (j = 0; j < n; j++)
			if (v[j]->keylen == f->fields[i].keylen &&
			    memcmp(v[j]->key, f->fields[i].key,
			    v[j]->keylen) == 0)
				break;
		if (j < n)
			continue;
		v[n++] = &f->fields[i];
		len += 2 + f->fields[i].keylen + f->fields[i].valuelen;
	}
	qsort(v, n, sizeof *v, vonage_field_cmp);
	p = s = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		*p++ = '&';
		memcpy(p, v[i]->key, v[i]->keylen);
		p += v[i]->keylen;
		*p++ = '=';
		for (j = 0; j < v[i]->valuelen; j++, p++)
			*p = v[i]->value[j] == '&' || v[i]->value[j] == '=' ?
			    '_' : v[i]->value[j];
	}
	*p = '\0';
	free(v);
	*lenp = len;
	return s;
}

int
provider_vonage_sign(const char *secret, const char *method,
    const struct form *f, char *out, size_t outsize)
{
	static const struct {
		const char	*method;
		const char	*digest;
	} hmacs[] = {
		{ "md5", "MD5" }, { "sha1", "SHA1" }, { "sha256", "SHA256" },
		{ "sha512", "SHA512" },
	};
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		*s, *salted;
	size_t		 len, mdlen = 0, i, slen = strlen(secret);
	unsigned int	 dlen;
	int		 rc = -1;

	s = vonage_signed_string(f, &len);
	if (strcmp(method, "md5hash") == 0) {
		salted = xmalloc(len + slen + 1);
		memcpy(salted, s, len);
		memcpy(salted + len, secret, slen + 1);
		if (EVP_Digest(salted, len + slen, md, &dlen, EVP_md5(),
		    NULL) == 1) {
			mdlen = dlen;
			rc = 0;
		}
		explicit_bzero(salted, len + slen);
		free(salted);
	} else {
		for (i = 0; i < sizeof hmacs / sizeof hmacs[0]; i++)
			if (strcmp(method, hmacs[i].method) == 0)
				break;
		if (i < sizeof hmacs / sizeof hmacs[0] &&
		    EVP_Q_mac(NULL, "HMAC", NULL, hmacs[i].digest, NULL,
		    secret, slen, (const unsigned char *)s, len, md,
		    sizeof md, &mdlen) != NULL)
			rc = 0;
	}
	free(s);
	if (rc == -1 || outsize < mdlen * 2 + 1)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
vonage_verify(const struct conf *c, const struct provider_request *rq,
    const struct form *f, int64_t now, const char **why)
{
	const char	*sig, *ts;
	char		 want[VONAGE_SIG_MAX], *end;
	long long	 t;
	size_t		 siglen, i;
	int		 diff = 0;

	if (c->signature_secret == NULL) {
		*why = "no [provider] signature_secret to check sig with";
		return 0;
	}
	if ((sig = form_get(f, "sig", &siglen)) == NULL) {
		*why = "missing sig";
		return 0;
	}
	if ((ts = form_get(f, "timestamp", NULL)) == NULL) {
		*why = "missing timestamp";
		return 0;
	}
	errno = 0;
	t = strtoll(ts, &end, 10);
	if (errno != 0 || end == ts || *end != '\0') {
		*why = "malformed timestamp";
		return 0;
	}
	if (t < now - VONAGE_SKEW || t > now + VONAGE_SKEW) {
		*why = "timestamp too old or too far ahead";
		return 0;
	}
	if (provider_vonage_sign(c->signature_secret, c->signature_method, f,
	    want, sizeof want) == -1) {
		*why = "cannot compute the signature";
		return 0;
	}
	/* Hex in either case; the length is no secret. */
	if (siglen != strlen(want)) {
		*why = "wrong sig";
		return 0;
	}
	for (i = 0; i < siglen; i++)
		diff |= (sig[i] >= 'A' && sig[i] <= 'F' ? sig[i] | 0x20 :
		    sig[i]) ^ want[i];
	if (diff != 0) {
		*why = "wrong sig";
		return 0;
	}
	return 1;
}

/* msisdn or to ("447700900001") as E.164 into buf; NULL if it is none. */
static const char *
vonage_number(const struct form *f, const char *key, char *buf, size_t size)
{
	const char	*v = form_get_text(f, key, 32);
	size_t		 n;

	if (v == NULL)
		return NULL;
	if (*v == '+')
		v++;
	n = strspn(v, "0123456789");
	if (n < 6 || n > 15 || v[n] != '\0' || *v == '0')
		return NULL;
	snprintf(buf, size, "+%s", v);
	return buf;
}

/* A small positive number ("3"); 0 if it is none. */
static int
vonage_count(const struct form *f, const char *key)
{
	const char	*v = form_get_text(f, key, 8);
	char		*end;
	long		 n;

	if (v == NULL || *v < '1' || *v > '9')
		return 0;
	n = strtol(v, &end, 10);
	return *end == '\0' && n <= 255 ? (int)n : 0;
}

static int
vonage_inbound(const struct form *f, struct provider_inbound *in,
    const char **why)
{
	memset(in, 0, sizeof *in);
	if ((in->sid = form_get_text(f, "messageId", VONAGE_ID_MAX)) == NULL ||
	    *in->sid == '\0') {
		*why = "missing or malformed messageId";
		return -1;
	}
	if ((in->from = vonage_number(f, "msisdn", in->from_buf,
	    sizeof in->from_buf)) == NULL) {
		*why = "missing or malformed msisdn";
		return -1;
	}
	if ((in->body = form_get(f, "text", &in->bodylen)) == NULL) {
		*why = "missing text";
		return -1;
	}
	in->to = vonage_number(f, "to", in->to_buf, sizeof in->to_buf);
	in->part_ref = form_get_text(f, "concat-ref", VONAGE_ID_MAX);
	in->part = vonage_count(f, "concat-part");
	in->parts = vonage_count(f, "concat-total");
	if (in->part_ref != NULL && (*in->part_ref == '\0' || in->parts < 2 ||
	    in->part < 1 || in->part > in->parts)) {
		*why = "malformed concat-ref, concat-part or concat-total";
		return -1;
	}
	if (in->part_ref == NULL)
		in->part = in->parts = 0;
	return 0;
}

/*
 * A receipt's status in the outbox's words, and what its err-code says of
 * the recipient: 3 (absent subscriber, permanent) and 9 (illegal number)
 * mean no message will ever reach the number.
 */
static void
vonage_status_map(struct provider_status *s, const char *status)
{
	static const struct {
		const char	*vonage;
		const char	*state;
	} states[] = {
		{ "accepted", "sent" }, { "buffered", "sent" },
		{ "delivered", "delivered" }, { "expired", "undelivered" },
		{ "failed", "failed" }, { "rejected", "failed" },
	};
	size_t	i;

	s->state = NULL;	/* "unknown": nothing learnt */
	for (i = 0; status != NULL && i < sizeof states / sizeof states[0]; i++)
		if (strcmp(status, states[i].vonage) == 0)
			s->state = states[i].state;
	s->verdict = PROVIDER_SENT;
	if (s->code == 3) {
		s->verdict = PROVIDER_FAILED;
		s->reason = "the number is permanently absent";
	} else if (s->code == 9) {
		s->verdict = PROVIDER_FAILED;
		s->reason = "invalid number";
	}
}

static int
vonage_status(const struct form *f, const char *query,
    struct provider_status *s, const char **why)
{
	const char	*ref;
	char		*q;

	memset(s, 0, sizeof *s);
	s->sid = form_get_text(f, "messageId", VONAGE_ID_MAX);
	s->code = vonage_count(f, "err-code");
	if ((s->id = provider_query_id(query)) == 0 &&
	    (ref = form_get_text(f, "client-ref", 40)) != NULL) {
		q = xasprintf("id=%s", ref);
		s->id = provider_query_id(q);
		free(q);
	}
	if (s->sid == NULL && s->id == 0) {
		*why = "no messageId and no id: which message?";
		return -1;
	}
	vonage_status_map(s, form_get_text(f, "status", 32));
	return 0;
}

const struct provider_hooks provider_vonage_hooks = {
	.name = "vonage",
	.routes = vonage_routes,
	.nroutes = sizeof vonage_routes / sizeof vonage_routes[0],
	.parts = 1,
	.read = vonage_read,
	.verify = vonage_verify,
	.inbound = vonage_inbound,
	.status = vonage_status,
	.reply_type = "text/plain; charset=utf-8",
};
