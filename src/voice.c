/* SPDX-License-Identifier: ISC */
/*
 * Phone keypad webhooks (see voice.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "escalate.h"
#include "ivr.h"
#include "log.h"
#include "metrics.h"
#include "plan.h"
#include "prompts.h"
#include "provider.h"
#include "settings.h"
#include "sms.h"
#include "schedule.h"
#include "storage.h"
#include "tz.h"
#include "voice.h"
#include "xmalloc.h"


const char *const voice_prompts[] = {
	"voice_language", "voice_greeting", "voice_menu", "voice_emergency",
	"voice_leg_menu", "voice_leg_urgent", "voice_leg_advice",
	"voice_walk_ask", "voice_walk_confirm", "voice_walk_saved",
	"voice_walk_invalid", "voice_exercises", "voice_exercises_plan",
	"voice_paused",
	"voice_resumed", "voice_not_enrolled", "voice_invalid",
	"voice_no_input", "voice_goodbye", "voice_unavailable", NULL,
};

/* Today's walking goal and the weekly goal, for voice_exercises_plan. */
struct voice_today {
	int	minutes;
	char	goal_min[16];
	char	goal_max[16];
};

/*
 * Key 4 from an enrolled patient with a plan: today's walking minutes from
 * the plan's weekly step-up in the patient's zone.  Returns 0, or -1 when
 * there is no plan to read (the caller says the general exercises).
 */
static int
voice_plan_today(const struct settings *set, const struct patient *p,
    int64_t now, struct voice_today *t)
{
	const struct plan	*plan;
	struct sched_rule	 rules[PLAN_MAX_REMINDERS];
	struct sched_window	 w;
	struct tz_zone		*z;
	const char		*why;
	char			*err = NULL;
	int			 rc = -1;

	if (p->plan == NULL || set->plans == NULL ||
	    (plan = plan_find(set->plans, p->plan)) == NULL)
		return -1;
	if ((z = tz_zone_load(p->timezone, &err)) == NULL) {
		free(err);
		return -1;
	}
	if (plan_patient_rules(plan, p, z, rules, &w, &why) != -1) {
		t->minutes = plan_walk_minutes(plan, p->walk_target,
		    w.start_day, sched_local_day(z, now));
		snprintf(t->goal_min, sizeof t->goal_min, "%d", plan->goal_min);
		snprintf(t->goal_max, sizeof t->goal_max, "%d", plan->goal_max);
		rc = 0;
	}
	tz_zone_free(z);
	return rc;
}

/* The text of one spoken line, with its placeholders filled in. */
static char *
voice_text(const struct settings *set, const char *phone,
    const struct ivr_say *say, int minutes, const struct voice_today *today)
{
	static const char *const keys[] = { "minutes", "goal_min", "goal_max" };
	const char	*tmpl, *vals[3];
	char		 buf[16];

	/* The emergency number of the caller's country (settings.h). */
	tmpl = prompts_lookup(settings_prompts(set, phone), say->lang,
	    say->prompt);
	if (tmpl == NULL)	/* check-config makes sure it never is */
		tmpl = "";
	snprintf(buf, sizeof buf, "%d", today != NULL ? today->minutes :
	    minutes);
	vals[0] = buf;
	vals[1] = today != NULL ? today->goal_min : "";
	vals[2] = today != NULL ? today->goal_max : "";
	return prompts_expand(tmpl, keys, vals, 3);
}

static char *
voice_render(const struct settings *set, const struct provider_hooks *hk,
    const char *phone, const struct ivr_result *r, int step,
    const struct voice_today *today)
{
	struct provider_say	 say[IVR_MAX_SAY];
	struct provider_voice	 v;
	char			*text[IVR_MAX_SAY], *doc;
	int			 i;

	memset(&v, 0, sizeof v);
	for (i = 0; i < r->nsay; i++) {
		text[i] = voice_text(set, phone, &r->say[i], r->minutes,
		    strcmp(r->say[i].prompt, "voice_exercises_plan") == 0 ?
		    today : NULL);
		say[i].language = ivr_say_language(r->say[i].lang);
		say[i].text = text[i];
	}
	v.say = say;
	v.nsay = r->nsay;
	v.step = step;
	if (!r->hangup) {
		v.gather = 1;
		v.num_digits = r->num_digits;
		v.timeout = r->timeout;
	}
	doc = hk->voice(set->conf->public_url, &v);
	for (i = 0; i < r->nsay; i++)
		free(text[i]);
	return doc;
}

