/* SPDX-License-Identifier: ISC */
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
#include "triage_norm.h"
#include "triage_reader.h"

#define TRIAGE_MAX_LANGS	8
#define TRIAGE_MAX_PROMPTS	64

/* Built-in concepts, set by the engine rather than by a pattern. */
#define TRIAGE_HYPOTHETICAL	0	/* a symptom mentioned only as "what if" */
#define TRIAGE_ACTIVITY		1	/* an activity report */
/* The second reader (triage_reader.h) reads an emergency, or urgent. */
#define TRIAGE_READER_EMERGENCY	2
#define TRIAGE_READER_URGENT	3
#define TRIAGE_BUILTINS		4

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
	CUE_NEGEND,		/* ends a negation's scope only: "and", "y", "und" */
	CUE_REPORT,		/* in a later sentence, "happened this morning":
				   undoes a "what if" (not a denial or history) */
	CUE_DISJUNCT,		/* "or", "o", "ni", "oder": a negation reaches
				   along a list ("no chest pain or ... or blood") */
	CUE_POSTEND,		/* a new noun phrase joined on ("and the
				   swelling"): a later postneg is its own */
	CUE_COUNT
};

enum triage_kind {
	KIND_BUILTIN,
	KIND_SYMPTOM,		/* concept: subject to the cues, remembered */
	KIND_TOPIC,		/* topic: plain match in this message only */
	KIND_QUALIFIER,		/* qualifier: read like a symptom, not remembered */
};

/*
 * Clauses of required literals kept for a line, its most selective: each
 * clause a message holds costs a bit to set and read, and a third or fourth
 * rules out few more lines (callgrind, bench input: 2 clauses 54,460
 * instructions a message, 4 clauses 56,630, 1 clause 72,300).
 */
#define TRIAGE_LINE_CLAUSES	2

/*
 * One pattern line, compiled on its own.  Every match contains one of the
 * literals of each of its clauses (triage_lit.c), bits mask of word word of
 * the clause bits; with none (mask 0) it is always searched.  ascii is the
 * same pattern compiled without UTF and Unicode properties, faster, for a
 * message that is all ASCII when it matches such text the same way.
 */
struct triage_line {
	pcre2_code	*re;
	int		 jit;		/* JIT-compiled: pcre2_jit_match */
	pcre2_code	*ascii;		/* for ASCII text, or NULL */
	int		 ascii_jit;
	uint32_t	 word;
	uint64_t	 mask;
};

/*
 * The lines of one concept, cue kind or list, in file order: they match
 * like one alternation of them all.  Each line is searched on its own when
 * its literals are in the message.  When a line uses syntax the literal
 * walk does not know (it might not mean the same on its own), the set is
 * searched instead as joined: its lines joined in order into alternations,
 * as many as PCRE2's size of one pattern needs, searched as lines are (the
 * leftmost match, then the first): the same as one alternation of all.
 */
struct triage_set {
	struct triage_line	*line;
	int			 nline;
	int			 unread;	/* lines the walk gave up on */
	struct triage_line	*joined;	/* no literals, no ASCII form */
	int			 njoined;
	int			 indexed;	/* in triage_rules' line index */
	int			 base;		/* there, its first line's number */
};

/*
 * Every clause's literals in one Aho-Corasick automaton: a message is read
 * once, and the clauses whose literals it contains are marked.
 */
struct lit_entry;
/*
 * A state of the automaton (struct triage_lits): kids and fail are read
 * for the states beyond the dense ones only.
 */
struct lit_node {
	uint32_t	 kids;		/* its first child; the next state's */
					/*     first ends its children */
	uint32_t	 fail;
	uint32_t	 out;		/* its clauses in cbit; the next */
					/*     state's ends them */
};
struct triage_lits {
	uint8_t		 class[256];	/* byte to column; 0: in no literal */
	int		 nclass;
	int		 nstate;
	/*
	 * States are numbered breadth first.  The first ndense, where a
	 * scan spends most steps, have a full row of next states, dense[s *
	 * nclass + class]; a deeper one only its trie children, the states
	 * [kids[s], kids[s + 1]) (breadth first, a state's children are
	 * numbered together), each reached on kclass[child], and else steps
	 * as its failure state node[s].fail does.  A full table of every
	 * state (7 MB with the shipped rules) missed the cache on most
	 * steps; this is about half a megabyte.  go: the trie while
	 * building.  outs: a bit for each state where words end.
	 */
	uint32_t	*dense;
	uint32_t	 ndense;
	struct lit_node	*node;		/* nstate + 1 */
	uint8_t		*kclass;
	uint32_t	*go;
	uint64_t	*outs;
	uint16_t	*cbit;		/* the clauses of the words ending at */
					/*     s: cbit[node[s].out, */
					/*     node[s + 1].out) */
	int		 nword;		/* distinct literals */
	int		 nclause;
	int		 cwords;	/* of the clause bits */
	int		 nwords;	/* of sat for a scan: the clause bits */
	struct lit_entry *ent;		/* while loading */
	int		 nent;
	int		 capent;	/* ent's room, grown by doubling */
};

