/* SPDX-License-Identifier: ISC */
/*
 * The staff API (see api.h).  A request goes through the same gates in
 * the same order every time: loopback, token, path shape, route, method,
 * query parameters, id, body; only then does a handler run, and each
 * handler makes one call into staff*.c.  Nothing here changes data
 * directly, so the CLI and the API cannot drift apart.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "api.h"
#include "clock.h"
#include "auth.h"
#include "conf.h"
#include "console.h"
#include "log.h"
#include "plan.h"
#include "prompts.h"
#include "schedule.h"
#include "server.h"
#include "settings.h"
#include "sms.h"
#include "staff.h"
#include "storage.h"
#include "triage.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

#define API_MAX_PATH		256
#define API_MAX_SEGMENTS	4
#define API_LIST_DEFAULT	100
#define API_LIST_MAX		1000

struct api {
	struct storage	*st;
	struct tz_cache	*zones;		/* zones loaded so far, kept */
	struct console	*console;	/* sessions; NULL: tokens only */
};

/* The rules check: at most this many messages of at most this many bytes. */
#define API_TRIAGE_MAX		20
#define API_TRIAGE_MAX_TEXT	1600

/* What a request body may carry, decoded into struct api_body. */
enum api_type {
	API_STRING,
	API_STRING_OR_NULL,	/* null clears the field */
	API_INT_OR_NULL,	/* walk_target, the one number */
	API_BOOL,
	API_ARRAY,		/* a JSON array, checked by the handler */
};

struct api_body {
	struct staff_input	 in;
	const char		*note;
	json_t			*messages;	/* borrowed from the body */
};

static const struct api_field {
	const char	*name;
	enum api_type	 type;
	size_t		 offset;
} api_fields[] = {
#define B(m) offsetof(struct api_body, m)
	{ "phone", API_STRING, B(in.phone) },
	{ "name", API_STRING_OR_NULL, B(in.name) },
	{ "language", API_STRING, B(in.language) },
	{ "timezone", API_STRING, B(in.timezone) },
	{ "plan", API_STRING, B(in.plan) },
	{ "reminder_times", API_STRING_OR_NULL, B(in.reminder_times) },
	{ "start_date", API_STRING, B(in.start_date) },
	{ "end_date", API_STRING_OR_NULL, B(in.end_date) },
	{ "quiet_start", API_STRING, B(in.quiet_start) },
	{ "quiet_end", API_STRING, B(in.quiet_end) },
	{ "walk_target", API_INT_OR_NULL, B(in.walk_target) },
	{ "force_resubscribe", API_BOOL, B(in.force_resubscribe) },
	{ "note", API_STRING, B(note) },
	{ "messages", API_ARRAY, B(messages) },
#undef B
};
#define API_NFIELDS (sizeof api_fields / sizeof api_fields[0])

/* Bits of api_fields by index. */
#define FB(i)		(1u << (i))
#define FIELDS_PATIENT	(FB(0) | FB(1) | FB(2) | FB(3) | FB(4) | FB(5) | \
			 FB(6) | FB(7) | FB(8) | FB(9) | FB(10))
#define FIELDS_CREATE	(FIELDS_PATIENT | FB(11))
#define FIELDS_RESUME	FB(11)
#define FIELDS_ACK	FB(12)
#define FIELDS_TRIAGE	(FB(13) | FB(2))	/* messages, language */

enum api_body_rule { BODY_NONE, BODY_OPTIONAL, BODY_REQUIRED };

struct api_req;
typedef void (*api_fn)(struct api_req *);

struct api_route {
	const char		*pattern;	/* segments; {id} is an id */
	int			 method;	/* EVHTTP_REQ_* */
	const char		*params;	/* allowed query keys: ",a,b," */
	enum api_body_rule	 body;
	unsigned		 fields;
	api_fn			 fn;
};

struct api_req {
	struct api		*api;
	struct evhttp_request	*req;
	const struct settings	*set;
	struct api_reply	*reply;
	struct staff_ctx	 ctx;
	char			 actor[64];
	int64_t			 id;
	struct evkeyvalq	 query;
	json_t			*json;		/* the body; NULL: none */
	struct api_body		 body;
};

static void	api_patients_list(struct api_req *);
static void	api_patients_create(struct api_req *);
static void	api_patient_get(struct api_req *);
static void	api_patient_update(struct api_req *);
static void	api_patient_delete(struct api_req *);
static void	api_patient_pause(struct api_req *);
static void	api_patient_resume(struct api_req *);
static void	api_patient_schedule(struct api_req *);
static void	api_patient_activity(struct api_req *);
static void	api_plans(struct api_req *);
static void	api_escalations(struct api_req *);
static void	api_escalation_ack(struct api_req *);
static void	api_escalation_get(struct api_req *);
static void	api_inbox(struct api_req *);
static void	api_inbox_done(struct api_req *);
static void	api_adherence(struct api_req *);
static void	api_patient_adherence(struct api_req *);
static void	api_patient_messages(struct api_req *);
static void	api_triage(struct api_req *);

