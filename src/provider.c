/* SPDX-License-Identifier: ISC */
/*
 * The table of messaging providers (see provider.h), and what their
 * hooks share.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

static const struct provider_ops *const providers[] = {
	&provider_console_ops,
	&provider_twilio_ops,
};

const struct provider_ops *
provider_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

const char *
provider_names(void)
{
	static char	names[256];
	size_t		i, len = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < sizeof providers / sizeof providers[0]; i++)
		len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
		    i > 0 ? ", " : "", providers[i]->name);
	return names;
}

int64_t
provider_query_id(const char *query)
{
	const char	*p;
	char		*end;
	long long	 v;

	for (p = query; p != NULL && *p != '\0'; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (strncmp(p, "id=", 3) != 0)
			continue;
		errno = 0;
		v = strtoll(p + 3, &end, 10);
		if (errno == 0 && v > 0 && (*end == '\0' || *end == '&'))
			return (int64_t)v;
	}
	return 0;
}
