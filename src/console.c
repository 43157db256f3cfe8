/* SPDX-License-Identifier: ISC */
/*
 * The clinic console (see console.h).  Every answer under /console carries
 * the same security headers; files are served only by a name of the
 * console's own shape (no slash, no dot-dot, a known extension), read whole
 * from console_dir on each request so an upgrade needs no restart.
 */
#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "api.h"
#include "auth.h"
#include "clock.h"
#include "conf.h"
#include "console.h"
#include "log.h"
#include "server.h"
#include "settings.h"
#include "staff.h"
#include "storage.h"
#include "xmalloc.h"

#define CONSOLE_ID_BYTES	32	/* 256 random bits, as 64 hex digits */
#define CONSOLE_ID_LEN		(CONSOLE_ID_BYTES * 2)
#define CONSOLE_MAX_SIGNIN	4096	/* bytes of a sign-in body */

/*
 * No inline script or style, nothing from another origin, no framing: the
 * console's own files and its own API only.
 */
#define CONSOLE_CSP \
	"default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self'; connect-src 'self'; manifest-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct console_session {
	char	 id[CONSOLE_ID_LEN + 1];	/* "": a free slot */
	char	 csrf[CONSOLE_ID_LEN + 1];
	char	 name[AUTH_NAME_MAX + 1];
	int64_t	 expires;
};

struct console {
	struct storage		*st;
	struct console_session	 s[CONSOLE_MAX_SESSIONS];
};

static const struct {
	const char	*ext;
	const char	*ctype;
} console_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".json", "application/json" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".txt", "text/plain; charset=utf-8" },
};

struct console *
console_create(struct storage *st)
{
	struct console	*c;

	c = xcalloc(1, sizeof *c);
	c->st = st;
	return c;
}

void
console_free(struct console *c)
{
	if (c == NULL)
		return;
	OPENSSL_cleanse(c->s, sizeof c->s);
	free(c);
}

char *
console_dir(const struct settings *set)
{
	char	*d, *slash, *out;
	size_t	 n;

	if (set->conf->console_dir != NULL)
		return xstrdup(set->conf->console_dir);
	/* Installed beside the prompts: $(pkgdatadir)/console. */
	d = xstrdup(set->conf->prompts_dir);
	n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	if ((slash = strrchr(d, '/')) == NULL)
		out = xstrdup("console");
	else
		out = xasprintf("%.*s/console", (int)(slash - d), d);
	free(d);
	return out;
}

/* ------------------------------------------------------------- replies */

static void
console_header(struct evhttp_request *req, const char *name, const char *v)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), name, v);
}

static void
console_security_headers(struct evhttp_request *req)
{
	console_header(req, "Content-Security-Policy", CONSOLE_CSP);
	console_header(req, "X-Content-Type-Options", "nosniff");
	console_header(req, "X-Frame-Options", "DENY");
	console_header(req, "Referrer-Policy", "no-referrer");
	console_header(req, "Cross-Origin-Opener-Policy", "same-origin");
	console_header(req, "Cross-Origin-Resource-Policy", "same-origin");
	console_header(req, "Permissions-Policy",
	    "camera=(), microphone=(), geolocation=()");
}

/* Sets the reply to j (a reference the reply takes). */
static void
console_json(struct api_reply *reply, int status, json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	free(reply->body);
	reply->status = status;
	reply->ctype = "application/json";
	reply->body = xasprintf("%s\n", s != NULL ? s : "{}");
	free(s);
}

static void
console_error(struct api_reply *reply, int status, const char *msg)
{
	console_json(reply, status, json_pack("{s:s}", "error", msg));
}

/* --------------------------------------------------------------- files */

/* 1 if name is one of the console's file names: [a-z0-9_-]+ .ext */
static const char *
console_file_type(const char *name)
{
	const char	*dot;
	size_t		 i, len = strlen(name);

	if (len == 0 || len > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != len ||
	    name[0] == '.' || (dot = strchr(name, '.')) == NULL ||
	    strchr(dot + 1, '.') != NULL)
		return NULL;
	for (i = 0; i < sizeof console_types / sizeof console_types[0]; i++)
		if (strcmp(dot, console_types[i].ext) == 0)
			return console_types[i].ctype;
	return NULL;
}

