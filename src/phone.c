/* SPDX-License-Identifier: ISC */
/*
 * Phone number checks (see phone.h).
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>

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
