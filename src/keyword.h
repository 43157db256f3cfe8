/* SPDX-License-Identifier: ISC */
/*
 * Carrier opt-out keywords (shared/spec/twilio.md): a message that is one of
 * these words alone, in any case, with surrounding spaces and punctuation
 * ignored.  "STOP walking reminders" is a sentence, not a keyword.
 *
 * This is the carrier's list, not the clinic's: the carrier acts on these
 * words itself, so the gateway honours them whatever the rules files say.
 * Opt-out, opt-in and help in the patients' languages (BAJA, STOPP, HILFE)
 * and as plain requests ("please stop texting me") are the triage rules'
 * topics stop, start and help (triage.h: request); sms.c reads both.
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
