/* SPDX-License-Identifier: ISC */
/*
 * fakeprovider: a scripted stand-in for the Twilio Messages API, for the
 * outbox's integration tests, the interoperability run and the benchmark.
 * evhttp on 127.0.0.1 (port 0 unless --port): it answers
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json as the provider does
 * (201 JSON with a sid, or the JSON error of a scripted failure) and writes
 * one JSON line per request to the log, so tests can count what arrived.
 *
 *	fakeprovider --port-file FILE --log FILE [--script FILE]
 *	    [--token TOKEN] [--port N] [--deliver-port-file FILE]
 *
 * The script has one line per recipient, "NUMBER ACTION...", or "* ACTION..."
 * for every number without its own line.  Each request to a number takes the
 * next action; when they run out, 201.  Actions:
 *
 *	201		created (status "queued")
 *	429 500 503	that HTTP status, with a JSON error (429: code 20429)
 *	21610 21211 21614 30001
 *			400 with that error code (30001 is "queue overflow")
 *	slow:MS		created, answered after MS milliseconds
 *	lost:MS		created; a signed "sent" status callback goes to the
 *			StatusCallback URL at once; the answer only after MS ms
 *			(the gateway has given up by then)
 *	reset		the connection is closed without an answer
 *	http:CODE	that HTTP status with an HTML page (no body for 204,
 *			a Location for 3xx), as a proxy in front would answer
 *	nosid:CODE	that status with the message's JSON but no sid
 *	after:VALUE	503 with "Retry-After: VALUE" (digits only)
 *	afterdate:SEC	503 with Retry-After as an HTTP-date SEC seconds ahead
 *	undelivered	created (201), then a signed "undelivered" status
 *			callback with ErrorCode 30003 instead of "delivered"
 *
 * Vonage mode: POST /sms/json or /json (the SMS API, shared/peer/
 * vonage_sms.yml, whose server is https://rest.nexmo.com/sms), with the
 * credentials in the form or as Basic auth and the body a form or JSON, is
 * answered as Vonage does, 200 with a "messages" array, and logged the same
 * way (the log line's "to" as sent: digits, no '+').  The same script
 * applies: 201 is status "0", 429 is status "1" (throttled), vonage:N is
 * status N, 21610 is status "7" (barred), 21211 is status "3"; 5xx, reset,
 * slow: and http: as above.  With --signature-secret, an accepted message
 * is followed by a delivery receipt to its callback URL, signed with
 * --signature-method (default sha256); "undelivered" sends status "failed"
 * with err-code 9.
 *
 * With --token, 201 answers are followed by a signed "delivered" status
 * callback when the request had a StatusCallback (the lost: action sends
 * "sent" instead).  Callbacks are signed for the StatusCallback URL as
 * given; --deliver-port-file names a file holding the port on 127.0.0.1 to
 * deliver them to instead, as a reverse proxy in front of the gateway would.
 * Log lines carry "t", milliseconds since the epoch.  SIGTERM or SIGINT
 * exits 0.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "form.h"
#include "provider.h"
#include "signature.h"

#define FAKE_MAX_SCRIPT	256

struct fake_script {
	char	*number;		/* "*" for the default */
	char	*actions[64];
	size_t	 n, next;
};

static struct event_base	*fake_base;
static FILE			*fake_log;
static const char		*fake_token;
static const char		*fake_deliver_port_file;
static const char		*fake_vonage_secret;
static const char		*fake_vonage_method = "sha256";
static struct fake_script	 fake_scripts[FAKE_MAX_SCRIPT];
static size_t			 fake_nscripts;
static unsigned long		 fake_count;

