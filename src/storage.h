/* SPDX-License-Identifier: ISC */
/*
 * The store behind one interface, as OpenSMTPD's queue backends: a struct of
 * operations chosen by name.  "sqlite" is the embedded default; a PostgreSQL
 * backend can be added as one more file and one more table entry without
 * touching callers.  Callers use the storage_* wrappers only.
 *
 * Times are Unix seconds.  Functions that return int give 0 on success and -1
 * on a store error (already logged by the backend) unless stated otherwise.
 * Strings passed in are borrowed; strings handed back are owned by the caller.
 */
#ifndef CLOTLINE_STORAGE_H
#define CLOTLINE_STORAGE_H

#include <stddef.h>
#include <stdint.h>

struct patient {
	int64_t	 id;
	char	*phone;		/* E.164 */
	char	*name;		/* may be NULL */
	char	*language;
	char	*timezone;
	int	 enrolled;	/* 0: a number we only know from its messages */
	int	 opted_out;
	int	 paused;
	/* Enrolment (migration 5); NULL or 0 when not set. */
	char	*plan;		/* config/plans/<plan>.ini */
	char	*reminder_times; /* "walk=09:30,strength=17:00"; NULL: plan's */
	char	*start_date;	/* local YYYY-MM-DD */
	char	*end_date;	/* local YYYY-MM-DD, inclusive */
	char	*quiet_start;	/* local HH:MM; insert: NULL means 21:00 */
	char	*quiet_end;	/* local HH:MM; insert: NULL means 08:00 */
	int	 walk_target;	/* daily minutes; 0: the plan's */
	int64_t	 created_at;	/* read only */
	int64_t	 removed_at;	/* 0: not removed */
	int64_t	 welcomed_at;	/* when the welcome was queued; 0: never */
};

/* Which rows storage_patient_list returns. */
enum patient_which {
	PATIENTS_ENROLLED,	/* enrolled, whatever their state */
	PATIENTS_ACTIVE,	/* enrolled, neither paused nor opted out */
	PATIENTS_PAUSED,	/* enrolled and paused */
	PATIENTS_OPTED_OUT,	/* enrolled and opted out (STOP) */
	PATIENTS_REMOVED,	/* unenrolled by staff, history kept */
	PATIENTS_ALL,		/* enrolled or removed: never the numbers we
				   only know from their messages */
};

struct patient_filter {
	enum patient_which	 which;
	const char		*plan;		/* NULL: any plan */
	int64_t			 after_id;	/* paging: ids above this */
	size_t			 max;		/* at most this many rows */
};

struct inbound {
	const char	*provider;	/* "twilio" */
	const char	*provider_sid;	/* the dedupe key */
	const char	*from;
	const char	*to;		/* may be NULL */
	const char	*body;		/* valid UTF-8 */
	int64_t		 received_at;
	int64_t		 patient_id;	/* 0: none */
	const char	*kind;		/* "triage" or "keyword" */
	const char	*level;		/* triage level or keyword name */
	const char	*rules;		/* fired rule ids; may be NULL */
	const char	*reply;		/* NULL: an empty reply */
};

/*
 * One part of a long message that arrives in parts (Vonage's concat-*),
 * kept until the whole can be triaged.  A group is (provider, phone, ref).
 */
struct inbound_part {
	const char	*provider;
	const char	*phone;		/* the sender */
	const char	*ref;		/* the parts' shared reference */
	int		 part;		/* 1..total */
	int		 total;
	const char	*sid;		/* the part's own provider id */
	const char	*to;		/* may be NULL */
	const char	*body;		/* valid UTF-8 */
	int64_t		 received_at;
};

/* A part as read back; free with inbound_part_row_clear. */
struct inbound_part_row {
	int	 part;
	int	 total;
	char	*sid;
	char	*to;		/* may be NULL */
	char	*body;
	int64_t	 received_at;
	int64_t	 done_at;	/* 0: not yet part of a triaged message */
};

/* The oldest waiting group (storage_parts_oldest); free with ..._clear. */
struct inbound_part_group {
	char	*provider;
	char	*phone;
	char	*ref;
	int	 total;
};

/*
 * An escalation is one patient's episode (migration 10): created by the
 * first red flag, further messages of the episode attach to it (struct
 * escalation_message), and each alert it raised is a struct
 * escalation_alert.  The on-call chain and the acknowledgement timer are
 * its columns, so they survive a restart (escalate.h).
 */
struct escalation {
	const char	*phone;
	int64_t		 patient_id;	/* 0: none */
	int64_t		 inbound_id;
	const char	*level;		/* "urgent" or "emergency" */
	const char	*excerpt;	/* redacted */
	const char	*rules;		/* fired rule ids; may be NULL */
	int64_t		 outbound_id;	/* the first on-call alert; 0: none */
	int64_t		 created_at;
	const char	*call_sid;	/* reported by phone keypad; may be NULL */
	const char	*concepts;	/* red-flag rule ids, "a,b"; may be NULL */
	int64_t		 flagged_at;	/* last message with its own red flag */
	int		 chain_pos;	/* the on-call number alerted, 0 first */
	const char	*alerted_to;	/* that number */
	int64_t		 next_alert_at;	/* ack timer; 0: none */
};

