/* SPDX-License-Identifier: ISC */
/*
 * TwiML rendering (see twiml.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "twiml.h"
#include "xmalloc.h"

#define TWIML_PROLOGUE "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

void
twiml_escape(struct evbuffer *out, const char *s)
{
	const char	*run = s;

	for (; *s != '\0'; s++) {
		const char	*rep;
		unsigned char	 c = (unsigned char)*s;

		switch (c) {
		case '&':	rep = "&amp;"; break;
		case '<':	rep = "&lt;"; break;
		case '>':	rep = "&gt;"; break;
		case '"':	rep = "&quot;"; break;
		case '\'':	rep = "&apos;"; break;
		case '\t': case '\n': case '\r':
			continue;
		case 0xef:	/* U+FFFE and U+FFFF are no XML characters either */
			if ((unsigned char)s[1] != 0xbf ||
			    ((unsigned char)s[2] != 0xbe &&
			    (unsigned char)s[2] != 0xbf))
				continue;
			evbuffer_add(out, run, (size_t)(s - run));
			s += 2;
			run = s + 1;
			continue;
		default:
			if (c >= 0x20)
				continue;
			rep = "";	/* forbidden in XML 1.0: drop */
			break;
		}
		evbuffer_add(out, run, (size_t)(s - run));
		evbuffer_add(out, rep, strlen(rep));
		run = s + 1;
	}
	evbuffer_add(out, run, (size_t)(s - run));
}

char *
twiml_message(const char *text)
{
	struct evbuffer	*b;

	b = xevbuffer_new();
	evbuffer_add_printf(b, "%s", TWIML_PROLOGUE);
	if (text == NULL)
		evbuffer_add_printf(b, "<Response/>");
	else {
		evbuffer_add_printf(b, "<Response><Message>");
		twiml_escape(b, text);
		evbuffer_add_printf(b, "</Message></Response>");
	}
	return xevbuffer_take(b);
}

static void
twiml_attr(struct evbuffer *b, const char *name, const char *value)
{
	evbuffer_add_printf(b, " %s=\"", name);
	twiml_escape(b, value);
	evbuffer_add(b, "\"", 1);
}

char *
twiml_voice(const struct twiml_voice *v)
{
	struct evbuffer	*b;
	int		 i;

	b = xevbuffer_new();
	evbuffer_add_printf(b, "%s<Response>", TWIML_PROLOGUE);
	if (v->gather) {
		evbuffer_add_printf(b, "<Gather input=\"dtmf\"");
		if (v->num_digits > 0)
			evbuffer_add_printf(b, " numDigits=\"%d\"",
			    v->num_digits);
		else
			evbuffer_add_printf(b, " finishOnKey=\"#\"");
		evbuffer_add_printf(b, " timeout=\"%d\"", v->timeout);
		twiml_attr(b, "action", v->action);
		evbuffer_add_printf(b, " method=\"POST\">");
	}
	for (i = 0; i < v->nsay; i++) {
		evbuffer_add_printf(b, "<Say");
		twiml_attr(b, "language", v->say[i].language);
		evbuffer_add(b, ">", 1);
		twiml_escape(b, v->say[i].text);
		evbuffer_add_printf(b, "</Say>");
	}
	if (v->gather) {
		evbuffer_add_printf(b, "</Gather><Redirect method=\"POST\">");
		twiml_escape(b, v->no_input);
		evbuffer_add_printf(b, "</Redirect>");
	} else
		evbuffer_add_printf(b, "<Hangup/>");
	evbuffer_add_printf(b, "</Response>");
	return xevbuffer_take(b);
}
