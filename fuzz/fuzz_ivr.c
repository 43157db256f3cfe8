/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the phone keypad menu (ivr.c), a pure state machine.  The
 * input's first line is a stored call state for ivr_state_parse (malformed
 * or not); the rest is up to 64 events separated by 0x1e, each a control
 * byte and the keys: the control byte's bits 0-1 pick the event (0 keys,
 * 1 no input, 2 the call starting, 3 keys with no Digits at all), bits 2-3
 * the caller's known language (none, en, es, de), bit 4 an enrolled
 * caller, bit 5 a paused one.  So "V" starts an enrolled English caller's
 * call, "T1" is that caller pressing 1 and "U" silence.
 *
 * Oracles, from the menu as docs/voice.md describes it: a state is refused
 * (and the call is then fresh) or survives being stored and read back, and
 * so does every state a step leads to; the menu stays in its range; a call
 * hangs up at its IVR_MAX_STEPS-th step at the latest, after at most
 * IVR_MAX_RETRIES re-prompts in a row, and a wrong key or silence is a
 * re-prompt or the end; every hang-up ends with the goodbye or the
 * emergency advice, both of which give the emergency number; key 1 in the
 * main menu is always the emergency advice, an emergency escalation and
 * the end of the call, keys 1-4 of the leg menu always an urgent
 * escalation, and nothing else escalates; a walk is read back and saved
 * only as 1-600 minutes, exactly as read back; only key 5 in the main menu
 * pauses or resumes, and only for an enrolled caller.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ivr.h"
#include "voice.h"
#include "xmalloc.h"

#define FUZZ_IVR_EVENTS	64

static const char *const fuzz_ivr_langs[] = { NULL, "en", "es", "de" };

/* What one key press means in a menu, by docs/voice.md. */
enum fuzz_ivr_key {
	FUZZ_IVR_VALID,		/* a choice the menu offers */
	FUZZ_IVR_MISS,		/* silence or a wrong key: a re-prompt */
	FUZZ_IVR_EITHER,	/* the documentation does not say */
};

static int
fuzz_ivr_is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* Minutes as the caller typed them: 1-600 without a leading zero, or -1. */
static int
fuzz_ivr_minutes(const char *d)
{
	int	v = 0;

	if (d[0] < '1' || d[0] > '9')
		return -1;
	for (; *d != '\0'; d++) {
		if (*d < '0' || *d > '9' || v > 600)
			return -1;
		v = v * 10 + (*d - '0');
	}
	return v <= 600 ? v : -1;
}

static enum fuzz_ivr_key
fuzz_ivr_classify(enum ivr_menu m, const char *d)
{
	const char	*p;

	if (d == NULL || d[0] == '\0')
		return FUZZ_IVR_MISS;		/* no key is silence */
	if (m == IVR_MENU_WALK) {
		if (strcmp(d, "*") == 0 || fuzz_ivr_minutes(d) != -1)
			return FUZZ_IVR_VALID;
		/* 060 may be 60 minutes; 0, 601 and 12a are not minutes. */
		for (p = d; *p == '0'; p++)
			;
		return fuzz_ivr_minutes(p) != -1 ? FUZZ_IVR_EITHER :
		    FUZZ_IVR_MISS;
	}
	if (d[1] != '\0')
		return FUZZ_IVR_MISS;		/* one key per menu */
	switch (m) {
	case IVR_MENU_LANGUAGE:
		return strchr("123", d[0]) != NULL ? FUZZ_IVR_VALID :
		    FUZZ_IVR_MISS;
	case IVR_MENU_MAIN:
	case IVR_MENU_LEG:
		return strchr("012345*", d[0]) != NULL ? FUZZ_IVR_VALID :
		    FUZZ_IVR_MISS;
	case IVR_MENU_WALK_CONFIRM:
		if (d[0] == '0')
			return FUZZ_IVR_EITHER;	/* repeat, undocumented */
		return strchr("12*", d[0]) != NULL ? FUZZ_IVR_VALID :
		    FUZZ_IVR_MISS;
	default:
		return FUZZ_IVR_EITHER;
	}
}

/* The prompt that asks for a menu's keys. */
static const char *
fuzz_ivr_ask(enum ivr_menu m)
{
	static const char *const ask[] = {
		[IVR_MENU_LANGUAGE] = "voice_language",
		[IVR_MENU_MAIN] = "voice_menu",
		[IVR_MENU_LEG] = "voice_leg_menu",
		[IVR_MENU_WALK] = "voice_walk_ask",
		[IVR_MENU_WALK_CONFIRM] = "voice_walk_confirm",
	};

	return (unsigned)m < sizeof ask / sizeof ask[0] ? ask[m] : NULL;
}

