/* SPDX-License-Identifier: ISC */
/*
 * SMS segment counting against every vector in shared/spec/twilio.md
 * ("SMS segments (GSM 03.38)"), plus the table facts it states.
 */
#include "testlib.h"

#include "segments.h"

/* n copies of the UTF-8 sequence s after prefix, as a new string. */
static char *
repeat(const char *prefix, const char *s, size_t n)
{
	size_t	 plen = strlen(prefix), slen = strlen(s), i;
	char	*out;

	out = malloc(plen + slen * n + 1);
	assert_non_null(out);
	memcpy(out, prefix, plen);
	for (i = 0; i < n; i++)
		memcpy(out + plen + i * slen, s, slen);
	out[plen + slen * n] = '\0';
	return out;
}

static size_t
count(const char *prefix, const char *s, size_t n, enum segments_encoding *enc)
{
	struct segments	 sg;
	char		*text = repeat(prefix, s, n);

	segments_count(text, &sg);
	free(text);
	if (enc != NULL)
		*enc = sg.encoding;
	return sg.count;
}

/*
 * A cluster read as one character is never split across segments: 65
 * characters and 👍🏽 (4 units) leave 2 of the first 67 unused, so 65 more
 * need a third segment, where splitting the skin tone off would fit two.
 */
static void
test_ucs2_cluster_never_split(void **state)
{
	struct segments	 sg;
	char		*a = repeat("", "a", 65), *b, *text;
	static const char *const clusters[] = {
		"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",		/* thumbs up, tone */
		"\xf0\x9f\x87\xac\xf0\x9f\x87\xa7",		/* flag GB */
		"\xe2\x9c\x8c\xef\xb8\x8f\xf0\x9f\x8f\xbb",	/* V, VS16, tone */
		"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", /* ZWJ */
	};
	size_t		 i, tail, units[] = { 4, 4, 4, 5 };

	for (i = 0; i < sizeof clusters / sizeof clusters[0]; i++) {
		/* just enough to fill two segments were it split */
		tail = 134 - 65 - units[i];
		b = repeat("", "a", tail);
		text = malloc(strlen(a) + strlen(clusters[i]) + tail + 1);
		assert_non_null(text);
		snprintf(text, strlen(a) + strlen(clusters[i]) + tail + 1,
		    "%s%s%s", a, clusters[i], b);
		segments_count(text, &sg);
		assert_int_equal(sg.encoding, SEGMENTS_UCS2);
		assert_int_equal(sg.units, 134);
		assert_int_equal(sg.count, 3);
		free(text);
		free(b);
	}
	/* Two flags are two clusters: the second may start a segment. */
	free(a);
	a = repeat("", "a", 63);
	b = repeat(a, "\xf0\x9f\x87\xac\xf0\x9f\x87\xa7", 2);
	text = repeat(b, "a", 63);
	segments_count(text, &sg);
	assert_int_equal(sg.units, 134);
	assert_int_equal(sg.count, 2);
	free(text);
	free(a);
	free(b);
}

/*
 * A cluster wider than a segment (a letter under 150 combining accents,
 * 151 units) cannot stay whole: it fills two segments of 67 and its last
 * 17 units start a third.  Counting it as one segment, or two, would
 * undercount what the provider bills and what the outbox limits.
 */
static void
test_ucs2_cluster_wider_than_segment(void **state)
{
	struct segments	 sg;
	char		*text = repeat("a", "\xcc\x81", 150);

	(void)state;
	segments_count(text, &sg);
	assert_int_equal(sg.encoding, SEGMENTS_UCS2);
	assert_int_equal(sg.units, 151);
	assert_int_equal(sg.count, 3);
	free(text);
}

static void
test_gsm7_plain(void **state)
{
	enum segments_encoding	enc;

	assert_int_equal(count("", "a", 160, &enc), 1);
	assert_int_equal(enc, SEGMENTS_GSM7);
	assert_int_equal(count("", "a", 161, NULL), 2);
	assert_int_equal(count("", "a", 306, NULL), 2);	/* 2 x 153 */
	assert_int_equal(count("", "a", 307, NULL), 3);
	assert_int_equal(count("", "a", 0, NULL), 0);
}

static void
test_gsm7_extension(void **state)
{
	static const char *const ext[] = { "^", "{", "}", "\\", "[", "~", "]",
	    "|", "\xe2\x82\xac" /* € */, "\f" };
	struct segments	sg;
	size_t		i;

	/* "{ + 158 characters is 1 segment, one more is 2" */
	assert_int_equal(count("{", "a", 158, NULL), 1);
	assert_int_equal(count("{", "a", 159, NULL), 2);
	for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		segments_count(ext[i], &sg);
		assert_int_equal(sg.encoding, SEGMENTS_GSM7);
		assert_int_equal(sg.units, 2);
	}
}

static void
test_gsm7_escape_never_split(void **state)
{
	struct segments	 sg;
	char		*text;

	/*
	 * 152 septets then '{': the pair does not fit in the first segment's
	 * last septet, so it moves whole to the second; 153 + 2 + 152 more
	 * would otherwise look like exactly 2 segments.
	 */
	text = repeat("", "a", 152);
	text = realloc(text, 152 + 1 + 1 + 152 + 1);
	strcat(text, "{");
	memset(text + 153, 'a', 152);
	text[305] = '\0';
	segments_count(text, &sg);
	assert_int_equal(sg.units, 306);
	assert_int_equal(sg.count, 3);
	free(text);
}

