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

struct settings *
settings_load(const char *conf_path, struct diag *d)
{
	struct settings		*s;
	struct prompt_vars	 vars;
	char			*rules_dir;

	s = xcalloc(1, sizeof *s);
	if ((s->conf = conf_load(conf_path, d)) == NULL)
		goto fail;
	vars.emergency_number = s->conf->emergency_number;
	vars.clinic_name = s->conf->clinic_name;
	vars.clinic_phone = s->conf->clinic_phone;
	s->prompts = prompts_load(s->conf->prompts_dir, s->conf->language, &vars, d);
	rules_dir = xasprintf("%s/rules", s->conf->prompts_dir);
	s->rules = triage_rules_load(rules_dir, d);
	free(rules_dir);
	s->auth = auth_load(s->conf->token_file, getenv("CLOTLINE_ADMIN_TOKEN"),
	    d);
	if (s->prompts == NULL || s->rules == NULL || s->auth == NULL)
		goto fail;
	if (prompts_check_names(s->prompts, s->conf->prompts_dir,
	    triage_rules_prompts(s->rules), d) == -1 ||
	    prompts_check_names(s->prompts, s->conf->prompts_dir,
	    voice_prompts, d) == -1)
		goto fail;
	s->plans = plan_set_load(s->conf->plans_dir, !s->conf->plans_dir_given,
	    s->prompts, s->conf->prompts_dir, d);
	if (s->plans == NULL)
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
