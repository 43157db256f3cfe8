/* SPDX-License-Identifier: ISC */
/*
 * The storage interface, on SQLite (:memory: and a file: WAL, migrations,
 * reopening) and, when CLOTLINE_TEST_PG names a PostgreSQL database
 * (tests/pg/storage.sh starts a throw-away cluster), the same
 * tests on the PostgreSQL backend, each on an emptied schema, with those
 * about several instances on one database.  Tests of what only SQLite has
 * (its files, its migrations from old versions, group commit) are skipped
 * there.
 */
#include "testlib.h"

#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "storage.h"
#include "xmalloc.h"

/* The schema version both backends reach. */
#define STORAGE_VERSION	12

/* The PostgreSQL database under test; NULL: SQLite. */
static const char *pg_url;

/* A second connection to the store under test (another instance). */
static struct storage *
open_other(void)
{
	struct storage	*st;
	char		*err = NULL;

	st = storage_open("postgresql", pg_url, NULL, &err);
	if (st == NULL)
		fail_msg("cannot open PostgreSQL: %s", err);
	return st;
}

/* Empties the PostgreSQL database, so each test starts from migration 1. */
static void
pg_reset(void)
{
#ifdef HAVE_LIBPQ
	PGconn		*c = PQconnectdb(pg_url);
	PGresult	*res;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", pg_url, PQerrorMessage(c));
	res = PQexec(c, "SET client_min_messages = warning;"
	    "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("cannot empty the database: %s",
		    PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
#endif
}

static struct storage *
open_mem(void)
{
	struct storage	*st;
	char		*err = NULL;

	if (pg_url != NULL) {
		pg_reset();
		return open_other();
	}
	st = storage_open("sqlite", ":memory:", NULL, &err);
	assert_non_null(st);
	assert_null(err);
	return st;
}

/* For tests of what only the SQLite backend has. */
#define SQLITE_ONLY() do {						\
	if (pg_url != NULL)						\
		skip();							\
} while (0)

/* For tests of a store several instances share. */
#define PG_ONLY() do {							\
	if (pg_url == NULL)						\
		skip();							\
} while (0)

static struct inbound
make_inbound(const char *sid, const char *reply)
{
	struct inbound	in;

	memset(&in, 0, sizeof in);
	in.provider = "twilio";
	in.provider_sid = sid;
	in.from = "+447700900001";
	in.body = "hello";
	in.received_at = 1000;
	in.kind = "triage";
	in.level = "routine";
	in.reply = reply;
	return in;
}

static void
test_open_migrate_ping(void **state)
{
	struct storage	*st = open_mem();
	char		*err = NULL;

	assert_int_equal(storage_schema_version(st), STORAGE_VERSION);
	assert_int_equal(storage_ping(st), 0);
	assert_string_equal(storage_backend(st), pg_url != NULL ?
	    "postgresql" : "sqlite");
	assert_int_equal(storage_shared(st), pg_url != NULL);
	storage_close(st);
	storage_close(NULL);
	if (pg_url != NULL) {
		/* A second open finds the schema migrated: no error. */
		st = open_other();
		assert_int_equal(storage_schema_version(st), STORAGE_VERSION);
		storage_close(st);
	}

	assert_null(storage_open("postgres", "x", NULL, &err));
	assert_non_null(strstr(err, "unknown storage backend"));
	free(err);
	assert_null(storage_open("sqlite", "/nonexistent/dir/x.db", NULL, &err));
	assert_non_null(err);
	free(err);
}

static void
test_inbound_dedupe_and_reply(void **state)
{
	struct storage	*st = open_mem();
	struct inbound	 in = make_inbound("SM1", "the reply");
	char		*reply = NULL;
	int64_t		 id = 0;

	assert_int_equal(storage_inbound_find(st, "twilio", "SM1", &reply), 0);
	assert_int_equal(storage_inbound_insert(st, &in, &id), 0);
	assert_true(id > 0);
	assert_int_equal(storage_inbound_find(st, "twilio", "SM1", &reply), 1);
	assert_string_equal(reply, "the reply");
	free(reply);
	/* The provider id is unique: a second insert fails. */
	assert_int_equal(storage_inbound_insert(st, &in, NULL), -1);
	/* A stored empty reply comes back as NULL, not as "not found". */
	in = make_inbound("SM2", NULL);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	assert_int_equal(storage_inbound_find(st, "twilio", "SM2", &reply), 1);
	assert_null(reply);
	storage_close(st);
}

static void
test_transactions(void **state)
{
	struct storage	*st = open_mem();
	struct inbound	 in = make_inbound("SM9", "r");
	char		*reply = NULL;

	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	storage_rollback(st);
	assert_int_equal(storage_inbound_find(st, "twilio", "SM9", &reply), 0);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	assert_int_equal(storage_commit(st), 0);
	assert_int_equal(storage_inbound_find(st, "twilio", "SM9", &reply), 1);
	free(reply);
	storage_close(st);
}

static void
test_patients_and_opt_out(void **state)
{
	struct storage	*st = open_mem();
	struct patient	 p, got;
	int64_t		 id;

	memset(&p, 0, sizeof p);
	p.phone = (char *)"+447700900111";
	p.name = (char *)"Ann";
	p.language = (char *)"es";
	p.timezone = (char *)"Europe/Madrid";
	p.enrolled = 1;
	assert_int_equal(storage_patient_insert(st, &p, 10, &id), 0);
	assert_int_equal(storage_patient_find(st, "+447700900111", &got), 1);
	assert_int_equal(got.id, id);
	assert_string_equal(got.language, "es");
	assert_string_equal(got.timezone, "Europe/Madrid");
	assert_true(got.enrolled);
	assert_false(got.opted_out);
	patient_clear(&got);

	assert_int_equal(storage_patient_set_opt_out(st, "+447700900111", 1, 20), 0);
	assert_int_equal(storage_patient_find(st, "+447700900111", &got), 1);
	assert_true(got.opted_out);
	assert_true(got.enrolled);
	patient_clear(&got);
	assert_int_equal(storage_patient_set_opt_out(st, "+447700900111", 0, 30), 0);
	assert_int_equal(storage_patient_find(st, "+447700900111", &got), 1);
	assert_false(got.opted_out);
	patient_clear(&got);

	/* An unknown number that opts out gets an unenrolled row. */
	assert_int_equal(storage_patient_find(st, "+15005550009", &got), 0);
	assert_int_equal(storage_patient_set_opt_out(st, "+15005550009", 1, 40), 0);
	assert_int_equal(storage_patient_find(st, "+15005550009", &got), 1);
	assert_true(got.opted_out);
	assert_false(got.enrolled);
	patient_clear(&got);

	/* Enrolment fields round-trip; quiet hours default to 21:00-08:00. */
	p.phone = (char *)"+447700900222";
	p.plan = (char *)"dvt-walking";
	p.reminder_times = (char *)"walk=09:30";
	p.start_date = (char *)"2026-11-23";
	p.walk_target = 30;
	assert_int_equal(storage_patient_insert(st, &p, 50, NULL), 0);
	assert_int_equal(storage_patient_find(st, "+447700900222", &got), 1);
	assert_string_equal(got.plan, "dvt-walking");
	assert_string_equal(got.reminder_times, "walk=09:30");
	assert_string_equal(got.start_date, "2026-11-23");
	assert_null(got.end_date);
	assert_string_equal(got.quiet_start, "21:00");
	assert_string_equal(got.quiet_end, "08:00");
	assert_int_equal(got.walk_target, 30);
	assert_int_equal(got.created_at, 50);
	assert_int_equal(got.removed_at, 0);
	patient_clear(&got);
	assert_int_equal(storage_patient_set_paused(st, "+447700900222", 1, 60), 1);
	assert_int_equal(storage_patient_find(st, "+447700900222", &got), 1);
	assert_true(got.paused);
	patient_clear(&got);
	/* Only enrolled patients pause. */
	assert_int_equal(storage_patient_set_paused(st, "+15005550009", 1, 60), 0);
	p.plan = p.reminder_times = p.start_date = NULL;
	p.walk_target = 0;

	/* The schema refuses a number that is not E.164. */
	p.phone = (char *)"07700900111";
	assert_int_equal(storage_patient_insert(st, &p, 10, NULL), -1);
	storage_close(st);
}