static void
console_file(const struct settings *set, const char *name,
    struct api_reply *reply)
{
	const char	*ctype;
	char		*dir, *path, *buf = NULL;
	FILE		*fp;
	size_t		 len;

	if ((ctype = console_file_type(name)) == NULL) {
		console_error(reply, 404, "no such page in the console");
		return;
	}
	dir = console_dir(set);
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT)
			log_warn("console: cannot open %s: %s", path,
			    strerror(errno));
		else if (strcmp(name, "index.html") == 0)
			log_warn("console: %s is missing; set [admin] "
			    "console_dir", path);
		console_error(reply, 404, "no such page in the console");
		goto out;
	}
	buf = xmalloc(CONSOLE_MAX_FILE + 1);
	len = fread(buf, 1, CONSOLE_MAX_FILE + 1, fp);
	if (ferror(fp) || len > CONSOLE_MAX_FILE || memchr(buf, '\0', len)) {
		log_warn("console: %s is unreadable, too large or binary",
		    path);
		fclose(fp);
		console_error(reply, 500, "the console's files are damaged; "
		    "reinstall them");
		goto out;
	}
	fclose(fp);
	buf[len] = '\0';
	reply->status = 200;
	reply->ctype = ctype;
	reply->body = buf;
	buf = NULL;
out:
	free(buf);
	free(path);
}

/* ------------------------------------------------------------ sessions */

