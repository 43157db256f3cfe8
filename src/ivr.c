/* SPDX-License-Identifier: ISC */
/*
 * The phone keypad menu (see ivr.h).
 *
 *	language	1 English, 2 Español, 3 Deutsch
 *	main		1 chest pain or breathlessness now: emergency advice,
 *			  escalation, hang up
 *			2 leg symptoms (sub-menu)
 *			3 log today's walk
 *			4 hear today's exercises
 *			5 pause or resume reminders
 *			0 repeat
 *	leg		1 more swelling or pain, 2 warm red skin, 3 pain when
 *			  flexing the foot, 4 sharp or increasing pain when
 *			  walking: urgent advice and an escalation;
 *			5 a mild ache: advice;  0 repeat, * back
 *	walk		minutes then # (1-600), read back:
 *	walk confirm	1 save, 2 enter again, * back
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivr.h"
#include "xmalloc.h"

static const char *const ivr_menu_names[] = {
	[IVR_MENU_LANGUAGE] = "language",
	[IVR_MENU_MAIN] = "main",
	[IVR_MENU_LEG] = "leg",
	[IVR_MENU_WALK] = "walk",
	[IVR_MENU_WALK_CONFIRM] = "walk_confirm",
	[IVR_MENU_DONE] = "done",
};
#define IVR_NMENUS (sizeof ivr_menu_names / sizeof ivr_menu_names[0])

void
ivr_init(struct ivr_call *c)
{
	memset(c, 0, sizeof *c);
	c->menu = IVR_MENU_LANGUAGE;
}

const char *
ivr_menu_name(enum ivr_menu m)
{
	return ivr_menu_names[m];
}

char *
ivr_state_format(const struct ivr_call *c)
{
	return xasprintf("menu=%s lang=%s retries=%d steps=%d minutes=%d",
	    ivr_menu_names[c->menu], c->lang, c->retries, c->steps, c->minutes);
}

/* A bounded non-negative number, the whole of s. */
static int
ivr_parse_int(const char *s, int max, int *out)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int
ivr_state_parse(const char *text, struct ivr_call *c)
{
	char	*copy, *field, *rest, *eq;
	size_t	 i;
	int	 seen = 0, rc = -1;

	ivr_init(c);
	copy = xstrdup(text);
	for (rest = copy; (field = strsep(&rest, " ")) != NULL;) {
		if ((eq = strchr(field, '=')) == NULL)
			goto out;
		*eq++ = '\0';
		if (strcmp(field, "menu") == 0) {
			for (i = 0; i < IVR_NMENUS; i++)
				if (strcmp(eq, ivr_menu_names[i]) == 0)
					break;
			if (i == IVR_NMENUS)
				goto out;
			c->menu = (enum ivr_menu)i;
			seen |= 1;
		} else if (strcmp(field, "lang") == 0) {
			if (strlen(eq) >= sizeof c->lang)
				goto out;
			snprintf(c->lang, sizeof c->lang, "%s", eq);
			seen |= 2;
		} else if (strcmp(field, "retries") == 0) {
			if (ivr_parse_int(eq, IVR_MAX_RETRIES + 1, &c->retries))
				goto out;
			seen |= 4;
		} else if (strcmp(field, "steps") == 0) {
			if (ivr_parse_int(eq, IVR_MAX_STEPS + 1, &c->steps))
				goto out;
			seen |= 8;
		} else if (strcmp(field, "minutes") == 0) {
			if (ivr_parse_int(eq, IVR_MAX_MINUTES, &c->minutes))
				goto out;
			seen |= 16;
		} else
			goto out;
	}
	/*
	 * Only what ivr_next leaves: a menu past the language choice has a
	 * language, a call still going has re-prompted at most
	 * IVR_MAX_RETRIES times (one more and it would have said goodbye),
	 * and a walk awaiting confirmation has its minutes.  Anything else
	 * could lead to a state this file cannot read back.
	 */
	if (seen != 31)
		goto out;
	if (c->lang[0] == '\0' && c->menu != IVR_MENU_LANGUAGE &&
	    c->menu != IVR_MENU_DONE)
		goto out;
	if (c->menu != IVR_MENU_DONE && c->retries > IVR_MAX_RETRIES)
		goto out;
	if (c->menu == IVR_MENU_WALK_CONFIRM && c->minutes < IVR_MIN_MINUTES)
		goto out;
	rc = 0;
out:
	free(copy);
	if (rc == -1)
		ivr_init(c);
	return rc;
}

