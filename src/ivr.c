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
say(struct ivr_result *r, const char *lang, const char *prompt)
{
	if (r->nsay < IVR_MAX_SAY) {
		r->say[r->nsay].lang = lang;
		r->say[r->nsay].prompt = prompt;
		r->nsay++;
	}
}

static void	goodbye(struct ivr_call *, struct ivr_result *);

/*
 * The prompt that asks for the current menu's keys, unless this was the
 * call's last step: what the caller chose has been done, and the call
 * ends instead of asking again.
 */
static void
ask(struct ivr_call *c, struct ivr_result *r)
{
	if (c->steps >= IVR_MAX_STEPS) {
		goodbye(c, r);
		return;
	}
	r->num_digits = 1;
	r->timeout = 5;
	switch (c->menu) {
	case IVR_MENU_LANGUAGE:
		/* One line in each language, each in its own voice. */
		say(r, "en", "voice_language");
		say(r, "es", "voice_language");
		say(r, "de", "voice_language");
		break;
	case IVR_MENU_MAIN:
		say(r, c->lang, "voice_menu");
		break;
	case IVR_MENU_LEG:
		say(r, c->lang, "voice_leg_menu");
		break;
	case IVR_MENU_WALK:
		say(r, c->lang, "voice_walk_ask");
		r->num_digits = 0;	/* up to the # key */
		r->timeout = 10;
		break;
	case IVR_MENU_WALK_CONFIRM:
		say(r, c->lang, "voice_walk_confirm");
		r->minutes = c->minutes;
		break;
	case IVR_MENU_DONE:
		break;
	}
}

static void
goodbye(struct ivr_call *c, struct ivr_result *r)
{
	say(r, c->lang[0] != '\0' ? c->lang : "en", "voice_goodbye");
	r->hangup = 1;
	c->menu = IVR_MENU_DONE;
}

/* No input, or a key this menu does not know: re-prompt, boundedly. */
static void
retry(struct ivr_call *c, struct ivr_result *r, const char *why)
{
	if (++c->retries > IVR_MAX_RETRIES) {
		goodbye(c, r);
		return;
	}
	say(r, c->lang[0] != '\0' ? c->lang : "en", why);
	ask(c, r);
}

static void
go(struct ivr_call *c, struct ivr_result *r, enum ivr_menu m)
{
	c->menu = m;
	c->retries = 0;
	ask(c, r);
}

static void
on_language(struct ivr_call *c, char key, struct ivr_result *r)
{
	static const char *const langs[] = { "en", "es", "de" };

	if (key < '1' || key > '3') {
		retry(c, r, "voice_invalid");
		return;
	}
	snprintf(c->lang, sizeof c->lang, "%s", langs[key - '1']);
	say(r, c->lang, "voice_greeting");
	go(c, r, IVR_MENU_MAIN);
}

static void
on_main(struct ivr_call *c, char key, int enrolled, int paused,
    struct ivr_result *r)
{
	switch (key) {
	case '1':
		r->escalate = "emergency";
		r->symptom = "chest pain or breathlessness now";
		r->flag = "keypad_chest_pain_or_breathless";
		say(r, c->lang, "voice_emergency");
		r->hangup = 1;	/* they must call the emergency number */
		c->menu = IVR_MENU_DONE;
		return;
	case '2':
		go(c, r, IVR_MENU_LEG);
		return;
	case '3':
		go(c, r, IVR_MENU_WALK);
		return;
	case '4':
		say(r, c->lang, "voice_exercises");
		go(c, r, IVR_MENU_MAIN);
		return;
	case '5':
		if (!enrolled)
			say(r, c->lang, "voice_not_enrolled");
		else {
			r->toggle_pause = 1;
			say(r, c->lang, paused ? "voice_resumed" : "voice_paused");
		}
		go(c, r, IVR_MENU_MAIN);
		return;
	case '0':
	case '*':
		go(c, r, IVR_MENU_MAIN);
		return;
	}
	retry(c, r, "voice_invalid");
}

