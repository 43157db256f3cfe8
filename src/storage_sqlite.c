/* SPDX-License-Identifier: ISC */
/*
 * The SQLite storage backend (see storage.h): one connection in WAL mode with
 * synchronous=FULL, so a commit that returned is on disk before the gateway
 * answers the provider; foreign keys on; a busy timeout for the staff CLI
 * working on the same file.  The schema is versioned with PRAGMA user_version
 * and migrated forward at open, one transaction per step.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "storage.h"
#include "storage_sql.h"
#include "xmalloc.h"

/* Append only: a released migration is never edited, only followed. */
static const char *const sqlite_migrations[] = {
	/* 1: the foundation schema. */
	"CREATE TABLE patients ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL UNIQUE,"
	"  name TEXT,"
	"  language TEXT NOT NULL DEFAULT 'en',"
	"  timezone TEXT NOT NULL DEFAULT 'Europe/London',"
	"  enrolled INTEGER NOT NULL DEFAULT 1 CHECK (enrolled IN (0, 1)),"
	"  opted_out INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),"
	"  opted_out_at INTEGER,"
	"  paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	/* Enrolled patients are E.164; an unenrolled row may be any sender. */
	"  CHECK (enrolled = 0 OR phone GLOB '+[1-9][0-9]*')"
	");"
	"CREATE TABLE inbound_messages ("
	"  id INTEGER PRIMARY KEY,"
	"  provider TEXT NOT NULL,"
	"  provider_sid TEXT NOT NULL,"
	"  from_phone TEXT NOT NULL,"
	"  to_phone TEXT,"
	"  body TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('triage', 'keyword')),"
	"  level TEXT NOT NULL,"
	"  rules TEXT,"
	"  reply TEXT,"
	"  UNIQUE (provider, provider_sid)"
	");"
	"CREATE INDEX inbound_from ON inbound_messages(from_phone, received_at);"
	"CREATE TABLE outbound_messages ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('alert', 'reminder', 'welcome', 'reply')),"
	"  to_phone TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'queued',"
	"  provider_sid TEXT UNIQUE,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  expires_at INTEGER,"
	"  error_code INTEGER,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX outbound_due ON outbound_messages(status, next_attempt_at);"
	"CREATE TABLE episodes ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  level TEXT NOT NULL,"
	"  pending_question TEXT,"
	"  started_at INTEGER NOT NULL,"
	"  last_flag_at INTEGER,"
	"  updated_at INTEGER NOT NULL,"
	"  closed_at INTEGER"
	");"
	"CREATE INDEX episodes_open ON episodes(phone) WHERE closed_at IS NULL;"
	"CREATE TABLE escalations ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  inbound_id INTEGER REFERENCES inbound_messages(id),"
	"  level TEXT NOT NULL CHECK (level IN ('urgent', 'emergency')),"
	"  excerpt TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  alerted_at INTEGER,"
	"  acknowledged_at INTEGER,"
	"  acknowledged_by TEXT"
	");"
	"CREATE INDEX escalations_open ON escalations(acknowledged_at);"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  subject TEXT,"
	"  detail TEXT"
	");",
	/* 2: triage state per conversation, activity reports, alert links. */
	"DROP TABLE episodes;"
	"CREATE TABLE conversations ("
	"  phone TEXT PRIMARY KEY,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  level TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE activity_reports ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  inbound_id INTEGER REFERENCES inbound_messages(id),"
	"  minutes INTEGER CHECK (minutes IS NULL OR minutes > 0),"
	"  meters INTEGER CHECK (meters IS NULL OR meters > 0),"
	"  steps INTEGER CHECK (steps IS NULL OR steps > 0),"
	"  reported_at INTEGER NOT NULL"
	");"
	"CREATE INDEX activity_by_patient ON activity_reports(patient_id, reported_at);"
	"ALTER TABLE escalations ADD COLUMN outbound_id INTEGER"
	"  REFERENCES outbound_messages(id);"
	"ALTER TABLE escalations ADD COLUMN rules TEXT;",
	/*
	 * 3: the durable outbox.  status is the outbox's own lifecycle
	 * (pending, sending, unknown, sent, failed, expired, suppressed,
	 * cancelled); delivery is the provider's last reported state, which
	 * only moves forward.  Rows queued before this version are pending.
	 */
	"UPDATE outbound_messages SET status = 'pending' WHERE status = 'queued';"
	"ALTER TABLE outbound_messages ADD COLUMN priority INTEGER NOT NULL"
	"  DEFAULT 2;"
	"UPDATE outbound_messages SET priority = CASE WHEN id IN"
	"  (SELECT outbound_id FROM escalations WHERE level = 'emergency')"
	"  THEN 0 ELSE 1 END WHERE kind = 'alert';"
	"ALTER TABLE outbound_messages ADD COLUMN delivery TEXT;"
	"ALTER TABLE outbound_messages ADD COLUMN error_message TEXT;"
	"ALTER TABLE outbound_messages ADD COLUMN sent_at INTEGER;"
	"ALTER TABLE outbound_messages ADD COLUMN segments INTEGER;"
	"DROP INDEX outbound_due;"
	"CREATE INDEX outbound_due ON outbound_messages(status, priority,"
	"  next_attempt_at) WHERE status IN ('pending', 'unknown');"
	"CREATE INDEX outbound_recent ON outbound_messages(to_phone, sent_at);"
	"CREATE INDEX escalations_outbound ON escalations(outbound_id);",
	/*
	 * 4: phone keypad calls (ivr.h), one row per CallSid.  step counts
	 * the webhooks handled; last_twiml answers a replay of the last one.
	 * Escalations and walks reported by phone name their call.
	 */
	"CREATE TABLE calls ("
	"  call_sid TEXT PRIMARY KEY,"
	"  from_phone TEXT NOT NULL,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  state TEXT NOT NULL,"
	"  step INTEGER NOT NULL DEFAULT 0,"
	"  last_twiml TEXT,"
	"  started_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  ended_at INTEGER"
	");"
	"ALTER TABLE escalations ADD COLUMN call_sid TEXT;"
	"ALTER TABLE activity_reports ADD COLUMN call_sid TEXT;",
	/*
	 * 5: enrolment.  plan names a file in config/plans; reminder_times
	 * overrides the plan's local times per reminder ("walk=09:30,
	 * strength=17:00"); dates are local YYYY-MM-DD, end_date inclusive;
	 * quiet hours are local HH:MM (start may be after end: overnight).
	 * walk_target overrides the plan's daily walking goal in minutes.
	 * A removed patient keeps the row (history, escalations) with
	 * enrolled = 0 and removed_at set.
	 */
	"ALTER TABLE patients ADD COLUMN plan TEXT;"
	"ALTER TABLE patients ADD COLUMN reminder_times TEXT;"
	"ALTER TABLE patients ADD COLUMN start_date TEXT;"
	"ALTER TABLE patients ADD COLUMN end_date TEXT;"
	"ALTER TABLE patients ADD COLUMN quiet_start TEXT NOT NULL"
	"  DEFAULT '21:00';"
	"ALTER TABLE patients ADD COLUMN quiet_end TEXT NOT NULL"
	"  DEFAULT '08:00';"
	"ALTER TABLE patients ADD COLUMN walk_target INTEGER;"
	"ALTER TABLE patients ADD COLUMN welcomed_at INTEGER;"
	"ALTER TABLE patients ADD COLUMN removed_at INTEGER;",
	/*
	 * 6: the reminder scheduler's memory, one row per patient and plan
	 * reminder: the due time it last handled (sent: queued in the
	 * outbox; skipped: found too late after downtime) and the next fire
	 * it computed then (NULL: none, the reminder has ended).  Next fires
	 * are recomputed from last_fire at start, so only fires write here.
	 * patients_updated lets the scheduler find patients that another
	 * process (the staff CLI) changed.
	 */
	"CREATE TABLE schedules ("
	"  patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,"
	"  reminder TEXT NOT NULL,"
	"  last_fire INTEGER NOT NULL,"
	"  last_status TEXT NOT NULL CHECK (last_status IN ('sent', 'skipped')),"
	"  next_fire INTEGER,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (patient_id, reminder)"
	") WITHOUT ROWID;"
	"CREATE INDEX patients_updated ON patients(updated_at);",
	/*
	 * 7: no query reads inbound messages by sender, and the index cost
	 * every stored message a write to a page of its own (senders are
	 * spread over the whole index): about a fifth of what a message
	 * wrote (docs/BENCHMARKS.md).
	 */
	"DROP INDEX inbound_from;",
	/* 8: a CHECK rewritten by sqlite_migrate_checks (migration steps). */
	"",
	/*
	 * 9: the staff review inbox, messages a person must read
	 * (spec/triage.md, Additions), each written in its message's
	 * transaction.  done_at and done_by are set together when staff mark
	 * a row handled.  The index holds the open rows only: what is
	 * waiting is listed from it, and an ordinary message writes nothing
	 * here.  The reason CHECK is an OR chain, as migration 8 explains.
	 */
	"CREATE TABLE inbox ("
	"  id INTEGER PRIMARY KEY,"
	"  inbound_id INTEGER REFERENCES inbound_messages(id),"
	"  phone TEXT NOT NULL,"
	"  patient_id INTEGER REFERENCES patients(id) ON DELETE SET NULL,"
	"  reason TEXT NOT NULL CHECK (reason = 'review' OR reason = 'callback'),"
	"  created_at INTEGER NOT NULL,"
	"  done_at INTEGER,"
	"  done_by TEXT,"
	"  note TEXT,"
	"  CHECK ((done_at IS NULL) = (done_by IS NULL))"
	");"
	"CREATE INDEX inbox_open ON inbox(created_at, id) WHERE done_at IS NULL;",
	/*
	 * 10: an escalation is an episode (escalate.h).  flagged_at is its
	 * last message with a red flag of its own (the episode lasts 24 hours
	 * from it); concepts the red flags alerted so far; chain_pos and
	 * alerted_to the on-call number holding it; next_alert_at the
	 * acknowledgement timer, which passes it to the next number;
	 * failovers the undelivered alerts passed on since the last timer.
	 * Every alert it raised is a row of escalation_alerts and every
	 * message or call of the episode a row of escalation_messages; the
	 * rows of earlier versions are carried over.  outbound_messages.fair
	 * orders alerts of one priority: each patient's first before anyone's
	 * repeats.  inbound_messages.kind gains 'staff' (the on-call number's
	 * ACK), by the schema edit of migration 8 (sqlite_migrate_inbound).
	 */
	"ALTER TABLE escalations ADD COLUMN concepts TEXT;"
	"ALTER TABLE escalations ADD COLUMN flagged_at INTEGER;"
	"ALTER TABLE escalations ADD COLUMN updated_at INTEGER;"
	"ALTER TABLE escalations ADD COLUMN chain_pos INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE escalations ADD COLUMN alerted_to TEXT;"
	"ALTER TABLE escalations ADD COLUMN next_alert_at INTEGER;"
	"ALTER TABLE escalations ADD COLUMN failovers INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE escalations ADD COLUMN ack_note TEXT;"
	"UPDATE escalations SET flagged_at = created_at, updated_at = created_at,"
	"  alerted_to = (SELECT to_phone FROM outbound_messages"
	"  WHERE id = escalations.outbound_id);"
	"CREATE INDEX escalations_episode ON escalations(phone, flagged_at);"
	"CREATE INDEX escalations_timer ON escalations(next_alert_at)"
	"  WHERE acknowledged_at IS NULL AND next_alert_at IS NOT NULL;"
	"CREATE TABLE escalation_alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  escalation_id INTEGER NOT NULL REFERENCES escalations(id),"
	"  outbound_id INTEGER NOT NULL REFERENCES outbound_messages(id),"
	"  to_phone TEXT NOT NULL,"
	"  chain_pos INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"INSERT INTO escalation_alerts (escalation_id, outbound_id, to_phone,"
	"  chain_pos, reason, created_at)"
	"  SELECT e.id, e.outbound_id, o.to_phone, 0, 'new', e.created_at"
	"  FROM escalations e JOIN outbound_messages o ON o.id = e.outbound_id;"
	"CREATE INDEX escalation_alerts_by ON escalation_alerts(escalation_id);"
	"CREATE INDEX escalation_alerts_outbound ON"
	"  escalation_alerts(outbound_id);"
	"CREATE INDEX escalation_alerts_to ON escalation_alerts(to_phone);"
	"CREATE TABLE escalation_messages ("
	"  id INTEGER PRIMARY KEY,"
	"  escalation_id INTEGER NOT NULL REFERENCES escalations(id),"
	"  inbound_id INTEGER REFERENCES inbound_messages(id),"
	"  call_sid TEXT,"
	"  level TEXT NOT NULL,"
	"  concepts TEXT,"
	"  excerpt TEXT,"
	"  alerted INTEGER NOT NULL DEFAULT 0,"
	"  at INTEGER NOT NULL"
	");"
	"INSERT INTO escalation_messages (escalation_id, inbound_id, call_sid,"
	"  level, excerpt, alerted, at)"
	"  SELECT id, inbound_id, call_sid, level, excerpt, 1, created_at"
	"  FROM escalations;"
	"CREATE INDEX escalation_messages_by ON"
	"  escalation_messages(escalation_id, at);"
	"ALTER TABLE outbound_messages ADD COLUMN fair INTEGER NOT NULL"
	"  DEFAULT 0;"
	"DROP INDEX outbound_due;"
	"CREATE INDEX outbound_due ON outbound_messages(status, priority, fair,"
	"  next_attempt_at) WHERE status IN ('pending', 'unknown');",
	/*
	 * 11: several instances on one store (PostgreSQL, storage_pg.c has
	 * the same step).  lease_until is when an outbox claim may be taken
	 * over (a shared store only: SQLite's one sender recovers its claims
	 * at start).  reminder_slots holds one row per patient, reminder and
	 * local day, taken before the reminder is queued, so that it is
	 * queued once whichever instance fires it.  An escalation is made by
	 * its first message, so no message makes two.
	 */
	"ALTER TABLE outbound_messages ADD COLUMN lease_until INTEGER;"
	"CREATE TABLE reminder_slots ("
	"  patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,"
	"  reminder TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  taken_at INTEGER NOT NULL,"
	"  PRIMARY KEY (patient_id, reminder, day)"
	") WITHOUT ROWID;"
	"CREATE UNIQUE INDEX escalations_first ON escalations(inbound_id);",
	/*
	 * 12: the parts of long messages that arrive in parts, kept until
	 * the whole is triaged (done_at), and kept after, so that a part the
	 * provider sends again is known.  The index holds the waiting parts
	 * only, oldest first, for the bounded wait.
	 */
	"CREATE TABLE inbound_parts ("
	"  provider TEXT NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  ref TEXT NOT NULL,"
	"  part INTEGER NOT NULL CHECK (part >= 1 AND part <= total),"
	"  total INTEGER NOT NULL,"
	"  sid TEXT NOT NULL,"
	"  to_phone TEXT,"
	"  body TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  done_at INTEGER,"
	"  PRIMARY KEY (provider, phone, ref, part)"
	") WITHOUT ROWID;"
	"CREATE INDEX inbound_parts_waiting ON inbound_parts(received_at)"
	"  WHERE done_at IS NULL;",
};
#define SQLITE_NMIGRATIONS \
	((int)(sizeof sqlite_migrations / sizeof sqlite_migrations[0]))

enum sqlite_stmt {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_PING,
	STMT_INBOUND_FIND,
	STMT_INBOUND_INSERT,
	STMT_PART_PUT,
	STMT_PARTS_GET,
	STMT_PARTS_DONE,
	STMT_PARTS_OLDEST,
	STMT_PATIENT_FIND,
	STMT_PATIENT_INSERT,
	STMT_OPT_OUT_UPDATE,
	STMT_OPT_OUT_INSERT,
	STMT_PATIENT_PAUSE,
	STMT_PATIENT_GET,
	STMT_REMINDER_PATIENTS,
	STMT_ACTIVITY_SINCE,
	STMT_SCHEDULE_PUT,
	STMT_ESCALATION_INSERT,
	STMT_AUDIT_INSERT,
	STMT_CONVERSATION_GET,
	STMT_CONVERSATION_PUT,
	STMT_ACTIVITY_INSERT,
	STMT_OUTBOUND_INSERT,
	STMT_OUTBOUND_DUE,
	STMT_OUTBOUND_CLAIM,
	STMT_OUTBOUND_NEXT,
	STMT_OUTBOUND_STALLED,
	STMT_OUTBOUND_BACKLOG,
	STMT_OUTBOUND_UPDATE,
	STMT_OUTBOUND_GET_ID,
	STMT_OUTBOUND_GET_SID,
	STMT_OUTBOUND_RECENT,
	STMT_OUTBOUND_CANCEL,
	STMT_OUTBOUND_RECOVER,
	STMT_ESCALATION_ALERTED,
	STMT_PATIENT_LIST,
	STMT_PATIENT_UPDATE,
	STMT_ESCALATION_GET,
	STMT_ESCALATION_LIST,
	STMT_ESCALATION_ACK,
	STMT_ACTIVITY_LIST,
	STMT_CALL_GET,
	STMT_CALL_PUT,
	STMT_INBOX_INSERT,
	STMT_INBOX_GET,
	STMT_INBOX_LIST_OPEN,
	STMT_INBOX_LIST_ALL,
	STMT_INBOX_DONE,
	STMT_ESCALATION_FIND_ALERT,
	STMT_ESCALATION_FIND_EPISODE,
	STMT_ESCALATION_FIND_ALERTED_TO,
	STMT_ESCALATION_UPDATE,
	STMT_ESCALATION_ALERT_INSERT,
	STMT_ESCALATION_MESSAGE_INSERT,
	STMT_ESCALATION_DUE,
	STMT_ESCALATION_NEXT,
	STMT_ESCALATION_HISTORY,
	STMT_ESCALATION_STATS,
	STMT_MESSAGE_LIST,
	STMT_SLOT_TAKE,
	STMT_COUNT
};

static const char *const sqlite_sql[STMT_COUNT] = {
	[STMT_INBOX_INSERT] =
	    "INSERT INTO inbox (inbound_id, phone, patient_id, reason,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_INBOX_GET] =
	    "SELECT " INBOX_COLUMNS INBOX_FROM " WHERE i.id = ?1",
	/* Two statements, so that the open list reads the partial index. */
	[STMT_INBOX_LIST_OPEN] =
	    "SELECT " INBOX_COLUMNS INBOX_FROM " WHERE i.done_at IS NULL"
	    " ORDER BY i.created_at DESC, i.id DESC LIMIT ?1",
	[STMT_INBOX_LIST_ALL] =
	    "SELECT " INBOX_COLUMNS INBOX_FROM
	    " ORDER BY i.created_at DESC, i.id DESC LIMIT ?1",
	/* Alerts go to on-call, not to the number: not its conversation. */
	[STMT_MESSAGE_LIST] =
	    "SELECT * FROM ("
	    "SELECT id, 1, kind, received_at AS at, body, level, rules, reply,"
	    " NULL FROM inbound_messages WHERE from_phone = ?1"
	    " UNION ALL "
	    "SELECT id, 0, kind, coalesce(sent_at, created_at) AS at, body,"
	    " NULL, NULL, NULL, status FROM outbound_messages"
	    " WHERE to_phone = ?1 AND kind <> 'alert')"
	    " WHERE ?2 = 0 OR at < ?2 ORDER BY at DESC, 2 DESC, id DESC"
	    " LIMIT ?3",
	[STMT_SLOT_TAKE] =
	    "INSERT INTO reminder_slots (patient_id, reminder, day, taken_at)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[STMT_INBOX_DONE] =
	    "UPDATE inbox SET done_at = ?3, done_by = ?2, note = ?4"
	    " WHERE id = ?1 AND done_at IS NULL",
	[STMT_CALL_GET] =
	    "SELECT state, step, last_twiml FROM calls WHERE call_sid = ?1",
	[STMT_CALL_PUT] =
	    "INSERT INTO calls (call_sid, from_phone, patient_id, state, step,"
	    " last_twiml, started_at, updated_at, ended_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7,"
	    "  CASE WHEN ?8 THEN ?7 END)"
	    " ON CONFLICT (call_sid) DO UPDATE SET state = excluded.state,"
	    " step = excluded.step, last_twiml = excluded.last_twiml,"
	    " updated_at = excluded.updated_at,"
	    " ended_at = coalesce(ended_at, excluded.ended_at)",
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_SAVEPOINT] = "SAVEPOINT member",
	[STMT_RELEASE] = "RELEASE member",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO member",
	[STMT_PING] = "SELECT count(*) FROM sqlite_schema",
	[STMT_INBOUND_FIND] =
	    "SELECT reply FROM inbound_messages"
	    " WHERE provider = ?1 AND provider_sid = ?2",
	[STMT_INBOUND_INSERT] =
	    "INSERT INTO inbound_messages (provider, provider_sid, from_phone,"
	    " to_phone, body, received_at, patient_id, kind, level, rules, reply)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[STMT_PART_PUT] =
	    "INSERT OR IGNORE INTO inbound_parts (provider, phone, ref, part,"
	    " total, sid, to_phone, body, received_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_PARTS_GET] =
	    "SELECT part, total, sid, to_phone, body, received_at, done_at"
	    " FROM inbound_parts WHERE provider = ?1 AND phone = ?2 AND ref = ?3"
	    " ORDER BY part",
	[STMT_PARTS_DONE] =
	    "UPDATE inbound_parts SET done_at = ?4 WHERE provider = ?1"
	    " AND phone = ?2 AND ref = ?3 AND done_at IS NULL",
	[STMT_PARTS_OLDEST] =
	    "SELECT provider, phone, ref, total FROM inbound_parts"
	    " WHERE done_at IS NULL AND received_at < ?1"
	    " ORDER BY received_at LIMIT 1",
	[STMT_PATIENT_FIND] =
	    "SELECT " PATIENT_COLUMNS " FROM patients WHERE phone = ?1",
	[STMT_PATIENT_INSERT] =
	    "INSERT INTO patients (phone, name, language, timezone, enrolled,"
	    " opted_out, paused, created_at, updated_at, plan, reminder_times,"
	    " start_date, end_date, quiet_start, quiet_end, walk_target)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12,"
	    " coalesce(?13, '21:00'), coalesce(?14, '08:00'), ?15)",
	[STMT_OPT_OUT_UPDATE] =
	    "UPDATE patients SET opted_out = ?2,"
	    " opted_out_at = CASE WHEN NOT ?2 THEN NULL"
	    "   WHEN opted_out THEN opted_out_at ELSE ?3 END,"
	    " updated_at = ?3 WHERE phone = ?1",
	[STMT_OPT_OUT_INSERT] =
	    "INSERT INTO patients (phone, enrolled, opted_out, opted_out_at,"
	    " created_at, updated_at)"
	    " VALUES (?1, 0, ?2, CASE WHEN ?2 THEN ?3 ELSE NULL END, ?3, ?3)",
	[STMT_PATIENT_PAUSE] =
	    "UPDATE patients SET paused = ?2, updated_at = ?3"
	    " WHERE phone = ?1 AND enrolled = 1",
	[STMT_PATIENT_GET] =
	    "SELECT " PATIENT_COLUMNS " FROM patients WHERE id = ?1",
	/* ?2 = 0: the enrolled patients with a plan; 1: every changed row. */
	[STMT_REMINDER_PATIENTS] =
	    "SELECT " PATIENT_COLUMNS ", updated_at,"
	    " (SELECT group_concat(reminder || '=' || last_fire, ',')"
	    "  FROM schedules WHERE patient_id = patients.id)"
	    " FROM patients WHERE updated_at >= ?1"
	    " AND (?2 OR (enrolled = 1 AND plan IS NOT NULL))",
	[STMT_ACTIVITY_SINCE] =
	    "SELECT reported_at, coalesce(minutes, 0), coalesce(meters, 0),"
	    " coalesce(steps, 0) FROM activity_reports"
	    " WHERE patient_id = ?1 AND reported_at >= ?2"
	    " ORDER BY reported_at LIMIT ?3",
	[STMT_SCHEDULE_PUT] =
	    "INSERT INTO schedules (patient_id, reminder, last_fire, last_status,"
	    " next_fire, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (patient_id, reminder) DO UPDATE SET"
	    " last_fire = excluded.last_fire, last_status = excluded.last_status,"
	    " next_fire = excluded.next_fire, updated_at = excluded.updated_at",
	[STMT_ESCALATION_INSERT] =
	    "INSERT INTO escalations (phone, patient_id, inbound_id, level,"
	    " excerpt, created_at, outbound_id, rules, call_sid, concepts,"
	    " flagged_at, updated_at, chain_pos, alerted_to, next_alert_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?6, ?12,"
	    " ?13, ?14)",
	[STMT_ESCALATION_FIND_ALERT] =
	    "SELECT " ESCALATION_COLUMNS ESCALATION_FROM
	    " WHERE e.id = (SELECT escalation_id FROM escalation_alerts"
	    "  WHERE outbound_id = ?1)",
	[STMT_ESCALATION_FIND_EPISODE] =
	    "SELECT " ESCALATION_COLUMNS ESCALATION_FROM
	    " WHERE e.phone = ?1 AND coalesce(e.flagged_at, e.created_at) >= ?2"
	    " ORDER BY e.id DESC LIMIT 1",
	[STMT_ESCALATION_FIND_ALERTED_TO] =
	    "SELECT " ESCALATION_COLUMNS ESCALATION_FROM
	    " WHERE e.acknowledged_at IS NULL AND e.id IN"
	    " (SELECT escalation_id FROM escalation_alerts WHERE to_phone = ?1)"
	    " ORDER BY e.id DESC LIMIT 1",
	[STMT_ESCALATION_UPDATE] =
	    "UPDATE escalations SET level = coalesce(?2, level),"
	    " concepts = coalesce(?3, concepts),"
	    " flagged_at = coalesce(?4, flagged_at),"
	    " chain_pos = CASE WHEN ?5 < 0 THEN chain_pos ELSE ?5 END,"
	    " alerted_to = coalesce(?6, alerted_to),"
	    " next_alert_at = CASE WHEN ?7 = -1 THEN NULL"
	    "   WHEN ?7 = 0 THEN next_alert_at ELSE ?7 END,"
	    " failovers = CASE WHEN ?8 < 0 THEN failovers ELSE ?8 END,"
	    " acknowledged_at = CASE WHEN ?9 THEN NULL ELSE acknowledged_at END,"
	    " acknowledged_by = CASE WHEN ?9 THEN NULL ELSE acknowledged_by END,"
	    " ack_note = CASE WHEN ?9 THEN NULL ELSE ack_note END,"
	    " outbound_id = coalesce(outbound_id, ?11),"
	    " updated_at = ?10 WHERE id = ?1",
	[STMT_ESCALATION_ALERT_INSERT] =
	    "INSERT INTO escalation_alerts (escalation_id, outbound_id,"
	    " to_phone, chain_pos, reason, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_ESCALATION_MESSAGE_INSERT] =
	    "INSERT INTO escalation_messages (escalation_id, inbound_id,"
	    " call_sid, level, concepts, excerpt, alerted, at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_ESCALATION_DUE] =
	    "SELECT id FROM escalations WHERE acknowledged_at IS NULL"
	    " AND next_alert_at IS NOT NULL AND next_alert_at <= ?1"
	    " ORDER BY next_alert_at, id LIMIT ?2",
	[STMT_ESCALATION_NEXT] =
	    "SELECT min(next_alert_at) FROM escalations"
	    " WHERE acknowledged_at IS NULL AND next_alert_at IS NOT NULL"
	    " AND next_alert_at > ?1",
	/* Messages before the alerts they raised at the same second. */
	[STMT_ESCALATION_HISTORY] =
	    "SELECT m.at, CASE WHEN m.call_sid IS NOT NULL THEN 'call'"
	    "  ELSE 'message' END, m.level, coalesce(i.body, m.excerpt),"
	    "  i.reply, NULL, NULL, NULL, m.alerted, coalesce(m.inbound_id, 0)"
	    " FROM escalation_messages m"
	    " LEFT JOIN inbound_messages i ON i.id = m.inbound_id"
	    " WHERE m.escalation_id = ?1"
	    " UNION ALL"
	    " SELECT a.created_at, 'alert', NULL, NULL, NULL, a.to_phone,"
	    "  a.reason, o.status || coalesce('/' || o.delivery, ''), 0,"
	    "  a.outbound_id"
	    " FROM escalation_alerts a"
	    " LEFT JOIN outbound_messages o ON o.id = a.outbound_id"
	    " WHERE a.escalation_id = ?1"
	    " ORDER BY 1, 2 DESC, 10 LIMIT 1000",
	[STMT_ESCALATION_STATS] =
	    "SELECT (SELECT count(*) FROM escalations"
	    "  WHERE acknowledged_at IS NULL AND level = 'urgent'),"
	    " (SELECT count(*) FROM escalations"
	    "  WHERE acknowledged_at IS NULL AND level = 'emergency'),"
	    " (SELECT coalesce(min(created_at), 0) FROM escalations"
	    "  WHERE acknowledged_at IS NULL),"
	    " (SELECT count(*) FROM outbound_messages WHERE kind = 'alert'"
	    "  AND status IN ('pending', 'unknown') AND created_at < ?1)"
	    " + (SELECT count(*) FROM outbound_messages WHERE kind = 'alert'"
	    "  AND status = 'sending' AND created_at < ?1)",
	[STMT_CONVERSATION_GET] =
	    "SELECT state FROM conversations WHERE phone = ?1",
	[STMT_CONVERSATION_PUT] =
	    "INSERT INTO conversations (phone, patient_id, level, state,"
	    " updated_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (phone) DO UPDATE SET patient_id = excluded.patient_id,"
	    " level = excluded.level, state = excluded.state,"
	    " updated_at = excluded.updated_at",
	[STMT_ACTIVITY_INSERT] =
	    "INSERT INTO activity_reports (phone, patient_id, inbound_id,"
	    " minutes, meters, steps, reported_at, call_sid)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STMT_OUTBOUND_INSERT] =
	    "INSERT INTO outbound_messages (kind, to_phone, body, status,"
	    " priority, next_attempt_at, expires_at, patient_id, created_at,"
	    " updated_at, fair)"
	    " VALUES (?1, ?2, ?3, 'pending', ?7, ?4, ?5, ?6, ?4, ?4, ?8)",
	[STMT_OUTBOUND_DUE] =
	    "SELECT " OUTBOUND_COLUMNS " FROM outbound_messages"
	    " WHERE status IN ('pending', 'unknown') AND next_attempt_at <= ?1"
	    " ORDER BY priority, fair, next_attempt_at, id LIMIT ?2",
	[STMT_OUTBOUND_CLAIM] =
	    "UPDATE outbound_messages SET status = 'sending',"
	    " attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
	[STMT_OUTBOUND_NEXT] =
	    "SELECT min(next_attempt_at) FROM outbound_messages"
	    " WHERE status IN ('pending', 'unknown')",
	[STMT_OUTBOUND_STALLED] =
	    "SELECT count(*) FROM outbound_messages"
	    " WHERE (status IN ('pending', 'unknown') AND (next_attempt_at < ?1"
	    "  OR (attempts > 0 AND created_at < ?1)))"
	    " OR (status = 'sending' AND updated_at < ?1)",
	[STMT_OUTBOUND_BACKLOG] =
	    "SELECT count(*), min(created_at) FROM outbound_messages"
	    " WHERE (status IN ('pending', 'unknown')"
	    "  AND (next_attempt_at <= ?1 OR attempts > 0))"
	    " OR status = 'sending'",
	[STMT_OUTBOUND_UPDATE] =
	    "UPDATE outbound_messages SET status = coalesce(?2, status),"
	    " delivery = coalesce(?3, delivery),"
	    " provider_sid = coalesce(?4, provider_sid),"
	    " error_code = CASE WHEN ?11 THEN NULL"
	    "   ELSE coalesce(?5, error_code) END,"
	    " error_message = CASE WHEN ?11 THEN NULL"
	    "   ELSE coalesce(?6, error_message) END,"
	    " next_attempt_at = coalesce(?7, next_attempt_at),"
	    " sent_at = coalesce(?8, sent_at),"
	    " segments = coalesce(?9, segments), updated_at = ?10,"
	    " attempts = max(attempts - ?12, 0)"
	    " WHERE id = ?1",
	[STMT_OUTBOUND_GET_ID] =
	    "SELECT " OUTBOUND_COLUMNS " FROM outbound_messages WHERE id = ?1",
	[STMT_OUTBOUND_GET_SID] =
	    "SELECT " OUTBOUND_COLUMNS " FROM outbound_messages"
	    " WHERE provider_sid = ?1",
	[STMT_OUTBOUND_RECENT] =
	    "SELECT (SELECT count(*) FROM outbound_messages"
	    "  WHERE to_phone = ?1 AND sent_at >= ?3 AND body = ?2 AND id <> ?4)"
	    " + (SELECT count(*) FROM outbound_messages"
	    "  WHERE to_phone = ?1 AND sent_at IS NULL AND body = ?2 AND id < ?4"
	    "  AND status IN ('sending', 'unknown'))",
	[STMT_OUTBOUND_CANCEL] =
	    "UPDATE outbound_messages SET status = 'cancelled',"
	    " error_message = ?3, updated_at = ?4"
	    " WHERE to_phone = ?1 AND kind = ?2"
	    " AND status IN ('pending', 'unknown')",
	[STMT_OUTBOUND_RECOVER] =
	    "UPDATE outbound_messages SET status = 'unknown',"
	    " next_attempt_at = ?2, updated_at = ?1 WHERE status = 'sending'",
	[STMT_ESCALATION_ALERTED] =
	    "UPDATE escalations SET alerted_at = ?2 WHERE alerted_at IS NULL"
	    " AND id IN (SELECT escalation_id FROM escalation_alerts"
	    "  WHERE outbound_id = ?1)",
	[STMT_AUDIT_INSERT] =
	    "INSERT INTO audit_log (at, actor, action, subject, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	/* ?1 is enum patient_which. */
	[STMT_PATIENT_LIST] =
	    "SELECT " PATIENT_COLUMNS " FROM patients"
	    " WHERE id > ?3 AND (?2 IS NULL OR plan = ?2) AND CASE ?1"
	    "  WHEN 0 THEN enrolled = 1"
	    "  WHEN 1 THEN enrolled = 1 AND paused = 0 AND opted_out = 0"
	    "  WHEN 2 THEN enrolled = 1 AND paused = 1"
	    "  WHEN 3 THEN enrolled = 1 AND opted_out = 1"
	    "  WHEN 4 THEN enrolled = 0 AND removed_at IS NOT NULL"
	    "  ELSE enrolled = 1 OR removed_at IS NOT NULL END"
	    " ORDER BY id LIMIT ?4",
	[STMT_PATIENT_UPDATE] =
	    "UPDATE patients SET name = ?2, language = ?3, timezone = ?4,"
	    " enrolled = ?5, paused = ?6, plan = ?7, reminder_times = ?8,"
	    " start_date = ?9, end_date = ?10,"
	    " quiet_start = coalesce(?11, '21:00'),"
	    " quiet_end = coalesce(?12, '08:00'), walk_target = ?13,"
	    " removed_at = ?14, welcomed_at = ?15, updated_at = ?16"
	    " WHERE id = ?1",
	[STMT_ESCALATION_GET] =
	    "SELECT " ESCALATION_COLUMNS ESCALATION_FROM " WHERE e.id = ?1",
	[STMT_ESCALATION_LIST] =
	    "SELECT " ESCALATION_COLUMNS ESCALATION_FROM
	    " WHERE (NOT ?1 OR e.acknowledged_at IS NULL)"
	    " AND (?2 = 0 OR e.patient_id = ?2) AND e.created_at >= ?3"
	    " AND (?4 = 0 OR e.id < ?4)"
	    " ORDER BY e.id DESC LIMIT ?5",
	[STMT_ESCALATION_ACK] =
	    "UPDATE escalations SET acknowledged_at = ?3, acknowledged_by = ?2,"
	    " ack_note = ?4, next_alert_at = NULL"
	    " WHERE id = ?1 AND acknowledged_at IS NULL",
	[STMT_ACTIVITY_LIST] =
	    "SELECT id, coalesce(patient_id, 0), coalesce(minutes, 0),"
	    " coalesce(meters, 0), coalesce(steps, 0), call_sid IS NOT NULL,"
	    " reported_at FROM activity_reports"
	    " WHERE (?1 = 0 OR patient_id = ?1)"
	    " AND reported_at >= ?2 AND reported_at < ?3"
	    " ORDER BY reported_at, id LIMIT ?4",
};

