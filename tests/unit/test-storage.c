/*
 * The SQLite backend through the storage interface, on :memory: and on a
 * file (WAL, migrations, reopening).
 */
#include "testlib.h"

#include "storage.h"

static struct storage *
open_mem(void)
{
	struct storage	*st;
	char		*err = NULL;

	st = storage_open("sqlite", ":memory:", NULL, &err);
	assert_non_null(st);
	assert_null(err);
	return st;
}

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

	assert_int_equal(storage_schema_version(st), 6);
	assert_int_equal(storage_ping(st), 0);
	assert_string_equal(storage_backend(st), "sqlite");
	storage_close(st);
	storage_close(NULL);

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

static void
test_file_survives_reopen(void **state)
{
	struct storage	*st;
	struct inbound	 in = make_inbound("SMfile", "kept");
	char		 path[512], *err = NULL, *reply = NULL;

	snprintf(path, sizeof path, "%s/s.db", testlib_tmpdir());
	st = storage_open("sqlite", path, NULL, &err);
	assert_non_null(st);
	assert_int_equal(storage_begin(st), 0);
	assert_int_equal(storage_inbound_insert(st, &in, NULL), 0);
	assert_int_equal(storage_commit(st), 0);
	storage_close(st);
	st = storage_open("sqlite", path, NULL, &err);	/* no re-migration */
	assert_non_null(st);
	assert_int_equal(storage_schema_version(st), 6);
	assert_int_equal(storage_inbound_find(st, "twilio", "SMfile", &reply), 1);
	assert_string_equal(reply, "kept");
	free(reply);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_migrate_ping),
		cmocka_unit_test(test_inbound_dedupe_and_reply),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_patients_and_opt_out),
		cmocka_unit_test(test_escalation_and_audit),
		cmocka_unit_test(test_reminder_storage),
		cmocka_unit_test(test_file_survives_reopen),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
