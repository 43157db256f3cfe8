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

	metrics_init(&m, 100);
	metrics_request(&m, ROUTE_TWILIO_SMS, 200);
	metrics_request(&m, ROUTE_TWILIO_SMS, 200);
	metrics_request(&m, ROUTE_TWILIO_SMS, 403);
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
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
