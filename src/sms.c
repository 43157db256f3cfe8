/* SPDX-License-Identifier: ISC */
/*
 * Inbound SMS processing (see sms.h).
 *
 * Every message is triaged first, on its conversation's state; then, in
 * order:
 *   a red flag in the message itself (urgent or emergency) is answered and
 *   escalated as one, to everyone: enrolled, unknown and opted-out numbers
 *   alike, even when the same message asks to stop (the opt-out is stored
 *   too);
 *   a request of the service opts out (STOP), back in (START, or YES from
 *   an opted-out number) or answers HELP: the carrier's English words
 *   (keyword.c) and the engine's topics stop, start and help (the
 *   patients' languages and plain requests: docs/rules.md);
 *   otherwise the triage level decides.  Urgent and emergency advice (an
 *   episode's level included) goes to everyone and is escalated; below
 *   that an opted-out number gets nothing, an unknown number is told how to
 *   reach the clinic, a patient gets the level's reply.
 * A YES while a follow-up question is pending or inside an emergency
 * episode is an answer, never an opt-in.  A message the engine marks for
 * review goes to the staff inbox whoever sent it, in the same transaction;
 * its reply (when one is sent) says that a person will read it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "escalate.h"
#include "keyword.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "prompts.h"
#include "provider.h"
#include "settings.h"
#include "sms.h"
#include "storage.h"
#include "triage.h"
#include "utf8.h"
#include "xmalloc.h"

#define SMS_REVIEW	"review"	/* the engine's prompt and inbox reason */
#define SMS_PARTS_MAX	32	/* a longer message's parts stand alone */

typedef char	*(*sms_render_fn)(const char *);

/* The decision for one message, before anything is stored. */
struct sms_plan {
	const char	*kind;		/* "keyword" or "triage" */
	const char	*level;		/* keyword or triage level name */
	char		*reply;		/* owned; NULL: none */
	const char	*lang;		/* reply language; NULL: default */
	/* The sender's calling code's emergency number and urgent line. */
	const struct prompts *prompts;
	int		 set_opt_out;	/* -1 leave, 0 opt in, 1 opt out */
	int		 escalate;
	const char	*inbox;		/* staff inbox reason; NULL: none */
	int		 stranger;	/* inbox only as a number not enrolled */
	struct triage_state  state;	/* the conversation after this message */
	struct triage_result triage;
};

/* The reply: the deciding rule's prompt (or the level's), then the question. */
static char *
sms_triage_reply(const struct prompts *pr, const char *lang,
    const struct triage_result *tr)
{
	const char	*text = NULL, *ask;
	char		*name;

	if (tr->reply != NULL)
		text = prompts_lookup(pr, lang, tr->reply);
	if (text == NULL)	/* each level's prompt is named after it */
		text = prompts_lookup(pr, lang,
		    triage_level_name(tr->level));
	if (tr->question == NULL)
		return xstrdup(text);
	name = xasprintf("ask_%s", tr->question);
	ask = prompts_lookup(pr, lang, name);
	free(name);
	return ask != NULL ? xasprintf("%s %s", text, ask) : xstrdup(text);
}

/*
 * Reply language: the enrolled patient's, else what the message looks like
 * when the clinic has prompts for it, else the clinic's default.
 */
static const char *
sms_language(const struct settings *set, const struct patient *p, int enrolled,
    const char *body, int carrier_word)
{
	const char	*detected;

	if (enrolled && prompts_has_language(set->prompts, p->language))
		return p->language;
	if (carrier_word)
		return NULL;
	detected = triage_language(set->rules, body);
	if (detected != NULL && prompts_has_language(set->prompts, detected))
		return detected;
	return NULL;
}

/*
 * What the message asks of the service.  A carrier keyword is the
 * carrier's to define and wins; YES opts in only from an opted-out number
 * that is not answering.  Anything else is the engine's reading.
 */
static enum triage_request
sms_request(enum keyword kw, const struct triage_result *tr, int opted_out,
    int answering)
{
	switch (kw) {
	case KEYWORD_STOP:
		return TRIAGE_REQUEST_STOP;
	case KEYWORD_START:
		return TRIAGE_REQUEST_START;
	case KEYWORD_HELP:
		return TRIAGE_REQUEST_HELP;
	case KEYWORD_YES:
		return opted_out && !answering ? TRIAGE_REQUEST_START :
		    TRIAGE_REQUEST_NONE;
	case KEYWORD_NONE:
		break;
	}
	return tr->request;
}

