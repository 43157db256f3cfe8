/* SPDX-License-Identifier: ISC */
/*
 * UTF-8 validation and repair against the well-formed sequence table.
 */
#include "testlib.h"

#include "utf8.h"

static void
test_valid(void **state)
{
	assert_true(utf8_valid("hello", 5));
	assert_true(utf8_valid("caminé 30 minutos", strlen("caminé 30 minutos")));
	assert_true(utf8_valid("\xf0\x9f\x98\x8a", 4));		/* emoji */
	assert_true(utf8_valid("", 0));
}

static void
test_invalid(void **state)
{
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));		/* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(utf8_valid("\xe2\x82", 2));		/* truncated */
	assert_false(utf8_valid("a\0b", 3));			/* NUL */
}

static void
test_sanitize(void **state)
{
	char	*s;

	s = utf8_sanitize("ok \xff\xfe end", 9);
	assert_string_equal(s, "ok \xef\xbf\xbd\xef\xbf\xbd end");
	free(s);
	s = utf8_sanitize("a\0b", 3);
	assert_string_equal(s, "a\xef\xbf\xbd" "b");
	free(s);
	s = utf8_sanitize("chest \xe2\x82", 8);
	assert_true(utf8_valid(s, strlen(s)));
	free(s);
	s = utf8_sanitize("plain", 5);
	assert_string_equal(s, "plain");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_sanitize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
