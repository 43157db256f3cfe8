/* SPDX-License-Identifier: ISC */
/*
 * The inbound SMS webhook's work, free of HTTP and of any one provider: a
 * verified message in (provider.h), an HTTP status and a body out.  The
 * message, its triage and the reply are stored in one transaction (a
 * member's savepoint when the caller groups commits) before the answer is
 * returned, and a repeated message id gets the stored reply without being
 * processed again.  The reply is rendered into the answer by the provider's
 * hooks, or, for a provider that cannot reply in its answer, queued in the
 * outbox in the same transaction.
 */
#ifndef CLOTLINE_SMS_H
#define CLOTLINE_SMS_H

#include <stdint.h>

#include "triage.h"

struct metrics;
struct provider_hooks;
struct provider_inbound;
struct settings;
struct storage;

enum sms_tally {
	SMS_TALLY_NONE,
	SMS_TALLY_DUPLICATE,	/* a repeated message id */
	SMS_TALLY_SILENT,	/* stored, answered with no message */
	SMS_TALLY_KEYWORD,	/* stored, a STOP/START/HELP reply */
	SMS_TALLY_REPLY,	/* stored, a triage reply at level */
	SMS_TALLY_STAFF,	/* stored, from an on-call number (ACK) */
};

struct sms_response {
	int	 status;	/* 200, 400 or 503 */
	char	*body;		/* owned: the provider's answer for 200, a
				   reason otherwise */
	int	 queued;	/* 1: it queued messages for the outbox */
	int	 acked;		/* 1: an escalation was acknowledged */
	/*
	 * For a 200, what sms_done logs and counts once the work is durable
	 * (at once, or after a group commit: storage.h).
	 */
	char	*who;		/* owned: "SID from ***123" */
	char	*note;		/* owned: the outcome, for the log */
	int	 notice;	/* log at notice (a red flag), not info */
	enum sms_tally tally;
	int	 level;		/* the triage level, for SMS_TALLY_REPLY */
	int	 inbox;		/* 1: kept in the staff review inbox */
	/*
	 * 1: nothing was kept because another instance holds a lock the
	 * group member needed (storage_member_busy); a 503 unless the caller
	 * commits the group and runs the message again on its own.
	 */
	int	 alone;
};

/*
 * Handles one inbound message whose signature the caller has checked, as
 * the provider's hooks parsed it.  Fills *res; the caller frees res->body
 * and, for a 200, calls sms_done.
 */
void	sms_handle(const struct settings *, struct storage *, struct metrics *,
	    const struct provider_hooks *, const struct provider_inbound *,
	    int64_t now, struct sms_response *res);
/*
 * The rules check (the console's, POST /api/v1/triage): what an enrolled
 * patient would be answered for each of n messages sent a minute apart
 * from a fresh conversation, decided exactly as sms_handle decides, with
 * nothing read or stored.  lang is the patient's language; NULL: the
 * language each message looks like, else the clinic's.  Free each result
 * with sms_preview_clear.
 */
struct sms_preview {
	struct triage_result	 triage;
	const char		*kind;		/* "triage" or "keyword" */
	const char		*level;		/* as stored with the message */
	const char		*lang;		/* the reply's; NULL: default */
	char			*reply;		/* owned; NULL: none */
	char			*reads_as;	/* owned: the text as read */
	int			 escalate;	/* on-call would be alerted */
	int			 inbox;		/* kept for a person to read */
};
void	sms_preview(const struct settings *, const char *lang,
	    const char *const *texts, size_t n, int64_t now,
	    struct sms_preview *out);
void	sms_preview_clear(struct sms_preview *);

/*
 * Logs and counts a 200 once its work is durable (durable = 1), or logs
 * that it was not kept after all and counts a database error (0), when a
 * group commit failed and the answer became a 503.  Frees who and note.
 */
void	sms_done(struct metrics *, struct sms_response *res, int durable);

#endif