/* The answer when nothing can be kept: emergency advice, then goodbye. */
static char *
voice_unavailable(const struct settings *set, const struct provider_hooks *hk,
    const char *phone, const char *lang)
{
	struct ivr_result	r;

	memset(&r, 0, sizeof r);
	r.say[0].lang = lang != NULL && lang[0] != '\0' ? lang :
	    set->conf->language;
	r.say[0].prompt = "voice_unavailable";
	r.nsay = 1;
	r.hangup = 1;
	return voice_render(set, hk, phone, &r, 0, NULL);
}

/* Records what the caller chose; -1 on a store error. */
static int
voice_effects(const struct settings *set, struct storage *st,
    const struct ivr_result *r, const char *sid, const char *from,
    const struct patient *p, int known, int64_t now)
{
	struct escalate	 esc;
	struct activity	 act;
	struct audit	 au;
	char		*text;
	int		 rc;

	if (r->escalate != NULL) {
		memset(&esc, 0, sizeof esc);
		esc.level = r->escalate;
		esc.phone = from;
		esc.patient_id = known ? p->id : 0;
		esc.call_sid = sid;
		text = xasprintf("phone keypad: %s", r->symptom);
		esc.text = text;
		esc.name = known ? p->name : NULL;
		esc.own = 1;
		esc.flag = r->flag;
		esc.now = now;
		rc = escalate_record(set, st, &esc, NULL);
		free(text);
		if (rc == -1)
			return -1;
	}
	if (r->log_minutes > 0) {
		memset(&act, 0, sizeof act);
		act.phone = from;
		act.patient_id = known ? p->id : 0;
		act.minutes = r->log_minutes;
		act.reported_at = now;
		act.call_sid = sid;
		if (storage_activity_insert(st, &act) == -1)
			return -1;
	}
	if (r->toggle_pause) {
		if (storage_patient_set_paused(st, from, !p->paused, now) == -1)
			return -1;
		au.at = now;
		au.actor = "patient";
		au.action = p->paused ? "resume" : "pause";
		au.subject = from;
		au.detail = "phone keypad";
		if (storage_audit_append(st, &au) == -1)
			return -1;
	}
	return 0;
}

static const char *const voice_event_names[] = {
	[VOICE_START] = "start", [VOICE_GATHER] = "keys",
	[VOICE_NO_INPUT] = "no input", [VOICE_STATUS] = "status",
};

