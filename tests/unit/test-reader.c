/* SPDX-License-Identifier: ISC */
/*
 * The second reader (src/triage_reader.c): its features are the trainer's
 * (contrib/triage-train.py; the bucket numbers below were computed by its
 * features()), its model file is checked, and in the engine it can only
 * raise a level, through the rules that name it, never lower one, and
 * never when the message answers a question.
 */
#include "testlib.h"

#include <math.h>
#include <unistd.h>

#include "diag.h"
#include "triage.h"
#include "triage_int.h"	/* white box: the rules' reader */
#include "triage_reader.h"

#define T0	INT64_C(1767225600)

/* Buckets as contrib/triage-train.py's features() numbers them. */
#define B_WCHEST	1502535	/* the word "chest" */
#define B_GRAM_CHEST	346388	/* one n-gram of " chest " */
#define B_WZZWOOF	1598009	/* the word "zzwoof" */
#define B_WQQMILD	1647798	/* the word "qqmild" */
#define B_WBREATHLESS	2092209	/* the word "breathless" */

/* Writes text as a model file and loads it, diagnostics into d. */
static struct triage_reader *
load_into(const char *text, struct diag *d)
{
	struct triage_reader	*rd;
	char			 path[4096];

	testlib_write("reader.model", text);
	snprintf(path, sizeof path, "%s/reader.model", testlib_tmpdir());
	rd = triage_reader_load(path, d);
	unlink(path);
	return rd;
}

static struct triage_reader *
load(const char *text)
{
	struct triage_reader	*rd;
	struct diag		 d;

	diag_init(&d);
	rd = load_into(text, &d);
	diag_clear(&d);
	return rd;
}

static void
test_reader_features(void **state)
{
	struct triage_reader		*rd;
	struct triage_reader_result	 s;
	char				 model[256];

	snprintf(model, sizeof model, "# a comment\nreader 1 20\n"
	    "emergency 0.5 0.9\nurgent -1 0.5\n%d 1 0\n%d 2 -3\n",
	    B_WCHEST, B_GRAM_CHEST);
	rd = load(model);
	assert_non_null(rd);
	assert_int_equal(triage_reader_size(rd), 2);
	/*
	 * "my chest, hurts": 42 n-grams of three padded words (the comma is
	 * no part of a word), 6 word buckets; the trainer gives "chest"
	 * 1/sqrt(6) and the n-gram 1/sqrt(42).
	 */
	triage_reader_score(rd, "my chest, hurts", 15, &s);
	assert_true(fabs(s.emergency - (0.5 + 1 / sqrt(6) + 2 / sqrt(42))) <
	    1e-6);
	assert_true(fabs(s.urgent - (-1 - 3 / sqrt(42))) < 1e-6);
	/* log(0.9/0.1) = 2.197: not raised; log(0.5/0.5) = 0: not raised. */
	assert_false(s.raise_emergency);
	assert_false(s.raise_urgent);
	/* "chest" alone: 18 n-grams, 2 word buckets. */
	triage_reader_score(rd, "chest", 5, &s);
	assert_true(fabs(s.emergency - (0.5 + 1 / sqrt(2) + 2 / sqrt(18))) <
	    1e-6);
	assert_false(s.raise_emergency);
	/* Nothing to read: the bias alone. */
	triage_reader_score(rd, " ,.", 3, &s);
	assert_true(fabs(s.emergency - 0.5) < 1e-9);
	triage_reader_free(rd);
	(void)state;
}

static void
expect_bad(const char *text)
{
	struct triage_reader	*rd;
	struct diag		 d;

	diag_init(&d);
	if ((rd = load_into(text, &d)) != NULL) {
		triage_reader_free(rd);
		fail_msg("loaded: %s", text);
	}
	assert_true(d.n > 0);
	assert_non_null(strstr(d.v[0].text, "reader.model:"));
	diag_clear(&d);
}

static void
test_reader_load_errors(void **state)
{
	expect_bad("emergency 0 0.9\nurgent 0 0.9\n");	/* no header */
	expect_bad("reader 2 20\nemergency 0 0.9\nurgent 0 0.9\n");
	expect_bad("reader 1 18\nemergency 0 0.9\nurgent 0 0.9\n");
	expect_bad("reader 1 20\nemergency 0 0.9\n");	/* no urgent */
	expect_bad("reader 1 20\nemergency 0 1.5\nurgent 0 0.9\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\nsevere 0 0.5\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n2097152 1 1\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n5 1\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n5 1 1\n5 2 2\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n5 nan 1\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n5.5 1 1\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n5 1 1 x\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nurgent 0 0.9\n5 1e999 1\n");
	expect_bad("reader 1 20\nemergency 0 0.9\nemergency 1 0.9\n"
	    "urgent 0 0.9\n");
	expect_bad("reader 1 20 x\nemergency 0 0.9\nurgent 0 0.9\n");
	(void)state;
}

static const char *rules_text =
    "concept breathless \\bbreathless\\b\n"
    "concept chest_pain \\bchest pain\\b\n"
    "concept question \\?\n"
    "answer yes \\byes\\b\n"
    "answer no \\bno\\b\n"
    "rule breathlessness urgent breathless ask chest_pain reply u\n"
    "rule question advice question reply a\n"
    "rule reader_emergency emergency reader_emergency inbox\n"
    "rule reader_urgent urgent reader_urgent reply unsure inbox\n";