static const struct api_route api_routes[] = {
	{ "patients", EVHTTP_REQ_GET, ",status,plan,after,limit,q,quiet_days,",
	  BODY_NONE, 0, api_patients_list },
	{ "patients", EVHTTP_REQ_POST, "", BODY_REQUIRED, FIELDS_CREATE,
	  api_patients_create },
	{ "patients/{id}", EVHTTP_REQ_GET, "", BODY_NONE, 0, api_patient_get },
	{ "patients/{id}", EVHTTP_REQ_PATCH, "", BODY_REQUIRED, FIELDS_PATIENT,
	  api_patient_update },
	{ "patients/{id}", EVHTTP_REQ_DELETE, "", BODY_NONE, 0,
	  api_patient_delete },
	{ "patients/{id}/pause", EVHTTP_REQ_POST, "", BODY_OPTIONAL, 0,
	  api_patient_pause },
	{ "patients/{id}/resume", EVHTTP_REQ_POST, "", BODY_OPTIONAL,
	  FIELDS_RESUME, api_patient_resume },
	{ "patients/{id}/schedule", EVHTTP_REQ_GET, ",n,", BODY_NONE, 0,
	  api_patient_schedule },
	{ "patients/{id}/activity", EVHTTP_REQ_GET, ",days,", BODY_NONE, 0,
	  api_patient_activity },
	{ "patients/{id}/adherence", EVHTTP_REQ_GET, ",weeks,", BODY_NONE, 0,
	  api_patient_adherence },
	{ "patients/{id}/messages", EVHTTP_REQ_GET, ",before,limit,", BODY_NONE,
	  0, api_patient_messages },
	{ "plans", EVHTTP_REQ_GET, "", BODY_NONE, 0, api_plans },
	{ "escalations", EVHTTP_REQ_GET, ",open,patient,since,before,limit,",
	  BODY_NONE, 0, api_escalations },
	{ "escalations/{id}", EVHTTP_REQ_GET, "", BODY_NONE, 0,
	  api_escalation_get },
	{ "escalations/{id}/ack", EVHTTP_REQ_POST, "", BODY_OPTIONAL,
	  FIELDS_ACK, api_escalation_ack },
	{ "inbox", EVHTTP_REQ_GET, ",open,limit,", BODY_NONE, 0, api_inbox },
	{ "inbox/{id}/done", EVHTTP_REQ_POST, "", BODY_OPTIONAL, FIELDS_ACK,
	  api_inbox_done },
	{ "adherence.csv", EVHTTP_REQ_GET, ",from,to,patient,", BODY_NONE, 0,
	  api_adherence },
	{ "triage", EVHTTP_REQ_POST, "", BODY_REQUIRED, FIELDS_TRIAGE,
	  api_triage },
};
#define API_NROUTES (sizeof api_routes / sizeof api_routes[0])

static const struct {
	int		 method;
	const char	*name;
} api_methods[] = {
	{ EVHTTP_REQ_GET, "GET" },
	{ EVHTTP_REQ_POST, "POST" },
	{ EVHTTP_REQ_PATCH, "PATCH" },
	{ EVHTTP_REQ_DELETE, "DELETE" },
	/* Named for the log only: no route takes them. */
	{ EVHTTP_REQ_PUT, "PUT" },
	{ EVHTTP_REQ_HEAD, "HEAD" },
	{ EVHTTP_REQ_OPTIONS, "OPTIONS" },
};

static const char *
api_method_name(int method)
{
	size_t	i;

	for (i = 0; i < sizeof api_methods / sizeof api_methods[0]; i++)
		if (api_methods[i].method == method)
			return api_methods[i].name;
	return "other";
}

struct api *
api_create(struct storage *st)
{
	struct api	*api;

	api = xcalloc(1, sizeof *api);
	api->st = st;
	api->zones = tz_cache_create();
	return api;
}

void
api_set_console(struct api *api, struct console *console)
{
	api->console = console;
}

void
api_free(struct api *api)
{
	if (api == NULL)
		return;
	tz_cache_free(api->zones);
	free(api);
}

/* ------------------------------------------------------------- replies */

static void
api_header(struct api_req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->req), name,
	    value);
}

/* Sets the reply to j (a reference the reply takes). */
static void
api_json(struct api_req *r, int status, json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	free(r->reply->body);
	r->reply->status = status;
	r->reply->ctype = "application/json";
	r->reply->body = xasprintf("%s\n", s != NULL ? s : "{}");
	free(s);
}