static void
test_escalation_and_audit(void **state)
{
	struct storage		*st = open_mem();
	struct inbound		 in = make_inbound("SM5", "r");
	struct escalation	 e;
	struct audit		 a;
	int64_t			 inid, eid = 0;

	assert_int_equal(storage_inbound_insert(st, &in, &inid), 0);
	memset(&e, 0, sizeof e);
	e.phone = "+447700900001";
	e.inbound_id = inid;
	e.level = "emergency";
	e.excerpt = "breathless";
	e.created_at = 5;
	assert_int_equal(storage_escalation_insert(st, &e, &eid), 0);
	assert_true(eid > 0);
	e.level = "routine";	/* only urgent and emergency escalate */
	assert_int_equal(storage_escalation_insert(st, &e, NULL), -1);
	e.level = "urgent";
	e.inbound_id = 999;	/* foreign key enforced */
	assert_int_equal(storage_escalation_insert(st, &e, NULL), -1);

	memset(&a, 0, sizeof a);
	a.at = 1;
	a.actor = "patient";
	a.action = "opt_out";
	a.subject = "+447700900001";
	assert_int_equal(storage_audit_append(st, &a), 0);
	storage_close(st);
}

/* What the reminder scheduler reads and writes. */
struct seen {
	int64_t	id[8];
	int64_t	updated[8];
	char	fired[8][80];
	size_t	n;
};

static int
seen_cb(void *arg, const struct reminder_patient *rp)
{
	struct seen	*s = arg;

	assert_true(s->n < 8);
	s->id[s->n] = rp->p.id;
	s->updated[s->n] = rp->updated_at;
	snprintf(s->fired[s->n], sizeof s->fired[0], "%s",
	    rp->fired != NULL ? rp->fired : "-");
	s->n++;
	return 0;
}

