/*
 * The inbound SMS webhook's work, free of HTTP: a verified form in, an HTTP
 * status and a body out.  The message, its triage and the reply are committed
 * in one transaction before the reply is returned, and a repeated MessageSid
 * gets the stored reply without being processed again.
 */
#ifndef CLOTLINE_SMS_H
#define CLOTLINE_SMS_H

#include <stdint.h>

struct form;
struct metrics;
struct settings;
struct storage;

struct sms_response {
	int	 status;	/* 200, 400 or 503 */
	char	*body;		/* owned: TwiML for 200, a reason otherwise */
};

/*
 * Handles one inbound message whose signature the caller has checked.  Fills
 * *res; the caller frees res->body.
 */
void	sms_handle(const struct settings *, struct storage *, struct metrics *,
	    const struct form *, int64_t now, struct sms_response *res);

#endif
