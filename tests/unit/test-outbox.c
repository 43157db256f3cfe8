/* SPDX-License-Identifier: ISC */
/*
 * The outbox's pure rules (outbox_policy.h) and the store operations it
 * relies on: claim order, recovery after a crash, the loop-guard count,
 * cancellation, and the status that only moves forward.
 */
#include "testlib.h"

#include <limits.h>

#include "outbox.h"
#include "outbox_policy.h"
#include "storage.h"

static void
test_backoff_doubles_with_jitter(void **state)
{
	int	a;

	/* rnd 0 gives the bottom of the range: half the nominal delay. */
	assert_int_equal(outbox_backoff_ms(1, 1000, 300000, 0), 500);
	assert_int_equal(outbox_backoff_ms(2, 1000, 300000, 0), 1000);
	assert_int_equal(outbox_backoff_ms(3, 1000, 300000, 0), 2000);
	/* the top of the range is the nominal delay itself */
	assert_int_equal(outbox_backoff_ms(3, 1000, 300000, 2000), 4000);
	/* capped */
	assert_int_equal(outbox_backoff_ms(30, 1000, 300000, 0), 150000);
	assert_int_equal(outbox_backoff_ms(30, 1000, 300000, 150000), 300000);
	for (a = 1; a < 40; a++) {
		int64_t d = outbox_backoff_ms(a, 5000, 300000, 123456789u);

		assert_true(d >= 2500 && d <= 300000);
	}
}

/* Retry-After is honoured up to retry_max and never overflows (issue 16). */
static void
test_retry_after_clamped(void **state)
{
	/* none given, or shorter than the backoff: the backoff */
	assert_int_equal(outbox_retry_delay_ms(4000, -1, 300000), 4000);
	assert_int_equal(outbox_retry_delay_ms(4000, 0, 300000), 4000);
	assert_int_equal(outbox_retry_delay_ms(4000, 2, 300000), 4000);
	/* longer: the provider's wait */
	assert_int_equal(outbox_retry_delay_ms(4000, 60, 300000), 60000);
	assert_int_equal(outbox_retry_delay_ms(4000, 300, 300000), 300000);
	/* 100,000 s (28 hours) is clamped to retry_max */
	assert_int_equal(outbox_retry_delay_ms(4000, 100000, 300000), 300000);
	assert_int_equal(outbox_retry_delay_ms(4000, 301, 300000), 300000);
	/* values that would overflow when multiplied */
	assert_int_equal(outbox_retry_delay_ms(4000, LONG_MAX, 300000), 300000);
	assert_int_equal(outbox_retry_delay_ms(4000, LONG_MAX / 1000 + 1,
	    1000), 1000);
	/* a backoff above the cap is capped too */
	assert_int_equal(outbox_retry_delay_ms(900000, -1, 300000), 300000);
}

static void
test_bucket(void **state)
{
	struct outbox_bucket	b;
	int			i;

	outbox_bucket_init(&b, 5, 5, 1000);
	for (i = 0; i < 5; i++)			/* a full bucket: a burst of 5 */
		assert_int_equal(outbox_bucket_take(&b, 1000), 1);
	assert_int_equal(outbox_bucket_take(&b, 1000), 0);
	assert_int_equal(outbox_bucket_wait_ms(&b, 1000), 201);
	assert_int_equal(outbox_bucket_take(&b, 1100), 0);
	assert_int_equal(outbox_bucket_take(&b, 1200), 1);	/* 1 per 200 ms */
	assert_int_equal(outbox_bucket_take(&b, 1200), 0);
	/* never more than burst, however long it rested */
	for (i = 0; i < 5; i++)
		assert_int_equal(outbox_bucket_take(&b, 100000), 1);
	assert_int_equal(outbox_bucket_take(&b, 100000), 0);
	/* a clock that steps back takes nothing it did not earn */
	assert_int_equal(outbox_bucket_take(&b, 50000), 0);
}

