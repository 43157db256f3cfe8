/*
 * Inbound SMS processing (see sms.h).
 *
 * What a message gets back, in order:
 *   STOP and friends: the opt-out is stored, then confirmed;
 *   START, UNSTOP, or YES from an opted-out number: opted back in, confirmed;
 *   HELP, INFO: the clinic's name, phone and how to stop;
 *   otherwise the triage level decides.  Urgent and emergency advice goes to
 *   everyone, opted out or unknown included, and is escalated to staff;
 *   below that an opted-out number gets nothing, an unknown number is told
 *   how to reach the clinic, a patient gets the level's reply.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "form.h"
#include "keyword.h"
#include "log.h"
#include "metrics.h"
#include "prompts.h"
#include "settings.h"
#include "sms.h"
#include "storage.h"
#include "triage.h"
#include "twiml.h"
#include "utf8.h"
#include "xmalloc.h"

#define SMS_PROVIDER	"twilio"
#define SMS_EXCERPT_MAX	80	/* bytes of the message kept on an escalation */
#define SMS_SID_MAX	64

/* The decision for one message, before anything is stored. */
struct sms_plan {
	const char	*kind;		/* "keyword" or "triage" */
	const char	*level;		/* keyword or triage level name */
	const char	*reply;		/* borrowed from the prompts; NULL: none */
	int		 set_opt_out;	/* -1 leave, 0 opt in, 1 opt out */
	int		 escalate;
	struct triage_result triage;
};

static void
sms_plan(const struct settings *set, const struct patient *p, int known,
    const char *body, struct sms_plan *plan)
{
	const char	*lang = known && p->enrolled ? p->language : NULL;
	int		 enrolled = known && p->enrolled;
	int		 opted_out = known && p->opted_out;
	enum keyword	 kw = keyword_classify(body);
	static const enum prompt_id level_prompt[] = {
		[TRIAGE_ROUTINE] = PROMPT_ROUTINE,
		[TRIAGE_ADVICE] = PROMPT_ADVICE,
		[TRIAGE_URGENT] = PROMPT_URGENT,
		[TRIAGE_EMERGENCY] = PROMPT_EMERGENCY,
	};

	memset(plan, 0, sizeof *plan);
	plan->set_opt_out = -1;
	plan->kind = "keyword";
	plan->level = keyword_name(kw);
	if (kw == KEYWORD_STOP) {
		plan->set_opt_out = 1;
		plan->reply = prompts_get(set->prompts, lang, PROMPT_STOP);
		return;
	}
	if (kw == KEYWORD_START || (kw == KEYWORD_YES && opted_out)) {
		plan->set_opt_out = 0;
		plan->reply = prompts_get(set->prompts, lang, PROMPT_START);
		return;
	}
	if (kw == KEYWORD_HELP) {
		plan->reply = prompts_get(set->prompts, lang, PROMPT_HELP);
		return;
	}

	plan->kind = "triage";
	{ struct triage_state tst; triage_state_init(&tst); triage_step(set->rules, &tst, body, 0, &plan->triage); }
	if (plan->triage.match_errors > 0)
		log_error("triage: %d concept pattern(s) failed to run and were "
		    "counted as present; check the rules (rules fired: %s)",
		    plan->triage.match_errors, plan->triage.rules);
	plan->level = triage_level_name(plan->triage.level);
	if (plan->triage.level >= TRIAGE_URGENT) {
		plan->escalate = 1;
		plan->reply = prompts_get(set->prompts, lang,
		    level_prompt[plan->triage.level]);
	} else if (opted_out)
		plan->reply = NULL;
	else if (!enrolled)
		plan->reply = prompts_get(set->prompts, NULL, PROMPT_UNKNOWN);
	else
		plan->reply = prompts_get(set->prompts, lang,
		    level_prompt[plan->triage.level]);
}

/* The first bytes of body, cut on a character boundary. */
static char *
sms_excerpt(const char *body)
{
	size_t	len = strlen(body);

	if (len <= SMS_EXCERPT_MAX)
		return xstrdup(body);
	len = SMS_EXCERPT_MAX;
	while (len > 0 && ((unsigned char)body[len] & 0xc0) == 0x80)
		len--;
	return xasprintf("%.*s...", (int)len, body);
}

static void
sms_fail(struct sms_response *res, int status, const char *why)
{
	res->status = status;
	res->body = xasprintf("%s\n", why);
}

/* The required fields must be present, NUL-free, and the sid short. */
static const char *
sms_field(const struct form *f, const char *key, size_t max)
{
	const char	*v;
	size_t		 len;

	if ((v = form_get(f, key, &len)) == NULL || strlen(v) != len ||
	    len > max)
		return NULL;
	return v;
}

