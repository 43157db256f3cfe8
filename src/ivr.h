/* SPDX-License-Identifier: ISC */
/*
 * The phone keypad menu as a pure state machine: the call's state and one
 * event (the call starting, keys pressed, or no input) in; what to say,
 * whether to gather more keys or hang up, the effects to record
 * (escalation, walk minutes, pause toggle), and the new state out.  No
 * I/O: the voice webhooks (voice.c) load and store the state per call,
 * have the provider render the prompts from prompts/<lang>/voice_*.txt and
 * apply the effects.
 *
 * Every call ends within a bounded number of steps: at most IVR_MAX_RETRIES
 * re-prompts in a row (no input or a wrong key), and at most IVR_MAX_STEPS
 * events in all: the last one is handled like any other (an emergency key
 * is still an emergency), then the call says goodbye instead of asking
 * again.
 */
#ifndef CLOTLINE_IVR_H
#define CLOTLINE_IVR_H

#define IVR_MAX_RETRIES	2
#define IVR_MAX_STEPS	40
#define IVR_MAX_SAY	4
#define IVR_MIN_MINUTES	1
#define IVR_MAX_MINUTES	600

enum ivr_menu {
	IVR_MENU_LANGUAGE,	/* unknown caller: 1 English, 2 Español, 3 Deutsch */
	IVR_MENU_MAIN,
	IVR_MENU_LEG,		/* leg symptoms */
	IVR_MENU_WALK,		/* minutes then # */
	IVR_MENU_WALK_CONFIRM,	/* 1 save, 2 enter again */
	IVR_MENU_DONE,		/* hung up */
};

struct ivr_call {
	enum ivr_menu	 menu;
	char		 lang[4];	/* "" until chosen or known */
	int		 retries;	/* re-prompts in a row at this menu */
	int		 steps;		/* events handled */
	int		 minutes;	/* walk awaiting confirmation */
};

enum ivr_event {
	IVR_START,
	IVR_DIGITS,
	IVR_NO_INPUT,
};

struct ivr_say {
	const char	*lang;		/* which language's prompt */
	const char	*prompt;	/* prompts/<lang>/<prompt>.txt */
};

struct ivr_result {
	struct ivr_say	 say[IVR_MAX_SAY];
	int		 nsay;
	int		 hangup;	/* 1: say, then hang up */
	int		 num_digits;	/* gather: 1 for menus, 0 for a number and # */
	int		 timeout;	/* gather: seconds */
	/* Effects for the caller to record. */
	const char	*escalate;	/* NULL, "urgent" or "emergency" */
	const char	*symptom;	/* what was reported, for the alert */
	const char	*flag;		/* its red-flag id, for the escalation */
	int		 log_minutes;	/* > 0: a walk to store */
	int		 toggle_pause;	/* 1: pause or resume reminders */
	int		 minutes;	/* the {minutes} placeholder */
};

/* A fresh call (before IVR_START). */
void	ivr_init(struct ivr_call *);
/*
 * Applies one event.  known_lang is the enrolled patient's language (NULL
 * for an unknown caller); enrolled and paused describe the caller; digits
 * are the keys pressed (IVR_DIGITS only).
 */
void	ivr_next(struct ivr_call *, enum ivr_event, const char *digits,
	    const char *known_lang, int enrolled, int paused,
	    struct ivr_result *);
/*
 * The call's state as one line for the store ("menu=main lang=en retries=0
 * steps=3 minutes=0"), and back.  ivr_state_format returns a new string the
 * caller frees; ivr_state_parse fills *c and returns 0, or -1 when the text
 * is not a state it wrote (c is then a fresh call).
 */
char	*ivr_state_format(const struct ivr_call *);
int	 ivr_state_parse(const char *, struct ivr_call *);
/* "main", "leg" and so on, for logs. */
const char *ivr_menu_name(enum ivr_menu);
/* "en" -> "en-GB" and so on: the <Say> language attribute. */
const char *ivr_say_language(const char *lang);

#endif
