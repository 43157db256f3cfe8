/*
 * Fuzz target: TwiML escaping (twiml.c), with an XML oracle.
 *
 * The input, made valid UTF-8 as the gateway's text always is, goes
 * through twiml_message.  The document must be the prologue, <Response>
 * and <Message> around the text and nothing else; inside, no raw '<', '>',
 * '"' or '\'', every '&' starts one of the five predefined entities, and
 * every character is one XML 1.0 allows (tab, LF, CR, U+0020-U+D7FF,
 * U+E000-U+FFFD, U+10000-U+10FFFF) in valid UTF-8.  Unescaped, the text is
 * the input less exactly the characters XML forbids.  The raw bytes (up
 * to a NUL) are escaped too, against the contract: markup must still never
 * leak.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "fuzz.h"
#include "twiml.h"
#include "utf8.h"
#include "xmalloc.h"

#define FUZZ_TWIML_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
			"<Response><Message>"
#define FUZZ_TWIML_TAIL	"</Message></Response>"

static const struct {
	const char	*entity;
	char		 c;
} fuzz_twiml_entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	{ "&quot;", '"' }, { "&apos;", '\'' },
};

/* Decodes one character of valid UTF-8 at s; returns its length. */
static size_t
fuzz_twiml_decode(const unsigned char *s, uint32_t *cp)
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
static int
fuzz_twiml_xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

/*
 * Checks the escaped text m[0..len) and returns it unescaped (caller
 * frees).  utf8: the input was valid UTF-8, so the output must be and
 * every character must be one XML allows.
 */
static char *
fuzz_twiml_unescape(const char *m, size_t len, int utf8)
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
				n = strlen(fuzz_twiml_entities[k].entity);
				if (len - i >= n && memcmp(m + i,
				    fuzz_twiml_entities[k].entity, n) == 0)
					break;
			}
			if (k == 5)
				fuzz_fail("'&' at offset %zu starts no entity", i);
			out[o++] = fuzz_twiml_entities[k].c;
			i += n;
			continue;
		}
		n = 1;
		if (utf8) {
			n = fuzz_twiml_decode((const unsigned char *)m + i, &cp);
			if (!fuzz_twiml_xml_char(cp))
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

/* Valid UTF-8 less what XML cannot carry: what a reader should get. */
static char *
fuzz_twiml_expect(const char *s)
{
	char		*out = xmalloc(strlen(s) + 1);
	size_t		 i = 0, o = 0, n;
	uint32_t	 cp;

	while (s[i] != '\0') {
		n = fuzz_twiml_decode((const unsigned char *)s + i, &cp);
		if (fuzz_twiml_xml_char(cp)) {
			memcpy(out + o, s + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

static void
fuzz_twiml_check(const char *text, int utf8)
{
	char	*doc, *got, *want;
	size_t	 len, hl = strlen(FUZZ_TWIML_HEAD), tl = strlen(FUZZ_TWIML_TAIL);

	doc = twiml_message(text);
	len = strlen(doc);
	if (len < hl + tl || memcmp(doc, FUZZ_TWIML_HEAD, hl) != 0 ||
	    memcmp(doc + len - tl, FUZZ_TWIML_TAIL, tl) != 0)
		fuzz_fail("document is not <Response><Message>...: %s", doc);
	got = fuzz_twiml_unescape(doc + hl, len - hl - tl, utf8);
	if (utf8) {
		want = fuzz_twiml_expect(text);
		if (strcmp(got, want) != 0)
			fuzz_fail("unescaped text differs from the input (%zu "
			    "bytes, expected %zu)", strlen(got), strlen(want));
		free(want);
	}
	free(got);
	free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 once;
	char		*s, *raw;

	if (!once) {
		s = twiml_message(NULL);
		if (strcmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		    "<Response/>") != 0)
			fuzz_fail("empty reply is %s", s);
		free(s);
		once = 1;
	}
	s = utf8_sanitize((const char *)data, size);
	fuzz_twiml_check(s, 1);
	free(s);
	raw = fuzz_string((const char *)data, size);
	fuzz_twiml_check(raw, 0);
	free(raw);
	return 0;
}