void
sms_handle(const struct settings *set, struct storage *st, struct metrics *m,
    const struct form *f, int64_t now, struct sms_response *res)
{
	struct patient	 p;
	struct sms_plan	 plan;
	struct inbound	 in;
	struct escalation esc;
	struct audit	 au;
	const char	*sid, *from, *rawbody;
	char		*body = NULL, *stored = NULL, *excerpt = NULL;
	char		 redacted[LOG_PHONE_SIZE];
	size_t		 bodylen;
	int64_t		 inbound_id = 0;
	int		 known, in_tx = 0;

	memset(&p, 0, sizeof p);
	res->body = NULL;
	if ((sid = sms_field(f, "MessageSid", SMS_SID_MAX)) == NULL ||
	    *sid == '\0') {
		sms_fail(res, 400, "missing or malformed MessageSid");
		return;
	}
	if ((from = sms_field(f, "From", 64)) == NULL || *from == '\0') {
		sms_fail(res, 400, "missing From");
		return;
	}
	if ((rawbody = form_get(f, "Body", &bodylen)) == NULL) {
		sms_fail(res, 400, "missing Body");
		return;
	}
	body = utf8_sanitize(rawbody, bodylen);
	log_phone(from, redacted);

	if (storage_begin(st) == -1)
		goto unavailable;
	in_tx = 1;
	switch (storage_inbound_find(st, SMS_PROVIDER, sid, &stored)) {
	case 1:
		storage_rollback(st);
		m->duplicates++;
		log_info("sms: %s from %s is a repeat; answered from the store",
		    sid, redacted);
		res->status = 200;
		res->body = twiml_message(stored);
		goto out;
	case 0:
		break;
	default:
		goto unavailable;
	}
	if ((known = storage_patient_find(st, from, &p)) == -1)
		goto unavailable;

	sms_plan(set, &p, known, body, &plan);

	if (plan.set_opt_out != -1) {
		if (storage_patient_set_opt_out(st, from, plan.set_opt_out,
		    now) == -1)
			goto unavailable;
		au.at = now;
		au.actor = "patient";
		au.action = plan.set_opt_out ? "opt_out" : "opt_in";
		au.subject = from;
		au.detail = sid;
		if (storage_audit_append(st, &au) == -1)
			goto unavailable;
	}

	memset(&in, 0, sizeof in);
	in.provider = SMS_PROVIDER;
	in.provider_sid = sid;
	in.from = from;
	in.to = sms_field(f, "To", 64);
	in.body = body;
	in.received_at = now;
	in.patient_id = known ? p.id : 0;
	in.kind = plan.kind;
	in.level = plan.level;
	in.rules = plan.triage.rules[0] != '\0' ? plan.triage.rules : NULL;
	in.reply = plan.reply;
	if (storage_inbound_insert(st, &in, &inbound_id) == -1)
		goto unavailable;

	if (plan.escalate) {
		excerpt = sms_excerpt(body);
		memset(&esc, 0, sizeof esc);
		esc.phone = from;
		esc.patient_id = in.patient_id;
		esc.inbound_id = inbound_id;
		esc.level = plan.level;
		esc.excerpt = excerpt;
		esc.created_at = now;
		if (storage_escalation_insert(st, &esc, NULL) == -1)
			goto unavailable;
	}
	if (storage_commit(st) == -1) {
		in_tx = 0;
		goto unavailable;
	}
	in_tx = 0;

	m->inbound++;
	if (plan.reply == NULL)
		m->silent++;
	else if (strcmp(plan.kind, "triage") == 0)
		m->replies[plan.triage.level]++;
	else
		m->keyword_replies++;
	if (plan.escalate)
		log_notice("sms: %s from %s: %s (rules %s); escalated to on-call",
		    sid, redacted, plan.level, plan.triage.rules);
	else
		log_info("sms: %s from %s: %s %s%s", sid, redacted, plan.kind,
		    plan.level, known ? "" : " (not enrolled)");
	log_debug("sms: %s body: %s", sid, body);
	res->status = 200;
	res->body = twiml_message(plan.reply);
	goto out;

unavailable:
	/* Nothing was kept, so the provider must retry: never 200 here. */
	if (in_tx)
		storage_rollback(st);
	m->db_errors++;
	log_error("sms: %s from %s could not be stored; answered 503 so the "
	    "provider retries", sid, redacted);
	sms_fail(res, 503, "temporarily unable to store the message");
out:
	patient_clear(&p);
	free(stored);
	free(excerpt);
	free(body);
}
