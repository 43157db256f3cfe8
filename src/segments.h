/* SPDX-License-Identifier: ISC */
/*
 * SMS segment counting (GSM 03.38, spec/twilio.md): how many segments a
 * message costs, so that replies can be kept within two and check-config
 * can warn about a long prompt.  Pure code.
 */
#ifndef CLOTLINE_SEGMENTS_H
#define CLOTLINE_SEGMENTS_H

#include <stddef.h>

enum segments_encoding { SEGMENTS_GSM7, SEGMENTS_UCS2 };

struct segments {
	enum segments_encoding	encoding;
	size_t			units;		/* septets or UTF-16 units */
	size_t			count;		/* segments; 0 for an empty message */
};

/*
 * Counts the segments of UTF-8 text.  A byte that starts no complete
 * sequence counts as U+FFFD (which is UCS-2), never reading past the NUL.
 */
void	segments_count(const char *text, struct segments *);

#endif
