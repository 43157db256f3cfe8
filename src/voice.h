/* SPDX-License-Identifier: ISC */
/*
 * The phone keypad's webhooks, free of HTTP: a verified form in, an HTTP
 * status and a TwiML body out.  The menu itself is ivr.c; this file loads
 * and stores each call's state by CallSid, applies what the caller chose
 * (escalation with an on-call alert, a walk logged, reminders paused or
 * resumed) in the same transaction, and renders the prompts as TwiML.
 *
 * Every answer names the step it leads to in its action URLs, so a
 * webhook the provider repeats is answered from the store and changes
 * nothing.  When the store fails, the caller still hears what to do in an
 * emergency (voice_unavailable) and the call ends: a voice webhook is not
 * retried, so a 503 would only play the provider's error message.
 */
#ifndef CLOTLINE_VOICE_H
#define CLOTLINE_VOICE_H

#include <stdint.h>

struct form;
struct metrics;
struct settings;
struct sms_response;
struct storage;

enum voice_event {
	VOICE_START,		/* POST /twilio/voice */
	VOICE_GATHER,		/* POST /twilio/voice/gather?step=N */
	VOICE_NO_INPUT,		/* POST /twilio/voice/no-input?step=N */
	VOICE_STATUS,		/* POST /twilio/voice/status (call ended) */
};

/*
 * Handles one voice webhook whose signature the caller has checked; query
 * is the request's query string (may be NULL).  Fills *res: 200 with TwiML,
 * or 400 with a reason for a form that names no call.  The caller frees
 * res->body.
 */
void	voice_handle(const struct settings *, struct storage *, struct metrics *,
	    enum voice_event, const struct form *, const char *query,
	    int64_t now, struct sms_response *res);

/* The prompts every language must have, NULL-terminated. */
extern const char *const voice_prompts[];

#endif