static void
on_leg(struct ivr_call *c, char key, struct ivr_result *r)
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
		say(r, c->lang, "voice_leg_urgent");
		go(c, r, IVR_MENU_MAIN);
	} else if (key == '5') {
		say(r, c->lang, "voice_leg_advice");
		go(c, r, IVR_MENU_MAIN);
	} else if (key == '0')
		go(c, r, IVR_MENU_LEG);
	else if (key == '*')
		go(c, r, IVR_MENU_MAIN);
	else
		retry(c, r, "voice_invalid");
}

static void
on_walk(struct ivr_call *c, const char *digits, struct ivr_result *r)
{
	char	*end;
	long	 v;

	if (strcmp(digits, "*") == 0) {
		go(c, r, IVR_MENU_MAIN);
		return;
	}
	v = strtol(digits, &end, 10);
	if (digits[0] < '0' || digits[0] > '9' || *end != '\0' ||
	    strlen(digits) > 3 || v < IVR_MIN_MINUTES || v > IVR_MAX_MINUTES) {
		retry(c, r, "voice_walk_invalid");
		return;
	}
	c->minutes = (int)v;
	go(c, r, IVR_MENU_WALK_CONFIRM);
}

static void
on_walk_confirm(struct ivr_call *c, char key, struct ivr_result *r)
{
	switch (key) {
	case '1':
		r->log_minutes = c->minutes;
		r->minutes = c->minutes;
		say(r, c->lang, "voice_walk_saved");
		c->minutes = 0;
		go(c, r, IVR_MENU_MAIN);
		return;
	case '2':
		c->minutes = 0;
		go(c, r, IVR_MENU_WALK);
		return;
	case '0':
		go(c, r, IVR_MENU_WALK_CONFIRM);
		return;
	case '*':
		c->minutes = 0;
		go(c, r, IVR_MENU_MAIN);
		return;
	}
	retry(c, r, "voice_invalid");
}

void
ivr_next(struct ivr_call *c, enum ivr_event ev, const char *digits,
    const char *known_lang, int enrolled, int paused, struct ivr_result *r)
{
	char	key;

	memset(r, 0, sizeof *r);
	if (c->menu == IVR_MENU_DONE) {
		goodbye(c, r);
		return;
	}
	/*
	 * The IVR_MAX_STEPS-th event is still handled, so a red flag on the
	 * last step is never dropped; ask() then ends the call.  A state read
	 * back with more steps (older versions stored IVR_MAX_STEPS + 1)
	 * stays in the range ivr_state_parse takes.
	 */
	if (c->steps <= IVR_MAX_STEPS)
		c->steps++;
	if (ev == IVR_START) {
		if (known_lang != NULL) {
			snprintf(c->lang, sizeof c->lang, "%s", known_lang);
			say(r, c->lang, "voice_greeting");
			go(c, r, IVR_MENU_MAIN);
		} else
			go(c, r, IVR_MENU_LANGUAGE);
		return;
	}
	if (ev == IVR_NO_INPUT || digits == NULL || digits[0] == '\0') {
		retry(c, r, "voice_no_input");
		return;
	}
	if (c->menu == IVR_MENU_WALK) {
		on_walk(c, digits, r);
		return;
	}
	/* Menus take one key; anything longer is a wrong key. */
	key = digits[1] == '\0' ? digits[0] : '?';
	switch (c->menu) {
	case IVR_MENU_LANGUAGE:
		on_language(c, key, r);
		break;
	case IVR_MENU_MAIN:
		on_main(c, key, enrolled, paused, r);
		break;
	case IVR_MENU_LEG:
		on_leg(c, key, r);
		break;
	case IVR_MENU_WALK_CONFIRM:
		on_walk_confirm(c, key, r);
		break;
	case IVR_MENU_WALK:
	case IVR_MENU_DONE:
		break;
	}
}
