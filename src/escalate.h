/* SPDX-License-Identifier: ISC */
/*
 * Escalations to the clinic's on-call staff, shared by the SMS and keypad
 * paths, the outbox and the on-call clock (oncall.h); docs/escalations.md.
 *
 * An escalation is one patient's episode: the first urgent or emergency
 * message (or keypad choice) creates it and alerts the first on-call
 * number; the episode's further messages attach to it and alert nobody,
 * unless the level rises or a red flag appears that it had not listed,
 * which alerts the number holding it again (and reopens it if it was
 * acknowledged).  An escalation lasts as the triage engine's episode does:
 * 24 hours from its last message with a red flag of its own.
 *
 * Until someone acknowledges it (ACK by SMS from an on-call number, the
 * staff API or `clotline escalation ack`), its timer passes it to the next
 * number of the chain ([clinic] on_call, then each on_call_backup, and
 * round again) every [escalation] ack_timeout seconds; an alert the
 * provider could not deliver passes it on at once.  The timer is the
 * escalation's next_alert_at in the store, so it survives a restart.
 * Every step is an audit row and a log line (numbers redacted, never the
 * text).
 *
 * Everything here runs in the caller's transaction and only queues outbox
 * rows; the caller kicks the outbox after its commit.
 */
#ifndef CLOTLINE_ESCALATE_H
#define CLOTLINE_ESCALATE_H

#include <stdint.h>

struct escalation_row;
struct settings;
struct storage;

struct escalate {
	const char	*level;		/* "urgent" or "emergency" */
	const char	*phone;		/* the patient's number */
	int64_t		 patient_id;	/* 0: not enrolled */
	const char	*name;		/* the patient's name; may be NULL */
	int64_t		 inbound_id;	/* the message; 0 for a call */
	const char	*call_sid;	/* the call; NULL for a message */
	const char	*text;		/* what the patient said or chose */
	const char	*rules;		/* fired rule ids; may be NULL */
	const char	*flag;		/* the red flag when no rules fired
					   (a keypad choice); may be NULL */
	int		 own;		/* 1: a red flag of its own, not only
					   the episode's level */
	const char	*answered;	/* the question a YES answered; NULL */
	int64_t		 now;
};

/* What escalate_record did, for the caller's log line. */
struct escalate_result {
	int64_t		 id;		/* the escalation */
	int		 created;	/* 1: a new episode */
	int		 alerted;	/* 1: an alert was queued */
	int		 reopened;	/* 1: it had been acknowledged */
};

/*
 * Records a red-flag message or choice: a new escalation, or one attached
 * to the episode's, with an alert queued when it is new or worse.  Strings
 * are borrowed; res may be NULL.  Returns 0, or -1 on a store error.
 */
int	 escalate_record(const struct settings *, struct storage *,
	    const struct escalate *, struct escalate_result *res);

/*
 * Passes every escalation whose acknowledgement timer is due at now to the
 * next on-call number (or stops it once the episode is older than [outbox]
 * alert_max_age, logging an error).  *next_at is then the earliest timer
 * still to come (0: none).  Returns how many alerts it queued, or -1 on a
 * store error.
 */
int	 escalate_due(const struct settings *, struct storage *, int64_t now,
	    int64_t *next_at);

/*
 * The alert queued as outbox row outbound_id could not be delivered (a
 * failed or undelivered status, a permanent error, given up, expired): if
 * it is the newest alert of an open escalation, the next on-call number is
 * alerted at once.  why is for the log and the audit row.  0 (also when it
 * was no such alert), or -1 on a store error.
 */
int	 escalate_undelivered(const struct settings *, struct storage *,
	    int64_t outbound_id, const char *why, int64_t now);

enum escalate_ack {
	ESCALATE_ACK_DONE,
	ESCALATE_ACK_ALREADY,	/* *out says who did */
	ESCALATE_ACK_NONE,	/* no such escalation, or none alerted to */
	ESCALATE_ACK_FAILED,	/* the store */
};

/*
 * Acknowledges escalation id (0: the newest open one alerted to the number
 * alerted_to) as `by` ("staff:NAME", "sms:+44...") with an optional note:
 * the row, its timer stopped, an audit row "escalation.ack" and a log line.
 * *out (free with escalation_row_clear) is the escalation as it stands
 * afterwards for DONE and ALREADY.  In the caller's transaction.
 */
enum escalate_ack escalate_ack(struct storage *, int64_t id,
	    const char *alerted_to, const char *by, const char *note,
	    int64_t now, struct escalation_row *out);

/* The prompts staff are sent, beyond alert.txt; NULL-terminated. */
extern const char *const escalate_prompts[];

/* The first bytes of text, whole characters, digits redacted; caller frees. */
char	*escalate_excerpt(const char *text);
/*
 * The red flags among fired rule ids ("a,b"; red_flags as in settings.h),
 * in the order fired; caller frees.  "" when there are none.
 */
char	*escalate_flags(const char *red_flags, const char *rules);
/* The ids of b that are not in a ("a,b" lists); caller frees. */
char	*escalate_flags_new(const char *a, const char *b);

#endif
