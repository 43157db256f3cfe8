/* SPDX-License-Identifier: ISC */
/*
 * Configuration loading (see conf.h).  Every key lives in conf_table below
 * with its default, type and help text; defaults are applied through the same
 * setters as file values, so a default can never be invalid unnoticed.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <event2/http.h>
#include <ini.h>

#include "conf.h"
#include "provider.h"
#include "readfile.h"
#include "storage.h"
#include "phone.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

/* The defaults follow ./configure's --datadir and --localstatedir. */
#ifndef CLOTLINE_DATADIR
#define CLOTLINE_DATADIR "/usr/local/share/clotline"
#endif
#ifndef CLOTLINE_LOCALSTATEDIR
#define CLOTLINE_LOCALSTATEDIR "/var"
#endif

enum conf_type {
	CONF_STRING,
	CONF_PATH,		/* relative to the configuration file */
	CONF_BOOL,
	CONF_INT,
	CONF_LISTEN,		/* host:port into listen_host/listen_port */
	CONF_URL,		/* http(s)://host[:port][/path] */
	CONF_E164,
	CONF_DIALNUM,		/* a short emergency number: 999, 911, 112 */
	CONF_E164_LIST,		/* E.164 numbers, comma-separated */
	CONF_DIALMAP,		/* +CODE=NUMBER, comma-separated */
	CONF_PROVIDER,
	CONF_BACKEND,		/* a storage backend built in */
	CONF_LOGLEVEL,
	CONF_TIMEZONE,
	CONF_LANGUAGE,
	CONF_ACCOUNT_SID,
	CONF_SIGMETHOD,		/* how signed webhook parameters are hashed */
};

/* The signature methods of signed parameters, as the provider names them. */
static const char *const conf_sigmethods[] = {
	"md5hash", "md5", "sha1", "sha256", "sha512",
};

struct conf_entry {
	const char	*section;
	const char	*key;
	enum conf_type	 type;
	size_t		 offset;
	const char	*def;		/* NULL: unset unless the file sets it */
	int		 min, max;	/* CONF_INT */
	const char	*help;
};

