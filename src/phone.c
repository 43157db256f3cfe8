/* SPDX-License-Identifier: ISC */
/*
 * Phone number checks (see phone.h).
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "phone.h"

int
phone_is_e164(const char *s)
{
	int	n;

	if (s == NULL || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (!isdigit((unsigned char)s[n]))
			return 0;
	return n >= 8 && n <= 16;	/* '+' then 7 to 15 digits */
}

enum phone_doubt
phone_doubt(const char *e164, const struct phone_country **cc)
{
	const char	*digits = e164 + 1;
	size_t		 i, len;

	*cc = NULL;
	for (i = 0; i < phone_ncountries; i++) {
		len = strlen(phone_countries[i].code);
		if (strncmp(digits, phone_countries[i].code, len) == 0) {
			*cc = &phone_countries[i];
			if (digits[len] != '\0' &&
			    strchr(phone_countries[i].trunk, digits[len]) != NULL)
				return PHONE_TRUNK;
			return PHONE_PLAUSIBLE;
		}
	}
	return PHONE_NO_COUNTRY;
}
