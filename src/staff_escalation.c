/* SPDX-License-Identifier: ISC */
/*
 * Staff and escalations (see staff.h): the list and one escalation with its
 * episode (what the patient sent and was told, every alert to on-call),
 * acknowledgement (the same step as an ACK by SMS, escalate.c), and the
 * review inbox a person must read, with marking a message done.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalate.h"
#include "schedule.h"
#include "staff.h"
#include "staff_int.h"
#include "utf8.h"
#include "xmalloc.h"

enum staff_status
staff_escalation_list(const struct staff_ctx *ctx,
    const struct escalation_filter *f, struct escalation_row **v, size_t *n,
    struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (storage_escalation_list(ctx->st, f, v, n) == -1)
		return staff_store_failed(err);
	return STAFF_OK;
}

enum staff_status
staff_escalation_get(const struct staff_ctx *ctx, int64_t id,
    struct escalation_row *out, struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	switch (storage_escalation_get(ctx->st, id, out)) {
	case 1:
		return STAFF_OK;
	case 0:
		return staff_fail(err, STAFF_NOT_FOUND, "id", "no escalation "
		    "%lld", (long long)id);
	default:
		return staff_store_failed(err);
	}
}

/* A staff note: absent, or valid UTF-8 of at most STAFF_NOTE_MAX bytes. */
static int
staff_escalation_note_ok(const char *note)
{
	return note == NULL || (strlen(note) <= STAFF_NOTE_MAX &&
	    utf8_valid(note, strlen(note)));
}

enum staff_status
staff_escalation_ack(const struct staff_ctx *ctx, int64_t id, const char *note,
    struct escalation_row *out, struct staff_error *err)
{
	struct escalation_row	 e;
	char			 when[32];
	int			 ok = 0;

	memset(err, 0, sizeof *err);
	memset(&e, 0, sizeof e);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (!staff_escalation_note_ok(note))
		return staff_fail(err, STAFF_INVALID, "note", "must be valid "
		    "UTF-8 of at most %d bytes", STAFF_NOTE_MAX);
	if (storage_begin(ctx->st) == -1)
		return staff_store_failed(err);
	/* The same step as an ACK by SMS: escalate.c. */
	switch (escalate_ack(ctx->st, id, NULL, ctx->actor, note, ctx->now,
	    &e)) {
	case ESCALATE_ACK_DONE:
		ok = 1;
		break;
	case ESCALATE_ACK_ALREADY:
		staff_time_iso(e.acknowledged_at, when);
		staff_fail(err, STAFF_CONFLICT, "id", "escalation %lld was "
		    "already acknowledged by %s at %s", (long long)id,
		    e.acknowledged_by != NULL ? e.acknowledged_by : "?", when);
		break;
	case ESCALATE_ACK_NONE:
		staff_fail(err, STAFF_NOT_FOUND, "id", "no escalation %lld",
		    (long long)id);
		break;
	case ESCALATE_ACK_FAILED:
		break;
	}
	staff_finish(ctx, ok, err);
	if (err->status == STAFF_OK && out != NULL) {
		*out = e;
		memset(&e, 0, sizeof e);
	}
	escalation_row_clear(&e);
	return err->status;
}

enum staff_status
staff_escalation_episode(const struct staff_ctx *ctx, int64_t id, json_t *o,
    struct staff_error *err)
{
	struct escalation_event	*v;
	json_t			*msgs, *alerts, *m;
	char			 at[32];
	size_t			 n, i;

