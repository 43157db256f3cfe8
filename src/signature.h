/* SPDX-License-Identifier: ISC */
/*
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + every parameter's
 * key and value, sorted bytewise by key and then value)), as in
 * shared/spec/twilio.md.  Pure functions; OpenSSL libcrypto does the maths.
 */
#ifndef CLOTLINE_SIGNATURE_H
#define CLOTLINE_SIGNATURE_H

#include <stddef.h>

struct form;

#define SIGNATURE_SIZE 29	/* 28 base64 characters and a NUL */

/* Writes the signature of url and params into out; returns 0 or -1. */
int	signature_compute(const char *token, const char *url,
	    const struct form *params, char out[SIGNATURE_SIZE]);
/*
 * Returns 1 if header is the signature of url (as given, with its port
 * removed, or with the scheme's default port added, as the provider's own
 * validators accept) and params; 0 otherwise.  Compares in constant time.
 * A NULL or empty header never verifies.
 */
int	signature_verify(const char *token, const char *url,
	    const struct form *params, const char *header);

#endif
