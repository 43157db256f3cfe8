/* SPDX-License-Identifier: ISC */
/*
 * Opt-out keyword classification (see keyword.h).  YES is kept apart from
 * START because it is also the answer to the triage follow-up question; the
 * caller decides which reading applies.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "keyword.h"

static const struct {
	const char	*word;
	enum keyword	 kw;
} keyword_table[] = {
	{ "STOP", KEYWORD_STOP },
	{ "STOPALL", KEYWORD_STOP },
	{ "UNSUBSCRIBE", KEYWORD_STOP },
	{ "CANCEL", KEYWORD_STOP },
	{ "END", KEYWORD_STOP },
	{ "QUIT", KEYWORD_STOP },
	{ "START", KEYWORD_START },
	{ "UNSTOP", KEYWORD_START },
	{ "YES", KEYWORD_YES },
	{ "HELP", KEYWORD_HELP },
	{ "INFO", KEYWORD_HELP },
};

/* Spaces and ASCII punctuation around the word are ignored. */
static int
keyword_is_trim(unsigned char c)
{
	return isspace(c) || ispunct(c);
}

enum keyword
keyword_classify(const char *text)
{
	const char	*s = text, *e;
	size_t		 i, len;

	while (*s != '\0' && keyword_is_trim((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && keyword_is_trim((unsigned char)e[-1]))
		e--;
	len = (size_t)(e - s);
	for (i = 0; i < sizeof keyword_table / sizeof keyword_table[0]; i++) {
		if (strlen(keyword_table[i].word) == len &&
		    strncasecmp(s, keyword_table[i].word, len) == 0)
			return keyword_table[i].kw;
	}
	return KEYWORD_NONE;
}

const char *
keyword_name(enum keyword kw)
{
	switch (kw) {
	case KEYWORD_STOP:	return "stop";
	case KEYWORD_START:	return "start";
	case KEYWORD_YES:	return "yes";
	case KEYWORD_HELP:	return "help";
	case KEYWORD_NONE:	break;
	}
	return "none";
}