static void
console_random_hex(char out[CONSOLE_ID_LEN + 1])
{
	unsigned char	raw[CONSOLE_ID_BYTES];
	size_t		i;

	if (RAND_bytes(raw, sizeof raw) != 1)
		fatal("console: the random number generator failed");
	for (i = 0; i < sizeof raw; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	OPENSSL_cleanse(raw, sizeof raw);
}

/* The value of the session cookie in req, or NULL; copied into buf. */
static const char *
console_cookie(struct evhttp_request *req, char buf[CONSOLE_ID_LEN + 1])
{
	struct evkeyvalq	*hdrs = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	const char		*p;
	size_t			 n = strlen(CONSOLE_COOKIE), len;

	TAILQ_FOREACH(kv, hdrs, next) {
		if (strcasecmp(kv->key, "Cookie") != 0)
			continue;
		for (p = kv->value; *p != '\0'; p += strcspn(p, ";"),
		    p += *p == ';') {
			p += strspn(p, " \t");
			if (strncmp(p, CONSOLE_COOKIE, n) != 0 || p[n] != '=')
				continue;
			p += n + 1;
			len = strcspn(p, "; \t");
			if (len != CONSOLE_ID_LEN)
				return NULL;
			memcpy(buf, p, len);
			buf[len] = '\0';
			return buf;
		}
	}
	return NULL;
}

/*
 * The live session with this id (CONSOLE_ID_LEN characters; NULL: none,
 * only drop the expired), or NULL; expired ones are dropped.
 */
static struct console_session *
console_find(struct console *c, const struct settings *set, const char *id,
    int64_t now)
{
	struct console_session	*found = NULL, *s;
	size_t			 i;

	for (i = 0; i < CONSOLE_MAX_SESSIONS; i++) {
		s = &c->s[i];
		if (s->id[0] == '\0')
			continue;
		if (s->expires <= now || !auth_name_known(set->auth, s->name)) {
			/* Expired, or its token was taken away (SIGHUP). */
			OPENSSL_cleanse(s, sizeof *s);
			continue;
		}
		/* Every slot is compared: no early exit on a match. */
		if (id != NULL && CRYPTO_memcmp(s->id, id, CONSOLE_ID_LEN) ==
		    0 && found == NULL)
			found = s;
	}
	return found;
}

static int
console_safe_method(struct evhttp_request *req)
{
	enum evhttp_cmd_type	m = evhttp_request_get_command(req);

	return m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD;
}

static int
console_csrf_ok(const struct console_session *s, struct evhttp_request *req)
{
	const char	*tok;

	tok = evhttp_find_header(evhttp_request_get_input_headers(req),
	    CONSOLE_CSRF_HEADER);
	return tok != NULL && strlen(tok) == CONSOLE_ID_LEN &&
	    CRYPTO_memcmp(tok, s->csrf, CONSOLE_ID_LEN) == 0;
}

enum console_session_status
console_session_check(struct console *c, const struct settings *set,
    struct evhttp_request *req, const char **name)
{
	struct console_session	*s;
	char			 buf[CONSOLE_ID_LEN + 1];
	const char		*id;

	*name = NULL;
	if ((id = console_cookie(req, buf)) == NULL ||
	    (s = console_find(c, set, id, clock_now())) == NULL)
		return CONSOLE_SESSION_NONE;
	OPENSSL_cleanse(buf, sizeof buf);
	if (!console_safe_method(req) && !console_csrf_ok(s, req)) {
		log_warn("console: refused a change by staff:%s without the "
		    "session's CSRF token", s->name);
		return CONSOLE_SESSION_CSRF;
	}
	*name = s->name;
	return CONSOLE_SESSION_OK;
}

static void
console_set_cookie(const struct settings *set, struct evhttp_request *req,
    const char *value, int max_age)
{
	const char	*url = set->conf->public_url;
	char		*cookie;

	/*
	 * Path=/ because the pages call /api/v1 with it.  Secure whenever
	 * the clinic reaches the gateway over https, so the browser never
	 * sends the cookie in clear.
	 */
	cookie = xasprintf(CONSOLE_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; "
	    "SameSite=Strict%s", value, max_age, url != NULL &&
	    strncasecmp(url, "https://", 8) == 0 ? "; Secure" : "");
	console_header(req, "Set-Cookie", cookie);
	OPENSSL_cleanse(cookie, strlen(cookie));
	free(cookie);
}

/* One audit row (its own transaction): who signed in or out. */
static void
console_audit(struct console *c, const char *name, const char *action,
    const char *detail, int64_t now)
{
	struct audit	a;
	char		actor[64];

	memset(&a, 0, sizeof a);
	a.at = now;
	a.actor = staff_actor(name, actor, sizeof actor);
	a.action = action;
	a.subject = "console";
	a.detail = detail;
	if (a.actor == NULL || storage_begin(c->st) == -1)
		goto fail;
	if (storage_audit_append(c->st, &a) == -1 ||
	    storage_commit(c->st) == -1) {
		storage_rollback(c->st);
		goto fail;
	}
	return;
fail:
	log_warn("console: could not write the audit row for %s by %s",
	    action, name);
}

/* The session, and what the pages need of the clinic (its name, zone). */
static json_t *
console_session_json(const struct settings *set,
    const struct console_session *s)
{
	char	when[32];

	staff_time_iso(s->expires, when);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "staff", s->name,
	    "csrf", s->csrf, "expires_at", when, "clinic",
	    set->conf->clinic_name, "timezone", set->conf->timezone,
	    "language", set->conf->language);
}

/* POST /console/session {"token": "..."}: signs in. */
static void
console_signin(struct console *c, const struct settings *set,
    struct evhttp_request *req, struct api_reply *reply)
{
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct console_session	*s = NULL, *slot;
	json_error_t		 jerr;
	json_t			*j = NULL, *tok;
	const char		*name;
	char			*hdr = NULL, *detail, when[32];
	size_t			 len = evbuffer_get_length(in), i;
	int64_t			 now = clock_now();

