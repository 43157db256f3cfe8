/* SPDX-License-Identifier: ISC */
/*
 * The second reader: a linear model over a message as the engine reads it
 * (folded, words corrected; triage_norm.h), run after the rules, which can
 * only ever raise a level (docs/rules.md, "The second reader").
 *
 * It reads what a list of phrases does not: a dialect spelling, a compound
 * nobody wrote down, an image of breathlessness in new words.  Its features
 * are hashed byte n-grams (2 to 5) of each word padded with a blank, and
 * each word and pair of words; two logistic models over them give the odds
 * that the clinic's policy calls the message an emergency, and that it
 * calls it urgent or higher.  The weights, biases and thresholds are data
 * (prompts/rules/reader.model), trained from the labelled corpora by
 * contrib/triage-train.py, never from a held-back part.
 *
 * Pure: no I/O after triage_reader_load.  Ownership: the caller owns what
 * triage_reader_load returns and frees it with triage_reader_free.  A reader
 * remembers the n-gram weights of the words it has scored (a cache it owns,
 * written through the const pointer of triage_reader_score; no score
 * changes by it), so one reader scores in one thread at a time.
 */
#ifndef CLOTLINE_TRIAGE_READER_H
#define CLOTLINE_TRIAGE_READER_H

#include <stddef.h>

#include "diag.h"

#define TRIAGE_READER_BITS	20	/* buckets of each feature kind: 2^20 */
#define TRIAGE_READER_WORD	40	/* bytes of a word that make n-grams */
#define TRIAGE_READER_FILE	"reader.model"	/* in the rules directory */

struct triage_reader;

/* What the reader makes of one message. */
struct triage_reader_result {
	double	emergency;	/* log-odds of an emergency */
	double	urgent;		/* log-odds of urgent or higher */
	int	raise_emergency;	/* above the model's threshold */
	int	raise_urgent;
};

/*
 * Reads a model file; NULL with a diagnostic (path and line) when it is
 * malformed or unreadable.
 */
struct triage_reader	*triage_reader_load(const char *path, struct diag *);
void			 triage_reader_free(struct triage_reader *);

/*
 * Scores text (len bytes: the engine's reading with harmless phrases
 * blanked, triage_read_reader) into *out.
 */
void	triage_reader_score(const struct triage_reader *, const char *text,
	    size_t len, struct triage_reader_result *out);

/* How many weights the model holds (for tests and logs). */
size_t	triage_reader_size(const struct triage_reader *);

#endif