static void
test_bucket_rate(void **state)
{
	struct outbox_bucket	b;
	int64_t			t;
	int			sent = 0;

	/* Over 10 simulated seconds at 2/s from empty: 20 messages. */
	outbox_bucket_init(&b, 2, 1, 0);
	assert_int_equal(outbox_bucket_take(&b, 0), 1);
	for (t = 1; t <= 10000; t++)
		sent += outbox_bucket_take(&b, t);
	assert_int_equal(sent, 20);
}

static void
test_delivery_order(void **state)
{
	assert_true(outbox_delivery_advances(NULL, "queued"));
	assert_true(outbox_delivery_advances("queued", "sent"));
	assert_true(outbox_delivery_advances("sent", "delivered"));
	assert_true(outbox_delivery_advances("sending", "undelivered"));
	/* out of order: a late "sent" never undoes "delivered" */
	assert_false(outbox_delivery_advances("delivered", "sent"));
	assert_false(outbox_delivery_advances("delivered", "queued"));
	/* terminal states never move, even to another terminal one */
	assert_false(outbox_delivery_advances("delivered", "failed"));
	assert_false(outbox_delivery_advances("failed", "delivered"));
	assert_false(outbox_delivery_advances("sent", "sent"));
	/* unknown words are not states */
	assert_false(outbox_delivery_advances("sent", "bogus"));
	assert_false(outbox_delivery_advances("sent", NULL));
}

static void
test_kind_policy(void **state)
{
	struct outbox_kind_policy	 buf;
	const struct outbox_kind_policy	*a, *r;

	a = outbox_policy("alert", 86400, 7200, &buf);
	assert_non_null(a);
	assert_int_equal(a->max_age, 86400);
	assert_int_equal(a->max_attempts, 300);
	r = outbox_policy("reminder", 86400, 3600, &buf);
	assert_non_null(r);
	assert_int_equal(r->max_age, 3600);
	assert_true(r->max_attempts < 300);
	assert_int_equal(r->priority, OUTBOX_PRIO_REMINDER);
	assert_null(outbox_policy("fax", 1, 1, &buf));
	/* alerts retry longest of all */
	assert_true(outbox_policy("welcome", 86400, 7200, &buf)->max_attempts <
	    300);
}

static struct storage *
open_store(void)
{
	struct storage_options	 o = { .busy_timeout_ms = 100 };
	char			*err = NULL;
	struct storage		*st;

	st = storage_open("sqlite", ":memory:", &o, &err);
	assert_non_null(st);
	return st;
}

static int64_t
queue(struct storage *st, const char *kind, const char *to, const char *body,
    int prio, int64_t at)
{
	struct outbound	o;
	int64_t		id;

	memset(&o, 0, sizeof o);
	o.kind = kind;
	o.to = to;
	o.body = body;
	o.priority = prio;
	o.created_at = at;
	assert_int_equal(storage_outbound_insert(st, &o, &id), 0);
	return id;
}

