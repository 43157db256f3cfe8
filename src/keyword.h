/*
 * Carrier opt-out keywords (shared/spec/twilio.md): a message that is one of
 * these words alone, in any case, with surrounding spaces and punctuation
 * ignored.  "STOP walking reminders" is a sentence, not a keyword.
 */
#ifndef CLOTLINE_KEYWORD_H
#define CLOTLINE_KEYWORD_H

enum keyword {
	KEYWORD_NONE = 0,
	KEYWORD_STOP,		/* STOP STOPALL UNSUBSCRIBE CANCEL END QUIT */
	KEYWORD_START,		/* START UNSTOP */
	KEYWORD_YES,		/* YES: opts back in only when opted out */
	KEYWORD_HELP,		/* HELP INFO */
};

enum keyword	 keyword_classify(const char *text);
const char	*keyword_name(enum keyword);

#endif
