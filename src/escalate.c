/* SPDX-License-Identifier: ISC */
/*
 * Escalation rows and on-call alerts (see escalate.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "escalate.h"
#include "log.h"
#include "outbox_policy.h"
#include "prompts.h"
#include "settings.h"
#include "storage.h"
#include "xmalloc.h"

#define ESCALATE_EXCERPT_MAX	80	/* bytes of the text kept */

char *
escalate_excerpt(const char *text)
{
	char	*out, *p;
	size_t	 len = strlen(text);

	if (len > ESCALATE_EXCERPT_MAX) {
		len = ESCALATE_EXCERPT_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	out = xstrndup(text, len);
	log_redact_digits(out);
	if (len < strlen(text)) {
		p = xasprintf("%s...", out);
		free(out);
		out = p;
	}
	return out;
}

int
escalate_record(const struct settings *set, struct storage *st,
    const struct escalate *e)
{
	static const char *const keys[] = { "level", "phone", "excerpt" };
	struct escalation	 row;
	struct outbound		 ob;
	const char		*vals[3];
	char			*excerpt, *alert;
	int64_t			 outbound_id = 0;
	int			 rc = -1;

	excerpt = escalate_excerpt(e->text);
	vals[0] = e->level;
	vals[1] = e->phone;
	vals[2] = excerpt;
	alert = prompts_expand(prompts_get(set->prompts, NULL, PROMPT_ALERT),
	    keys, vals, 3);
	memset(&ob, 0, sizeof ob);
	ob.kind = "alert";
	ob.to = set->conf->on_call;
	ob.body = alert;
	ob.patient_id = e->patient_id;
	ob.created_at = e->now;
	ob.priority = strcmp(e->level, "emergency") == 0 ?
	    OUTBOX_PRIO_EMERGENCY : OUTBOX_PRIO_ALERT;
	if (storage_outbound_insert(st, &ob, &outbound_id) == -1)
		goto out;
	memset(&row, 0, sizeof row);
	row.phone = e->phone;
	row.patient_id = e->patient_id;
	row.inbound_id = e->inbound_id;
	row.call_sid = e->call_sid;
	row.level = e->level;
	row.excerpt = excerpt;
	row.rules = e->rules;
	row.outbound_id = outbound_id;
	row.created_at = e->now;
	rc = storage_escalation_insert(st, &row, NULL);
out:
	free(alert);
	free(excerpt);
	return rc;
}
