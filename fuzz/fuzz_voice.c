/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the phone keypad's webhooks end to end (voice.c, with
 * ivr.c, escalate.c and the store), as the server calls voice_handle once
 * a form has parsed and its signature checked, against an in-memory
 * SQLite store emptied before each input and holding two enrolled
 * patients.  The input is up to eight requests separated by 0x1e, each a
 * control byte, a line holding the query string and the form body.  The
 * control byte's bits 0-1 pick the route (0 /twilio/voice, 1 gather, 2
 * no-input, 3 status); bits 2-3 put a From first in the body (0 none, 1
 * the English patient with a plan, 2 the paused German patient, 3 an
 * unknown number); bit 4 puts a CallSid first, the same in every request,
 * so requests make a call; bit 5 takes the query from the input (an empty
 * line: none) instead of step=N of the last answer, as the provider would
 * send it.
 *
 * Oracles: every request is answered 200, or 400 exactly when the form's
 * CallSid is missing or not at most 64 bytes of plain text (form.h), and
 * never with the store-failure answer (voice_unavailable: an in-memory
 * store does not fail); a status callback is answered with nothing; any
 * other 200 is the TwiML docs/voice.md and spec/twilio.md describe,
 * checked piece by piece: the XML prologue, <Response>, then either a
 * <Gather> of one key in 5 s or of keys up to # in 10 s posting to
 * gather?step=N, its <Say>s and a <Redirect> to no-input?step=N, with N
 * the call's stored step and one the gather route takes back, or <Say>s
 * and <Hangup/>; then </Response>, and every text and attribute escaped
 * (no raw '<', valid UTF-8, XML characters only: fuzz_xml_text).  What
 * the caller hears was recorded, and nothing else: the emergency or
 * urgent advice with one message attached to its episode's escalation (a
 * new one with its alert, or an earlier one, alerted again only when
 * worse), "saved" with one walk
 * of the minutes read back, paused or resumed with one audit row.  A
 * refused request records nothing, and the very same request sent again
 * gets the same answer and changes nothing in the store (every row of
 * every table compared; for a status callback, which stores the time of
 * the end again, the row counts).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <sqlite3.h>

#include "diag.h"
#include "form.h"
#include "fuzz.h"
#include "fuzz_xml.h"
#include "ivr.h"
#include "log.h"
#include "metrics.h"
#include "prompts.h"
#include "settings.h"
#include "provider.h"
#include "sms.h"
#include "storage.h"
#include "utf8.h"
#include "voice.h"
#include "xmalloc.h"

#define FUZZ_VOICE_REQUESTS	8
#define FUZZ_VOICE_URL		"https://clinic.example.org"
#define FUZZ_VOICE_SID		"CAfuzz00000000000000000000000001"
#define FUZZ_VOICE_SID_MAX	64	/* voice.c's limit, the oracle's too */
#define FUZZ_VOICE_NOW		1790000000	/* a Tuesday in 2026 */
#define FUZZ_VOICE_TABLES	32

static const char *const fuzz_voice_from[] = {
	"", "From=%2B447700900123&", "From=%2B4915100000001&",
	"From=%2B447700900999&",
};

static struct settings	*fuzz_voice_set;
static struct storage	*fuzz_voice_st;
static sqlite3		*fuzz_voice_db;	/* the same store, for the oracles */
static char		*fuzz_voice_names[FUZZ_VOICE_TABLES];
static sqlite3_stmt	*fuzz_voice_rows[FUZZ_VOICE_TABLES];
static int		 fuzz_voice_ntables;

static void	fuzz_voice_prepare(sqlite3 *);

/* Rows of the tables a webhook writes, and everything, as text. */
struct fuzz_voice_snap {
	long	 calls;
	long	 escalations;
	long	 alerts;	/* outbound_messages: only alerts here */
	long	 attached;	/* escalation_messages */
	long	 activity;
	long	 audit;		/* but the escalations' own */
	long	 minutes;	/* of the last walk; -1 if none */
	long	 rows;		/* in all tables */
	char	*dump;		/* may hold NULs */
	size_t	 len;
};