static void
die(const char *what)
{
	fprintf(stderr, "fakeprovider: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
fake_load_script(const char *path)
{
	FILE	*fp;
	char	 line[4096], *tok, *save;

	if ((fp = fopen(path, "r")) == NULL)
		die(path);
	while (fgets(line, sizeof line, fp) != NULL &&
	    fake_nscripts < FAKE_MAX_SCRIPT) {
		struct fake_script *s = &fake_scripts[fake_nscripts];

		if ((tok = strtok_r(line, " \t\r\n", &save)) == NULL ||
		    tok[0] == '#')
			continue;
		s->number = strdup(tok);
		while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL &&
		    s->n < 64)
			s->actions[s->n++] = strdup(tok);
		fake_nscripts++;
	}
	fclose(fp);
}

static const char *
fake_next_action(const char *to)
{
	struct fake_script	*def = NULL, *s = NULL;
	size_t			 i;

	for (i = 0; i < fake_nscripts; i++) {
		if (strcmp(fake_scripts[i].number, to) == 0)
			s = &fake_scripts[i];
		else if (strcmp(fake_scripts[i].number, "*") == 0)
			def = &fake_scripts[i];
	}
	if (s == NULL)
		s = def;
	if (s == NULL || s->next >= s->n)
		return "201";
	return s->actions[s->next++];
}

static void
fake_callback_done(struct evhttp_request *req, void *arg)
{
	/* Fire and forget: the gateway's answer is its own business. */
}

/*
 * Posts a form body to url (fire and forget), with header hdr: sig unless
 * hdr is NULL.
 */
static void
fake_post(const char *url, const char *body, const char *hdr, const char *sig)
{
	struct evhttp_uri		*u;
	struct evhttp_connection	*conn;
	struct evhttp_request		*req;
	char				 hostport[300];
	const char			*path, *query;
	char				*target;
	int				 port;

	if ((u = evhttp_uri_parse(url)) == NULL)
		return;
	port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : 80;
	snprintf(hostport, sizeof hostport, "%s:%d", evhttp_uri_get_host(u), port);
	if (fake_deliver_port_file != NULL) {
		FILE	*fp = fopen(fake_deliver_port_file, "r");

		if (fp == NULL || fscanf(fp, "%d", &port) != 1)
			port = 0;
		if (fp != NULL)
			fclose(fp);
		if (port == 0) {
			evhttp_uri_free(u);
			return;
		}
		conn = evhttp_connection_base_new(fake_base, NULL, "127.0.0.1",
		    (unsigned short)port);
	} else
		conn = evhttp_connection_base_new(fake_base, NULL,
		    evhttp_uri_get_host(u), (unsigned short)port);
	evhttp_connection_free_on_completion(conn);
	req = evhttp_request_new(fake_callback_done, NULL);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", hostport);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "application/x-www-form-urlencoded");
	if (hdr != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req), hdr,
		    sig);
	evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
	path = evhttp_uri_get_path(u);
	query = evhttp_uri_get_query(u);
	if (asprintf(&target, "%s%s%s", path != NULL && *path ? path : "/",
	    query != NULL ? "?" : "", query != NULL ? query : "") == -1)
		die("asprintf");
	evhttp_make_request(conn, req, EVHTTP_REQ_POST, target);
	free(target);
	evhttp_uri_free(u);
}

/* Posts a signed status callback for sid to url (fire and forget). */
static void
fake_callback(const char *url, const char *sid, const char *status)
{
	struct form	*f = NULL;
	char		 body[512], sig[SIGNATURE_SIZE];

	if (url == NULL || fake_token == NULL)
		return;
	snprintf(body, sizeof body, "MessageSid=%s&MessageStatus=%s"
	    "&AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01"
	    "%s", sid, status, strcmp(status, "undelivered") == 0 ?
	    "&ErrorCode=30003" : "");
	if (form_parse(body, strlen(body), 100, &f) != FORM_OK ||
	    signature_compute(fake_token, url, f, sig) == -1) {
		form_free(f);
		return;
	}
	form_free(f);
	fake_post(url, body, "X-Twilio-Signature", sig);
}