/* Changes to an escalation: NULL and 0 fields are left as they are. */
struct escalation_update {
	int64_t		 id;
	const char	*level;
	const char	*concepts;
	int64_t		 flagged_at;
	int		 chain_pos;	/* -1: leave */
	const char	*alerted_to;
	int64_t		 next_alert_at;	/* -1: clear the timer */
	int		 failovers;	/* -1: leave */
	int		 reopen;	/* 1: clear the acknowledgement */
	int64_t		 outbound_id;	/* the first alert */
	int64_t		 now;		/* updated_at */
};

/* One alert an escalation raised: which outbox row, to whom, and why. */
struct escalation_alert {
	int64_t		 escalation_id;
	int64_t		 outbound_id;
	const char	*to;
	int		 chain_pos;
	const char	*reason;	/* new, rise, concept, timeout, undelivered */
	int64_t		 created_at;
};

/* A message or keypad call of an episode, attached to its escalation. */
struct escalation_message {
	int64_t		 escalation_id;
	int64_t		 inbound_id;	/* 0: a call */
	const char	*call_sid;	/* NULL: a message */
	const char	*level;
	const char	*concepts;	/* may be NULL */
	const char	*excerpt;	/* redacted */
	int		 alerted;	/* 1: it raised an alert */
	int64_t		 at;
};

/*
 * A message waiting for a person (the staff review inbox, migration 9):
 * "review" when the triage engine asks for one (the patient asked for a
 * person, or nothing placed the message), "callback" when the patient asked
 * to be called back.
 */
struct inbox_item {
	int64_t		 inbound_id;	/* the message; 0: none */
	const char	*phone;
	int64_t		 patient_id;	/* 0: none */
	const char	*reason;	/* "review" or "callback" */
	int64_t		 created_at;
};

/*
 * An inbox row as read back, with its message; free its strings with
 * inbox_row_clear.
 */
struct inbox_row {
	int64_t	 id;
	int64_t	 inbound_id;	/* 0: none */
	char	*phone;
	int64_t	 patient_id;	/* 0: none */
	char	*reason;
	int64_t	 created_at;
	int64_t	 done_at;	/* 0: open */
	char	*done_by;	/* "staff:NAME"; NULL while open */
	char	*note;		/* may be NULL */
	char	*body;		/* the message's text; NULL without one */
	char	*level;		/* its triage level or keyword; may be NULL */
	int64_t	 received_at;	/* 0 without a message */
};

/*
 * One message of a conversation as staff read it (the console): a text the
 * number sent, with the reply it got, or a message the clinic queued for it
 * (welcome, reminder, reply).  Free its strings with message_row_clear.
 */
struct message_row {
	int64_t	 id;		/* inbound or outbound id, by direction */
	int	 inbound;	/* 1: from the number, 0: to it */
	char	*kind;		/* triage, keyword; welcome, reminder, reply */
	int64_t	 at;		/* received, or sent (else queued for) */
	char	*body;
	char	*level;		/* inbound: triage level or keyword */
	char	*rules;		/* inbound: rules that fired; may be NULL */
	char	*reply;		/* inbound: the reply sent; may be NULL */
	char	*status;	/* outbound: pending, sent, failed ... */
};

/* The triage engine's memory of one phone number (triage_state_format). */
struct conversation {
	const char	*phone;
	int64_t		 patient_id;	/* 0: none */
	const char	*level;		/* episode level, for staff queries */
	const char	*state;
	int64_t		 updated_at;
};

/* An activity report ("walked 20 min"); 0 means not given. */
struct activity {
	const char	*phone;
	int64_t		 patient_id;	/* 0: none */
	int64_t		 inbound_id;
	int		 minutes;
	int		 meters;
	int		 steps;
	int64_t		 reported_at;
	const char	*call_sid;	/* reported by phone keypad; may be NULL */
};

/* One phone keypad call (ivr.h), stored after each webhook. */
struct call {
	const char	*call_sid;
	const char	*from;
	int64_t		 patient_id;	/* 0: none */
	const char	*state;		/* ivr_state_format */
	int		 step;		/* webhooks handled */
	const char	*last_twiml;	/* the answer to the last one */
	int		 ended;		/* 1: the call has hung up */
	int64_t		 now;
};

/* A call as read back; free its strings with call_row_clear. */
struct call_row {
	char	*state;
	int	 step;
	char	*last_twiml;	/* may be NULL */
};