struct sqlite_store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[STMT_COUNT];
	int		 write_failing;	/* see sqlite_note_error */
	/* The database file as opened (see sqlite_moved); 0: in memory. */
	dev_t		 dev;
	ino_t		 ino;
	int		 moved;		/* found unlinked or replaced */
};

/*
 * 1 if the database file was unlinked or replaced while open (rm, a restore
 * copied over it, a rename): the path no longer names the file SQLite has
 * open, by SQLite's own check (SQLITE_FCNTL_HAS_MOVED) or by device and
 * inode against those at open.  Writes would go to a file that is gone
 * (after a restart the gateway opens another one), so none is taken from
 * then on: begin, commit and ping fail and the caller answers 503.  Logged
 * once, as an error.
 */
static int
sqlite_moved(struct sqlite_store *s)
{
	const char	*file;
	struct stat	 sb;
	int		 moved = 0;

	if (s->moved)
		return 1;
	if (s->ino == 0)
		return 0;	/* in memory */
	file = sqlite3_db_filename(s->db, "main");
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved) != SQLITE_OK)
		moved = 0;
	if (!moved && (file == NULL || stat(file, &sb) == -1 ||
	    sb.st_dev != s->dev || sb.st_ino != s->ino))
		moved = 1;
	if (moved) {
		s->moved = 1;
		log_error("storage: the database file %s was deleted or "
		    "replaced while the gateway had it open; nothing more is "
		    "stored or acknowledged (503) until it is restored and "
		    "the gateway restarted", file != NULL ? file : "?");
	}
	return moved;
}

