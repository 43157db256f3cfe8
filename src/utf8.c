/* SPDX-License-Identifier: ISC */
/*
 * UTF-8 validation and repair (see utf8.h), following the well-formed byte
 * sequences table of Unicode 15 section 3.9 (no overlongs, no surrogates,
 * nothing above U+10FFFF).
 */
#include "config.h"

#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

/* Length of the well-formed sequence at s, or 0 if it is ill-formed. */
static size_t
utf8_seqlen(const unsigned char *s, size_t left)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	size_t		n, i;

	if (c == 0x00)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (left < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	while (i < len) {
		/* Most text is ASCII: no call a byte for it. */
		while (i < len && p[i] != 0x00 && p[i] < 0x80)
			i++;
		if (i == len)
			break;
		if ((n = utf8_seqlen(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

char *
utf8_sanitize(const char *s, size_t len)
{
	static const char	 repl[] = "\xef\xbf\xbd";
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 i = 0, n;

	/* Worst case every byte becomes a 3-byte replacement character. */
	out = o = xmalloc(len * 3 + 1);
	while (i < len) {
		if ((n = utf8_seqlen(p + i, len - i)) == 0) {
			memcpy(o, repl, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, p + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}