static void
fuzz_voice_init(void)
{
	struct diag	 d;
	const char	*path;
	char		*text, *uri, *err = NULL;

	log_set_level(LOG_LEVEL_ERROR);	/* a line a request otherwise */
	/*
	 * A second connection reads the store through a shared cache.  One
	 * thread: SQLite's mutexes and memory statistics only slow it down.
	 */
	if (sqlite3_config(SQLITE_CONFIG_URI, 1) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
		fprintf(stderr, "fuzz_voice: sqlite3 cannot be configured\n");
		exit(1);
	}
	unsetenv("CLOTLINE_AUTH_TOKEN");
	text = xasprintf("[server]\npublic_url = " FUZZ_VOICE_URL "\n"
	    "prompts_dir = %s/prompts\n[provider]\nauth_token = t\n"
	    "[reminders]\nplans_dir = %s/config/plans\n"
	    "[clinic]\nphone = +441234567890\non_call = +447700900123\n",
	    fuzz_srcdir(), fuzz_srcdir());
	path = fuzz_write("clotline.ini", text, strlen(text));
	free(text);
	diag_init(&d);
	if ((fuzz_voice_set = settings_load(path, &d)) == NULL) {
		fprintf(stderr, "fuzz_voice: %s\n", d.n > 0 ? d.v[0].text :
		    "the settings do not load");
		exit(1);
	}
	diag_clear(&d);

	/*
	 * Opened once: the schema and the statements cost far more than the
	 * requests.  Each input starts from an emptied store instead.
	 */
	uri = xasprintf("file:fuzz_voice_%ld?mode=memory&cache=shared",
	    (long)getpid());
	if ((fuzz_voice_st = storage_open("sqlite", uri, NULL, &err)) == NULL) {
		fprintf(stderr, "fuzz_voice: %s\n", err);
		exit(1);
	}
	if (sqlite3_open_v2(uri, &fuzz_voice_db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		fprintf(stderr, "fuzz_voice: %s\n",
		    sqlite3_errmsg(fuzz_voice_db));
		exit(1);
	}
	free(uri);
	fuzz_voice_prepare(fuzz_voice_db);
}

/* Empties every table, as a new store would be. */
static void
fuzz_voice_empty(sqlite3 *db)
{
	char	*sql;
	int	 t;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		fuzz_fail("cannot empty the store: %s", sqlite3_errmsg(db));
	for (t = 0; t < fuzz_voice_ntables; t++) {
		sql = xasprintf("DELETE FROM \"%s\"", fuzz_voice_names[t]);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			fuzz_fail("%s: %s", sql, sqlite3_errmsg(db));
		free(sql);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		fuzz_fail("cannot empty the store: %s", sqlite3_errmsg(db));
}

/* The two enrolled patients; exits if the store refuses them. */
static void
fuzz_voice_patients(struct storage *st)
{
	struct patient	p;

	memset(&p, 0, sizeof p);
	p.phone = (char *)"+447700900123";
	p.name = (char *)"Ann Smith";
	p.language = (char *)"en";
	p.timezone = (char *)"Europe/London";
	p.enrolled = 1;
	p.plan = (char *)"dvt-walking";
	p.start_date = (char *)"2026-09-01";
	if (storage_patient_insert(st, &p, FUZZ_VOICE_NOW - 86400, NULL) == -1)
		exit(1);
	memset(&p, 0, sizeof p);
	p.phone = (char *)"+4915100000001";
	p.language = (char *)"de";
	p.timezone = (char *)"Europe/Berlin";
	p.enrolled = 1;
	p.paused = 1;
	if (storage_patient_insert(st, &p, FUZZ_VOICE_NOW - 86400, NULL) == -1)
		exit(1);
}

/* Each table's rows in the snapshots, prepared once. */
static void
fuzz_voice_prepare(sqlite3 *db)
{
	sqlite3_stmt	*tables;
	const char	*name;
	char		*sql;

	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE "
	    "type = 'table' ORDER BY name", -1, &tables, NULL) != SQLITE_OK)
		fuzz_fail("cannot list tables: %s", sqlite3_errmsg(db));
	while (sqlite3_step(tables) == SQLITE_ROW) {
		if (fuzz_voice_ntables == FUZZ_VOICE_TABLES)
			fuzz_fail("more than %d tables", FUZZ_VOICE_TABLES);
		name = (const char *)sqlite3_column_text(tables, 0);
		fuzz_voice_names[fuzz_voice_ntables] = xstrdup(name);
		sql = xasprintf("SELECT * FROM \"%s\"", name);
		if (sqlite3_prepare_v2(db, sql, -1,
		    &fuzz_voice_rows[fuzz_voice_ntables], NULL) != SQLITE_OK)
			fuzz_fail("cannot read %s: %s", name,
			    sqlite3_errmsg(db));
		free(sql);
		fuzz_voice_ntables++;
	}
	sqlite3_finalize(tables);
}