const char *
ivr_say_language(const char *lang)
{
	if (strcmp(lang, "es") == 0)
		return "es-ES";
	if (strcmp(lang, "de") == 0)
		return "de-DE";
	return "en-GB";
}

static void
ivr_add_say(struct ivr_result *r, const char *lang, const char *prompt)
{
	if (r->nsay < IVR_MAX_SAY) {
		r->say[r->nsay].lang = lang;
		r->say[r->nsay].prompt = prompt;
		r->nsay++;
	}
}

static void	ivr_goodbye(struct ivr_call *, struct ivr_result *);

/*
 * The prompt that asks for the current menu's keys, unless this was the
 * call's last step: what the caller chose has been done, and the call
 * ends instead of asking again.
 */
static void
ivr_ask(struct ivr_call *c, struct ivr_result *r)
{
	if (c->steps >= IVR_MAX_STEPS) {
		ivr_goodbye(c, r);
		return;
	}
	r->num_digits = 1;
	r->timeout = 5;
	switch (c->menu) {
	case IVR_MENU_LANGUAGE:
		/* One line in each language, each in its own voice. */
		ivr_add_say(r, "en", "voice_language");
		ivr_add_say(r, "es", "voice_language");
		ivr_add_say(r, "de", "voice_language");
		break;
	case IVR_MENU_MAIN:
		ivr_add_say(r, c->lang, "voice_menu");
		break;
	case IVR_MENU_LEG:
		ivr_add_say(r, c->lang, "voice_leg_menu");
		break;
	case IVR_MENU_WALK:
		ivr_add_say(r, c->lang, "voice_walk_ask");
		r->num_digits = 0;	/* up to the # key */
		r->timeout = 10;
		break;
	case IVR_MENU_WALK_CONFIRM:
		ivr_add_say(r, c->lang, "voice_walk_confirm");
		r->minutes = c->minutes;
		break;
	case IVR_MENU_DONE:
		break;
	}
}

static void
ivr_goodbye(struct ivr_call *c, struct ivr_result *r)
{
	ivr_add_say(r, c->lang[0] != '\0' ? c->lang : "en", "voice_goodbye");
	r->hangup = 1;
	c->menu = IVR_MENU_DONE;
}

/* No input, or a key this menu does not know: re-prompt, boundedly. */
static void
ivr_retry(struct ivr_call *c, struct ivr_result *r, const char *why)
{
	if (++c->retries > IVR_MAX_RETRIES) {
		ivr_goodbye(c, r);
		return;
	}
	ivr_add_say(r, c->lang[0] != '\0' ? c->lang : "en", why);
	ivr_ask(c, r);
}

static void
ivr_go(struct ivr_call *c, struct ivr_result *r, enum ivr_menu m)
{
	c->menu = m;
	c->retries = 0;
	ivr_ask(c, r);
}

static void
ivr_on_language(struct ivr_call *c, char key, struct ivr_result *r)
{
	static const char *const langs[] = { "en", "es", "de" };

	if (key < '1' || key > '3') {
		ivr_retry(c, r, "voice_invalid");
		return;
	}
	snprintf(c->lang, sizeof c->lang, "%s", langs[key - '1']);
	ivr_add_say(r, c->lang, "voice_greeting");
	ivr_go(c, r, IVR_MENU_MAIN);
}

static void
ivr_on_main(struct ivr_call *c, char key, int enrolled, int paused,
    struct ivr_result *r)
{
	switch (key) {
	case '1':
		r->escalate = "emergency";
		r->symptom = "chest pain or breathlessness now";
		r->flag = "keypad_chest_pain_or_breathless";
		ivr_add_say(r, c->lang, "voice_emergency");
		r->hangup = 1;	/* they must call the emergency number */
		c->menu = IVR_MENU_DONE;
		return;
	case '2':
		ivr_go(c, r, IVR_MENU_LEG);
		return;
	case '3':
		ivr_go(c, r, IVR_MENU_WALK);
		return;
	case '4':
		ivr_add_say(r, c->lang, "voice_exercises");
		ivr_go(c, r, IVR_MENU_MAIN);
		return;
	case '5':
		if (!enrolled)
			ivr_add_say(r, c->lang, "voice_not_enrolled");
		else {
			r->toggle_pause = 1;
			ivr_add_say(r, c->lang, paused ? "voice_resumed" :
			    "voice_paused");
		}
		ivr_go(c, r, IVR_MENU_MAIN);
		return;
	case '0':
	case '*':
		ivr_go(c, r, IVR_MENU_MAIN);
		return;
	}
	ivr_retry(c, r, "voice_invalid");
}