static const char *
sms_request_name(enum triage_request req)
{
	switch (req) {
	case TRIAGE_REQUEST_STOP:	return "stop";
	case TRIAGE_REQUEST_START:	return "start";
	case TRIAGE_REQUEST_HELP:	return "help";
	case TRIAGE_REQUEST_NONE:	break;
	}
	return "none";
}

/* A triage answer (plan->kind "triage"), for everyone at urgent and above. */
static void
sms_plan_triage(const struct settings *set, int enrolled, int opted_out,
    struct sms_plan *plan)
{
	const struct triage_result	*tr = &plan->triage;
	const char			*review = NULL;

	plan->kind = "triage";
	plan->level = triage_level_name(tr->level);
	if (plan->inbox != NULL && !plan->stranger)
		review = prompts_lookup(plan->prompts, plan->lang, SMS_REVIEW);
	if (tr->level >= TRIAGE_URGENT) {
		/* Red-flag advice goes to everyone, opted out or not. */
		plan->escalate = 1;
		plan->reply = sms_triage_reply(plan->prompts, plan->lang, tr);
	} else if (opted_out)
		plan->reply = NULL;	/* an inbox row is still kept */
	else if (review != NULL)
		/*
		 * A person will read it, and the reply says so (spec/triage.md,
		 * Additions), also when a question rule placed it as advice
		 * ("can someone call me?") and for a number not enrolled.
		 */
		plan->reply = xstrdup(review);
	else if (!enrolled)
		plan->reply = xstrdup(prompts_get(plan->prompts, plan->lang,
		    PROMPT_UNKNOWN));
	else
		plan->reply = sms_triage_reply(plan->prompts, plan->lang, tr);
}

static void
sms_plan(const struct settings *set, const struct patient *p, int known,
    const char *from, const char *body, int64_t now, struct sms_plan *plan)
{
	const struct triage_result	*tr = &plan->triage;
	int				 enrolled = known && p->enrolled;
	int				 opted_out = known && p->opted_out;
	int				 pending, answering;
	enum keyword			 kw = keyword_classify(body);
	enum triage_request		 req;

	plan->prompts = settings_prompts(set, from);
	/* Before the step, which takes an answer and clears the question. */
	pending = triage_question_pending(&plan->state, now);
	triage_step(set->rules, &plan->state, body, now, &plan->triage);
	if (tr->match_errors > 0)
		log_error("triage: %d pattern search(es) could not finish and "
		    "counted as matches; check the rules (rules fired: %s)",
		    tr->match_errors, tr->rules);
	/*
	 * One carrier word says nothing about the sender's language (START
	 * is German too): the patient's, else the clinic's.
	 */
	plan->lang = sms_language(set, p, enrolled, body, kw != KEYWORD_NONE);

	/*
	 * A YES answers the pending question or, inside an emergency episode
	 * (tr->level includes the episode), is the patient still in it: it
	 * is triaged either way, never an opt-in.
	 */
	answering = pending || tr->level == TRIAGE_EMERGENCY;
	req = sms_request(kw, tr, opted_out, answering);
	plan->set_opt_out = req == TRIAGE_REQUEST_STOP ? 1 :
	    req == TRIAGE_REQUEST_START ? 0 : -1;
	/*
	 * The engine reviews what it cannot place, and a lone carrier word
	 * is one of those; one handled as a keyword or an answer needs no
	 * person.  Everything else it marks goes to the inbox, whoever sent
	 * it: an opted-out number is still someone's patient.
	 */
	if (tr->review && !(kw != KEYWORD_NONE &&
	    (req != TRIAGE_REQUEST_NONE || answering)))
		plan->inbox = SMS_REVIEW;
	/*
	 * A number not enrolled (a patient on a new phone, a carer, someone
	 * given the number) is someone staff should hear of: whatever it
	 * says goes to the inbox too, but a carrier keyword.  Its reply is
	 * still the one that says how to reach the clinic.
	 */
	else if (!enrolled && kw == KEYWORD_NONE) {
		plan->inbox = SMS_REVIEW;
		plan->stranger = 1;
	}

	if (tr->own >= TRIAGE_URGENT) {
		/*
		 * A red flag in this message is answered and escalated as one
		 * even when the message also asks to stop: an opt-out must
		 * never silence emergency advice (carrier rules).  The
		 * request still counts, so set_opt_out stays as decided and
		 * the opt-out is stored with the message.
		 */
		sms_plan_triage(set, enrolled, opted_out, plan);
		return;
	}
	if (req != TRIAGE_REQUEST_NONE) {
		plan->kind = "keyword";
		plan->level = kw != KEYWORD_NONE ? keyword_name(kw) :
		    sms_request_name(req);
		plan->reply = xstrdup(prompts_get(plan->prompts, plan->lang,
		    req == TRIAGE_REQUEST_STOP ? PROMPT_STOP :
		    req == TRIAGE_REQUEST_START ? PROMPT_START : PROMPT_HELP));
		return;
	}
	sms_plan_triage(set, enrolled, opted_out, plan);
}