static void
fuzz_voice_snap(struct fuzz_voice_snap *s)
{
	struct evbuffer	*b = xevbuffer_new();
	sqlite3_stmt	*rows;
	const char	*name;
	long		 n;
	int		 i, t, cols;

	memset(s, 0, sizeof *s);
	s->minutes = -1;
	for (t = 0; t < fuzz_voice_ntables; t++) {
		name = fuzz_voice_names[t];
		rows = fuzz_voice_rows[t];
		evbuffer_add_printf(b, "%s\n", name);
		n = 0;
		while (sqlite3_step(rows) == SQLITE_ROW) {
			n++;
			cols = sqlite3_column_count(rows);
			for (i = 0; i < cols; i++) {
				if (strcmp(name, "activity_reports") == 0 &&
				    strcmp(sqlite3_column_name(rows, i),
				    "minutes") == 0)
					s->minutes = (long)sqlite3_column_int64(
					    rows, i);
				/* escalate.c's steps have rows of their own. */
				if (strcmp(name, "audit_log") == 0 &&
				    strcmp(sqlite3_column_name(rows, i),
				    "action") == 0 &&
				    sqlite3_column_text(rows, i) != NULL &&
				    strncmp((const char *)sqlite3_column_text(
				    rows, i), "escalation.", 11) == 0)
					s->audit--;
				/* Type, bytes and length: NULL is not "". */
				evbuffer_add_printf(b, "%d/",
				    sqlite3_column_type(rows, i));
				evbuffer_add(b, sqlite3_column_blob(rows, i),
				    (size_t)sqlite3_column_bytes(rows, i));
				evbuffer_add_printf(b, "/%d:",
				    sqlite3_column_bytes(rows, i));
			}
			evbuffer_add(b, "\n", 1);
		}
		if (sqlite3_reset(rows) != SQLITE_OK)	/* and its locks */
			fuzz_fail("cannot read %s: %s", name,
			    sqlite3_errmsg(fuzz_voice_db));
		s->rows += n;
		if (strcmp(name, "calls") == 0)
			s->calls = n;
		else if (strcmp(name, "escalations") == 0)
			s->escalations = n;
		else if (strcmp(name, "activity_reports") == 0)
			s->activity = n;
		else if (strcmp(name, "outbound_messages") == 0)
			s->alerts = n;
		else if (strcmp(name, "audit_log") == 0)
			s->audit += n;
		else if (strcmp(name, "escalation_messages") == 0)
			s->attached = n;
	}
	s->len = evbuffer_get_length(b);
	s->dump = xevbuffer_take(b);
}

static int
fuzz_voice_same(const struct fuzz_voice_snap *a, const struct fuzz_voice_snap *b)
{
	return a->len == b->len && memcmp(a->dump, b->dump, a->len) == 0;
}

/* What the caller hears: the <Say>s, unescaped. */
struct fuzz_voice_heard {
	char	*say[IVR_MAX_SAY];
	int	 n;
};

/* Expects s at *p and steps over it. */
static int
fuzz_voice_eat(const char **p, const char *s)
{
	size_t	n = strlen(s);

	if (strncmp(*p, s, n) != 0)
		return 0;
	*p += n;
	return 1;
}