static void
test_reminder_storage(void **state)
{
	struct storage		*st = open_mem();
	struct patient		 p, got;
	struct schedule_row	 row;
	struct activity		 act;
	struct activity_row	 rows[4];
	struct seen		 s;
	int64_t			 a, b;
	size_t			 n;

	memset(&p, 0, sizeof p);
	p.phone = (char *)"+447700900001";
	p.enrolled = 1;
	p.plan = (char *)"dvt-walking";
	assert_int_equal(storage_patient_insert(st, &p, 100, &a), 0);
	p.phone = (char *)"+447700900002";
	p.plan = NULL;			/* enrolled without a plan */
	assert_int_equal(storage_patient_insert(st, &p, 200, &b), 0);
	assert_int_equal(storage_patient_set_opt_out(st, "+447700900009", 1,
	    300), 0);			/* an unenrolled sender */

	assert_int_equal(storage_patient_get(st, a, &got), 1);
	assert_string_equal(got.phone, "+447700900001");
	assert_string_equal(got.plan, "dvt-walking");
	patient_clear(&got);
	assert_int_equal(storage_patient_get(st, 999, &got), 0);

	/* all = 0: enrolled patients with a plan only. */
	memset(&s, 0, sizeof s);
	assert_int_equal(storage_reminder_patients(st, 0, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.id[0], a);
	assert_int_equal(s.updated[0], 100);
	assert_string_equal(s.fired[0], "-");
	/* all = 1: every row changed at or after since. */
	memset(&s, 0, sizeof s);
	assert_int_equal(storage_reminder_patients(st, 200, 1, seen_cb, &s), 0);
	assert_int_equal(s.n, 2);

	/* Fires are recorded per reminder and replaced, not added. */
	row.patient_id = a;
	row.reminder = "walk";
	row.last_fire = 1000;
	row.last_status = "sent";
	row.next_fire = 87400;
	row.updated_at = 1000;
	assert_int_equal(storage_schedule_put(st, &row), 0);
	row.last_fire = 87400;
	row.next_fire = 0;		/* ended */
	assert_int_equal(storage_schedule_put(st, &row), 0);
	row.reminder = "summary";
	row.last_fire = 5000;
	row.last_status = "skipped";
	assert_int_equal(storage_schedule_put(st, &row), 0);
	row.last_status = "lost";	/* not a status */
	assert_int_equal(storage_schedule_put(st, &row), -1);
	memset(&s, 0, sizeof s);
	assert_int_equal(storage_reminder_patients(st, 0, 0, seen_cb, &s), 0);
	assert_int_equal(s.n, 1);
	assert_true(strstr(s.fired[0], "walk=87400") != NULL);
	assert_true(strstr(s.fired[0], "summary=5000") != NULL);

	/* Activity since a time, oldest first, 0 for what was not given. */
	memset(&act, 0, sizeof act);
	act.phone = "+447700900001";
	act.patient_id = a;
	act.minutes = 20;
	act.reported_at = 50;
	assert_int_equal(storage_activity_insert(st, &act), 0);
	act.minutes = 0;
	act.meters = 2000;
	act.reported_at = 60;
	assert_int_equal(storage_activity_insert(st, &act), 0);
	act.meters = 0;
	act.reported_at = 70;		/* a bare "done" */
	assert_int_equal(storage_activity_insert(st, &act), 0);
	assert_int_equal(storage_activity_since(st, a, 55, rows, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].reported_at, 60);
	assert_int_equal(rows[0].meters, 2000);
	assert_int_equal(rows[0].minutes, 0);
	assert_int_equal(rows[1].minutes + rows[1].meters + rows[1].steps, 0);
	assert_int_equal(storage_activity_since(st, a, 0, rows, 1, &n), 0);
	assert_int_equal(n, 1);		/* bounded by max */
	assert_int_equal(rows[0].minutes, 20);
	assert_int_equal(storage_activity_since(st, b, 0, rows, 4, &n), 0);
	assert_int_equal(n, 0);
	storage_close(st);
}

/* A database file unlinked under an open store: no write is taken. */
static void
test_file_unlinked(void **state)
{
	struct storage	*st;
	struct inbound	 in = make_inbound("SMgone", "lost");
	char		 path[512], side[520], *err = NULL;

	SQLITE_ONLY();

	snprintf(path, sizeof path, "%s/gone.db", testlib_tmpdir());
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_int_equal(storage_ping(st), 0);
	/* unlinked between begin and commit: the commit is not kept */
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	snprintf(side, sizeof side, "%s-wal", path);
	assert_int_equal(unlink(path), 0);
	(void)unlink(side);
	assert_int_equal(storage_commit(st), -1);
	assert_int_equal(storage_begin(st), -1);
	assert_int_equal(storage_ping(st), -1);
	storage_close(st);
	/* replaced by another file at the same path: the same */
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	snprintf(side, sizeof side, "%s.new", path);
	testlib_write("gone.db.new", "not the database");
	assert_int_equal(rename(side, path), 0);
	assert_int_equal(storage_begin(st), -1);
	assert_int_equal(storage_ping(st), -1);
	storage_close(st);
}

static void
test_file_survives_reopen(void **state)
{
	struct storage	*st;
	struct inbound	 in = make_inbound("SMfile", "kept");
	char		 path[512], *err = NULL, *reply = NULL;

	SQLITE_ONLY();

	snprintf(path, sizeof path, "%s/s.db", testlib_tmpdir());
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	assert_int_equal(storage_commit(st), 0);
	storage_close(st);
	st = storage_open("sqlite", path, NULL, &err);	/* no re-migration */
	assert_non_null(st);
	assert_int_equal(storage_schema_version(st), STORAGE_VERSION);
	assert_int_equal(storage_inbound_find(st, "twilio", "SMfile", &reply), 1);
	assert_string_equal(reply, "kept");
	free(reply);
	storage_close(st);
}

/* The text of outbound_messages' CREATE TABLE in the file at path. */
static char *
outbound_schema(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*sql = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master"
	    " WHERE name = 'outbound_messages'", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		sql = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(sql);
	return sql;
}

/* How many temporary b-trees queueing one outbound message opens. */
static int
outbound_insert_ephemerals(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int		 n = 0;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN INSERT INTO"
	    " outbound_messages (kind, to_phone, body, next_attempt_at,"
	    " created_at, updated_at) VALUES ('alert', '+1', 'x', 1, 1, 1)",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strcmp((const char *)sqlite3_column_text(st, 1),
		    "OpenEphemeral") == 0)
			n++;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/*
 * Migration 8 rewrites outbound_messages' kind CHECK as an OR chain, on a
 * new database and on one made by version 7, and the constraint still
 * refuses an unknown kind.
 */
/* SQL that takes a database of this version back to what version 9 left. */
/* (and migrations 11 and 12, which follow it) */
#define UNDO_MIGRATION_10 \
	"DROP TABLE inbound_parts;" \
	"DROP INDEX escalations_first; DROP TABLE reminder_slots;" \
	"ALTER TABLE outbound_messages DROP COLUMN lease_until;" \
	"DROP TABLE escalation_alerts; DROP TABLE escalation_messages;" \
	"DROP INDEX escalations_episode; DROP INDEX escalations_timer;" \
	"ALTER TABLE escalations DROP COLUMN concepts;" \
	"ALTER TABLE escalations DROP COLUMN flagged_at;" \
	"ALTER TABLE escalations DROP COLUMN updated_at;" \
	"ALTER TABLE escalations DROP COLUMN chain_pos;" \
	"ALTER TABLE escalations DROP COLUMN alerted_to;" \
	"ALTER TABLE escalations DROP COLUMN next_alert_at;" \
	"ALTER TABLE escalations DROP COLUMN failovers;" \
	"ALTER TABLE escalations DROP COLUMN ack_note;" \
	"DROP INDEX outbound_due;" \
	"ALTER TABLE outbound_messages DROP COLUMN fair;" \
	"CREATE INDEX outbound_due ON outbound_messages(status, priority," \
	"  next_attempt_at) WHERE status IN ('pending', 'unknown');" \
	"PRAGMA writable_schema = ON;" \
	"UPDATE sqlite_master SET sql = replace(sql, 'CHECK (kind = ''triage''" \
	" OR kind = ''keyword'' OR kind = ''staff'')'," \
	" 'CHECK (kind IN (''triage'', ''keyword''))')" \
	" WHERE name = 'inbound_messages';" \
	"PRAGMA writable_schema = OFF;"

/* PRAGMA integrity_check's rows: *arg becomes 1 for a lone "ok", else 0. */
static int
integrity_row(void *arg, int n, char **values, char **names)
{
	int	*ok = arg;

	(void)names;
	*ok = *ok == -1 && n == 1 && values[0] != NULL &&
	    strcmp(values[0], "ok") == 0;
	return 0;
}

static void
test_migration_8_kind_check(void **state)
{
	struct storage	*st;
	struct outbound	 ob;
	sqlite3		*db;
	char		 path[512], *err = NULL, *sql;
	int64_t		 id;
	int		 ok = -1;

	SQLITE_ONLY();

	snprintf(path, sizeof path, "%s/m8.db", testlib_tmpdir());
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	memset(&ob, 0, sizeof ob);
	ob.kind = "alert";
	ob.to = "+447700900123";
	ob.body = "on-call alert";
	ob.created_at = 1000;
	assert_int_equal(storage_outbound_insert(st, &ob, &id), 0);
	ob.kind = "advert";
	assert_int_equal(storage_outbound_insert(st, &ob, NULL), -1);
	storage_close(st);
	sql = outbound_schema(path);
	assert_non_null(strstr(sql, "CHECK (kind = 'alert' OR kind = 'reminder'"
	    " OR kind = 'welcome' OR kind = 'reply')"));
	assert_null(strstr(sql, "kind IN"));
	free(sql);
	assert_int_equal(outbound_insert_ephemerals(path), 0);

	/* Back to what version 7 wrote, then opened by this version. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, UNDO_MIGRATION_10
	    "PRAGMA writable_schema = ON;"
	    "UPDATE sqlite_master SET sql = replace(sql, 'CHECK (kind = ''alert''"
	    " OR kind = ''reminder'' OR kind = ''welcome'' OR kind = ''reply'')',"
	    " 'CHECK (kind IN (''alert'', ''reminder'', ''welcome'', ''reply''))')"
	    " WHERE name = 'outbound_messages';"
	    "PRAGMA writable_schema = OFF; DROP TABLE inbox;"
	    "PRAGMA user_version = 7;",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(outbound_insert_ephemerals(path), 1);
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_int_equal(storage_schema_version(st), STORAGE_VERSION);
	ob.kind = "reminder";
	assert_int_equal(storage_outbound_insert(st, &ob, NULL), 0);
	ob.kind = "Alert";
	assert_int_equal(storage_outbound_insert(st, &ob, NULL), -1);
	storage_close(st);
	assert_int_equal(outbound_insert_ephemerals(path), 0);
	sql = outbound_schema(path);
	assert_null(strstr(sql, "kind IN"));
	free(sql);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA integrity_check",
	    integrity_row, &ok, NULL), SQLITE_OK);
	assert_int_equal(ok, 1);
	sqlite3_close(db);
}

/* A second connection to the same file sees only what was committed. */
static struct storage *
open_file(const char *name, char *path, size_t len)
{
	struct storage	*st;
	char		*err = NULL;

	snprintf(path, len, "%s/%s", testlib_tmpdir(), name);
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	return st;
}

static int
seen(struct storage *st, const char *sid)
{
	char	*reply = NULL;
	int	 rc;

	rc = storage_inbound_find(st, "twilio", sid, &reply);
	free(reply);
	return rc;
}

/* One member of a group: begin, insert, then commit or roll back. */
static void
member(struct storage *st, const char *sid, int keep)
{
	struct inbound	in = make_inbound(sid, "r");

	assert_int_equal(storage_group_join(st), 0);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	if (keep)
		assert_int_equal(storage_commit(st), 0);
	else
		storage_rollback(st);
	storage_group_leave(st);
}

static void
test_group_commit(void **state)
{
	struct storage	*st, *other;
	char		 path[512];

	SQLITE_ONLY();

	st = open_file("group.db", path, sizeof path);
	other = storage_open("sqlite", path, NULL, &(char *){ NULL });
	assert_non_null(other);
	assert_int_equal(storage_group_active(st), 0);
	member(st, "SMa", 1);
	member(st, "SMb", 0);	/* undoes only its own work */
	member(st, "SMc", 1);
	assert_int_equal(storage_group_active(st), 1);
	/* Inside the group its members see each other's work... */
	assert_int_equal(storage_group_join(st), 0);
	assert_int_equal(seen(st, "SMa"), 1);
	assert_int_equal(seen(st, "SMb"), 0);
	storage_group_leave(st);
	/* ...and nobody else does until the group commits. */
	assert_int_equal(seen(other, "SMa"), 0);
	assert_int_equal(storage_group_commit(st), 0);
	assert_int_equal(storage_group_active(st), 0);
	assert_int_equal(seen(other, "SMa"), 1);
	assert_int_equal(seen(other, "SMb"), 0);
	assert_int_equal(seen(other, "SMc"), 1);
	/* Committing no group is a no-op. */
	assert_int_equal(storage_group_commit(st), 0);
	/* A member's duplicate fails alone; the group still commits. */
	member(st, "SMd", 1);
	assert_int_equal(storage_group_join(st), 0);
	assert_int_equal(storage_begin(st), 0);
	{
		struct inbound in = make_inbound("SMa", "again");

		assert_int_equal(storage_inbound_insert(st, &in, NULL), -1);
	}
	storage_rollback(st);
	storage_group_leave(st);
	assert_int_equal(storage_group_commit(st), 0);
	assert_int_equal(seen(other, "SMd"), 1);
	storage_close(other);
	storage_close(st);
}

static int	flushes;

static void
flush_cb(void *arg)
{
	flushes++;
	assert_int_equal(storage_group_commit(arg), 0);
}

/*
 * Work that is not a member's never joins the group: the group is flushed
 * (committed, its members answered) before it runs, so a plain commit is
 * durable when it returns.
 */
static void
test_group_flush_before_other_work(void **state)
{
	struct storage	*st, *other;
	struct inbound	 in = make_inbound("SMplain", "r");
	char		 path[512];

	SQLITE_ONLY();

	st = open_file("flush.db", path, sizeof path);
	other = storage_open("sqlite", path, NULL, &(char *){ NULL });
	assert_non_null(other);
	storage_set_flush(st, flush_cb, st);
	flushes = 0;
	member(st, "SM1", 1);
	assert_int_equal(flushes, 0);
	/* A plain transaction (the outbox, the scheduler, the API). */
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(flushes, 1);
	assert_int_equal(storage_group_active(st), 0);
	assert_int_equal(seen(other, "SM1"), 1);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	assert_int_equal(storage_commit(st), 0);
	assert_int_equal(seen(other, "SMplain"), 1);
	/* A plain read or /healthz's ping flushes too. */
	member(st, "SM2", 1);
	assert_int_equal(storage_ping(st), 0);
	assert_int_equal(flushes, 2);
	assert_int_equal(seen(other, "SM2"), 1);
	/* Without a flush the group is still committed first. */
	storage_set_flush(st, NULL, NULL);
	member(st, "SM3", 1);
	assert_int_equal(seen(st, "SM3"), 1);
	assert_int_equal(storage_group_active(st), 0);
	assert_int_equal(seen(other, "SM3"), 1);
	/* Closing the store commits an open group. */
	member(st, "SM4", 1);
	storage_close(st);
	assert_int_equal(seen(other, "SM4"), 1);
	storage_close(other);
}

static int64_t
add_patient(struct storage *st, const char *phone, const char *plan,
    int64_t now)
{
	struct patient	p;
	int64_t		id = 0;

	memset(&p, 0, sizeof p);
	p.phone = (char *)phone;
	p.language = (char *)"en";
	p.timezone = (char *)"Europe/London";
	p.plan = (char *)plan;
	p.enrolled = 1;
	assert_int_equal(storage_patient_insert(st, &p, now, &id), 0);
	return id;
}

static void
test_patient_get_update_list(void **state)
{
	struct storage		*st = open_mem();
	struct patient		 got, *v;
	struct patient_filter	 f;
	size_t			 n;
	int64_t			 a, b, c;

	a = add_patient(st, "+447700900101", "dvt-walking", 10);
	b = add_patient(st, "+447700900102", "other", 11);
	c = add_patient(st, "+447700900103", "dvt-walking", 12);
	/* A number we only know from a STOP is never listed. */
	assert_int_equal(storage_patient_set_opt_out(st, "+447700900199", 1,
	    13), 0);

	assert_int_equal(storage_patient_get(st, b, &got), 1);
	assert_string_equal(got.phone, "+447700900102");
	assert_string_equal(got.quiet_start, "21:00");	/* the defaults */
	assert_string_equal(got.quiet_end, "08:00");
	assert_int_equal(got.welcomed_at, 0);
	patient_clear(&got);
	assert_int_equal(storage_patient_get(st, 999, &got), 0);

	/* Update writes every field and reads back the same. */
	assert_int_equal(storage_patient_get(st, b, &got), 1);
	free(got.name);
	got.name = xstrdup("Bea");
	free(got.end_date);
	got.end_date = xstrdup("2026-03-01");
	free(got.quiet_start);
	got.quiet_start = xstrdup("22:30");
	got.walk_target = 25;
	got.paused = 1;
	got.welcomed_at = 14;
	assert_int_equal(storage_patient_update(st, &got, 14), 1);
	patient_clear(&got);
	assert_int_equal(storage_patient_get(st, b, &got), 1);
	assert_string_equal(got.name, "Bea");
	assert_string_equal(got.end_date, "2026-03-01");
	assert_string_equal(got.quiet_start, "22:30");
	assert_string_equal(got.quiet_end, "08:00");
	assert_int_equal(got.walk_target, 25);
	assert_true(got.paused);
	assert_int_equal(got.welcomed_at, 14);
	assert_int_equal(got.created_at, 11);	/* never rewritten */
	/* Clearing: NULL name and walk target 0 come back unset. */
	free(got.name);
	got.name = NULL;
	got.walk_target = 0;
	assert_int_equal(storage_patient_update(st, &got, 15), 1);
	patient_clear(&got);
	assert_int_equal(storage_patient_get(st, b, &got), 1);
	assert_null(got.name);
	assert_int_equal(got.walk_target, 0);
	patient_clear(&got);
	got.id = 999;
	assert_int_equal(storage_patient_update(st, &got, 15), 0);

	/* Remove c: unenrolled, history kept. */
	assert_int_equal(storage_patient_get(st, c, &got), 1);
	got.enrolled = 0;
	got.removed_at = 16;
	assert_int_equal(storage_patient_update(st, &got, 16), 1);
	patient_clear(&got);
	assert_int_equal(storage_patient_set_opt_out(st, "+447700900101", 1,
	    17), 0);

	memset(&f, 0, sizeof f);
	f.max = 100;
	f.which = PATIENTS_ENROLLED;
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a);
	assert_int_equal(v[1].id, b);
	patient_list_free(v, n);
	f.which = PATIENTS_ACTIVE;	/* a opted out, b paused */
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 0);
	patient_list_free(v, n);
	f.which = PATIENTS_PAUSED;
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, b);
	patient_list_free(v, n);
	f.which = PATIENTS_OPTED_OUT;
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a);
	patient_list_free(v, n);
	f.which = PATIENTS_REMOVED;
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, c);
	assert_int_equal(v[0].removed_at, 16);
	patient_list_free(v, n);
	f.which = PATIENTS_ALL;
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 3);
	patient_list_free(v, n);
	f.plan = "dvt-walking";
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a);
	assert_int_equal(v[1].id, c);
	patient_list_free(v, n);
	/* Paging: after_id and max. */
	f.plan = NULL;
	f.after_id = a;
	f.max = 1;
	assert_int_equal(storage_patient_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, b);
	patient_list_free(v, n);
	storage_close(st);
}

