/* SPDX-License-Identifier: ISC */
/*
 * Escalations as episodes, the on-call chain and acknowledgement (see
 * escalate.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "conf.h"
#include "escalate.h"
#include "log.h"
#include "outbox.h"
#include "prompts.h"
#include "settings.h"
#include "storage.h"
#include "triage.h"
#include "xmalloc.h"

#define ESCALATE_EXCERPT_MAX	80	/* bytes of the text kept */
#define ESCALATE_DUE_BATCH	32	/* timers handled per transaction */

/* Why an alert was raised: escalation_alerts.reason and its prompt. */
enum escalate_why {
	WHY_NEW,
	WHY_RISE,
	WHY_CONCEPT,
	WHY_TIMEOUT,
	WHY_UNDELIVERED,
};

static const struct {
	const char	*reason;
	const char	*prompt;
} escalate_whys[] = {
	[WHY_NEW] = { "new", "alert" },
	[WHY_RISE] = { "rise", "alert_raised" },
	[WHY_CONCEPT] = { "concept", "alert_raised" },
	[WHY_TIMEOUT] = { "timeout", "alert_next" },
	[WHY_UNDELIVERED] = { "undelivered", "alert_undelivered" },
};

const char *const escalate_prompts[] = {
	"alert_raised", "alert_next", "alert_undelivered", "ack_done",
	"ack_already", "ack_none", "staff_help", NULL,
};

