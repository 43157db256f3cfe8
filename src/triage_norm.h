/* SPDX-License-Identifier: ISC */
/*
 * Reading text the way phones and hurried people write it: the first pass of
 * the triage engine (docs/rules.md, "How a message is read").
 *
 * triage_norm_fold folds what must never change a level: apostrophes and
 * quotes of every kind become ' and ", dashes -, odd spaces a space,
 * invisible characters go, accented Latin letters lose their accents (ß is
 * ss), and for a message capitals become small letters.  Patterns are folded
 * the same way when they are loaded (without the case fold, which would break
 * escapes such as \W), so that "respiración" in a rules file matches
 * "respiracion" in a message.
 *
 * triage_norm_words then reads a folded message word by word against the
 * lexicon (the rules files' `lexicon` and `known` statements): dotted
 * abbreviations are joined ("s.o.b." is sob), a word of four letters or more
 * that the lexicon does not know, cut short with a dot, reads as the
 * shortest target it begins ("resp." is respira, "Brustschm." brustschmerz),
 * stretched letters are squeezed ("breathhhless"; "hacccking" against the
 * stem hack of hack\w*, only the lengths of letter runs changing), and a
 * word the lexicon does not know is corrected to the lexicon word within
 * an edit distance that grows with the word's length (1 up to 8 letters, 2
 * from 9; a four-letter word only as a five-letter target with one inner
 * letter dropped), so "brething" reads as "breathing" and "breast" does
 * not become "breath".  A word still unknown
 * that begins with a typo of a pattern's stem reads as beginning with the
 * stem ("dsmalle" as desmalle, of desmall\w*), and one that is targets
 * glued together as those words ("calfpain", "heartattack").  Before any
 * typo correction, a word the lexicon does not know that ends in one of the
 * rules' endings reads as the word of the rules it makes ("airecito" is
 * aire: Spanish diminutives, triage_lexicon_ending); one that is a glue
 * word of the rules run into a target reads as the two words ("elpecho",
 * triage_lexicon_glue), and single letters a space apart that spell a
 * target as that word ("t e p").  Words the
 * lexicon lists as known (real words near a lexicon word or a stem or made
 * of targets, negation and other cue words) are never corrected, never
 * split, and nothing is corrected towards them.
 *
 * Pure functions, no I/O.  Ownership: a struct triage_lexicon is made by
 * triage_lexicon_new and freed by triage_lexicon_free; it copies the words it
 * is given.  A built lexicon remembers the readings of the words it has read
 * (a cache it owns, written through the const pointer of triage_norm_words;
 * no reading changes by it), so one lexicon is read by one thread at a time.
 */
#ifndef CLOTLINE_TRIAGE_NORM_H
#define CLOTLINE_TRIAGE_NORM_H

#include <stddef.h>
#include <stdint.h>

#define TRIAGE_FOLD_CASE	0x1	/* also fold capitals (a message, not a pattern) */

/* Bytes out[] needs for triage_norm_fold and triage_norm_words of len bytes. */
#define TRIAGE_NORM_SIZE(len)	(3 * (len) + 64)

/* A word given as several kinds is the strongest: known, target, stem, word. */
enum triage_lex_kind {
	LEX_WORD,	/* a word: never corrected */
	LEX_STEM,	/* a pattern's stem (perd of perd\w+): a typed word
			   beginning with a typo of it reads as beginning with it */
	LEX_TARGET,	/* a domain word: typos are corrected towards it */
	LEX_KNOWN,	/* a real word: never corrected, never a target */
};

struct triage_lexicon;

struct triage_lexicon	*triage_lexicon_new(void);
void			 triage_lexicon_free(struct triage_lexicon *);
/*
 * Adds a word (folded; letters a-z only after folding, 2 to 32 of them).
 * Returns -1 for a word that is not one.
 */
int	triage_lexicon_add(struct triage_lexicon *, const char *word,
	    enum triage_lex_kind);
/*
 * Marks the word last added (by a call that returned 0) as one a level may
 * be lowered by (the `mild` qualifier's): as a stem it then never reads a
 * typo's beginning, so that a typo cannot make a symptom mild, whatever
 * kind its other entries have.  Call before triage_lexicon_build.
 */
void	triage_lexicon_lowering(struct triage_lexicon *);
/*
 * Marks the word last added as one a concept, qualifier, topic or raising
 * cue pattern spells: when it is no target (a known word such as "hardly",
 * or a plain word), a typo of it is what TRIAGE_READ_CUES reads as it.
 */
