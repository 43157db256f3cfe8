/* SPDX-License-Identifier: ISC */
/*
 * bench/floor.c: the least a durable SMS webhook can do on clotline's
 * libraries, for bench/webhook.sh.  Not part of clotline and not a
 * gateway: it exists to measure what libevent's HTTP server and one
 * durable SQLite row cost on this machine, so the webhook benchmark's
 * figures can be read against a floor rather than against nginx alone.
 *
 *   floor PORTFILE MODE [DATABASE]
 *
 * Listens on 127.0.0.1 on a port the kernel picks and writes it to
 * PORTFILE.  On SIGTERM it prints how many commits and messages it made
 * to standard error and exits.
 *
 * MODE fixed: answer every POST 200 with a fixed TwiML body (evhttp alone).
 * MODE verify: also parse the form and check X-Twilio-Signature (HMAC-SHA1
 *   over the public URL and the sorted parameters, the provider's scheme).
 * MODE store: also insert (MessageSid, From, Body) into DATABASE, WAL,
 *   synchronous=FULL, every request of one pass of the event loop in one
 *   transaction, committed at the lowest priority of the event loop once
 *   every ready request has been read, the 200s sent after the commit
 *   (group commit, as clotline's server does).  A message that could not
 *   be stored, a repeated MessageSid included, is answered 503.
 *
 * The signing key and URL are the benchmark's (bench/webhook.sh).
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <signal.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#define TOKEN	"bench-token-not-a-secret"
#define URL	"https://clinic.example.org/twilio/sms"
#define HELD	64

static const char reply[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Response><Message>Thanks, we have your message. Keep walking a little "
    "more each day. If you get chest pain or sudden breathlessness call 999 "
    "now.</Message></Response>";

static int			 mode;	/* 0 fixed, 1 verify, 2 store */
static EVP_MAC_CTX		*keyed;
static sqlite3			*db;
static sqlite3_stmt		*ins, *begin, *commit;
static struct event		*flush_ev;
static struct evhttp_request	*held[HELD];
static int			 nheld;
static unsigned long		 ncommits, nmessages;

static void
answer(struct evhttp_request *req, int code)
{
	struct evbuffer	*b = evbuffer_new();

	if (code == 200) {
		evbuffer_add(b, reply, sizeof reply - 1);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "application/xml; charset=utf-8");
	}
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", b);
	evbuffer_free(b);
}

static int
cmp(const void *a, const void *b)
{
	const struct evkeyval *x = *(struct evkeyval *const *)a;
	const struct evkeyval *y = *(struct evkeyval *const *)b;

	return strcmp(x->key, y->key);
}

static int
verified(struct evkeyvalq *q, const char *sig)
{
	struct evkeyval	*kv, *v[64];
	EVP_MAC_CTX	*c;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 b64[64];
	size_t		 n = 0, mdlen = 0, i;
	int		 ok;

	TAILQ_FOREACH(kv, q, next)
		if (n < 64)
			v[n++] = kv;
	qsort(v, n, sizeof v[0], cmp);
	if (sig == NULL || (c = EVP_MAC_CTX_dup(keyed)) == NULL)
		return 0;
	ok = EVP_MAC_update(c, (const unsigned char *)URL, strlen(URL));
	for (i = 0; ok && i < n; i++)
		ok = EVP_MAC_update(c, (const unsigned char *)v[i]->key,
		    strlen(v[i]->key)) &&
		    EVP_MAC_update(c, (const unsigned char *)v[i]->value,
		    strlen(v[i]->value));
	ok = ok && EVP_MAC_final(c, md, &mdlen, sizeof md) && mdlen == 20;
	EVP_MAC_CTX_free(c);
	if (!ok)
		return 0;
	EVP_EncodeBlock((unsigned char *)b64, md, (int)mdlen);
	return strcmp(b64, sig) == 0;
}

static void
flush(evutil_socket_t fd, short ev, void *arg)
{
	int	 i, ok;

	(void)fd, (void)ev, (void)arg;
	ok = sqlite3_step(commit) == SQLITE_DONE;
	sqlite3_reset(commit);
	if (!ok)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	else {
		ncommits++;
		nmessages += (unsigned long)nheld;
	}
	for (i = 0; i < nheld; i++)
		answer(held[i], ok ? 200 : 503);
	nheld = 0;
}