/* outbox_enqueue: the kind decides the priority; an emergency goes first. */
static void
test_enqueue_priority(void **state)
{
	struct storage		*st = open_store();
	struct outbound_row	 rows[8];
	struct outbox_msg	 m;
	int64_t			 ids[5];
	size_t			 n;
	static const char *const kinds[] = { "reminder", "welcome", "alert",
	    "reply", "alert" };
	int			 i;

	for (i = 0; i < 5; i++) {
		memset(&m, 0, sizeof m);
		m.kind = kinds[i];
		m.to = "+447700900001";
		m.body = kinds[i];
		m.at = 100;
		m.emergency = i == 4;
		assert_int_equal(outbox_enqueue(st, &m, &ids[i]), 0);
	}
	m.kind = "postcard";
	assert_int_equal(outbox_enqueue(st, &m, NULL), -1);
	assert_int_equal(storage_outbound_claim(st, 200, 8, rows, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(rows[0].id, ids[4]);	/* the emergency alert */
	assert_int_equal(rows[0].priority, OUTBOX_PRIO_EMERGENCY);
	assert_int_equal(rows[1].id, ids[2]);	/* the other alert */
	assert_int_equal(rows[1].priority, OUTBOX_PRIO_ALERT);
	assert_int_equal(rows[2].priority, OUTBOX_PRIO_NORMAL);
	assert_int_equal(rows[3].priority, OUTBOX_PRIO_NORMAL);
	assert_int_equal(rows[4].id, ids[0]);	/* the reminder last */
	assert_int_equal(rows[4].priority, OUTBOX_PRIO_REMINDER);
	for (i = 0; i < 5; i++)
		outbound_row_clear(&rows[i]);
	storage_close(st);
}

static void
test_claim_order_and_recover(void **state)
{
	struct storage		*st = open_store();
	struct outbound_row	 rows[8], r;
	size_t			 n, i;
	int64_t			 rem1, rem2, alert, later, at;

	rem1 = queue(st, "reminder", "+447700900001", "walk", 3, 100);
	rem2 = queue(st, "reminder", "+447700900002", "walk", 3, 101);
	alert = queue(st, "alert", "+447700900123", "chest pain", 0, 150);
	later = queue(st, "reminder", "+447700900003", "walk", 3, 500);
	assert_int_equal(storage_outbound_next_due(st, &at), 1);
	assert_int_equal(at, 100);

	/* At 200 three are due; the emergency alert jumps the queue. */
	assert_int_equal(storage_outbound_claim(st, 200, 8, rows, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, alert);
	assert_int_equal(rows[1].id, rem1);
	assert_int_equal(rows[2].id, rem2);
	assert_int_equal(rows[0].attempts, 1);
	assert_string_equal(rows[0].kind, "alert");
	for (i = 0; i < n; i++)
		outbound_row_clear(&rows[i]);
	/* claimed rows are not claimed twice */
	assert_int_equal(storage_outbound_claim(st, 200, 8, rows, &n), 0);
	assert_int_equal(n, 0);

	/* A crash: the three in flight come back as unknown, due later. */
	assert_int_equal(storage_outbound_recover(st, 300, 420), 3);
	assert_int_equal(storage_outbound_get(st, alert, NULL, &r), 1);
	assert_string_equal(r.status, "unknown");
	outbound_row_clear(&r);
	assert_int_equal(storage_outbound_claim(st, 419, 8, rows, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(storage_outbound_claim(st, 600, 8, rows, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].id, alert);
	assert_int_equal(rows[0].attempts, 2);
	assert_int_equal(rows[3].id, later);
	for (i = 0; i < n; i++)
		outbound_row_clear(&rows[i]);
	storage_close(st);
}

static void
test_update_recent_cancel(void **state)
{
	struct storage		*st = open_store();
	struct outbound_update	 u;
	struct outbound_row	 r, rows[4];
	size_t			 n;
	int64_t			 a, b, c;

	a = queue(st, "reminder", "+447700900001", "same text", 3, 100);
	b = queue(st, "reminder", "+447700900001", "same text", 3, 100);
	c = queue(st, "reminder", "+447700900001", "other", 3, 100);
	assert_int_equal(storage_outbound_claim(st, 100, 1, rows, &n), 0);
	outbound_row_clear(&rows[0]);

	memset(&u, 0, sizeof u);
	u.id = a;
	u.status = "sent";
	u.provider_sid = "SM00000000000000000000000000000001";
	u.delivery = "queued";
	u.sent_at = 1000;
	u.segments = 1;
	u.now = 1000;
	assert_int_equal(storage_outbound_update(st, &u), 0);
	/* by sid, as a status callback without our id finds it */
	assert_int_equal(storage_outbound_get(st, 0,
	    "SM00000000000000000000000000000001", &r), 1);
	assert_int_equal(r.id, a);
	assert_string_equal(r.status, "sent");
	assert_string_equal(r.delivery, "queued");
	outbound_row_clear(&r);
	/* NULL fields leave the row alone */
	memset(&u, 0, sizeof u);
	u.id = a;
	u.delivery = "delivered";
	u.now = 1001;
	assert_int_equal(storage_outbound_update(st, &u), 0);
	assert_int_equal(storage_outbound_get(st, a, NULL, &r), 1);
	assert_string_equal(r.status, "sent");
	assert_string_equal(r.provider_sid, "SM00000000000000000000000000000001");
	outbound_row_clear(&r);

	/* loop guard: one identical text since 900, none since 1001 */
	assert_int_equal(storage_outbound_recent(st, b, "+447700900001",
	    "same text", 900), 1);
	assert_int_equal(storage_outbound_recent(st, b, "+447700900001",
	    "same text", 1001), 0);
	assert_int_equal(storage_outbound_recent(st, c, "+447700900001",
	    "other", 0), 0);
	/* a row does not count itself */
	assert_int_equal(storage_outbound_recent(st, a, "+447700900001",
	    "same text", 900), 0);

	/* opt-out: the two waiting reminders are cancelled, not the sent one */
	assert_int_equal(storage_outbound_cancel(st, "+447700900001",
	    "reminder", "opted out", 1002), 2);
	assert_int_equal(storage_outbound_get(st, b, NULL, &r), 1);
	assert_string_equal(r.status, "cancelled");
	outbound_row_clear(&r);
	assert_int_equal(storage_outbound_get(st, c, NULL, &r), 1);
	assert_string_equal(r.status, "cancelled");
	outbound_row_clear(&r);
	assert_int_equal(storage_outbound_get(st, a, NULL, &r), 1);
	assert_string_equal(r.status, "sent");
	outbound_row_clear(&r);
	assert_int_equal(storage_outbound_next_due(st, &a), 0);
	storage_close(st);
}

static void
test_loop_guard_counts_in_flight(void **state)
{
	struct storage		*st = open_store();
	struct outbound_row	 rows[4];
	int64_t			 id[4];
	size_t			 n, i;

	/* Claimed together in one batch: each counts only the ones before it. */
	for (i = 0; i < 4; i++)
		id[i] = queue(st, "reply", "+447700900009", "auto reply", 2, 100);
	assert_int_equal(storage_outbound_claim(st, 100, 4, rows, &n), 0);
	assert_int_equal(n, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(storage_outbound_recent(st, id[i],
		    "+447700900009", "auto reply", 0), (int)i);
		outbound_row_clear(&rows[i]);
	}
	storage_close(st);
}

static void
test_stalled(void **state)
{
	struct storage		*st = open_store();
	struct outbound_row	 rows[2];
	struct outbound_update	 u;
	size_t			 n;
	int64_t			 id;

	/* queued at 100, due at 100: overdue once "before" passes 100 */
	id = queue(st, "alert", "+447700900123", "chest pain", 0, 100);
	assert_int_equal(storage_outbound_stalled(st, 100), 0);
	assert_int_equal(storage_outbound_stalled(st, 101), 1);
	/* failing and rescheduled into the future: still stalled by age */
	assert_int_equal(storage_outbound_claim(st, 100, 2, rows, &n), 0);
	outbound_row_clear(&rows[0]);
	memset(&u, 0, sizeof u);
	u.id = id;
	u.status = "pending";
	u.next_attempt_at = 10000;
	u.now = 700;
	assert_int_equal(storage_outbound_update(st, &u), 0);
	assert_int_equal(storage_outbound_stalled(st, 100), 0);
	assert_int_equal(storage_outbound_stalled(st, 101), 1);
	/* a fresh row due in the future is not stalled, whatever its age */
	u.status = "sent";
	assert_int_equal(storage_outbound_update(st, &u), 0);
	(void)queue(st, "reminder", "+447700900001", "walk", 3, 50);
	memset(&u, 0, sizeof u);
	u.id = id + 1;
	u.next_attempt_at = 10000;
	u.now = 50;
	assert_int_equal(storage_outbound_update(st, &u), 0);
	assert_int_equal(storage_outbound_stalled(st, 5000), 0);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_with_jitter),
		cmocka_unit_test(test_retry_after_clamped),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_bucket_rate),
		cmocka_unit_test(test_delivery_order),
		cmocka_unit_test(test_enqueue_priority),
		cmocka_unit_test(test_kind_policy),
		cmocka_unit_test(test_claim_order_and_recover),
		cmocka_unit_test(test_update_recent_cancel),
		cmocka_unit_test(test_loop_guard_counts_in_flight),
		cmocka_unit_test(test_stalled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
