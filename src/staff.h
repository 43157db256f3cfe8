/* SPDX-License-Identifier: ISC */
/*
 * What staff do to patients, escalations, the review inbox and activity:
 * the one implementation behind both `clotline patient ...` (patient_cmd.c)
 * and the /api/v1 JSON API (api.c).  By job: staff_patient.c (patients),
 * staff_escalation.c (escalations and the inbox), staff_report.c (activity
 * and adherence), staff_json.c (the API's JSON shapes, docs/openapi.yaml),
 * staff.c (what they share, staff_int.h).  Every operation checks its input and names the
 * offending field, runs in one transaction, writes one audit_log row per
 * change (actor "staff:NAME"), and bumps patients.updated_at so the
 * scheduler in a running daemon notices.  Enrolment queues the welcome
 * message (prompts/<lang>/welcome.txt).
 *
 * Consent belongs to the patient.  A number that texted STOP stays opted
 * out: enrolling it again or resuming it is refused with STAFF_CONFLICT
 * unless force_resubscribe is set, which staff should do only after the
 * patient has said (not texted) that they want messages again; the audit
 * log then records "patient.resubscribe".  Pausing is the clinic's switch
 * and never touches opt-out.
 *
 * Removal unenrols but keeps the row and its history (messages,
 * escalations, activity); the patient can be enrolled again with add.
 */
#ifndef CLOTLINE_STAFF_H
#define CLOTLINE_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "storage.h"

struct settings;
struct tz_cache;

#define STAFF_NAME_MAX		100	/* bytes of a patient's name */
#define STAFF_WALK_TARGET_MAX	600	/* minutes a day */
#define STAFF_NOTE_MAX		500	/* bytes of an acknowledgement note */
#define STAFF_ADHERENCE_DAYS	28	/* the CSV's default span */
#define STAFF_ADHERENCE_MAX_DAYS 366
#define STAFF_UPCOMING_MAX	50

enum staff_status {
	STAFF_OK,
	STAFF_INVALID,		/* bad input; the error names the field */
	STAFF_NOT_FOUND,
	STAFF_CONFLICT,		/* already enrolled, removed, opted out ... */
	STAFF_FAILED,		/* the store failed; nothing was changed */
};

struct staff_error {
	enum staff_status	 status;
	const char		*field;	/* static; NULL when no one field */
	char			 msg[256];
	/*
	 * Set by add with STAFF_OK too: something staff should check (the
	 * patient's number or time zone is outside the clinic's country, so
	 * they are given another emergency number); "" when nothing.
	 */
	char			 warning[256];
};

/* Who acts, on what, and when: filled by the caller for each operation. */
struct staff_ctx {
	struct storage		*st;
	const struct settings	*set;		/* conf, prompts, plans */
	struct tz_cache		*zones;		/* zones loaded so far */
	const char		*actor;		/* "staff:NAME" */
	int64_t			 now;
};

/*
 * A patient as staff give it.  NULL (walk_target_given 0) means not given:
 * add uses the default, update leaves the field alone.  "" (walk_target 0)
 * clears an optional field: name, reminder_times (the plan's times),
 * end_date (open-ended), walk_target (the plan's goal).  add's
 * defaults: the clinic's language and timezone, start today on the
 * patient's clock, quiet hours 21:00-08:00.
 */
struct staff_input {
	const char	*phone;		/* add only */
	const char	*name;
	const char	*language;
	const char	*timezone;
	const char	*plan;		/* required by add */
	const char	*reminder_times;
	const char	*start_date;
	const char	*end_date;
	const char	*quiet_start;
	const char	*quiet_end;
	int		 walk_target;	/* minutes a day */
	int		 walk_target_given;
	int		 force_resubscribe;
};

/* Sets every field of *in to "not given". */
void		staff_input_init(struct staff_input *in);
/* "staff:NAME" into buf; NULL if name is not a valid staff name. */
const char	*staff_actor(const char *name, char *buf, size_t len);
/* "active", "paused", "opted_out" or "removed". */
const char	*staff_patient_status(const struct patient *);

/*
 * Each operation returns err->status (STAFF_OK or the failure, with
 * err->msg saying what to do about it).  On STAFF_OK, *out (when not NULL)
 * is filled with the patient as stored afterwards; free it with
 * patient_clear.  Ids are patients.id.
 */
enum staff_status staff_patient_add(const struct staff_ctx *,
		    const struct staff_input *, struct patient *out,
		    struct staff_error *err);
enum staff_status staff_patient_update(const struct staff_ctx *, int64_t id,
		    const struct staff_input *, struct patient *out,
		    struct staff_error *err);
enum staff_status staff_patient_pause(const struct staff_ctx *, int64_t id,
		    struct patient *out, struct staff_error *err);
enum staff_status staff_patient_resume(const struct staff_ctx *, int64_t id,
		    int force_resubscribe, struct patient *out,
		    struct staff_error *err);
enum staff_status staff_patient_remove(const struct staff_ctx *, int64_t id,
		    struct patient *out, struct staff_error *err);
enum staff_status staff_patient_get(const struct staff_ctx *, int64_t id,
		    struct patient *out, struct staff_error *err);