/* An escalation as read back; free its strings with escalation_row_clear. */
struct escalation_row {
	int64_t	 id;
	char	*phone;
	int64_t	 patient_id;	/* 0: none */
	char	*level;
	char	*excerpt;	/* may be NULL */
	char	*rules;		/* may be NULL */
	int64_t	 created_at;
	int64_t	 alerted_at;	/* 0: no on-call alert is out yet */
	int64_t	 acknowledged_at; /* 0: open */
	char	*acknowledged_by; /* "staff:NAME", "sms:+44..."; NULL while open */
	/* Migration 10. */
	char	*ack_note;	/* may be NULL */
	char	*concepts;	/* may be NULL */
	char	*patient_name;	/* the patient's, may be NULL */
	int64_t	 flagged_at;
	int64_t	 updated_at;
	int	 chain_pos;
	char	*alerted_to;	/* may be NULL */
	int64_t	 next_alert_at;	/* 0: no timer */
	int	 failovers;	/* undelivered alerts passed on since the last */
	int	 nalerts;	/* alerts raised */
	int	 nmessages;	/* messages and calls attached */
	int64_t	 inbound_id;	/* the first message; 0: a call */
	int64_t	 last_alert_id;	/* the newest alert's outbox row; 0 */
};

/* Which one escalation storage_escalation_find looks for. */
enum escalation_which {
	ESCALATION_BY_ID,	/* key.id */
	ESCALATION_BY_ALERT,	/* key.id is an alert's outbound row */
	ESCALATION_EPISODE,	/* key.phone's newest, flagged at or after
				   key.since */
	ESCALATION_ALERTED_TO,	/* the newest open one alerted to key.phone */
};

struct escalation_key {
	enum escalation_which	 which;
	int64_t			 id;
	const char		*phone;
	int64_t			 since;
};

/* Which escalations storage_escalation_list returns, newest first. */
struct escalation_filter {
	int		 open_only;
	int64_t		 patient_id;	/* 0: everyone */
	int64_t		 since;		/* created at or after; 0: any time */
	int64_t		 before_id;	/* paging: ids below this; 0: none */
	size_t		 max;
};

/* A message of an episode as read back (escalation_history_free). */
struct escalation_event {
	int64_t	 at;
	char	*kind;		/* "message", "call" or "alert" */
	char	*level;		/* a message's level; NULL for an alert */
	char	*text;		/* message body (staff only), or NULL */
	char	*reply;		/* what the patient was told; may be NULL */
	char	*to;		/* an alert's recipient */
	char	*reason;	/* an alert's reason */
	char	*status;	/* an alert's outbox status and delivery */
	int	 alerted;	/* a message that raised an alert */
	int64_t	 ref;		/* inbound or outbound id */
};

/* What /metrics and /readyz need to know about escalations. */
struct escalation_stats {
	int	 open_urgent;
	int	 open_emergency;
	int64_t	 oldest_open_at;	/* created_at of the oldest open; 0 */
	int	 alerts_stuck;		/* alerts unsent since before `stuck` */
};

/* An activity report as read back (plain data); 0: not given. */
struct activity_row {
	int64_t	 id;
	int64_t	 patient_id;	/* 0: none */
	int64_t	 reported_at;
	int	 minutes;
	int	 meters;
	int	 steps;
	int	 by_call;	/* 1: reported on the phone keypad, 0: by SMS */
};

/*
 * A patient as the reminder scheduler loads it: the row, when it last
 * changed, and the last fire of each reminder ("walk=1552208400,
 * strength=1552237200"; NULL if none fired yet).  Borrowed for the length
 * of one storage_reminder_fn call.
 */
struct reminder_patient {
	struct patient	 p;
	int64_t		 updated_at;
	const char	*fired;
};
/* Called for each patient; returning non-zero stops the walk early. */
typedef int (*storage_reminder_fn)(void *arg, const struct reminder_patient *);

/* The scheduler's record of one reminder of one patient (schedules). */
struct schedule_row {
	int64_t		 patient_id;
	const char	*reminder;
	int64_t		 last_fire;	/* the due time just handled */
	const char	*last_status;	/* "sent" or "skipped" */
	int64_t		 next_fire;	/* 0: never again */
	int64_t		 updated_at;
};

/* A message queued for the provider; the outbox sends it. */
struct outbound {
	const char	*kind;		/* "alert", "reminder", "welcome", "reply" */
	const char	*to;
	const char	*body;
	int64_t		 patient_id;	/* 0: none */
	int64_t		 created_at;	/* also the first attempt time */
	int64_t		 expires_at;	/* 0: never */
	int		 priority;	/* lower goes first; 0: emergency alert */
	int		 fair;		/* within a priority, lower goes first
					   (escalate.c: a patient's first
					   alert before anyone's repeats) */
};

