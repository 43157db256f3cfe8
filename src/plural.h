/* SPDX-License-Identifier: ISC */
/*
 * Plural categories of whole numbers by CLDR's plural rules
 * (https://cldr.unicode.org/index/cldr-spec/plural-rules), the subset a
 * count in a prompt needs: a condition is relations joined by "and" and
 * "or" ("and" binds closer), each OPERAND [% M] (= or !=) a list of values
 * and ranges ("n % 10 = 2..4 and n % 100 != 12..14").  The operands n and
 * i are the number; v, w, f, t, c and e are 0, as for any whole number, so
 * CLDR's rules can be copied as they are ("i = 1 and v = 0"); samples after
 * '@' are ignored.  A language's rules are data: prompts/<lang>/plural.txt.
 * Pure code.
 */
#ifndef CLOTLINE_PLURAL_H
#define CLOTLINE_PLURAL_H

#include <stddef.h>

/* The categories CLDR names, "other" last: what no condition matched. */
extern const char *const plural_categories[];	/* NULL-terminated */

/* 1 if [s, s + len) is one of plural_categories. */
int	plural_is_category(const char *s, size_t len);
/*
 * 0 if the condition [s, s + len) is well formed, else -1 with *why (a
 * static string) saying what is wrong.
 */
int	plural_check(const char *s, size_t len, const char **why);
/* 1 if n satisfies the condition [s, s + len); 0 if not or malformed. */
int	plural_match(const char *s, size_t len, long long n);

#endif
