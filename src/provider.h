/* SPDX-License-Identifier: ISC */
/*
 * Messaging providers behind one interface, as storage backends are: a
 * struct of operations chosen by [provider] name.  It covers a provider's
 * whole life (docs/design.md, "Providers"):
 *
 *   its webhooks (struct provider_hooks): the routes it calls, how a
 *   request's body is read and its signature verified, the inbound
 *   message, delivery status and keypad step each becomes as a
 *   provider-neutral struct, and how an answer is rendered;
 *   sending (struct provider_ops): one outbox message becomes one request,
 *   and every answer is classified into the outcomes the outbox acts on;
 *   its configuration: what check-config requires of [provider].
 *
 * Everything that names a provider, its fields, codes, headers and routes,
 * lives in provider_NAME*.c.  Adding one is those files plus its line in
 * the table in provider.c; sms.c, voice.c, outbox.c and metrics.c know
 * only the structs below.
 *
 * Adapters never block: send starts the work and the done callback runs
 * later from the event loop, exactly once, unless the adapter is freed first.
 * Everything else here is pure: no I/O, the clock passed in.
 */
#ifndef CLOTLINE_PROVIDER_H
#define CLOTLINE_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct diag;
struct event_base;
struct form;
struct httpc;

enum provider_outcome {
	PROVIDER_SENT,		/* accepted: sid and status set */
	PROVIDER_RETRY,		/* not sent; try again later */
	PROVIDER_UNKNOWN,	/* no answer after the request left: may exist */
	PROVIDER_OPTED_OUT,	/* the recipient has opted out */
	PROVIDER_FAILED,	/* permanent: never retry, tell staff */
};

struct provider_message {
	int64_t		 id;		/* our outbound id */
	const char	*to;		/* E.164 */
	const char	*body;
	/* [server] public_url, for the status callback; NULL: none asked */
	const char	*public_url;
	int		 validity;	/* seconds the provider may hold it; 0: default */
};

struct provider_result {
	enum provider_outcome	 outcome;
	char			 sid[64];	/* PROVIDER_SENT; "" if none */
	char			 status[32];	/* a delivery state (below); "" if none */
	int			 error_code;	/* the provider's code; 0: none */
	long			 http_status;	/* 0: no HTTP answer */
	long			 retry_after;	/* seconds, -1: none given */
	char			 detail[160];	/* short reason for logs and staff */
};

typedef void	(*provider_done_fn)(const struct provider_result *, void *arg);

/* What a webhook carries to the provider's hooks; all borrowed. */
struct provider_request {
	const char	*url;		/* public_url, path and ?query as routed */
	const char	*query;		/* NULL: none */
	const char	*content_type;	/* NULL: none */
	const char	*body;
	size_t		 len;
	const char	*signature;	/* the hooks' signature_header; NULL: absent */
	size_t		 max_fields;	/* the most parameters to take */
};

/*
 * An inbound message.  Strings borrow the form it was parsed from; from is
 * E.164 with its '+'.  A message that arrived in parts names its part.
 */
struct provider_inbound {
	const char	*sid;		/* the provider's id: the dedupe key */
	const char	*from;
	const char	*to;		/* NULL: not given */
	const char	*body;		/* may hold NULs and invalid UTF-8 */
	size_t		 bodylen;
	const char	*part_ref;	/* the parts' shared reference; NULL: whole */
	int		 part;		/* 1..parts */
	int		 parts;
	char		 from_buf[24];	/* for hooks that rewrite from and to */
	char		 to_buf[24];
};

/*
 * A delivery report.  state is one of the neutral delivery states the
 * outbox ranks (outbox_policy.h: queued, sending, sent, delivered,
 * undelivered, failed, ...), mapped from the provider's own; NULL: none.
 * verdict is what the report's error code means for the recipient:
 * PROVIDER_OPTED_OUT, PROVIDER_FAILED (they can never take a message:
 * reason says why) or PROVIDER_SENT (nothing more to do).
 */
struct provider_status {
	int64_t			 id;	/* ours, from the callback URL; 0: none */
	const char		*sid;	/* NULL: none */
	const char		*state;
	int			 code;	/* the provider's error code; 0: none */
	enum provider_outcome	 verdict;
	const char		*reason;
};

/* One keypad webhook: the call, the keys and the step they answer. */
struct provider_call {
	const char	*sid;
	const char	*from;		/* NULL: withheld */
	const char	*digits;	/* NULL: none, or not plain text */
	int		 digits_given;	/* a Digits field was present at all */
	int		 step;		/* -1: none named */
};

/* A spoken answer, for the provider to render. */
struct provider_say {
	const char	*language;	/* "en-GB" */
	const char	*text;
};
struct provider_voice {
	const struct provider_say *say;
	int		 nsay;
	int		 gather;	/* collect keys after the lines */
	int		 num_digits;	/* 0: until the finish key */
	int		 timeout;	/* seconds */
	int		 step;		/* the step the keys will answer */
};

enum provider_hook {
	PROVIDER_HOOK_INBOUND,		/* an inbound message */
	PROVIDER_HOOK_STATUS,		/* a delivery report */
	PROVIDER_HOOK_VOICE_START,	/* a call begins */
	PROVIDER_HOOK_VOICE_GATHER,	/* keys pressed */
	PROVIDER_HOOK_VOICE_NO_INPUT,	/* no keys pressed */
	PROVIDER_HOOK_VOICE_END,	/* the call ended */
};

