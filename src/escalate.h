/* SPDX-License-Identifier: ISC */
/*
 * Escalation to the clinic's on-call number, shared by the SMS and keypad
 * paths: one escalations row and one alert queued in the outbox (priority 0
 * for an emergency), written in the caller's transaction so that the alert
 * exists exactly when the patient's answer was kept.
 */
#ifndef CLOTLINE_ESCALATE_H
#define CLOTLINE_ESCALATE_H

#include <stdint.h>

struct settings;
struct storage;

struct escalate {
	const char	*level;		/* "urgent" or "emergency" */
	const char	*phone;		/* the patient's number */
	int64_t		 patient_id;	/* 0: not enrolled */
	int64_t		 inbound_id;	/* the message; 0 for a call */
	const char	*call_sid;	/* the call; NULL for a message */
	const char	*text;		/* what the patient said or chose */
	const char	*rules;		/* fired rule ids; may be NULL */
	int64_t		 now;
};

/*
 * Records the escalation and queues the alert (prompts' alert.txt with the
 * level, the number and an excerpt of text with digit runs redacted).  All
 * strings are borrowed.  Returns 0, or -1 on a store error.
 */
int	 escalate_record(const struct settings *, struct storage *,
	    const struct escalate *);
/* The first bytes of text, whole characters, digits redacted; caller frees. */
char	*escalate_excerpt(const char *text);

#endif
