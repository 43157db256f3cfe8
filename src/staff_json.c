/* SPDX-License-Identifier: ISC */
/*
 * The API's JSON for a patient, an escalation and an inbox message (see
 * staff.h), shared by the API and the CLI's --json.  docs/openapi.yaml
 * describes the same shapes, and make check-interop holds them to it: a
 * field added here is added there.
 */
#include "config.h"

#include <stdint.h>

#include <jansson.h>

#include "staff.h"

static json_t *
staff_json_time(int64_t t)
{
	char	buf[32];

	if (t == 0)
		return json_null();
	staff_time_iso(t, buf);
	return json_string(buf);
}

json_t *
staff_patient_json(const struct patient *p)
{
	return json_pack("{s:I, s:s, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s?,"
	    " s:s, s:s, s:o, s:s, s:b, s:b, s:b, s:o, s:o}",
	    "id", (json_int_t)p->id,
	    "phone", p->phone,
	    "name", p->name,
	    "language", p->language,
	    "timezone", p->timezone,
	    "plan", p->plan,
	    "reminder_times", p->reminder_times,
	    "start_date", p->start_date,
	    "end_date", p->end_date,
	    "quiet_start", p->quiet_start,
	    "quiet_end", p->quiet_end,
	    "walk_target", p->walk_target > 0 ? json_integer(p->walk_target) :
	    json_null(),
	    "status", staff_patient_status(p),
	    "enrolled", p->enrolled != 0,
	    "paused", p->paused != 0,
	    "opted_out", p->opted_out != 0,
	    "created_at", staff_json_time(p->created_at),
	    "removed_at", staff_json_time(p->removed_at));
}

json_t *
staff_escalation_json(const struct escalation_row *e)
{
	json_t	*o;

	o = json_pack("{s:I, s:s, s:o, s:s?, s:s, s:s?, s:s?, s:s?, s:o, s:o,"
	    " s:o, s:o, s:s?, s:s?, s:b}",
	    "id", (json_int_t)e->id,
	    "phone", e->phone,
	    "patient_id", e->patient_id != 0 ? json_integer(e->patient_id) :
	    json_null(),
	    "patient_name", e->patient_name,
	    "level", e->level,
	    "excerpt", e->excerpt,
	    "rules", e->rules,
	    "concepts", e->concepts,
	    "created_at", staff_json_time(e->created_at),
	    "updated_at", staff_json_time(e->updated_at),
	    "alerted_at", staff_json_time(e->alerted_at),
	    "acknowledged_at", staff_json_time(e->acknowledged_at),
	    "acknowledged_by", e->acknowledged_by,
	    "ack_note", e->ack_note,
	    "open", e->acknowledged_at == 0);
	json_object_set_new(o, "alerted_to", e->alerted_to != NULL ?
	    json_string(e->alerted_to) : json_null());
	json_object_set_new(o, "next_alert_at",
	    staff_json_time(e->next_alert_at));
	json_object_set_new(o, "alert_count", json_integer(e->nalerts));
	json_object_set_new(o, "message_count", json_integer(e->nmessages));
	return o;
}

json_t *
staff_inbox_json(const struct inbox_row *r)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s?, s:s?, s:o, s:o,"
	    " s:o, s:s?, s:s?, s:b}",
	    "id", (json_int_t)r->id,
	    "reason", r->reason,
	    "phone", r->phone,
	    "patient_id", r->patient_id != 0 ? json_integer(r->patient_id) :
	    json_null(),
	    "inbound_id", r->inbound_id != 0 ? json_integer(r->inbound_id) :
	    json_null(),
	    "body", r->body,
	    "level", r->level,
	    "received_at", staff_json_time(r->received_at),
	    "created_at", staff_json_time(r->created_at),
	    "done_at", staff_json_time(r->done_at),
	    "done_by", r->done_by,
	    "note", r->note,
	    "open", r->done_at == 0);
}