/* A signed Vonage delivery receipt for message id to url. */
static void
fake_vonage_receipt(const char *url, const char *id, const char *to,
    const char *ref, const char *status, const char *err)
{
	struct evbuffer	*b;
	struct form	*f = NULL;
	char		 sig[160], ts[32], nonce[40];

	if (url == NULL || fake_vonage_secret == NULL)
		return;
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	snprintf(nonce, sizeof nonce, "nonce-%lu", fake_count);
	b = evbuffer_new();
	provider_form_add(b, "msisdn", to);
	provider_form_add(b, "to", "Clinic");
	provider_form_add(b, "network-code", "23410");
	provider_form_add(b, "messageId", id);
	provider_form_add(b, "price", "0.03330000");
	provider_form_add(b, "status", status);
	provider_form_add(b, "scts", "2001011400");
	provider_form_add(b, "err-code", err);
	provider_form_add(b, "api-key", "abcd1234");
	if (ref != NULL)
		provider_form_add(b, "client-ref", ref);
	provider_form_add(b, "message-timestamp", "2020-01-01 12:00:00");
	provider_form_add(b, "timestamp", ts);
	provider_form_add(b, "nonce", nonce);
	if (form_parse((const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), 100, &f) != FORM_OK ||
	    provider_vonage_sign(fake_vonage_secret, fake_vonage_method, f,
	    sig, sizeof sig) == -1) {
		form_free(f);
		evbuffer_free(b);
		return;
	}
	form_free(f);
	provider_form_add(b, "sig", sig);
	evbuffer_add(b, "", 1);
	fake_post(url, (const char *)evbuffer_pullup(b, -1), NULL, NULL);
	evbuffer_free(b);
}

static void
fake_json_reply(struct evhttp_request *req, int status, json_t *j)
{
	char	*s = json_dumps(j, JSON_COMPACT);

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "application/json");
	evbuffer_add(evhttp_request_get_output_buffer(req), s, strlen(s));
	evhttp_send_reply(req, status, NULL, NULL);
	free(s);
	json_decref(j);
}

static void
fake_error(struct evhttp_request *req, int status, int code, const char *msg)
{
	fake_json_reply(req, status, json_pack("{s:i, s:s, s:s, s:i}", "code",
	    code, "message", msg, "more_info",
	    "https://www.twilio.com/docs/errors/", "status", status));
}

/* An answer that is not the Messages API's: a proxy's page, a redirect. */
static void
fake_odd_reply(struct evhttp_request *req, int status)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	static const char	 page[] = "<html><body>Down for maintenance"
	    "</body></html>";

	if (status >= 300 && status < 400)
		evhttp_add_header(h, "Location",
		    "https://api.example.net/2010-04-01/");
	if (status != 204 && status != 304) {
		evhttp_add_header(h, "Content-Type", "text/html");
		evbuffer_add(evhttp_request_get_output_buffer(req), page,
		    sizeof page - 1);
	}
	evhttp_send_reply(req, status, "Odd", NULL);
}

struct fake_later {
	struct evhttp_request	*req;
	int			 status;	/* 0: 201 */
	json_t			*answer;
};

static void
fake_later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fake_later	*l = arg;

	if (l->req != NULL) {
		evhttp_connection_set_closecb(evhttp_request_get_connection(l->req),
		    NULL, NULL);
		fake_json_reply(l->req, l->status != 0 ? l->status : 201,
		    l->answer);
	} else
		json_decref(l->answer);	/* the client gave up; libevent freed req */
	free(l);
}

static void
fake_later_closed_cb(struct evhttp_connection *conn, void *arg)
{
	struct fake_later	*l = arg;

	l->req = NULL;
}

static void
fake_reset(struct evhttp_request *req)
{
	struct evhttp_connection	*conn = evhttp_request_get_connection(req);
	struct linger			 lg = { 1, 0 };
	evutil_socket_t			 fd;

	/*
	 * libevent still owns the request, so the connection cannot be freed
	 * here: cut the socket under it (RST on close, thanks to the linger)
	 * and let libevent notice and clean up.
	 */
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	shutdown(fd, SHUT_RDWR);
}

