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

struct settings {
	struct conf		*conf;		/* owned */
	struct prompts		*prompts;	/* owned */
	struct triage_rules	*rules;		/* owned */
	struct plans		*plans;		/* owned */
	struct auth		*auth;		/* owned: staff API tokens */
};

/* Returns a complete set (free with settings_free) or NULL with diag filled. */
struct settings	*settings_load(const char *conf_path, struct diag *);
void		 settings_free(struct settings *);

#endif
