/* SPDX-License-Identifier: ISC */
/*
 * Loading the configuration, prompts and rules as one set (see settings.h).
 */
#include "config.h"

#include <stdlib.h>

#include "auth.h"
#include "conf.h"
#include "plan.h"
#include "prompts.h"
#include "settings.h"
#include "triage.h"
#include "voice.h"
#include "xmalloc.h"

/*
 * Every stage runs whatever an earlier one found, so check-config reports
 * a bad key, a broken prompt, a broken rule, a broken plan and a bad token
 * file in one run; only a configuration file that cannot be read at all
 * stops it.  The set is returned only when nothing was wrong.
 */
struct settings *
settings_load(const char *conf_path, struct diag *d)
{
	struct settings		*s;
	struct prompt_vars	 vars;
	char			*rules_dir;
	size_t			 before = d->nerrors;
	int			 conf_bad = 0;

	s = xcalloc(1, sizeof *s);
	if ((s->conf = conf_load_lenient(conf_path, d, &conf_bad)) == NULL)
		goto fail;
	vars.emergency_number = s->conf->emergency_number;
	vars.clinic_name = s->conf->clinic_name;
	/* Unset only in a conf with errors, kept to check the prompts. */
	vars.clinic_phone = s->conf->clinic_phone != NULL ?
	    s->conf->clinic_phone : "+10000000000";
	s->prompts = prompts_load(s->conf->prompts_dir, s->conf->language, &vars, d);
	rules_dir = xasprintf("%s/rules", s->conf->prompts_dir);
	s->rules = triage_rules_load(rules_dir, d);
	free(rules_dir);
	s->auth = auth_load(s->conf->token_file, getenv("CLOTLINE_ADMIN_TOKEN"),
	    d);
	if (s->prompts != NULL && s->rules != NULL)
		(void)prompts_check_names(s->prompts, s->conf->prompts_dir,
		    triage_rules_prompts(s->rules), d);
	if (s->prompts != NULL)
		(void)prompts_check_names(s->prompts, s->conf->prompts_dir,
		    voice_prompts, d);
	s->plans = plan_set_load(s->conf->plans_dir, !s->conf->plans_dir_given,
	    s->prompts, s->conf->prompts_dir, d);
	if (conf_bad || d->nerrors != before || s->prompts == NULL ||
	    s->rules == NULL || s->auth == NULL || s->plans == NULL)
		goto fail;
	return s;
fail:
	settings_free(s);
	return NULL;
}

void
settings_free(struct settings *s)
{
	if (s == NULL)
		return;
	conf_free(s->conf);
	prompts_free(s->prompts);
	triage_rules_free(s->rules);
	plan_set_free(s->plans);
	auth_free(s->auth);
	free(s);
}
