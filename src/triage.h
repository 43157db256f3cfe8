/* SPDX-License-Identifier: ISC */
/*
 * The triage engine: spec/triage.md as code.
 *
 * Pure: (conversation state, message text, time) in; level, fired rule ids,
 * follow-up question, reply name, activity report and the new conversation
 * state out.  No I/O once the rules are loaded and no clock: the caller
 * passes the time.  The daemon and `clotline triage` both call triage_step.
 *
 * The knowledge lives in prompts/rules/ *.rules (format: docs/rules.md):
 * symptom concepts, topics, cue lists (negation, pseudo-negation,
 * termination, post-negation, history, recurrence, conditional,
 * hypothetical, hedge, question), harmless phrases, yes/no answers,
 * activity-report patterns, language hints and the combination rules.
 *
 * Ownership: a struct triage_rules is built by triage_rules_load and freed by
 * triage_rules_free; strings in a triage_result point into the rules and live
 * as long as they do.  A triage_state is a plain value owned by the caller.
 */
#ifndef CLOTLINE_TRIAGE_H
#define CLOTLINE_TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum triage_level {
	TRIAGE_ROUTINE = 0,
	TRIAGE_ADVICE,
	TRIAGE_URGENT,
	TRIAGE_EMERGENCY,
};

#define TRIAGE_MAX_CONCEPTS	64	/* symptoms, topics and built-ins */
#define TRIAGE_WINDOW		(24 * 60 * 60)	/* an episode, in seconds */
#define TRIAGE_RULES_SIZE	256
#define TRIAGE_PREV_SIZE	161	/* a message kept to join, NUL included */
#define TRIAGE_JOIN_WINDOW	180	/* seconds to its continuation */

enum triage_answer {
	TRIAGE_ANSWER_NONE = 0,	/* no pending question, or not an answer */
	TRIAGE_ANSWER_YES,
	TRIAGE_ANSWER_NO,
};

/*
 * What the engine remembers about one conversation (one phone number).
 * Concepts are remembered for TRIAGE_WINDOW after they were last reported;
 * the level of an episode holds until TRIAGE_WINDOW after its last red flag.
 * Store it with triage_state_format, which names concepts rather than
 * numbering them, so a state survives a change to the rules files.
 */
struct triage_state {
	enum triage_level	level;		/* episode level: urgent, emergency or routine */
	int64_t			flagged_at;	/* last message with its own red flag; 0: none */
	int64_t			seen_at[TRIAGE_MAX_CONCEPTS];	/* 0: not reported */
	int64_t			hypo_at[TRIAGE_MAX_CONCEPTS];	/* only "what if"; 0: no */
	int64_t			gone_at[TRIAGE_MAX_CONCEPTS];	/* only denied or over; 0: no */
	int			question;	/* concept asked about; -1: none */
	int64_t			asked_at;
	/*
	 * The question was answered NO: the next message may still say YES
	 * ("no" / "feels heavy now, like a weight"); then it is forgotten.
	 */
	int			declined;
	/*
	 * The last message when it looked cut short (a clause of a few words
	 * with no full stop: "my chest", "ich kann nicht"), or when only the
	 * second reader placed it ("he's been sick twice this morning.", kept
	 * whole, less its full stop), so that the next one, within
	 * TRIAGE_JOIN_WINDOW, is also read joined to it.
	 */
	int64_t			prev_at;	/* 0: none */
	int			prev_alarm;	/* it fired unsure_alarm */
	char			prev[TRIAGE_PREV_SIZE];
};

/*
 * What the patient asks of the service rather than of the clinic, from the
 * topics named stop, start and help (docs/rules.md): whole-message keywords
 * in each language and plain requests.  The caller decides what a request
 * means next to a red flag or a pending question.
 */
enum triage_request {
	TRIAGE_REQUEST_NONE = 0,
	TRIAGE_REQUEST_STOP,	/* opt out: STOP, BAJA, "please stop texting me" */
	TRIAGE_REQUEST_START,	/* opt back in: START, ALTA */
	TRIAGE_REQUEST_HELP,	/* HELP, AYUDA, HILFE */
};

struct triage_activity {
	int	present;	/* the message reports activity */
	int	minutes;	/* 0 when not given */
	int	meters;
	int	steps;
};

struct triage_result {
	enum triage_level	level;		/* the answer: episode included */
	enum triage_level	own;		/* this message alone, follow-up included */
	char			rules[TRIAGE_RULES_SIZE];	/* "id,id", may be "" */
	const char		*reply;		/* prompt name; NULL: the level's default */
	const char		*question;	/* concept asked about (prompt ask_<id>); NULL: none */
	enum triage_answer	answer;		/* answer to a pending question */
	enum triage_request	request;
	/*
	 * A person must read it (rule id "review"): it asks for one, or the
	 * engine could not place it (nothing fired, no topic, no answer).
	 */
	int			review;
	struct triage_activity	activity;
	/*
	 * Searches that PCRE2 could not finish (a match, heap or JIT stack
	 * limit).  Each counted as a match, since over-triage is the safe
	 * error; the caller logs them.
	 */
	int			match_errors;
};

struct triage_rules;

/*
 * Loads and compiles every .rules file in dir.  Returns NULL with each
 * problem (file:line and the PCRE2 message for a bad pattern) in diag.
 */
struct triage_rules	*triage_rules_load(const char *dir, struct diag *);
void			 triage_rules_free(struct triage_rules *);

/* Names of every prompt the rules may ask for, for check-config; NULL-terminated. */
const char *const	*triage_rules_prompts(const struct triage_rules *);

/* The words the rules know, for triage_norm.h's functions; owned by the rules. */
const struct triage_lexicon *triage_rules_lexicon(const struct triage_rules *);

/*
 * The language a message looks like (the rules' detect lines), or NULL when
 * unsure; the code points into the rules.  Apart from triage_step, which
 * does not need it, since the daemon asks only for numbers it does not know.
 */
const char	*triage_language(const struct triage_rules *, const char *text);

/* The message as the engine reads it (triage_norm.h); owned by the caller. */
char	*triage_read_text(const struct triage_rules *, const char *text);
/*
 * Its second reading (typos of cue words read as those words, triage_step),
 * or NULL when it has none; owned by the caller.
 */
char	*triage_read_second(const struct triage_rules *, const char *text);
/*
 * What the second reader reads of it (triage_reader.h): the first reading
 * with the rules' harmless phrases blanked; owned by the caller.
 */
char	*triage_read_reader(const struct triage_rules *, const char *text);

void	triage_state_init(struct triage_state *);
/*
 * Parses a stored state; unknown concept names (rules changed since) are
 * skipped.  Returns -1 on a malformed string, leaving a fresh state.
 */
int	triage_state_parse(const struct triage_rules *, const char *,
	    struct triage_state *);
/* The state as a string to store; owned by the caller. */
char	*triage_state_format(const struct triage_rules *,
	    const struct triage_state *);

/*
 * Triages one message of valid UTF-8 arriving at now (seconds), updating
 * *state.  Never fails.
 */
void	triage_step(const struct triage_rules *, struct triage_state *,
	    const char *text, int64_t now, struct triage_result *);

/*
 * 1 if the conversation awaits a YES/NO to a follow-up question at now; not
 * while a NO is held for a late answer (a plain YES then answers nothing).
 */
int	triage_question_pending(const struct triage_state *, int64_t now);

const char	*triage_level_name(enum triage_level);
int		 triage_level_parse(const char *, enum triage_level *);

#endif
