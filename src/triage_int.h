/*
 * The compiled form of the rules files, shared by the loader (triage_load.c)
 * and the engine (triage.c) only.  Everything here belongs to the struct
 * triage_rules that holds it.
 */
#ifndef CLOTLINE_TRIAGE_INT_H
#define CLOTLINE_TRIAGE_INT_H

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "triage.h"

#define TRIAGE_MAX_LANGS	8
#define TRIAGE_MAX_PROMPTS	64

/* Built-in concepts, set by the engine rather than by a pattern. */
#define TRIAGE_HYPOTHETICAL	0	/* a symptom mentioned only as "what if" */
#define TRIAGE_ACTIVITY		1	/* an activity report */
#define TRIAGE_BUILTINS		2

enum triage_cue {
	CUE_NEGATION,		/* "no", "not", "never", "without", "keine" */
	CUE_PSEUDO,		/* looks like negation, is not: "not only", "can't breathe" */
	CUE_HEDGE,		/* uncertainty that keeps the positive reading */
	CUE_TERMINATION,	/* ends a cue's scope: "but", "pero", "aber" */
	CUE_POSTNEG,		/* negates what came before: "has gone" */
	CUE_HISTORY,		/* "last year", "used to" */
	CUE_RECURRENCE,		/* "again", "is back": history is current again */
	CUE_CONDITIONAL,	/* "if": hypothetical only inside a question */
	CUE_HYPOTHETICAL,	/* "what if", "in case": always hypothetical */
	CUE_QUESTION,		/* marks a clause as a question */
	CUE_SUBJECT,		/* a subject word: "I", "my"; ends an if-clause */
	CUE_RELAPSE,		/* "it's back": undoes "went away" earlier in the message */
	CUE_CURRENT,		/* "still": a symptom in an if-clause is real */
	CUE_COUNT
};

enum triage_kind {
	KIND_BUILTIN,
	KIND_SYMPTOM,		/* concept: subject to the cues, remembered */
	KIND_TOPIC,		/* topic: plain match in this message only */
	KIND_QUALIFIER,		/* qualifier: read like a symptom, not remembered */
};

struct triage_concept {
	char		*id;
	enum triage_kind kind;
	pcre2_code	*re;		/* NULL for built-ins */
};

struct triage_rule {
	char			*id;
	enum triage_level	 level;
	uint64_t		 need;		/* all must be present */
	uint64_t		 forbid;	/* none may be in this message */
	int			 ask;		/* concept to ask about; -1 none */
	char			*reply;		/* prompt name; NULL: level default */
};

enum triage_unit { UNIT_NONE, UNIT_MINUTES, UNIT_HOURS, UNIT_KM, UNIT_MILES,
	UNIT_METERS, UNIT_STEPS };

struct triage_activity_re {
	enum triage_unit	 unit;
	pcre2_code		*re;	/* optional named group n: the amount */
};

struct triage_lang {
	char		 code[4];
	pcre2_code	*detect;	/* NULL: never detected */
};

struct triage_rules {
	struct triage_concept	 concepts[TRIAGE_MAX_CONCEPTS];
	int			 nconcepts;
	struct triage_rule	*rules;
	int			 nrules;
	pcre2_code		*cues[CUE_COUNT];	/* NULL: no such cue */
	pcre2_code		*harmless;
	pcre2_code		*yes, *no;
	struct triage_activity_re *activity;
	int			 nactivity;
	struct triage_lang	 langs[TRIAGE_MAX_LANGS];
	int			 nlangs;
	const char		*prompts[TRIAGE_MAX_PROMPTS + 1];
};

#endif