/* The escaped text up to the next '<' or '"', checked; returns it plain. */
static char *
fuzz_voice_text(const char **p, int end, const char *doc)
{
	const char	*q = strchr(*p, end);
	char		*text;

	if (q == NULL)
		fuzz_fail("text without its end: %s", doc);
	text = fuzz_xml_text(*p, (size_t)(q - *p), 1);
	*p = q;
	return text;
}

/* An action URL of the answer: route on public_url, a step; returns it. */
static int
fuzz_voice_url(const char **p, int end, const char *route, const char *doc)
{
	char	*url, *want;
	int	 step = -1;
	size_t	 n;

	url = fuzz_voice_text(p, end, doc);
	want = xasprintf("%s/twilio/voice/%s?step=", FUZZ_VOICE_URL, route);
	n = strlen(want);
	if (strncmp(url, want, n) == 0 && strspn(url + n, "0123456789") ==
	    strlen(url + n) && url[n] != '\0' && strlen(url + n) <= 3)
		step = (int)strtol(url + n, NULL, 10);
	/* The step must be one the gather route takes back: voice_step. */
	if (step < 1 || step > IVR_MAX_STEPS + 1)
		fuzz_fail("action URL %s is not %sN with N in 1-%d", url, want,
		    IVR_MAX_STEPS + 1);
	free(want);
	free(url);
	return step;
}

/*
 * Checks a voice answer piece by piece (twiml.h, docs/voice.md) and fills
 * *h; returns the step of its action URLs, or 0 for a hang-up.
 */
