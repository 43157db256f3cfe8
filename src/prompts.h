/* SPDX-License-Identifier: ISC */
/*
 * Reply templates: prompts/<lang>/<name>.txt, with {emergency_number},
 * {urgent_number}, {clinic_name} and {clinic_phone} filled in from the
 * configuration when the set is loaded (one set for each emergency and
 * urgent number the clinic's patients are given: settings.h).  Text
 * between [[ and ]] is kept only when every placeholder in it has a value.  Every language has the core prompts of enum prompt_id;
 * any other NAME.txt (the triage rules' replies) is found by name, falling
 * back to the default language.  urgent* and emergency* prompts must give
 * {emergency_number}; a prompt longer than 3 SMS segments is warned about.
 * Some prompts keep placeholders filled when they are sent (prompts.c
 * lists them): alert, delivery_failed and every reminder_* prompt.
 * Clinical wording lives in those files, never in C.  A set is
 * loaded whole or not at all, so a reload can swap it atomically.
 */
#ifndef CLOTLINE_PROMPTS_H
#define CLOTLINE_PROMPTS_H

#include "diag.h"

enum prompt_id {
	PROMPT_EMERGENCY,	/* red flag: call the emergency number now */
	PROMPT_URGENT,		/* same-day care */
	PROMPT_ADVICE,		/* a question the engine could not answer specifically */
	PROMPT_ROUTINE,		/* acknowledgement */
	PROMPT_HELP,		/* HELP / INFO */
	PROMPT_STOP,		/* opt-out confirmation */
	PROMPT_START,		/* opt-in confirmation */
	PROMPT_UNKNOWN,		/* a number that is not enrolled */
	PROMPT_ALERT,		/* to on-call: {level} {phone} {excerpt} */
	PROMPT_DELIVERY_FAILED,	/* to on-call: {phone} {reason} {code} */
	PROMPT_WELCOME,		/* first message after staff enrol a patient */
	PROMPT_COUNT
};

struct prompt_vars {
	const char	*emergency_number;
	const char	*urgent_number;		/* NULL: none for these patients */
	const char	*clinic_name;
	const char	*clinic_phone;
};

struct prompts;

/*
 * Loads every language directory under dir (a directory named by a 2 or 3
 * letter code).  default_lang must be among them.  Returns NULL with every
 * problem in diag (file:line) on error.  Free with prompts_free.
 */
struct prompts	*prompts_load(const char *dir, const char *default_lang,
		    const struct prompt_vars *, struct diag *);
void		 prompts_free(struct prompts *);
/*
 * The rendered text of id in lang, falling back to the default language when
 * lang is NULL or not loaded.  Never NULL; the string belongs to the set.
 */
const char	*prompts_get(const struct prompts *, const char *lang, enum prompt_id);
/* The prompt called name, in lang or else the default language; NULL if none. */
const char	*prompts_lookup(const struct prompts *, const char *lang,
		    const char *name);
/*
 * Checks that every name (NULL-terminated) exists: an error when the default
 * language lacks it, a warning for another language.  Returns -1 on error.
 */
int		 prompts_check_names(const struct prompts *, const char *dir,
		    const char *const *names, struct diag *);
/*
 * Replaces {key} with its value for each of n pairs; caller frees.  Text
 * between [[ and ]] is dropped when a placeholder in it is one of the keys
 * with a NULL or empty value.
 */
char		*prompts_expand(const char *tmpl, const char *const *keys,
		    const char *const *vals, size_t n);
/* 1 if lang has its own directory in the set. */
int		 prompts_has_language(const struct prompts *, const char *lang);
const char	*prompts_name(enum prompt_id);

#endif
