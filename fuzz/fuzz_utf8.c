/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: UTF-8 hygiene (utf8.c) and SMS segment counting
 * (segments.c) on any bytes.
 *
 * utf8_valid must agree with a decoder written differently (decode the
 * code point, then reject overlongs, surrogates, values above U+10FFFF and
 * NUL); utf8_sanitize must return valid UTF-8, the input itself when it
 * was valid, and never more than three bytes a byte.  segments_count on
 * the sanitised text must be consistent: no segments for no text, UCS-2
 * units are the UTF-16 length, GSM-7 septets lie between the characters
 * and twice them, one segment up to 160 septets or 70 units, and beyond
 * that as many as 153 (67) a segment need, or one more per segment for a
 * pair that could not be split.  Text with characters that join into
 * clusters (combining marks, joiners, flags, skin tones, CR LF) keeps a
 * whole cluster in one segment, so there the upper bound is one segment
 * per unit.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "segments.h"
#include "utf8.h"

/* 1 if s[0..len) is well-formed UTF-8 without NUL, by decoding. */
static int
fuzz_utf8_reference(const unsigned char *s, size_t len)
{
	static const uint32_t	 min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t			 i = 0, n, k;
	uint32_t		 cp;

	while (i < len) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (len - i < n)
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min[n] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

/*
 * 1 if cp may join the character before or after it into one cluster: a
 * wider net than segments.c casts, so text without any is plain.
 */
static int
fuzz_utf8_may_join(uint32_t cp)
{
	return cp == '\r' || (cp >= 0x300 && cp <= 0xffff) ||
	    (cp >= 0x1f1e6 && cp <= 0x1f1ff) ||
	    (cp >= 0x1f3fb && cp <= 0x1f3ff) || cp >= 0xe0000;
}

/*
 * Characters and UTF-16 units of valid UTF-8; *joins is 1 if any
 * character may join another.
 */
static void
fuzz_utf8_count(const char *s, size_t *chars, size_t *utf16, int *joins)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;

	*chars = *utf16 = 0;
	*joins = 0;
	for (; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		(*chars)++;
		*utf16 += *p >= 0xf0 ? 2 : 1;
		if (*p < 0x80)
			cp = *p;
		else if (*p < 0xe0)
			cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		else if (*p < 0xf0)
			cp = (uint32_t)(p[0] & 0x0f) << 12 |
			    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		else
			cp = (uint32_t)(p[0] & 0x07) << 18 |
			    (uint32_t)(p[1] & 0x3f) << 12 |
			    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		*joins |= fuzz_utf8_may_join(cp);
	}
}

static size_t
fuzz_utf8_ceil(size_t a, size_t b)
{
	return (a + b - 1) / b;
}

static void
fuzz_utf8_segments(const char *s)
{
	struct segments	 sg;
	size_t		 chars, utf16, single, per, lo, hi;
	int		 joins;

	segments_count(s, &sg);
	fuzz_utf8_count(s, &chars, &utf16, &joins);
	if ((sg.count == 0) != (chars == 0) || (sg.units == 0) != (chars == 0))
		fuzz_fail("%zu segments, %zu units for %zu characters",
		    sg.count, sg.units, chars);
	if (sg.encoding == SEGMENTS_UCS2) {
		if (sg.units != utf16)
			fuzz_fail("UCS-2: %zu units, UTF-16 length %zu",
			    sg.units, utf16);
		single = 70;
		per = 67;
	} else {
		if (sg.units < chars || sg.units > 2 * chars)
			fuzz_fail("GSM-7: %zu septets for %zu characters",
			    sg.units, chars);
		single = 160;
		per = 153;
	}
	if (chars == 0)
		return;
	lo = sg.units <= single ? 1 : fuzz_utf8_ceil(sg.units, per);
	hi = sg.units <= single ? 1 : joins ? sg.units :
	    fuzz_utf8_ceil(sg.units, per - 1);
	if (sg.count < lo || sg.count > hi)
		fuzz_fail("%zu segments for %zu units (expected %zu to %zu)",
		    sg.count, sg.units, lo, hi);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct segments	 sg;
	char		*s;
	int		 valid, want;

	valid = utf8_valid((const char *)data, size);
	want = fuzz_utf8_reference(data, size);
	if (valid != want)
		fuzz_fail("utf8_valid says %d, the reference %d", valid, want);
	s = utf8_sanitize((const char *)data, size);
	if (strlen(s) > 3 * size)
		fuzz_fail("sanitised text grew past three bytes a byte");
	if (!fuzz_utf8_reference((const unsigned char *)s, strlen(s)))
		fuzz_fail("sanitised text is not valid UTF-8");
	if (valid && (strlen(s) != size || memcmp(s, data, size) != 0))
		fuzz_fail("valid text changed by utf8_sanitize");
	fuzz_utf8_segments(s);
	free(s);
	/*
	 * Unsanitised text, against the contract: segments_count must still
	 * stay inside the string (staff and configuration text reach it).
	 */
	s = fuzz_string((const char *)data, size);
	segments_count(s, &sg);
	if (sg.units > 2 * strlen(s))
		fuzz_fail("%zu units in %zu bytes", sg.units, strlen(s));
	free(s);
	return 0;
}