struct provider_route {
	const char		*path;		/* POST only */
	const char		*metric;	/* the route's /metrics label */
	enum provider_hook	 hook;
};

struct provider_hooks {
	const char	*name;		/* stored with each inbound message */
	const struct provider_route *routes;
	size_t		 nroutes;
	/* 1: long messages may arrive in parts (provider_inbound.part_ref). */
	int		 parts;
	/* The header carrying the signature; NULL: among the parameters. */
	const char	*signature_header;
	/*
	 * Reads the request's body into a new form (caller frees): 0, or the
	 * HTTP status to refuse it with and *why.
	 */
	int		 (*read)(const struct provider_request *, struct form **,
			    const char **why);
	/* 1 if the provider signed the request, else 0 with *why. */
	int		 (*verify)(const struct conf *,
			    const struct provider_request *, const struct form *,
			    int64_t now, const char **why);
	/* 0, or -1 with *why for a form that is no message. */
	int		 (*inbound)(const struct form *, struct provider_inbound *,
			    const char **why);
	int		 (*status)(const struct form *, const char *query,
			    struct provider_status *, const char **why);
	/* NULL: the provider has no keypad here. */
	int		 (*call)(const struct form *, const char *query,
			    struct provider_call *, const char **why);
	/*
	 * The answer to an inbound message carrying reply text (NULL: none),
	 * as a new string.  NULL: the provider cannot reply in its answer;
	 * replies go through the outbox and the answer is empty.
	 */
	char		*(*reply)(const char *text);
	const char	*reply_type;	/* Content-Type of reply and voice */
	char		*(*voice)(const char *public_url,
			    const struct provider_voice *);
};

struct provider_env {
	const struct conf	*conf;
	struct event_base	*base;
	struct httpc		*http;
};

struct provider_ops {
	const char	*name;
	const struct provider_hooks *hooks;
	/* Adds an error to d for each [provider] setting it needs and lacks. */
	void		 (*check)(const struct conf *, struct diag *d,
			    const char *file);
	/* NULL with *errp set (caller frees) if the configuration is unusable. */
	void		*(*create)(const struct provider_env *, char **errp);
	void		 (*free)(void *);
	int		 (*send)(void *, const struct provider_message *,
			    provider_done_fn, void *arg);
};

/*
 * Our message id from the first valid "id=N" (N > 0) of a callback URL's
 * query string, which may be NULL; 0 if there is none.  For the hooks'
 * status parsers; public for fuzz/fuzz_form.c.
 */
int64_t		 provider_query_id(const char *query);

/* The adapter called name, or NULL. */
const struct provider_ops	*provider_find(const char *name);
/* The names, comma separated, for messages and --help. */
const char			*provider_names(void);

extern const struct provider_hooks provider_twilio_hooks;
extern const struct provider_hooks provider_vonage_hooks;

extern const struct provider_ops provider_console_ops;
extern const struct provider_ops provider_twilio_ops;
extern const struct provider_ops provider_vonage_ops;

/*
 * Answers classified (exposed for the unit tests): status is the HTTP
 * status, body the JSON (or anything else).
 */
void	provider_twilio_classify(long status, const char *body,
	    struct provider_result *);
void	provider_vonage_classify(long status, const char *body,
	    struct provider_result *);

/*
 * For the adapters: requests to a provider's REST API, each answer
 * classified by classify and handed to done from the loop (a request lost
 * after it left is PROVIDER_UNKNOWN).  Timeouts come from [outbox].
 */
struct evbuffer;
struct provider_http;
typedef void	(*provider_classify_fn)(long status, const char *body,
		    struct provider_result *);
struct provider_http	*provider_http_create(struct httpc *,
			    const struct conf *);
/* Abandons requests in flight without calling their done. */
void			 provider_http_free(struct provider_http *);
/* body is a form (copied); userpwd may be NULL.  -1: refused at once. */
int			 provider_http_post(struct provider_http *,
			    const char *url, const char *userpwd,
			    const char *body, provider_classify_fn,
			    provider_done_fn, void *arg);
/* Appends key=value, form-encoded, to b. */
void			 provider_form_add(struct evbuffer *b, const char *key,
			    const char *value);
/* 1 if a Content-Type is want, with or without parameters, in any case. */
int			 provider_type_is(const char *ctype, const char *want);
/* The hooks' read for a form body: 0, or 413 or 400 with *why. */
int			 provider_read_form(const struct provider_request *,
			    struct form **, const char **why);
/* src (NULL: "") into dst, truncated to size. */
void			 provider_copy(char *dst, size_t size, const char *src);

/*
 * The hex signature of a signed webhook's parameters (all but sig) with
 * secret by method (md5hash, md5, sha1, sha256, sha512), as the provider
 * signs them; -1 for an unknown method.  Public for the unit tests.
 */
int	provider_vonage_sign(const char *secret, const char *method,
	    const struct form *, char *out, size_t outsize);

/* The console takes Twilio's webhooks: its token is needed as Twilio's. */
void	provider_twilio_check_token(const struct conf *, struct diag *,
	    const char *file);

#endif
