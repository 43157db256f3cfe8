/* SPDX-License-Identifier: ISC */
/*
 * Form body parsing: decoding, order and repeats, limits, bad input.
 */
#include "testlib.h"

#include "form.h"

static void
test_decodes_keys_and_values(void **state)
{
	const char	*body = "Body=I%27m+breathless+%26+sore&From=%2B447700900001"
	    "&Na%6De=x";
	struct form	*f;
	size_t		 len;

	assert_int_equal(form_parse(body, strlen(body), 10, &f), FORM_OK);
	assert_int_equal(f->n, 3);
	assert_string_equal(form_get(f, "Body", &len), "I'm breathless & sore");
	assert_int_equal(len, strlen("I'm breathless & sore"));
	assert_string_equal(form_get(f, "From", NULL), "+447700900001");
	assert_string_equal(form_get(f, "Name", NULL), "x");	/* key decoded */
	assert_null(form_get(f, "Missing", NULL));
	form_free(f);
}

static void
test_repeats_and_empty_values(void **state)
{
	const char	*body = "A=1&A=2&B=&&C=3&";
	struct form	*f;

	assert_int_equal(form_parse(body, strlen(body), 10, &f), FORM_OK);
	assert_int_equal(f->n, 4);
	assert_string_equal(form_get(f, "A", NULL), "1");	/* first wins */
	assert_string_equal(f->fields[1].value, "2");
	assert_string_equal(form_get(f, "B", NULL), "");
	assert_string_equal(form_get(f, "C", NULL), "3");
	form_free(f);
}

static void
test_decoded_nul_keeps_length(void **state)
{
	const char	*body = "Body=a%00b";
	struct form	*f;
	size_t		 len;
	const char	*v;

	assert_int_equal(form_parse(body, strlen(body), 10, &f), FORM_OK);
	v = form_get(f, "Body", &len);
	assert_int_equal(len, 3);
	assert_memory_equal(v, "a\0b", 3);
	form_free(f);
}

static void
test_malformed(void **state)
{
	struct form	*f = (struct form *)1;
	static const char *bad[] = { "abc", "=1", "a=1&=2", "a=1&b" };
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(form_parse(bad[i], strlen(bad[i]), 10, &f),
		    FORM_MALFORMED);
		assert_null(f);
	}
	/* A raw NUL byte is not part of any urlencoded body. */
	assert_int_equal(form_parse("a=1\0b=2", 7, 10, &f), FORM_MALFORMED);
}

static void
test_field_limit(void **state)
{
	struct form	*f;

	assert_int_equal(form_parse("a=1&b=2&c=3", 11, 3, &f), FORM_OK);
	form_free(f);
	assert_int_equal(form_parse("a=1&b=2&c=3&d=4", 15, 3, &f), FORM_TOO_MANY);
	assert_null(f);
}

static void
test_empty_body(void **state)
{
	struct form	*f;

	assert_int_equal(form_parse("", 0, 10, &f), FORM_OK);
	assert_int_equal(f->n, 0);
	form_free(f);
	/* What evbuffer_pullup gives for an empty request body. */
	assert_int_equal(form_parse(NULL, 0, 10, &f), FORM_OK);
	assert_int_equal(f->n, 0);
	form_free(f);
	form_free(NULL);
}

/* Plain-text fields: short, well-formed UTF-8, no control characters. */
static void
test_get_text(void **state)
{
	static const char body[] = "a=ok&b=%C3%A9t%C3%A9&c=x%00y&d=x%0Ay&e=%FF"
	    "&f=1234567890&g=&h=x%7Fy&i=x%C2%85y&j=x%C2%9Fy&k=x%C2%A0y";
	struct form	*f;

	assert_int_equal(form_parse(body, strlen(body), 100, &f), FORM_OK);
	assert_string_equal(form_get_text(f, "a", 64), "ok");
	assert_string_equal(form_get_text(f, "b", 64), "\xc3\xa9t\xc3\xa9");
	assert_null(form_get_text(f, "c", 64));		/* NUL */
	assert_null(form_get_text(f, "d", 64));		/* newline */
	assert_null(form_get_text(f, "e", 64));		/* not UTF-8 */
	assert_null(form_get_text(f, "f", 9));		/* too long */
	assert_string_equal(form_get_text(f, "f", 10), "1234567890");
	assert_string_equal(form_get_text(f, "g", 64), "");
	assert_null(form_get_text(f, "h", 64));		/* DEL */
	assert_null(form_get_text(f, "i", 64));		/* U+0085, C1 */
	assert_null(form_get_text(f, "j", 64));		/* U+009F, C1 */
	/* U+00A0, the first character after C1, is text. */
	assert_string_equal(form_get_text(f, "k", 64), "x\xc2\xa0y");
	assert_null(form_get_text(f, "z", 64));		/* absent */
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_text),
		cmocka_unit_test(test_decodes_keys_and_values),
		cmocka_unit_test(test_repeats_and_empty_values),
		cmocka_unit_test(test_decoded_nul_keeps_length),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_empty_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