static int
fuzz_voice_twiml(const char *doc, struct fuzz_voice_heard *h)
{
	static const char *const langs[] = { "en-GB", "es-ES", "de-DE" };
	const char	*p = doc;
	char		*text;
	int		 gather = 0, step = 0, redirect, nsay = 0;
	size_t		 i;

	if (!utf8_valid(doc, strlen(doc)))
		fuzz_fail("the answer is not UTF-8: %s", doc);
	if (!fuzz_voice_eat(&p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response>"))
		fuzz_fail("no prologue and <Response>: %s", doc);
	if (fuzz_voice_eat(&p, "<Gather input=\"dtmf\"")) {
		gather = 1;
		if (!fuzz_voice_eat(&p, " finishOnKey=\"#\" timeout=\"10\"") &&
		    !fuzz_voice_eat(&p, " numDigits=\"1\" timeout=\"5\""))
			fuzz_fail("a <Gather> neither of one key in 5 s nor "
			    "up to # in 10 s: %s", doc);
		if (!fuzz_voice_eat(&p, " action=\""))
			fuzz_fail("a <Gather> without its action: %s", doc);
		step = fuzz_voice_url(&p, '"', "gather", doc);
		if (!fuzz_voice_eat(&p, "\" method=\"POST\">"))
			fuzz_fail("a <Gather> not posted: %s", doc);
	}
	while (fuzz_voice_eat(&p, "<Say language=\"")) {
		for (i = 0; i < 3; i++)
			if (fuzz_voice_eat(&p, langs[i]))
				break;
		if (i == 3 || !fuzz_voice_eat(&p, "\">"))
			fuzz_fail("a <Say> in no voice of ours: %s", doc);
		text = fuzz_voice_text(&p, '<', doc);
		if (text[0] == '\0')
			fuzz_fail("an empty <Say>: %s", doc);
		if (!fuzz_voice_eat(&p, "</Say>"))
			fuzz_fail("a <Say> not closed: %s", doc);
		if (nsay < IVR_MAX_SAY)
			h->say[h->n++] = text;
		else
			free(text);
		nsay++;
	}
	if (nsay < 1 || nsay > IVR_MAX_SAY)
		fuzz_fail("%d <Say>s: %s", nsay, doc);
	if (gather) {
		if (!fuzz_voice_eat(&p, "</Gather><Redirect method=\"POST\">"))
			fuzz_fail("a <Gather> without a <Redirect>: %s", doc);
		redirect = fuzz_voice_url(&p, '<', "no-input", doc);
		if (redirect != step)
			fuzz_fail("gather at step %d, no input at %d: %s",
			    step, redirect, doc);
		if (!fuzz_voice_eat(&p, "</Redirect>"))
			fuzz_fail("a <Redirect> not closed: %s", doc);
	} else if (!fuzz_voice_eat(&p, "<Hangup/>"))
		fuzz_fail("neither a <Gather> nor <Hangup/>: %s", doc);
	if (strcmp(p, "</Response>") != 0)
		fuzz_fail("no </Response> at the end: %s", doc);
	return step;
}

/*
 * Whether the caller heard prompt name in any language, as rendered for
 * any caller's number (the emergency and urgent numbers differ by calling
 * code); for a prompt with a {placeholder}, *value is the number said in
 * its place, and the line must be the prompt filled with it.
 */
static int
fuzz_voice_heard(const struct fuzz_voice_heard *h, const char *name,
    long *value)
{
	static const char *const langs[] = { "en", "es", "de" };
	/* The prompts rendered for each caller's country (settings.h). */
	static const char *const phones[] = { NULL, "+447700900123",
	    "+4915100000001", "+447700900999" };
	const char	*tmpl, *open, *close, *mid;
	size_t		 i, pre;
	int		 k, k_ok;
	char		*end, *key, *num, *said;

	for (i = 0; i < 3 * 4; i++) {
		tmpl = prompts_lookup(settings_prompts(fuzz_voice_set,
		    phones[i / 3]), langs[i % 3], name);
		if (tmpl == NULL)
			fuzz_fail("no prompt %s in %s", name, langs[i % 3]);
		open = strchr(tmpl, '{');
		close = open != NULL ? strchr(open, '}') : NULL;
		for (k = 0; k < h->n; k++) {
			if (close == NULL) {
				if (strcmp(h->say[k], tmpl) == 0)
					return 1;
				continue;
			}
			/*
			 * The number said in the first placeholder's place;
			 * the whole line must then be the prompt filled with
			 * it (the word after it in the form for that number).
			 */
			pre = (size_t)(open - tmpl);
			if (strncmp(h->say[k], tmpl, pre) != 0)
				continue;
			mid = h->say[k] + pre;
			*value = strtol(mid, &end, 10);
			if (end == mid)
				continue;
			key = xstrndup(open + 1, strcspn(open + 1, "|}"));
			num = xstrndup(mid, (size_t)(end - mid));
			said = prompts_expand(tmpl, (const char *const *)&key,
			    (const char *const *)&num, 1);
			k_ok = strcmp(said, h->say[k]) == 0;
			free(said);
			free(num);
			free(key);
			if (k_ok)
				return 1;
		}
	}
	return 0;
}

/*
 * What the caller heard was done, and nothing else: an escalation and its
 * alert with the emergency or urgent advice, a walk with its read-back,
 * an audit row with the pause or resume.
 */
static void
fuzz_voice_effects(const struct fuzz_voice_heard *h,
    const struct fuzz_voice_snap *before, const struct fuzz_voice_snap *after)
{
	long	 minutes = -1, dummy;
	int	 escalated, walked, toggled;

	escalated = fuzz_voice_heard(h, "voice_emergency", &dummy) +
	    fuzz_voice_heard(h, "voice_leg_urgent", &dummy);
	walked = fuzz_voice_heard(h, "voice_walk_saved", &minutes);
	toggled = fuzz_voice_heard(h, "voice_paused", &dummy) ||
	    fuzz_voice_heard(h, "voice_resumed", &dummy);
	/*
	 * Escalated: the choice attached to its episode's escalation (a new
	 * one, alerted; or the call's earlier one, alerted again only if the
	 * choice is worse or another red flag).
	 */
	if (after->attached - before->attached != escalated ||
	    after->escalations - before->escalations > escalated ||
	    after->alerts - before->alerts > escalated ||
	    after->alerts - before->alerts < after->escalations -
	    before->escalations)
		fuzz_fail("heard %d escalations; escalations %ld -> %ld, "
		    "attached %ld -> %ld, alerts %ld -> %ld", escalated,
		    before->escalations, after->escalations, before->attached,
		    after->attached, before->alerts, after->alerts);
	if (after->activity - before->activity != walked ||
	    (walked && (after->minutes != minutes || minutes < 1 ||
	    minutes > IVR_MAX_MINUTES)))
		fuzz_fail("heard %d walks of %ld minutes; walks %ld -> %ld, "
		    "the last of %ld minutes", walked, minutes,
		    before->activity, after->activity, after->minutes);
	if (after->audit - before->audit != toggled)
		fuzz_fail("heard %d pauses or resumes; audit rows %ld -> %ld",
		    toggled, before->audit, after->audit);
}

/* What form.h promises of a CallSid voice.c takes. */
static int
fuzz_voice_sid_ok(const struct form *f)
{
	const char	*v;
	size_t		 len, i;

	if ((v = form_get(f, "CallSid", &len)) == NULL || len == 0 ||
	    len > FUZZ_VOICE_SID_MAX || !utf8_valid(v, len))
		return 0;
	/* By code point: C0, DEL and C1 (U+0000-001F, U+007F-009F). */
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)v[i];
		unsigned	cp;

		if ((c & 0xc0) == 0x80)
			continue;	/* a continuation byte */
		cp = c;
		if ((c & 0xe0) == 0xc0)
			cp = ((c & 0x1fu) << 6) | ((unsigned char)v[i + 1] & 0x3fu);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return 0;
	}
	return 1;
}

