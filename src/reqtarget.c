/* SPDX-License-Identifier: ISC */
/*
 * Origin-form request targets (see reqtarget.h).  Deliberately no decoding
 * or normalising: the routes match the bytes as sent, and the signature is
 * computed over the bytes as sent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "reqtarget.h"
#include "xmalloc.h"

int
reqtarget_parse(const char *raw, struct reqtarget *out)
{
	const char	*p, *q = NULL;

	out->path = NULL;
	out->query = NULL;
	if (raw == NULL || raw[0] != '/' || raw[1] == '/')
		return -1;
	for (p = raw; *p != '\0'; p++) {
		/* visible ASCII only (RFC 9112 request-target has no others) */
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '#')
			return -1;
		if (*p == '?' && q == NULL)
			q = p;
	}
	if (q == NULL) {
		out->path = xstrdup(raw);
		return 0;
	}
	out->path = xstrndup(raw, (size_t)(q - raw));
	out->query = xstrdup(q + 1);
	return 0;
}

void
reqtarget_clear(struct reqtarget *t)
{
	free(t->path);
	free(t->query);
	t->path = NULL;
	t->query = NULL;
}
