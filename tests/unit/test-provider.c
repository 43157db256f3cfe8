/* SPDX-License-Identifier: ISC */
/*
 * The Twilio adapter's classification of every answer class in
 * spec/twilio.md ("Sending": retry later, opted out, permanent), and the
 * provider table.
 */
#include "testlib.h"

#include "provider.h"

static enum provider_outcome
classify(long status, const char *body, struct provider_result *r)
{
	provider_twilio_classify(status, body, r);
	return r->outcome;
}

static void
test_created(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(201, "{\"sid\": \"SM0123456789abcdef0123456789abcdef\","
	    " \"status\": \"queued\", \"error_code\": null}", &r), PROVIDER_SENT);
	assert_string_equal(r.sid, "SM0123456789abcdef0123456789abcdef");
	assert_string_equal(r.status, "queued");
	assert_int_equal(r.error_code, 0);
	assert_int_equal(r.http_status, 201);
}

static void
test_retry_class(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(429, "{\"code\": 20429, \"message\": \"Too Many"
	    " Requests\", \"status\": 429}", &r), PROVIDER_RETRY);
	assert_int_equal(r.error_code, 20429);
	assert_int_equal(classify(500, "", &r), PROVIDER_RETRY);
	assert_int_equal(classify(503, "<html>busy</html>", &r), PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 30001, \"message\": \"Queue"
	    " overflow\", \"status\": 400}", &r), PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 63018, \"status\": 400}", &r),
	    PROVIDER_RETRY);
	/* our account or configuration, not the message: keep it */
	assert_int_equal(classify(401, "{\"code\": 20003, \"status\": 401}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(403, "{\"code\": 20003, \"status\": 403}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(404, "{\"code\": 20404, \"status\": 404}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 21606, \"status\": 400}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 21212, \"status\": 400}", &r),
	    PROVIDER_RETRY);
}

static void
test_opted_out(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(400, "{\"code\": 21610, \"message\": \"Attempt"
	    " to send to unsubscribed recipient\", \"more_info\":"
	    " \"https://www.twilio.com/docs/errors/21610\", \"status\": 400}", &r),
	    PROVIDER_OPTED_OUT);
	assert_int_equal(r.error_code, 21610);
	assert_string_equal(r.detail, "Attempt to send to unsubscribed recipient");
}

static void
test_permanent(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(400, "{\"code\": 21211, \"message\": \"The 'To'"
	    " number is not a valid phone number.\", \"status\": 400}", &r),
	    PROVIDER_FAILED);
	assert_int_equal(r.error_code, 21211);
	assert_int_equal(classify(400, "{\"code\": 21614, \"status\": 400}", &r),
	    PROVIDER_FAILED);
	/* a long message is cut, not overflowed */
	assert_int_equal(classify(400, "{\"code\": 21211, \"message\": \""
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\"}", &r), PROVIDER_FAILED);
	assert_int_equal(strlen(r.detail), sizeof r.detail - 1);
}

/*
 * Only a sid proves the provider created the message (issue 16): any other
 * 2xx (a proxy's maintenance page, 204, a 201 without a sid) is retried.
 */
static void
test_sent_needs_sid(void **state)
{
	struct provider_result	r;

	assert_int_equal(classify(200, "<html>down for maintenance</html>", &r),
	    PROVIDER_RETRY);
	assert_string_equal(r.sid, "");
	assert_int_equal(classify(204, "", &r), PROVIDER_RETRY);
	assert_int_equal(classify(201, "{\"status\": \"queued\"}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(201, "{\"sid\": \"\", \"status\": "
	    "\"queued\"}", &r), PROVIDER_RETRY);
	assert_int_equal(classify(201, "{\"sid\": 12}", &r), PROVIDER_RETRY);
	assert_int_equal(classify(202, "[\"SM123\"]", &r), PROVIDER_RETRY);
	assert_int_equal(classify(200, "{\"sid\": \"SM0123456789abcdef0123456789abcdef\","
	    " \"status\": \"queued\"}", &r), PROVIDER_SENT);
}

/*
 * A redirect (api_base with http for https), a 4xx without JSON, 408, 413
 * and 421 say nothing about the recipient: retried, never failed for good.
 * Only a permanently invalid recipient fails.
 */
static void
test_only_recipient_errors_fail(void **state)
{
	struct provider_result	r;
	static const long	 statuses[] = { 301, 302, 307, 308, 400, 405,
	    408, 409, 413, 415, 421, 422, 451 };
	size_t			 i;

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		assert_int_equal(classify(statuses[i], "", &r), PROVIDER_RETRY);
		assert_int_equal(classify(statuses[i], "<html>x</html>", &r),
		    PROVIDER_RETRY);
	}
	assert_int_equal(classify(400, "not json", &r), PROVIDER_RETRY);
	assert_int_equal(classify(400, "{\"code\": 21602, \"status\": 400}", &r),
	    PROVIDER_RETRY);
	assert_int_equal(classify(100, "", &r), PROVIDER_RETRY);
	assert_int_equal(classify(0, "", &r), PROVIDER_RETRY);
	/* the recipient itself: never retried */
	assert_int_equal(classify(400, "{\"code\": 21211, \"status\": 400}", &r),
	    PROVIDER_FAILED);
	assert_int_equal(classify(400, "{\"code\": 21614, \"status\": 400}", &r),
	    PROVIDER_FAILED);
}

static void
test_table(void **state)
{
	assert_non_null(provider_find("twilio"));
	assert_non_null(provider_find("console"));
	assert_null(provider_find("vonage"));
	assert_string_equal(provider_names(), "console, twilio");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_created),
		cmocka_unit_test(test_retry_class),
		cmocka_unit_test(test_opted_out),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_sent_needs_sid),
		cmocka_unit_test(test_only_recipient_errors_fail),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