/*
 * Saves the conversation state and any activity report.  Every path
 * triaged the message, so every path saves what the engine made of it: a
 * STOP that also answered NO, or mentioned a symptom, must not leave the
 * question pending or the symptom forgotten.
 */
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

/*
 * "ACK", "ack 42", "Ack #42 calling now": 1 with *id (0: none given) and
 * *note (the words after the number; may be ""), or 0 for anything else.
 */
static int
sms_parse_ack(const char *body, int64_t *id, const char **note)
{
	const char	*p = body;
	char		*end;
	long long	 v;

	*id = 0;
	*note = "";
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncasecmp(p, "ack", 3) != 0)
		return 0;
	p += 3;
	if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '#' &&
	    *p != '.' && *p != '!' && *p != '\n' && *p != '\r')
		return 0;	/* "acknowledge", "ackerman" */
	while (*p == ' ' || *p == '\t' || *p == '#' || *p == '.' ||
	    *p == '!' || *p == '\n' || *p == '\r')
		p++;
	if (*p >= '1' && *p <= '9') {
		errno = 0;
		v = strtoll(p, &end, 10);
		if (errno != 0 || v <= 0 || (*end != '\0' && *end != ' ' &&
		    *end != '\t' && *end != '.' && *end != '!' && *end != ',' &&
		    *end != '\n' && *end != '\r'))
			return 0;
		*id = (int64_t)v;
		p = end;
		while (*p == ' ' || *p == '\t' || *p == '.' || *p == '!' ||
		    *p == ',' || *p == '\n' || *p == '\r')
			p++;
	}
	*note = p;
	return 1;
}

/*
 * A text from an on-call number is staff, never a patient message
 * (interface.md): ACK acknowledges the newest open escalation alerted to
 * that number, ACK 42 escalation 42, and the answer says which; anything
 * else is answered with how to acknowledge.  Stored with kind "staff", in
 * the caller's transaction; nothing is triaged.
 */
