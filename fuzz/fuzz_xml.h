/* SPDX-License-Identifier: ISC */
/*
 * XML checks shared by the targets that read TwiML (fuzz_twiml,
 * fuzz_voice), in xml_check.c: what escaped text inside an element or an
 * attribute may hold.
 */
#ifndef CLOTLINE_FUZZ_XML_H
#define CLOTLINE_FUZZ_XML_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one character of valid UTF-8 at s; returns its length. */
size_t	 fuzz_xml_decode(const unsigned char *s, uint32_t *cp);
/* 1 if cp is a character XML 1.0 allows (the Char production). */
int	 fuzz_xml_char(uint32_t cp);
/*
 * Checks the escaped text m[0..len): no raw '<', '>', '"' or '\'', no
 * control character but tab, LF and CR, every '&' one of the five
 * predefined entities; with utf8 set, valid UTF-8 of characters XML
 * allows.  Calls fuzz_fail otherwise.  Returns the text unescaped, a new
 * string the caller frees.
 */
char	*fuzz_xml_text(const char *m, size_t len, int utf8);

#endif