/*
 * A disk that is full, read-only or failing refuses writes while reads of
 * the cached schema still work, so ping alone would call the store healthy.
 * Such an error is remembered until a write commits again; until then ping
 * probes with a write of its own (sqlite_write_probe).  A lock held past
 * the busy timeout is contention, not a failing store, and is left out.
 */
static void
sqlite_note_error(struct sqlite_store *s)
{
	switch (sqlite3_extended_errcode(s->db) & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		s->write_failing = 1;
		break;
	default:
		break;
	}
}

static void
sqlite_note_write_ok(struct sqlite_store *s)
{
	if (s->write_failing)
		log_notice("storage: the database takes writes again");
	s->write_failing = 0;
}

static void
sqlite_log_error(struct sqlite_store *s, const char *what)
{
	sqlite_note_error(s);
	log_error("storage: %s: %s", what, sqlite3_errmsg(s->db));
}

/* Resets and clears a statement so it can be bound again. */
static sqlite3_stmt *
sqlite_stmt(struct sqlite_store *s, enum sqlite_stmt which)
{
	sqlite3_stmt	*st = s->stmt[which];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static void
sqlite_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC);
}

static void
sqlite_bind_id(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int64(st, idx, v);
}

/* Runs a statement that returns no rows. */
static int
sqlite_exec_stmt(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sqlite_log_error(s, what);
		return -1;
	}
	/* A write that committed on its own proves the store takes writes. */
	if (!sqlite3_stmt_readonly(st) && sqlite3_get_autocommit(s->db))
		sqlite_note_write_ok(s);
	return 0;
}

