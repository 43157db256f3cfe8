/* SPDX-License-Identifier: ISC */
/*
 * Phone number checks.  The gateway keys patients by E.164 numbers only.
 */
#ifndef CLOTLINE_PHONE_H
#define CLOTLINE_PHONE_H

#include <stddef.h>

/* 1 if s is '+', a non-zero digit, and 7 to 15 digits in all. */
int	phone_is_e164(const char *s);

/* An assigned country calling code (phone_cc.c, the data). */
struct phone_country {
	const char	*code;		/* "44" */
	const char	*trunk;		/* digits the national number can't start with */
};
extern const struct phone_country phone_countries[];
extern const size_t phone_ncountries;

enum phone_doubt {
	PHONE_PLAUSIBLE,
	PHONE_NO_COUNTRY,	/* begins with no assigned country code */
	PHONE_TRUNK,		/* the national trunk prefix kept after it */
};

/*
 * What is doubtful about an E.164 number (phone_is_e164 already true):
 * *cc is its country's entry (static), or NULL with PHONE_NO_COUNTRY.
 */
enum phone_doubt phone_doubt(const char *e164,
		    const struct phone_country **cc);

#endif
