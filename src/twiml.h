/* SPDX-License-Identifier: ISC */
/*
 * TwiML documents, the provider's reply format for webhooks.  Text is
 * escaped for XML here and nowhere else.
 */
#ifndef CLOTLINE_TWIML_H
#define CLOTLINE_TWIML_H

struct evbuffer;

/*
 * Appends s to out escaped for XML character data and attribute values
 * (& < > " '), dropping characters XML 1.0 forbids (C0 controls other than
 * tab, LF and CR, and U+FFFE and U+FFFF).  s must be valid UTF-8.
 */
void	 twiml_escape(struct evbuffer *out, const char *s);
/*
 * Returns a new document answering an inbound message: one <Message> with
 * text, or an empty <Response/> when text is NULL.  Caller frees.
 */
char	*twiml_message(const char *text);

/* One spoken line: text in a <Say> voice for language ("en-GB"). */
struct twiml_say {
	const char	*language;
	const char	*text;
};

/*
 * What follows the lines: keys to gather, or the end of the call.  With
 * gather set, the lines are spoken inside <Gather input="dtmf"> posting the
 * keys to action; num_digits 0 means "until #".  When the caller presses
 * nothing the provider falls through to a <Redirect> to no_input.  Without
 * gather the call hangs up after the lines.
 */
struct twiml_voice {
	const struct twiml_say	*say;
	int			 nsay;
	int			 gather;
	int			 num_digits;
	int			 timeout;	/* seconds */
	const char		*action;	/* absolute URL */
	const char		*no_input;	/* absolute URL */
};

/* Returns a new voice document; caller frees. */
char	*twiml_voice(const struct twiml_voice *);

#endif
