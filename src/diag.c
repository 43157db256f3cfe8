/* SPDX-License-Identifier: ISC */
/*
 * Diagnostics list (see diag.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "diag.h"
#include "xmalloc.h"

void
diag_init(struct diag *d)
{
	d->v = NULL;
	d->n = d->nerrors = 0;
}

void
diag_clear(struct diag *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	diag_init(d);
}

static void __attribute__((format(printf, 5, 0)))
diag_add(struct diag *d, enum diag_severity sev, const char *file,
    unsigned line, const char *fmt, va_list ap)
{
	char	*msg, *text;

	msg = xvasprintf(fmt, ap);
	if (line > 0)
		text = xasprintf("%s:%u: %s%s", file, line,
		    sev == DIAG_WARNING ? "warning: " : "", msg);
	else
		text = xasprintf("%s: %s%s", file,
		    sev == DIAG_WARNING ? "warning: " : "", msg);
	free(msg);
	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	d->v[d->n].severity = sev;
	d->v[d->n].text = text;
	d->n++;
	if (sev == DIAG_ERROR)
		d->nerrors++;
}

void
diag_error(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	diag_add(d, DIAG_ERROR, file, line, fmt, ap);
	va_end(ap);
}

void
diag_warning(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	diag_add(d, DIAG_WARNING, file, line, fmt, ap);
	va_end(ap);
}