static int
sms_staff(const struct settings *set, struct storage *st, const char *provider,
    const char *sid, const char *from, const char *to, const char *body,
    int64_t now, struct sms_response *res)
{
	static const char *const keys[] = { "id", "level", "name", "digits",
	    "by" };
	struct escalation_row	 e;
	struct inbound		 in;
	enum escalate_ack	 ack = ESCALATE_ACK_NONE;
	const char		*note, *tmpl, *vals[5];
	char			*reply, *by, idbuf[24], digits[8];
	size_t			 len;
	int64_t			 id;
	int			 is_ack, rc;

	memset(&e, 0, sizeof e);
	is_ack = sms_parse_ack(body, &id, &note);
	by = xasprintf("sms:%s", from);
	if (is_ack)
		ack = escalate_ack(st, id, from, by, note, now, &e);
	free(by);
	if (ack == ESCALATE_ACK_FAILED)
		return -1;
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)(ack ==
	    ESCALATE_ACK_NONE ? id : e.id));
	if (ack == ESCALATE_ACK_NONE && id == 0)
		idbuf[0] = '\0';
	len = e.phone != NULL ? strlen(e.phone) : 0;
	snprintf(digits, sizeof digits, "%s", len > 3 ? e.phone + len - 3 :
	    e.phone != NULL ? e.phone : "");
	vals[0] = idbuf;
	vals[1] = e.level != NULL ? e.level : "";
	vals[2] = e.patient_name;
	vals[3] = digits;
	vals[4] = e.acknowledged_by != NULL ? e.acknowledged_by : "";
	tmpl = prompts_lookup(set->prompts, NULL, !is_ack ? "staff_help" :
	    ack == ESCALATE_ACK_DONE ? "ack_done" : ack == ESCALATE_ACK_ALREADY ?
	    "ack_already" : "ack_none");
	reply = prompts_expand(tmpl != NULL ? tmpl : "", keys, vals, 5);
	memset(&in, 0, sizeof in);
	in.provider = provider;
	in.provider_sid = sid;
	in.from = from;
	in.to = to;
	in.body = body;
	in.received_at = now;
	in.kind = "staff";
	in.level = !is_ack ? "other" : ack == ESCALATE_ACK_DONE ? "ack" :
	    ack == ESCALATE_ACK_ALREADY ? "ack_already" : "ack_none";
	in.reply = reply;
	rc = storage_inbound_insert(st, &in, NULL);
	if (rc == 0) {
		res->body = reply;
		reply = NULL;
		res->acked = ack == ESCALATE_ACK_DONE;
		res->tally = SMS_TALLY_STAFF;
		res->notice = 1;
		res->note = !is_ack ? xstrdup("from an on-call number: not an "
		    "ACK; told how to acknowledge") : ack == ESCALATE_ACK_DONE ?
		    xasprintf("from an on-call number: escalation %lld "
		    "acknowledged", (long long)e.id) : ack ==
		    ESCALATE_ACK_ALREADY ? xasprintf("from an on-call number: "
		    "escalation %lld was already acknowledged", (long long)e.id) :
		    xstrdup("from an on-call number: ACK, but no open escalation "
		    "matched");
	}
	free(reply);
	escalation_row_clear(&e);
	return rc;
}

/*
 * The question a YES answered: the prompt ask_NAME of the pending question
 * in the stored state ("... ask=NAME asked=T ..."), in the clinic's
 * language; NULL if none.
 */
static const char *
sms_question(const struct settings *set, const char *state)
{
	const char	*p;
	char		 name[80];
	size_t		 n;

	if (state == NULL || (p = strstr(state, " ask=")) == NULL)
		return NULL;
	p += 5;
	n = strcspn(p, " ");
	if (n == 0 || n + 5 > sizeof name)
		return NULL;
	snprintf(name, sizeof name, "ask_%.*s", (int)n, p);
	return prompts_lookup(set->prompts, NULL, name);
}

/*
 * The reply as the provider answers it: in its answer when it can, else
 * queued in the outbox, in the caller's transaction, and the answer empty.
 * -1 if it could not be queued.
 */
static int
sms_reply(sms_render_fn render, struct storage *st, const char *to,
    int64_t patient_id, const char *reply, int red_flag, int64_t now,
    struct sms_response *res)
{
	struct outbox_msg	o;

	if (render != NULL) {
		res->body = render(reply);
		return 0;
	}
	if (reply != NULL) {
		memset(&o, 0, sizeof o);
		o.kind = "reply";
		o.to = to;
		o.body = reply;
		o.patient_id = patient_id;
		o.at = now;
		o.emergency = red_flag;
		if (outbox_enqueue(st, &o, NULL) == -1)
			return -1;
		res->queued = 1;
	}
	res->body = xstrdup("");
	return 0;
}

enum sms_parts {
	SMS_PARTS_ERROR = -1,
	SMS_PARTS_WHOLE,	/* *sidp, *top, *bodyp: the message to triage */
	SMS_PARTS_WAIT,		/* kept; the rest is still to come */
	SMS_PARTS_REPEAT,	/* kept or triaged already */
};

/*
 * A part of a long message (pin->part > 0), or a group whose wait is over
 * (pin->part 0), in the caller's transaction.  A part is kept; once every
 * part is there, or the wait is over, the parts still waiting are joined in
 * order (" … " where one is missing) into one message named by its first
 * part's id.  A part arriving after its group was triaged stands alone: it
 * may hold what the others lacked.
 */