void
voice_handle(const struct settings *set, struct storage *st, struct metrics *m,
    const struct provider_hooks *hk, enum voice_event ev,
    const struct provider_call *pc, int64_t now, struct sms_response *res)
{
	struct patient		 p;
	struct call_row		 row;
	struct call		 c;
	struct ivr_call		 ivr;
	struct ivr_result	 r;
	struct voice_today	 today;
	const char		*sid, *from, *digits, *lang = NULL;
	char			*state = NULL, *doc = NULL;
	char			 redacted[LOG_PHONE_SIZE];
	int			 found, known = 0, step, enrolled, in_tx = 0, i;
	enum ivr_menu		 before;
	enum ivr_event		 iev;

	memset(&p, 0, sizeof p);
	memset(&row, 0, sizeof row);
	memset(&today, 0, sizeof today);
	res->body = NULL;
	sid = pc->sid;
	if ((from = pc->from) == NULL)
		from = "anonymous";	/* a withheld number may still call */
	log_phone(from, redacted);
	/* Steps name the answers given; none ever goes past the menu's. */
	step = pc->step <= IVR_MAX_STEPS + 1 ? pc->step : -1;

	if (storage_begin(st) == -1)
		goto unavailable;
	in_tx = 1;
	if ((found = storage_call_get(st, sid, &row)) == -1)
		goto unavailable;
	if (ev == VOICE_STATUS) {
		if (found) {
			c.call_sid = sid;
			c.from = from;
			c.patient_id = 0;
			c.state = row.state;
			c.step = row.step;
			c.last_twiml = row.last_twiml;
			c.ended = 1;
			c.now = now;
			if (storage_call_put(st, &c) == -1)
				goto unavailable;
		}
		if (storage_commit(st) == -1) {
			in_tx = 0;
			goto unavailable;
		}
		in_tx = 0;
		log_info("voice: %s from %s ended (%s)", sid, redacted,
		    found ? "known call" : "no keys were pressed");
		res->status = 200;
		res->body = xstrdup("");
		goto out;
	}
	/*
	 * A start for a call we know, or keys for a step already answered,
	 * is the provider repeating itself: the stored answer, no effects.
	 */
	if (found && row.last_twiml != NULL &&
	    (ev == VOICE_START || step != row.step)) {
		storage_rollback(st);
		in_tx = 0;
		m->duplicates++;
		log_info("voice: %s from %s: %s repeated (step %d answered "
		    "already); answered from the store", sid, redacted,
		    voice_event_names[ev], row.step);
		res->status = 200;
		res->body = row.last_twiml;
		row.last_twiml = NULL;
		goto out;
	}
	if ((known = storage_patient_find(st, from, &p)) == -1)
		goto unavailable;
	enrolled = known && p.enrolled && p.removed_at == 0;
	if (enrolled && prompts_has_language(set->prompts, p.language))
		lang = p.language;

	ivr_init(&ivr);
	iev = ev == VOICE_GATHER ? IVR_DIGITS : ev == VOICE_NO_INPUT ?
	    IVR_NO_INPUT : IVR_START;
	if (!found)
		iev = IVR_START;	/* keys for a call we never saw: begin */
	else if (ivr_state_parse(row.state, &ivr) == -1) {
		log_warn("voice: %s: stored call state unreadable; starting "
		    "the menu afresh", sid);
		iev = IVR_START;
	}
	if ((digits = pc->digits) == NULL && iev == IVR_DIGITS)
		digits = pc->digits_given ? "?" : NULL;
	before = ivr.menu;
	ivr_next(&ivr, iev, digits, lang, enrolled, known && p.paused, &r);

	if (voice_effects(set, st, &r, sid, from, &p, enrolled, now) == -1)
		goto unavailable;
	for (i = 0; i < r.nsay; i++)
		if (strcmp(r.say[i].prompt, "voice_exercises") == 0 && enrolled &&
		    voice_plan_today(set, &p, now, &today) == 0)
			r.say[i].prompt = "voice_exercises_plan";
	/*
	 * A new call's first answer leads to step 1.  But keys for a call we
	 * never saw may name step 1 themselves, and their repeat must not
	 * pass for keys pressed after that answer: theirs leads to step 2.
	 */
	c.step = found ? row.step + 1 : step == 1 ? 2 : 1;
	doc = voice_render(set, hk, from, &r, c.step, &today);
	state = ivr_state_format(&ivr);
	c.call_sid = sid;
	c.from = from;
	c.patient_id = known ? p.id : 0;
	c.state = state;
	c.last_twiml = doc;
	c.ended = r.hangup;
	c.now = now;
	if (storage_call_put(st, &c) == -1)
		goto unavailable;
	if (storage_commit(st) == -1) {
		in_tx = 0;
		goto unavailable;
	}
	in_tx = 0;

	if (!found)
		m->voice_calls++;
	if (r.escalate != NULL)
		log_notice("voice: %s from %s: %s by keypad (%s); on-call alert "
		    "queued", sid, redacted, r.escalate, r.symptom);
	log_info("voice: %s from %s: %s, step %d: %s -> %s%s%s", sid,
	    redacted, voice_event_names[ev], c.step,
	    found ? ivr_menu_name(before) : "new call", ivr_menu_name(ivr.menu),
	    r.log_minutes > 0 ? ", walk logged" : "",
	    r.hangup ? ", hung up" : "");
	res->status = 200;
	res->body = doc;
	doc = NULL;
	goto out;

unavailable:
	if (in_tx)
		storage_rollback(st);
	m->db_errors++;
	if (ev == VOICE_STATUS) {	/* no caller to talk to: ask again */
		log_error("voice: %s: the end of the call could not be "
		    "stored; answered 503", sid);
		res->status = 503;
		res->body = xstrdup("temporarily unable to store the call\n");
		goto out;
	}
	log_error("voice: %s from %s: %s could not be stored; told the caller "
	    "to call the emergency number if it is one, and hung up", sid,
	    redacted, voice_event_names[ev]);
	res->status = 200;
	res->body = voice_unavailable(set, hk, from, lang);
out:
	free(doc);
	free(state);
	call_row_clear(&row);
	patient_clear(&p);
}