static int
fuzz_ivr_same(const struct ivr_call *a, const struct ivr_call *b)
{
	return a->menu == b->menu && strcmp(a->lang, b->lang) == 0 &&
	    a->retries == b->retries && a->steps == b->steps &&
	    a->minutes == b->minutes;
}

/* A state in range, that survives being stored and read back. */
static void
fuzz_ivr_check_state(const struct ivr_call *c, const char *when)
{
	struct ivr_call	 back;
	char		*text, *again;

	if ((unsigned)c->menu > IVR_MENU_DONE)
		fuzz_fail("%s: menu %d out of range", when, (int)c->menu);
	if (memchr(c->lang, '\0', sizeof c->lang) == NULL)
		fuzz_fail("%s: language not terminated", when);
	if (c->retries < 0 || c->retries > IVR_MAX_RETRIES + 1 ||
	    c->steps < 0 || c->steps > IVR_MAX_STEPS + 1 ||
	    c->minutes < 0 || c->minutes > IVR_MAX_MINUTES)
		fuzz_fail("%s: retries %d steps %d minutes %d out of range",
		    when, c->retries, c->steps, c->minutes);
	text = ivr_state_format(c);
	if (ivr_state_parse(text, &back) != 0)
		fuzz_fail("%s: the stored state '%s' is refused", when, text);
	if (!fuzz_ivr_same(c, &back))
		fuzz_fail("%s: '%s' reads back as another call", when, text);
	again = ivr_state_format(&back);
	if (strcmp(text, again) != 0)
		fuzz_fail("%s: '%s' is stored again as '%s'", when, text, again);
	free(again);
	free(text);
}

static int
fuzz_ivr_known_prompt(const char *name)
{
	size_t	i;

	for (i = 0; voice_prompts[i] != NULL; i++)
		if (strcmp(voice_prompts[i], name) == 0)
			return 1;
	return 0;
}

static int
fuzz_ivr_reprompt(const struct ivr_result *r)
{
	return !r->hangup && r->nsay > 0 &&
	    (fuzz_ivr_is(r->say[0].prompt, "voice_no_input") ||
	    fuzz_ivr_is(r->say[0].prompt, "voice_invalid") ||
	    fuzz_ivr_is(r->say[0].prompt, "voice_walk_invalid"));
}

static int
fuzz_ivr_says(const struct ivr_result *r, const char *prompt)
{
	int	i;

	for (i = 0; i < r->nsay; i++)
		if (fuzz_ivr_is(r->say[i].prompt, prompt))
			return 1;
	return 0;
}

/* The answer's shape: prompts, the gather or the hang-up. */
static void
fuzz_ivr_check_result(const struct ivr_call *c, const struct ivr_result *r,
    int n)
{
	const char	*ask, *last;
	int		 i;

	if (r->nsay < 0 || r->nsay > IVR_MAX_SAY)
		fuzz_fail("event %d: %d prompts", n, r->nsay);
	if (r->nsay == 0)
		fuzz_fail("event %d: nothing said", n);
	for (i = 0; i < r->nsay; i++) {
		if (r->say[i].prompt == NULL || r->say[i].lang == NULL ||
		    !fuzz_ivr_known_prompt(r->say[i].prompt))
			fuzz_fail("event %d: prompt %d is not a voice prompt",
			    n, i);
		if (!fuzz_ivr_is(r->say[i].lang, "en") &&
		    !fuzz_ivr_is(r->say[i].lang, "es") &&
		    !fuzz_ivr_is(r->say[i].lang, "de") &&
		    strcmp(r->say[i].lang, c->lang) != 0)
			fuzz_fail("event %d: prompt %s in language '%s' of a "
			    "'%s' call", n, r->say[i].prompt, r->say[i].lang,
			    c->lang);
	}
	last = r->say[r->nsay - 1].prompt;
	if (r->hangup != (c->menu == IVR_MENU_DONE))
		fuzz_fail("event %d: hangup %d in menu %s", n, r->hangup,
		    ivr_menu_name(c->menu));
	if (r->hangup) {
		if (strcmp(last, "voice_goodbye") != 0 &&
		    strcmp(last, "voice_emergency") != 0)
			fuzz_fail("event %d: hung up after %s, without the "
			    "emergency number", n, last);
		return;
	}
	ask = fuzz_ivr_ask(c->menu);
	if (ask == NULL || strcmp(last, ask) != 0)
		fuzz_fail("event %d: menu %s asked with %s", n,
		    ivr_menu_name(c->menu), last);
	if (c->menu == IVR_MENU_WALK ? r->num_digits != 0 || r->timeout != 10 :
	    r->num_digits != 1 || r->timeout != 5)
		fuzz_fail("event %d: menu %s gathers %d keys in %d s", n,
		    ivr_menu_name(c->menu), r->num_digits, r->timeout);
}