static enum sms_parts
sms_parts(struct storage *st, const struct provider_hooks *hk,
    const struct provider_inbound *pin, const char *body, int64_t now,
    char **sidp, char **top, char **bodyp)
{
	struct inbound_part_row	 rows[SMS_PARTS_MAX];
	struct inbound_part	 ip;
	enum sms_parts		 rc = SMS_PARTS_ERROR;
	size_t			 n = 0, i, len = 0, waiting = 0, done = 0;
	int			 last = 0, first = -1;
	char			*p;

	if (pin->part > 0) {
		memset(&ip, 0, sizeof ip);
		ip.provider = hk->name;
		ip.phone = pin->from;
		ip.ref = pin->part_ref;
		ip.part = pin->part;
		ip.total = pin->parts;
		ip.sid = pin->sid;
		ip.to = pin->to;
		ip.body = body;
		ip.received_at = now;
		switch (storage_part_put(st, &ip)) {
		case 1:
			break;
		case 0:
			return SMS_PARTS_REPEAT;
		default:
			return SMS_PARTS_ERROR;
		}
	}
	if (storage_parts_get(st, hk->name, pin->from, pin->part_ref, rows,
	    SMS_PARTS_MAX, &n) == -1)
		return SMS_PARTS_ERROR;
	for (i = 0; i < n; i++) {
		if (rows[i].done_at != 0) {
			done++;
			continue;
		}
		waiting++;
		len += strlen(rows[i].body) + sizeof " … ";
		if (first == -1)
			first = (int)i;
	}
	if (waiting == 0)
		rc = SMS_PARTS_REPEAT;
	else if (done == 0 && waiting < (size_t)pin->parts && pin->part > 0)
		rc = SMS_PARTS_WAIT;
	else if (storage_parts_done(st, hk->name, pin->from, pin->part_ref,
	    now) == 0) {
		/* (each part's room holds a marker before it; the last one's
		   after it fits the slack) */
		p = *bodyp = xmalloc(len + sizeof " … ");
		*p = '\0';
		for (i = 0; i < n; i++) {
			if (rows[i].done_at != 0)
				continue;
			if ((last != 0 || rows[i].part != 1) &&
			    rows[i].part != last + 1 && done == 0)
				p = stpcpy(p, p == *bodyp ? "… " : " … ");
			p = stpcpy(p, rows[i].body);
			last = rows[i].part;
		}
		if (last != pin->parts && done == 0)
			p = stpcpy(p, " …");
		*sidp = xstrdup(rows[first].sid);
		*top = rows[first].to != NULL ? xstrdup(rows[first].to) : NULL;
		rc = SMS_PARTS_WHOLE;
	}
	for (i = 0; i < n; i++)
		inbound_part_row_clear(&rows[i]);
	return rc;
}