static void
test_escalation_list_ack(void **state)
{
	struct storage		*st = open_mem();
	struct escalation	 e;
	struct escalation_row	 r, *v;
	struct escalation_filter f;
	size_t			 n;
	int64_t			 pid, e1, e2, e3;

	pid = add_patient(st, "+447700900101", "dvt-walking", 1);
	memset(&e, 0, sizeof e);
	e.phone = "+447700900101";
	e.patient_id = pid;
	e.level = "urgent";
	e.excerpt = "leg swollen";
	e.created_at = 100;
	assert_int_equal(storage_escalation_insert(st, &e, &e1), 0);
	e.level = "emergency";
	e.created_at = 200;
	assert_int_equal(storage_escalation_insert(st, &e, &e2), 0);
	e.phone = "+447700900555";
	e.patient_id = 0;
	e.created_at = 300;
	assert_int_equal(storage_escalation_insert(st, &e, &e3), 0);

	assert_int_equal(storage_escalation_get(st, e2, &r), 1);
	assert_string_equal(r.level, "emergency");
	assert_int_equal(r.patient_id, pid);
	assert_int_equal(r.acknowledged_at, 0);
	assert_null(r.acknowledged_by);
	escalation_row_clear(&r);
	assert_int_equal(storage_escalation_get(st, 999, &r), 0);

	assert_int_equal(storage_escalation_ack(st, e2, "staff:ann", "called back", 250), 1);
	/* A second acknowledgement changes nothing: the first one stands. */
	assert_int_equal(storage_escalation_ack(st, e2, "staff:bob", NULL, 260), 0);
	assert_int_equal(storage_escalation_ack(st, 999, "staff:bob", NULL, 260), 0);
	assert_int_equal(storage_escalation_get(st, e2, &r), 1);
	assert_int_equal(r.acknowledged_at, 250);
	assert_string_equal(r.acknowledged_by, "staff:ann");
	assert_string_equal(r.ack_note, "called back");
	escalation_row_clear(&r);

	/* Newest first; open only leaves out e2. */
	memset(&f, 0, sizeof f);
	f.max = 10;
	assert_int_equal(storage_escalation_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, e3);
	assert_int_equal(v[2].id, e1);
	escalation_list_free(v, n);
	f.open_only = 1;
	assert_int_equal(storage_escalation_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, e3);
	assert_int_equal(v[1].id, e1);
	escalation_list_free(v, n);
	f.open_only = 0;
	f.patient_id = pid;
	assert_int_equal(storage_escalation_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	escalation_list_free(v, n);
	f.patient_id = 0;
	f.max = 1;
	assert_int_equal(storage_escalation_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 1);
	/* the next page: below the last id seen */
	f.before_id = v[0].id;
	escalation_list_free(v, n);
	f.max = 10;
	assert_int_equal(storage_escalation_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, e2);
	escalation_list_free(v, n);
	/* since: created at or after */
	f.before_id = 0;
	f.since = 200;
	assert_int_equal(storage_escalation_list(st, &f, &v, &n), 0);
	assert_int_equal(n, 2);
	escalation_list_free(v, n);
	storage_close(st);
}

static void
test_activity_list(void **state)
{
	struct storage		*st = open_mem();
	struct activity		 a;
	struct activity_row	*v;
	size_t			 n;
	int64_t			 p1, p2;

	p1 = add_patient(st, "+447700900101", "dvt-walking", 1);
	p2 = add_patient(st, "+447700900102", "dvt-walking", 1);
	memset(&a, 0, sizeof a);
	a.phone = "+447700900101";
	a.patient_id = p1;
	a.minutes = 20;
	a.reported_at = 1000;
	assert_int_equal(storage_activity_insert(st, &a), 0);
	a.minutes = 0;
	a.steps = 3000;
	a.reported_at = 2000;
	assert_int_equal(storage_activity_insert(st, &a), 0);
	a.phone = "+447700900102";
	a.patient_id = p2;
	a.steps = 0;
	a.meters = 800;
	a.reported_at = 1500;
	assert_int_equal(storage_activity_insert(st, &a), 0);

	assert_int_equal(storage_activity_list(st, p1, 0, 10000, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].minutes, 20);
	assert_int_equal(v[0].steps, 0);
	assert_int_equal(v[1].steps, 3000);
	assert_int_equal(v[1].reported_at, 2000);
	assert_false(v[0].by_call);
	free(v);
	/* The window is [since, until). */
	assert_int_equal(storage_activity_list(st, 0, 1000, 2000, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].patient_id, p1);
	assert_int_equal(v[1].patient_id, p2);
	assert_int_equal(v[1].meters, 800);
	free(v);
	assert_int_equal(storage_activity_list(st, p2, 0, 1000, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	storage_close(st);
}

/* One message and its inbox row, as sms.c writes them; returns the row id. */
static int64_t
inbox_add(struct storage *st, const char *sid, const char *phone,
    int64_t patient_id, const char *reason, int64_t at)
{
	struct inbound		in = make_inbound(sid, "a person will read it");
	struct inbox_item	it;
	int64_t			mid, id;

	in.from = phone;
	in.patient_id = patient_id;
	in.received_at = at;
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, &mid), 0);
	memset(&it, 0, sizeof it);
	it.inbound_id = mid;
	it.phone = phone;
	it.patient_id = patient_id;
	it.reason = reason;
	it.created_at = at;
	assert_int_equal(storage_inbox_insert(st, &it, &id), 0);
	assert_int_equal(storage_commit(st), 0);
	return id;
}

/* The staff review inbox (migration 9): insert, list, get, done. */
static void
test_inbox(void **state)
{
	struct storage		*st = open_mem();
	struct inbox_item	 it;
	struct inbox_row	 r, *v;
	struct inbound		 in = make_inbound("SMgone", NULL);
	size_t			 n;
	int64_t			 pid, a, b, c, mid;

	pid = add_patient(st, "+447700900101", "dvt-walking", 1);
	a = inbox_add(st, "SMa", "+447700900101", pid, "review", 100);
	b = inbox_add(st, "SMb", "+447700900555", 0, "callback", 200);
	c = inbox_add(st, "SMc", "+447700900101", pid, "review", 300);

	assert_int_equal(storage_inbox_get(st, b, &r), 1);
	assert_int_equal(r.id, b);
	assert_string_equal(r.phone, "+447700900555");
	assert_int_equal(r.patient_id, 0);
	assert_string_equal(r.reason, "callback");
	assert_string_equal(r.body, "hello");	/* the message, joined */
	assert_string_equal(r.level, "routine");
	assert_int_equal(r.received_at, 200);
	assert_int_equal(r.created_at, 200);
	assert_int_equal(r.done_at, 0);
	assert_null(r.done_by);
	assert_null(r.note);
	inbox_row_clear(&r);
	assert_int_equal(storage_inbox_get(st, 999, &r), 0);

	assert_int_equal(storage_inbox_done(st, b, "staff:ann", "called back",
	    250), 1);
	/* Done once: a second time changes nothing, the first one stands. */
	assert_int_equal(storage_inbox_done(st, b, "staff:bob", NULL, 260), 0);
	assert_int_equal(storage_inbox_done(st, 999, "staff:bob", NULL, 260), 0);
	assert_int_equal(storage_inbox_get(st, b, &r), 1);
	assert_int_equal(r.done_at, 250);
	assert_string_equal(r.done_by, "staff:ann");
	assert_string_equal(r.note, "called back");
	inbox_row_clear(&r);

	/* Newest first; open only leaves out b. */
	assert_int_equal(storage_inbox_list(st, 1, 10, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, c);
	assert_int_equal(v[1].id, a);
	inbox_list_free(v, n);
	assert_int_equal(storage_inbox_list(st, 0, 10, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, c);
	assert_int_equal(v[1].id, b);
	assert_int_equal(v[2].id, a);
	inbox_list_free(v, n);
	assert_int_equal(storage_inbox_list(st, 1, 1, &v, &n), 0);
	assert_int_equal(n, 1);
	inbox_list_free(v, n);

	/* A row goes with its message's transaction. */
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, &mid), 0);
	memset(&it, 0, sizeof it);
	it.inbound_id = mid;
	it.phone = "+447700900101";
	it.reason = "review";
	it.created_at = 400;
	assert_int_equal(storage_inbox_insert(st, &it, NULL), 0);
	storage_rollback(st);
	assert_int_equal(storage_inbox_list(st, 0, 10, &v, &n), 0);
	assert_int_equal(n, 3);
	inbox_list_free(v, n);

	/* The schema refuses what the code never writes. */
	it.inbound_id = 0;
	it.reason = "later";
	assert_int_equal(storage_inbox_insert(st, &it, NULL), -1);
	it.reason = "review";
	it.inbound_id = 999;	/* no such message */
	assert_int_equal(storage_inbox_insert(st, &it, NULL), -1);
	/* A row without a message (a call) lists without a body. */
	it.inbound_id = 0;
	assert_int_equal(storage_inbox_insert(st, &it, &mid), 0);
	assert_int_equal(storage_inbox_get(st, mid, &r), 1);
	assert_null(r.body);
	assert_int_equal(r.inbound_id, 0);
	inbox_row_clear(&r);
	storage_close(st);
}

/* The query plan of sql on the file at path, as one string. */
#define QUERY_PLAN_MAX	2048
static char *
query_plan(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*explain, *q = xcalloc(1, QUERY_PLAN_MAX);
	size_t		 len;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	explain = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &st, NULL),
	    SQLITE_OK);
	free(explain);
	while (sqlite3_step(st) == SQLITE_ROW) {
		len = strlen(q);
		snprintf(q + len, QUERY_PLAN_MAX - len, "%s;",
		    (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return q;
}

/*
 * Migration 9 on a database made by version 8: the inbox appears, the
 * messages already stored stay, and the open list reads the partial index.
 */
static void
test_migration_9_inbox(void **state)
{
	struct storage		*st;
	struct inbound		 in = make_inbound("SMold", "kept");
	struct inbox_row	*v;
	sqlite3			*db;
	char			 path[512], *err = NULL, *reply = NULL, *plan;
	size_t			 n;
	int			 ok = -1;

	SQLITE_ONLY();

	snprintf(path, sizeof path, "%s/m9.db", testlib_tmpdir());
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	storage_close(st);
	/* Back to what version 8 left. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, UNDO_MIGRATION_10 "DROP TABLE inbox;"
	    "PRAGMA user_version = 8;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_null(err);
	assert_int_equal(storage_schema_version(st), STORAGE_VERSION);
	assert_int_equal(storage_inbound_find(st, "twilio", "SMold", &reply), 1);
	assert_string_equal(reply, "kept");
	free(reply);
	assert_int_equal(storage_inbox_list(st, 1, 10, &v, &n), 0);
	assert_int_equal(n, 0);
	inbox_list_free(v, n);
	(void)inbox_add(st, "SMnew", "+447700900101", 0, "review", 2000);
	assert_int_equal(storage_inbox_list(st, 1, 10, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].body, "hello");
	inbox_list_free(v, n);
	storage_close(st);

	plan = query_plan(path, "SELECT id FROM inbox WHERE done_at IS NULL"
	    " ORDER BY created_at DESC, id DESC LIMIT 10");
	if (strstr(plan, "inbox_open") == NULL || strstr(plan, "TEMP B-TREE"))
		fail_msg("the open inbox is not read from its index: %s", plan);
	free(plan);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA integrity_check",
	    integrity_row, &ok, NULL), SQLITE_OK);
	assert_int_equal(ok, 1);
	sqlite3_close(db);
}

/*
 * Migration 10 on a database made by version 9: an escalation with its
 * alert becomes an episode with one message and one alert, found by its
 * alert; the inbound kind accepts 'staff'; the outbox claims by fairness
 * from its index.
 */
static void
test_migration_10_episodes(void **state)
{
	struct storage		*st;
	struct inbound		 in = make_inbound("SMold10", "kept");
	struct outbound		 ob;
	struct escalation	 e;
	struct escalation_row	 r;
	struct escalation_key	 k;
	struct escalation_event	*ev;
	sqlite3			*db;
	char			 path[512], *err = NULL, *plan;
	size_t			 n;
	int64_t			 inb, obid, eid;
	int			 ok = -1;

	SQLITE_ONLY();

	snprintf(path, sizeof path, "%s/m10.db", testlib_tmpdir());
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_int_equal(storage_inbound_insert(st, &in, &inb), 0);
	memset(&ob, 0, sizeof ob);
	ob.kind = "alert";
	ob.to = "+447700900123";
	ob.body = "clotline emergency";
	ob.created_at = 1000;
	assert_int_equal(storage_outbound_insert(st, &ob, &obid), 0);
	memset(&e, 0, sizeof e);
	e.phone = "+447700900101";
	e.inbound_id = inb;
	e.level = "emergency";
	e.excerpt = "coughing up blood";
	e.outbound_id = obid;
	e.created_at = 1000;
	assert_int_equal(storage_escalation_insert(st, &e, &eid), 0);
	storage_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, UNDO_MIGRATION_10
	    "PRAGMA user_version = 9;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* what version 9 could not store */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO inbound_messages"
	    " (provider, provider_sid, from_phone, body, received_at, kind,"
	    " level) VALUES ('twilio', 'SMs', '+447700900123', 'ACK', 1,"
	    " 'staff', 'ack')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_null(err);
	assert_int_equal(storage_schema_version(st), STORAGE_VERSION);
	memset(&k, 0, sizeof k);
	k.which = ESCALATION_BY_ALERT;
	k.id = obid;
	assert_int_equal(storage_escalation_find(st, &k, &r), 1);
	assert_int_equal(r.id, eid);
	assert_int_equal(r.nalerts, 1);
	assert_int_equal(r.nmessages, 1);
	assert_int_equal(r.flagged_at, 1000);
	assert_int_equal(r.last_alert_id, obid);
	assert_string_equal(r.alerted_to, "+447700900123");
	assert_int_equal(r.next_alert_at, 0);	/* no timer for the old */
	escalation_row_clear(&r);
	k.which = ESCALATION_EPISODE;
	k.phone = "+447700900101";
	k.since = 999;
	assert_int_equal(storage_escalation_find(st, &k, &r), 1);
	escalation_row_clear(&r);
	k.since = 1001;
	assert_int_equal(storage_escalation_find(st, &k, &r), 0);
	assert_int_equal(storage_escalation_history(st, eid, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].kind, "message");
	assert_string_equal(ev[0].text, "hello");
	assert_string_equal(ev[1].kind, "alert");
	assert_string_equal(ev[1].status, "pending");
	escalation_history_free(ev, n);
	in = make_inbound("SMstaff", "Escalation 1 acknowledged");
	in.kind = "staff";
	in.level = "ack";
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	in = make_inbound("SMbad", "x");
	in.kind = "other";
	assert_int_equal(storage_inbound_insert(st, &in, NULL), -1);
	storage_close(st);

	plan = query_plan(path, "SELECT id FROM outbound_messages"
	    " WHERE status IN ('pending', 'unknown') AND next_attempt_at <= 5"
	    " ORDER BY priority, fair, next_attempt_at, id LIMIT 10");
	if (strstr(plan, "outbound_due") == NULL)
		fail_msg("the outbox is not claimed from its index: %s", plan);
	free(plan);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA integrity_check",
	    integrity_row, &ok, NULL), SQLITE_OK);
	assert_int_equal(ok, 1);
	sqlite3_close(db);
}

/* Parts of a long message: kept once each, read in order, done, oldest. */
static void
test_inbound_parts(void **state)
{
	struct storage		*st = open_mem();
	struct inbound_part	 p;
	struct inbound_part_row	 rows[4];
	struct inbound_part_group g;
	size_t			 n;

	memset(&p, 0, sizeof p);
	p.provider = "vonage";
	p.phone = "+447700900001";
	p.ref = "7";
	p.total = 3;
	p.part = 2;
	p.sid = "B";
	p.body = "pain";
	p.received_at = 100;
	assert_int_equal(storage_part_put(st, &p), 1);
	assert_int_equal(storage_part_put(st, &p), 0);	/* a repeat */
	p.part = 1;
	p.sid = "A";
	p.body = "chest ";
	p.received_at = 105;
	assert_int_equal(storage_part_put(st, &p), 1);
	p.part = 4;	/* beyond total: never kept */
	assert_int_equal(storage_part_put(st, &p), 0);
	assert_int_equal(storage_parts_get(st, "vonage", "+447700900001", "7",
	    rows, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].part, 1);
	assert_string_equal(rows[0].body, "chest ");
	assert_int_equal(rows[1].part, 2);
	assert_int_equal(rows[1].done_at, 0);
	inbound_part_row_clear(&rows[0]);
	inbound_part_row_clear(&rows[1]);
	assert_int_equal(storage_parts_oldest(st, 100, &g), 0);
	assert_int_equal(storage_parts_oldest(st, 101, &g), 1);
	assert_string_equal(g.ref, "7");
	assert_int_equal(g.total, 3);
	inbound_part_group_clear(&g);
	assert_int_equal(storage_parts_done(st, "vonage", "+447700900001", "7",
	    200), 0);
	assert_int_equal(storage_parts_oldest(st, 1000, &g), 0);
	assert_int_equal(storage_parts_get(st, "vonage", "+447700900001", "7",
	    rows, 4, &n), 0);
	assert_int_equal(rows[0].done_at, 200);
	inbound_part_row_clear(&rows[0]);
	inbound_part_row_clear(&rows[1]);
	storage_close(st);
}


/* A reminder's slot on a local day is taken once, whoever asks. */
static void
test_reminder_slots(void **state)
{
	struct storage	*st = open_mem();
	struct patient	 p;
	int64_t		 id;

	memset(&p, 0, sizeof p);
	p.phone = (char *)"+447700900301";
	p.enrolled = 1;
	p.plan = (char *)"dvt-walking";
	assert_int_equal(storage_patient_insert(st, &p, 10, &id), 0);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_reminder_slot_take(st, id, "walk", 20000,
	    100), 1);
	assert_int_equal(storage_reminder_slot_take(st, id, "walk", 20000,
	    101), 0);
	assert_int_equal(storage_reminder_slot_take(st, id, "walk", 20001,
	    102), 1);
	assert_int_equal(storage_reminder_slot_take(st, id, "summary", 20000,
	    103), 1);
	/* Taking a slot twice is not an error: the transaction goes on. */
	assert_int_equal(storage_commit(st), 0);
	assert_int_equal(storage_reminder_slot_take(st, id, "walk", 20001,
	    104), 0);
	/* Rolled back with what it was taken for: the slot is free again. */
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_reminder_slot_take(st, id, "walk", 20002,
	    105), 1);
	storage_rollback(st);
	assert_int_equal(storage_reminder_slot_take(st, id, "walk", 20002,
	    106), 1);
	storage_close(st);
}

