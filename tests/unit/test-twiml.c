/* SPDX-License-Identifier: ISC */
/*
 * TwiML replies: the exact document shape from shared/spec/twilio.md and
 * XML escaping.
 */
#include "testlib.h"

#include "twiml.h"

static void
test_message(void **state)
{
	char	*doc = twiml_message("Call 999 now or go to A&E <now> \"quoted\" it's");

	assert_string_equal(doc,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
	    "Call 999 now or go to A&amp;E &lt;now&gt; &quot;quoted&quot; it&apos;s"
	    "</Message></Response>");
	free(doc);
}

static void
test_empty(void **state)
{
	char	*doc = twiml_message(NULL);

	assert_string_equal(doc,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
	free(doc);
}

static void
test_controls_dropped_newlines_kept(void **state)
{
	char	*doc = twiml_message("a\x01" "b\nc\td\x1f");

	assert_non_null(strstr(doc, "<Message>ab\nc\td</Message>"));
	free(doc);
}

/*
 * U+FFFE and U+FFFF are valid UTF-8 but no XML 1.0 characters: kept, they
 * made the whole reply unparseable (found by fuzz/fuzz_twiml).  Their
 * neighbours U+FFFD and U+FFBE, which also start with 0xef, stay.
 */
static void
test_nonchars_dropped(void **state)
{
	char	*doc = twiml_message("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"
	    "\xef\xbf\xbd" "\xef\xbe\xbe");

	assert_non_null(strstr(doc, "<Message>abc\xef\xbf\xbd\xef\xbe\xbe"
	    "</Message>"));
	free(doc);
}

static void
test_utf8_passes_through(void **state)
{
	char	*doc = twiml_message("llame al 112 ahora — ¿está bien?");

	assert_non_null(strstr(doc, "llame al 112 ahora — ¿está bien?"));
	free(doc);
}

/* The keypad's documents: the shapes of shared/spec/twilio.md "Voice". */
static void
test_voice_gather(void **state)
{
	struct twiml_say	 say[2] = {
		{ "en-GB", "Press 1 & wait" }, { "es-ES", "Pulse <1>" },
	};
	struct twiml_voice	 v = {
		.say = say, .nsay = 2, .gather = 1, .num_digits = 1,
		.timeout = 5,
		.action = "https://c.example/twilio/voice/gather?call=CA1&step=2",
		.no_input = "https://c.example/twilio/voice/no-input?call=CA1&step=2",
	};
	char			*doc = twiml_voice(&v);

	assert_string_equal(doc,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
	    "<Gather input=\"dtmf\" numDigits=\"1\" timeout=\"5\""
	    " action=\"https://c.example/twilio/voice/gather?call=CA1&amp;step=2\""
	    " method=\"POST\">"
	    "<Say language=\"en-GB\">Press 1 &amp; wait</Say>"
	    "<Say language=\"es-ES\">Pulse &lt;1&gt;</Say></Gather>"
	    "<Redirect method=\"POST\">"
	    "https://c.example/twilio/voice/no-input?call=CA1&amp;step=2"
	    "</Redirect></Response>");
	free(doc);
	/* A number: until the # key, no digit count. */
	v.num_digits = 0;
	v.timeout = 10;
	doc = twiml_voice(&v);
	assert_non_null(strstr(doc, "<Gather input=\"dtmf\" finishOnKey=\"#\""
	    " timeout=\"10\" action="));
	assert_null(strstr(doc, "numDigits"));
	free(doc);
}

static void
test_voice_hangup(void **state)
{
	struct twiml_say	 say = { "de-DE", "Auf Wiederh\xc3\xb6ren" };
	struct twiml_voice	 v = { .say = &say, .nsay = 1 };
	char			*doc = twiml_voice(&v);

	assert_string_equal(doc,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
	    "<Say language=\"de-DE\">Auf Wiederh\xc3\xb6ren</Say><Hangup/>"
	    "</Response>");
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_voice_gather),
		cmocka_unit_test(test_voice_hangup),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_controls_dropped_newlines_kept),
		cmocka_unit_test(test_nonchars_dropped),
		cmocka_unit_test(test_utf8_passes_through),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