/* An outbox row as read back; free its strings with outbound_row_clear. */
struct outbound_row {
	int64_t	 id;
	char	*kind;
	char	*to;
	char	*body;
	char	*status;	/* pending, sending, unknown, sent, failed, ... */
	char	*delivery;	/* the provider's last state; may be NULL */
	char	*provider_sid;	/* may be NULL */
	int	 priority;
	int	 attempts;	/* including the one just claimed */
	int64_t	 created_at;
	int64_t	 expires_at;	/* 0: never */
	int64_t	 patient_id;	/* 0: none */
	int	 error_code;	/* 0: none */
};

/* Changes to one outbox row: NULL and 0 fields are left as they are. */
struct outbound_update {
	int64_t		 id;
	const char	*status;
	const char	*delivery;
	const char	*provider_sid;
	int		 error_code;
	const char	*error_message;
	int64_t		 next_attempt_at;
	int64_t		 sent_at;
	int		 segments;
	int		 clear_error;	/* forget earlier attempts' errors */
	int		 not_attempted;	/* the claim made no attempt: undo its
					   count (a wait for quiet hours) */
	int64_t		 now;
};

struct audit {
	int64_t		 at;
	const char	*actor;		/* "patient", "system", "staff:NAME" */
	const char	*action;
	const char	*subject;	/* a phone number or patient id */
	const char	*detail;	/* may be NULL */
};

struct storage_options {
	int	busy_timeout_ms;
	/*
	 * On a store several instances share: seconds an outbox claim holds
	 * its rows before another instance may take them over (0: 300).
	 */
	int	lease;
};

struct event_base;

struct storage_ops {
	const char	*name;
	/* 1: several gateways may use one store at once (storage_shared). */
	int		 shared;
	void		*(*open)(const char *location,
			    const struct storage_options *, char **errp);
	void		 (*close)(void *);
	int		 (*ping)(void *);
	void		 (*busy_timeout)(void *, int ms);
	int		 (*schema_version)(void *);
	int		 (*begin)(void *);
	int		 (*commit)(void *);
	void		 (*rollback)(void *);
	/* A transaction nested in the open one, for group members. */
	int		 (*savepoint)(void *);
	int		 (*release)(void *);
	void		 (*rollback_savepoint)(void *);
	/* 1 while a transaction is open (errors can end one). */
	int		 (*in_transaction)(void *);
	/*
	 * A shared store's group members (storage_member_busy): with on set,
	 * a lock another instance holds fails the statement at once, and so
	 * does a wait for one that ran out or deadlocked, instead of the
	 * member waiting while its group holds its other locks; busy says
	 * whether that was the last failure (cleared when on is set).  NULL
	 * on a store no other instance uses.
	 */
	void		 (*try_locks)(void *, int on);
	int		 (*lock_busy)(void *);
	int		 (*inbound_find)(void *, const char *provider,
			    const char *sid, char **reply);
	int		 (*inbound_insert)(void *, const struct inbound *,
			    int64_t *id);
	/*
	 * storage_inbound_start's reads in one go; NULL: the wrapper runs
	 * inbound_find, patient_find and conversation_get in turn.
	 */
	int		 (*inbound_start)(void *, const char *provider,
			    const char *sid, const char *phone, char **reply,
			    struct patient *, int *known, char **state);
	int		 (*part_put)(void *, const struct inbound_part *);
	int		 (*parts_get)(void *, const char *provider,
			    const char *phone, const char *ref,
			    struct inbound_part_row *, size_t max, size_t *n);
	int		 (*parts_done)(void *, const char *provider,
			    const char *phone, const char *ref, int64_t now);
	int		 (*parts_oldest)(void *, int64_t before,
			    struct inbound_part_group *);
	int		 (*patient_find)(void *, const char *phone,
			    struct patient *);
	int		 (*patient_insert)(void *, const struct patient *,
			    int64_t now, int64_t *id);
	int		 (*patient_set_opt_out)(void *, const char *phone,
			    int opted_out, int64_t now);
	int		 (*patient_set_paused)(void *, const char *phone,
			    int paused, int64_t now);
	int		 (*patient_get)(void *, int64_t id, struct patient *);
	int		 (*reminder_patients)(void *, int64_t since, int all,
			    storage_reminder_fn, void *arg);
	int		 (*activity_since)(void *, int64_t patient_id,
			    int64_t since, struct activity_row *, size_t max,
			    size_t *n);
	int		 (*schedule_put)(void *, const struct schedule_row *);
	int		 (*escalation_insert)(void *, const struct escalation *,
			    int64_t *id);
	int		 (*audit_append)(void *, const struct audit *);
	int		 (*conversation_get)(void *, const char *phone,
			    char **state);
	int		 (*conversation_put)(void *, const struct conversation *);
	int		 (*call_get)(void *, const char *sid, struct call_row *);
	int		 (*call_put)(void *, const struct call *);
	int		 (*activity_insert)(void *, const struct activity *);
	int		 (*outbound_insert)(void *, const struct outbound *,
			    int64_t *id);
	int		 (*outbound_claim)(void *, int64_t now, size_t max,
			    struct outbound_row *, size_t *n);
	int		 (*outbound_next_due)(void *, int64_t *at);
	int		 (*outbound_stalled)(void *, int64_t before);
	int		 (*outbound_backlog)(void *, int64_t now, int64_t *count,
			    int64_t *oldest);
	int		 (*outbound_update)(void *, const struct outbound_update *);
	int		 (*outbound_get)(void *, int64_t id, const char *sid,
			    struct outbound_row *);
	int		 (*outbound_recent)(void *, int64_t id, const char *to,
			    const char *body, int64_t since);
	int		 (*outbound_cancel)(void *, const char *to,
			    const char *kind, const char *why, int64_t now);
	int		 (*outbound_recover)(void *, int64_t now, int64_t retry_at);
	int		 (*escalation_alerted)(void *, int64_t outbound_id,
			    int64_t now);
	int		 (*escalation_find)(void *, const struct escalation_key *,
			    struct escalation_row *);
	int		 (*escalation_update)(void *,
			    const struct escalation_update *);
	int		 (*escalation_alert_insert)(void *,
			    const struct escalation_alert *);
	int		 (*escalation_message_insert)(void *,
			    const struct escalation_message *);
	int		 (*escalation_due)(void *, int64_t now, int64_t *ids,
			    size_t max, size_t *n, int64_t *next_at);
	int		 (*escalation_history)(void *, int64_t id,
			    struct escalation_event **, size_t *n);
	int		 (*escalation_stats)(void *, int64_t stuck_before,
			    struct escalation_stats *);
	int		 (*patient_list)(void *, const struct patient_filter *,
			    struct patient **, size_t *n);
	int		 (*patient_update)(void *, const struct patient *,
			    int64_t now);
	int		 (*escalation_get)(void *, int64_t id,
			    struct escalation_row *);
	int		 (*escalation_list)(void *,
			    const struct escalation_filter *,
			    struct escalation_row **, size_t *n);
	int		 (*escalation_ack)(void *, int64_t id, const char *by,
			    const char *note, int64_t now);
	int		 (*activity_list)(void *, int64_t patient_id,
			    int64_t since, int64_t until, size_t max,
			    struct activity_row **, size_t *n);
	int		 (*inbox_insert)(void *, const struct inbox_item *,
			    int64_t *id);
	int		 (*inbox_get)(void *, int64_t id, struct inbox_row *);
	int		 (*inbox_list)(void *, int open_only, size_t max,
			    struct inbox_row **, size_t *n);
	int		 (*inbox_done)(void *, int64_t id, const char *by,
			    const char *note, int64_t now);
	int		 (*message_list)(void *, const char *phone,
			    int64_t before, size_t max, struct message_row **,
			    size_t *n);
	int		 (*reminder_slot_take)(void *, int64_t patient_id,
			    const char *reminder, int32_t day, int64_t now);
	/*
	 * A notice of other sessions' changes to the patients (storage_watch);
	 * NULL on a store no other instance uses.
	 */
	void		*(*watch_new)(void *, struct event_base *,
			    void (*cb)(void *), void *arg);
	void		 (*watch_free)(void *);
};

