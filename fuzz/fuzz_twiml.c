/* SPDX-License-Identifier: ISC */
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
#include "fuzz_xml.h"
#include "twiml.h"
#include "utf8.h"
#include "xmalloc.h"

#define FUZZ_TWIML_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
			"<Response><Message>"
#define FUZZ_TWIML_TAIL	"</Message></Response>"

/* Valid UTF-8 less what XML cannot carry: what a reader should get. */
static char *
fuzz_twiml_expect(const char *s)
{
	char		*out = xmalloc(strlen(s) + 1);
	size_t		 i = 0, o = 0, n;
	uint32_t	 cp;

	while (s[i] != '\0') {
		n = fuzz_xml_decode((const unsigned char *)s + i, &cp);
		if (fuzz_xml_char(cp)) {
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
	got = fuzz_xml_text(doc + hl, len - hl - tl, utf8);
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
