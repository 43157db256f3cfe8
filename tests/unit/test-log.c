/*
 * Phone numbers in logs keep their last three digits and nothing else.
 */
#include "testlib.h"

#include "log.h"

static void
test_redaction(void **state)
{
	char	buf[LOG_PHONE_SIZE];

	assert_string_equal(log_phone("+447700900123", buf), "***123");
	assert_string_equal(log_phone("+1 (415) 867-5309", buf), "***309");
	assert_string_equal(log_phone("+12", buf), "***12");
	assert_string_equal(log_phone("", buf), "***");
	assert_string_equal(log_phone(NULL, buf), "***");
	assert_string_equal(log_phone("client:alice", buf), "***");
	assert_null(strstr(log_phone("+447700900123", buf), "4477"));
}

static void
test_level_names(void **state)
{
	enum log_level	l;

	assert_int_equal(log_level_from_name("debug", &l), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_from_name("WARN", &l), 0);
	assert_int_equal(l, LOG_LEVEL_WARN);
	assert_int_equal(log_level_from_name("loud", &l), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_level_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