struct triage_concept {
	char		*id;
	enum triage_kind kind;
	struct triage_set set;		/* empty for built-ins */
	int		 across;	/* a match may cross commas (not a
					   sentence's end): statement across */
};

struct triage_rule {
	char			*id;
	enum triage_level	 level;
	uint64_t		 need;		/* all must be present */
	uint64_t		 forbid;	/* none may be in this message */
	int			 ask;		/* concept to ask about; -1 none */
	char			*reply;		/* prompt name; NULL: level default */
	int			 inbox;		/* a person reads the message */
	int			 fallback;	/* fires only when no other red flag does */
};

enum triage_unit { UNIT_NONE, UNIT_MINUTES, UNIT_HOURS, UNIT_KM, UNIT_MILES,
	UNIT_METERS, UNIT_STEPS };

struct triage_activity_re {
	enum triage_unit	 unit;
	struct triage_line	 line;	/* optional named group n: the amount */
};

struct triage_lang {
	char		 code[4];
	struct triage_set detect;	/* empty: never detected */
};

struct triage_rules {
	struct triage_concept	 concepts[TRIAGE_MAX_CONCEPTS];
	int			 nconcepts;
	struct triage_rule	*rules;
	int			 nrules;
	struct triage_set	 cues[CUE_COUNT];	/* empty: no such cue */
	struct triage_set	 harmless;
	struct triage_set	 yes, no;
	struct triage_set	 late;		/* YES still, after a NO */
	struct triage_set	 relay;		/* "asked him, he says": the answers
					   are tried on what follows it too */
	struct triage_activity_re *activity;
	int			 nactivity;
	struct triage_lang	 langs[TRIAGE_MAX_LANGS];
	int			 nlangs;
	const char		*prompts[TRIAGE_MAX_PROMPTS + 1];
	int			 request[TRIAGE_REQUEST_HELP + 1];	/* topic index; -1 none */
	int			 now;		/* the qualifier "now"; -1 none */
	int			 back;		/* the qualifier "back"; -1 none */
	uint64_t		 topics;	/* bits of the topics: they place a message */
	/*
	 * Qualifiers and topics searched only when needed: for a rule whose
	 * other concepts are there, or, for a topic, to place a message that
	 * nothing else places (chit-chat).  The rest (symptoms, requests and
	 * the first concept of a rule made only of these) is always searched.
	 */
	uint64_t		 lazy;
	struct triage_lits	 lits;
	struct triage_lexicon	*lexicon;	/* triage_norm_words */
	struct triage_reader	*reader;	/* reader.model; NULL: none */
	int			 maxline;	/* lines in the largest set */
	/*
	 * Every set's lines numbered in one sequence (triage_set.base), so
	 * that a message marks the lines that may match in one bitmap
	 * instead of each search testing every line of its set: a line with
	 * no literal always, any other under the lowest clause bit of its
	 * mask, key_line[key_off[bit], key_off[bit + 1]).
	 */
	int			 nline_all;
	uint64_t		*always;	/* (nline_all + 63) / 64 words */
	uint32_t		*key_off;	/* lits.cwords * 64 + 1 */
	uint32_t		*key_line;
	/*
	 * The bits some line is filed under, lits.cwords words: most of a
	 * message's clause bits are no line's lowest, and triage_lit_mark
	 * steps over those without reading key_off.
	 */
	uint64_t		*keyed;
};

int	triage_lit_line(struct triage_lits *, struct triage_line *,
	    const char *);
int	triage_lit_cuts(const char *, size_t *, int);
void	triage_lit_build(struct triage_lits *);
void	triage_lit_free(struct triage_lits *);
int	triage_lit_scan(const struct triage_lits *, const char *, size_t,
	    uint64_t *);
void	triage_lit_index(struct triage_rules *);
void	triage_lit_mark(const struct triage_rules *, const uint64_t *,
	    uint64_t *);

/* 1 if every clause of the line is satisfied: it may match. */
static inline int
triage_lit_may(const uint64_t *sat, const struct triage_line *ln)
{
	return (sat[ln->word] & ln->mask) == ln->mask;
}

#endif