static void
webhook(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq	 q;
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	size_t			 len = evbuffer_get_length(in);
	char			*body;
	const char		*sid, *from, *text;
	int			 ok;

	(void)arg;
	if (mode == 0) {
		answer(req, 200);
		return;
	}
	body = malloc(len + 1);
	evbuffer_remove(in, body, len);
	body[len] = '\0';
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(body, &q) == -1 || !verified(&q,
	    evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Twilio-Signature"))) {
		evhttp_clear_headers(&q);
		free(body);
		answer(req, 403);
		return;
	}
	if (mode == 1) {
		evhttp_clear_headers(&q);
		free(body);
		answer(req, 200);
		return;
	}
	sid = evhttp_find_header(&q, "MessageSid");
	from = evhttp_find_header(&q, "From");
	text = evhttp_find_header(&q, "Body");
	if (nheld == HELD)
		flush(-1, 0, NULL);
	if (nheld == 0) {
		sqlite3_step(begin);
		sqlite3_reset(begin);
		event_active(flush_ev, EV_TIMEOUT, 0);
	}
	sqlite3_bind_text(ins, 1, sid ? sid : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, from ? from : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, text ? text : "", -1, SQLITE_STATIC);
	ok = sqlite3_step(ins) == SQLITE_DONE;
	if (!ok)
		fprintf(stderr, "floor: insert: %s\n", sqlite3_errmsg(db));
	sqlite3_reset(ins);
	sqlite3_clear_bindings(ins);
	evhttp_clear_headers(&q);
	free(body);
	if (ok)
		held[nheld++] = req;	/* answered after the commit */
	else
		answer(req, 503);	/* not kept: never a 200 */
}

static void
stop(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig, (void)ev;
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	struct event_base		*base;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof sin;
	EVP_MAC				*mac;
	OSSL_PARAM			 p[2];
	FILE				*pf;

	if (argc < 3 || (mode = strcmp(argv[2], "fixed") == 0 ? 0 :
	    strcmp(argv[2], "verify") == 0 ? 1 :
	    strcmp(argv[2], "store") == 0 ? 2 : -1) == -1 ||
	    (mode == 2 && argc < 4)) {
		fprintf(stderr, "usage: floor PORTFILE fixed|verify|store "
		    "[DATABASE]\n");
		return 2;
	}
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA1", 0);
	p[1] = OSSL_PARAM_construct_end();
	if (mac == NULL || (keyed = EVP_MAC_CTX_new(mac)) == NULL ||
	    !EVP_MAC_init(keyed, (const unsigned char *)TOKEN, strlen(TOKEN),
	    p)) {
		fprintf(stderr, "floor: no HMAC-SHA1\n");
		return 1;
	}
	base = event_base_new();
	/* As clotline's main.c: three priorities, the commit at the lowest. */
	event_base_priority_init(base, 3);
	flush_ev = event_new(base, -1, 0, flush, NULL);
	event_priority_set(flush_ev, 2);
	if (mode == 2 && (sqlite3_open(argv[3], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "CREATE TABLE IF NOT EXISTS inbound (id INTEGER PRIMARY KEY,"
	    " sid TEXT NOT NULL UNIQUE, from_phone TEXT NOT NULL,"
	    " body TEXT NOT NULL);", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO inbound"
	    " (sid, from_phone, body) VALUES (?1, ?2, ?3)", -1, &ins,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "BEGIN", -1, &begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK)) {
		fprintf(stderr, "floor: %s: %s\n", argv[3], sqlite3_errmsg(db));
		return 1;
	}
	http = evhttp_new(base);
	evhttp_set_gencb(http, webhook, NULL);
	if ((bound = evhttp_bind_socket_with_handle(http, "127.0.0.1",
	    0)) == NULL || getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &slen) == -1) {
		fprintf(stderr, "floor: cannot listen on 127.0.0.1\n");
		return 1;
	}
	if ((pf = fopen(argv[1], "w")) == NULL ||
	    fprintf(pf, "%d\n", ntohs(sin.sin_port)) < 0 || fclose(pf) != 0) {
		fprintf(stderr, "floor: cannot write %s\n", argv[1]);
		return 1;
	}
	event_add(evsignal_new(base, SIGTERM, stop, base), NULL);
	event_base_dispatch(base);
	fprintf(stderr, "floor: %lu commits, %lu messages\n", ncommits,
	    nmessages);
	return 0;
}