static int
sqlite_user_version(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * Migration 8: outbound_messages' kind CHECK from an IN list to the same
 * test as an OR chain.  SQLite checks an IN list of more than two values
 * by building a temporary b-tree on every insert: a sixth of what queueing
 * an on-call alert cost (docs/BENCHMARKS.md).  A CHECK that every
 * stored row already passes does not touch the table's content, so the
 * schema text is edited in place, as SQLite's documentation describes for
 * such changes ("Making Other Kinds Of Table Schema Changes"): inside the
 * migration's transaction, the schema cookie is bumped so that any other
 * open connection reloads the schema.  A schema whose text differs (never
 * written by clotline) is left as it is: the change is only for speed.
 */
#define SQLITE_KIND_IN \
	"CHECK (kind IN ('alert', 'reminder', 'welcome', 'reply'))"
#define SQLITE_KIND_OR \
	"CHECK (kind = 'alert' OR kind = 'reminder' OR kind = 'welcome'" \
	" OR kind = 'reply')"

#define SQLITE_MIGRATION_CHECKS	8

/* Returns an SQLite result code; *msg (sqlite3_free) may say why. */
static int
sqlite_migrate_checks(sqlite3 *db, char **msg)
{
	sqlite3_stmt	*st;
	char		*sql;
	int		 cookie = -1, defensive = 0, rc;

	if ((rc = sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st,
	    NULL)) != SQLITE_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		cookie = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (cookie < 0)
		return SQLITE_ERROR;
	if ((sql = sqlite3_mprintf("UPDATE sqlite_master SET sql ="
	    " replace(sql, '%q', '%q')"
	    " WHERE type = 'table' AND name = 'outbound_messages';"
	    "PRAGMA schema_version = %d;",
	    SQLITE_KIND_IN, SQLITE_KIND_OR, cookie + 1)) == NULL)
		return SQLITE_NOMEM;
	/* A build may default to defensive mode, which forbids the edit. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	rc = sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, msg);
	sqlite3_exec(db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
	sqlite3_free(sql);
	/* Failing here fails the migration, which rolls back as a whole. */
	return rc;
}

/*
 * Migration 10: inbound_messages' kind CHECK gains 'staff', the on-call
 * number's ACK texts, by the same edit as migration 8 (every stored row
 * passes the wider CHECK).  Here the edit is needed, not only faster, so a
 * schema it does not find is an error that fails the migration.
 */
#define SQLITE_INBOUND_KIND_OLD	"CHECK (kind IN ('triage', 'keyword'))"
#define SQLITE_INBOUND_KIND_NEW \
	"CHECK (kind = 'triage' OR kind = 'keyword' OR kind = 'staff')"
#define SQLITE_MIGRATION_INBOUND	10

static int
sqlite_migrate_inbound(sqlite3 *db, char **msg)
{
	sqlite3_stmt	*st;
	char		*sql;
	int		 cookie = -1, defensive = 0, found = 0, rc;

	if ((rc = sqlite3_prepare_v2(db, "SELECT instr(sql, ?1) > 0"
	    " FROM sqlite_master WHERE type = 'table'"
	    " AND name = 'inbound_messages'", -1, &st, NULL)) != SQLITE_OK)
		return rc;
	sqlite3_bind_text(st, 1, SQLITE_INBOUND_KIND_OLD, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!found) {
		*msg = sqlite3_mprintf("inbound_messages has no %s to widen",
		    SQLITE_INBOUND_KIND_OLD);
		return SQLITE_ERROR;
	}
	if ((rc = sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &st,
	    NULL)) != SQLITE_OK)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		cookie = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (cookie < 0)
		return SQLITE_ERROR;
	if ((sql = sqlite3_mprintf("UPDATE sqlite_master SET sql ="
	    " replace(sql, '%q', '%q')"
	    " WHERE type = 'table' AND name = 'inbound_messages';"
	    "PRAGMA schema_version = %d;",
	    SQLITE_INBOUND_KIND_OLD, SQLITE_INBOUND_KIND_NEW, cookie + 1)) ==
	    NULL)
		return SQLITE_NOMEM;
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	rc = sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, msg);
	sqlite3_exec(db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
	sqlite3_free(sql);
	return rc;
}

/*
 * Migrations that SQL alone cannot write, run after their entry's SQL in
 * the same transaction; each returns an SQLite result code.
 */
static int (*const sqlite_migration_steps[SQLITE_NMIGRATIONS])(sqlite3 *,
    char **) = {
	[SQLITE_MIGRATION_CHECKS - 1] = sqlite_migrate_checks,
	[SQLITE_MIGRATION_INBOUND - 1] = sqlite_migrate_inbound,
};