static void
fake_messages(struct evhttp_request *req, const char *account)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	struct form	*f = NULL;
	const char	*to, *from, *body, *cb, *validity, *auth, *action;
	char		 sid[40];
	json_t		*line, *answer;
	size_t		 len = evbuffer_get_length(in);
	struct timespec	 ts;
	long		 ms = 0;
	int		 created, code;

	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (auth == NULL || strncmp(auth, "Basic ", 6) != 0) {
		fake_error(req, 401, 20003, "Authenticate");
		return;
	}
	if (form_parse((const char *)evbuffer_pullup(in, -1), len, 1000,
	    &f) != FORM_OK) {
		fake_error(req, 400, 20001, "malformed body");
		return;
	}
	to = form_get(f, "To", NULL);
	from = form_get(f, "From", NULL);
	body = form_get(f, "Body", NULL);
	cb = form_get(f, "StatusCallback", NULL);
	validity = form_get(f, "ValidityPeriod", NULL);
	if (to == NULL || body == NULL || from == NULL) {
		fake_error(req, 400, 21604, "A 'To', 'From' and 'Body' are required");
		form_free(f);
		return;
	}
	action = fake_next_action(to);
	created = strcmp(action, "201") == 0 || strncmp(action, "slow:", 5) == 0 ||
	    strncmp(action, "lost:", 5) == 0 ||
	    strcmp(action, "undelivered") == 0;
	fake_count++;
	snprintf(sid, sizeof sid, "SM%016lx%016lx", (unsigned long)getpid(),
	    fake_count);
	clock_gettime(CLOCK_REALTIME, &ts);
	line = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s?, s:s, s:b, s:s?, s:s}",
	    "n", (json_int_t)fake_count, "t", (json_int_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000, "to", to, "from", from, "body", body,
	    "status_callback", cb, "validity", validity, "action", action,
	    "created", created, "sid", created ? sid : NULL, "account", account);
	if (line != NULL) {
		json_dumpf(line, fake_log, JSON_COMPACT);
		fputc('\n', fake_log);
		fflush(fake_log);
		json_decref(line);
	}
	answer = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:n}",
	    "sid", sid, "account_sid", account, "to", to, "from", from, "body",
	    body, "status", "queued", "api_version", "2010-04-01", "error_code",
	    "error_message");
	if (strcmp(action, "reset") == 0) {
		json_decref(answer);
		fake_reset(req);
	} else if (strncmp(action, "slow:", 5) == 0 ||
	    strncmp(action, "lost:", 5) == 0) {
		struct fake_later	*l = calloc(1, sizeof *l);
		struct timeval		 tv;

		ms = strtol(action + 5, NULL, 10);
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		l->req = req;
		l->answer = answer;
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
		    fake_later_closed_cb, l);
		if (action[0] == 'l')
			fake_callback(cb, sid, "sent");
		event_base_once(fake_base, -1, EV_TIMEOUT, fake_later_cb, l, &tv);
	} else if (strcmp(action, "undelivered") == 0) {
		fake_json_reply(req, 201, answer);
		fake_callback(cb, sid, "undelivered");
	} else if (created) {
		fake_json_reply(req, 201, answer);
		fake_callback(cb, sid, "delivered");
	} else if (strncmp(action, "http:", 5) == 0) {
		json_decref(answer);
		fake_odd_reply(req, (int)strtol(action + 5, NULL, 10));
	} else if (strncmp(action, "nosid:", 6) == 0) {
		json_object_del(answer, "sid");
		fake_json_reply(req, (int)strtol(action + 6, NULL, 10), answer);
	} else if (strncmp(action, "after:", 6) == 0 ||
	    strncmp(action, "afterdate:", 10) == 0) {
		char		 date[64];
		time_t		 t;
		struct tm	 tm;

		json_decref(answer);
		if (action[5] == ':')
			snprintf(date, sizeof date, "%s", action + 6);
		else {
			t = time(NULL) + strtol(action + 10, NULL, 10);
			gmtime_r(&t, &tm);
			strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT",
			    &tm);
		}
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", date);
		fake_error(req, 503, 20503, "Service Unavailable");
	} else {
		json_decref(answer);
		code = atoi(action);
		if (code == 429)
			fake_error(req, 429, 20429, "Too Many Requests");
		else if (code >= 500 && code < 600)
			fake_error(req, code, 20500, "Internal Server Error");
		else if (code == 21610)
			fake_error(req, 400, code,
			    "Attempt to send to unsubscribed recipient");
		else if (code == 21211 || code == 21614) {
			/* The real texts quote the number (twilio-node #341). */
			char	msg[160];

			snprintf(msg, sizeof msg, code == 21211 ?
			    "The 'To' number %s is not a valid phone number." :
			    "To number: %s, is not a mobile number", to);
			fake_error(req, 400, code, msg);
		}
		else
			fake_error(req, 400, code, "scripted error");
	}
	form_free(f);
}