/* A message makes at most one escalation (its episode's first). */
static void
test_escalation_first_unique(void **state)
{
	struct storage		*st = open_mem();
	struct inbound		 in = make_inbound("SMfirst", "r");
	struct escalation	 e;
	int64_t			 inid;

	assert_int_equal(storage_inbound_insert(st, &in, &inid), 0);
	memset(&e, 0, sizeof e);
	e.phone = "+447700900001";
	e.inbound_id = inid;
	e.level = "urgent";
	e.created_at = 5;
	assert_int_equal(storage_escalation_insert(st, &e, NULL), 0);
	assert_int_equal(storage_escalation_insert(st, &e, NULL), -1);
	/* Calls have no message: any number of them. */
	e.inbound_id = 0;
	e.call_sid = "CA1";
	assert_int_equal(storage_escalation_insert(st, &e, NULL), 0);
	e.call_sid = "CA2";
	assert_int_equal(storage_escalation_insert(st, &e, NULL), 0);
	storage_close(st);
}

static void
queue_due(struct storage *st, int n, int64_t at)
{
	struct outbound	ob;
	int		i;

	memset(&ob, 0, sizeof ob);
	ob.kind = "reminder";
	ob.to = "+447700900401";
	ob.body = "walk";
	ob.priority = 2;
	for (i = 0; i < n; i++) {
		ob.created_at = at + i;
		assert_int_equal(storage_outbound_insert(st, &ob, NULL), 0);
	}
}