#define F(m) offsetof(struct conf, m)
static const struct conf_entry conf_table[] = {
	{ .section = "server", .key = "listen", .type = CONF_LISTEN,
	  .offset = F(listen_host), .def = "127.0.0.1:8080",
	  .help = "host:port to listen on; port 0 picks a free port" },
	{ .section = "server", .key = "public_url", .type = CONF_URL,
	  .offset = F(public_url),
	  .help = "base URL the provider calls; signatures are checked against it "
	  "(required while verify_signatures = yes)" },
	{ .section = "server", .key = "port_file", .type = CONF_PATH,
	  .offset = F(port_file),
	  .help = "if set, the bound port is written here once listening" },
	{ .section = "server", .key = "prompts_dir", .type = CONF_PATH,
	  .offset = F(prompts_dir), .def = CLOTLINE_DATADIR "/prompts",
	  .help = "directory of reply templates and rules (prompts/<lang>/)" },
	{ .section = "server", .key = "log_level", .type = CONF_LOGLEVEL,
	  .offset = F(log_level), .def = "info",
	  .help = "error, warning, notice, info or debug (debug logs message bodies)" },
	{ .section = "server", .key = "request_timeout", .type = CONF_INT,
	  .offset = F(request_timeout), .def = "10", .min = 1, .max = 300,
	  .help = "seconds a client may stall while sending or receiving" },
	{ .section = "server", .key = "shutdown_timeout", .type = CONF_INT,
	  .offset = F(shutdown_timeout), .def = "10", .min = 0, .max = 300,
	  .help = "seconds to let in-flight replies finish on SIGTERM" },

	{ .section = "storage", .key = "backend", .type = CONF_BACKEND,
	  .offset = F(storage_backend), .def = "sqlite",
	  .help = "sqlite (embedded, the default) or postgresql (url; several "
	  "instances may share it)" },
	{ .section = "storage", .key = "url", .type = CONF_STRING,
	  .offset = F(storage_url),
	  .help = "postgresql: libpq connection URI, e.g. "
	  "postgresql:///clotline?host=/run/postgresql" },
	{ .section = "storage", .key = "lease", .type = CONF_INT,
	  .offset = F(claim_lease), .def = "120", .min = 5, .max = 3600,
	  .help = "postgresql: seconds an instance holds the outbox rows it "
	  "claimed; after that another instance takes over a dead one's "
	  "(must exceed [outbox] connect_timeout + send_timeout)" },
	{ .section = "storage", .key = "database", .type = CONF_PATH,
	  .offset = F(database), .def = CLOTLINE_LOCALSTATEDIR "/lib/clotline/clotline.db",
	  .help = "SQLite database file (created and migrated at start)" },
	{ .section = "storage", .key = "busy_timeout_ms", .type = CONF_INT,
	  .offset = F(busy_timeout_ms), .def = "5000", .min = 0, .max = 60000,
	  .help = "how long to wait for a lock held by another process (ms)" },

	{ .section = "provider", .key = "name", .type = CONF_PROVIDER,
	  .offset = F(provider), .def = "console",
	  .help = "the messaging provider: console (outbound messages go to "
	  "the log) or a provider's name (docs/providers.md)" },
	{ .section = "provider", .key = "account_sid", .type = CONF_ACCOUNT_SID,
	  .offset = F(account_sid),
	  .help = "provider account (AC followed by 32 hex digits)" },
	{ .section = "provider", .key = "auth_token", .type = CONF_STRING,
	  .offset = F(auth_token),
	  .help = "provider auth token; env CLOTLINE_AUTH_TOKEN overrides" },
	{ .section = "provider", .key = "auth_token_file", .type = CONF_PATH,
	  .offset = F(auth_token_file),
	  .help = "file whose first line is the provider auth token (mode 0600, "
	  "instead of auth_token); env CLOTLINE_AUTH_TOKEN overrides" },
	{ .section = "provider", .key = "from", .type = CONF_E164,
	  .offset = F(from),
	  .help = "the clinic's sending number, E.164" },
	{ .section = "provider", .key = "api_base", .type = CONF_URL,
	  .offset = F(api_base),
	  .help = "provider REST base URL (point at a local fake in tests); "
	  "unset: the provider's own" },
	{ .section = "provider", .key = "api_key", .type = CONF_STRING,
	  .offset = F(api_key),
	  .help = "provider API key, for providers that authenticate with one" },
	{ .section = "provider", .key = "api_secret", .type = CONF_STRING,
	  .offset = F(api_secret),
	  .help = "provider API secret (with api_key); env CLOTLINE_API_SECRET "
	  "overrides" },
	{ .section = "provider", .key = "signature_secret", .type = CONF_STRING,
	  .offset = F(signature_secret),
	  .help = "secret that signs webhook parameters (signed webhooks); env "
	  "CLOTLINE_SIGNATURE_SECRET overrides" },
	{ .section = "provider", .key = "signature_method", .type = CONF_SIGMETHOD,
	  .offset = F(signature_method), .def = "md5hash",
	  .help = "how signed webhook parameters are hashed: md5hash, md5, "
	  "sha1, sha256 or sha512 (the provider's dashboard setting)" },
	{ .section = "provider", .key = "parts_wait", .type = CONF_INT,
	  .offset = F(parts_wait), .def = "120", .min = 1, .max = 3600,
	  .help = "seconds to wait for the rest of a long message that arrives "
	  "in parts before triaging what came" },
	{ .section = "provider", .key = "verify_signatures", .type = CONF_BOOL,
	  .offset = F(verify_signatures), .def = "yes",
	  .help = "check the provider's signature on every webhook (never 'no' "
	  "in production)" },

	{ .section = "provider", .key = "console_log", .type = CONF_PATH,
	  .offset = F(console_log),
	  .help = "console provider: file that receives each outbound message "
	  "(its text included; created mode 0600); unset: stderr" },

	{ .section = "outbox", .key = "rate", .type = CONF_INT,
	  .offset = F(outbox_rate), .def = "10", .min = 1, .max = 100000,
	  .help = "messages a second per sending number (token bucket); "
	  "emergency alerts go first" },
	{ .section = "outbox", .key = "max_in_flight", .type = CONF_INT,
	  .offset = F(max_in_flight), .def = "16", .min = 1, .max = 1000,
	  .help = "requests to the provider at once (also its connection limit)" },
	{ .section = "outbox", .key = "connect_timeout", .type = CONF_INT,
	  .offset = F(connect_timeout), .def = "10", .min = 1, .max = 120,
	  .help = "seconds to connect to the provider" },
	{ .section = "outbox", .key = "send_timeout", .type = CONF_INT,
	  .offset = F(send_timeout), .def = "30", .min = 1, .max = 300,
	  .help = "seconds one send may take in all" },
	{ .section = "outbox", .key = "unknown_grace", .type = CONF_INT,
	  .offset = F(unknown_grace), .def = "120", .min = 1, .max = 86400,
	  .help = "after a send whose answer was lost, seconds to wait for a "
	  "status callback proving it exists before sending again" },
	{ .section = "outbox", .key = "retry_initial_ms", .type = CONF_INT,
	  .offset = F(retry_initial_ms), .def = "5000", .min = 10,
	  .max = 3600000,
	  .help = "first retry delay; doubles each attempt, with jitter" },
	{ .section = "outbox", .key = "retry_max", .type = CONF_INT,
	  .offset = F(retry_max), .def = "300", .min = 1, .max = 86400,
	  .help = "longest retry delay, seconds" },
	{ .section = "outbox", .key = "alert_max_age", .type = CONF_INT,
	  .offset = F(alert_max_age), .def = "86400", .min = 60,
	  .max = 7 * 86400,
	  .help = "seconds a staff alert keeps being retried" },
	{ .section = "outbox", .key = "reminder_max_age", .type = CONF_INT,
	  .offset = F(reminder_max_age), .def = "7200", .min = 60,
	  .max = 36000,
	  .help = "seconds after which an unsent reminder expires instead" },
	{ .section = "outbox", .key = "loop_limit", .type = CONF_INT,
	  .offset = F(loop_limit), .def = "3", .min = 1, .max = 1000,
	  .help = "the same text to the same number more often than this in "
	  "30 minutes is suppressed and logged" },
	{ .section = "outbox", .key = "poll_interval", .type = CONF_INT,
	  .offset = F(poll_interval), .def = "5", .min = 1, .max = 3600,
	  .help = "seconds between looks for messages queued by other "
	  "processes (the staff CLI)" },
	{ .section = "outbox", .key = "stall_after", .type = CONF_INT,
	  .offset = F(stall_after), .def = "600", .min = 10, .max = 86400,
	  .help = "/healthz fails once a due message has waited this long" },

	{ .section = "reminders", .key = "plans_dir", .type = CONF_PATH,
	  .offset = F(plans_dir), .def = "plans",
	  .help = "directory of reminder plans (NAME.ini); relative to the "
	  "configuration file's directory" },
	{ .section = "reminders", .key = "catch_up", .type = CONF_INT,
	  .offset = F(catch_up), .def = "7200", .min = 60, .max = 86400,
	  .help = "a reminder found more than this many seconds late (the "
	  "gateway was down) is skipped and logged, never sent" },
	{ .section = "reminders", .key = "poll_interval", .type = CONF_INT,
	  .offset = F(reminder_poll), .def = "5", .min = 1, .max = 3600,
	  .help = "seconds between looks for patients enrolled or changed by "
	  "other processes (the staff CLI); on PostgreSQL a change is also "
	  "announced and seen at once, and this is the fallback" },

	{ .section = "clinic", .key = "name", .type = CONF_STRING,
	  .offset = F(clinic_name), .def = "the clinic",
	  .help = "clinic name used in replies" },
	{ .section = "clinic", .key = "phone", .type = CONF_E164,
	  .offset = F(clinic_phone),
	  .help = "clinic phone number patients can call, E.164 (required)" },
	{ .section = "clinic", .key = "emergency_number", .type = CONF_DIALNUM,
	  .offset = F(emergency_number), .def = "999",
	  .help = "emergency number given in red-flag replies (999, 911, 112)" },
	{ .section = "clinic", .key = "on_call", .type = CONF_E164,
	  .offset = F(on_call),
	  .help = "on-call staff number that receives escalations, E.164 (required)" },
	{ .section = "clinic", .key = "on_call_backup", .type = CONF_E164_LIST,
	  .offset = F(on_call_backup),
	  .help = "further on-call numbers, E.164, comma-separated: an "
	  "escalation not acknowledged in time goes to the next in turn" },
	{ .section = "clinic", .key = "emergency_numbers", .type = CONF_DIALMAP,
	  .offset = F(emergency_numbers),
	  .help = "emergency number by the patient's calling code, "
	  "+CODE=NUMBER comma-separated (+1=911, +34=112); others get "
	  "emergency_number" },
	{ .section = "clinic", .key = "urgent_numbers", .type = CONF_DIALMAP,
	  .offset = F(urgent_numbers), .def = "+44=111",
	  .help = "same-day medical help line by calling code ({urgent_number} "
	  "in prompts; NHS 111 for +44); 'none' for no such line" },
	{ .section = "clinic", .key = "timezone", .type = CONF_TIMEZONE,
	  .offset = F(timezone), .def = "Europe/London",
	  .help = "clinic's IANA time zone" },
	{ .section = "clinic", .key = "language", .type = CONF_LANGUAGE,
	  .offset = F(language), .def = "en",
	  .help = "default reply language (a directory under prompts_dir)" },

	{ .section = "escalation", .key = "ack_timeout", .type = CONF_INT,
	  .offset = F(ack_timeout), .def = "900", .min = 1, .max = 86400,
	  .help = "seconds an escalation may stay unacknowledged before the "
	  "next on-call number is alerted (the first again after the last)" },
	{ .section = "escalation", .key = "alert_stuck_after", .type = CONF_INT,
	  .offset = F(alert_stuck_after), .def = "120", .min = 10,
	  .max = 86400,
	  .help = "/readyz fails once an on-call alert has waited this many "
	  "seconds without the provider accepting it" },

	{ .section = "admin", .key = "token_file", .type = CONF_PATH,
	  .offset = F(token_file),
	  .help = "bearer tokens for /api/v1, one a line: TOKEN or NAME TOKEN; "
	  "env CLOTLINE_ADMIN_TOKEN overrides; unset: the staff API is off" },
	{ .section = "admin", .key = "allow_remote", .type = CONF_BOOL,
	  .offset = F(admin_allow_remote), .def = "no",
	  .help = "answer /api/v1 and /console/ to clients that are not on "
	  "the loopback interface (put TLS in front first)" },
	{ .section = "admin", .key = "console_dir", .type = CONF_PATH,
	  .offset = F(console_dir),
	  .help = "the clinic console's files (HTML, CSS, JS); unset: the "
	  "directory console beside prompts_dir" },
	{ .section = "admin", .key = "session_lifetime", .type = CONF_INT,
	  .offset = F(session_lifetime), .def = "28800", .min = 300,
	  .max = 604800,
	  .help = "seconds a console sign-in lasts before staff sign in again" },
};
#undef F
#define CONF_NENTRIES (sizeof conf_table / sizeof conf_table[0])