/* What the keys chose: escalations, walks, pauses. */
static void
fuzz_ivr_check_effects(const struct ivr_call *b, const struct ivr_call *c,
    const struct ivr_result *r, enum ivr_event ev, const char *d, int enrolled,
    int paused, int n)
{
	int	keys = ev == IVR_DIGITS && b->menu != IVR_MENU_DONE, v;
	int	emergency, urgent;

	emergency = keys && b->menu == IVR_MENU_MAIN && fuzz_ivr_is(d, "1");
	urgent = keys && b->menu == IVR_MENU_LEG && d != NULL &&
	    d[0] >= '1' && d[0] <= '4' && d[1] == '\0';
	if (emergency && (!fuzz_ivr_is(r->escalate, "emergency") ||
	    r->symptom == NULL || r->nsay < 1 ||
	    !fuzz_ivr_is(r->say[0].prompt, "voice_emergency") || !r->hangup))
		fuzz_fail("event %d: key 1 in the main menu (step %d) gave %s, "
		    "not the emergency", n, b->steps, r->nsay > 0 ?
		    r->say[0].prompt : "nothing");
	if (urgent && (!fuzz_ivr_is(r->escalate, "urgent") ||
	    r->symptom == NULL || r->nsay < 1 ||
	    !fuzz_ivr_is(r->say[0].prompt, "voice_leg_urgent")))
		fuzz_fail("event %d: leg key %s (step %d) gave %s, not the "
		    "urgent advice", n, d, b->steps, r->nsay > 0 ?
		    r->say[0].prompt : "nothing");
	if (r->escalate != NULL && !emergency && !urgent)
		fuzz_fail("event %d: escalation %s from menu %s", n, r->escalate,
		    ivr_menu_name(b->menu));
	if (fuzz_ivr_says(r, "voice_emergency") != emergency)
		fuzz_fail("event %d: emergency advice without the key", n);

	/* Minutes are read back and saved only as 1-600. */
	if ((fuzz_ivr_says(r, "voice_walk_confirm") ||
	    fuzz_ivr_says(r, "voice_walk_saved")) &&
	    (r->minutes < IVR_MIN_MINUTES || r->minutes > IVR_MAX_MINUTES))
		fuzz_fail("event %d: %d minutes read back", n, r->minutes);
	if (keys && b->menu == IVR_MENU_WALK_CONFIRM && fuzz_ivr_is(d, "1")) {
		if (r->log_minutes != b->minutes || r->log_minutes <
		    IVR_MIN_MINUTES || r->log_minutes > IVR_MAX_MINUTES ||
		    !fuzz_ivr_says(r, "voice_walk_saved"))
			fuzz_fail("event %d: confirming %d minutes saved %d",
			    n, b->minutes, r->log_minutes);
	} else if (r->log_minutes != 0 || fuzz_ivr_says(r, "voice_walk_saved"))
		fuzz_fail("event %d: a walk of %d minutes saved from menu %s",
		    n, r->log_minutes, ivr_menu_name(b->menu));
	if (keys && b->menu == IVR_MENU_WALK && d != NULL &&
	    (v = fuzz_ivr_minutes(d)) != -1 && !r->hangup &&
	    (c->menu != IVR_MENU_WALK_CONFIRM || c->minutes != v ||
	    r->minutes != v))
		fuzz_fail("event %d: %s minutes not read back (%s, %d)", n, d,
		    ivr_menu_name(c->menu), r->minutes);
	if (b->menu == IVR_MENU_WALK && c->menu == IVR_MENU_WALK_CONFIRM &&
	    (d == NULL || (fuzz_ivr_classify(IVR_MENU_WALK, d) ==
	    FUZZ_IVR_MISS)))
		fuzz_fail("event %d: '%s' taken as minutes", n,
		    d != NULL ? d : "(none)");

	/* Pause and resume: key 5 in the main menu, enrolled callers. */
	if (keys && b->menu == IVR_MENU_MAIN && fuzz_ivr_is(d, "5")) {
		if (r->toggle_pause != enrolled || (enrolled &&
		    !fuzz_ivr_says(r, paused ? "voice_resumed" :
		    "voice_paused")))
			fuzz_fail("event %d: key 5, enrolled %d paused %d: "
			    "toggle %d", n, enrolled, paused, r->toggle_pause);
	} else if (r->toggle_pause)
		fuzz_fail("event %d: pause toggled from menu %s", n,
		    ivr_menu_name(b->menu));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part	 line[2], ev[FUZZ_IVR_EVENTS];
	struct ivr_call		 c, b, fresh;
	struct ivr_result	 r;
	enum ivr_event		 kind;
	enum fuzz_ivr_key	 key;
	const char		*lang;
	char			*text, *digits;
	size_t			 nev = 0, i;
	int			 rc, ctl, enrolled, paused, steps, reprompts;

	if (fuzz_split(data, size, '\n', line, 2) < 2)
		line[1].len = 0;

	/* The stored state: refused, or read back as itself. */
	text = fuzz_string(line[0].p, line[0].len);
	memset(&c, 0xa5, sizeof c);	/* parse must fill all of it */
	rc = ivr_state_parse(text, &c);
	ivr_init(&fresh);
	if (rc == -1) {
		if (!fuzz_ivr_same(&c, &fresh))
			fuzz_fail("refused state '%s' left a call that is not "
			    "fresh", text);
	} else if (rc != 0)
		fuzz_fail("ivr_state_parse returned %d", rc);
	else {
		fuzz_ivr_check_state(&c, "parsed");
		if (c.lang[0] == '\0' && c.menu != IVR_MENU_LANGUAGE &&
		    c.menu != IVR_MENU_DONE)
			fuzz_fail("'%s': menu %s without a language", text,
			    ivr_menu_name(c.menu));
	}
	free(text);

	if (line[1].len > 0)
		nev = fuzz_split((const uint8_t *)line[1].p, line[1].len, 0x1e,
		    ev, FUZZ_IVR_EVENTS);
	steps = c.steps;
	reprompts = c.retries < IVR_MAX_RETRIES ? c.retries : IVR_MAX_RETRIES;
	for (i = 0; i < nev; i++) {
		ctl = ev[i].len > 0 ? (unsigned char)ev[i].p[0] : 0;
		digits = ev[i].len > 0 ? fuzz_string(ev[i].p + 1, ev[i].len - 1) :
		    xstrdup("");
		kind = (ctl & 3) == 1 ? IVR_NO_INPUT : (ctl & 3) == 2 ?
		    IVR_START : IVR_DIGITS;
		lang = fuzz_ivr_langs[(ctl >> 2) & 3];
		enrolled = (ctl & 0x10) != 0;
		paused = (ctl & 0x20) != 0;
		b = c;
		ivr_next(&c, kind, (ctl & 3) == 3 ? NULL : digits, lang,
		    enrolled, paused, &r);
		fuzz_ivr_check_state(&c, "after a step");
		fuzz_ivr_check_result(&c, &r, (int)i + 1);
		fuzz_ivr_check_effects(&b, &c, &r, kind, (ctl & 3) == 3 ? NULL :
		    digits, enrolled, paused, (int)i + 1);

		if (b.menu == IVR_MENU_DONE) {
			if (r.escalate != NULL || r.nsay != 1 ||
			    strcmp(r.say[0].prompt, "voice_goodbye") != 0)
				fuzz_fail("event %zu: an ended call goes on", i + 1);
		} else {
			/* The step bound: docs/voice.md, at most 40 steps. */
			steps++;
			if (steps >= IVR_MAX_STEPS && !r.hangup)
				fuzz_fail("event %zu: still going at step %d",
				    i + 1, steps);
			/* Re-prompts in a row: at most two, then goodbye. */
			key = kind == IVR_START ? FUZZ_IVR_VALID :
			    kind == IVR_NO_INPUT || (ctl & 3) == 3 ?
			    FUZZ_IVR_MISS : fuzz_ivr_classify(b.menu, digits);
			if (key == FUZZ_IVR_MISS && !r.hangup &&
			    !fuzz_ivr_reprompt(&r))
				fuzz_fail("event %zu: a miss in menu %s was not "
				    "re-prompted", i + 1, ivr_menu_name(b.menu));
			if (key == FUZZ_IVR_VALID && fuzz_ivr_reprompt(&r))
				fuzz_fail("event %zu: '%s' in menu %s "
				    "re-prompted", i + 1, digits,
				    ivr_menu_name(b.menu));
			if (key == FUZZ_IVR_MISS && reprompts >=
			    IVR_MAX_RETRIES && !r.hangup)
				fuzz_fail("event %zu: a third miss in a row, "
				    "no goodbye", i + 1);
			reprompts = fuzz_ivr_reprompt(&r) ? reprompts + 1 : 0;
			if (reprompts > IVR_MAX_RETRIES)
				fuzz_fail("event %zu: %d re-prompts in a row",
				    i + 1, reprompts);
		}
		free(digits);
	}
	return 0;
}