/*
 * Two instances claim the outbox at once: each gets rows the other does
 * not (FOR UPDATE SKIP LOCKED), and a claim no one finished is taken over
 * only once its lease has run out.
 */
static void
test_pg_claim_shared(void **state)
{
	struct storage		*a, *b;
	struct storage_options	 o = { .busy_timeout_ms = 1000, .lease = 60 };
	struct outbound_row	 ra[4], rb[4], more[4], r;
	size_t			 na, nb, i, j;
	int64_t			 b0, b1;
	char			*err = NULL;

	PG_ONLY();
	a = open_mem();
	b = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(b);
	queue_due(a, 4, 100);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_outbound_claim(a, 200, 2, ra, &na), 0);
	assert_int_equal(na, 2);
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_outbound_claim(b, 200, 4, rb, &nb), 0);
	assert_int_equal(nb, 2);	/* not a's, though a has not committed */
	for (i = 0; i < na; i++) {
		assert_string_equal(ra[i].status, "pending");
		assert_int_equal(ra[i].attempts, 1);
		for (j = 0; j < nb; j++)
			assert_int_not_equal(ra[i].id, rb[j].id);
	}
	assert_true(ra[0].id < ra[1].id);	/* oldest first */
	assert_int_equal(storage_commit(a), 0);
	assert_int_equal(storage_commit(b), 0);
	assert_int_equal(storage_outbound_claim(a, 200, 4, more, &i), 0);
	assert_int_equal(i, 0);		/* all four are claimed */
	/* b finishes one of its two; then it dies. */
	{
		struct outbound_update	u;

		memset(&u, 0, sizeof u);
		u.id = rb[0].id;
		u.status = "sent";
		u.provider_sid = "SMx";
		u.sent_at = 201;
		u.now = 201;
		assert_int_equal(storage_outbound_update(b, &u), 0);
	}
	b0 = rb[0].id;
	b1 = rb[1].id;
	for (i = 0; i < nb; i++)
		outbound_row_clear(&rb[i]);
	storage_close(b);
	/* a's claims (lease 300 by default) and b's (60) are still held. */
	assert_int_equal(storage_outbound_recover(a, 259, 400), 0);
	/* b's lease is over: its unfinished claim is an unknown outcome. */
	assert_int_equal(storage_outbound_recover(a, 260, 400), 1);
	assert_int_equal(storage_outbound_get(a, b1, NULL, &r), 1);
	assert_string_equal(r.status, "unknown");
	outbound_row_clear(&r);
	assert_int_equal(storage_outbound_get(a, b0, NULL, &r), 1);
	assert_string_equal(r.status, "sent");
	outbound_row_clear(&r);
	/* Due again at retry_at, and claimed as unknown. */
	assert_int_equal(storage_outbound_claim(a, 399, 4, rb, &nb), 0);
	assert_int_equal(nb, 0);
	assert_int_equal(storage_outbound_claim(a, 400, 4, rb, &nb), 0);
	assert_int_equal(nb, 1);
	assert_string_equal(rb[0].status, "unknown");
	assert_int_equal(rb[0].attempts, 2);
	outbound_row_clear(&rb[0]);
	assert_int_equal(storage_outbound_recover(a, 500, 600), 2);
	for (i = 0; i < na; i++)
		outbound_row_clear(&ra[i]);
	storage_close(a);
}