void
sms_handle(const struct settings *set, struct storage *st, struct metrics *m,
    const struct provider_hooks *hk, const struct provider_inbound *pin,
    int64_t now, struct sms_response *res)
{
	struct patient	 p;
	struct sms_plan	 plan;
	struct inbound	 in;
	struct audit	 au;
	struct escalate	 esc;
	struct escalate_result escr;
	struct inbox_item item;
	const char	*sid = pin->sid, *from = pin->from, *to = pin->to;
	char		*body = NULL, *stored = NULL, *state = NULL, *reply;
	char		*whole_sid = NULL, *whole_to = NULL, *whole = NULL;
	char		 redacted[LOG_PHONE_SIZE], extra[64] = "";
	int64_t		 inbound_id = 0, inbox_id = 0;
	int		 known = 0, staff, rc, in_tx = 0;
	/* Nobody waits for an answer when a wait for parts runs out. */
	sms_render_fn	 render = pin->part_ref != NULL && pin->part == 0 ?
			    NULL : hk->reply;

	memset(&p, 0, sizeof p);
	memset(&plan, 0, sizeof plan);
	memset(&escr, 0, sizeof escr);
	memset(res, 0, sizeof *res);
	body = utf8_sanitize(pin->body != NULL ? pin->body : "", pin->bodylen);
	log_phone(from, redacted);

	if (storage_begin(st) == -1)
		goto unavailable;
	in_tx = 1;
	if (pin->part_ref != NULL && pin->parts >= 2 &&
	    pin->parts <= SMS_PARTS_MAX) {
		switch (sms_parts(st, hk, pin, body, now, &whole_sid, &whole_to,
		    &whole)) {
		case SMS_PARTS_WHOLE:
			free(body);
			body = whole;
			sid = whole_sid;
			to = whole_to;
			break;
		case SMS_PARTS_WAIT:
			in_tx = 0;
			if (storage_commit(st) == -1)
				goto unavailable;
			res->status = 200;
			res->body = render != NULL ? render(NULL) : xstrdup("");
			res->who = xasprintf("%s from %s", sid, redacted);
			res->note = xasprintf("part %d of %d kept; waiting for "
			    "the rest", pin->part, pin->parts);
			goto out;
		case SMS_PARTS_REPEAT:
			storage_rollback(st);
			res->status = 200;
			res->body = render != NULL ? render(NULL) : xstrdup("");
			res->who = xasprintf("%s from %s", sid != NULL ? sid :
			    pin->part_ref, redacted);
			res->note = xstrdup("a part kept or triaged already");
			res->tally = pin->part > 0 ? SMS_TALLY_DUPLICATE :
			    SMS_TALLY_NONE;
			goto out;
		case SMS_PARTS_ERROR:
			goto unavailable;
		}
	}
	/*
	 * A number on call is staff: its message needs no patient or
	 * conversation.  Anyone else's reads are made together (one round
	 * trip on PostgreSQL), in the order they were made one by one.
	 */
	if ((staff = conf_is_on_call(set->conf, from)))
		rc = storage_inbound_find(st, hk->name, sid, &stored);
	else
		rc = storage_inbound_start(st, hk->name, sid, from, &stored, &p,
		    &known, &state);
	switch (rc) {
	case 1:
		/* Answered already: a queued reply is not queued again. */
		storage_rollback(st);
		res->status = 200;
		res->body = render != NULL ? render(stored) : xstrdup("");
		res->who = xasprintf("%s from %s", sid, redacted);
		res->note = xstrdup("a repeat; answered from the store");
		res->tally = SMS_TALLY_DUPLICATE;
		goto out;
	case 0:
		break;
	default:
		goto unavailable;
	}
	if (staff) {
		if (sms_staff(set, st, hk->name, sid, from, to, body, now,
		    res) == -1)
			goto unavailable;
		reply = res->body;
		res->body = NULL;
		if (sms_reply(render, st, from, 0, reply, 0, now, res) == -1) {
			free(reply);
			free(res->note);
			memset(res, 0, sizeof *res);
			goto unavailable;
		}
		free(reply);
		in_tx = 0;
		if (storage_commit(st) == -1) {
			free(res->body);
			free(res->note);
			memset(res, 0, sizeof *res);
			goto unavailable;
		}
		res->status = 200;
		res->who = xasprintf("%s from %s", sid, redacted);
		goto out;
	}
	triage_state_init(&plan.state);
	if (state != NULL &&
	    triage_state_parse(set->rules, state, &plan.state) == -1)
		log_warn("sms: stored triage state of %s is unreadable; "
		    "starting the conversation afresh", redacted);

	sms_plan(set, &p, known, from, body, now, &plan);

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
	in.provider = hk->name;
	in.provider_sid = sid;
	in.from = from;
	in.to = to;
	in.body = body;
	in.received_at = now;
	in.patient_id = known ? p.id : 0;
	in.kind = plan.kind;
	in.level = plan.level;
	in.rules = plan.triage.rules[0] != '\0' ? plan.triage.rules : NULL;
	in.reply = plan.reply;
	if (storage_inbound_insert(st, &in, &inbound_id) == -1)
		goto unavailable;

	if (sms_remember(set, st, &plan, from, in.patient_id, inbound_id,
	    now) == -1)
		goto unavailable;
	if (plan.inbox != NULL) {
		memset(&item, 0, sizeof item);
		item.inbound_id = inbound_id;
		item.phone = from;
		item.patient_id = in.patient_id;
		item.reason = plan.inbox;
		item.created_at = now;
		if (storage_inbox_insert(st, &item, &inbox_id) == -1)
			goto unavailable;
	}
	if (plan.escalate) {
		memset(&esc, 0, sizeof esc);
		esc.level = plan.level;
		esc.phone = from;
		esc.patient_id = in.patient_id;
		esc.inbound_id = inbound_id;
		esc.text = body;
		esc.rules = in.rules;
		esc.own = plan.triage.own >= TRIAGE_URGENT;
		esc.name = known ? p.name : NULL;
		if (plan.triage.answer == TRIAGE_ANSWER_YES)
			esc.answered = sms_question(set, state);
		esc.now = now;
		if (escalate_record(set, st, &esc, &escr) == -1)
			goto unavailable;
	}
	if (sms_reply(render, st, from, in.patient_id, plan.reply,
	    plan.escalate, now, res) == -1)
		goto unavailable;
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
	/* What else it did; never the text, which is logged at debug only. */
	if (plan.escalate && plan.set_opt_out != -1)
		snprintf(extra, sizeof extra, "; opted %s as asked",
		    plan.set_opt_out ? "out" : "in");
	if (plan.inbox != NULL)
		snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
		    "; staff inbox %lld", (long long)inbox_id);
	if ((res->notice = plan.escalate))
		res->note = xasprintf("%s (rules %s); escalation %lld: %s%s",
		    plan.level, plan.triage.rules, (long long)escr.id,
		    escr.created ? "new, on-call alert queued" : escr.alerted ?
		    "worse, on-call alert queued" : "attached, no new alert",
		    extra);
	else
		res->note = xasprintf("%s %s%s%s", plan.kind, plan.level,
		    known ? "" : " (not enrolled)", extra);
	log_debug("sms: %s body: %s", sid, body);
	res->status = 200;
	res->queued |= plan.escalate && escr.alerted;	/* the on-call alert */
	res->inbox = plan.inbox != NULL;
	goto out;