struct storage;

/*
 * Opens the named backend at location and brings its schema up to date:
 * "sqlite" at a file path or ":memory:", "postgresql" (when built with
 * libpq) at a libpq connection URI or string.  On failure returns NULL and
 * sets *errp to a new message the caller frees.
 */
struct storage	*storage_open(const char *backend, const char *location,
		    const struct storage_options *, char **errp);
void		 storage_close(struct storage *);
const char	*storage_backend(const struct storage *);
/* 1 if the named backend was built in. */
int		 storage_backend_known(const char *backend);
/* The backends built in, comma-separated, for messages. */
const char	*storage_backend_names(void);
/*
 * 1 if several gateways may share the store (PostgreSQL): outbox claims
 * carry a lease that storage_outbound_recover takes over once it has run
 * out, and a group member never waits for a lock another instance holds
 * (storage_member_busy), so no group holds one number's lock while
 * waiting for another's.
 */
int		 storage_shared(const struct storage *);

/*
 * 0 if the store answers and takes writes: after a write failed for want of
 * space or a failing disk (not a busy lock), a ping also tries a small write
 * until one succeeds.
 */
int	 storage_ping(struct storage *);
/*
 * How long a begin (or any write) waits for a lock another process holds,
 * from now on, before it fails; storage_options.busy_timeout_ms at open.
 */
void	 storage_set_busy_timeout(struct storage *, int ms);
/* The schema version the store is at. */
int	 storage_schema_version(struct storage *);
/*
 * One transaction at a time; commit makes everything since begin durable.
 * Inside a group member (below) they nest in the group's transaction
 * instead, and the member's work is durable when the group commits.
 */
int	 storage_begin(struct storage *);
int	 storage_commit(struct storage *);
void	 storage_rollback(struct storage *);