static void
ivr_on_leg(struct ivr_call *c, char key, struct ivr_result *r)
{
	static const char *const symptoms[] = {
		"more leg swelling or pain", "warm, red skin on the leg",
		"pain when flexing the foot",
		"sharp or increasing calf pain when walking",
	};
	static const char *const flags[] = {
		"keypad_leg_swelling", "keypad_warm_red_leg",
		"keypad_flexing_foot_pain", "keypad_calf_pain_walking",
	};

	if (key >= '1' && key <= '4') {
		r->escalate = "urgent";
		r->symptom = symptoms[key - '1'];
		r->flag = flags[key - '1'];
		ivr_add_say(r, c->lang, "voice_leg_urgent");
		ivr_go(c, r, IVR_MENU_MAIN);
	} else if (key == '5') {
		ivr_add_say(r, c->lang, "voice_leg_advice");
		ivr_go(c, r, IVR_MENU_MAIN);
	} else if (key == '0')
		ivr_go(c, r, IVR_MENU_LEG);
	else if (key == '*')
		ivr_go(c, r, IVR_MENU_MAIN);
	else
		ivr_retry(c, r, "voice_invalid");
}

static void
ivr_on_walk(struct ivr_call *c, const char *digits, struct ivr_result *r)
{
	char	*end;
	long	 v;

	if (strcmp(digits, "*") == 0) {
		ivr_go(c, r, IVR_MENU_MAIN);
		return;
	}
	v = strtol(digits, &end, 10);
	if (digits[0] < '0' || digits[0] > '9' || *end != '\0' ||
	    strlen(digits) > 3 || v < IVR_MIN_MINUTES || v > IVR_MAX_MINUTES) {
		ivr_retry(c, r, "voice_walk_invalid");
		return;
	}
	c->minutes = (int)v;
	ivr_go(c, r, IVR_MENU_WALK_CONFIRM);
}

static void
ivr_on_walk_confirm(struct ivr_call *c, char key, struct ivr_result *r)
{
	switch (key) {
	case '1':
		r->log_minutes = c->minutes;
		r->minutes = c->minutes;
		ivr_add_say(r, c->lang, "voice_walk_saved");
		c->minutes = 0;
		ivr_go(c, r, IVR_MENU_MAIN);
		return;
	case '2':
		c->minutes = 0;
		ivr_go(c, r, IVR_MENU_WALK);
		return;
	case '0':
		ivr_go(c, r, IVR_MENU_WALK_CONFIRM);
		return;
	case '*':
		c->minutes = 0;
		ivr_go(c, r, IVR_MENU_MAIN);
		return;
	}
	ivr_retry(c, r, "voice_invalid");
}

void
ivr_next(struct ivr_call *c, enum ivr_event ev, const char *digits,
    const char *known_lang, int enrolled, int paused, struct ivr_result *r)
{
	char	key;

	memset(r, 0, sizeof *r);
	if (c->menu == IVR_MENU_DONE) {
		ivr_goodbye(c, r);
		return;
	}
	/*
	 * The IVR_MAX_STEPS-th event is still handled, so a red flag on the
	 * last step is never dropped; ivr_ask() then ends the call.  A state
	 * read back with IVR_MAX_STEPS + 1 steps stays in the range
	 * ivr_state_parse takes.
	 */
	if (c->steps <= IVR_MAX_STEPS)
		c->steps++;
	if (ev == IVR_START) {
		if (known_lang != NULL) {
			snprintf(c->lang, sizeof c->lang, "%s", known_lang);
			ivr_add_say(r, c->lang, "voice_greeting");
			ivr_go(c, r, IVR_MENU_MAIN);
		} else
			ivr_go(c, r, IVR_MENU_LANGUAGE);
		return;
	}
	if (ev == IVR_NO_INPUT || digits == NULL || digits[0] == '\0') {
		ivr_retry(c, r, "voice_no_input");
		return;
	}
	if (c->menu == IVR_MENU_WALK) {
		ivr_on_walk(c, digits, r);
		return;
	}
	/* Menus take one key; anything longer is a wrong key. */
	key = digits[1] == '\0' ? digits[0] : '?';
	switch (c->menu) {
	case IVR_MENU_LANGUAGE:
		ivr_on_language(c, key, r);
		break;
	case IVR_MENU_MAIN:
		ivr_on_main(c, key, enrolled, paused, r);
		break;
	case IVR_MENU_LEG:
		ivr_on_leg(c, key, r);
		break;
	case IVR_MENU_WALK_CONFIRM:
		ivr_on_walk_confirm(c, key, r);
		break;
	case IVR_MENU_WALK:
	case IVR_MENU_DONE:
		break;
	}
}