static int
sqlite_migrate(sqlite3 *db, char **errp)
{
	char	*sql, *msg = NULL;
	int	 v, rc;

	if ((v = sqlite_user_version(db)) < 0) {
		*errp = xasprintf("cannot read schema version: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	if (v > SQLITE_NMIGRATIONS) {
		*errp = xasprintf("database schema version %d is newer than this "
		    "clotline knows (%d); refusing to touch it", v,
		    SQLITE_NMIGRATIONS);
		return -1;
	}
	for (; v < SQLITE_NMIGRATIONS; v++) {
		sql = xasprintf("BEGIN IMMEDIATE; %s", sqlite_migrations[v]);
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
		free(sql);
		if (rc == SQLITE_OK && sqlite_migration_steps[v] != NULL)
			rc = sqlite_migration_steps[v](db, &msg);
		if (rc == SQLITE_OK) {
			sql = xasprintf("PRAGMA user_version = %d; COMMIT;", v + 1);
			rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
			free(sql);
		}
		if (rc != SQLITE_OK) {
			*errp = xasprintf("schema migration %d failed: %s", v + 1,
			    msg != NULL ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		log_info("storage: database schema migrated to version %d", v + 1);
	}
	return 0;
}

static void sqlite_close(void *);

/*
 * The database and its -wal and -shm files hold health data: the owner's
 * alone, whatever the umask (outside systemd's UMask=0077 SQLite makes a
 * new database 0644, and its -wal and -shm files copy the database's mode
 * when they are made).  Run once the database file exists and before
 * anything is written to it; files already there are tightened too.
 */
static int
sqlite_private(sqlite3 *db, char **errp)
{
	static const char	*const suffix[] = { "", "-wal", "-shm",
	    "-journal" };
	const char		*file;
	struct stat		 sb;
	char			*path;
	size_t			 i;
	int			 rc = 0;

	if ((file = sqlite3_db_filename(db, "main")) == NULL || *file == '\0')
		return 0;	/* in memory */
	for (i = 0; i < sizeof suffix / sizeof suffix[0] && rc == 0; i++) {
		path = xasprintf("%s%s", file, suffix[i]);
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (sb.st_mode & 077) != 0) {
			if (chmod(path, sb.st_mode & 0700) == -1) {
				/*
				 * Not ours to change (another user's file
				 * shared through its group): said, not fatal.
				 */
				if (errno != EPERM) {
					*errp = xasprintf("cannot make %s "
					    "private (chmod 600): %s", path,
					    strerror(errno));
					rc = -1;
				} else
					log_warn("storage: %s can be read by "
					    "others (mode %03o) and is not ours "
					    "to chmod", path,
					    (unsigned)sb.st_mode & 0777);
			} else if (i == 0 && sb.st_size > 0)
				log_notice("storage: %s was readable by others "
				    "(mode %03o); made it the owner's alone",
				    path, (unsigned)sb.st_mode & 0777);
		}
		free(path);
	}
	return rc;
}

static void *
sqlite_open(const char *location, const struct storage_options *opts, char **errp)
{
	struct sqlite_store	*s;
	sqlite3_stmt		*st;
	struct stat		 sb;
	const char		*mode = NULL, *file;
	int			 i, rc;

	s = xcalloc(1, sizeof *s);
	rc = sqlite3_open_v2(location, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*errp = xasprintf("cannot open database %s: %s", location,
		    s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	if (sqlite_private(s->db, errp) == -1)
		goto fail;
	if ((file = sqlite3_db_filename(s->db, "main")) != NULL &&
	    *file != '\0' && stat(file, &sb) == 0) {
		s->dev = sb.st_dev;
		s->ino = sb.st_ino;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, opts != NULL ? opts->busy_timeout_ms : 5000);
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			mode = (const char *)sqlite3_column_text(st, 0);
		if (mode == NULL || (strcmp(mode, "wal") != 0 &&
		    strcmp(mode, "memory") != 0)) {
			*errp = xasprintf("cannot put database %s in WAL mode: %s",
			    location, sqlite3_errmsg(s->db));
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
	} else {
		*errp = xasprintf("cannot open database %s: %s", location,
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	/*
	 * temp_store: the savepoint journals of group commit (storage.h) and
	 * sorts stay in memory, so message text never goes to temporary
	 * files (SQLite's default spills them to /var/tmp past 64 KiB).
	 */
	if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;", NULL, NULL, NULL) != SQLITE_OK) {
		*errp = xasprintf("cannot configure database %s: %s", location,
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	if (sqlite_migrate(s->db, errp) == -1)
		goto fail;
	for (i = 0; i < STMT_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, sqlite_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) != SQLITE_OK) {
			*errp = xasprintf("cannot prepare statement %d: %s", i,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	return s;
fail:
	sqlite_close(s);
	return NULL;
}

static void
sqlite_close(void *arg)
{
	struct sqlite_store	*s = arg;
	int			 i;

	if (s == NULL)
		return;
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	free(s);
}

/*
 * Rewrites the schema version with its own value: one page, so one WAL
 * frame and a sync, the least a stored message needs.  Only run while
 * writes are failing, so a healthy gateway's /healthz writes nothing.
 */
static int
sqlite_write_probe(struct sqlite_store *s)
{
	char	*sql;
	int	 v, rc;

	if ((v = sqlite_user_version(s->db)) == -1)
		return -1;
	sql = xasprintf("BEGIN IMMEDIATE; PRAGMA user_version = %d; COMMIT;", v);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	sqlite_note_write_ok(s);
	return 0;
}

static int
sqlite_ping(void *arg)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PING);
	int			 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW || sqlite_moved(s))
		return -1;
	return s->write_failing ? sqlite_write_probe(s) : 0;
}

static void
sqlite_busy_timeout(void *arg, int ms)
{
	struct sqlite_store	*s = arg;

	sqlite3_busy_timeout(s->db, ms);
}

static int
sqlite_schema_version(void *arg)
{
	struct sqlite_store	*s = arg;

	return sqlite_user_version(s->db);
}

static int
sqlite_begin(void *arg)
{
	struct sqlite_store	*s = arg;

	if (sqlite_moved(s))
		return -1;
	return sqlite_exec_stmt(s, sqlite_stmt(s, STMT_BEGIN), "begin");
}

static int
sqlite_commit(void *arg)
{
	struct sqlite_store	*s = arg;

	if (sqlite_exec_stmt(s, sqlite_stmt(s, STMT_COMMIT), "commit") == -1) {
		/* A failed COMMIT may leave the transaction open. */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	/* Committed to a file that is gone: not kept, whatever SQLite says. */
	if (sqlite_moved(s))
		return -1;
	sqlite_note_write_ok(s);
	return 0;
}

static void
sqlite_rollback(void *arg)
{
	struct sqlite_store	*s = arg;

	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite_exec_stmt(s, sqlite_stmt(s, STMT_ROLLBACK), "rollback");
}

static int
sqlite_savepoint(void *arg)
{
	struct sqlite_store	*s = arg;

	return sqlite_exec_stmt(s, sqlite_stmt(s, STMT_SAVEPOINT), "savepoint");
}

static int
sqlite_release(void *arg)
{
	struct sqlite_store	*s = arg;

	return sqlite_exec_stmt(s, sqlite_stmt(s, STMT_RELEASE), "release");
}

/* Undoes the member's work; RELEASE then takes it off the stack. */
static void
sqlite_rollback_savepoint(void *arg)
{
	struct sqlite_store	*s = arg;

	if (sqlite_exec_stmt(s, sqlite_stmt(s, STMT_ROLLBACK_TO),
	    "rollback to savepoint") == 0)
		(void)sqlite_exec_stmt(s, sqlite_stmt(s, STMT_RELEASE),
		    "release");
}

static int
sqlite_in_transaction(void *arg)
{
	struct sqlite_store	*s = arg;

	return !sqlite3_get_autocommit(s->db);
}

static char *
sqlite_column_strdup(sqlite3_stmt *st, int col)
{
	const char	*v = (const char *)sqlite3_column_text(st, col);

	return v != NULL ? xstrdup(v) : NULL;
}

/*
 * Runs a bound lookup of one text column: 1 and *out (NULL for a NULL
 * column; caller frees) for a row, 0 for none, -1 on error.
 */
static int
sqlite_lookup_text(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
    char **out)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite_column_strdup(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_log_error(s, what);
	return -1;
}

static int
sqlite_inbound_find(void *arg, const char *provider, const char *sid,
    char **reply)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_INBOUND_FIND);

	sqlite_bind_text(st, 1, provider);
	sqlite_bind_text(st, 2, sid);
	return sqlite_lookup_text(s, st, "inbound lookup", reply);
}

static int
sqlite_inbound_insert(void *arg, const struct inbound *in, int64_t *id)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_INBOUND_INSERT);

	sqlite_bind_text(st, 1, in->provider);
	sqlite_bind_text(st, 2, in->provider_sid);
	sqlite_bind_text(st, 3, in->from);
	sqlite_bind_text(st, 4, in->to);
	sqlite_bind_text(st, 5, in->body);
	sqlite3_bind_int64(st, 6, in->received_at);
	sqlite_bind_id(st, 7, in->patient_id);
	sqlite_bind_text(st, 8, in->kind);
	sqlite_bind_text(st, 9, in->level);
	sqlite_bind_text(st, 10, in->rules);
	sqlite_bind_text(st, 11, in->reply);
	if (sqlite_exec_stmt(s, st, "inbound insert") == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_part_put(void *arg, const struct inbound_part *p)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PART_PUT);

	sqlite_bind_text(st, 1, p->provider);
	sqlite_bind_text(st, 2, p->phone);
	sqlite_bind_text(st, 3, p->ref);
	sqlite3_bind_int(st, 4, p->part);
	sqlite3_bind_int(st, 5, p->total);
	sqlite_bind_text(st, 6, p->sid);
	sqlite_bind_text(st, 7, p->to);
	sqlite_bind_text(st, 8, p->body);
	sqlite3_bind_int64(st, 9, p->received_at);
	if (sqlite_exec_stmt(s, st, "part insert") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int
sqlite_parts_get(void *arg, const char *provider, const char *phone,
    const char *ref, struct inbound_part_row *rows, size_t max, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PARTS_GET);
	struct inbound_part_row	*r;
	int			 rc;

	*n = 0;
	sqlite_bind_text(st, 1, provider);
	sqlite_bind_text(st, 2, phone);
	sqlite_bind_text(st, 3, ref);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		r = &rows[(*n)++];
		r->part = sqlite3_column_int(st, 0);
		r->total = sqlite3_column_int(st, 1);
		r->sid = sqlite_column_strdup(st, 2);
		r->to = sqlite_column_strdup(st, 3);
		r->body = sqlite_column_strdup(st, 4);
		r->received_at = sqlite3_column_int64(st, 5);
		r->done_at = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		while (*n > 0)
			inbound_part_row_clear(&rows[--(*n)]);
		sqlite_log_error(s, "parts lookup");
		return -1;
	}
	return 0;
}

static int
sqlite_parts_done(void *arg, const char *provider, const char *phone,
    const char *ref, int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PARTS_DONE);

	sqlite_bind_text(st, 1, provider);
	sqlite_bind_text(st, 2, phone);
	sqlite_bind_text(st, 3, ref);
	sqlite3_bind_int64(st, 4, now);
	return sqlite_exec_stmt(s, st, "parts update");
}

static int
sqlite_parts_oldest(void *arg, int64_t before, struct inbound_part_group *g)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PARTS_OLDEST);
	int			 rc;

	memset(g, 0, sizeof *g);
	sqlite3_bind_int64(st, 1, before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		g->provider = sqlite_column_strdup(st, 0);
		g->phone = sqlite_column_strdup(st, 1);
		g->ref = sqlite_column_strdup(st, 2);
		g->total = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_log_error(s, "parts lookup");
	return -1;
}

/* Fills *p from a row of PATIENT_COLUMNS. */
static void
sqlite_patient_row(sqlite3_stmt *st, struct patient *p)
{
	p->id = sqlite3_column_int64(st, 0);
	p->phone = sqlite_column_strdup(st, 1);
	p->name = sqlite_column_strdup(st, 2);
	p->language = sqlite_column_strdup(st, 3);
	p->timezone = sqlite_column_strdup(st, 4);
	p->enrolled = sqlite3_column_int(st, 5);
	p->opted_out = sqlite3_column_int(st, 6);
	p->paused = sqlite3_column_int(st, 7);
	p->plan = sqlite_column_strdup(st, 8);
	p->reminder_times = sqlite_column_strdup(st, 9);
	p->start_date = sqlite_column_strdup(st, 10);
	p->end_date = sqlite_column_strdup(st, 11);
	p->quiet_start = sqlite_column_strdup(st, 12);
	p->quiet_end = sqlite_column_strdup(st, 13);
	p->walk_target = sqlite3_column_int(st, 14);
	p->created_at = sqlite3_column_int64(st, 15);
	p->removed_at = sqlite3_column_int64(st, 16);
	p->welcomed_at = sqlite3_column_int64(st, 17);
}

