/* SPDX-License-Identifier: ISC */
/*
 * XML checks for the TwiML targets (see fuzz_xml.h): a decoder written
 * apart from utf8.c, the characters XML 1.0 allows, and the escaped text
 * of an element or attribute checked and unescaped.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "fuzz_xml.h"
#include "utf8.h"
#include "xmalloc.h"

static const struct {
	const char	*entity;
	char		 c;
} fuzz_xml_entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	{ "&quot;", '"' }, { "&apos;", '\'' },
};

size_t
fuzz_xml_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

/* The Char production of XML 1.0 (fifth edition), section 2.2. */
int
fuzz_xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

char *
fuzz_xml_text(const char *m, size_t len, int utf8)
{
	char		*out = xmalloc(len + 1);
	size_t		 i = 0, o = 0, k, n;
	uint32_t	 cp;
	unsigned char	 c;

	if (utf8 && !utf8_valid(m, len))
		fuzz_fail("escaped text is not valid UTF-8");
	while (i < len) {
		c = (unsigned char)m[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'')
			fuzz_fail("raw '%c' at offset %zu", c, i);
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fuzz_fail("control character 0x%02x at offset %zu", c, i);
		if (c == '&') {
			for (k = 0; k < 5; k++) {
				n = strlen(fuzz_xml_entities[k].entity);
				if (len - i >= n && memcmp(m + i,
				    fuzz_xml_entities[k].entity, n) == 0)
					break;
			}
			if (k == 5)
				fuzz_fail("'&' at offset %zu starts no entity", i);
			out[o++] = fuzz_xml_entities[k].c;
			i += n;
			continue;
		}
		n = 1;
		if (utf8) {
			n = fuzz_xml_decode((const unsigned char *)m + i, &cp);
			if (!fuzz_xml_char(cp))
				fuzz_fail("U+%04X at offset %zu is not an XML "
				    "character", (unsigned)cp, i);
		}
		memcpy(out + o, m + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}