struct conf_parse {
	struct conf	*conf;
	struct diag	*diag;
	const char	*file;
	char		*dir;			/* directory of file */
	FILE		*fp;
	unsigned	 lineno;		/* line the reader last returned */
	unsigned	 seen[CONF_NENTRIES];	/* line each key was set on */
	char		*bad_section;		/* last unknown section reported */
};

static char **
conf_str(struct conf *c, const struct conf_entry *e)
{
	return (char **)((char *)c + e->offset);
}

static int *
conf_int(struct conf *c, const struct conf_entry *e)
{
	return (int *)((char *)c + e->offset);
}

int
conf_parse_int(const char *s, long min, long max, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
conf_parse_bool(const char *s, int *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Splits "host:port" or "[v6]:port"; returns -1 with a reason on error. */
static int
conf_parse_listen(const char *v, char **host, int *port, const char **why)
{
	const char	*colon, *h;
	size_t		 hlen;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		if (close == NULL || close[1] != ':') {
			*why = "expected [address]:port";
			return -1;
		}
		h = v + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(v, ':')) == NULL) {
			*why = "expected host:port";
			return -1;
		}
		h = v;
		hlen = (size_t)(colon - v);
	}
	if (hlen == 0) {
		*why = "missing host (use 127.0.0.1 for loopback)";
		return -1;
	}
	if (conf_parse_int(colon + 1, 0, 65535, port) == -1) {
		*why = "port must be a number from 0 to 65535";
		return -1;
	}
	*host = xstrndup(h, hlen);
	return 0;
}