/* The SMS API's answer for one message: status st ("0": accepted). */
static json_t *
fake_vonage_answer(const char *to, const char *id, const char *st)
{
	json_t	*msg;

	msg = json_pack("{s:s, s:s}", "to", to, "status", st);
	if (strcmp(st, "0") == 0) {
		json_object_set_new(msg, "message-id", json_string(id));
		json_object_set_new(msg, "remaining-balance",
		    json_string("3.14159265"));
		json_object_set_new(msg, "message-price",
		    json_string("0.03330000"));
		json_object_set_new(msg, "network", json_string("23410"));
	} else
		json_object_set_new(msg, "error-text",
		    json_string("scripted error"));
	return json_pack("{s:s, s:[o]}", "message-count", "1", "messages", msg);
}

static void
fake_vonage(struct evhttp_request *req)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	struct form	*f = NULL;
	const char	*key, *secret, *to, *from, *text, *cb, *ref, *action;
	const char	*st = NULL;
	char		 id[40], plus[40];
	json_t		*line;
	struct timespec	 ts;
	int		 created;

	struct provider_request	 rq;
	const char		*why, *auth;

	memset(&rq, 0, sizeof rq);
	rq.content_type = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	rq.body = (const char *)evbuffer_pullup(in, -1);
	rq.len = evbuffer_get_length(in);
	rq.max_fields = 1000;
	/* A form as the API description has it, or JSON as the SDK sends. */
	if (provider_vonage_hooks.read(&rq, &f, &why) != 0) {
		fake_json_reply(req, 200, fake_vonage_answer("", "", "3"));
		return;
	}
	key = form_get(f, "api_key", NULL);
	secret = form_get(f, "api_secret", NULL);
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (auth != NULL && strncmp(auth, "Basic ", 6) == 0)
		key = secret = "basic";
	to = form_get(f, "to", NULL);
	from = form_get(f, "from", NULL);
	text = form_get(f, "text", NULL);
	cb = form_get(f, "callback", NULL);
	ref = form_get(f, "client-ref", NULL);
	if (key == NULL || secret == NULL || to == NULL || from == NULL ||
	    text == NULL) {
		fake_json_reply(req, 200, fake_vonage_answer(to != NULL ? to :
		    "", "", "2"));
		form_free(f);
		return;
	}
	snprintf(plus, sizeof plus, "+%s", to);
	action = fake_next_action(plus);
	created = strcmp(action, "201") == 0 || strncmp(action, "slow:", 5) == 0 ||
	    strcmp(action, "undelivered") == 0;
	fake_count++;
	snprintf(id, sizeof id, "0A%014lx%08lx", (unsigned long)getpid(),
	    fake_count);
	clock_gettime(CLOCK_REALTIME, &ts);
	line = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, "
	    "s:s, s:b, s:s?, s:s}",
	    "n", (json_int_t)fake_count, "t", (json_int_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000, "to", to, "from", from, "body", text,
	    "status_callback", cb, "client_ref", ref, "type",
	    form_get(f, "type", NULL), "ttl", form_get(f, "ttl", NULL),
	    "action", action, "created", created, "sid", created ? id : NULL,
	    "provider", "vonage");
	if (line != NULL) {
		json_dumpf(line, fake_log, JSON_COMPACT);
		fputc('\n', fake_log);
		fflush(fake_log);
		json_decref(line);
	}
	if (strcmp(action, "reset") == 0)
		fake_reset(req);
	else if (strncmp(action, "http:", 5) == 0)
		fake_odd_reply(req, (int)strtol(action + 5, NULL, 10));
	else if (strncmp(action, "slow:", 5) == 0) {
		struct fake_later	*l = calloc(1, sizeof *l);
		long			 ms = strtol(action + 5, NULL, 10);
		struct timeval		 tv = { ms / 1000, (ms % 1000) * 1000 };

		l->req = req;
		l->status = 200;
		l->answer = fake_vonage_answer(to, id, "0");
		evhttp_connection_set_closecb(evhttp_request_get_connection(req),
		    fake_later_closed_cb, l);
		event_base_once(fake_base, -1, EV_TIMEOUT, fake_later_cb, l, &tv);
	} else if (created) {
		fake_json_reply(req, 200, fake_vonage_answer(to, id, "0"));
		if (strcmp(action, "undelivered") == 0)
			fake_vonage_receipt(cb, id, to, ref, "failed", "9");
		else
			fake_vonage_receipt(cb, id, to, ref, "delivered", "0");
	} else if (atoi(action) >= 500 && atoi(action) < 600)
		evhttp_send_reply(req, atoi(action), "Error", NULL);
	else {
		st = strcmp(action, "429") == 0 ? "1" :
		    strcmp(action, "21610") == 0 ? "7" :
		    strcmp(action, "21211") == 0 ? "3" :
		    strncmp(action, "vonage:", 7) == 0 ? action + 7 : "5";
		fake_json_reply(req, 200, fake_vonage_answer(to, id, st));
	}
	form_free(f);
}