/* An acknowledgement timer is fired by one instance only. */
static void
test_pg_escalation_due_once(void **state)
{
	struct storage		*a, *b;
	struct storage_options	 o = { .busy_timeout_ms = 1000 };
	struct escalation	 e;
	struct escalation_update u;
	int64_t			 id, ids[4], next;
	size_t			 n;
	char			*err = NULL;

	PG_ONLY();
	a = open_mem();
	b = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(b);
	memset(&e, 0, sizeof e);
	e.phone = "+447700900501";
	e.level = "emergency";
	e.call_sid = "CAdue";
	e.created_at = 10;
	e.next_alert_at = 100;
	assert_int_equal(storage_escalation_insert(a, &e, &id), 0);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_escalation_due(a, 200, ids, 4, &n, &next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_escalation_due(b, 200, ids, 4, &n, &next), 0);
	assert_int_equal(n, 0);		/* a holds it */
	storage_rollback(b);
	memset(&u, 0, sizeof u);
	u.id = id;
	u.chain_pos = 1;
	u.failovers = -1;
	u.next_alert_at = 1100;
	u.now = 200;
	assert_int_equal(storage_escalation_update(a, &u), 1);
	assert_int_equal(storage_commit(a), 0);
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_escalation_due(b, 200, ids, 4, &n, &next), 0);
	assert_int_equal(n, 0);		/* moved on by a */
	assert_int_equal(next, 1100);
	storage_rollback(b);
	storage_close(b);
	storage_close(a);
}

/*
 * A provider's retry of one message on another instance waits for the
 * first instance's transaction, and then finds the message stored.  A
 * failed statement ends PostgreSQL's transaction: its commit fails.
 */
static void
test_pg_inbound_retry(void **state)
{
	struct storage		*a, *b;
	struct storage_options	 o = { .busy_timeout_ms = 200 };
	struct inbound		 in = make_inbound("SMretry", "stored reply");
	char			*err = NULL, *reply = NULL;

	PG_ONLY();
	a = open_mem();
	b = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(b);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_inbound_find(a, "twilio", "SMretry", &reply),
	    0);
	assert_int_equal(storage_begin(b), 0);
	/* a holds the message's lock: b waits, then gives up (a 503). */
	assert_int_equal(storage_inbound_find(b, "twilio", "SMretry", &reply),
	    -1);
	assert_int_equal(storage_commit(b), -1);
	storage_rollback(b);
	assert_int_equal(storage_inbound_insert(a, &in, NULL), 0);
	assert_int_equal(storage_commit(a), 0);
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_inbound_find(b, "twilio", "SMretry", &reply),
	    1);
	assert_string_equal(reply, "stored reply");
	free(reply);
	storage_rollback(b);
	storage_close(b);
	storage_close(a);
}

/*
 * Group commit on a shared store: a member never waits for a lock another
 * instance holds.  It fails at once, storage_member_busy says why, and its
 * rollback to its savepoint gives back the locks it had taken, while the
 * group's other members stay and commit.
 */
static void
test_pg_group_member_busy(void **state)
{
	struct storage		*a, *b;
	struct storage_options	 o = { .busy_timeout_ms = 200 };
	char			*err = NULL, *reply = NULL, *conv = NULL;

	PG_ONLY();
	a = open_mem();
	b = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(b);
	/* b (another instance) holds the number's lock. */
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_conversation_get(b, "+447700900777", &conv),
	    0);
	/* a's group: one member stores a message of another number... */
	member(a, "SMfirst", 1);
	/* ...the next needs b's number: it fails at once, busy. */
	assert_int_equal(storage_group_join(a), 0);
	assert_int_equal(storage_member_busy(a), 0);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_inbound_find(a, "twilio", "SMsecond",
	    &reply), 0);
	assert_int_equal(storage_conversation_get(a, "+447700900777", &conv),
	    -1);
	assert_int_equal(storage_member_busy(a), 1);
	storage_rollback(a);
	assert_int_equal(storage_member_busy(a), 1);
	storage_group_leave(a);
	assert_int_equal(storage_member_busy(a), 0);
	/* Its lock on SMsecond went with the rollback: b takes it now. */
	assert_int_equal(storage_inbound_find(b, "twilio", "SMsecond",
	    &reply), 0);
	storage_rollback(b);
	/* The group keeps its first member. */
	assert_int_equal(storage_group_commit(a), 0);
	assert_int_equal(seen(b, "SMfirst"), 1);
	assert_int_equal(seen(b, "SMsecond"), 0);
	/* Outside a group the same lock is waited for, as before. */
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_conversation_get(a, "+447700900777", &conv),
	    0);
	assert_int_equal(storage_commit(a), 0);
	storage_close(b);
	storage_close(a);
}

/*
 * storage_inbound_start, on both backends: the message not seen gives the
 * patient and the conversation; a repeat gives the stored reply.
 */
static void
test_inbound_start(void **state)
{
	struct storage		*st = open_mem();
	struct inbound		 in = make_inbound("SMstart", "first reply");
	struct conversation	 cv;
	struct patient		 p;
	char			*reply = NULL, *conv = NULL;
	int64_t			 pid, id = 0;
	int			 known = -1;

	pid = add_patient(st, "+447700900001", NULL, 100);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_start(st, "twilio", "SMstart",
	    "+447700900001", &reply, &p, &known, &conv), 0);
	assert_null(reply);
	assert_int_equal(known, 1);
	assert_int_equal(p.id, pid);
	assert_string_equal(p.phone, "+447700900001");
	assert_null(conv);
	patient_clear(&p);
	in.patient_id = pid;
	assert_int_equal(storage_inbound_insert(st, &in, &id), 0);
	assert_true(id > 0);
	cv.phone = "+447700900001";
	cv.patient_id = pid;
	cv.level = "routine";
	cv.state = "level=routine";
	cv.updated_at = 1000;
	assert_int_equal(storage_conversation_put(st, &cv), 0);
	assert_int_equal(storage_commit(st), 0);

	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_start(st, "twilio", "SMstart",
	    "+447700900001", &reply, &p, &known, &conv), 1);
	assert_string_equal(reply, "first reply");
	assert_int_equal(known, 0);
	assert_null(conv);
	free(reply);
	reply = NULL;
	assert_int_equal(storage_inbound_start(st, "twilio", "SMnext",
	    "+447700900001", &reply, &p, &known, &conv), 0);
	assert_int_equal(known, 1);
	assert_string_equal(conv, "level=routine");
	patient_clear(&p);
	free(conv);
	assert_int_equal(storage_inbound_start(st, "twilio", "SMother",
	    "+447700900002", &reply, &p, &known, &conv), 0);
	assert_int_equal(known, 0);
	assert_null(conv);
	storage_rollback(st);
	storage_close(st);
}

/*
 * One group member on PostgreSQL, as sms.c makes it: the reads in one
 * round trip, the writes sent with the release.  A member whose write
 * fails learns it at its commit, while its savepoint is still there: it
 * is undone alone, and the group's other members commit.
 */
