/* SPDX-License-Identifier: ISC */
/*
 * The phone keypad's webhooks, free of HTTP and of any one provider: a
 * verified call step in (provider.h), an HTTP status and the provider's
 * voice document out.  The menu itself is ivr.c; this file loads
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

struct metrics;
struct provider_call;
struct provider_hooks;
struct settings;
struct sms_response;
struct storage;

enum voice_event {
	VOICE_START,		/* a call begins */
	VOICE_GATHER,		/* keys pressed at step N */
	VOICE_NO_INPUT,		/* no keys pressed at step N */
	VOICE_STATUS,		/* the call ended */
};

/*
 * Handles one voice webhook whose signature the caller has checked, as the
 * provider's hooks (which must have a keypad) parsed it.  Fills *res: 200
 * with the provider's document, or 503 for an end of call that could not
 * be stored.  The caller frees res->body.
 */
void	voice_handle(const struct settings *, struct storage *, struct metrics *,
	    const struct provider_hooks *, enum voice_event,
	    const struct provider_call *, int64_t now, struct sms_response *res);

/* The prompts every language must have, NULL-terminated. */
extern const char *const voice_prompts[];

#endif
