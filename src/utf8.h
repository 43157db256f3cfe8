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

/*
 * 1 if code point cp must not reach a terminal, a log line or a spreadsheet
 * as it is: C0 and C1 controls, DEL, and the format characters that reorder
 * or hide text (bidirectional overrides such as U+202E, embeddings,
 * isolates and marks, zero-width characters, line and paragraph
 * separators).
 */
int	 utf8_unsafe_char(unsigned cp);
/*
 * Writes s[0..len) into out (outsize bytes, NUL-terminated, cut short at a
 * whole character or escape if it does not fit) with every unsafe character
 * written as an escape, \xNN below U+0080 and \uXXXX above, and every byte
 * that is not well-formed UTF-8 (or is NUL) as \xNN.  Returns the length
 * written.  For output only: the escapes are not meant to be read back.
 */
size_t	 utf8_escape_to(const char *s, size_t len, char *out, size_t outsize);
/* The same into a new string (NULL for NULL); caller frees. */
char	*utf8_escape(const char *s);

#endif
