/*
 * The foundation triage engine: the shipped English rules keep emergencies
 * safe (spec/triage.md levels), and the rule file loader reports mistakes
 * with file:line and the PCRE2 message.
 */
#include "testlib.h"

#include <sys/stat.h>

#include "diag.h"
#include "triage.h"

static struct triage_rules *rules;

static int
setup(void **state)
{
	struct diag	d;

	diag_init(&d);
	rules = triage_rules_load(TEST_SRCDIR "/prompts/rules", &d);
	diag_clear(&d);
	return rules == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	triage_rules_free(rules);
	testlib_cleanup();
	return 0;
}

static enum triage_level
level(const char *text)
{
	struct triage_result	r;

	triage_classify(rules, text, &r);
	return r.level;
}

static void
test_breathless_and_chest_pain_is_emergency(void **state)
{
	/* The one case the foundation must never miss, in many phrasings. */
	static const char *msgs[] = {
		"breathless and my chest hurts",
		"BREATHLESS AND CHEST PAIN",
		"Mum is breathless and says her chest hurts",
		"short of breath and pain in chest",
		"sob and chest pain",
		"chest pain + cant catch my breath",
		"cant breath and chst pain since an hour",
		"Chest hurts n I'm struggling for breath",
		"my husband is breathless and has chest pain",
		"getting breathless walking to the loo and my chest is sore",
		"I can't breathe properly and my chest is killing me",
	};
	size_t	i;

	for (i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		if (level(msgs[i]) != TRIAGE_EMERGENCY)
			fail_msg("not emergency: %s", msgs[i]);
	}
}

static void
test_other_emergencies(void **state)
{
	assert_int_equal(level("coughed up blood this morning"), TRIAGE_EMERGENCY);
	assert_int_equal(level("spat up blood after coughing"), TRIAGE_EMERGENCY);
	assert_int_equal(level("i fainted in the kitchen"), TRIAGE_EMERGENCY);
	assert_int_equal(level("collapsed at the shops"), TRIAGE_EMERGENCY);
	assert_int_equal(level("I can't breathe"), TRIAGE_EMERGENCY);
	assert_int_equal(level("gasping for air"), TRIAGE_EMERGENCY);
}

static void
test_spanish_and_german_red_flags(void **state)
{
	assert_int_equal(level("me falta el aire y me duele el pecho"),
	    TRIAGE_EMERGENCY);
	assert_int_equal(level("tosí sangre esta mañana"), TRIAGE_EMERGENCY);
	assert_int_equal(level("Atemnot und Brustschmerzen"), TRIAGE_EMERGENCY);
	assert_int_equal(level("Habe Blut gehustet"), TRIAGE_EMERGENCY);
	assert_int_equal(level("me falta el aire"), TRIAGE_URGENT);
	assert_int_equal(level("Wade ist geschwollen und warm"), TRIAGE_URGENT);
	assert_int_equal(level("tengo la pierna roja y caliente"), TRIAGE_URGENT);
}

static void
test_urgent(void **state)
{
	assert_int_equal(level("bit breathless today"), TRIAGE_URGENT);
	assert_int_equal(level("my chest is sore this morning"), TRIAGE_URGENT);
	assert_int_equal(level("NEW SWELLING IN MY OTHER LEG"), TRIAGE_URGENT);
	assert_int_equal(level("back of my calf is hot and red"), TRIAGE_URGENT);
	assert_int_equal(level("more pain when I flex my foot"), TRIAGE_URGENT);
	assert_int_equal(level("blood in my urine, I'm on rivaroxaban"),
	    TRIAGE_URGENT);
}

static void
test_advice_and_routine(void **state)
{
	assert_int_equal(level("how far should I be walking by now?"),
	    TRIAGE_ADVICE);
	assert_int_equal(level("walked 20 min today"), TRIAGE_ROUTINE);
	assert_int_equal(level("thanks"), TRIAGE_ROUTINE);
	assert_int_equal(level(""), TRIAGE_ROUTINE);
}

static void
test_fired_rules_are_reported(void **state)
{
	struct triage_result	r;

	triage_classify(rules, "breathless and chest pain", &r);
	assert_non_null(strstr(r.rules, "breathless_chest_pain"));
	triage_classify(rules, "thanks", &r);
	assert_string_equal(r.rules, "");
	assert_string_equal(triage_level_name(TRIAGE_EMERGENCY), "emergency");
}

static void
test_engine_failure_counts_as_present(void **state)
{
	struct triage_rules	*tr;
	struct triage_result	 r;
	struct diag		 d;
	char			 dir[512];

	/* (*LIMIT_MATCH=1) makes PCRE2 give up at once on a real search. */
	snprintf(dir, sizeof dir, "%s/limit", testlib_tmpdir());
	mkdir(dir, 0755);
	testlib_write("limit/l.rules",
	    "concept breath (*LIMIT_MATCH=1)(a|b)+c\n"
	    "rule breathless urgent breath\n");
	diag_init(&d);
	tr = triage_rules_load(dir, &d);
	assert_non_null(tr);
	/* The subject holds a "c", so PCRE2 cannot skip the search. */
	triage_classify(tr, "abababababababab x c", &r);
	assert_int_equal(r.match_errors, 1);
	assert_int_equal(r.level, TRIAGE_URGENT);	/* over-triage, never a miss */
	triage_rules_free(tr);
	diag_clear(&d);
}

static void
test_loader_errors(void **state)
{
	struct diag	 d;
	char		 dir[512];
	size_t		 i;
	int		 saw_pcre = 0, saw_concept = 0, saw_level = 0, saw_stmt = 0;

	snprintf(dir, sizeof dir, "%s/rules", testlib_tmpdir());
	mkdir(dir, 0755);
	testlib_write("rules/x.rules",
	    "# comment\n"				/* 1 */
	    "concept good \\bok\\b\n"			/* 2 */
	    "concept bad (unclosed\n"			/* 3 */
	    "rule r1 urgent good+nosuch\n"		/* 4 */
	    "rule r2 severe good\n"			/* 5 */
	    "frobnicate x\n");				/* 6 */
	diag_init(&d);
	assert_null(triage_rules_load(dir, &d));
	for (i = 0; i < d.n; i++) {
		const char *t = d.v[i].text;

		saw_pcre |= strstr(t, "x.rules:3:") != NULL &&
		    strstr(t, "missing closing parenthesis") != NULL;
		saw_concept |= strstr(t, "x.rules:4:") != NULL &&
		    strstr(t, "unknown concept 'nosuch'") != NULL;
		saw_level |= strstr(t, "x.rules:5:") != NULL &&
		    strstr(t, "unknown level 'severe'") != NULL;
		saw_stmt |= strstr(t, "x.rules:6:") != NULL;
	}
	assert_true(saw_pcre);
	assert_true(saw_concept);
	assert_true(saw_level);
	assert_true(saw_stmt);
	diag_clear(&d);

	diag_init(&d);
	assert_null(triage_rules_load("/nonexistent", &d));
	assert_int_equal(d.nerrors, 1);
	diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breathless_and_chest_pain_is_emergency),
		cmocka_unit_test(test_other_emergencies),
		cmocka_unit_test(test_spanish_and_german_red_flags),
		cmocka_unit_test(test_urgent),
		cmocka_unit_test(test_advice_and_routine),
		cmocka_unit_test(test_fired_rules_are_reported),
		cmocka_unit_test(test_engine_failure_counts_as_present),
		cmocka_unit_test(test_loader_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
