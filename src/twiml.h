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

#endif
