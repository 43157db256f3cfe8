/* SPDX-License-Identifier: ISC */
/*
 * webhookgen: correctly signed inbound SMS webhooks in bulk, for the webhook
 * benchmark (bench/webhook.sh, through wrk) and the fault tests
 * (tests/integration/faults.sh, through curl).  Messages are read one per
 * line from standard input and used in turn; each request gets its own
 * MessageSid, and the senders cycle through --senders numbers.  Output is one
 * line per request:
 *
 *	MessageSid TAB X-Twilio-Signature TAB url-encoded form body
 *
 *	webhookgen --token TOKEN --url URL [--count N] [--run R]
 *	    [--senders K] [--first-sender E164] [--to E164]
 *
 * URL is the full URL the provider would sign (public_url + path).  The
 * fields are those the provider sends with every message (spec/twilio.md),
 * so the gateway verifies a realistic signature.  Sids are "SM", 8 hex digits
 * of R, then 24 of the request's number: distinct within a run, and across
 * runs with different R.  Signing uses the gateway's own signature_compute
 * over the body as form_parse reads it, so the two can never disagree on
 * encoding.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "form.h"
#include "signature.h"

#define WEBHOOKGEN_MAX_FIELDS	32

static void
webhookgen_usage(void)
{
	fprintf(stderr, "usage: webhookgen --token TOKEN --url URL [--count N] "
	    "[--run R] [--senders K] [--first-sender E164] [--to E164] "
	    "<messages\n");
	exit(2);
}

static unsigned long long
webhookgen_number(const char *s, const char *what)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "webhookgen: %s: not a number: %s\n", what, s);
		exit(2);
	}
	return v;
}

/* Reads the non-empty lines of fp (without their newline). */
static char **
webhookgen_read_lines(FILE *fp, size_t *np)
{
	char	**v = NULL, *line = NULL;
	size_t	  n = 0, cap = 0, sz = 0;
	ssize_t	  len;

	while ((len = getline(&line, &sz, fp)) != -1) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			if ((v = realloc(v, cap * sizeof *v)) == NULL) {
				perror("webhookgen");
				exit(1);
			}
		}
		if ((v[n++] = strdup(line)) == NULL) {
			perror("webhookgen");
			exit(1);
		}
	}
	free(line);
	*np = n;
	return v;
}

/* Appends "&key=value" (url-encoded, spaces as '+', as the provider does). */
static void
webhookgen_field(char *buf, size_t size, size_t *off, const char *key,
    const char *value)
{
	char	*k, *v;
	int	 w;

	k = evhttp_uriencode(key, -1, 1);
	v = evhttp_uriencode(value, -1, 1);
	if (k == NULL || v == NULL) {
		fprintf(stderr, "webhookgen: out of memory\n");
		exit(1);
	}
	w = snprintf(buf + *off, size - *off, "%s%s=%s", *off > 0 ? "&" : "",
	    k, v);
	if (w < 0 || (size_t)w >= size - *off) {
		fprintf(stderr, "webhookgen: a message is too long\n");
		exit(1);
	}
	*off += (size_t)w;
	free(k);
	free(v);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "token",		required_argument, NULL, 't' },
		{ "url",		required_argument, NULL, 'u' },
		{ "count",		required_argument, NULL, 'n' },
		{ "run",		required_argument, NULL, 'r' },
		{ "senders",		required_argument, NULL, 's' },
		{ "first-sender",	required_argument, NULL, 'f' },
		{ "to",			required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*token = NULL, *url = NULL;
	const char		*to = "+441234567890", *first = "+447700800000";
	unsigned long long	 count = 0, run = 1, senders = 1000, i, base;
	char			**msgs, sid[40], from[40], sig[SIGNATURE_SIZE];
	static char		 body[16384];
	struct form		*f;
	size_t			 nmsgs, off;
	int			 c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': token = optarg; break;
		case 'u': url = optarg; break;
		case 'n': count = webhookgen_number(optarg, "--count"); break;
		case 'r': run = webhookgen_number(optarg, "--run"); break;
		case 's': senders = webhookgen_number(optarg, "--senders"); break;
		case 'f': first = optarg; break;
		case 'o': to = optarg; break;
		default: webhookgen_usage();
		}
	}
	if (token == NULL || url == NULL || optind != argc || senders == 0)
		webhookgen_usage();
	/* Senders are first-sender, first-sender + 1, ...: digits only after '+'. */
	if (first[0] != '+' || strlen(first) < 8 ||
	    strspn(first + 1, "0123456789") != strlen(first + 1)) {
		fprintf(stderr, "webhookgen: --first-sender must be +DIGITS\n");
		exit(2);
	}
	base = webhookgen_number(first + 1, "--first-sender");
	msgs = webhookgen_read_lines(stdin, &nmsgs);
	if (nmsgs == 0) {
		fprintf(stderr, "webhookgen: no messages on standard input\n");
		exit(2);
	}
	if (count == 0)
		count = nmsgs;

	for (i = 0; i < count; i++) {
		snprintf(sid, sizeof sid, "SM%08llx%024llx", run & 0xffffffffULL, i);
		snprintf(from, sizeof from, "+%llu", base + i % senders);
		off = 0;
		webhookgen_field(body, sizeof body, &off, "ToCountry", "GB");
		webhookgen_field(body, sizeof body, &off, "NumMedia", "0");
		webhookgen_field(body, sizeof body, &off, "MessageSid", sid);
		webhookgen_field(body, sizeof body, &off, "SmsMessageSid", sid);
		webhookgen_field(body, sizeof body, &off, "SmsStatus", "received");
		webhookgen_field(body, sizeof body, &off, "Body", msgs[i % nmsgs]);
		webhookgen_field(body, sizeof body, &off, "To", to);
		webhookgen_field(body, sizeof body, &off, "NumSegments", "1");
		webhookgen_field(body, sizeof body, &off, "AccountSid",
		    "AC0123456789abcdef0123456789abcdef");
		webhookgen_field(body, sizeof body, &off, "From", from);
		webhookgen_field(body, sizeof body, &off, "FromCountry", "GB");
		webhookgen_field(body, sizeof body, &off, "ApiVersion",
		    "2010-04-01");
		if (form_parse(body, off, WEBHOOKGEN_MAX_FIELDS, &f) != FORM_OK ||
		    signature_compute(token, url, f, sig) == -1) {
			fprintf(stderr, "webhookgen: cannot sign request %llu\n", i);
			exit(1);
		}
		form_free(f);
		printf("%s\t%s\t%s\n", sid, sig, body);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("webhookgen: stdout");
		exit(1);
	}
	for (i = 0; i < nmsgs; i++)
		free(msgs[i]);
	free(msgs);
	return 0;
}