	if (auth_count(set->auth) == 0) {
		console_error(reply, 403, "the console is disabled: no staff "
		    "token is configured ([admin] token_file)");
		return;
	}
	/*
	 * JSON only: a form on another site cannot send it without the
	 * browser asking this origin first, so nobody can be signed in to
	 * someone else's account behind their back.
	 */
	if (!server_content_type_is(req, "application/json")) {
		console_error(reply, 415, "expected Content-Type: "
		    "application/json");
		return;
	}
	if (len > CONSOLE_MAX_SIGNIN) {
		console_error(reply, 413, "the body is too large");
		return;
	}
	j = json_loadb((const char *)evbuffer_pullup(in, -1), len, 0, &jerr);
	if (j == NULL || !json_is_object(j) ||
	    !json_is_string(tok = json_object_get(j, "token")) ||
	    json_object_size(j) != 1) {
		console_error(reply, 400, "expected {\"token\": \"...\"}");
		goto out;
	}
	hdr = xasprintf("Bearer %s", json_string_value(tok));
	if (strlen(hdr) != 7 + json_string_length(tok) ||
	    (name = auth_check(set->auth, hdr)) == NULL) {
		log_warn("console: refused a sign-in with a wrong token");
		console_error(reply, 401, "that is not a staff token of this "
		    "clinic");
		goto out;
	}
	/* A free slot, else the session closest to its end makes room. */
	(void)console_find(c, set, NULL, now);
	for (i = 0; i < CONSOLE_MAX_SESSIONS; i++) {
		slot = &c->s[i];
		if (slot->id[0] == '\0') {
			s = slot;
			break;
		}
		if (s == NULL || slot->expires < s->expires)
			s = slot;
	}
	OPENSSL_cleanse(s, sizeof *s);
	console_random_hex(s->id);
	console_random_hex(s->csrf);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->expires = now + set->conf->session_lifetime;
	console_set_cookie(set, req, s->id, set->conf->session_lifetime);
	staff_time_iso(s->expires, when);
	detail = xasprintf("signed in to the console until %s", when);
	console_audit(c, s->name, "console.signin", detail, now);
	free(detail);
	log_info("console: staff:%s signed in", s->name);
	console_json(reply, 200, console_session_json(set, s));
out:
	if (hdr != NULL) {
		OPENSSL_cleanse(hdr, strlen(hdr));
		free(hdr);
	}
	json_decref(j);
}

static void
console_session(struct console *c, const struct settings *set,
    struct evhttp_request *req, struct api_reply *reply)
{
	struct console_session	*s;
	char			 buf[CONSOLE_ID_LEN + 1];
	const char		*id;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);

	if (m == EVHTTP_REQ_POST) {
		console_signin(c, set, req, reply);
		return;
	}
	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_DELETE) {
		console_header(req, "Allow", "GET, POST, DELETE");
		console_error(reply, 405, "method not allowed (Allow: GET, "
		    "POST, DELETE)");
		return;
	}
	if ((id = console_cookie(req, buf)) == NULL ||
	    (s = console_find(c, set, id, clock_now())) == NULL) {
		console_error(reply, 401, "not signed in");
		return;
	}
	if (m == EVHTTP_REQ_GET) {
		console_json(reply, 200, console_session_json(set, s));
		return;
	}
	if (!console_csrf_ok(s, req)) {
		console_error(reply, 403, "the CSRF token is missing or wrong; "
		    "reload the page");
		return;
	}
	console_audit(c, s->name, "console.signout",
	    "signed out of the console", clock_now());
	log_info("console: staff:%s signed out", s->name);
	OPENSSL_cleanse(s, sizeof *s);
	console_set_cookie(set, req, "", 0);
	console_json(reply, 200, json_object());
}

void
console_handle(struct console *c, const struct settings *set,
    struct evhttp_request *req, const char *path, struct api_reply *reply)
{
	const char	*rest = path + strlen(CONSOLE_PREFIX);

	memset(reply, 0, sizeof *reply);
	console_security_headers(req);
	if (!set->conf->admin_allow_remote && !api_peer_is_loopback(req)) {
		console_error(reply, 403, "the console answers only on the "
		    "loopback interface ([admin] allow_remote)");
		return;
	}
	if (*rest == '\0') {
		console_header(req, "Location", CONSOLE_PREFIX "/");
		reply->status = 308;
		reply->ctype = "text/plain; charset=utf-8";
		reply->body = xstrdup("the console is at " CONSOLE_PREFIX "/\n");
		return;
	}
	rest++;		/* the slash */
	if (strcmp(rest, "session") == 0) {
		console_session(c, set, req, reply);
		if (reply->status < 300)
			reply->changed = 0;
		return;
	}
	if (!console_safe_method(req)) {
		console_header(req, "Allow", "GET, HEAD");
		console_error(reply, 405, "method not allowed (Allow: GET, HEAD)");
		return;
	}
	console_file(set, *rest == '\0' ? "index.html" : rest, reply);
}
