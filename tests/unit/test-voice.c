/* SPDX-License-Identifier: ISC */
/*
 * The keypad webhooks without HTTP (voice.c): real settings and prompts, the
 * SQLite backend on :memory:.  tests/integration/voice.sh drives whole calls
 * over HTTP; this covers what HTTP cannot reach: a failing store and
 * malformed step numbers and keys.
 */
#include "testlib.h"

#include "testgw.h"

#include "form.h"
#include "provider.h"
#include "xmalloc.h"
#include "sms.h"
#include "voice.h"

/* One webhook; returns the answer (caller frees body). */
static struct sms_response
hook(struct fixture *fx, enum voice_event ev, const char *query,
    const char *body)
{
	struct form		*f;
	struct sms_response	 res;
	struct provider_call	 call;
	const char		*why;

	assert_int_equal(form_parse(body, strlen(body), 100, &f), FORM_OK);
	/* As the server does: the provider's hooks read the form. */
	if (provider_twilio_hooks.call(f, query, &call, &why) == -1) {
		memset(&res, 0, sizeof res);
		res.status = 400;
		res.body = xasprintf("%s\n", why);
	} else
		voice_handle(fx->set, fx->st, &fx->m, &provider_twilio_hooks,
		    ev, &call, 1000, &res);
	form_free(f);
	return res;
}

static void
expect(struct fixture *fx, enum voice_event ev, const char *query,
    const char *body, int status, const char *needle)
{
	struct sms_response	res = hook(fx, ev, query, body);

	assert_int_equal(res.status, status);
	if (needle != NULL && strstr(res.body, needle) == NULL)
		fail_msg("answer to %s lacks '%s': %s", body, needle, res.body);
	free(res.body);
}

static void
test_store_failure_still_gives_emergency_advice(void **state)
{
	struct fixture	*fx = *state;

	/* A transaction left open makes BEGIN fail. */
	assert_int_equal(storage_begin(fx->st), 0);
	expect(fx, VOICE_START, NULL, "CallSid=CA1&From=%2B447700900111", 200,
	    "If you have chest pain or breathlessness, hang up and call 9 9 9 "
	    "now.");
	assert_int_equal(fx->m.db_errors, 1);
	expect(fx, VOICE_START, NULL, "CallSid=CA1&From=%2B447700900111", 200,
	    "</Say><Hangup/></Response>");
	/* A status callback has no caller to tell: 503, so it may come again. */
	expect(fx, VOICE_STATUS, NULL, "CallSid=CA1&CallStatus=completed", 503,
	    NULL);
	storage_rollback(fx->st);
	assert_int_equal(fx->m.db_errors, 3);
	/* Nothing was kept, so the call starts afresh. */
	expect(fx, VOICE_START, NULL, "CallSid=CA1&From=%2B447700900111", 200,
	    "For English, press 1.");
	assert_int_equal(fx->m.voice_calls, 1);
}

static void
test_malformed_requests(void **state)
{
	struct fixture	*fx = *state;

	expect(fx, VOICE_START, NULL, "From=%2B447700900111", 400, "CallSid");
	expect(fx, VOICE_START, NULL, "CallSid=&From=%2B447700900111", 400, NULL);
	expect(fx, VOICE_START, NULL, "CallSid=C%00A&From=%2B1", 400, NULL);
	/* A withheld number may still call. */
	expect(fx, VOICE_START, NULL, "CallSid=CA2", 200, "<Gather");
	/* Step numbers that are not ours replay the last answer. */
	expect(fx, VOICE_GATHER, "step=1x", "CallSid=CA2&Digits=1", 200,
	    "For English, press 1.");
	expect(fx, VOICE_GATHER, "step=-1", "CallSid=CA2&Digits=1", 200,
	    "For English, press 1.");
	expect(fx, VOICE_GATHER, NULL, "CallSid=CA2&Digits=1", 200,
	    "For English, press 1.");
	/* A NUL in the keys is a wrong key, not a crash or a choice. */
	expect(fx, VOICE_GATHER, "step=1", "CallSid=CA2&Digits=1%002", 200,
	    "Sorry, that key is not an option.");
	/* No Digits on a gather is silence. */
	expect(fx, VOICE_GATHER, "step=2", "CallSid=CA2", 200,
	    "Sorry, I did not hear a key.");
}

/*
 * Keys for a call that never started begin the menu; the provider
 * repeating that very request gets the same answer and changes nothing,
 * even when it names step 1, the step a new call's answer leads to
 * (found by fuzz_voice: the repeat was taken for keys at our step 1).
 */
static void
test_keys_for_unknown_call_repeated(void **state)
{
	struct fixture		*fx = *state;
	struct sms_response	 first, again;
	const char		*body = "CallSid=CA3&From=%2B447700900111&Digits=1";

	first = hook(fx, VOICE_GATHER, "step=1", body);
	assert_int_equal(first.status, 200);
	assert_non_null(strstr(first.body, "For English, press 1."));
	again = hook(fx, VOICE_GATHER, "step=1", body);
	assert_int_equal(again.status, 200);
	assert_string_equal(again.body, first.body);
	assert_int_equal(fx->m.duplicates, 1);
	/* The answer's own step goes on with the menu. */
	assert_non_null(strstr(first.body, "gather?step=2\""));
	expect(fx, VOICE_GATHER, "step=2", body, 200, "Hello, this is");
	free(first.body);
	free(again.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_store_failure_still_gives_emergency_advice, testgw_setup,
		    testgw_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_requests, testgw_setup,
		    testgw_teardown),
		cmocka_unit_test_setup_teardown(
		    test_keys_for_unknown_call_repeated, testgw_setup,
		    testgw_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