static struct triage_rules *
load_rules(const char *model)
{
	struct triage_rules	*tr;
	struct diag		 d;

	testlib_write("x.rules", rules_text);
	if (model != NULL)
		testlib_write("reader.model", model);
	diag_init(&d);
	tr = triage_rules_load(testlib_tmpdir(), &d);
	if (tr == NULL)
		fail_msg("not loaded: %s", d.n > 0 ? d.v[0].text : "?");
	diag_clear(&d);
	if (model != NULL) {
		char	path[4096];

		snprintf(path, sizeof path, "%s/reader.model",
		    testlib_tmpdir());
		unlink(path);
	}
	return tr;
}

static struct triage_result
one(const struct triage_rules *tr, const char *text)
{
	struct triage_state	st;
	struct triage_result	r;

	triage_state_init(&st);
	triage_step(tr, &st, text, T0, &r);
	return r;
}

static void
test_reader_in_engine(void **state)
{
	struct triage_rules	*tr;
	struct triage_state	 st;
	struct triage_result	 r;
	char			 model[256];

	/* zzwoof reads as an emergency, qqmild as urgent, breathless low. */
	snprintf(model, sizeof model, "reader 1 20\nemergency -5 0.9\n"
	    "urgent -5 0.9\n%d 40 40\n%d 0 40\n%d -40 -40\n",
	    B_WZZWOOF, B_WQQMILD, B_WBREATHLESS);
	tr = load_rules(model);

	r = one(tr, "zzwoof");
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	assert_string_equal(r.rules, "reader_emergency");
	assert_true(r.review);
	r = one(tr, "qqmild");
	assert_int_equal(r.level, TRIAGE_URGENT);
	assert_string_equal(r.rules, "reader_urgent");
	assert_string_equal(r.reply, "unsure");
	assert_true(r.review);
	/* Raised above a rule's urgent, and only to what it reads. */
	r = one(tr, "breathless zzwoof zzwoof");
	assert_int_equal(r.level, TRIAGE_EMERGENCY);
	assert_non_null(strstr(r.rules, "reader_emergency"));
	r = one(tr, "breathless qqmild qqmild");
	assert_int_equal(r.level, TRIAGE_URGENT);
	assert_string_equal(r.rules, "breathlessness");
	/* Never lower: the model reads breathless as nothing. */
	r = one(tr, "breathless");
	assert_int_equal(r.level, TRIAGE_URGENT);
	assert_string_equal(r.rules, "breathlessness");
	/* An answer to the question is the answer's, not the reader's. */
	triage_state_init(&st);
	triage_step(tr, &st, "breathless", T0, &r);
	assert_non_null(r.question);
	triage_step(tr, &st, "no zzwoof", T0 + 60, &r);
	assert_null(strstr(r.rules, "reader_"));
	triage_rules_free(tr);

	/* Without a model nothing reads it. */
	tr = load_rules(NULL);
	r = one(tr, "zzwoof");
	assert_int_equal(r.level, TRIAGE_ROUTINE);
	assert_null(strstr(r.rules, "reader_"));
	triage_rules_free(tr);
	(void)state;
}

/* A model that does not load stops the rules from loading. */
static void
test_reader_bad_model_fails_rules(void **state)
{
	struct triage_rules	*tr;
	struct diag		 d;
	char			 path[4096];

	testlib_write("x.rules", rules_text);
	testlib_write("reader.model", "reader 1 20\nemergency 0 0.9\n");
	diag_init(&d);
	tr = triage_rules_load(testlib_tmpdir(), &d);
	assert_null(tr);
	assert_true(d.n > 0);
	assert_non_null(strstr(d.v[0].text, "'urgent'"));
	diag_clear(&d);
	snprintf(path, sizeof path, "%s/reader.model", testlib_tmpdir());
	unlink(path);
	(void)state;
}

/* The shipped model loads with the shipped rules, and only raises. */
static void
test_reader_shipped(void **state)
{
	struct triage_rules	*tr;
	struct triage_reader	*rd;
	struct diag		 d;
	static const char *const msgs[] = {
		"I can't breathe and my chest hurts",
		"thanks, walked 20 minutes today",
		"mir ist so komisch in der Brust und ich krieg kaum Luft",
		"no puedo respirar bien y me duele el pecho",
		"STOP",
		"can I go swimming?",
	};
	size_t	 i;

	diag_init(&d);
	tr = triage_rules_load(TEST_SRCDIR "/prompts/rules", &d);
	assert_non_null(tr);
	assert_non_null(tr->reader);
	assert_true(triage_reader_size(tr->reader) > 1000);
	diag_clear(&d);
	rd = tr->reader;
	for (i = 0; i < sizeof msgs / sizeof *msgs; i++) {
		struct triage_result a, b;

		tr->reader = rd;
		a = one(tr, msgs[i]);
		tr->reader = NULL;
		b = one(tr, msgs[i]);
		if (a.level < b.level)
			fail_msg("\"%s\": %s with the reader, %s without",
			    msgs[i], triage_level_name(a.level),
			    triage_level_name(b.level));
	}
	tr->reader = rd;
	triage_rules_free(tr);
	(void)state;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_features),
		cmocka_unit_test(test_reader_load_errors),
		cmocka_unit_test(test_reader_in_engine),
		cmocka_unit_test(test_reader_bad_model_fails_rules),
		cmocka_unit_test(test_reader_shipped),
	};
	int	rc = cmocka_run_group_tests(tests, NULL, NULL);

	testlib_cleanup();
	return rc;
}
