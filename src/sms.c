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
#include "escalate.h"
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
#define SMS_SID_MAX	64

/* The decision for one message, before anything is stored. */
struct sms_plan {
	const char	*kind;		/* "keyword" or "triage" */
	const char	*level;		/* keyword or triage level name */
	char		*reply;		/* owned; NULL: none */
	const char	*lang;		/* reply language; NULL: default */
	int		 set_opt_out;	/* -1 leave, 0 opt in, 1 opt out */
	int		 escalate;
	struct triage_state  state;	/* the conversation after this message */
	struct triage_result triage;
};

/* The reply: the deciding rule's prompt (or the level's), then the question. */
static char *
sms_triage_reply(const struct settings *set, const char *lang,
    const struct triage_result *tr)
{
	const char	*text = NULL, *ask;
	char		*name;

	if (tr->reply != NULL)
		text = prompts_lookup(set->prompts, lang, tr->reply);
	if (text == NULL)	/* each level's prompt is named after it */
		text = prompts_lookup(set->prompts, lang,
		    triage_level_name(tr->level));
	if (tr->question == NULL)
		return xstrdup(text);
	name = xasprintf("ask_%s", tr->question);
	ask = prompts_lookup(set->prompts, lang, name);
	free(name);
	return ask != NULL ? xasprintf("%s %s", text, ask) : xstrdup(text);
}

/*
 * Reply language: the enrolled patient's, else what the message looks like
 * when the clinic has prompts for it, else the clinic's default.
 */
static const char *
sms_language(const struct settings *set, const struct patient *p, int enrolled,
    const char *detected)
{
	if (enrolled && prompts_has_language(set->prompts, p->language))
		return p->language;
	if (detected != NULL && prompts_has_language(set->prompts, detected))
		return detected;
	return NULL;
}

static void
sms_plan(const struct settings *set, const struct patient *p, int known,
    const char *body, int64_t now, struct sms_plan *plan)
{
	int		 enrolled = known && p->enrolled;
	int		 opted_out = known && p->opted_out;
	enum keyword	 kw = keyword_classify(body);
	const char	*lang = enrolled ? p->language : NULL;

	plan->set_opt_out = -1;
	plan->kind = "keyword";
	plan->level = keyword_name(kw);
	if (kw == KEYWORD_STOP) {
		plan->set_opt_out = 1;
		plan->reply = xstrdup(prompts_get(set->prompts, lang, PROMPT_STOP));
		return;
	}
	/* YES answers a pending triage question before it means opt in. */
	if (kw == KEYWORD_START || (kw == KEYWORD_YES && opted_out &&
	    !triage_question_pending(&plan->state, now))) {
		plan->set_opt_out = 0;
		plan->reply = xstrdup(prompts_get(set->prompts, lang, PROMPT_START));
		return;
	}
	if (kw == KEYWORD_HELP) {
		plan->reply = xstrdup(prompts_get(set->prompts, lang, PROMPT_HELP));
		return;
	}

	plan->kind = "triage";
	triage_step(set->rules, &plan->state, body, now, &plan->triage);
	if (plan->triage.match_errors > 0)
		log_error("triage: %d pattern search(es) could not finish and "
		    "counted as matches; check the rules (rules fired: %s)",
		    plan->triage.match_errors, plan->triage.rules);
	plan->level = triage_level_name(plan->triage.level);
	plan->lang = sms_language(set, p, enrolled, plan->triage.language);
	if (plan->triage.level >= TRIAGE_URGENT) {
		/* Red-flag advice goes to everyone, opted out or not. */
		plan->escalate = 1;
		plan->reply = sms_triage_reply(set, plan->lang, &plan->triage);
	} else if (opted_out)
		plan->reply = NULL;
	else if (!enrolled)
		plan->reply = xstrdup(prompts_get(set->prompts, plan->lang,
		    PROMPT_UNKNOWN));
	else
		plan->reply = sms_triage_reply(set, plan->lang, &plan->triage);
}

/*
 * The start of the message for staff: at most SMS_EXCERPT_MAX bytes, cut on
 * a character boundary, with runs of digits that could identify someone
 * (phone, NHS or card numbers, dates) replaced by '#'.
 */
/* Saves the conversation state and any activity report. */
static int
sms_remember(const struct settings *set, struct storage *st,
    const struct sms_plan *plan, const char *from, int64_t patient_id,
    int64_t inbound_id, int64_t now)
{
	struct conversation	 cv;
	struct activity		 act;
	char			*state;
	int			 rc;

	if (plan->triage.activity.present) {
		memset(&act, 0, sizeof act);
		act.phone = from;
		act.patient_id = patient_id;
		act.inbound_id = inbound_id;
		act.minutes = plan->triage.activity.minutes;
		act.meters = plan->triage.activity.meters;
		act.steps = plan->triage.activity.steps;
		act.reported_at = now;
		if (storage_activity_insert(st, &act) == -1)
			return -1;
	}
	state = triage_state_format(set->rules, &plan->state);
	cv.phone = from;
	cv.patient_id = patient_id;
	cv.level = triage_level_name(plan->state.level);
	cv.state = state;
	cv.updated_at = now;
	rc = storage_conversation_put(st, &cv);
	free(state);
	return rc;
}