/*
 * Runs a bound query for at most one row: 1 with *out filled by row, 0 for
 * none, -1 on error.
 */
static int
sqlite_fetch_one(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
    void (*row)(sqlite3_stmt *, void *), void *out)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_log_error(s, what);
	return -1;
}

static void
sqlite_patient_row_cb(sqlite3_stmt *st, void *p)
{
	sqlite_patient_row(st, p);
}

/* Runs a bound lookup of one patient: 1 and *p filled, 0 none, -1. */
static int
sqlite_patient_one(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
    struct patient *p)
{
	return sqlite_fetch_one(s, st, what, sqlite_patient_row_cb, p);
}

static int
sqlite_patient_find(void *arg, const char *phone, struct patient *p)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PATIENT_FIND);

	sqlite_bind_text(st, 1, phone);
	return sqlite_patient_one(s, st, "patient lookup", p);
}

static int
sqlite_patient_insert(void *arg, const struct patient *p, int64_t now,
    int64_t *id)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PATIENT_INSERT);

	sqlite_bind_text(st, 1, p->phone);
	sqlite_bind_text(st, 2, p->name);
	sqlite_bind_text(st, 3, p->language != NULL ? p->language : "en");
	sqlite_bind_text(st, 4, p->timezone != NULL ? p->timezone : "Europe/London");
	sqlite3_bind_int(st, 5, p->enrolled);
	sqlite3_bind_int(st, 6, p->opted_out);
	sqlite3_bind_int(st, 7, p->paused);
	sqlite3_bind_int64(st, 8, now);
	sqlite_bind_text(st, 9, p->plan);
	sqlite_bind_text(st, 10, p->reminder_times);
	sqlite_bind_text(st, 11, p->start_date);
	sqlite_bind_text(st, 12, p->end_date);
	sqlite_bind_text(st, 13, p->quiet_start);
	sqlite_bind_text(st, 14, p->quiet_end);
	if (p->walk_target > 0)
		sqlite3_bind_int(st, 15, p->walk_target);
	else
		sqlite3_bind_null(st, 15);
	if (sqlite_exec_stmt(s, st, "patient insert") == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_patient_set_opt_out(void *arg, const char *phone, int opted_out,
    int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OPT_OUT_UPDATE);

	sqlite_bind_text(st, 1, phone);
	sqlite3_bind_int(st, 2, opted_out != 0);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite_exec_stmt(s, st, "opt-out update") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		return 0;
	st = sqlite_stmt(s, STMT_OPT_OUT_INSERT);
	sqlite_bind_text(st, 1, phone);
	sqlite3_bind_int(st, 2, opted_out != 0);
	sqlite3_bind_int64(st, 3, now);
	return sqlite_exec_stmt(s, st, "opt-out insert");
}

static int
sqlite_patient_set_paused(void *arg, const char *phone, int paused,
    int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PATIENT_PAUSE);

	sqlite_bind_text(st, 1, phone);
	sqlite3_bind_int(st, 2, paused != 0);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite_exec_stmt(s, st, "pause update") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int
sqlite_patient_get(void *arg, int64_t id, struct patient *p)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PATIENT_GET);

	sqlite3_bind_int64(st, 1, id);
	return sqlite_patient_one(s, st, "patient lookup by id", p);
}

static int
sqlite_reminder_patients(void *arg, int64_t since, int all,
    storage_reminder_fn fn, void *fnarg)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_REMINDER_PATIENTS);
	struct reminder_patient	 rp;
	int			 rc, stop = 0;

	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int(st, 2, all != 0);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&rp, 0, sizeof rp);
		sqlite_patient_row(st, &rp.p);
		rp.updated_at = sqlite3_column_int64(st, PATIENT_NCOLUMNS);
		rp.fired = (const char *)sqlite3_column_text(st,
		    PATIENT_NCOLUMNS + 1);
		stop = fn(fnarg, &rp) != 0;
		patient_clear(&rp.p);
	}
	sqlite3_reset(st);
	if (stop || rc == SQLITE_DONE)
		return 0;
	sqlite_log_error(s, "reminder patients");
	return -1;
}

static int
sqlite_activity_since(void *arg, int64_t patient_id, int64_t since,
    struct activity_row *rows, size_t max, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ACTIVITY_SINCE);
	int			 rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, patient_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		rows[*n].reported_at = sqlite3_column_int64(st, 0);
		rows[*n].minutes = sqlite3_column_int(st, 1);
		rows[*n].meters = sqlite3_column_int(st, 2);
		rows[*n].steps = sqlite3_column_int(st, 3);
		(*n)++;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	sqlite_log_error(s, "activity since");
	return -1;
}

static int
sqlite_schedule_put(void *arg, const struct schedule_row *r)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_SCHEDULE_PUT);

	sqlite3_bind_int64(st, 1, r->patient_id);
	sqlite_bind_text(st, 2, r->reminder);
	sqlite3_bind_int64(st, 3, r->last_fire);
	sqlite_bind_text(st, 4, r->last_status);
	sqlite_bind_id(st, 5, r->next_fire);
	sqlite3_bind_int64(st, 6, r->updated_at);
	return sqlite_exec_stmt(s, st, "schedule update");
}

static int
sqlite_escalation_insert(void *arg, const struct escalation *e, int64_t *id)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_INSERT);

	sqlite_bind_text(st, 1, e->phone);
	sqlite_bind_id(st, 2, e->patient_id);
	sqlite_bind_id(st, 3, e->inbound_id);
	sqlite_bind_text(st, 4, e->level);
	sqlite_bind_text(st, 5, e->excerpt);
	sqlite3_bind_int64(st, 6, e->created_at);
	sqlite_bind_id(st, 7, e->outbound_id);
	sqlite_bind_text(st, 8, e->rules);
	sqlite_bind_text(st, 9, e->call_sid);
	sqlite_bind_text(st, 10, e->concepts);
	sqlite3_bind_int64(st, 11, e->flagged_at != 0 ? e->flagged_at :
	    e->created_at);
	sqlite3_bind_int(st, 12, e->chain_pos);
	sqlite_bind_text(st, 13, e->alerted_to);
	sqlite_bind_id(st, 14, e->next_alert_at);
	if (sqlite_exec_stmt(s, st, "escalation insert") == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_audit_append(void *arg, const struct audit *a)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_AUDIT_INSERT);

	sqlite3_bind_int64(st, 1, a->at);
	sqlite_bind_text(st, 2, a->actor);
	sqlite_bind_text(st, 3, a->action);
	sqlite_bind_text(st, 4, a->subject);
	sqlite_bind_text(st, 5, a->detail);
	return sqlite_exec_stmt(s, st, "audit insert");
}

static int
sqlite_conversation_get(void *arg, const char *phone, char **state)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_CONVERSATION_GET);

	sqlite_bind_text(st, 1, phone);
	return sqlite_lookup_text(s, st, "conversation lookup", state);
}

static int
sqlite_conversation_put(void *arg, const struct conversation *c)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_CONVERSATION_PUT);

	sqlite_bind_text(st, 1, c->phone);
	sqlite_bind_id(st, 2, c->patient_id);
	sqlite_bind_text(st, 3, c->level);
	sqlite_bind_text(st, 4, c->state);
	sqlite3_bind_int64(st, 5, c->updated_at);
	return sqlite_exec_stmt(s, st, "conversation update");
}

/* Fills *c from a row of STMT_CALL_GET. */
static void
sqlite_call_row(sqlite3_stmt *st, void *arg)
{
	struct call_row	*c = arg;

	c->state = sqlite_column_strdup(st, 0);
	c->step = sqlite3_column_int(st, 1);
	c->last_twiml = sqlite_column_strdup(st, 2);
}

static int
sqlite_call_get(void *arg, const char *sid, struct call_row *c)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_CALL_GET);

	sqlite_bind_text(st, 1, sid);
	return sqlite_fetch_one(s, st, "call lookup", sqlite_call_row, c);
}

static int
sqlite_call_put(void *arg, const struct call *c)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_CALL_PUT);

	sqlite_bind_text(st, 1, c->call_sid);
	sqlite_bind_text(st, 2, c->from);
	sqlite_bind_id(st, 3, c->patient_id);
	sqlite_bind_text(st, 4, c->state);
	sqlite3_bind_int(st, 5, c->step);
	sqlite_bind_text(st, 6, c->last_twiml);
	sqlite3_bind_int64(st, 7, c->now);
	sqlite3_bind_int(st, 8, c->ended != 0);
	return sqlite_exec_stmt(s, st, "call update");
}

static void
sqlite_bind_count(sqlite3_stmt *st, int idx, int v)
{
	if (v <= 0)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int(st, idx, v);
}

static int
sqlite_activity_insert(void *arg, const struct activity *a)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ACTIVITY_INSERT);

	sqlite_bind_text(st, 1, a->phone);
	sqlite_bind_id(st, 2, a->patient_id);
	sqlite_bind_id(st, 3, a->inbound_id);
	sqlite_bind_count(st, 4, a->minutes);
	sqlite_bind_count(st, 5, a->meters);
	sqlite_bind_count(st, 6, a->steps);
	sqlite3_bind_int64(st, 7, a->reported_at);
	sqlite_bind_text(st, 8, a->call_sid);
	return sqlite_exec_stmt(s, st, "activity insert");
}

static int
sqlite_outbound_insert(void *arg, const struct outbound *o, int64_t *id)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_INSERT);

	sqlite_bind_text(st, 1, o->kind);
	sqlite_bind_text(st, 2, o->to);
	sqlite_bind_text(st, 3, o->body);
	sqlite3_bind_int64(st, 4, o->created_at);
	sqlite_bind_id(st, 5, o->expires_at);
	sqlite_bind_id(st, 6, o->patient_id);
	sqlite3_bind_int(st, 7, o->priority);
	sqlite3_bind_int(st, 8, o->fair);
	if (sqlite_exec_stmt(s, st, "outbound insert") == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void
sqlite_outbound_row(sqlite3_stmt *st, struct outbound_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->kind = sqlite_column_strdup(st, 1);
	r->to = sqlite_column_strdup(st, 2);
	r->body = sqlite_column_strdup(st, 3);
	r->status = sqlite_column_strdup(st, 4);
	r->delivery = sqlite_column_strdup(st, 5);
	r->provider_sid = sqlite_column_strdup(st, 6);
	r->priority = sqlite3_column_int(st, 7);
	r->attempts = sqlite3_column_int(st, 8);
	r->created_at = sqlite3_column_int64(st, 9);
	r->expires_at = sqlite3_column_int64(st, 10);
	r->patient_id = sqlite3_column_int64(st, 11);
	r->error_code = sqlite3_column_int(st, 12);
}

static int
sqlite_outbound_claim(void *arg, int64_t now, size_t max,
    struct outbound_row *rows, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_DUE);
	sqlite3_stmt		*up;
	size_t			 i;
	int			 rc = SQLITE_DONE;

	*n = 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		sqlite_outbound_row(st, &rows[(*n)++]);
	sqlite3_reset(st);
	if (*n < max && rc != SQLITE_DONE) {
		sqlite_log_error(s, "outbound due");
		goto fail;
	}
	for (i = 0; i < *n; i++) {
		up = sqlite_stmt(s, STMT_OUTBOUND_CLAIM);
		sqlite3_bind_int64(up, 1, rows[i].id);
		sqlite3_bind_int64(up, 2, now);
		if (sqlite_exec_stmt(s, up, "outbound claim") == -1)
			goto fail;
		rows[i].attempts++;
	}
	return 0;
fail:
	for (i = 0; i < *n; i++)
		outbound_row_clear(&rows[i]);
	*n = 0;
	return -1;
}

