/* SPDX-License-Identifier: ISC */
/*
 * UTF-8 validation and repair (see utf8.h), following the well-formed byte
 * sequences table of Unicode 15 section 3.9 (no overlongs, no surrogates,
 * nothing above U+10FFFF).
 */
#include "config.h"

#include <stdio.h>
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

/* The code point of the well-formed n-byte sequence at p. */
static unsigned
utf8_decode(const unsigned char *p, size_t n)
{
	switch (n) {
	case 1:
		return p[0];
	case 2:
		return (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
	case 3:
		return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 |
		    (p[2] & 0x3fu);
	default:
		return (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 |
		    (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
	}
}

int
utf8_unsafe_char(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x061c ||			/* Arabic letter mark */
	    (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, embeddings,
						   overrides (U+202E) */
	    (cp >= 0x2060 && cp <= 0x2064) ||	/* invisible operators */
	    (cp >= 0x2066 && cp <= 0x2069) ||	/* isolates */
	    cp == 0xfeff ||			/* zero width no-break space */
	    (cp >= 0xfff9 && cp <= 0xfffb);	/* interlinear annotation */
}

size_t
utf8_escape_to(const char *s, size_t len, char *out, size_t outsize)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[16];
	size_t			 i = 0, o = 0, n, m;
	unsigned		 cp;

	if (outsize == 0)
		return 0;
	while (i < len) {
		if ((n = utf8_seqlen(p + i, len - i)) == 0) {
			/* a byte that is not UTF-8 (or NUL) */
			m = (size_t)snprintf(esc, sizeof esc, "\\x%02x", p[i]);
			n = 1;
		} else if (utf8_unsafe_char(cp = utf8_decode(p + i, n))) {
			if (cp < 0x80)
				m = (size_t)snprintf(esc, sizeof esc,
				    "\\x%02x", cp);
			else
				m = (size_t)snprintf(esc, sizeof esc,
				    "\\u%04x", cp);
		} else {
			if (o + n >= outsize)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (o + m >= outsize)
			break;
		memcpy(out + o, esc, m);
		o += m;
		i += n;
	}
	out[o] = '\0';
	return o;
}

char *
utf8_escape(const char *s)
{
	size_t	len, size;
	char	*out;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	size = len * 6 + 1;	/* \xNN for each byte at most; \uXXXX for
				   a 2 or 3 byte sequence */
	out = xmalloc(size);
	utf8_escape_to(s, len, out, size);
	return out;
}