/* One webhook as the server hands it on: the provider's hooks read it. */
static void
fuzz_voice_handle(struct storage *st, struct metrics *m, enum voice_event ev,
    const struct form *f, const char *query, int64_t now,
    struct sms_response *res)
{
	struct provider_call	 call;
	const char		*why;

	if (provider_twilio_hooks.call(f, query, &call, &why) == -1) {
		memset(res, 0, sizeof *res);
		res->status = 400;
		res->body = xasprintf("%s\n", why);
		return;
	}
	voice_handle(fuzz_voice_set, st, m, &provider_twilio_hooks, ev, &call,
	    now, res);
}

/* One request and its repeat; returns the step the answer leads to. */
static int
fuzz_voice_request(struct storage *st, struct metrics *m,
    enum voice_event ev, const struct form *f, const char *query,
    int64_t now)
{
	struct fuzz_voice_snap	 before, mid, after;
	struct fuzz_voice_heard	 heard;
	struct sms_response	 res, again;
	struct call_row		 row;
	const char		*sid;
	uint64_t		 dups = m->duplicates;
	int			 step = 0, found, i;

	memset(&heard, 0, sizeof heard);
	fuzz_voice_snap(&before);
	fuzz_voice_handle(st, m, ev, f, query, now, &res);
	if (m->db_errors != 0)
		fuzz_fail("the in-memory store failed, or the handler thought "
		    "so: %s", res.body != NULL ? res.body : "(no body)");
	if (res.body == NULL)
		fuzz_fail("status %d without a body", res.status);
	if (res.status != (fuzz_voice_sid_ok(f) ? 200 : 400))
		fuzz_fail("status %d for a %s CallSid: %s", res.status,
		    fuzz_voice_sid_ok(f) ? "good" : "missing or malformed",
		    res.body);
	fuzz_voice_snap(&mid);
	if (res.status == 400) {
		if (!fuzz_voice_same(&before, &mid))
			fuzz_fail("a refused request changed the store");
	} else if (ev == VOICE_STATUS) {
		if (res.body[0] != '\0')
			fuzz_fail("a status callback answered '%s'", res.body);
		if (mid.rows != before.rows)
			fuzz_fail("a status callback added rows");
	} else {
		step = fuzz_voice_twiml(res.body, &heard);
		sid = form_get_text(f, "CallSid", FUZZ_VOICE_SID_MAX);
		memset(&row, 0, sizeof row);
		if ((found = storage_call_get(st, sid, &row)) != 1)
			fuzz_fail("answered, but no call %s stored (%d)", sid,
			    found);
		if (step != 0 && row.step != step)
			fuzz_fail("the answer leads to step %d, the store has "
			    "%d", step, row.step);
		if (row.last_twiml == NULL ||
		    strcmp(row.last_twiml, res.body) != 0)
			fuzz_fail("the stored answer is not the answer");
		call_row_clear(&row);
		if (mid.calls - before.calls > 1 || mid.rows < before.rows)
			fuzz_fail("one request: calls %ld -> %ld, rows %ld -> "
			    "%ld", before.calls, mid.calls, before.rows,
			    mid.rows);
		/* Answered from the store: a repeat, nothing recorded. */
		if (m->duplicates != dups) {
			if (!fuzz_voice_same(&before, &mid))
				fuzz_fail("a repeat changed the store");
		} else
			fuzz_voice_effects(&heard, &before, &mid);
	}

	/* The provider repeats itself: the same answer, nothing recorded. */
	fuzz_voice_handle(st, m, ev, f, query, now + 1, &again);
	fuzz_voice_snap(&after);
	if (again.status != res.status || again.body == NULL ||
	    strcmp(again.body, res.body) != 0)
		fuzz_fail("the same request answered %d then %d:\n%s\n%s",
		    res.status, again.status, res.body,
		    again.body != NULL ? again.body : "(no body)");
	if (ev == VOICE_STATUS ? after.rows != mid.rows :
	    !fuzz_voice_same(&after, &mid))
		fuzz_fail("the repeat changed the store: calls %ld -> %ld, "
		    "escalations %ld -> %ld, walks %ld -> %ld", mid.calls,
		    after.calls, mid.escalations, after.escalations,
		    mid.activity, after.activity);
	for (i = 0; i < heard.n; i++)
		free(heard.say[i]);
	free(res.body);
	free(again.body);
	free(before.dump);
	free(mid.dump);
	free(after.dump);
	return step;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part	 req[FUZZ_VOICE_REQUESTS], line[2];
	struct storage		*st;
	struct metrics		 m;
	struct form		*f;
	enum voice_event	 ev;
	char			*body, *query;
	size_t			 n, i, len;
	int			 ctl, step = 0, next;

	if (fuzz_voice_set == NULL)
		fuzz_voice_init();
	st = fuzz_voice_st;
	fuzz_voice_empty(fuzz_voice_db);
	fuzz_voice_patients(st);
	metrics_init(&m, 0);

	n = fuzz_split(data, size, 0x1e, req, FUZZ_VOICE_REQUESTS);
	for (i = 0; i < n; i++) {
		if (req[i].len == 0)
			continue;
		ctl = (unsigned char)req[i].p[0];
		if (fuzz_split((const uint8_t *)req[i].p + 1, req[i].len - 1,
		    '\n', line, 2) < 2)
			line[1].len = 0;
		ev = (enum voice_event)(ctl & 3);
		/* Fields put first win: form_get takes a key's first value. */
		body = xasprintf("%s%s", (ctl & 0x10) ? "CallSid="
		    FUZZ_VOICE_SID "&" : "", fuzz_voice_from[(ctl >> 2) & 3]);
		len = strlen(body);
		body = xreallocarray(body, len + line[1].len + 1, 1);
		if (line[1].len > 0)
			memcpy(body + len, line[1].p, line[1].len);
		len += line[1].len;
		body[len] = '\0';
		if (ctl & 0x20)
			query = line[0].len > 0 ? fuzz_string(line[0].p,
			    line[0].len) : NULL;
		else
			query = step > 0 ? xasprintf("step=%d", step) : NULL;
		/* The server answers a malformed form itself (server.c). */
		if (form_parse(body, len, 1000, &f) == FORM_OK) {
			next = fuzz_voice_request(st, &m, ev, f, query,
			    FUZZ_VOICE_NOW + 60 * (int64_t)i);
			if (next > 0)
				step = next;
			form_free(f);
		}
		free(query);
		free(body);
	}
	return 0;
}