static void
api_error(struct api_req *r, int status, const char *field, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
api_error(struct api_req *r, int status, const char *field, const char *fmt,
    ...)
{
	va_list	 ap;
	char	 msg[320], *text;
	json_t	*j;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/*
	 * jansson refuses strings that are not UTF-8, and a message may quote
	 * a query value as sent, or be cut inside a character.
	 */
	text = utf8_sanitize(msg, strlen(msg));
	j = json_pack("{s:s}", "error", text);
	free(text);
	if (field != NULL) {
		text = utf8_sanitize(field, strlen(field));
		json_object_set_new(j, "field", json_string(text));
		free(text);
	}
	api_json(r, status, j);
}

static void
api_staff_error(struct api_req *r, const struct staff_error *err)
{
	static const int statuses[] = {
		[STAFF_OK] = 200,
		[STAFF_INVALID] = 400,
		[STAFF_NOT_FOUND] = 404,
		[STAFF_CONFLICT] = 409,
		[STAFF_FAILED] = 503,
	};

	api_error(r, statuses[err->status], err->field, "%s", err->msg);
}

static void
api_patient_reply(struct api_req *r, int status, struct patient *p)
{
	api_json(r, status, staff_patient_json(p));
	patient_clear(p);
}

/* ---------------------------------------------------------------- gates */

int
api_peer_is_loopback(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	const struct sockaddr		*sa;
	const struct sockaddr_in6	*s6;
	static const unsigned char	 v4mapped[12] = { 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff };

	if ((evcon = evhttp_request_get_connection(req)) == NULL ||
	    (sa = evhttp_connection_get_addr(evcon)) == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return 1;
		return memcmp(s6->sin6_addr.s6_addr, v4mapped, 12) == 0 &&
		    s6->sin6_addr.s6_addr[12] == 127;
	}
	return 0;
}

/* Splits path (below the prefix) into segments; -1 if it is malformed. */
static int
api_split(const char *path, char seg[API_MAX_SEGMENTS][API_MAX_PATH],
    size_t *n)
{
	const char	*p = path, *e;
	size_t		 len;

	*n = 0;
	if (*p == '\0')
		return 0;
	if (*p++ != '/')
		return -1;
	for (;;) {
		e = p + strcspn(p, "/");
		len = (size_t)(e - p);
		/* Empty, dot and encoded segments are never ours: refuse. */
		if (len == 0 || *n == API_MAX_SEGMENTS ||
		    memchr(p, '%', len) != NULL ||
		    (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return -1;
		memcpy(seg[*n], p, len);
		seg[(*n)++][len] = '\0';
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}

/* 1 if the segments fit the pattern; the {id} segment goes into *idseg. */
static int
api_match(const char *pattern, char seg[API_MAX_SEGMENTS][API_MAX_PATH],
    size_t n, const char **idseg)
{
	const char	*p = pattern, *e;
	size_t		 i, len;

	*idseg = NULL;
	for (i = 0; i < n; i++) {
		if (*p == '\0')
			return 0;
		e = p + strcspn(p, "/");
		len = (size_t)(e - p);
		if (len == 4 && strncmp(p, "{id}", 4) == 0)
			*idseg = seg[i];
		else if (strlen(seg[i]) != len || strncmp(p, seg[i], len) != 0)
			return 0;
		p = *e == '/' ? e + 1 : e;
	}
	return *p == '\0';
}

/* Every query key must be one the route knows, and given once. */
static int
api_check_query(struct api_req *r, const struct api_route *rt)
{
	const char	*q;
	struct evkeyval	*kv, *other;
	char		 key[40];

	q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->req));
	if (q == NULL)
		return 0;
	if (evhttp_parse_query_str(q, &r->query) == -1) {
		api_error(r, 400, NULL, "malformed query string");
		return -1;
	}
	TAILQ_FOREACH(kv, &r->query, next) {
		snprintf(key, sizeof key, ",%s,", kv->key);
		if (strlen(kv->key) > 30 || strchr(kv->key, ',') != NULL ||
		    strstr(rt->params, key) == NULL) {
			api_error(r, 400, kv->key, "unknown query parameter");
			return -1;
		}
		for (other = TAILQ_NEXT(kv, next); other != NULL;
		    other = TAILQ_NEXT(other, next)) {
			if (strcmp(other->key, kv->key) == 0) {
				api_error(r, 400, kv->key, "given twice");
				return -1;
			}
		}
	}
	return 0;
}

static const char *
api_param(struct api_req *r, const char *key)
{
	return evhttp_find_header(&r->query, key);
}

/* An integer parameter in [min, max], def when absent; -1 after a 400. */
static int
api_param_int(struct api_req *r, const char *key, long min, long max,
    long def, long *out)
{
	const char	*v = api_param(r, key);
	char		*end;
	long		 n;

	*out = def;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < min || n > max ||
	    (v[0] == '0' && v[1] != '\0') || v[0] == '+' || v[0] == ' ') {
		api_error(r, 400, key, "must be a whole number from %ld to %ld",
		    min, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* Decodes one known field of the body into r->body. */
static int
api_decode_field(struct api_req *r, const struct api_field *f, json_t *v)
{
	char		*base = (char *)&r->body + f->offset;
	const char	*s;

	switch (f->type) {
	case API_STRING:
	case API_STRING_OR_NULL:
		if (json_is_null(v) && f->type == API_STRING_OR_NULL) {
			*(const char **)(void *)base = "";
			return 0;
		}
		if (!json_is_string(v)) {
			api_error(r, 400, f->name, "must be a string%s",
			    f->type == API_STRING_OR_NULL ? " or null" : "");
			return -1;
		}
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v)) {
			api_error(r, 400, f->name, "must not contain NUL");
			return -1;
		}
		*(const char **)(void *)base = s;
		return 0;
	case API_INT_OR_NULL:
		if (json_is_null(v)) {
			r->body.in.walk_target = 0;
			r->body.in.walk_target_given = 1;
			return 0;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > STAFF_WALK_TARGET_MAX) {
			api_error(r, 400, f->name, "must be a whole number "
			    "from 0 (the plan's goal) to %d, or null",
			    STAFF_WALK_TARGET_MAX);
			return -1;
		}
		r->body.in.walk_target = (int)json_integer_value(v);
		r->body.in.walk_target_given = 1;
		return 0;
	case API_BOOL:
		if (!json_is_boolean(v)) {
			api_error(r, 400, f->name, "must be true or false");
			return -1;
		}
		*(int *)(void *)base = json_is_true(v);
		return 0;
	case API_ARRAY:
		if (!json_is_array(v)) {
			api_error(r, 400, f->name, "must be an array");
			return -1;
		}
		*(json_t **)(void *)base = v;
		return 0;
	}
	return -1;
}

/* Reads the body as a JSON object of the route's fields. */
static int
api_read_body(struct api_req *r, const struct api_route *rt)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->req);
	json_error_t	 jerr;
	const char	*key;
	json_t		*v;
	size_t		 len = evbuffer_get_length(in), i;

	staff_input_init(&r->body.in);
	if (rt->body == BODY_NONE)
		return 0;
	if (len == 0) {
		if (rt->body == BODY_OPTIONAL)
			return 0;
		api_error(r, 400, NULL, "a JSON object is expected in the body");
		return -1;
	}
	if (len > API_MAX_BODY) {
		api_error(r, 413, NULL, "the body is larger than %d bytes",
		    API_MAX_BODY);
		return -1;
	}
	if (!server_content_type_is(r->req, "application/json")) {
		api_error(r, 415, NULL, "expected Content-Type: "
		    "application/json");
		return -1;
	}
	r->json = json_loadb((const char *)evbuffer_pullup(in, -1), len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (r->json == NULL) {
		api_error(r, 400, NULL, "malformed JSON at line %d column %d: "
		    "%s", jerr.line, jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(r->json)) {
		api_error(r, 400, NULL, "the body must be a JSON object");
		return -1;
	}
	json_object_foreach(r->json, key, v) {
		for (i = 0; i < API_NFIELDS; i++)
			if ((rt->fields & FB(i)) &&
			    strcmp(api_fields[i].name, key) == 0)
				break;
		if (i == API_NFIELDS) {
			api_error(r, 400, key, "unknown field");
			return -1;
		}
		if (api_decode_field(r, &api_fields[i], v) == -1)
			return -1;
	}
	return 0;
}

/* Checks the Authorization header; sets the actor or answers 401/403. */
static int
api_authorize(struct api_req *r)
{
	const char	*hdr, *name;

	if (auth_count(r->set->auth) == 0) {
		api_error(r, 403, NULL, "staff API disabled: no admin token is "
		    "configured ([admin] token_file or CLOTLINE_ADMIN_TOKEN)");
		return -1;
	}
	hdr = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "Authorization");
	/* The console's pages: its session cookie stands for the token. */
	if (hdr == NULL && r->api->console != NULL) {
		switch (console_session_check(r->api->console, r->set, r->req,
		    &name)) {
		case CONSOLE_SESSION_OK:
			(void)staff_actor(name, r->actor, sizeof r->actor);
			r->ctx.actor = r->actor;
			return 0;
		case CONSOLE_SESSION_CSRF:
			api_error(r, 403, NULL, "a change from the console needs "
			    "its CSRF token (" CONSOLE_CSRF_HEADER "); reload "
			    "the page");
			return -1;
		case CONSOLE_SESSION_NONE:
			break;
		}
	}
	if ((name = auth_check(r->set->auth, hdr)) == NULL) {
		api_header(r, "WWW-Authenticate", hdr == NULL ?
		    "Bearer realm=\"clotline\"" :
		    "Bearer realm=\"clotline\", error=\"invalid_token\"");
		log_warn("api: refused: %s bearer token", hdr == NULL ?
		    "no" : "wrong");
		api_error(r, 401, NULL, "%s", hdr == NULL ? "a bearer token is "
		    "required (Authorization: Bearer TOKEN)" :
		    "the bearer token is wrong");
		return -1;
	}
	(void)staff_actor(name, r->actor, sizeof r->actor);
	r->ctx.actor = r->actor;
	return 0;
}

static void
api_dispatch(struct api_req *r, const char *path)
{
	char			 seg[API_MAX_SEGMENTS][API_MAX_PATH];
	char			 allow[64] = "";
	const struct api_route	*rt = NULL;
	const char		*idseg = NULL, *idtry;
	size_t			 n, i, j;
	int			 method, matched = 0;

	if (!r->set->conf->admin_allow_remote &&
	    !api_peer_is_loopback(r->req)) {
		api_error(r, 403, NULL, "the staff API answers only on the "
		    "loopback interface ([admin] allow_remote)");
		return;
	}
	if (api_authorize(r) == -1)
		return;
	if (strlen(path) >= API_MAX_PATH || api_split(path, seg, &n) == -1) {
		api_error(r, 400, NULL, "malformed path");
		return;
	}
	method = (int)evhttp_request_get_command(r->req);
	for (i = 0; i < API_NROUTES; i++) {
		if (!api_match(api_routes[i].pattern, seg, n, &idtry))
			continue;
		matched = 1;
		for (j = 0; j < sizeof api_methods / sizeof api_methods[0]; j++)
			if (api_methods[j].method == api_routes[i].method &&
			    strstr(allow, api_methods[j].name) == NULL)
				snprintf(allow + strlen(allow), sizeof allow -
				    strlen(allow), "%s%s", allow[0] != '\0' ?
				    ", " : "", api_methods[j].name);
		if (api_routes[i].method == method) {
			rt = &api_routes[i];
			idseg = idtry;
		}
	}
	if (!matched) {
		api_error(r, 404, NULL, "no such API route (see docs/api.md)");
		return;
	}
	if (rt == NULL) {
		api_header(r, "Allow", allow);
		api_error(r, 405, NULL, "method not allowed (Allow: %s)", allow);
		return;
	}
	if (api_check_query(r, rt) == -1)
		return;
	if (idseg != NULL && staff_parse_id(idseg, &r->id) == -1) {
		api_error(r, 400, "id", "'%.40s' is not an id (a number from 1)",
		    idseg);
		return;
	}
	if (api_read_body(r, rt) == -1)
		return;
	rt->fn(r);
}

void
api_handle(struct api *api, const struct settings *set,
    struct evhttp_request *req, const char *path, struct api_reply *reply)
{
	struct api_req	r;

	memset(reply, 0, sizeof *reply);
	memset(&r, 0, sizeof r);
	r.api = api;
	r.req = req;
	r.set = set;
	r.reply = reply;
	TAILQ_INIT(&r.query);
	r.ctx.st = api->st;
	r.ctx.set = set;
	r.ctx.zones = api->zones;
	/* until api_authorize names the token ("staff:api" is a token's) */
	r.ctx.actor = "unauthenticated";
	r.ctx.now = clock_now();
	api_dispatch(&r, path + strlen(API_PREFIX));
	if (reply->status == 0)		/* every path ends in a reply */
		api_error(&r, 500, NULL, "internal error");
	if (reply->status < 300 && evhttp_request_get_command(req) !=
	    EVHTTP_REQ_GET)
		reply->changed = 1;
	log_info("api: %s %s %.80s -> %d", r.ctx.actor,
	    api_method_name((int)evhttp_request_get_command(req)), path,
	    reply->status);
	evhttp_clear_headers(&r.query);
	json_decref(r.json);
}

/* ------------------------------------------------------------- handlers */

/* 1 if needle is in hay, ASCII letters compared without case. */
static int
api_contains(const char *hay, const char *needle)
{
	size_t	i, j, n = strlen(needle);

	if (hay == NULL)
		return 0;
	for (i = 0; hay[i] != '\0'; i++) {
		for (j = 0; j < n && hay[i + j] != '\0'; j++) {
			unsigned char a = (unsigned char)hay[i + j];
			unsigned char b = (unsigned char)needle[j];

			if (a >= 'A' && a <= 'Z')
				a = (unsigned char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (unsigned char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (j == n)
			return 1;
	}
	return n == 0;
}

/*
 * The list's own filters, q (in the name or the number; spaces in a number
 * ignored) and quiet_days (no activity reported in that many days): -1 on
 * a store error.
 */
static int
api_patient_wanted(struct api_req *r, const struct patient *p, const char *q,
    long quiet_days)
{
	struct activity_row	*v;
	char			 digits[40];
	size_t			 n = 0;

	if (q != NULL && *q != '\0' && !api_contains(p->name, q)) {
		for (; *q != '\0' && n + 1 < sizeof digits; q++)
			if (*q != ' ' && *q != '-' && *q != '(' && *q != ')')
				digits[n++] = *q;
		digits[n] = '\0';
		if (n == 0 || !api_contains(p->phone, digits))
			return 0;
	}
	if (quiet_days > 0) {
		if (storage_activity_list(r->ctx.st, p->id, r->ctx.now -
		    quiet_days * 86400, r->ctx.now + 1, 1, &v, &n) == -1)
			return -1;
		free(v);
		if (n > 0)
			return 0;
	}
	return 1;
}

static void
api_patients_list(struct api_req *r)
{
	struct patient_filter	 f;
	struct staff_error	 err;
	struct patient		*v;
	const char		*status = api_param(r, "status");
	const char		*q = api_param(r, "q");
	json_t			*arr;
	size_t			 n, i, got = 0;
	long			 limit, after, quiet, next = 0;
	int			 want;

	memset(&f, 0, sizeof f);
	f.which = PATIENTS_ENROLLED;
	if (status != NULL && staff_status_filter(status, &f.which) == -1) {
		api_error(r, 400, "status", "must be one of enrolled, active, "
		    "paused, opted_out, removed, all");
		return;
	}
	if (api_param_int(r, "limit", 1, API_LIST_MAX, API_LIST_DEFAULT,
	    &limit) == -1 || api_param_int(r, "after", 0, LONG_MAX, 0,
	    &after) == -1 || api_param_int(r, "quiet_days", 1, 366, 0,
	    &quiet) == -1)
		return;
	if (q != NULL && strlen(q) > 100) {
		api_error(r, 400, "q", "must be at most 100 bytes");
		return;
	}
	f.plan = api_param(r, "plan");
	f.after_id = after;
	f.max = (size_t)limit;
	arr = json_array();
	/* Pages of the store until the page of matches is full. */
	for (;;) {
		if (staff_patient_list(&r->ctx, &f, &v, &n, &err) != STAFF_OK) {
			json_decref(arr);
			api_staff_error(r, &err);
			return;
		}
		for (i = 0; i < n && got < (size_t)limit; i++) {
			f.after_id = v[i].id;
			if ((want = api_patient_wanted(r, &v[i], q,
			    quiet)) == -1) {
				patient_list_free(v, n);
				json_decref(arr);
				api_error(r, 503, NULL, "the database is "
				    "unavailable; try again");
				return;
			}
			if (want) {
				json_array_append_new(arr,
				    staff_patient_json(&v[i]));
				got++;
			}
		}
		patient_list_free(v, n);
		if (got == (size_t)limit) {
			next = f.after_id;
			break;
		}
		if (n < f.max)
			break;
	}
	api_json(r, 200, json_pack("{s:o, s:o}", "patients", arr, "next_after",
	    next > 0 ? json_integer(next) : json_null()));
}

static void
api_patients_create(struct api_req *r)
{
	struct staff_error	err;
	struct patient		p;
	json_t			*o;
	char			loc[64];

	if (staff_patient_add(&r->ctx, &r->body.in, &p, &err) != STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	snprintf(loc, sizeof loc, API_PREFIX "/patients/%lld",
	    (long long)p.id);
	api_header(r, "Location", loc);
	o = staff_patient_json(&p);
	patient_clear(&p);
	if (err.warning[0] != '\0')
		json_object_set_new(o, "warning", json_string(err.warning));
	api_json(r, 201, o);
}

/* The calls that take a patient id and give the patient back. */
typedef enum staff_status (*api_patient_fn)(const struct staff_ctx *, int64_t,
    struct patient *, struct staff_error *);

static void
api_patient_call(struct api_req *r, api_patient_fn fn)
{
	struct staff_error	err;
	struct patient		p;

	if (fn(&r->ctx, r->id, &p, &err) != STAFF_OK)
		api_staff_error(r, &err);
	else
		api_patient_reply(r, 200, &p);
}

static void
api_patient_get(struct api_req *r)
{
	api_patient_call(r, staff_patient_get);
}

static void
api_patient_update(struct api_req *r)
{
	struct staff_error	err;
	struct patient		p;

	if (staff_patient_update(&r->ctx, r->id, &r->body.in, &p, &err) !=
	    STAFF_OK)
		api_staff_error(r, &err);
	else
		api_patient_reply(r, 200, &p);
}

static void
api_patient_delete(struct api_req *r)
{
	api_patient_call(r, staff_patient_remove);
}

static void
api_patient_pause(struct api_req *r)
{
	api_patient_call(r, staff_patient_pause);
}

static void
api_patient_resume(struct api_req *r)
{
	struct staff_error	err;
	struct patient		p;

	if (staff_patient_resume(&r->ctx, r->id,
	    r->body.in.force_resubscribe, &p, &err) != STAFF_OK)
		api_staff_error(r, &err);
	else
		api_patient_reply(r, 200, &p);
}

static void
api_patient_schedule(struct api_req *r)
{
	struct staff_error	 err;
	json_t			*j;
	long			 n;

	if (api_param_int(r, "n", 1, STAFF_UPCOMING_MAX, 10, &n) == -1)
		return;
	if (staff_patient_schedule(&r->ctx, r->id, (size_t)n, &j, &err) !=
	    STAFF_OK)
		api_staff_error(r, &err);
	else
		api_json(r, 200, j);
}

static void
api_patient_activity(struct api_req *r)
{
	struct staff_error	 err;
	json_t			*j;
	long			 days;

	if (api_param_int(r, "days", 1, STAFF_ADHERENCE_MAX_DAYS, 30,
	    &days) == -1)
		return;
	if (staff_patient_activity(&r->ctx, r->id, (int)days, &j, &err) !=
	    STAFF_OK)
		api_staff_error(r, &err);
	else
		api_json(r, 200, j);
}

/* "daily", "every 2 days" or "mon,thu", as plans say it. */
static json_t *
api_rule_days(const struct sched_rule *rule)
{
	static const char *const names[] = {
		"sun", "mon", "tue", "wed", "thu", "fri", "sat",
	};
	char	buf[40] = "";
	size_t	i;

	if (rule->days == SCHED_DAILY)
		return json_string("daily");
	if (rule->days == SCHED_EVERY) {
		snprintf(buf, sizeof buf, "every %d days", rule->every);
		return json_string(buf);
	}
	for (i = 0; i < 7; i++)
		if (rule->weekdays & (1u << i))
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
			    "%s%s", buf[0] != '\0' ? "," : "", names[i]);
	return json_string(buf);
}

static void
api_plans(struct api_req *r)
{
	const struct plans	*ps = r->set->plans;
	const struct plan	*p;
	const struct sched_rule	*rule;
	json_t			*arr, *rems;
	size_t			 i, k;
	char			 hhmm[24];

	arr = json_array();
	for (i = 0; i < plan_count(ps); i++) {
		p = plan_get(ps, i);
		rems = json_array();
		for (k = 0; k < p->nreminders; k++) {
			rule = &p->reminders[k].rule;
			snprintf(hhmm, sizeof hhmm, "%02d:%02d",
			    rule->minute / 60, rule->minute % 60);
			json_array_append_new(rems, json_pack("{s:s, s:s, s:o,"
			    " s:i, s:i}", "name", p->reminders[k].name,
			    "time", hhmm, "days", api_rule_days(rule),
			    "start_delay_days", rule->start_delay,
			    "end_after_days", rule->end_after));
		}
		json_array_append_new(arr, json_pack("{s:s, s:s?, s:i, s:i,"
		    " s:i, s:i, s:i, s:o}", "name", p->name, "description",
		    p->description, "walk_start", p->walk_start, "walk_step",
		    p->walk_step, "walk_target", p->walk_target, "goal_min",
		    p->goal_min, "goal_max", p->goal_max, "reminders", rems));
	}
	api_json(r, 200, json_pack("{s:o}", "plans", arr));
}

/*
 * Escalations, newest first, each with its episode: open=1 for the
 * unacknowledged, patient (an id or E.164 number), since (a date or a UTC
 * time), and pages of limit below the id in before (next_before).
 */
static void
api_escalations(struct api_req *r)
{
	struct escalation_filter f;
	struct staff_error	 err;
	struct escalation_row	*v;
	const char		*patient = api_param(r, "patient");
	const char		*since = api_param(r, "since");
	json_t			*arr, *o;
	size_t			 n, i;
	long			 open, limit, before;

	memset(&f, 0, sizeof f);
	if (api_param_int(r, "open", 0, 1, 0, &open) == -1 ||
	    api_param_int(r, "limit", 1, API_LIST_MAX, API_LIST_DEFAULT,
	    &limit) == -1 || api_param_int(r, "before", 0, LONG_MAX, 0,
	    &before) == -1)
		return;
	if (patient != NULL && staff_patient_find(&r->ctx, patient,
	    &f.patient_id, &err) != STAFF_OK) {
		if (err.status == STAFF_NOT_FOUND || err.status == STAFF_INVALID)
			api_error(r, 400, "patient", "%s", err.msg);
		else
			api_staff_error(r, &err);
		return;
	}
	if (since != NULL && staff_parse_time(since, &f.since) == -1) {
		api_error(r, 400, "since", "must be a date (2026-01-05) or a UTC "
		    "time (2026-01-05T09:30:00Z)");
		return;
	}
	f.open_only = (int)open;
	f.before_id = before;
	f.max = (size_t)limit;
	if (staff_escalation_list(&r->ctx, &f, &v, &n, &err) != STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++) {
		o = staff_escalation_json(&v[i]);
		if (staff_escalation_episode(&r->ctx, v[i].id, o, &err) !=
		    STAFF_OK) {
			json_decref(o);
			json_decref(arr);
			escalation_list_free(v, n);
			api_staff_error(r, &err);
			return;
		}
		json_array_append_new(arr, o);
	}
	api_json(r, 200, json_pack("{s:o, s:o}", "escalations", arr,
	    "next_before", n == f.max && n > 0 ? json_integer(v[n - 1].id) :
	    json_null()));
	escalation_list_free(v, n);
}

static void
api_escalation_get(struct api_req *r)
{
	struct staff_error	err;
	struct escalation_row	e;
	json_t			*o;

	if (staff_escalation_get(&r->ctx, r->id, &e, &err) != STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	o = staff_escalation_json(&e);
	escalation_row_clear(&e);
	if (staff_escalation_episode(&r->ctx, r->id, o, &err) != STAFF_OK) {
		json_decref(o);
		api_staff_error(r, &err);
		return;
	}
	api_json(r, 200, o);
}

static void
api_escalation_ack(struct api_req *r)
{
	struct staff_error	err;
	struct escalation_row	e;

	if (staff_escalation_ack(&r->ctx, r->id, r->body.note, &e, &err) !=
	    STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	api_json(r, 200, staff_escalation_json(&e));
	escalation_row_clear(&e);
}

/* Messages waiting for a person: the open ones unless open=0. */
static void
api_inbox(struct api_req *r)
{
	struct staff_error	 err;
	struct inbox_row	*v;
	json_t			*arr;
	size_t			 n, i;
	long			 open, limit;

	if (api_param_int(r, "open", 0, 1, 1, &open) == -1 ||
	    api_param_int(r, "limit", 1, API_LIST_MAX, API_LIST_DEFAULT,
	    &limit) == -1)
		return;
	if (staff_inbox_list(&r->ctx, (int)open, (size_t)limit, &v, &n,
	    &err) != STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, staff_inbox_json(&v[i]));
	inbox_list_free(v, n);
	api_json(r, 200, json_pack("{s:o}", "inbox", arr));
}

static void
api_inbox_done(struct api_req *r)
{
	struct staff_error	err;
	struct inbox_row	row;

	if (staff_inbox_done(&r->ctx, r->id, r->body.note, &row, &err) !=
	    STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	api_json(r, 200, staff_inbox_json(&row));
	inbox_row_clear(&row);
}

static void
api_adherence(struct api_req *r)
{
	struct staff_error	 err;
	const char		*pid = api_param(r, "patient");
	int64_t			 id = 0;
	char			*csv;

	if (pid != NULL && staff_parse_id(pid, &id) == -1) {
		api_error(r, 400, "patient", "'%.40s' is not a patient id",
		    pid);
		return;
	}
	if (staff_adherence_csv(&r->ctx, api_param(r, "from"),
	    api_param(r, "to"), id, &csv, &err) != STAFF_OK) {
		api_staff_error(r, &err);
		return;
	}
	api_header(r, "Content-Disposition",
	    "attachment; filename=\"adherence.csv\"");
	r->reply->status = 200;
	r->reply->ctype = "text/csv; charset=utf-8; header=present";
	r->reply->body = csv;
}

static void
api_patient_adherence(struct api_req *r)
{
	struct staff_error	 err;
	json_t			*j;
	long			 weeks;

	if (api_param_int(r, "weeks", 1, STAFF_ADHERENCE_MAX_WEEKS, 12,
	    &weeks) == -1)
		return;
	if (staff_patient_adherence(&r->ctx, r->id, (int)weeks, &j, &err) !=
	    STAFF_OK)
		api_staff_error(r, &err);
	else
		api_json(r, 200, j);
}

static void
api_patient_messages(struct api_req *r)
{
	struct staff_error	 err;
	json_t			*j;
	long			 limit, before;

	if (api_param_int(r, "limit", 1, STAFF_MESSAGES_MAX, 100,
	    &limit) == -1 || api_param_int(r, "before", 1, LONG_MAX, 0,
	    &before) == -1)
		return;
	if (staff_patient_messages(&r->ctx, r->id, before, (size_t)limit, &j,
	    &err) != STAFF_OK)
		api_staff_error(r, &err);
	else
		api_json(r, 200, j);
}

/* "a,b" as ["a", "b"]. */
static json_t *
api_split_list(const char *s)
{
	json_t	*arr = json_array();
	size_t	 len;

	while (s != NULL && *s != '\0') {
		len = strcspn(s, ",");
		if (len > 0)
			json_array_append_new(arr, json_stringn(s, len));
		s += len;
		s += *s == ',';
	}
	return arr;
}

static const char *
api_request_name(enum triage_request req)
{
	switch (req) {
	case TRIAGE_REQUEST_STOP:	return "stop";
	case TRIAGE_REQUEST_START:	return "start";
	case TRIAGE_REQUEST_HELP:	return "help";
	case TRIAGE_REQUEST_NONE:	break;
	}
	return NULL;
}

/*
 * The rules check: the engine and the reply decision run on the messages
 * as a fresh conversation of an enrolled patient; nothing is stored.
 */
static void
api_triage(struct api_req *r)
{
	struct sms_preview	 pv[API_TRIAGE_MAX];
	const char		*texts[API_TRIAGE_MAX];
	const char		*lang = r->body.in.language;
	char			*own[API_TRIAGE_MAX];
	json_t			*msgs = r->body.messages, *v, *arr, *o, *act;
	size_t			 n, i;

	if (msgs == NULL || (n = json_array_size(msgs)) == 0 ||
	    n > API_TRIAGE_MAX) {
		api_error(r, 400, "messages", "give 1 to %d messages, as an "
		    "array of strings", API_TRIAGE_MAX);
		return;
	}
	if (lang != NULL && !prompts_has_language(r->set->prompts, lang)) {
		api_error(r, 400, "language", "'%.20s' is not a language the "
		    "clinic has prompts for (such as en, es, de)", lang);
		return;
	}
	json_array_foreach(msgs, i, v) {
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > API_TRIAGE_MAX_TEXT) {
			api_error(r, 400, "messages", "message %zu must be a "
			    "string of 1 to %d bytes", i + 1,
			    API_TRIAGE_MAX_TEXT);
			return;
		}
	}
	for (i = 0; i < n; i++) {
		v = json_array_get(msgs, i);
		own[i] = utf8_sanitize(json_string_value(v),
		    json_string_length(v));
		texts[i] = own[i];
	}
	sms_preview(r->set, lang, texts, n, r->ctx.now, pv);
	arr = json_array();
	for (i = 0; i < n; i++) {
		act = json_null();
		if (pv[i].triage.activity.present)
			act = json_pack("{s:i, s:i, s:i}", "minutes",
			    pv[i].triage.activity.minutes, "meters",
			    pv[i].triage.activity.meters, "steps",
			    pv[i].triage.activity.steps);
		o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?, s:s?, s:s?,"
		    " s:s?, s:s?, s:b, s:b, s:b, s:o}",
		    "message", texts[i],
		    "level", triage_level_name(pv[i].triage.level),
		    "own_level", triage_level_name(pv[i].triage.own),
		    "answered_as", pv[i].level,
		    "rules", api_split_list(pv[i].triage.rules),
		    "question", pv[i].triage.question,
		    "request", api_request_name(pv[i].triage.request),
		    "reads_as", pv[i].reads_as,
		    "language", pv[i].lang,
		    "reply", pv[i].reply,
		    "alerts_on_call", pv[i].escalate,
		    "to_inbox", pv[i].inbox,
		    "answer", pv[i].triage.answer != TRIAGE_ANSWER_NONE,
		    "activity", act);
		json_array_append_new(arr, o);
		sms_preview_clear(&pv[i]);
		free(own[i]);
	}
	api_json(r, 200, json_pack("{s:o}", "results", arr));
}
