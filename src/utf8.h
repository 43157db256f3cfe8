/* SPDX-License-Identifier: ISC */
/*
 * UTF-8 hygiene for text that came off the network.  Patients' messages are
 * stored, triaged and logged only after passing through utf8_sanitize, so
 * invalid sequences and NUL bytes can never reach SQLite, PCRE2 or a log.
 */
#ifndef CLOTLINE_UTF8_H
#define CLOTLINE_UTF8_H

#include <stddef.h>

/* Returns 1 if s[0..len) is well-formed UTF-8 with no NUL byte. */
int	 utf8_valid(const char *s, size_t len);
/*
 * Returns a new NUL-terminated copy of s[0..len) in which every ill-formed
 * sequence and every NUL is replaced by U+FFFD.  Caller frees.
 */
char	*utf8_sanitize(const char *s, size_t len);

#endif