	memset(err, 0, sizeof *err);
	if (storage_escalation_history(ctx->st, id, &v, &n) == -1)
		return staff_store_failed(err);
	msgs = json_array();
	alerts = json_array();
	for (i = 0; i < n; i++) {
		staff_time_iso(v[i].at, at);
		if (strcmp(v[i].kind, "alert") == 0) {
			m = json_pack("{s:s, s:I, s:s?, s:s?, s:s?}", "at", at,
			    "outbound_id", (json_int_t)v[i].ref, "to", v[i].to,
			    "reason", v[i].reason, "status", v[i].status);
			json_array_append_new(alerts, m);
			continue;
		}
		m = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:b}", "at", at,
		    "via", strcmp(v[i].kind, "call") == 0 ? "call" : "sms",
		    "level", v[i].level, "text", v[i].text, "reply", v[i].reply,
		    "alerted", v[i].alerted != 0);
		json_object_set_new(m, "inbound_id", v[i].ref != 0 ?
		    json_integer(v[i].ref) : json_null());
		json_array_append_new(msgs, m);
	}
	escalation_history_free(v, n);
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(o, "alerts", alerts);
	return STAFF_OK;
}

int
staff_parse_time(const char *s, int64_t *t)
{
	int32_t		 day;
	const char	*why;
	char		 date[11];
	int		 h, m, sec;
	size_t		 len = s != NULL ? strlen(s) : 0;

	if (len != 10 && len != 20)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (sched_parse_date(date, &day, &why) == -1)
		return -1;
	*t = (int64_t)day * STAFF_DAY;
	if (len == 10)
		return 0;
	if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z' ||
	    strspn(s + 11, "0123456789") != 2 ||
	    strspn(s + 14, "0123456789") != 2 ||
	    strspn(s + 17, "0123456789") != 2)
		return -1;
	h = (s[11] - '0') * 10 + (s[12] - '0');
	m = (s[14] - '0') * 10 + (s[15] - '0');
	sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (h > 23 || m > 59 || sec > 59)
		return -1;
	*t += (int64_t)h * 3600 + m * 60 + sec;
	return 0;
}

enum staff_status
staff_inbox_list(const struct staff_ctx *ctx, int open_only, size_t max,
    struct inbox_row **v, size_t *n, struct staff_error *err)
{
	memset(err, 0, sizeof *err);
	if (storage_inbox_list(ctx->st, open_only, max, v, n) == -1)
		return staff_store_failed(err);
	return STAFF_OK;
}

enum staff_status
staff_inbox_done(const struct staff_ctx *ctx, int64_t id, const char *note,
    struct inbox_row *out, struct staff_error *err)
{
	struct inbox_row	 r;
	char			*detail = NULL, when[32];
	int			 ok = 0;

	memset(err, 0, sizeof *err);
	memset(&r, 0, sizeof r);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (!staff_escalation_note_ok(note))
		return staff_fail(err, STAFF_INVALID, "note", "must be valid "
		    "UTF-8 of at most %d bytes", STAFF_NOTE_MAX);
	if (note != NULL && *note == '\0')
		note = NULL;
	if (storage_begin(ctx->st) == -1)
		return staff_store_failed(err);
	switch (storage_inbox_get(ctx->st, id, &r)) {
	case 1:
		break;
	case 0:
		staff_fail(err, STAFF_NOT_FOUND, "id", "no inbox message %lld",
		    (long long)id);
		goto out;
	default:
		goto out;
	}
	if (r.done_at != 0) {
		staff_time_iso(r.done_at, when);
		staff_fail(err, STAFF_CONFLICT, "id", "inbox message %lld was "
		    "already marked done by %s at %s", (long long)id,
		    r.done_by != NULL ? r.done_by : "?", when);
		goto out;
	}
	detail = xasprintf("inbox %lld (%s)%s%s", (long long)id, r.reason,
	    note != NULL ? ": " : "", note != NULL ? note : "");
	if (storage_inbox_done(ctx->st, id, ctx->actor, note, ctx->now) != 1 ||
	    staff_audit(ctx, "inbox.done", r.phone, detail) == -1)
		goto out;
	if (out != NULL && storage_inbox_get(ctx->st, id, out) != 1)
		goto out;
	ok = 1;
out:
	staff_finish(ctx, ok, err);
	if (err->status != STAFF_OK && out != NULL)
		inbox_row_clear(out);
	free(detail);
	inbox_row_clear(&r);
	return err->status;
}
