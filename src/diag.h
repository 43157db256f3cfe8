/* SPDX-License-Identifier: ISC */
/*
 * A list of diagnostics ("file:line: message") gathered while validating
 * configuration, prompts or rules, so that check-config can print every
 * problem at once instead of stopping at the first.
 */
#ifndef CLOTLINE_DIAG_H
#define CLOTLINE_DIAG_H

#include <stddef.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag_entry {
	enum diag_severity	 severity;
	char			*text;		/* owned: "file:line: message" */
};

struct diag {
	struct diag_entry	*v;		/* owned */
	size_t			 n;
	size_t			 nerrors;
};

void	diag_init(struct diag *);
/* Frees every entry; the struct itself belongs to the caller. */
void	diag_clear(struct diag *);
/* line 0 means "no line": the text is then "file: message". */
void	diag_error(struct diag *, const char *file, unsigned line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	diag_warning(struct diag *, const char *file, unsigned line,
	    const char *, ...) __attribute__((format(printf, 4, 5)));

#endif