/*
 * Group commit: the work of many requests in one transaction, made durable
 * by one sync instead of one each.  The owner (server.c) joins a request's
 * work to the group, holds its answer, and answers every member after
 * storage_group_commit: with success if it returned 0, or as if nothing
 * was stored (it was not) if -1.  A member's begin, commit and rollback are
 * a savepoint, so a failing member undoes only its own work, unless the
 * backend had to drop the whole transaction (a full disk): then the group
 * is lost and its commit returns -1.
 *
 * Any other storage call while the group is open (the outbox, the
 * scheduler, the staff API, /healthz) first calls flush, which must commit
 * the group and answer its members, so their work never joins the group
 * and their commits stay durable when they return.  Without a flush set
 * the group is committed and the outcome is not told to anyone.
 *
 * join opens the group if needed (-1: it could not; run the request
 * without it) and makes what follows a member's work until leave.
 *
 * On a shared store a member takes its locks without waiting: if another
 * instance holds one, the member's statement fails and
 * storage_member_busy says so (until leave).  Its work is undone by the
 * member's rollback like any failure; the owner then commits the group,
 * answers its members, and runs the request again on its own, outside any
 * group, where waiting for the lock is safe: its transaction holds no
 * other instance's work back but its own message's, and a message's locks
 * are always taken in one order.  A group therefore never waits while
 * holding a lock, and two instances cannot deadlock each other.
 */
typedef void (*storage_flush_fn)(void *arg);
void	 storage_set_flush(struct storage *, storage_flush_fn, void *arg);
int	 storage_group_join(struct storage *);
void	 storage_group_leave(struct storage *);
int	 storage_group_active(const struct storage *);
int	 storage_group_commit(struct storage *);
/*
 * 1 if the member's work failed because another instance holds a lock it
 * needs (above): not an error, the request is to run again alone.
 */
int	 storage_member_busy(const struct storage *);
/*
 * Looks up an inbound message by its provider id: returns 1 and sets *reply
 * (NULL for an empty reply; caller frees) if it was seen, 0 if not, -1 on error.
 */
int	 storage_inbound_find(struct storage *, const char *provider,
	    const char *sid, char **reply);
int	 storage_inbound_insert(struct storage *, const struct inbound *,
	    int64_t *id);
/*
 * The reads that start a patient's message, in the order sms.c made them
 * one by one: the provider id looked up as storage_inbound_find (1 with
 * *reply if it was seen; then nothing more is read or locked), else the
 * number's patient as storage_patient_find (*known: 1 with *p filled, or
 * 0) and its conversation as storage_conversation_get (*state, or NULL).
 * 0 if not seen, -1 on error (*p and *state then empty).  On PostgreSQL
 * one round trip instead of three, with the same locks in the same order.
 */
int	 storage_inbound_start(struct storage *, const char *provider,
	    const char *sid, const char *phone, char **reply, struct patient *p,
	    int *known, char **state);
/*
 * Keeps one part of a long message: 1 if it is new, 0 if that part of the
 * group was kept already (the provider repeating itself), -1 on error.
 */
int	 storage_part_put(struct storage *, const struct inbound_part *);
/*
 * The group's parts in part order, at most max of them, into rows (clear
 * each with inbound_part_row_clear); 0, or -1 on error.
 */
int	 storage_parts_get(struct storage *, const char *provider,
	    const char *phone, const char *ref, struct inbound_part_row *rows,
	    size_t max, size_t *n);
/* Marks the group's parts triaged (they stay, so a repeat is known). */
int	 storage_parts_done(struct storage *, const char *provider,
	    const char *phone, const char *ref, int64_t now);
/*
 * The group whose first waiting part arrived longest ago, if before
 * before: 1 and *g (clear with inbound_part_group_clear), 0 if none, -1.
 */
int	 storage_parts_oldest(struct storage *, int64_t before,
	    struct inbound_part_group *g);
void	 inbound_part_row_clear(struct inbound_part_row *);
void	 inbound_part_group_clear(struct inbound_part_group *);
/*
 * Fills *p (free its strings with patient_clear) and returns 1 if the phone
 * number is known, 0 if not, -1 on error.
 */
int	 storage_patient_find(struct storage *, const char *phone, struct patient *);
int	 storage_patient_insert(struct storage *, const struct patient *,
	    int64_t now, int64_t *id);
/* Records opt-out state for phone, creating an unenrolled row if needed. */
int	 storage_patient_set_opt_out(struct storage *, const char *phone,
	    int opted_out, int64_t now);
/*
 * Pauses or resumes an enrolled patient's reminders (and bumps updated_at so
 * the scheduler sees it): 1 if a patient changed, 0 if none is enrolled
 * under phone, -1 on error.
 */
int	 storage_patient_set_paused(struct storage *, const char *phone,
	    int paused, int64_t now);