/* A patient or escalation id: 1 to 18 digits, no sign, no leading 0. */
int		staff_parse_id(const char *s, int64_t *id);
/* An id ("12") or an E.164 number ("+447700900111") into *id. */
enum staff_status staff_patient_find(const struct staff_ctx *,
		    const char *ref, int64_t *id, struct staff_error *err);
/*
 * The filter for a status name (enrolled, active, paused, opted_out,
 * removed, all); -1 for an unknown one.
 */
int		staff_status_filter(const char *name, enum patient_which *);
/* A new array (free with patient_list_free). */
enum staff_status staff_patient_list(const struct staff_ctx *,
		    const struct patient_filter *, struct patient **v,
		    size_t *n, struct staff_error *err);

/*
 * The patient's next n (at most STAFF_UPCOMING_MAX) reminders and today's
 * walking goal as JSON (caller owns the reference): an empty list while
 * the patient is paused, opted out, removed or past the end date.
 */
enum staff_status staff_patient_schedule(const struct staff_ctx *, int64_t id,
		    size_t n, json_t **out, struct staff_error *err);
/* Activity reports of the last `days` days, oldest first, as JSON. */
enum staff_status staff_patient_activity(const struct staff_ctx *, int64_t id,
		    int days, json_t **out, struct staff_error *err);

/*
 * Adherence over the last `weeks` weeks (Monday to Sunday on the patient's
 * clock, this week included) as JSON: each day's minutes by the one
 * definition (plan_day_minutes) against the plan's goal for that day (null
 * outside the enrolment), and each week's minutes against the plan's
 * weekly endurance goal.  For the console's chart and its table.
 */
#define STAFF_ADHERENCE_MAX_WEEKS 52
enum staff_status staff_patient_adherence(const struct staff_ctx *, int64_t id,
		    int weeks, json_t **out, struct staff_error *err);
/*
 * The patient's conversation, newest first (storage_message_list): at most
 * max messages before `before` (0: the newest), as JSON with UTC times.
 */
#define STAFF_MESSAGES_MAX	500
enum staff_status staff_patient_messages(const struct staff_ctx *, int64_t id,
		    int64_t before, size_t max, json_t **out,
		    struct staff_error *err);

/*
 * Escalations (one per patient episode: escalate.h), newest first, as the
 * filter says, as a new array (free with escalation_list_free).  get reads
 * one.  ack records who acknowledged it and an optional note (kept on the
 * escalation and in the audit log) and stops its on-call timer; an
 * escalation already acknowledged is a STAFF_CONFLICT that names who did.
 */
enum staff_status staff_escalation_list(const struct staff_ctx *,
		    const struct escalation_filter *, struct escalation_row **v,
		    size_t *n, struct staff_error *err);
enum staff_status staff_escalation_get(const struct staff_ctx *, int64_t id,
		    struct escalation_row *out, struct staff_error *err);
enum staff_status staff_escalation_ack(const struct staff_ctx *, int64_t id,
		    const char *note, struct escalation_row *out,
		    struct staff_error *err);
/*
 * Adds the episode to an escalation's JSON (o): "messages", what the
 * patient sent (and was told) and the keypad choices, and "alerts", every
 * alert to on-call with its recipient, reason and outbox status.
 */
enum staff_status staff_escalation_episode(const struct staff_ctx *,
		    int64_t id, json_t *o, struct staff_error *err);
/*
 * A time for a filter: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ;
 * -1 for anything else.
 */
int		staff_parse_time(const char *s, int64_t *t);

/*
 * The staff review inbox: messages a person must read, newest first (at
 * most max; the open ones only or all), as a new array (free with
 * inbox_list_free).  done marks one handled by the actor with an optional
 * note (kept on the row and in the audit log, "inbox.done"); a row already
 * done is a STAFF_CONFLICT that names who did it.
 */
enum staff_status staff_inbox_list(const struct staff_ctx *, int open_only,
		    size_t max, struct inbox_row **v, size_t *n,
		    struct staff_error *err);
enum staff_status staff_inbox_done(const struct staff_ctx *, int64_t id,
		    const char *note, struct inbox_row *out,
		    struct staff_error *err);

/*
 * Adherence as CSV (a new string): one row per patient and local day from
 * `from` to `to` (YYYY-MM-DD; NULL: the last STAFF_ADHERENCE_DAYS days to
 * today on the clinic's clock), within each patient's enrolment, with the
 * minutes, metres and steps reported and the day's walking goal.  One
 * patient when patient_id is not 0.  Cells are quoted as RFC 4180 says, and
 * a cell that a spreadsheet would take for a formula (starting with = + -
 * @, tab or CR) gets a leading apostrophe.
 */
enum staff_status staff_adherence_csv(const struct staff_ctx *,
		    const char *from, const char *to, int64_t patient_id,
		    char **csv, struct staff_error *err);

/* JSON renderings shared by the CLI's --json and the API. */
json_t		*staff_patient_json(const struct patient *);
json_t		*staff_escalation_json(const struct escalation_row *);
json_t		*staff_inbox_json(const struct inbox_row *);
/* "2026-01-05T09:30:00Z"; "" for 0. */
void		 staff_time_iso(int64_t t, char buf[32]);

/* CSV cell quoting (exposed for the tests); appends to buf. */
struct evbuffer;
void		 staff_csv_cell(struct evbuffer *buf, const char *cell);

#endif
