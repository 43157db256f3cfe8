/* SPDX-License-Identifier: ISC */
/*
 * Messaging providers behind one interface, as storage backends are: a
 * struct of operations chosen by [provider] name.  An adapter turns one
 * outbox message into the provider's request and classifies every outcome
 * into the four things the outbox acts on (spec/twilio.md, "Sending").
 * Adding a provider is one new file (provider_NAME.c with its ops) plus its
 * line in the table in provider.c.
 *
 * Adapters never block: send starts the work and the done callback runs
 * later from the event loop, exactly once, unless the adapter is freed first.
 */
#ifndef CLOTLINE_PROVIDER_H
#define CLOTLINE_PROVIDER_H

#include <stdint.h>

struct conf;
struct event_base;
struct httpc;

enum provider_outcome {
	PROVIDER_SENT,		/* accepted: sid and status set */
	PROVIDER_RETRY,		/* not sent; try again later */
	PROVIDER_UNKNOWN,	/* no answer after the request left: may exist */
	PROVIDER_OPTED_OUT,	/* the recipient has opted out (21610) */
	PROVIDER_FAILED,	/* permanent: never retry, tell staff */
};

struct provider_message {
	int64_t		 id;		/* our outbound id */
	const char	*to;
	const char	*body;
	const char	*status_callback;	/* URL; may be NULL */
	int		 validity;	/* seconds the provider may hold it; 0: default */
};

struct provider_result {
	enum provider_outcome	 outcome;
	char			 sid[64];	/* PROVIDER_SENT; "" if none */
	char			 status[32];	/* the provider's state; "" if none */
	int			 error_code;	/* the provider's code; 0: none */
	long			 http_status;	/* 0: no HTTP answer */
	long			 retry_after;	/* seconds, -1: none given */
	char			 detail[160];	/* short reason for logs and staff */
};

typedef void	(*provider_done_fn)(const struct provider_result *, void *arg);

struct provider_env {
	const struct conf	*conf;
	struct event_base	*base;
	struct httpc		*http;
};

struct provider_ops {
	const char	*name;
	/* NULL with *errp set (caller frees) if the configuration is unusable. */
	void		*(*create)(const struct provider_env *, char **errp);
	void		 (*free)(void *);
	int		 (*send)(void *, const struct provider_message *,
			    provider_done_fn, void *arg);
};

/* The adapter called name, or NULL. */
const struct provider_ops	*provider_find(const char *name);
/* The names, comma separated, for messages and --help. */
const char			*provider_names(void);

extern const struct provider_ops provider_console_ops;
extern const struct provider_ops provider_twilio_ops;

/*
 * The Twilio Messages API's answer classified (exposed for the unit tests):
 * status is the HTTP status, body the JSON (or anything else).
 */
void	provider_twilio_classify(long status, const char *body,
	    struct provider_result *);

#endif
