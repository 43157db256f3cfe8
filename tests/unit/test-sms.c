/*
 * The inbound SMS flow without HTTP: real settings (configuration, the
 * shipped prompts and rules) and the SQLite backend on :memory:.
 */
#include "testlib.h"

#include "testgw.h"

#include "form.h"
#include "sms.h"

static int
setup(void **state)
{
	struct fixture	*fx;
	struct patient	 p;

	if (testgw_setup(state) == -1)
		return -1;
	fx = *state;
	memset(&p, 0, sizeof p);
	p.phone = (char *)"+447700900111";
	p.enrolled = 1;
	return storage_patient_insert(fx->st, &p, 0, NULL);
}

/* Posts a form body; returns the response (caller frees body). */
static struct sms_response
post(struct fixture *fx, const char *body)
{
	struct form		*f;
	struct sms_response	 res;

	assert_int_equal(form_parse(body, strlen(body), 100, &f), FORM_OK);
	sms_handle(fx->set, fx->st, &fx->m, f, 1000, &res);
	form_free(f);
	if (res.status == 200)	/* stored at once: no group here */
		sms_done(&fx->m, &res, 1);
	assert_null(res.who);
	assert_null(res.note);
	return res;
}

static void
expect(struct fixture *fx, const char *body, int status, const char *needle)
{
	struct sms_response	res = post(fx, body);

	assert_int_equal(res.status, status);
	if (needle != NULL && strstr(res.body, needle) == NULL)
		fail_msg("reply to %s lacks '%s': %s", body, needle, res.body);
	free(res.body);
}

static void
test_emergency_reply_for_everyone(void **state)
{
	struct fixture	*fx = *state;

	/* Enrolled patient. */
	expect(fx, "MessageSid=SMa1&From=%2B447700900111&Body=breathless+and+my+chest+hurts",
	    200, "Call 999 now");
	/* Unknown number: still emergency advice, not the "not enrolled" text. */
	expect(fx, "MessageSid=SMa2&From=%2B447700900222&Body=chest+pain+and+short+of+breath",
	    200, "Call 999 now");
	/* Opted-out patient: an opt-out never silences emergency advice. */
	expect(fx, "MessageSid=SMa3&From=%2B447700900111&Body=STOP", 200, "START");
	expect(fx, "MessageSid=SMa4&From=%2B447700900111&Body=I+cant+breathe+and+my+chest+hurts",
	    200, "Call 999 now");
	assert_int_equal(fx->m.replies[TRIAGE_EMERGENCY], 3);
}

static void
test_repeat_is_answered_once(void **state)
{
	struct fixture		*fx = *state;
	struct sms_response	 a, b;
	const char		*body =
	    "MessageSid=SMdup&From=%2B447700900111&Body=walked+20+min+today";

	a = post(fx, body);
	b = post(fx, body);
	assert_int_equal(a.status, 200);
	assert_int_equal(b.status, 200);
	assert_string_equal(a.body, b.body);
	assert_int_equal(fx->m.inbound, 1);
	assert_int_equal(fx->m.duplicates, 1);
	free(a.body);
	free(b.body);
}

static void
test_keywords(void **state)
{
	struct fixture	*fx = *state;
	struct patient	 p;

	expect(fx, "MessageSid=SMk1&From=%2B447700900111&Body=+Stop.+", 200,
	    "no more messages");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_true(p.opted_out);
	patient_clear(&p);
	/* Opted out: an ordinary message gets no reply at all. */
	expect(fx, "MessageSid=SMk2&From=%2B447700900111&Body=walked+today", 200,
	    "<Response/>");
	/* YES opts back in only while opted out. */
	expect(fx, "MessageSid=SMk3&From=%2B447700900111&Body=yes", 200,
	    "Welcome back");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_false(p.opted_out);
	patient_clear(&p);
	expect(fx, "MessageSid=SMk4&From=%2B447700900111&Body=yes", 200,
	    "Thanks, noted");
	expect(fx, "MessageSid=SMk5&From=%2B447700900111&Body=HELP", 200,
	    "+441234567890");
	/* A sentence with STOP in it is not an opt-out. */
	expect(fx, "MessageSid=SMk6&From=%2B447700900111&Body=STOP+walking+reminders",
	    200, "Thanks");
	assert_int_equal(storage_patient_find(fx->st, "+447700900111", &p), 1);
	assert_false(p.opted_out);
	patient_clear(&p);
	/* START from an unknown number is stored as an unenrolled opt-in. */
	expect(fx, "MessageSid=SMk7&From=%2B15005550009&Body=START", 200, "Welcome");
}