static void
test_ucs2(void **state)
{
	enum segments_encoding	enc;

	/* "70 x 中 is 1, 71 is 2" */
	assert_int_equal(count("", "\xe4\xb8\xad", 70, &enc), 1);
	assert_int_equal(enc, SEGMENTS_UCS2);
	assert_int_equal(count("", "\xe4\xb8\xad", 71, NULL), 2);
	assert_int_equal(count("", "\xe4\xb8\xad", 134, NULL), 2);	/* 2 x 67 */
	assert_int_equal(count("", "\xe4\xb8\xad", 135, NULL), 3);
}

static void
test_ucs2_emoji(void **state)
{
	struct segments	sg;

	/* "an emoji + 68 characters is 1, + 69 is 2" */
	assert_int_equal(count("\xf0\x9f\x98\x8a", "a", 68, NULL), 1);
	assert_int_equal(count("\xf0\x9f\x98\x8a", "a", 69, NULL), 2);
	segments_count("\xf0\x9f\x98\x8a", &sg);
	assert_int_equal(sg.units, 2);
}

static void
test_ucs2_surrogate_never_split(void **state)
{
	struct segments	 sg;
	char		*text, *tail;

	/* 66 units then an emoji (2 units): it moves whole to segment 2. */
	text = repeat("", "\xe4\xb8\xad", 66);
	text = realloc(text, strlen(text) + 4 + 1);
	strcat(text, "\xf0\x9f\x98\x8a");
	segments_count(text, &sg);
	assert_int_equal(sg.units, 68);
	assert_int_equal(sg.count, 1);		/* 68 <= 70: unsplit */
	free(text);
	/*
	 * 66 units, an emoji, 66 units: 134 units would fill exactly two
	 * segments of 67 if the pair could be split; it cannot, so three.
	 */
	text = repeat("", "\xe4\xb8\xad", 66);
	tail = repeat("\xf0\x9f\x98\x8a", "\xe4\xb8\xad", 66);
	text = realloc(text, strlen(text) + strlen(tail) + 1);
	strcat(text, tail);
	segments_count(text, &sg);
	assert_int_equal(sg.units, 134);
	assert_int_equal(sg.count, 3);
	free(text);
	free(tail);
}

static void
test_table_facts(void **state)
{
	static const char *const not_gsm[] = { "\xc3\xa1" /* á */,
	    "\xc3\xad" /* í */, "\xc3\xb3" /* ó */, "\xc3\xba" /* ú */,
	    "\xc3\xaa" /* ê */, "\xc3\xa7" /* ç */ };
	struct segments	sg;
	size_t		i;

	segments_count("\xc3\x87", &sg);	/* Ç is in the base table */
	assert_int_equal(sg.encoding, SEGMENTS_GSM7);
	assert_int_equal(sg.units, 1);
	for (i = 0; i < sizeof not_gsm / sizeof not_gsm[0]; i++) {
		segments_count(not_gsm[i], &sg);
		assert_int_equal(sg.encoding, SEGMENTS_UCS2);
	}
	segments_count("a\r\nb", &sg);		/* CR LF counts 2 */
	assert_int_equal(sg.units, 4);
	/* One accented letter turns a whole Spanish reply into UCS-2. */
	segments_count("Llame al 112 ahora, no conduzca. Respiración", &sg);
	assert_int_equal(sg.encoding, SEGMENTS_UCS2);
}

/*
 * Text that is not valid UTF-8 (a clinic name typed in Latin-1, staff
 * text) used to make the decoder read past the NUL after a lead byte
 * (found by fuzz/fuzz_utf8).  Such a byte now counts as one U+FFFD; under
 * ASan, the exact-size buffers from repeat() catch any read past the end.
 */
static void
test_invalid_stays_inside(void **state)
{
	struct segments	 sg;
	char		*text;

	text = repeat("ok ", "\xf0", 1);	/* a 4-byte lead, then the NUL */
	segments_count(text, &sg);
	free(text);
	assert_int_equal(sg.encoding, SEGMENTS_UCS2);
	assert_int_equal(sg.units, 4);
	assert_int_equal(sg.count, 1);
	text = repeat("x", "\xe2\x82", 1);	/* a 3-byte sequence cut short */
	segments_count(text, &sg);
	free(text);
	assert_int_equal(sg.units, 3);		/* x, U+FFFD, U+FFFD */
	text = repeat("", "\xff\x80", 1);	/* no lead byte at all */
	segments_count(text, &sg);
	free(text);
	assert_int_equal(sg.units, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gsm7_plain),
		cmocka_unit_test(test_gsm7_extension),
		cmocka_unit_test(test_gsm7_escape_never_split),
		cmocka_unit_test(test_ucs2),
		cmocka_unit_test(test_ucs2_emoji),
		cmocka_unit_test(test_ucs2_surrogate_never_split),
		cmocka_unit_test(test_ucs2_cluster_never_split),
		cmocka_unit_test(test_ucs2_cluster_wider_than_segment),
		cmocka_unit_test(test_table_facts),
		cmocka_unit_test(test_invalid_stays_inside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