static int
conf_check_url(const char *v, const char **why)
{
	struct evhttp_uri	*uri;
	const char		*scheme, *host;
	int			 ok = -1;

	if ((uri = evhttp_uri_parse_with_flags(v, 0)) == NULL) {
		*why = "not a valid URL";
		return -1;
	}
	scheme = evhttp_uri_get_scheme(uri);
	host = evhttp_uri_get_host(uri);
	if (scheme == NULL || (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0))
		*why = "URL must start with http:// or https://";
	else if (host == NULL || *host == '\0')
		*why = "URL has no host";
	else if (evhttp_uri_get_query(uri) != NULL ||
	    evhttp_uri_get_fragment(uri) != NULL)
		*why = "URL must not have a query or fragment";
	else if (evhttp_uri_get_userinfo(uri) != NULL)
		*why = "URL must not carry credentials";
	else
		ok = 0;
	evhttp_uri_free(uri);
	return ok;
}

/*
 * Splits a comma-separated list into trimmed items (in buf, which it
 * overwrites), at most max; -1 when there are more or one is empty.
 */
static int
conf_split(char *buf, char **items, size_t max, size_t *n)
{
	char	*p = buf, *end, *comma;

	*n = 0;
	for (;;) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p == '\0' || *n == max)
			return -1;
		items[(*n)++] = p;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int