static int
sqlite_outbound_next_due(void *arg, int64_t *at)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_NEXT);
	int			 rc, found = 0;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*at = sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		sqlite_log_error(s, "outbound next due");
		return -1;
	}
	return found;
}

/* Runs a bound "SELECT count(*) ..." and returns the count, or -1. */
static int
sqlite_count(struct sqlite_store *s, sqlite3_stmt *st, const char *what)
{
	int	rc, count = -1;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		count = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		sqlite_log_error(s, what);
	return count;
}

static int
sqlite_outbound_stalled(void *arg, int64_t before)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_STALLED);

	sqlite3_bind_int64(st, 1, before);
	return sqlite_count(s, st, "outbound stalled");
}

static int
sqlite_outbound_backlog(void *arg, int64_t now, int64_t *count,
    int64_t *oldest)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_BACKLOG);
	int			 rc;

	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*oldest = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		sqlite_log_error(s, "outbound backlog");
		return -1;
	}
	return 0;
}

static int
sqlite_outbound_update(void *arg, const struct outbound_update *u)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_UPDATE);

	sqlite3_bind_int64(st, 1, u->id);
	sqlite_bind_text(st, 2, u->status);
	sqlite_bind_text(st, 3, u->delivery);
	sqlite_bind_text(st, 4, u->provider_sid);
	sqlite_bind_count(st, 5, u->error_code);
	sqlite_bind_text(st, 6, u->error_message);
	sqlite_bind_id(st, 7, u->next_attempt_at);
	sqlite_bind_id(st, 8, u->sent_at);
	sqlite_bind_count(st, 9, u->segments);
	sqlite3_bind_int64(st, 10, u->now);
	sqlite3_bind_int(st, 11, u->clear_error != 0);
	sqlite3_bind_int(st, 12, u->not_attempted != 0);
	return sqlite_exec_stmt(s, st, "outbound update");
}

static int
sqlite_outbound_get(void *arg, int64_t id, const char *sid,
    struct outbound_row *r)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st;
	int			 rc;

	if (id != 0) {
		st = sqlite_stmt(s, STMT_OUTBOUND_GET_ID);
		sqlite3_bind_int64(st, 1, id);
	} else {
		st = sqlite_stmt(s, STMT_OUTBOUND_GET_SID);
		sqlite_bind_text(st, 1, sid);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sqlite_outbound_row(st, r);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	sqlite_log_error(s, "outbound lookup");
	return -1;
}

static int
sqlite_outbound_recent(void *arg, int64_t id, const char *to, const char *body,
    int64_t since)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_RECENT);

	sqlite_bind_text(st, 1, to);
	sqlite_bind_text(st, 2, body);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, id);
	return sqlite_count(s, st, "outbound loop count");
}

static int
sqlite_outbound_cancel(void *arg, const char *to, const char *kind,
    const char *why, int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_CANCEL);

	sqlite_bind_text(st, 1, to);
	sqlite_bind_text(st, 2, kind);
	sqlite_bind_text(st, 3, why);
	sqlite3_bind_int64(st, 4, now);
	if (sqlite_exec_stmt(s, st, "outbound cancel") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

static int
sqlite_outbound_recover(void *arg, int64_t now, int64_t retry_at)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_OUTBOUND_RECOVER);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, retry_at);
	if (sqlite_exec_stmt(s, st, "outbound recover") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

static int
sqlite_escalation_alerted(void *arg, int64_t outbound_id, int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_ALERTED);

	sqlite3_bind_int64(st, 1, outbound_id);
	sqlite3_bind_int64(st, 2, now);
	return sqlite_exec_stmt(s, st, "escalation alerted");
}

/* Fills one array element from the current row. */
typedef void (*sqlite_row_fn)(sqlite3_stmt *, void *);

/*
 * Runs a bound query and collects up to max rows into a new array of
 * elements of elsize bytes (*v; caller frees, and on error nothing is left
 * to free).  clear, if not NULL, releases one element's strings.
 */
static int
sqlite_collect(struct sqlite_store *s, sqlite3_stmt *st, const char *what,
    size_t elsize, size_t max, sqlite_row_fn row, void (*clear)(void *),
    void **v, size_t *n)
{
	char	*arr = NULL;
	size_t	 cap = 0, i;
	int	 rc;

	*v = NULL;
	*n = 0;
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			arr = xreallocarray(arr, cap, elsize);
		}
		memset(arr + *n * elsize, 0, elsize);
		row(st, arr + *n * elsize);
		(*n)++;
	}
	sqlite3_reset(st);
	if (*n < max && rc != SQLITE_DONE) {
		sqlite_log_error(s, what);
		for (i = 0; clear != NULL && i < *n; i++)
			clear(arr + i * elsize);
		free(arr);
		*n = 0;
		return -1;
	}
	*v = arr;
	return 0;
}

static void
sqlite_patient_clear_cb(void *p)
{
	patient_clear(p);
}

static int
sqlite_patient_list(void *arg, const struct patient_filter *f,
    struct patient **v, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PATIENT_LIST);

	sqlite3_bind_int(st, 1, (int)f->which);
	sqlite_bind_text(st, 2, f->plan);
	sqlite3_bind_int64(st, 3, f->after_id);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)f->max);
	return sqlite_collect(s, st, "patient list", sizeof **v, f->max,
	    sqlite_patient_row_cb, sqlite_patient_clear_cb, (void **)v, n);
}

static int
sqlite_patient_update(void *arg, const struct patient *p, int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_PATIENT_UPDATE);

	sqlite3_bind_int64(st, 1, p->id);
	sqlite_bind_text(st, 2, p->name);
	sqlite_bind_text(st, 3, p->language != NULL ? p->language : "en");
	sqlite_bind_text(st, 4, p->timezone != NULL ? p->timezone :
	    "Europe/London");
	sqlite3_bind_int(st, 5, p->enrolled != 0);
	sqlite3_bind_int(st, 6, p->paused != 0);
	sqlite_bind_text(st, 7, p->plan);
	sqlite_bind_text(st, 8, p->reminder_times);
	sqlite_bind_text(st, 9, p->start_date);
	sqlite_bind_text(st, 10, p->end_date);
	sqlite_bind_text(st, 11, p->quiet_start);
	sqlite_bind_text(st, 12, p->quiet_end);
	sqlite_bind_count(st, 13, p->walk_target);
	sqlite_bind_id(st, 14, p->removed_at);
	sqlite_bind_id(st, 15, p->welcomed_at);
	sqlite3_bind_int64(st, 16, now);
	if (sqlite_exec_stmt(s, st, "patient update") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

/* Fills *e from a row of ESCALATION_COLUMNS. */
static void
sqlite_escalation_row(sqlite3_stmt *st, void *arg)
{
	struct escalation_row	*e = arg;

	e->id = sqlite3_column_int64(st, 0);
	e->phone = sqlite_column_strdup(st, 1);
	e->patient_id = sqlite3_column_int64(st, 2);
	e->level = sqlite_column_strdup(st, 3);
	e->excerpt = sqlite_column_strdup(st, 4);
	e->rules = sqlite_column_strdup(st, 5);
	e->created_at = sqlite3_column_int64(st, 6);
	e->alerted_at = sqlite3_column_int64(st, 7);
	e->acknowledged_at = sqlite3_column_int64(st, 8);
	e->acknowledged_by = sqlite_column_strdup(st, 9);
	e->ack_note = sqlite_column_strdup(st, 10);
	e->concepts = sqlite_column_strdup(st, 11);
	e->patient_name = sqlite_column_strdup(st, 12);
	e->flagged_at = sqlite3_column_int64(st, 13);
	e->updated_at = sqlite3_column_int64(st, 14);
	e->chain_pos = sqlite3_column_int(st, 15);
	e->alerted_to = sqlite_column_strdup(st, 16);
	e->next_alert_at = sqlite3_column_int64(st, 17);
	e->failovers = sqlite3_column_int(st, 18);
	e->nalerts = sqlite3_column_int(st, 19);
	e->nmessages = sqlite3_column_int(st, 20);
	e->inbound_id = sqlite3_column_int64(st, 21);
	e->last_alert_id = sqlite3_column_int64(st, 22);
}

static void
sqlite_escalation_clear_cb(void *e)
{
	escalation_row_clear(e);
}

static int
sqlite_escalation_get(void *arg, int64_t id, struct escalation_row *e)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_GET);

	sqlite3_bind_int64(st, 1, id);
	return sqlite_fetch_one(s, st, "escalation lookup",
	    sqlite_escalation_row, e);
}

static int
sqlite_escalation_list(void *arg, const struct escalation_filter *f,
    struct escalation_row **v, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_LIST);

	sqlite3_bind_int(st, 1, f->open_only != 0);
	sqlite3_bind_int64(st, 2, f->patient_id);
	sqlite3_bind_int64(st, 3, f->since);
	sqlite3_bind_int64(st, 4, f->before_id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)f->max);
	return sqlite_collect(s, st, "escalation list", sizeof **v, f->max,
	    sqlite_escalation_row, sqlite_escalation_clear_cb, (void **)v, n);
}

static int
sqlite_escalation_ack(void *arg, int64_t id, const char *by, const char *note,
    int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_ACK);

	sqlite3_bind_int64(st, 1, id);
	sqlite_bind_text(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	sqlite_bind_text(st, 4, note);
	if (sqlite_exec_stmt(s, st, "escalation acknowledge") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int
sqlite_escalation_find(void *arg, const struct escalation_key *k,
    struct escalation_row *e)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st;

	switch (k->which) {
	case ESCALATION_BY_ID:
		st = sqlite_stmt(s, STMT_ESCALATION_GET);
		sqlite3_bind_int64(st, 1, k->id);
		break;
	case ESCALATION_BY_ALERT:
		st = sqlite_stmt(s, STMT_ESCALATION_FIND_ALERT);
		sqlite3_bind_int64(st, 1, k->id);
		break;
	case ESCALATION_EPISODE:
		st = sqlite_stmt(s, STMT_ESCALATION_FIND_EPISODE);
		sqlite_bind_text(st, 1, k->phone);
		sqlite3_bind_int64(st, 2, k->since);
		break;
	case ESCALATION_ALERTED_TO:
		st = sqlite_stmt(s, STMT_ESCALATION_FIND_ALERTED_TO);
		sqlite_bind_text(st, 1, k->phone);
		break;
	default:
		return -1;
	}
	return sqlite_fetch_one(s, st, "escalation lookup",
	    sqlite_escalation_row, e);
}

static int
sqlite_escalation_update(void *arg, const struct escalation_update *u)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_UPDATE);

	sqlite3_bind_int64(st, 1, u->id);
	sqlite_bind_text(st, 2, u->level);
	sqlite_bind_text(st, 3, u->concepts);
	sqlite_bind_id(st, 4, u->flagged_at);
	sqlite3_bind_int(st, 5, u->chain_pos);
	sqlite_bind_text(st, 6, u->alerted_to);
	sqlite3_bind_int64(st, 7, u->next_alert_at);
	sqlite3_bind_int(st, 8, u->failovers);
	sqlite3_bind_int(st, 9, u->reopen != 0);
	sqlite3_bind_int64(st, 10, u->now);
	sqlite_bind_id(st, 11, u->outbound_id);
	if (sqlite_exec_stmt(s, st, "escalation update") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int
sqlite_escalation_alert_insert(void *arg, const struct escalation_alert *a)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_ALERT_INSERT);

	sqlite3_bind_int64(st, 1, a->escalation_id);
	sqlite3_bind_int64(st, 2, a->outbound_id);
	sqlite_bind_text(st, 3, a->to);
	sqlite3_bind_int(st, 4, a->chain_pos);
	sqlite_bind_text(st, 5, a->reason);
	sqlite3_bind_int64(st, 6, a->created_at);
	return sqlite_exec_stmt(s, st, "escalation alert insert");
}