static void
sms_fail(struct sms_response *res, int status, const char *why)
{
	res->status = status;
	res->body = xasprintf("%s\n", why);
}

void
sms_handle(const struct settings *set, struct storage *st, struct metrics *m,
    const struct form *f, int64_t now, struct sms_response *res)
{
	struct patient	 p;
	struct sms_plan	 plan;
	struct inbound	 in;
	struct audit	 au;
	struct escalate	 esc;
	const char	*sid, *from, *rawbody;
	char		*body = NULL, *stored = NULL, *state = NULL;
	char		 redacted[LOG_PHONE_SIZE];
	size_t		 bodylen;
	int64_t		 inbound_id = 0;
	int		 known, in_tx = 0;

	memset(&p, 0, sizeof p);
	memset(&plan, 0, sizeof plan);
	memset(res, 0, sizeof *res);
	if ((sid = form_get_text(f, "MessageSid", SMS_SID_MAX)) == NULL ||
	    *sid == '\0') {
		sms_fail(res, 400, "missing or malformed MessageSid");
		return;
	}
	if ((from = form_get_text(f, "From", 64)) == NULL || *from == '\0') {
		sms_fail(res, 400, "missing or malformed From");
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
		res->status = 200;
		res->body = twiml_message(stored);
		res->who = xasprintf("%s from %s", sid, redacted);
		res->note = xstrdup("a repeat; answered from the store");
		res->tally = SMS_TALLY_DUPLICATE;
		goto out;
	case 0:
		break;
	default:
		goto unavailable;
	}
	if ((known = storage_patient_find(st, from, &p)) == -1)
		goto unavailable;
	triage_state_init(&plan.state);
	switch (storage_conversation_get(st, from, &state)) {
	case 1:
		if (triage_state_parse(set->rules, state, &plan.state) == -1)
			log_warn("sms: stored triage state of %s is unreadable; "
			    "starting the conversation afresh", redacted);
		break;
	case 0:
		break;
	default:
		goto unavailable;
	}

	sms_plan(set, &p, known, body, now, &plan);

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
	in.to = form_get_text(f, "To", 64);
	in.body = body;
	in.received_at = now;
	in.patient_id = known ? p.id : 0;
	in.kind = plan.kind;
	in.level = plan.level;
	in.rules = plan.triage.rules[0] != '\0' ? plan.triage.rules : NULL;
	in.reply = plan.reply;
	if (storage_inbound_insert(st, &in, &inbound_id) == -1)
		goto unavailable;

	if (strcmp(plan.kind, "triage") == 0 && sms_remember(set, st, &plan,
	    from, in.patient_id, inbound_id, now) == -1)
		goto unavailable;
	if (plan.escalate) {
		memset(&esc, 0, sizeof esc);
		esc.level = plan.level;
		esc.phone = from;
		esc.patient_id = in.patient_id;
		esc.inbound_id = inbound_id;
		esc.text = body;
		esc.rules = in.rules;
		esc.now = now;
		if (escalate_record(set, st, &esc) == -1)
			goto unavailable;
	}
	if (storage_commit(st) == -1) {
		in_tx = 0;
		goto unavailable;
	}
	in_tx = 0;

	if (plan.reply == NULL)
		res->tally = SMS_TALLY_SILENT;
	else if (strcmp(plan.kind, "triage") == 0) {
		res->tally = SMS_TALLY_REPLY;
		res->level = plan.triage.level;
	} else
		res->tally = SMS_TALLY_KEYWORD;
	res->who = xasprintf("%s from %s", sid, redacted);
	if ((res->notice = plan.escalate))
		res->note = xasprintf("%s (rules %s); on-call alert queued",
		    plan.level, plan.triage.rules);
	else
		res->note = xasprintf("%s %s%s", plan.kind, plan.level,
		    known ? "" : " (not enrolled)");
	log_debug("sms: %s body: %s", sid, body);
	res->status = 200;
	res->body = twiml_message(plan.reply);
	res->queued = plan.escalate;	/* the on-call alert */
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
	free(plan.reply);
	free(stored);
	free(state);
	free(body);
}

void
sms_done(struct metrics *m, struct sms_response *res, int durable)
{
	if (res->who == NULL)
		return;
	if (!durable) {
		m->db_errors++;
		log_error("sms: %s could not be stored; answered 503 so the "
		    "provider retries", res->who);
	} else {
		if (res->notice)
			log_notice("sms: %s: %s", res->who, res->note);
		else
			log_info("sms: %s: %s", res->who, res->note);
		switch (res->tally) {
		case SMS_TALLY_DUPLICATE:
			m->duplicates++;
			break;
		case SMS_TALLY_SILENT:
			m->inbound++;
			m->silent++;
			break;
		case SMS_TALLY_KEYWORD:
			m->inbound++;
			m->keyword_replies++;
			break;
		case SMS_TALLY_REPLY:
			m->inbound++;
			m->replies[res->level]++;
			break;
		case SMS_TALLY_NONE:
			break;
		}
	}
	free(res->who);
	free(res->note);
	res->who = res->note = NULL;
}