static void
pg_member_message(struct storage *st, const char *sid, const char *phone,
    int64_t patient_id, int64_t conv_patient, int keep)
{
	struct inbound		 in = make_inbound(sid, "r");
	struct conversation	 cv;
	struct activity		 act;
	struct outbound		 o;
	struct patient		 p;
	char			*reply = NULL, *conv = NULL;
	int64_t			 id = 0;
	int			 known;

	assert_int_equal(storage_group_join(st), 0);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_start(st, "twilio", sid, phone,
	    &reply, &p, &known, &conv), 0);
	patient_clear(&p);
	free(conv);
	in.from = phone;
	in.patient_id = patient_id;
	assert_int_equal(storage_inbound_insert(st, &in, &id), 0);
	assert_true(id > 0);
	memset(&act, 0, sizeof act);
	act.phone = phone;
	act.patient_id = patient_id;
	act.inbound_id = id;	/* the row not sent yet */
	act.minutes = 20;
	act.reported_at = 1000;
	assert_int_equal(storage_activity_insert(st, &act), 0);
	/* A reply queued in the outbox, as for Vonage: no id wanted. */
	memset(&o, 0, sizeof o);
	o.kind = "reply";
	o.to = phone;
	o.body = "thanks";
	o.created_at = 1000;
	o.priority = 2;
	assert_int_equal(storage_outbound_insert(st, &o, NULL), 0);
	cv.phone = phone;
	cv.patient_id = conv_patient;
	cv.level = "routine";
	cv.state = "level=routine";
	cv.updated_at = 1000;
	/* Sent later: a bad patient id is not seen yet. */
	assert_int_equal(storage_conversation_put(st, &cv), 0);
	assert_int_equal(storage_commit(st), keep ? 0 : -1);
	assert_int_equal(storage_member_busy(st), 0);
	storage_group_leave(st);
}

static void
test_pg_member_writes_with_release(void **state)
{
	struct storage		*a, *b, *c;
	struct storage_options	 o = { .busy_timeout_ms = 200 };
	struct activity_row	*rows;
	struct patient		 p;
	size_t			 n;
	char			*err = NULL, *reply = NULL, *conv = NULL;
	int64_t			 pid, count, oldest;
	int			 known;

	PG_ONLY();
	a = open_mem();
	b = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(b);
	pid = add_patient(a, "+447700900801", NULL, 100);
	pg_member_message(a, "SMw1", "+447700900801", pid, pid, 1);
	/* No patient 999999: the conversation's write fails at the commit. */
	pg_member_message(a, "SMw2", "+447700900802", 0, 999999, 0);
	pg_member_message(a, "SMw3", "+447700900803", 0, 0, 1);
	assert_int_equal(storage_group_commit(a), 0);
	assert_int_equal(seen(b, "SMw1"), 1);
	assert_int_equal(seen(b, "SMw2"), 0);
	assert_int_equal(seen(b, "SMw3"), 1);
	assert_int_equal(storage_conversation_get(b, "+447700900801", &conv),
	    1);
	free(conv);
	conv = NULL;
	assert_int_equal(storage_conversation_get(b, "+447700900802", &conv),
	    0);
	assert_int_equal(storage_activity_list(b, pid, 0, 2000, 10, &rows, &n),
	    0);
	assert_int_equal(n, 1);
	free(rows);
	/* The outbox holds the replies of the two members kept. */
	assert_int_equal(storage_outbound_backlog(b, 2000, &count, &oldest),
	    0);
	assert_int_equal(count, 2);

	/* A repeat takes no lock on its number: b can take it meanwhile. */
	assert_int_equal(storage_group_join(a), 0);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_inbound_start(a, "twilio", "SMw1",
	    "+447700900801", &reply, &p, &known, &conv), 1);
	free(reply);
	reply = NULL;
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_conversation_get(b, "+447700900801", &conv),
	    1);
	free(conv);
	conv = NULL;
	storage_rollback(a);
	storage_group_leave(a);
	/* b now holds that number's lock: a's member is busy at once. */
	assert_int_equal(storage_group_join(a), 0);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_inbound_start(a, "twilio", "SMw4",
	    "+447700900801", &reply, &p, &known, &conv), -1);
	assert_int_equal(storage_member_busy(a), 1);
	storage_rollback(a);
	storage_group_leave(a);
	/* Its MessageSid's lock went with the rollback. */
	assert_int_equal(storage_inbound_find(b, "twilio", "SMw4", &reply), 0);
	storage_rollback(b);
	assert_int_equal(storage_group_commit(a), 0);
	/* Outside a group the writes are made at once, as before. */
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_inbound_start(a, "twilio", "SMw4",
	    "+447700900801", &reply, &p, &known, &conv), 0);
	assert_int_equal(known, 1);
	patient_clear(&p);
	free(conv);
	conv = NULL;
	assert_int_equal(storage_commit(a), 0);

	/*
	 * The MessageSid held by another instance (b): a's member is busy and
	 * takes no lock of the number either, so a third member (c) of that
	 * number is not held up by it (outside review of the pipelining).
	 */
	c = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(c);
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_inbound_find(b, "twilio", "SMw5", &reply), 0);
	assert_int_equal(storage_group_join(a), 0);
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_inbound_start(a, "twilio", "SMw5",
	    "+447700900801", &reply, &p, &known, &conv), -1);
	assert_int_equal(storage_member_busy(a), 1);
	assert_int_equal(storage_group_join(c), 0);
	assert_int_equal(storage_begin(c), 0);
	assert_int_equal(storage_conversation_get(c, "+447700900801", &conv),
	    1);
	free(conv);
	assert_int_equal(storage_member_busy(c), 0);
	storage_rollback(c);
	storage_group_leave(c);
	assert_int_equal(storage_group_commit(c), 0);
	storage_rollback(a);
	storage_group_leave(a);
	assert_int_equal(storage_group_commit(a), 0);
	storage_rollback(b);
	storage_close(c);
	storage_close(b);
	storage_close(a);
}

/*
 * Two parts of one long message on two instances: the second waits for
 * the first's transaction (and gives up at lock_timeout), then sees its
 * part, so one of them finds the message whole.
 */
static void
test_pg_parts_one_at_a_time(void **state)
{
	struct storage		*a, *b;
	struct storage_options	 o = { .busy_timeout_ms = 200 };
	struct inbound_part	 p;
	struct inbound_part_row	 rows[2];
	size_t			 n;
	char			*err = NULL;

	PG_ONLY();
	a = open_mem();
	b = storage_open("postgresql", pg_url, &o, &err);
	assert_non_null(b);
	memset(&p, 0, sizeof p);
	p.provider = "vonage";
	p.phone = "+447700900601";
	p.ref = "9";
	p.total = 2;
	p.part = 1;
	p.sid = "A";
	p.body = "chest ";
	p.received_at = 100;
	assert_int_equal(storage_begin(a), 0);
	assert_int_equal(storage_part_put(a, &p), 1);
	p.part = 2;
	p.sid = "B";
	p.body = "pain";
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_part_put(b, &p), -1);	/* a holds the group */
	storage_rollback(b);
	assert_int_equal(storage_commit(a), 0);
	assert_int_equal(storage_begin(b), 0);
	assert_int_equal(storage_part_put(b, &p), 1);
	assert_int_equal(storage_parts_get(b, "vonage", "+447700900601", "9",
	    rows, 2, &n), 0);
	assert_int_equal(n, 2);
	inbound_part_row_clear(&rows[0]);
	inbound_part_row_clear(&rows[1]);
	assert_int_equal(storage_commit(b), 0);
	storage_close(b);
	storage_close(a);
}

int
main(void)
{
	if ((pg_url = getenv("CLOTLINE_TEST_PG")) != NULL) {
#ifndef HAVE_LIBPQ
		printf("SKIP: this clotline was built without PostgreSQL "
		    "(libpq)\n");
		return 77;
#endif
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_migrate_ping),
		cmocka_unit_test(test_migration_8_kind_check),
		cmocka_unit_test(test_inbound_dedupe_and_reply),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_patients_and_opt_out),
		cmocka_unit_test(test_escalation_and_audit),
		cmocka_unit_test(test_reminder_storage),
		cmocka_unit_test(test_file_survives_reopen),
		cmocka_unit_test(test_group_commit),
		cmocka_unit_test(test_group_flush_before_other_work),
		cmocka_unit_test(test_patient_get_update_list),
		cmocka_unit_test(test_escalation_list_ack),
		cmocka_unit_test(test_activity_list),
		cmocka_unit_test(test_inbox),
		cmocka_unit_test(test_migration_9_inbox),
		cmocka_unit_test(test_migration_10_episodes),
		cmocka_unit_test(test_file_unlinked),
		cmocka_unit_test(test_inbound_parts),
		cmocka_unit_test(test_reminder_slots),
		cmocka_unit_test(test_escalation_first_unique),
		cmocka_unit_test(test_pg_claim_shared),
		cmocka_unit_test(test_pg_escalation_due_once),
		cmocka_unit_test(test_pg_inbound_retry),
		cmocka_unit_test(test_pg_parts_one_at_a_time),
		cmocka_unit_test(test_pg_group_member_busy),
		cmocka_unit_test(test_inbound_start),
		cmocka_unit_test(test_pg_member_writes_with_release),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
