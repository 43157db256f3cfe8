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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_controls_dropped_newlines_kept),
		cmocka_unit_test(test_nonchars_dropped),
		cmocka_unit_test(test_utf8_passes_through),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
