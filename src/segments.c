/* SPDX-License-Identifier: ISC */
/*
 * SMS segment counting (see segments.h).
 *
 * GSM-7: 160 septets fit one segment, 153 each once split; the extension
 * characters take two septets and an escape pair is never split across
 * segments.  Anything outside GSM-7 makes the whole message UCS-2: 70 UTF-16
 * units in one segment, 67 each once split, and a surrogate pair (a
 * character outside the BMP, such as most emoji) is never split.  Nor is a
 * cluster a reader sees as one character (a base and its combining marks,
 * variation selectors and skin tones, emoji joined by ZWJ, a flag's two
 * regional indicators, CR LF): the provider's own calculator keeps those
 * whole, and so the count matches what the clinic is billed.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "segments.h"

/* The GSM 03.38 basic table, other than ASCII letters and digits. */
static const uint32_t gsm7_basic[] = {
	'@', 0xa3, '$', 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, '\n', 0xd8,
	0xf8, '\r', 0xc5, 0xe5, 0x394, '_', 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0,
	0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf, 0xc9, ' ', '!', '"', '#',
	0xa4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', ':', ';',
	'<', '=', '>', '?', 0xa1, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7, 0xbf, 0xe4,
	0xf6, 0xf1, 0xfc, 0xe0,
};

/* The extension table: an escape and the character, two septets. */
static const uint32_t gsm7_ext[] = {
	'^', '{', '}', '\\', '[', '~', ']', '|', 0x20ac, '\f',
};

static int
segments_in_table(const uint32_t *t, size_t n, uint32_t cp)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (t[i] == cp)
			return 1;
	return 0;
}

/* Septets for cp in GSM-7, or 0 if it is not in GSM-7. */
static int
segments_gsm7_width(uint32_t cp)
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= '0' && cp <= '9'))
		return 1;
	if (segments_in_table(gsm7_basic,
	    sizeof gsm7_basic / sizeof gsm7_basic[0], cp))
		return 1;
	if (segments_in_table(gsm7_ext, sizeof gsm7_ext / sizeof gsm7_ext[0], cp))
		return 2;
	return 0;
}

/*
 * Decodes one code point; returns its length in bytes.  The text should be
 * valid UTF-8, but a byte that does not start a complete sequence counts
 * as one U+FFFD, so that no text can make the decoder read past its NUL.
 */
static size_t
segments_utf8_next(const unsigned char *s, uint32_t *cp)
{
	size_t	n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 :
	    (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	for (i = 1; i < n; i++)		/* stops at the NUL, not 0x80-0xbf */
		if ((s[i] & 0xc0) != 0x80)
			break;
	if (n == 0 || i < n) {
		*cp = 0xfffd;
		return 1;
	}
	if (n == 2) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (n == 3) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

/* 1 if cp never starts a cluster: it extends the one before it. */
static int
segments_extends(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36f) ||		/* combining marks */
	    (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) ||		/* keycap ... */
	    (cp >= 0xfe20 && cp <= 0xfe2f) ||
	    (cp >= 0xfe00 && cp <= 0xfe0f) ||		/* variation selectors */
	    (cp >= 0xe0100 && cp <= 0xe01ef) ||
	    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||		/* skin tones */
	    (cp >= 0xe0020 && cp <= 0xe007f) ||		/* emoji tags */
	    cp == 0x200d;				/* ZWJ */
}

static int
segments_regional(uint32_t cp)
{
	return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

/* The units cp takes. */
static size_t
segments_width(uint32_t cp, int gsm)
{
	return gsm ? (size_t)segments_gsm7_width(cp) : cp > 0xffff ? 2 : 1;
}

/*
 * The next cluster at *sp: its width in units; *sp moves past it.  What
 * follows a ZWJ joins, a flag is two regional indicators, CR LF is one.
 */
static size_t
segments_cluster(const unsigned char **sp, int gsm)
{
	const unsigned char	*s = *sp;
	uint32_t		 cp, prev, next;
	size_t			 w, n;
	int			 ri;

	s += segments_utf8_next(s, &cp);
	w = segments_width(cp, gsm);
	ri = segments_regional(cp);
	for (prev = cp; *s != '\0'; prev = next) {
		n = segments_utf8_next(s, &next);
		if (!(segments_extends(next) || prev == 0x200d ||
		    (ri == 1 && segments_regional(next)) ||
		    (prev == '\r' && next == '\n')))
			break;
		if (segments_regional(next))
			ri++;
		w += segments_width(next, gsm);
		s += n;
	}
	*sp = s;
	return w;
}

/*
 * Packs clusters of the given widths into segments of per units, never
 * splitting one that fits in a segment; single is the capacity of an
 * unsplit message.  A cluster wider than a segment (a long run of
 * combining marks or joiners) must be split by the carrier too: it fills
 * whole segments and its rest starts the next.
 */
static size_t
segments_pack(const unsigned char *s, int gsm, size_t single, size_t per,
    size_t *unitsp)
{
	size_t	 units = 0, segs = 1, used = 0, w;

	while (*s != '\0') {
		w = segments_cluster(&s, gsm);
		units += w;
		if (used > 0 && used + w > per) {
			segs++;
			used = 0;
		}
		for (; w > per; w -= per)
			segs++;
		used += w;
	}
	*unitsp = units;
	if (units == 0)
		return 0;
	return units <= single ? 1 : segs;
}

void
segments_count(const char *text, struct segments *out)
{
	const unsigned char	*s = (const unsigned char *)text;
	uint32_t		 cp;
	int			 gsm = 1;

	while (*s != '\0' && gsm) {
		s += segments_utf8_next(s, &cp);
		gsm = segments_gsm7_width(cp) != 0;
	}
	s = (const unsigned char *)text;
	out->encoding = gsm ? SEGMENTS_GSM7 : SEGMENTS_UCS2;
	out->count = gsm ? segments_pack(s, 1, 160, 153, &out->units) :
	    segments_pack(s, 0, 70, 67, &out->units);
}
