/* SPDX-License-Identifier: ISC */
/*
 * The column lists both SQL backends (storage_sqlite.c, storage_pg.c)
 * select for a row type, in the order their row readers take the columns:
 * the same text in either dialect, so the two read the same rows.
 */
#ifndef CLOTLINE_STORAGE_SQL_H
#define CLOTLINE_STORAGE_SQL_H

/* An outbox row (struct outbound_row), in this order. */
#define OUTBOUND_COLUMNS \
	"id, kind, to_phone, body, status, delivery, provider_sid, priority," \
	" attempts, created_at, expires_at, patient_id, error_code"

/* A patient (struct patient), in this order. */
#define PATIENT_COLUMNS \
	"id, phone, name, language, timezone, enrolled, opted_out, paused," \
	" plan, reminder_times, start_date, end_date, quiet_start, quiet_end," \
	" coalesce(walk_target, 0), created_at, coalesce(removed_at, 0)," \
	" coalesce(welcomed_at, 0)"
#define PATIENT_NCOLUMNS 18

/* An escalation (struct escalation_row), in this order, and its tables. */
#define ESCALATION_COLUMNS \
	"e.id, e.phone, coalesce(e.patient_id, 0), e.level, e.excerpt," \
	" e.rules, e.created_at, coalesce(e.alerted_at, 0)," \
	" coalesce(e.acknowledged_at, 0), e.acknowledged_by, e.ack_note," \
	" e.concepts, p.name, coalesce(e.flagged_at, e.created_at)," \
	" coalesce(e.updated_at, e.created_at), e.chain_pos, e.alerted_to," \
	" coalesce(e.next_alert_at, 0), e.failovers," \
	" (SELECT count(*) FROM escalation_alerts a" \
	"  WHERE a.escalation_id = e.id)," \
	" (SELECT count(*) FROM escalation_messages m" \
	"  WHERE m.escalation_id = e.id)," \
	" coalesce(e.inbound_id, 0)," \
	" (SELECT coalesce(max(a.outbound_id), 0) FROM escalation_alerts a" \
	"  WHERE a.escalation_id = e.id)"
#define ESCALATION_FROM \
	" FROM escalations e LEFT JOIN patients p ON p.id = e.patient_id"

/* An inbox row (struct inbox_row), in this order, and its tables. */
#define INBOX_COLUMNS \
	"i.id, coalesce(i.inbound_id, 0), i.phone, coalesce(i.patient_id, 0)," \
	" i.reason, i.created_at, coalesce(i.done_at, 0), i.done_by, i.note," \
	" m.body, m.level, coalesce(m.received_at, 0)"
#define INBOX_FROM \
	" FROM inbox i LEFT JOIN inbound_messages m ON m.id = i.inbound_id"

#endif
