/*
 * The triage interface: message text in, level and the ids of the rules that
 * fired out.  Pure code: no I/O once the rules are loaded, no clock.
 *
 * This is the foundation's engine: concept patterns and combination rules
 * read from the .rules files under prompts/rules (format in docs/rules.md), matched with
 * PCRE2.  It does not yet model negation or conversation state, so it errs
 * towards over-triage, the safe error.  The full engine (issue 3) keeps this
 * interface.
 */
#ifndef CLOTLINE_TRIAGE_H
#define CLOTLINE_TRIAGE_H

#include <stddef.h>

#include "diag.h"

enum triage_level {
	TRIAGE_ROUTINE = 0,
	TRIAGE_ADVICE,
	TRIAGE_URGENT,
	TRIAGE_EMERGENCY,
};

#define TRIAGE_RULES_SIZE 256

struct triage_result {
	enum triage_level	level;
	char			rules[TRIAGE_RULES_SIZE];	/* "id,id", may be "" */
	/*
	 * Concepts whose match failed inside PCRE2 (a match, heap or JIT
	 * stack limit); each was counted as present, since over-triage is
	 * the safe error.  The caller logs them.
	 */
	int			match_errors;
};

struct triage_rules;

/*
 * Loads and compiles every .rules file in dir.  Returns NULL with each
 * problem (file:line and the PCRE2 message for a bad pattern) in diag.
 * Free with triage_rules_free.
 */
struct triage_rules	*triage_rules_load(const char *dir, struct diag *);
void			 triage_rules_free(struct triage_rules *);
/* Classifies valid UTF-8 text; never fails. */
void			 triage_classify(const struct triage_rules *,
			    const char *text, struct triage_result *);
const char		*triage_level_name(enum triage_level);

#endif