/* As storage_patient_find, by id. */
int	 storage_patient_get(struct storage *, int64_t id, struct patient *);
/*
 * Walks the patients the reminder scheduler cares about: with all = 0,
 * the enrolled patients that have a plan and changed at or after since
 * (0: every one); with all = 1, every patient row that changed at or after
 * since, whatever its state, so that de-enrolment is seen too.
 */
int	 storage_reminder_patients(struct storage *, int64_t since, int all,
	    storage_reminder_fn, void *arg);
/* Up to max activity reports of a patient at or after since, oldest first. */
int	 storage_activity_since(struct storage *, int64_t patient_id,
	    int64_t since, struct activity_row *rows, size_t max, size_t *n);
/* Creates or replaces a patient's record of one reminder. */
int	 storage_schedule_put(struct storage *, const struct schedule_row *);
int	 storage_escalation_insert(struct storage *, const struct escalation *,
	    int64_t *id);
int	 storage_audit_append(struct storage *, const struct audit *);
/*
 * The stored triage state of phone: returns 1 and sets *state (caller
 * frees), 0 if there is none, -1 on error.
 */
int	 storage_conversation_get(struct storage *, const char *phone,
	    char **state);
/* Creates or replaces the conversation's state. */
int	 storage_conversation_put(struct storage *, const struct conversation *);
/*
 * The keypad call with this CallSid: returns 1 and fills *c (free with
 * call_row_clear), 0 if there is none, -1 on error.  put creates or updates
 * it; the first put sets started_at, and ended_at is set once.
 */
int	 storage_call_get(struct storage *, const char *sid, struct call_row *c);
int	 storage_call_put(struct storage *, const struct call *);
int	 storage_activity_insert(struct storage *, const struct activity *);
int	 storage_outbound_insert(struct storage *, const struct outbound *,
	    int64_t *id);
/*
 * The outbox (outbox.h).  claim takes up to max due rows (pending or unknown,
 * next_attempt_at <= now), most urgent first, marks them sending and counts
 * the attempt; the caller frees each row.  next_due returns 1 and sets *at to
 * the earliest next_attempt_at, 0 if nothing is waiting.  get finds a row by
 * id, or by provider sid when id is 0 (1 found, 0 not).  recent counts the
 * other rows to the same number with the same body that were handed to the
 * provider since a time, or are in flight and were queued before row id
 * (-1 on error).  cancel marks the number's waiting rows of one kind
 * cancelled and returns how many.  recover turns rows left sending by a
 * stopped run into unknown rows due at retry_at and returns how many: on a
 * store of one instance (SQLite), every row left sending, so it runs at
 * start only; on a shared store, the rows whose claim's lease ran out
 * (their instance stopped or lost the store), so it also runs as the
 * outbox polls.
 */
int	 storage_outbound_claim(struct storage *, int64_t now, size_t max,
	    struct outbound_row *rows, size_t *n);
int	 storage_outbound_next_due(struct storage *, int64_t *at);
/*
 * Waiting rows that were due before `before`, or were first queued before
 * it and have failed at least once since, and rows claimed before it whose
 * outcome is still not recorded (-1 on error).
 */
int	 storage_outbound_stalled(struct storage *, int64_t before);
/*
 * The outbox's backlog for /metrics: messages that should be on their way
 * by now (due, failed and waiting to retry, or being sent) into *count,
 * and the queueing time of the oldest of them into *oldest (0: none).
 */
int	 storage_outbound_backlog(struct storage *, int64_t now, int64_t *count,
	    int64_t *oldest);
int	 storage_outbound_update(struct storage *, const struct outbound_update *);
int	 storage_outbound_get(struct storage *, int64_t id, const char *sid,
	    struct outbound_row *);
int	 storage_outbound_recent(struct storage *, int64_t id, const char *to,
	    const char *body, int64_t since);
int	 storage_outbound_cancel(struct storage *, const char *to,
	    const char *kind, const char *why, int64_t now);
int	 storage_outbound_recover(struct storage *, int64_t now, int64_t retry_at);
/*
 * Records that an on-call alert (its outbox row) went to the provider: the
 * escalation's alerted_at is set by its first.
 */
int	 storage_escalation_alerted(struct storage *, int64_t outbound_id,
	    int64_t now);
/*
 * The escalation key names (enum escalation_which): 1 and *e filled (free
 * with escalation_row_clear), 0 if there is none, -1 on error.
 */
int	 storage_escalation_find(struct storage *, const struct escalation_key *,
	    struct escalation_row *e);
/* 1 changed, 0 no such escalation. */
int	 storage_escalation_update(struct storage *,
	    const struct escalation_update *);
int	 storage_escalation_alert_insert(struct storage *,
	    const struct escalation_alert *);
int	 storage_escalation_message_insert(struct storage *,
	    const struct escalation_message *);
/*
 * Up to max open escalations whose ack timer is due at now, into ids; and
 * *next_at, the earliest timer of an open escalation still to come (0 for
 * none).
 */
int	 storage_escalation_due(struct storage *, int64_t now, int64_t *ids,
	    size_t max, size_t *n, int64_t *next_at);