static int
sqlite_escalation_message_insert(void *arg,
    const struct escalation_message *m)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s,
				    STMT_ESCALATION_MESSAGE_INSERT);

	sqlite3_bind_int64(st, 1, m->escalation_id);
	sqlite_bind_id(st, 2, m->inbound_id);
	sqlite_bind_text(st, 3, m->call_sid);
	sqlite_bind_text(st, 4, m->level);
	sqlite_bind_text(st, 5, m->concepts);
	sqlite_bind_text(st, 6, m->excerpt);
	sqlite3_bind_int(st, 7, m->alerted != 0);
	sqlite3_bind_int64(st, 8, m->at);
	return sqlite_exec_stmt(s, st, "escalation message insert");
}

static int
sqlite_escalation_due(void *arg, int64_t now, int64_t *ids, size_t max,
    size_t *n, int64_t *next_at)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_DUE);
	int			 rc;

	*n = 0;
	*next_at = 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (*n < max && rc != SQLITE_DONE) {
		sqlite_log_error(s, "escalation timers");
		return -1;
	}
	st = sqlite_stmt(s, STMT_ESCALATION_NEXT);
	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*next_at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		sqlite_log_error(s, "escalation next timer");
		return -1;
	}
	return 0;
}

static void
sqlite_event_row(sqlite3_stmt *st, void *arg)
{
	struct escalation_event	*e = arg;

	e->at = sqlite3_column_int64(st, 0);
	e->kind = sqlite_column_strdup(st, 1);
	e->level = sqlite_column_strdup(st, 2);
	e->text = sqlite_column_strdup(st, 3);
	e->reply = sqlite_column_strdup(st, 4);
	e->to = sqlite_column_strdup(st, 5);
	e->reason = sqlite_column_strdup(st, 6);
	e->status = sqlite_column_strdup(st, 7);
	e->alerted = sqlite3_column_int(st, 8);
	e->ref = sqlite3_column_int64(st, 9);
}

static void
sqlite_event_clear_cb(void *arg)
{
	struct escalation_event	*e = arg;

	free(e->kind);
	free(e->level);
	free(e->text);
	free(e->reply);
	free(e->to);
	free(e->reason);
	free(e->status);
}

static int
sqlite_escalation_history(void *arg, int64_t id, struct escalation_event **v,
    size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_HISTORY);

	sqlite3_bind_int64(st, 1, id);
	return sqlite_collect(s, st, "escalation history", sizeof **v, 1000,
	    sqlite_event_row, sqlite_event_clear_cb, (void **)v, n);
}

static int
sqlite_escalation_stats(void *arg, int64_t stuck_before,
    struct escalation_stats *out)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ESCALATION_STATS);
	int			 rc;

	sqlite3_bind_int64(st, 1, stuck_before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->open_urgent = sqlite3_column_int(st, 0);
		out->open_emergency = sqlite3_column_int(st, 1);
		out->oldest_open_at = sqlite3_column_int64(st, 2);
		out->alerts_stuck = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		sqlite_log_error(s, "escalation stats");
		return -1;
	}
	return 0;
}

static void
sqlite_activity_row(sqlite3_stmt *st, void *arg)
{
	struct activity_row	*a = arg;

	a->id = sqlite3_column_int64(st, 0);
	a->patient_id = sqlite3_column_int64(st, 1);
	a->minutes = sqlite3_column_int(st, 2);
	a->meters = sqlite3_column_int(st, 3);
	a->steps = sqlite3_column_int(st, 4);
	a->by_call = sqlite3_column_int(st, 5);
	a->reported_at = sqlite3_column_int64(st, 6);
}

static int
sqlite_activity_list(void *arg, int64_t patient_id, int64_t since,
    int64_t until, size_t max, struct activity_row **v, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ACTIVITY_LIST);

	sqlite3_bind_int64(st, 1, patient_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	return sqlite_collect(s, st, "activity list", sizeof **v, max,
	    sqlite_activity_row, NULL, (void **)v, n);
}

/* Fills *r from a row of INBOX_COLUMNS. */
static void
sqlite_inbox_row(sqlite3_stmt *st, void *arg)
{
	struct inbox_row	*r = arg;

	r->id = sqlite3_column_int64(st, 0);
	r->inbound_id = sqlite3_column_int64(st, 1);
	r->phone = sqlite_column_strdup(st, 2);
	r->patient_id = sqlite3_column_int64(st, 3);
	r->reason = sqlite_column_strdup(st, 4);
	r->created_at = sqlite3_column_int64(st, 5);
	r->done_at = sqlite3_column_int64(st, 6);
	r->done_by = sqlite_column_strdup(st, 7);
	r->note = sqlite_column_strdup(st, 8);
	r->body = sqlite_column_strdup(st, 9);
	r->level = sqlite_column_strdup(st, 10);
	r->received_at = sqlite3_column_int64(st, 11);
}

static void
sqlite_inbox_clear_cb(void *r)
{
	inbox_row_clear(r);
}

static int
sqlite_inbox_insert(void *arg, const struct inbox_item *it, int64_t *id)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_INBOX_INSERT);

	sqlite_bind_id(st, 1, it->inbound_id);
	sqlite_bind_text(st, 2, it->phone);
	sqlite_bind_id(st, 3, it->patient_id);
	sqlite_bind_text(st, 4, it->reason);
	sqlite3_bind_int64(st, 5, it->created_at);
	if (sqlite_exec_stmt(s, st, "inbox insert") == -1)
		return -1;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_inbox_get(void *arg, int64_t id, struct inbox_row *r)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_INBOX_GET);

	sqlite3_bind_int64(st, 1, id);
	return sqlite_fetch_one(s, st, "inbox lookup", sqlite_inbox_row, r);
}

static int
sqlite_inbox_list(void *arg, int open_only, size_t max, struct inbox_row **v,
    size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, open_only ?
				    STMT_INBOX_LIST_OPEN : STMT_INBOX_LIST_ALL);

	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	return sqlite_collect(s, st, "inbox list", sizeof **v, max,
	    sqlite_inbox_row, sqlite_inbox_clear_cb, (void **)v, n);
}

static int
sqlite_inbox_done(void *arg, int64_t id, const char *by, const char *note,
    int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_INBOX_DONE);

	sqlite3_bind_int64(st, 1, id);
	sqlite_bind_text(st, 2, by);
	sqlite3_bind_int64(st, 3, now);
	sqlite_bind_text(st, 4, note);
	if (sqlite_exec_stmt(s, st, "inbox done") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static void
sqlite_message_row(sqlite3_stmt *st, void *arg)
{
	struct message_row	*m = arg;

	m->id = sqlite3_column_int64(st, 0);
	m->inbound = sqlite3_column_int(st, 1);
	m->kind = sqlite_column_strdup(st, 2);
	m->at = sqlite3_column_int64(st, 3);
	m->body = sqlite_column_strdup(st, 4);
	m->level = sqlite_column_strdup(st, 5);
	m->rules = sqlite_column_strdup(st, 6);
	m->reply = sqlite_column_strdup(st, 7);
	m->status = sqlite_column_strdup(st, 8);
}

static void
sqlite_message_clear_cb(void *m)
{
	message_row_clear(m);
}

static int
sqlite_message_list(void *arg, const char *phone, int64_t before, size_t max,
    struct message_row **v, size_t *n)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_MESSAGE_LIST);

	sqlite_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return sqlite_collect(s, st, "message list", sizeof **v, max,
	    sqlite_message_row, sqlite_message_clear_cb, (void **)v, n);
}

static int
sqlite_reminder_slot_take(void *arg, int64_t patient_id, const char *reminder,
    int32_t day, int64_t now)
{
	struct sqlite_store	*s = arg;
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_SLOT_TAKE);

	sqlite3_bind_int64(st, 1, patient_id);
	sqlite_bind_text(st, 2, reminder);
	sqlite3_bind_int(st, 3, day);
	sqlite3_bind_int64(st, 4, now);
	if (sqlite_exec_stmt(s, st, "reminder slot") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

const struct storage_ops storage_sqlite_ops = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.ping = sqlite_ping,
	.busy_timeout = sqlite_busy_timeout,
	.schema_version = sqlite_schema_version,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.savepoint = sqlite_savepoint,
	.release = sqlite_release,
	.rollback_savepoint = sqlite_rollback_savepoint,
	.in_transaction = sqlite_in_transaction,
	.inbound_find = sqlite_inbound_find,
	.inbound_insert = sqlite_inbound_insert,
	.part_put = sqlite_part_put,
	.parts_get = sqlite_parts_get,
	.parts_done = sqlite_parts_done,
	.parts_oldest = sqlite_parts_oldest,
	.patient_find = sqlite_patient_find,
	.patient_insert = sqlite_patient_insert,
	.patient_set_opt_out = sqlite_patient_set_opt_out,
	.patient_set_paused = sqlite_patient_set_paused,
	.patient_get = sqlite_patient_get,
	.reminder_patients = sqlite_reminder_patients,
	.activity_since = sqlite_activity_since,
	.schedule_put = sqlite_schedule_put,
	.escalation_insert = sqlite_escalation_insert,
	.audit_append = sqlite_audit_append,
	.conversation_get = sqlite_conversation_get,
	.conversation_put = sqlite_conversation_put,
	.call_get = sqlite_call_get,
	.call_put = sqlite_call_put,
	.activity_insert = sqlite_activity_insert,
	.outbound_insert = sqlite_outbound_insert,
	.outbound_claim = sqlite_outbound_claim,
	.outbound_next_due = sqlite_outbound_next_due,
	.outbound_stalled = sqlite_outbound_stalled,
	.outbound_backlog = sqlite_outbound_backlog,
	.outbound_update = sqlite_outbound_update,
	.outbound_get = sqlite_outbound_get,
	.outbound_recent = sqlite_outbound_recent,
	.outbound_cancel = sqlite_outbound_cancel,
	.outbound_recover = sqlite_outbound_recover,
	.escalation_alerted = sqlite_escalation_alerted,
	.escalation_find = sqlite_escalation_find,
	.escalation_update = sqlite_escalation_update,
	.escalation_alert_insert = sqlite_escalation_alert_insert,
	.escalation_message_insert = sqlite_escalation_message_insert,
	.escalation_due = sqlite_escalation_due,
	.escalation_history = sqlite_escalation_history,
	.escalation_stats = sqlite_escalation_stats,
	.patient_list = sqlite_patient_list,
	.patient_update = sqlite_patient_update,
	.escalation_get = sqlite_escalation_get,
	.escalation_list = sqlite_escalation_list,
	.escalation_ack = sqlite_escalation_ack,
	.activity_list = sqlite_activity_list,
	.inbox_insert = sqlite_inbox_insert,
	.inbox_get = sqlite_inbox_get,
	.inbox_list = sqlite_inbox_list,
	.inbox_done = sqlite_inbox_done,
	.message_list = sqlite_message_list,
	.reminder_slot_take = sqlite_reminder_slot_take,
};