static void
fake_dispatch(struct evhttp_request *req, void *arg)
{
	const char	*uri = evhttp_request_get_uri(req);
	char		 account[64];
	int		 n = 0;

	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST &&
	    sscanf(uri, "/2010-04-01/Accounts/%63[^/]/Messages.json%n",
	    account, &n) == 1 && uri[n] == '\0') {
		fake_messages(req, account);
		return;
	}
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST &&
	    (strcmp(uri, "/sms/json") == 0 || strcmp(uri, "/json") == 0)) {
		fake_vonage(req);
		return;
	}
	fake_error(req, 404, 20404, "The requested resource was not found");
}

static void
fake_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(fake_base);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port-file", required_argument, NULL, 'p' },
		{ "log", required_argument, NULL, 'l' },
		{ "script", required_argument, NULL, 's' },
		{ "token", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'P' },
		{ "deliver-port-file", required_argument, NULL, 'd' },
		{ "signature-secret", required_argument, NULL, 'S' },
		{ "signature-method", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof sin;
	struct event			*sigterm, *sigint;
	const char			*port_file = NULL, *log_path = NULL;
	FILE				*fp;
	int				 ch, port = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': port_file = optarg; break;
		case 'l': log_path = optarg; break;
		case 's': fake_load_script(optarg); break;
		case 't': fake_token = optarg; break;
		case 'P': port = atoi(optarg); break;
		case 'd': fake_deliver_port_file = optarg; break;
		case 'S': fake_vonage_secret = optarg; break;
		case 'M': fake_vonage_method = optarg; break;
		default:
			fprintf(stderr, "usage: fakeprovider --port-file FILE "
			    "--log FILE [--script FILE] [--token T] [--port N]\n");
			return 2;
		}
	}
	if (port_file == NULL || log_path == NULL) {
		fprintf(stderr, "fakeprovider: --port-file and --log are required\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((fake_log = fopen(log_path, "a")) == NULL)
		die(log_path);
	fake_base = event_base_new();
	http = evhttp_new(fake_base);
	evhttp_set_gencb(http, fake_dispatch, NULL);
	if ((bound = evhttp_bind_socket_with_handle(http, "127.0.0.1",
	    (unsigned short)port)) == NULL)
		die("bind");
	getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sin,
	    &slen);
	if ((fp = fopen(port_file, "w")) == NULL)
		die(port_file);
	fprintf(fp, "%d\n", ntohs(sin.sin_port));
	fclose(fp);
	sigterm = evsignal_new(fake_base, SIGTERM, fake_signal_cb, NULL);
	sigint = evsignal_new(fake_base, SIGINT, fake_signal_cb, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(fake_base);
	event_free(sigterm);
	event_free(sigint);
	evhttp_free(http);
	event_base_free(fake_base);
	fclose(fake_log);
	return 0;
}