unavailable:
	/* Nothing was kept, so the provider must retry: never 200 here. */
	if (in_tx)
		storage_rollback(st);
	free(res->body);
	res->body = NULL;
	res->queued = 0;
	if (storage_member_busy(st)) {
		/* Not a failure: the caller runs it again on its own. */
		log_debug("sms: %s from %s waits for another instance; runs "
		    "again after the group", sid != NULL ? sid : pin->part_ref,
		    redacted);
		sms_fail(res, 503, "temporarily unable to store the message");
		res->alone = 1;
		goto out;
	}
	m->db_errors++;
	log_error("sms: %s from %s could not be stored; answered 503 so the "
	    "provider retries", sid != NULL ? sid : pin->part_ref, redacted);
	sms_fail(res, 503, "temporarily unable to store the message");
out:
	patient_clear(&p);
	free(whole_sid);
	free(whole_to);
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
		if (res->inbox)
			m->inbox++;
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
		case SMS_TALLY_STAFF:
			m->inbound++;
			m->staff_texts++;
			break;
		case SMS_TALLY_NONE:
			break;
		}
	}
	free(res->who);
	free(res->note);
	res->who = res->note = NULL;
}

void
sms_preview(const struct settings *set, const char *lang,
    const char *const *texts, size_t n, int64_t now, struct sms_preview *out)
{
	struct triage_state	 state;
	struct sms_plan		 plan;
	struct patient		 p;
	const char		*detected, *chosen;
	size_t			 i;

	triage_state_init(&state);
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		memset(&plan, 0, sizeof plan);
		memset(&p, 0, sizeof p);
		p.enrolled = 1;
		detected = triage_language(set->rules, texts[i]);
		chosen = lang != NULL ? lang : detected != NULL &&
		    prompts_has_language(set->prompts, detected) ? detected :
		    set->conf->language;
		p.language = xstrdup(chosen);
		plan.state = state;
		/* No sender: the clinic's own emergency number. */
		sms_plan(set, &p, 1, NULL, texts[i], now + (int64_t)i * 60,
		    &plan);
		state = plan.state;
		out[i].triage = plan.triage;
		out[i].kind = plan.kind;
		out[i].level = plan.level;
		out[i].lang = chosen;	/* plan.lang is p's, freed below */
		out[i].reply = plan.reply;
		out[i].reads_as = triage_read_text(set->rules, texts[i]);
		out[i].escalate = plan.escalate;
		out[i].inbox = plan.inbox != NULL;
		patient_clear(&p);
	}
}

void
sms_preview_clear(struct sms_preview *pv)
{
	free(pv->reply);
	free(pv->reads_as);
	memset(pv, 0, sizeof *pv);
}