void	triage_lexicon_spelled(struct triage_lexicon *);
/*
 * Adds an ending (the rules' `ending` statement): a word the lexicon does
 * not know that ends in suffix reads as the word of the rules made by
 * putting the first of forms[0, nforms) that makes one in its place ("-" is
 * nothing): "airecito" is aire by `ending cito -`.  Letters a-z after
 * folding; at most 8 forms.  Returns -1 for a suffix or form that is not.
 */
int	triage_lexicon_ending(struct triage_lexicon *, const char *suffix,
	    const char *const *forms, size_t nforms);
/*
 * Adds a glue word (the rules' `glue` statement): a word the lexicon does
 * not know that is it run into a target ("elpecho") reads as the two words.
 * Letters a-z after folding, at most 4.  Returns -1 for a word that is not.
 */
int	triage_lexicon_glue(struct triage_lexicon *, const char *word);
/* Builds the typo index; call once after the last triage_lexicon_add. */
void	triage_lexicon_build(struct triage_lexicon *);
size_t	triage_lexicon_count(const struct triage_lexicon *);
/*
 * Word i (0 <= i < count) of a built lexicon and its kind; NULL for a word
 * given twice.  For `clotline triage --lexicon`.
 */
const char *triage_lexicon_word(const struct triage_lexicon *, size_t i,
	    enum triage_lex_kind *);
/*
 * Whether word i of a built lexicon is one a typo reads as in the second
 * reading only (TRIAGE_READ_CUES); `--lexicon` lists it again as "cue".
 */
int	triage_lexicon_cue(const struct triage_lexicon *, size_t i);

/*
 * Folds in[0, len) (valid UTF-8) into out, which has TRIAGE_NORM_SIZE(len)
 * bytes; returns the length written (out is NUL-terminated).
 */
size_t	triage_norm_fold(const char *in, size_t len, char *out, int flags);

/*
 * Reads folded, lower-case text word by word (see above) from in into out,
 * which has TRIAGE_NORM_SIZE(len) bytes; returns the length written.  A NULL
 * or empty lexicon still joins abbreviations and squeezes long runs.
 */
/*
 * A soft stop: what a full stop becomes where it ends no sentence, so that
 * a symptom's words may cross it but a negation's scope does not.  A
 * pattern's \W matches it.
 */
#define TRIAGE_SOFT_STOP	'\x1f'

/*
 * Spacing never changes a level: in place, a run of spaces becomes one, and
 * a space before , . ; : ! or ? goes ("S .O .B", "up  blood", "kind of ,a
 * heavy feeling" read as "S.O.B", "up blood", "kind of,a heavy feeling").
 * Returns the new length; s stays NUL-terminated.
 */
size_t	triage_norm_spaces(char *s, size_t len);

/*
 * In a message whose words are mostly parted by dots ("Good. Morning.
 * Short. Of. Puff.", "hello.nurse.my.chest"), those dots become soft stops,
 * in place: such a writer's dots end no sentence, but "Hi. Not dizzy.
 * Breathless." keeps the denial to its own words.  A dot of a dotted
 * abbreviation ("s.o.b.") and the last one stay.  An ellipsis between
 * words ("can't... breathe") is a pause, not a sentence's end: it becomes
 * one soft stop in any message.
 */
void	triage_norm_dots(char *s, size_t len);
/*
 * A word that stays unknown but is one edit from such a word
 * (triage_lexicon_spelled: "hsrdly", "a littel", "sohuld", words a typo is
 * never corrected to, so that a correction never makes a denial) is counted
 * in *cues (when cues is not NULL); with TRIAGE_READ_CUES it is also read
 * as that word.  A word glued to a non-ASCII letter keeps its spelling, as
 * in the first reading.  The engine reads a message that has such a word
 * both ways and keeps the higher level (docs/rules.md, "The second
 * reading").
 */
#define TRIAGE_READ_CUES	0x1
size_t	triage_norm_words(const struct triage_lexicon *, const char *in,
	    size_t len, char *out, int flags, int *cues);

/*
 * The word a lexicon reads w[0, n) as: w itself when it is a word, else its
 * correction; NULL when it keeps its own spelling.  For tests and tools.
 */
const char *triage_lexicon_read(const struct triage_lexicon *, const char *w,
	    size_t n);

/*
 * FNV-1a of n bytes of s, continued from h (TRIAGE_NORM_FNV0 to start):
 * the lexicon's hash and the second reader's (triage_reader.c).
 */
#define TRIAGE_NORM_FNV0	UINT32_C(2166136261)
uint32_t	triage_norm_fnv(uint32_t h, const char *s, size_t n);

#endif
