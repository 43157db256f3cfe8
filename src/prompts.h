/*
 * Reply templates: prompts/<lang>/<name>.txt, with {emergency_number},
 * {clinic_name} and {clinic_phone} filled in from the configuration when the
 * set is loaded.  Clinical wording lives in those files, never in C.  A set is
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
	PROMPT_COUNT
};

struct prompt_vars {
	const char	*emergency_number;
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
/* 1 if lang has its own directory in the set. */
int		 prompts_has_language(const struct prompts *, const char *lang);
const char	*prompts_name(enum prompt_id);

#endif