char *
escalate_excerpt(const char *text)
{
	char	*out, *p;
	size_t	 len = strlen(text);

	if (len > ESCALATE_EXCERPT_MAX) {
		len = ESCALATE_EXCERPT_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	out = xstrndup(text, len);
	log_redact_digits(out);
	if (len < strlen(text)) {
		p = xasprintf("%s...", out);
		free(out);
		out = p;
	}
	return out;
}

/* 1 if the comma-separated list holds id (of len bytes). */
static int
escalate_list_has(const char *list, const char *id, size_t len)
{
	const char	*p = list;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, ",");
		if (n == len && strncmp(p, id, len) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * The ids of `from` that keep holds (keep NULL: any) and `not` lacks (not
 * NULL: none), each once, in order.  The lists are a few ids long.
 */
static char *
escalate_filter(const char *from, const char *keep, const char *not)
{
	const char	*p = from;
	char		*out = xstrdup(""), *more;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		n = strcspn(p, ",");
		if (n > 0 && (keep == NULL || escalate_list_has(keep, p, n)) &&
		    (not == NULL || !escalate_list_has(not, p, n)) &&
		    !escalate_list_has(out, p, n)) {
			more = xasprintf("%s%s%.*s", out, *out ? "," : "",
			    (int)n, p);
			free(out);
			out = more;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return out;
}

char *
escalate_flags(const char *red_flags, const char *rules)
{
	return escalate_filter(rules, red_flags != NULL ? red_flags : "", NULL);
}

char *
escalate_flags_new(const char *a, const char *b)
{
	return escalate_filter(b, NULL, a);
}

/* "a,b" joined as "a, b" ("" stays ""). */
static char *
escalate_union(const char *a, const char *b)
{
	char	*extra, *out;

	if (a == NULL || *a == '\0')
		return xstrdup(b != NULL ? b : "");
	extra = escalate_flags_new(a, b);
	out = *extra == '\0' ? xstrdup(a) : xasprintf("%s,%s", a, extra);
	free(extra);
	return out;
}

/* Rule ids as staff read them: "coughing_blood,x" as "coughing blood, x". */
static char *
escalate_readable(const char *ids)
{
	struct evbuffer	*b = xevbuffer_new();
	const char	*p;

	for (p = ids != NULL ? ids : ""; *p != '\0'; p++) {
		if (*p == '_')
			evbuffer_add(b, " ", 1);
		else if (*p == ',')
			evbuffer_add(b, ", ", 2);
		else
			evbuffer_add(b, p, 1);
	}
	return xevbuffer_take(b);
}

static int
escalate_rank(const char *level)
{
	return level != NULL && strcmp(level, "emergency") == 0 ? 2 :
	    level != NULL && strcmp(level, "urgent") == 0 ? 1 : 0;
}

static int
escalate_audit(struct storage *st, const char *actor, const char *action,
    const char *subject, const char *detail, int64_t now)
{
	struct audit	a;

	memset(&a, 0, sizeof a);
	a.at = now;
	a.actor = actor;
	a.action = action;
	a.subject = subject;
	a.detail = detail;
	return storage_audit_append(st, &a);
}

/* What one alert says and about whom. */
struct escalate_alert {
	int64_t		 id;
	const char	*level;
	const char	*phone;
	int64_t		 patient_id;
	const char	*name;
	const char	*concepts;
	const char	*excerpt;
	const char	*answered;
	int		 nalerts;	/* alerts it raised before this one */
	int		 pos;		/* the chain position to alert */
	enum escalate_why why;
};

/*
 * Queues one alert to the on-call number at a->pos and records it against
 * the escalation; *outbound_id is its outbox row.
 */
static int
escalate_send(const struct settings *set, struct storage *st,
    const struct escalate_alert *a, int64_t now, int64_t *outbound_id)
{
	static const char *const keys[] = { "level", "id", "name", "phone",
	    "concepts", "excerpt", "answered", "minutes" };
	const struct conf	*conf = set->conf;
	struct escalation_alert	 ea;
	struct outbox_msg	 ob;
	const char		*vals[8], *tmpl;
	char			 idbuf[24], minbuf[16], *concepts, *body;
	int			 rc;

	snprintf(idbuf, sizeof idbuf, "%" PRId64, a->id);
	snprintf(minbuf, sizeof minbuf, "%d", (conf->ack_timeout + 59) / 60);
	concepts = escalate_readable(a->concepts);
	vals[0] = a->level;
	vals[1] = idbuf;
	vals[2] = a->name;
	vals[3] = a->phone;
	vals[4] = concepts;
	vals[5] = a->excerpt != NULL ? a->excerpt : "";
	vals[6] = a->answered;
	vals[7] = minbuf;
	tmpl = prompts_lookup(set->prompts, NULL,
	    escalate_whys[a->why].prompt);
	if (tmpl == NULL)	/* check-config makes sure it never is */
		tmpl = prompts_get(set->prompts, NULL, PROMPT_ALERT);
	body = prompts_expand(tmpl, keys, vals, 8);
	free(concepts);

	memset(&ob, 0, sizeof ob);
	ob.kind = "alert";
	ob.to = conf->chain[a->pos];
	ob.body = body;
	ob.patient_id = a->patient_id;
	ob.at = now;
	ob.emergency = strcmp(a->level, "emergency") == 0;
	/*
	 * Fair per patient: within a priority, every patient's first alert
	 * goes before anyone's further ones, and an enrolled patient's before
	 * a number the clinic does not know (a flood from many unknown
	 * numbers must not hold back a patient's first alert).
	 */
	ob.fair = 2 * (a->nalerts > 1000 ? 1000 : a->nalerts) +
	    (a->patient_id == 0);
	rc = outbox_enqueue(st, &ob, outbound_id);
	free(body);
	if (rc == -1)
		return -1;
	memset(&ea, 0, sizeof ea);
	ea.escalation_id = a->id;
	ea.outbound_id = *outbound_id;
	ea.to = conf->chain[a->pos];
	ea.chain_pos = a->pos;
	ea.reason = escalate_whys[a->why].reason;
	ea.created_at = now;
	return storage_escalation_alert_insert(st, &ea);
}

/* The chain position of the number holding it, after a reload shortened it. */
static int
escalate_pos(const struct conf *conf, const struct escalation_row *r)
{
	size_t	i;

	if (r->alerted_to != NULL)
		for (i = 0; i < conf->nchain; i++)
			if (strcmp(conf->chain[i], r->alerted_to) == 0)
				return (int)i;
	return r->chain_pos >= 0 && (size_t)r->chain_pos < conf->nchain ?
	    r->chain_pos : 0;
}

static int
escalate_new(const struct settings *set, struct storage *st,
    const struct escalate *e, const char *flags, const char *excerpt,
    struct escalate_result *res)
{
	const struct conf	*conf = set->conf;
	struct escalation	 row;
	struct escalation_update u;
	struct escalation_message m;
	struct escalate_alert	 a;
	char			 who[LOG_PHONE_SIZE], to[LOG_PHONE_SIZE];
	char			*detail;
	int64_t			 id, obid;
	int			 rc;

	memset(&row, 0, sizeof row);
	row.phone = e->phone;
	row.patient_id = e->patient_id;
	row.inbound_id = e->inbound_id;
	row.call_sid = e->call_sid;
	row.level = e->level;
	row.excerpt = excerpt;
	row.rules = e->rules;
	row.created_at = e->now;
	row.concepts = *flags != '\0' ? flags : NULL;
	row.flagged_at = e->now;
	row.chain_pos = 0;
	row.alerted_to = conf->chain[0];
	row.next_alert_at = e->now + conf->ack_timeout;
	if (storage_escalation_insert(st, &row, &id) == -1)
		return -1;
	memset(&a, 0, sizeof a);
	a.id = id;
	a.level = e->level;
	a.phone = e->phone;
	a.patient_id = e->patient_id;
	a.name = e->name;
	a.concepts = flags;
	a.excerpt = excerpt;
	a.answered = e->answered;
	a.why = WHY_NEW;
	if (escalate_send(set, st, &a, e->now, &obid) == -1)
		return -1;
	memset(&u, 0, sizeof u);
	u.id = id;
	u.chain_pos = -1;
	u.failovers = -1;
	u.outbound_id = obid;
	u.now = e->now;
	memset(&m, 0, sizeof m);
	m.escalation_id = id;
	m.inbound_id = e->inbound_id;
	m.call_sid = e->call_sid;
	m.level = e->level;
	m.concepts = row.concepts;
	m.excerpt = excerpt;
	m.alerted = 1;
	m.at = e->now;
	if (storage_escalation_update(st, &u) == -1 ||
	    storage_escalation_message_insert(st, &m) == -1)
		return -1;
	log_phone(e->phone, who);
	log_phone(conf->chain[0], to);
	detail = xasprintf("escalation %" PRId64 " (%s%s%s): alert %" PRId64
	    " to on-call 1 of %zu (%s)", id, e->level, *flags ? ": " : "",
	    flags, obid, conf->nchain, to);
	rc = escalate_audit(st, "system", "escalation.new", e->phone, detail,
	    e->now);
	free(detail);
	log_notice("escalation %" PRId64 " (%s) for %s: new episode; alert %"
	    PRId64 " queued to on-call 1 of %zu (%s)", id, e->level, who, obid,
	    conf->nchain, to);
	res->id = id;
	res->created = 1;
	res->alerted = 1;
	return rc;
}

int
escalate_record(const struct settings *set, struct storage *st,
    const struct escalate *e, struct escalate_result *resp)
{
	const struct conf	*conf = set->conf;
	struct escalate_result	 res;
	struct escalation_key	 k;
	struct escalation_row	 r;
	struct escalation_update u;
	struct escalation_message m;
	struct escalate_alert	 a;
	char			*flags, *excerpt, *fresh = NULL, *all = NULL;
	char			*detail = NULL, who[LOG_PHONE_SIZE];
	char			 to[LOG_PHONE_SIZE];
	int64_t			 obid = 0;
	int			 found, rise, rc = -1;

	memset(&res, 0, sizeof res);
	memset(&r, 0, sizeof r);
	if (e->flag != NULL)
		flags = escalate_filter(e->flag, NULL, NULL);
	else
		flags = escalate_flags(set->red_flags, e->rules);
	excerpt = escalate_excerpt(e->text);
	memset(&k, 0, sizeof k);
	k.which = ESCALATION_EPISODE;
	k.phone = e->phone;
	k.since = e->now - TRIAGE_WINDOW;
	if ((found = storage_escalation_find(st, &k, &r)) == -1)
		goto out;
	if (found == 0) {
		rc = escalate_new(set, st, e, flags, excerpt, &res);
		goto out;
	}

	/* The episode's escalation: attach, and alert only if it is worse. */
	rise = escalate_rank(e->level) > escalate_rank(r.level);
	fresh = escalate_flags_new(r.concepts, flags);
	all = escalate_union(r.concepts, flags);
	memset(&u, 0, sizeof u);
	u.id = r.id;
	u.level = rise ? e->level : NULL;
	u.concepts = *all != '\0' ? all : NULL;
	u.flagged_at = e->own ? e->now : 0;
	u.chain_pos = -1;
	u.failovers = -1;
	u.now = e->now;
	if (rise || *fresh != '\0') {
		memset(&a, 0, sizeof a);
		a.id = r.id;
		a.level = rise ? e->level : r.level;
		a.phone = e->phone;
		a.patient_id = e->patient_id;
		a.name = e->name != NULL ? e->name : r.patient_name;
		a.concepts = all;
		a.excerpt = excerpt;
		a.answered = e->answered;
		a.nalerts = r.nalerts;
		a.pos = escalate_pos(conf, &r);
		a.why = rise ? WHY_RISE : WHY_CONCEPT;
		if (escalate_send(set, st, &a, e->now, &obid) == -1)
			goto out;
		u.chain_pos = a.pos;
		u.alerted_to = conf->chain[a.pos];
		u.next_alert_at = e->now + conf->ack_timeout;
		u.failovers = 0;
		u.reopen = r.acknowledged_at != 0;
		res.alerted = 1;
		res.reopened = u.reopen;
	}
	if (storage_escalation_update(st, &u) == -1)
		goto out;
	memset(&m, 0, sizeof m);
	m.escalation_id = r.id;
	m.inbound_id = e->inbound_id;
	m.call_sid = e->call_sid;
	m.level = e->level;
	m.concepts = *flags != '\0' ? flags : NULL;
	m.excerpt = excerpt;
	m.alerted = res.alerted;
	m.at = e->now;
	if (storage_escalation_message_insert(st, &m) == -1)
		goto out;
	res.id = r.id;
	log_phone(e->phone, who);
	if (res.alerted) {
		log_phone(conf->chain[u.chain_pos], to);
		detail = xasprintf("escalation %" PRId64 " %s%s%s%s%s: alert %"
		    PRId64 " to on-call %d (%s)%s", r.id, r.level,
		    rise ? " -> " : "", rise ? e->level : "",
		    *fresh ? ", new red flag " : "", fresh, obid,
		    u.chain_pos + 1, to, u.reopen ? "; reopened (it had "
		    "been acknowledged)" : "");
		if (escalate_audit(st, "system", u.reopen ?
		    "escalation.reopen" : "escalation.raise", e->phone, detail,
		    e->now) == -1)
			goto out;
		log_notice("%s for %s; queued", detail, who);
	} else
		log_info("escalation %" PRId64 " (%s) for %s: message attached; "
		    "no new alert (neither a higher level nor a new red flag)",
		    r.id, r.level, who);
	rc = 0;
out:
	if (rc == 0 && resp != NULL)
		*resp = res;
	escalation_row_clear(&r);
	free(flags);
	free(excerpt);
	free(fresh);
	free(all);
	free(detail);
	return rc;
}

/*
 * Passes escalation r on to the next number of the chain, for why.
 * failovers is the new count of undelivered alerts passed on.
 */
static int
escalate_pass_on(const struct settings *set, struct storage *st,
    const struct escalation_row *r, enum escalate_why why, const char *cause,
    int failovers, int64_t now)
{
	const struct conf	*conf = set->conf;
	struct escalation_update u;
	struct escalate_alert	 a;
	char			 who[LOG_PHONE_SIZE], from[LOG_PHONE_SIZE];
	char			 to[LOG_PHONE_SIZE], *detail;
	int64_t			 obid;
	int			 pos, rc;

	pos = escalate_pos(conf, r);
	log_phone(conf->chain[pos], from);
	pos = (pos + 1) % (int)conf->nchain;
	memset(&a, 0, sizeof a);
	a.id = r->id;
	a.level = r->level;
	a.phone = r->phone;
	a.patient_id = r->patient_id;
	a.name = r->patient_name;
	a.concepts = r->concepts;
	a.excerpt = r->excerpt;
	a.nalerts = r->nalerts;
	a.pos = pos;
	a.why = why;
	if (escalate_send(set, st, &a, now, &obid) == -1)
		return -1;
	memset(&u, 0, sizeof u);
	u.id = r->id;
	u.chain_pos = pos;
	u.alerted_to = conf->chain[pos];
	u.next_alert_at = now + conf->ack_timeout;
	u.failovers = failovers;
	u.now = now;
	if (storage_escalation_update(st, &u) == -1)
		return -1;
	log_phone(r->phone, who);
	log_phone(conf->chain[pos], to);
	detail = xasprintf("escalation %" PRId64 " (%s): %s at %s; alert %"
	    PRId64 " to on-call %d of %zu (%s)", r->id, r->level, cause, from,
	    obid, pos + 1, conf->nchain, to);
	rc = escalate_audit(st, "system", why == WHY_TIMEOUT ?
	    "escalation.next" : "escalation.undelivered", r->phone, detail,
	    now);
	log_warn("%s, for %s", detail, who);
	free(detail);
	return rc;
}

int
escalate_due(const struct settings *set, struct storage *st, int64_t now,
    int64_t *next_at)
{
	const struct conf	*conf = set->conf;
	struct escalation_key	 k;
	struct escalation_row	 r;
	struct escalation_update u;
	int64_t			 ids[ESCALATE_DUE_BATCH];
	char			 who[LOG_PHONE_SIZE], cause[64], *detail;
	size_t			 n, i;
	int			 sent = 0;

	if (storage_escalation_due(st, now, ids, ESCALATE_DUE_BATCH, &n,
	    next_at) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof k);
		k.which = ESCALATION_BY_ID;
		k.id = ids[i];
		switch (storage_escalation_find(st, &k, &r)) {
		case 1:
			break;
		case 0:
			continue;
		default:
			return -1;
		}
		if (r.acknowledged_at != 0) {
			escalation_row_clear(&r);
			continue;
		}
		if (now - r.flagged_at >= conf->alert_max_age) {
			/* Days on: whoever it reaches, the episode is over. */
			memset(&u, 0, sizeof u);
			u.id = r.id;
			u.chain_pos = -1;
			u.failovers = -1;
			u.next_alert_at = -1;
			u.now = now;
			log_phone(r.phone, who);
			detail = xasprintf("escalation %" PRId64 " (%s): never "
			    "acknowledged; alerts stopped %d s after its last "
			    "red flag ([outbox] alert_max_age)", r.id, r.level,
			    conf->alert_max_age);
			if (storage_escalation_update(st, &u) == -1 ||
			    escalate_audit(st, "system",
			    "escalation.unacknowledged", r.phone, detail,
			    now) == -1) {
				free(detail);
				escalation_row_clear(&r);
				return -1;
			}
			log_error("%s, for %s", detail, who);
			free(detail);
			escalation_row_clear(&r);
			continue;
		}
		snprintf(cause, sizeof cause, "not acknowledged within %d s",
		    conf->ack_timeout);
		if (escalate_pass_on(set, st, &r, WHY_TIMEOUT, cause, 0,
		    now) == -1) {
			escalation_row_clear(&r);
			return -1;
		}
		sent++;
		escalation_row_clear(&r);
	}
	if (n == ESCALATE_DUE_BATCH)
		*next_at = now;		/* more are due: come back at once */
	return sent;
}

int
escalate_undelivered(const struct settings *set, struct storage *st,
    int64_t outbound_id, const char *why, int64_t now)
{
	const struct conf	*conf = set->conf;
	struct escalation_key	 k;
	struct escalation_row	 r;
	char			 who[LOG_PHONE_SIZE], cause[200];
	int			 rc = 0;

	memset(&k, 0, sizeof k);
	k.which = ESCALATION_BY_ALERT;
	k.id = outbound_id;
	switch (storage_escalation_find(st, &k, &r)) {
	case 1:
		break;
	case 0:
		return 0;	/* not an escalation's alert */
	default:
		return -1;
	}
	log_phone(r.phone, who);
	if (r.acknowledged_at != 0 || r.last_alert_id != outbound_id)
		goto out;	/* someone has it, or it has moved on */
	if (conf->nchain < 2 || r.failovers + 1 >= (int)conf->nchain) {
		log_error("escalation %" PRId64 " (%s) for %s: alert %" PRId64
		    " not delivered (%s) and no other on-call number is left "
		    "to try; the acknowledgement timer tries again in %d s",
		    r.id, r.level, who, outbound_id, why, conf->ack_timeout);
		goto out;
	}
	snprintf(cause, sizeof cause, "alert %" PRId64 " not delivered (%s)",
	    outbound_id, why);
	log_redact_digits(cause);
	rc = escalate_pass_on(set, st, &r, WHY_UNDELIVERED, cause,
	    r.failovers + 1, now);
out:
	escalation_row_clear(&r);
	return rc;
}

enum escalate_ack
escalate_ack(struct storage *st, int64_t id, const char *alerted_to,
    const char *by, const char *note, int64_t now, struct escalation_row *out)
{
	struct escalation_key	 k;
	char			 who[LOG_PHONE_SIZE], *detail;
	int			 rc;

	memset(out, 0, sizeof *out);
	memset(&k, 0, sizeof k);
	if (id != 0) {
		k.which = ESCALATION_BY_ID;
		k.id = id;
	} else {
		k.which = ESCALATION_ALERTED_TO;
		k.phone = alerted_to;
	}
	switch (storage_escalation_find(st, &k, out)) {
	case 1:
		break;
	case 0:
		return ESCALATE_ACK_NONE;
	default:
		return ESCALATE_ACK_FAILED;
	}
	if (out->acknowledged_at != 0)
		return ESCALATE_ACK_ALREADY;
	if (note != NULL && *note == '\0')
		note = NULL;
	detail = xasprintf("escalation %" PRId64 " (%s)%s%s", out->id,
	    out->level, note != NULL ? ": " : "", note != NULL ? note : "");
	rc = storage_escalation_ack(st, out->id, by, note, now);
	if (rc == 1 && escalate_audit(st, by, "escalation.ack", out->phone,
	    detail, now) == -1)
		rc = -1;
	free(detail);
	if (rc != 1) {
		escalation_row_clear(out);
		return ESCALATE_ACK_FAILED;
	}
	log_phone(out->phone, who);
	id = out->id;
	escalation_row_clear(out);
	memset(&k, 0, sizeof k);
	k.which = ESCALATION_BY_ID;
	k.id = id;
	if (storage_escalation_find(st, &k, out) != 1)
		return ESCALATE_ACK_FAILED;
	/* by may hold an on-call number: only staff:NAME is logged whole. */
	if (strncmp(by, "sms:", 4) == 0) {
		char	byw[LOG_PHONE_SIZE];

		log_notice("escalation %" PRId64 " (%s) for %s: acknowledged "
		    "by SMS from %s; its timer is stopped", id, out->level, who,
		    log_phone(by + 4, byw));
	} else
		log_notice("escalation %" PRId64 " (%s) for %s: acknowledged "
		    "by %s; its timer is stopped", id, out->level, who, by);
	return ESCALATE_ACK_DONE;
}