static void
test_unknown_number(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "MessageSid=SMu1&From=%2B447700900999&Body=hello", 200,
	    "enrolled with Test Clinic");
	expect(fx, "MessageSid=SMu2&From=%2B447700900999&Body=hello", 200,
	    "+441234567890");
}

static void
test_bad_requests(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, "From=%2B447700900111&Body=hi", 400, "MessageSid");
	expect(fx, "MessageSid=&From=%2B447700900111&Body=hi", 400, "MessageSid");
	expect(fx, "MessageSid=SMb1&Body=hi", 400, "From");
	expect(fx, "MessageSid=SMb2&From=%2B447700900111", 400, "Body");
	expect(fx, "MessageSid=SM%00x&From=%2B447700900111&Body=hi", 400, "MessageSid");
	/* Sids and numbers are stored and logged as they came: no control
	 * characters, no invalid UTF-8. */
	expect(fx, "MessageSid=SM1%0Aforged&From=%2B447700900111&Body=hi", 400,
	    "MessageSid");
	expect(fx, "MessageSid=SM%FFx&From=%2B447700900111&Body=hi", 400,
	    "MessageSid");
	expect(fx, "MessageSid=SMb0&From=%2B4477%1B00900111&Body=hi", 400, "From");
	expect(fx, "MessageSid=SMb0&From=%2B4477%C0%AF900111&Body=hi", 400, "From");
	expect(fx, "MessageSid=SMb0&From=%2B4477%7F900111&Body=hi", 400, "From");
	/* 64 bytes at most: a Twilio sid is 34, an E.164 number at most 16. */
	expect(fx, "MessageSid=SM" "0123456789012345678901234567890123456789"
	    "0123456789012345678901&From=%2B447700900111&Body=hi", 200, NULL);
	expect(fx, "MessageSid=SM" "0123456789012345678901234567890123456789"
	    "01234567890123456789012&From=%2B447700900111&Body=hi", 400,
	    "MessageSid");
	expect(fx, "MessageSid=SMb0&From=%2B447700900111"
	    "01234567890123456789012345"
	    "6789012345678901234567890&Body=hi", 200, NULL);
	expect(fx, "MessageSid=SMb0b&From=%2B447700900111"
	    "01234567890123456789012345"
	    "67890123456789012345678901&Body=hi", 400, "From");
	/* Invalid UTF-8 and NUL in the body are repaired, not refused. */
	expect(fx, "MessageSid=SMb3&From=%2B447700900111&Body=chest%FF%00pain+and+breathless",
	    200, "Call 999");
	/* An empty body (a picture message) is a message. */
	expect(fx, "MessageSid=SMb4&From=%2B447700900111&Body=", 200, "<Message>");
	/* A sender that is not E.164 (a short code) can still be answered. */
	expect(fx, "MessageSid=SMb5&From=12345&Body=STOP", 200, "START");
}

static void
test_store_failure_is_503(void **state)
{
	struct fixture	*fx = *state;

	/* A transaction left open makes BEGIN fail: the message is not kept. */
	assert_int_equal(storage_begin(fx->st), 0);
	expect(fx, "MessageSid=SMf1&From=%2B447700900111&Body=hi", 503, NULL);
	storage_rollback(fx->st);
	assert_int_equal(fx->m.db_errors, 1);
	/* And then it works, as a provider retry would. */
	expect(fx, "MessageSid=SMf1&From=%2B447700900111&Body=hi", 200, "<Message>");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_emergency_reply_for_everyone, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_repeat_is_answered_once, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_keywords, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_number, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, testgw_teardown),
		cmocka_unit_test_setup_teardown(test_store_failure_is_503, setup, testgw_teardown),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