/*
 * An escalation's messages, calls and alerts, oldest first, as a new array
 * (free with escalation_history_free).
 */
int	 storage_escalation_history(struct storage *, int64_t id,
	    struct escalation_event **v, size_t *n);
/*
 * Open escalations by level, the oldest open one, and the alerts still not
 * accepted by the provider that were queued before stuck_before.
 */
int	 storage_escalation_stats(struct storage *, int64_t stuck_before,
	    struct escalation_stats *);

/*
 * Staff queries.  patient_list returns a new array of the filter's patients in id order
 * (free with patient_list_free).  patient_update writes every field of *p
 * but phone, opted_out and created_at to the row with p->id, and bumps
 * updated_at so the scheduler sees it: 1 changed, 0 no such row.
 */
int	 storage_patient_list(struct storage *, const struct patient_filter *,
	    struct patient **v, size_t *n);
int	 storage_patient_update(struct storage *, const struct patient *,
	    int64_t now);
/*
 * Escalations for staff: get by id (1 found, 0 not); list, newest first, as
 * the filter says, into a new array (free with escalation_list_free); ack
 * marks an open escalation acknowledged by `by` with an optional note and
 * stops its timer: 1 done, 0 no open escalation with that id.
 */
int	 storage_escalation_get(struct storage *, int64_t id,
	    struct escalation_row *);
int	 storage_escalation_list(struct storage *,
	    const struct escalation_filter *, struct escalation_row **v,
	    size_t *n);
int	 storage_escalation_ack(struct storage *, int64_t id, const char *by,
	    const char *note, int64_t now);
/*
 * Activity reports of one patient (patient_id 0: everyone's) reported in
 * [since, until), oldest first, at most max, into a new array the caller
 * frees with free().
 */
int	 storage_activity_list(struct storage *, int64_t patient_id,
	    int64_t since, int64_t until, size_t max, struct activity_row **v,
	    size_t *n);

/*
 * The staff review inbox.  insert adds a row (in the caller's transaction:
 * the inbound message's own).  get fills *r by id (1 found, 0 not; free
 * with inbox_row_clear).  list returns, newest first, the open rows only
 * or all, at most max, as a new array (free with inbox_list_free).  done
 * marks an open row handled by `by` with an optional note: 1 done, 0 no
 * open row with that id.
 */
int	 storage_inbox_insert(struct storage *, const struct inbox_item *,
	    int64_t *id);
int	 storage_inbox_get(struct storage *, int64_t id, struct inbox_row *r);
int	 storage_inbox_list(struct storage *, int open_only, size_t max,
	    struct inbox_row **v, size_t *n);
int	 storage_inbox_done(struct storage *, int64_t id, const char *by,
	    const char *note, int64_t now);

/*
 * Takes the slot of one reminder of one patient on one local day (days
 * since 1970-01-01 on the patient's wall clock), in the caller's
 * transaction, before the reminder is queued: 1 taken, 0 taken already
 * (by this or another instance), -1 on error.  A slot is never freed, so
 * each reminder is queued at most once a day across every instance.
 */
int	 storage_reminder_slot_take(struct storage *, int64_t patient_id,
	    const char *reminder, int32_t day, int64_t now);

/*
 * Calls cb(arg) from base's loop soon after any session, this one or
 * another instance's, commits a change to a patient (enrolment, edit,
 * pause or resume, opt-out or back in, removal), so that the reminders
 * need not wait for their next poll to see it.  A store that has no such
 * notice (SQLite: one instance) gives NULL, as does one that cannot be
 * watched; the poll stays the guarantee either way: a notice only makes a
 * change seen sooner.  The watch keeps its own connection and reconnects
 * on its own.  Freed with storage_watch_free before the store is closed.
 */
struct storage_watch *storage_watch_new(struct storage *, struct event_base *,
	    void (*cb)(void *), void *arg);
void	 storage_watch_free(struct storage_watch *);

/*
 * The conversation with phone, newest first: its texts (with their
 * replies) and the messages queued for it, alerts to on-call excluded,
 * before the time `before` (0: all), at most max, as a new array (free
 * with message_list_free).
 */
int	 storage_message_list(struct storage *, const char *phone,
	    int64_t before, size_t max, struct message_row **v, size_t *n);
void	 message_row_clear(struct message_row *);
void	 message_list_free(struct message_row *, size_t n);

void	 patient_clear(struct patient *);
void	 patient_list_free(struct patient *, size_t n);
void	 outbound_row_clear(struct outbound_row *);
void	 escalation_row_clear(struct escalation_row *);
void	 escalation_list_free(struct escalation_row *, size_t n);
void	 escalation_history_free(struct escalation_event *, size_t n);
void	 call_row_clear(struct call_row *);
void	 inbox_row_clear(struct inbox_row *);
void	 inbox_list_free(struct inbox_row *, size_t n);

#endif
