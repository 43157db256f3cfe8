/* SPDX-License-Identifier: ISC */
/*
 * The triage oracles shared by fuzz_triage (the shipped rules) and
 * fuzz_rules (fuzzed rules), in triage_check.c.
 *
 * The engine only searches a pattern line when its required literals are
 * in the message, searches an ASCII message with the line compiled without
 * UTF, and merges the lines' matches into the one their alternation would
 * give (triage_lit.c, triage.c).  All three are speed-ups that must never
 * change an answer: a missed line could be a missed red flag.  So each
 * rules file is also loaded "plain", every pattern prefixed with \Q\E,
 * which PCRE2 ignores and the literal walk gives up on, so that every set
 * is searched as one alternation, with UTF, unfiltered; both must triage
 * every conversation alike.  Apart from that, every line whose pattern
 * matches a message must pass the prefilter, and its ASCII pattern must
 * find the same match.
 */
#ifndef CLOTLINE_FUZZ_TRIAGE_H
#define CLOTLINE_FUZZ_TRIAGE_H

#include <stddef.h>
#include <stdint.h>

struct triage_rules;

/* The rules text with \Q\E before every pattern; caller frees. */
char	*fuzz_triage_plain(const char *text, size_t len, size_t *outlen);
/* The rules in dir, under fuzz_tmpdir(); NULL if they do not load. */
struct triage_rules *fuzz_triage_load(const char *dir);
/* Fails unless tr is plain: no set searched line by line, no filter. */
void	fuzz_triage_is_plain(const struct triage_rules *tr);
/*
 * Runs a conversation (a stored state, possibly malformed, then messages
 * ten minutes apart) through fast and plain and fails if they differ, if a
 * result breaks an invariant, or if a state does not survive being stored
 * and read back.  Each message is also checked by fuzz_triage_lits.
 */
void	fuzz_triage_compare(const struct triage_rules *fast,
	    const struct triage_rules *plain, const char *state,
	    char *const *msgs, size_t n);
/* The prefilter and ASCII checks of every line of tr on valid UTF-8 text. */
void	fuzz_triage_lits(const struct triage_rules *tr, const char *text);

#endif
