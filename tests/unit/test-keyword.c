/* SPDX-License-Identifier: ISC */
/*
 * Opt-out keywords exactly as shared/spec/twilio.md lists them.
 */
#include "testlib.h"

#include "keyword.h"

static void
test_stop_words(void **state)
{
	static const char *words[] = { "STOP", "stop", "Stop", " stop ",
	    "STOP!", "stopall", "UNSUBSCRIBE", "cancel", "End", "quit.",
	    "\tSTOP\n", "...stop..." };
	size_t	i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_int_equal(keyword_classify(words[i]), KEYWORD_STOP);
}

static void
test_start_help_yes(void **state)
{
	assert_int_equal(keyword_classify("START"), KEYWORD_START);
	assert_int_equal(keyword_classify("unstop"), KEYWORD_START);
	assert_int_equal(keyword_classify("Yes"), KEYWORD_YES);
	assert_int_equal(keyword_classify("HELP"), KEYWORD_HELP);
	assert_int_equal(keyword_classify("info?"), KEYWORD_HELP);
}

static void
test_sentences_are_not_keywords(void **state)
{
	static const char *not[] = { "STOP walking reminders", "please stop",
	    "stopped", "help me my chest hurts", "yes please", "", "   ",
	    "endless", "quitting", "STO P" };
	size_t	i;

	for (i = 0; i < sizeof not / sizeof not[0]; i++)
		assert_int_equal(keyword_classify(not[i]), KEYWORD_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_words),
		cmocka_unit_test(test_start_help_yes),
		cmocka_unit_test(test_sentences_are_not_keywords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
