/* SPDX-License-Identifier: ISC */
/*
 * Metrics exposition: counters appear with their labels in the Prometheus
 * text format.
 */
#include "testlib.h"

#include "metrics.h"

static void
test_render(void **state)
{
	struct metrics	 m;
	char		*t;
	int		 sms, i;

	metrics_init(&m, 100);
	sms = metrics_route(&m, "/twilio/sms");
	assert_int_equal(metrics_route(&m, "/twilio/sms"), sms);
	assert_string_equal(metrics_route_name(&m, sms), "/twilio/sms");
	metrics_request(&m, sms, 200);
	metrics_request(&m, sms, 200);
	metrics_request(&m, sms, 403);
	metrics_request(&m, ROUTE_OTHER, 418);
	m.inbound = 2;
	m.replies[TRIAGE_EMERGENCY] = 1;
	m.db_errors = 3;
	t = metrics_render(&m, 142);
	assert_non_null(strstr(t, "# TYPE clotline_http_requests_total counter\n"));
	assert_non_null(strstr(t,
	    "clotline_http_requests_total{route=\"/twilio/sms\",status=\"200\"} 2\n"));
	assert_non_null(strstr(t,
	    "clotline_http_requests_total{route=\"/twilio/sms\",status=\"403\"} 1\n"));
	assert_non_null(strstr(t,
	    "clotline_http_requests_total{route=\"other\",status=\"other\"} 1\n"));
	assert_non_null(strstr(t, "clotline_inbound_messages_total 2\n"));
	assert_non_null(strstr(t, "clotline_replies_total{level=\"emergency\"} 1\n"));
	assert_non_null(strstr(t, "clotline_replies_total{level=\"routine\"} 0\n"));
	assert_non_null(strstr(t, "clotline_database_errors_total 3\n"));
	assert_non_null(strstr(t, "clotline_uptime_seconds 42\n"));
	assert_null(strstr(t, "status=\"404\""));	/* zero series omitted */
	free(t);
	/* A full table counts the rest as other. */
	for (i = 0; i < METRICS_MAX_ROUTES; i++)
		(void)metrics_route(&m, i % 2 ? "/a" : "/b");
	assert_int_equal(m.nroutes, ROUTE_FIXED + 3);
	while (m.nroutes < METRICS_MAX_ROUTES)
		m.routes[m.nroutes++] = "/filler";
	assert_int_equal(metrics_route(&m, "/c"), ROUTE_OTHER);
}

/* What a clinic alerts on: latency, the outbox, the build, restarts. */
static void
test_service_metrics(void **state)
{
	struct metrics	 m;
	char		*t;

	metrics_init(&m, 1700000000);
	t = metrics_render(&m, 1700000010);
	/* No store read yet: no outbox gauges rather than a false 0. */
	assert_null(strstr(t, "clotline_outbox_backlog"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_count 0\n"));
	free(t);
	metrics_webhook(&m, 800);		/* 0.8 ms */
	metrics_webhook(&m, 30000);		/* 30 ms */
	metrics_webhook(&m, 7000000);		/* 7 s: +Inf only */
	m.outbox_backlog = 4;
	m.outbox_oldest_due = 95;
	t = metrics_render(&m, 1700000010);
	assert_non_null(strstr(t, "# TYPE clotline_webhook_duration_seconds histogram\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_bucket{le=\"0.001\"} 1\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_bucket{le=\"0.025\"} 1\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_bucket{le=\"0.05\"} 2\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_bucket{le=\"5\"} 2\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_count 3\n"));
	assert_non_null(strstr(t, "clotline_webhook_duration_seconds_sum 7.030800\n"));
	assert_non_null(strstr(t, "clotline_outbox_backlog 4\n"));
	assert_non_null(strstr(t, "clotline_outbox_oldest_due_seconds 95\n"));
	assert_non_null(strstr(t, "clotline_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"));
	assert_non_null(strstr(t, "process_start_time_seconds 1700000000\n"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_service_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
