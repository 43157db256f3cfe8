/* SPDX-License-Identifier: ISC */
/*
 * Everything the gateway reads from files, loaded as one set: the
 * configuration, the prompts it names, the triage rules under
 * prompts_dir/rules, the reminder plans under [reminders] plans_dir and
 * the staff API tokens ([admin] token_file, or env CLOTLINE_ADMIN_TOKEN).
 * check-config validates exactly this; SIGHUP builds a new set and swaps it
 * in only if it loaded whole.
 */
#ifndef CLOTLINE_SETTINGS_H
#define CLOTLINE_SETTINGS_H

#include "diag.h"

#define SETTINGS_MAX_VARIANTS	(2 * 32 + 1)

/*
 * The prompts rendered for one emergency number and one urgent line: a
 * patient is answered from the variant of their number's calling code
 * ([clinic] emergency_numbers and urgent_numbers).
 */
struct settings_variant {
	const char		*emergency;	/* borrowed from conf */
	const char		*urgent;	/* borrowed; NULL: none */
	struct prompts		*prompts;	/* owned */
};

struct settings {
	struct conf		*conf;		/* owned */
	/* The clinic's own numbers' variant, for staff and unknown codes. */
	struct prompts		*prompts;	/* variants[0].prompts */
	struct settings_variant	 variants[SETTINGS_MAX_VARIANTS];
	size_t			 nvariants;
	struct triage_rules	*rules;		/* owned */
	struct plans		*plans;		/* owned */
	struct auth		*auth;		/* owned: staff API tokens */
	/* Rule ids at urgent or emergency (the rules' red flags), ",a,b,". */
	char			*red_flags;	/* owned */
};

/* Returns a complete set (free with settings_free) or NULL with diag filled. */
struct settings	*settings_load(const char *conf_path, struct diag *);
void		 settings_free(struct settings *);
/*
 * The prompts to answer the number phone with: its calling code's
 * emergency number and urgent line (NULL phone: the default set).
 */
const struct prompts *settings_prompts(const struct settings *,
		    const char *phone);

#endif