conf_check_list(const char *v, const char **why, char *whybuf, size_t len)
{
	char	*buf = xstrdup(v), *items[CONF_CHAIN_MAX];
	size_t	 n, i, j;
	int	 rc = -1;

	if (conf_split(buf, items, CONF_CHAIN_MAX - 1, &n) == -1) {
		snprintf(whybuf, len, "expected 1 to %d E.164 numbers separated "
		    "by commas", CONF_CHAIN_MAX - 1);
		*why = whybuf;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!phone_is_e164(items[i])) {
			snprintf(whybuf, len, "'%.20s' is not an E.164 number "
			    "such as +447700900124", items[i]);
			*why = whybuf;
			goto out;
		}
		for (j = 0; j < i; j++)
			if (strcmp(items[i], items[j]) == 0) {
				snprintf(whybuf, len, "%.20s is listed twice",
				    items[i]);
				*why = whybuf;
				goto out;
			}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* "+CODE=NUMBER, ...": the codes and numbers of emergency_numbers. */
static int
conf_parse_dialmap(const char *v, struct conf_dial *map, size_t *n,
    const char **why, char *whybuf, size_t len)
{
	char	*buf = xstrdup(v), *items[CONF_DIAL_MAX], *eq, *code, *num;
	size_t	 i, j, cl, nl;
	int	 rc = -1;

	*n = 0;
	if (strcmp(v, "none") == 0) {
		free(buf);
		return 0;
	}
	if (conf_split(buf, items, CONF_DIAL_MAX, n) == -1) {
		snprintf(whybuf, len, "expected up to %d entries +CODE=NUMBER "
		    "separated by commas, such as +1=911, +34=112", CONF_DIAL_MAX);
		*why = whybuf;
		goto out;
	}
	for (i = 0; i < *n; i++) {
		if ((eq = strchr(items[i], '=')) == NULL)
			goto bad;
		*eq = '\0';
		code = items[i];
		num = eq + 1;
		while (eq > code && (eq[-1] == ' ' || eq[-1] == '\t'))
			*--eq = '\0';
		while (*num == ' ' || *num == '\t')
			num++;
		cl = strlen(code);
		nl = strlen(num);
		if (code[0] != '+' || cl < 2 || cl > 7 || code[1] == '0' ||
		    strspn(code + 1, "0123456789") != cl - 1 || nl < 2 ||
		    nl > 7 || strspn(num, "0123456789") != nl)
			goto bad;
		for (j = 0; j < i; j++)
			if (strcmp(map[j].prefix, code) == 0) {
				snprintf(whybuf, len, "%s is given twice", code);
				*why = whybuf;
				goto out;
			}
		memcpy(map[i].prefix, code, cl + 1);
		memcpy(map[i].number, num, nl + 1);
	}
	rc = 0;
	goto out;
bad:
	snprintf(whybuf, len, "entry %zu: expected +CODE=NUMBER, a calling "
	    "code of 1 to 6 digits and a number of 2 to 7 digits (+34=112)",
	    i + 1);
	*why = whybuf;
out:
	free(buf);
	if (rc == -1)
		*n = 0;
	return rc;
}

static int
conf_check_dialmap(const char *v, const char **why, char *whybuf, size_t len)
{
	struct conf_dial	map[CONF_DIAL_MAX];
	size_t			n;

	return conf_parse_dialmap(v, map, &n, why, whybuf, len);
}

static const char *
conf_dial_lookup(const struct conf_dial *map, size_t n, const char *phone)
{
	const char	*best = NULL;
	size_t		 i, l, bestlen = 0;

	if (phone == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		l = strlen(map[i].prefix);
		if (l > bestlen && strncmp(phone, map[i].prefix, l) == 0) {
			best = map[i].number;
			bestlen = l;
		}
	}
	return best;
}

const char *
conf_emergency_number(const struct conf *c, const char *phone)
{
	const char	*n = conf_dial_lookup(c->emergency_map, c->nemergency,
			    phone);

	return n != NULL ? n : c->emergency_number;
}

const char *
conf_urgent_number(const struct conf *c, const char *phone)
{
	return conf_dial_lookup(c->urgent_map, c->nurgent, phone);
}

int
conf_is_on_call(const struct conf *c, const char *phone)
{
	size_t	i;

	if (phone == NULL)
		return 0;
	for (i = 0; i < c->nchain; i++)
		if (strcmp(c->chain[i], phone) == 0)
			return 1;
	return 0;
}

static size_t	conf_index(const char *, const char *);

/* The chain and the maps, from values already checked by conf_set. */
static void
conf_derive(struct conf_parse *cp)
{
	struct conf	*c = cp->conf;
	const char	*why;
	char		 whybuf[160], *buf, *items[CONF_CHAIN_MAX];
	size_t		 n = 0, i;

	if (c->on_call != NULL)
		c->chain[c->nchain++] = xstrdup(c->on_call);
	if (c->on_call_backup != NULL) {
		buf = xstrdup(c->on_call_backup);
		if (conf_split(buf, items, CONF_CHAIN_MAX - 1, &n) == 0) {
			for (i = 0; i < n; i++) {
				if (conf_is_on_call(c, items[i])) {
					diag_error(cp->diag, cp->file,
					    cp->seen[conf_index("clinic",
					    "on_call_backup")],
					    "[clinic] on_call_backup: %s is "
					    "already on_call", items[i]);
					continue;
				}
				c->chain[c->nchain++] = xstrdup(items[i]);
			}
		}
		free(buf);
	}
	if (c->emergency_numbers != NULL)
		(void)conf_parse_dialmap(c->emergency_numbers, c->emergency_map,
		    &c->nemergency, &why, whybuf, sizeof whybuf);
	if (c->urgent_numbers != NULL)
		(void)conf_parse_dialmap(c->urgent_numbers, c->urgent_map,
		    &c->nurgent, &why, whybuf, sizeof whybuf);
}

static char *
conf_resolve_path(const struct conf_parse *cp, const char *v)
{
	if (v[0] == '/' || cp->dir == NULL)
		return xstrdup(v);
	return xasprintf("%s/%s", cp->dir, v);
}

/* Applies one value; returns -1 and adds a diagnostic when it is bad. */
/* The keys whose values are never echoed or left readable to others. */
static int
conf_is_secret(const struct conf_entry *e)
{
	return e->offset == offsetof(struct conf, auth_token) ||
	    e->offset == offsetof(struct conf, api_secret) ||
	    e->offset == offsetof(struct conf, signature_secret);
}

static int
conf_set(struct conf_parse *cp, const struct conf_entry *e, const char *v,
    const char *file, unsigned line)
{
	struct conf	*c = cp->conf;
	char		**sp = conf_str(c, e);
	const char	*why = NULL;
	enum log_level	 lvl;
	char		 whybuf[128];
	char		*host;
	size_t		 n;
	int		 port;

	switch (e->type) {
	case CONF_STRING:
		if (*v == '\0') {
			why = "must not be empty";
			break;
		}
		/* The clinic's name goes into SMS and TwiML, which need UTF-8. */
		if (!utf8_valid(v, strlen(v))) {
			why = "not valid UTF-8 (save the file as UTF-8)";
			break;
		}
		free(*sp);
		*sp = xstrdup(v);
		return 0;
	case CONF_PATH:
		if (*v == '\0') {
			why = "must not be empty";
			break;
		}
		free(*sp);
		*sp = conf_resolve_path(cp, v);
		return 0;
	case CONF_BOOL:
		if (conf_parse_bool(v, conf_int(c, e)) == 0)
			return 0;
		why = "expected yes or no";
		break;
	case CONF_INT:
		if (conf_parse_int(v, e->min, e->max, conf_int(c, e)) == 0)
			return 0;
		diag_error(cp->diag, file, line,
		    "[%s] %s: '%s' is not a whole number from %d to %d",
		    e->section, e->key, v, e->min, e->max);
		return -1;
	case CONF_LISTEN:
		if (conf_parse_listen(v, &host, &port, &why) == -1)
			break;
		free(c->listen_host);
		c->listen_host = host;
		c->listen_port = port;
		return 0;
	case CONF_URL:
		if (conf_check_url(v, &why) == -1)
			break;
		free(*sp);
		*sp = xstrdup(v);
		n = strlen(*sp);
		while (n > 0 && (*sp)[n - 1] == '/')
			(*sp)[--n] = '\0';
		return 0;
	case CONF_E164:
		if (phone_is_e164(v)) {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		why = "expected an E.164 number such as +447700900123";
		break;
	case CONF_DIALNUM:
		n = strspn(v, "0123456789");
		if (n >= 2 && n <= 6 && v[n] == '\0') {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		why = "expected 2 to 6 digits, such as 999, 911 or 112";
		break;
	case CONF_E164_LIST:
		if (conf_check_list(v, &why, whybuf, sizeof whybuf) == -1)
			break;
		free(*sp);
		*sp = xstrdup(v);
		return 0;
	case CONF_DIALMAP:
		if (conf_check_dialmap(v, &why, whybuf, sizeof whybuf) == -1)
			break;
		free(*sp);
		*sp = xstrdup(v);
		return 0;
	case CONF_PROVIDER:
		if (provider_find(v) != NULL) {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		snprintf(whybuf, sizeof whybuf, "expected one of: %s",
		    provider_names());
		why = whybuf;
		break;
	case CONF_BACKEND:
		if (storage_backend_known(v)) {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		snprintf(whybuf, sizeof whybuf, "expected one of: %s%s",
		    storage_backend_names(), strcmp(v, "postgresql") == 0 ?
		    " (this clotline was built without libpq: configure "
		    "--with-postgresql)" : "");
		why = whybuf;
		break;
	case CONF_LOGLEVEL:
		if (log_level_from_name(v, &lvl) == 0) {
			c->log_level = lvl;
			return 0;
		}
		why = "expected error, warning, notice, info or debug";
		break;
	case CONF_TIMEZONE:
		if (tz_exists(v)) {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		why = "not a time zone in the system's zone database (e.g. Europe/London)";
		break;
	case CONF_LANGUAGE:
		n = strspn(v, "abcdefghijklmnopqrstuvwxyz");
		if (n >= 2 && n <= 3 && v[n] == '\0') {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		why = "expected a lower-case language code such as en, es or de";
		break;
	case CONF_ACCOUNT_SID:
		n = strspn(v + (strncmp(v, "AC", 2) == 0 ? 2 : 0),
		    "0123456789abcdef");
		if (strncmp(v, "AC", 2) == 0 && n == 32 && v[34] == '\0') {
			free(*sp);
			*sp = xstrdup(v);
			return 0;
		}
		why = "expected AC followed by 32 lower-case hex digits";
		break;
	case CONF_SIGMETHOD:
		for (n = 0; n < sizeof conf_sigmethods /
		    sizeof conf_sigmethods[0]; n++)
			if (strcmp(v, conf_sigmethods[n]) == 0) {
				free(*sp);
				*sp = xstrdup(v);
				return 0;
			}
		why = "expected md5hash, md5, sha1, sha256 or sha512";
		break;
	}
	/* Never echo a secret back, even when it is malformed. */
	if (conf_is_secret(e))
		diag_error(cp->diag, file, line, "[%s] %s: %s", e->section,
		    e->key, why);
	else
		diag_error(cp->diag, file, line, "[%s] %s: '%s': %s",
		    e->section, e->key, v, why);
	return -1;
}

static const struct conf_entry *
conf_find(const char *section, const char *key, int *section_known)
{
	size_t	i;

	*section_known = 0;
	for (i = 0; i < CONF_NENTRIES; i++) {
		if (strcmp(conf_table[i].section, section) != 0)
			continue;
		*section_known = 1;
		if (strcmp(conf_table[i].key, key) == 0)
			return &conf_table[i];
	}
	return NULL;
}

static int
conf_handler_cb(void *arg, const char *section, const char *key, const char *value)
{
	struct conf_parse	*cp = arg;
	const struct conf_entry	*e;
	int			 known;
	size_t			 idx;

	if (*section == '\0') {
		diag_error(cp->diag, cp->file, cp->lineno,
		    "'%s' is outside any [section]", key);
		return 1;
	}
	e = conf_find(section, key, &known);
	if (!known)	/* reported at its header by conf_check_section */
		return 1;
	if (e == NULL) {
		diag_error(cp->diag, cp->file, cp->lineno,
		    "unknown key '%s' in [%s]", key, section);
		return 1;
	}
	idx = (size_t)(e - conf_table);
	if (cp->seen[idx] != 0) {
		diag_error(cp->diag, cp->file, cp->lineno,
		    "[%s] %s is set twice (first on line %u)", section, key,
		    cp->seen[idx]);
		return 1;
	}
	cp->seen[idx] = cp->lineno;
	conf_set(cp, e, value, cp->file, cp->lineno);
	return 1;
}

/*
 * Reports an unknown [section] at its header line, keys or not (inih only
 * tells the handler about sections that have keys).
 */
static void
conf_check_section(struct conf_parse *cp, const char *line)
{
	const char	*s = line, *e;
	size_t		 i, len;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s++ != '[' || (e = strchr(s, ']')) == NULL)
		return;
	len = (size_t)(e - s);
	for (i = 0; i < CONF_NENTRIES; i++)
		if (strlen(conf_table[i].section) == len &&
		    strncmp(conf_table[i].section, s, len) == 0)
			return;
	diag_error(cp->diag, cp->file, cp->lineno, "unknown section [%.*s]",
	    (int)(len > 64 ? 64 : len), s);
	free(cp->bad_section);
	cp->bad_section = xstrndup(s, len);
}

/* inih line reader: counts lines and refuses lines longer than inih's buffer. */
static char *
conf_reader_cb(char *buf, int size, void *arg)
{
	struct conf_parse	*cp = arg;
	size_t			 len;
	int			 ch;

	if (fgets(buf, size, cp->fp) == NULL)
		return NULL;
	cp->lineno++;
	conf_check_section(cp, buf);
	len = strlen(buf);
	if (len > 0 && buf[len - 1] != '\n' && !feof(cp->fp)) {
		while ((ch = fgetc(cp->fp)) != EOF && ch != '\n')
			;
		diag_error(cp->diag, cp->file, cp->lineno,
		    "line is longer than %d characters", size - 2);
		buf[0] = '\0';
	}
	return buf;
}

/* The table index of [section] key (which must exist). */
static size_t
conf_index(const char *section, const char *key)
{
	size_t	i;

	for (i = 0; i < CONF_NENTRIES; i++)
		if (strcmp(conf_table[i].section, section) == 0 &&
		    strcmp(conf_table[i].key, key) == 0)
			return i;
	return 0;
}

/* 1 if [section] key appeared in the file (valid or not). */
static int
conf_seen(const struct conf_parse *cp, const char *section, const char *key)
{
	size_t	i;

	for (i = 0; i < CONF_NENTRIES; i++)
		if (strcmp(conf_table[i].section, section) == 0 &&
		    strcmp(conf_table[i].key, key) == 0)
			return cp->seen[i] != 0;
	return 0;
}

/*
 * The auth token from [provider] auth_token_file: its first line, trailing
 * blanks dropped.  The file is the secret's home outside the world-readable
 * configuration, so one others can read is warned about.
 */
static void
conf_read_token_file(struct conf_parse *cp)
{
	struct conf	*c = cp->conf;
	const char	*f = c->auth_token_file;
	struct stat	 sb;
	FILE		*fp;
	char		 buf[1024];
	size_t		 n;

	if (conf_seen(cp, "provider", "auth_token")) {
		diag_error(cp->diag, cp->file, 0, "[provider] auth_token and "
		    "auth_token_file are both set: keep one");
		return;
	}
	if ((fp = readfile_open(f, READFILE_MAX_TOKENS,
	    "[provider] auth_token_file", cp->diag)) == NULL)
		return;
	if (fstat(fileno(fp), &sb) == 0 && (sb.st_mode & 077) != 0)
		diag_warning(cp->diag, f, 0, "the auth token file can be read "
		    "by others (mode %03o); chmod 600 it",
		    (unsigned)sb.st_mode & 0777);
	if (fgets(buf, sizeof buf, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	n = strcspn(buf, "\r\n");
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	if (n == 0 || n == sizeof buf - 1)
		diag_error(cp->diag, f, 1, "[provider] auth_token_file: expected "
		    "the token alone on the first line");
	else {
		free(c->auth_token);
		c->auth_token = xstrdup(buf);
	}
	explicit_bzero(buf, sizeof buf);
}

static void
conf_check_required(struct conf_parse *cp)
{
	const struct provider_ops	*ops;
	struct conf			*c = cp->conf;
	const char			*f = cp->file;

	if (c->clinic_phone == NULL && !conf_seen(cp, "clinic", "phone"))
		diag_error(cp->diag, f, 0, "[clinic] phone is required "
		    "(the number patients are told to call)");
	if (c->on_call == NULL && !conf_seen(cp, "clinic", "on_call"))
		diag_error(cp->diag, f, 0, "[clinic] on_call is required "
		    "(the number that receives escalations)");
	/* A wrong default would make every genuine webhook a 403. */
	if (c->verify_signatures && c->public_url == NULL &&
	    !conf_seen(cp, "server", "public_url"))
		diag_error(cp->diag, f, 0, "[server] public_url is required while "
		    "verify_signatures = yes (the URL the provider is configured "
		    "to call)");
	if (strcmp(c->storage_backend, "postgresql") == 0) {
		if (c->storage_url == NULL)
			diag_error(cp->diag, f, 0, "[storage] url is required "
			    "for backend = postgresql (a libpq connection URI "
			    "such as postgresql:///clotline?host=/run/postgresql)");
		if (c->claim_lease <= c->connect_timeout + c->send_timeout)
			diag_error(cp->diag, f, 0, "[storage] lease = %d must exceed [outbox] "
			    "connect_timeout + send_timeout (%d s): an instance "
			    "still sending would lose its claim to another, and "
			    "the message could go twice", c->claim_lease,
			    c->connect_timeout + c->send_timeout);
	} else if (c->storage_url != NULL)
		diag_warning(cp->diag, f, 0,
		    "[storage] url is ignored with backend = %s",
		    c->storage_backend);
	if ((ops = provider_find(c->provider)) != NULL && ops->check != NULL)
		ops->check(c, cp->diag, f);
}

/*
 * The provider's auth token in a file others can read: anyone on the
 * machine could sign webhooks (and send messages as the clinic).
 */
static void
conf_check_secret_mode(struct conf_parse *cp)
{
	static const struct {
		size_t		 offset;
		const char	*env;
	} secrets[] = {
		{ offsetof(struct conf, auth_token), "CLOTLINE_AUTH_TOKEN" },
		{ offsetof(struct conf, api_secret), "CLOTLINE_API_SECRET" },
		{ offsetof(struct conf, signature_secret),
		    "CLOTLINE_SIGNATURE_SECRET" },
	};
	struct stat	sb;
	size_t		i, j;

	if (fstat(fileno(cp->fp), &sb) == -1 || (sb.st_mode & 044) == 0)
		return;
	for (j = 0; j < sizeof secrets / sizeof secrets[0]; j++) {
		for (i = 0; i < CONF_NENTRIES; i++)
			if (conf_table[i].offset == secrets[j].offset)
				break;
		if (i == CONF_NENTRIES || cp->seen[i] == 0)
			continue;
		diag_warning(cp->diag, cp->file, cp->seen[i], "[provider] %s "
		    "is in a file %s can read (mode %03o): chmod 600 the file, "
		    "or set %s in the environment instead", conf_table[i].key,
		    (sb.st_mode & 004) != 0 ? "everyone" : "its group",
		    (unsigned)sb.st_mode & 0777, secrets[j].env);
	}
}

struct conf *
conf_load(const char *path, struct diag *d)
{
	return conf_load_lenient(path, d, NULL);
}

struct conf *
conf_load_lenient(const char *path, struct diag *d, int *bad)
{
	struct conf_parse	 cp;
	struct conf		*c;
	const char		*env, *slash;
	size_t			 i, before = d->nerrors;
	int			 rc;

	memset(&cp, 0, sizeof cp);
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	cp.conf = c;
	cp.diag = d;
	cp.file = path;
	if ((slash = strrchr(path, '/')) != NULL)
		cp.dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));

	for (i = 0; i < CONF_NENTRIES; i++) {
		if (conf_table[i].def != NULL)
			conf_set(&cp, &conf_table[i], conf_table[i].def,
			    "<built-in default>", 0);
	}

	if ((cp.fp = readfile_open(path, READFILE_MAX_CONF, "configuration",
	    d)) == NULL) {
		bad = NULL;	/* nothing worth going on with */
		goto out;
	}
	rc = ini_parse_stream(conf_reader_cb, &cp, conf_handler_cb, &cp);
	conf_check_secret_mode(&cp);
	fclose(cp.fp);
	if (rc > 0)
		diag_error(d, path, (unsigned)rc,
		    "syntax error (expected [section] or key = value)");
	else if (rc < 0)
		diag_error(d, path, 0, "cannot read the file");

	if ((env = getenv("CLOTLINE_AUTH_TOKEN")) != NULL && *env != '\0') {
		free(c->auth_token);
		c->auth_token = xstrdup(env);
	} else if (c->auth_token_file != NULL)
		conf_read_token_file(&cp);
	if ((env = getenv("CLOTLINE_API_SECRET")) != NULL && *env != '\0') {
		free(c->api_secret);
		c->api_secret = xstrdup(env);
	}
	if ((env = getenv("CLOTLINE_SIGNATURE_SECRET")) != NULL &&
	    *env != '\0') {
		free(c->signature_secret);
		c->signature_secret = xstrdup(env);
	}
	conf_check_required(&cp);
	c->plans_dir_given = conf_seen(&cp, "reminders", "plans_dir");
	conf_derive(&cp);
out:
	free(cp.dir);
	free(cp.bad_section);
	if (bad != NULL)
		*bad = d->nerrors != before;
	else if (d->nerrors != before) {
		conf_free(c);
		return NULL;
	}
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < CONF_NENTRIES; i++) {
		switch (conf_table[i].type) {
		case CONF_BOOL:
		case CONF_INT:
		case CONF_LOGLEVEL:
			break;
		default:
			free(*conf_str(c, &conf_table[i]));
			break;
		}
	}
	for (i = 0; i < c->nchain; i++)
		free(c->chain[i]);
	free(c->path);
	free(c);
}

void
conf_print_keys(FILE *fp)
{
	const char	*section = "";
	size_t		 i;

	for (i = 0; i < CONF_NENTRIES; i++) {
		const struct conf_entry *e = &conf_table[i];

		if (strcmp(section, e->section) != 0) {
			fprintf(fp, "  [%s]\n", e->section);
			section = e->section;
		}
		fprintf(fp, "    %-18s %s", e->key, e->help);
		if (e->def != NULL)
			fprintf(fp, " (default: %s)", e->def);
		fprintf(fp, "\n");
	}
}

const char *
conf_storage_location(const struct conf *c)
{
	return conf_storage_is_file(c) ? c->database : c->storage_url;
}

int
conf_storage_is_file(const struct conf *c)
{
	return strcmp(c->storage_backend, "sqlite") == 0;
}
