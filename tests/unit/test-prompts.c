/* SPDX-License-Identifier: ISC */
/*
 * Prompts: the shipped set loads and carries the clinic's variables;
 * mistakes in a prompt file are reported with file:line; fallbacks.
 */
#include "testlib.h"

#include <sys/stat.h>

#include "diag.h"
#include "prompts.h"

static const struct prompt_vars vars = {
	.emergency_number = "112",
	.clinic_name = "Clínica Norte",
	.clinic_phone = "+34910000000",
};

static void
test_shipped_prompts(void **state)
{
	struct diag	 d;
	struct prompts	*ps;
	const char	*t;
	int		 id;

	diag_init(&d);
	ps = prompts_load(TEST_SRCDIR "/prompts", "en", &vars, &d);
	assert_non_null(ps);
	assert_int_equal(d.nerrors, 0);
	for (id = 0; id < PROMPT_COUNT; id++) {
		t = prompts_get(ps, "en", (enum prompt_id)id);
		assert_non_null(t);
		if (id != PROMPT_ALERT && id != PROMPT_DELIVERY_FAILED)
			/* every placeholder filled but the runtime ones */
			assert_null(strchr(t, '{'));
		assert_true(t[0] != '#');	/* comments stripped */
	}
	/* The clinical content the spec requires of an emergency reply. */
	t = prompts_get(ps, "en", PROMPT_EMERGENCY);
	assert_non_null(strstr(t, "Call 112 now"));
	assert_non_null(strstr(t, "A&E"));
	assert_non_null(strstr(t, "Do not drive yourself"));
	t = prompts_get(ps, "en", PROMPT_HELP);
	assert_non_null(strstr(t, "+34910000000"));
	assert_non_null(strstr(t, "STOP"));
	assert_non_null(strstr(prompts_get(ps, "en", PROMPT_UNKNOWN), "+34910000000"));
	/* The alert keeps what is only known when it is sent. */
	t = prompts_get(ps, "en", PROMPT_ALERT);
	assert_non_null(strstr(t, "{level}"));
	assert_non_null(strstr(t, "{phone}"));
	assert_non_null(strstr(t, "{excerpt}"));
	/* Unknown language falls back to the default. */
	assert_string_equal(prompts_get(ps, "xx", PROMPT_STOP),
	    prompts_get(ps, "en", PROMPT_STOP));
	assert_string_equal(prompts_get(ps, NULL, PROMPT_STOP),
	    prompts_get(ps, "en", PROMPT_STOP));
	assert_true(prompts_has_language(ps, "en"));
	assert_false(prompts_has_language(ps, "xx"));
	prompts_free(ps);
	diag_clear(&d);
}

/* Writes a complete prompt set for lang, with bad_text as prompt bad_name. */
static const char *
write_set(const char *lang, const char *bad_name, const char *bad_text)
{
	static char	dir[512];
	char		name[600];
	int		id;

	snprintf(dir, sizeof dir, "%s/p", testlib_tmpdir());
	mkdir(dir, 0755);
	snprintf(name, sizeof name, "%s/%s", dir, lang);
	mkdir(name, 0755);
	for (id = 0; id < PROMPT_COUNT; id++) {
		const char *n = prompts_name((enum prompt_id)id);

		snprintf(name, sizeof name, "p/%s/%s.txt", lang, n);
		testlib_write(name, strcmp(n, bad_name) == 0 ? bad_text :
		    "# comment\nCall {emergency_number}.\n");
	}
	return dir;
}

static void
test_errors_have_file_and_line(void **state)
{
	struct diag	 d;
	const char	*dir;
	char		 path[600];

	dir = write_set("en", "urgent",
	    "# line 1\n# line 2\nCall {emergncy_number} now.\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_int_equal(d.nerrors, 2);
	assert_true(has_diag(&d, "p/en/urgent.txt:3: unknown placeholder {emergncy_number}", NULL));
	assert_true(has_diag(&d, "p/en/urgent.txt:3: must contain {emergency_number}", NULL));
	diag_clear(&d);

	/* An empty message, and a default language with no directory. */
	dir = write_set("en", "routine", "# only a comment\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "de", &vars, &d));
	assert_true(has_diag(&d, "routine.txt: the message is empty", NULL));
	assert_true(has_diag(&d, "default language 'de'", NULL));
	diag_clear(&d);

	/* A red-flag reply that does not give the emergency number. */
	dir = write_set("en", "emergency", "Please call us.\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "p/en/emergency.txt:1: must contain {emergency_number}", NULL));
	diag_clear(&d);
	dir = write_set("en", "urgent", "# c\nCall {clinic_phone} today.\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "p/en/urgent.txt:2: must contain {emergency_number}", NULL));
	diag_clear(&d);

	/* A missing file. */
	dir = write_set("en", "none", "");
	snprintf(path, sizeof path, "%s/en/help.txt", dir);
	unlink(path);
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "en/help.txt: missing", NULL));
	diag_clear(&d);

	/* The good set loads. */
	dir = write_set("en", "none", "");
	diag_init(&d);
	{
		struct prompts *ps = prompts_load(dir, "en", &vars, &d);

		assert_non_null(ps);
		assert_string_equal(prompts_get(ps, "en", PROMPT_HELP), "Call 112.");
		prompts_free(ps);
	}
	diag_clear(&d);
}

/*
 * Text in [[ ]] (issue 16): kept when every value in it is there, dropped
 * when one is empty, kept for sending when it holds a runtime placeholder;
 * prompts_expand then decides.
 */
static void
test_optional_sections(void **state)
{
	static const struct prompt_vars uk = { "999", "111", "C", "+44" };
	static const struct prompt_vars es = { "112", NULL, "C", "+34" };
	static const char *const keys[] = { "level", "name", "answered" };
	const char	*vals[3] = { "emergency", "Ann", NULL };
	struct diag	 d;
	struct prompts	*ps;
	const char	*dir;
	char		*out;

	dir = write_set("en", "urgent", "Call your GP,[[ call "
	    "{urgent_number},]] or {clinic_name}. Or {emergency_number}.\n");
	diag_init(&d);
	ps = prompts_load(dir, "en", &uk, &d);
	assert_non_null(ps);
	assert_string_equal(prompts_get(ps, "en", PROMPT_URGENT),
	    "Call your GP, call 111, or C. Or 999.");
	prompts_free(ps);
	ps = prompts_load(dir, "en", &es, &d);
	assert_non_null(ps);
	assert_string_equal(prompts_get(ps, "en", PROMPT_URGENT),
	    "Call your GP, or C. Or 112.");
	prompts_free(ps);
	assert_int_equal(d.nerrors, 0);
	diag_clear(&d);

	dir = write_set("en", "alert", "{level}: [[{name}, ]]said it[[ (YES "
	    "to {answered})]] at {clinic_name}\n");
	diag_init(&d);
	ps = prompts_load(dir, "en", &uk, &d);
	assert_non_null(ps);
	assert_string_equal(prompts_get(ps, "en", PROMPT_ALERT),
	    "{level}: [[{name}, ]]said it[[ (YES to {answered})]] at C");
	out = prompts_expand(prompts_get(ps, "en", PROMPT_ALERT), keys, vals,
	    3);
	assert_string_equal(out, "emergency: Ann, said it at C");
	free(out);
	vals[1] = "";
	vals[2] = "Chest pain?";
	out = prompts_expand(prompts_get(ps, "en", PROMPT_ALERT), keys, vals,
	    3);
	assert_string_equal(out, "emergency: said it (YES to Chest pain?) at C");
	free(out);
	prompts_free(ps);
	diag_clear(&d);

	/* Unclosed or nested sections are errors, with the line. */
	dir = write_set("en", "routine", "# c\nSee [[you {clinic_name}.\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &uk, &d));
	assert_true(has_diag(&d, "p/en/routine.txt:2: '[[' without its ']]'",
	    NULL));
	diag_clear(&d);
	dir = write_set("en", "routine", "[[a [[b]] c]]\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &uk, &d));
	diag_clear(&d);
	/* Not a key: kept; a NULL value outside a section: empty. */
	out = prompts_expand("Hi {name}!", keys + 2, vals + 2, 1);
	assert_string_equal(out, "Hi {name}!");
	free(out);
	vals[1] = NULL;
	out = prompts_expand("Hi {name}!", keys + 1, vals + 1, 1);
	assert_string_equal(out, "Hi !");
	free(out);
}

/* A shipped prompt in lang with {minutes} (and goal_max) set to n. */
static char *
say_minutes(const struct prompts *ps, const char *lang, const char *name,
    const char *n)
{
	static const char *const keys[] = { "minutes", "week_minutes",
	    "goal_min", "goal_max", "week", "target", "goal" };
	const char	*vals[] = { n, n, "60", "120", "2", "30", "60-120" };
	const char	*t = prompts_lookup(ps, lang, name);

	assert_non_null(t);
	return prompts_expand(t, keys, vals, 7);
}

static void
expect_said(const struct prompts *ps, const char *lang, const char *name,
    const char *n, const char *want)
{
	char	*got = say_minutes(ps, lang, name, n);

	if (strstr(got, want) == NULL)
		fail_msg("%s/%s with %s: '%s' lacks '%s'", lang, name, n, got,
		    want);
	assert_null(strchr(got, '{'));
	assert_null(strchr(got, '|'));
	free(got);
}

/*
 * Issue 18: "You walked 1 minutes", "Saved: 1 minutes today", "Sie sind 1
 * Minuten gegangen".  The forms of a count are in the prompts, chosen by
 * each language's plural rules (prompts/<lang>/plural.txt): 0, 1 and 2 in
 * English, Spanish and German, in the keypad's read-back, what it says
 * when saved, the plan it reads out and the reminders.
 */
static void
test_plural_forms(void **state)
{
	static const struct {
		const char	*lang, *name, *n, *want;
	} cases[] = {
		{ "en", "voice_walk_confirm", "1", "You walked 1 minute." },
		{ "en", "voice_walk_confirm", "2", "You walked 2 minutes." },
		{ "en", "voice_walk_confirm", "0", "You walked 0 minutes." },
		{ "en", "voice_walk_saved", "1", "Saved: 1 minute today." },
		{ "en", "voice_walk_saved", "0", "Saved: 0 minutes today." },
		{ "en", "voice_walk_saved", "21", "Saved: 21 minutes today." },
		{ "en", "reminder_walk", "1", "aim for 1 minute today" },
		{ "en", "reminder_walk", "2", "aim for 2 minutes today" },
		{ "en", "reminder_summary", "1", "This week: 1 minute." },
		{ "en", "reminder_summary", "0", "This week: 0 minutes." },
		{ "en", "reminder_walk_logged", "1", "1 minute logged this week" },
		{ "en", "voice_exercises_plan", "1", "walk for 1 minute at" },
		{ "en", "voice_exercises_plan", "1", "60 to 120 minutes of" },
		{ "de", "voice_walk_confirm", "1", "Sie sind 1 Minute gegangen." },
		{ "de", "voice_walk_confirm", "2", "Sie sind 2 Minuten gegangen." },
		{ "de", "voice_walk_confirm", "0", "Sie sind 0 Minuten gegangen." },
		{ "de", "voice_walk_saved", "1", "heute 1 Minute." },
		{ "de", "voice_walk_saved", "2", "heute 2 Minuten." },
		{ "de", "reminder_walk", "1", "heute 1 Minute." },
		{ "de", "reminder_summary", "0", "Diese Woche: 0 Minuten." },
		{ "es", "voice_walk_confirm", "1", "Ha caminado 1 minuto." },
		{ "es", "voice_walk_confirm", "2", "Ha caminado 2 minutos." },
		{ "es", "voice_walk_confirm", "0", "Ha caminado 0 minutos." },
		{ "es", "voice_walk_saved", "1", "Guardado: 1 minuto hoy." },
		{ "es", "reminder_walk", "1", "hoy intente 1 minuto." },
		{ "es", "reminder_walk_logged", "2", "Muy bien: 2 minutos" },
		{ "es", "reminder_summary", "1", "Esta semana: 1 minuto." },
	};
	struct diag	 d;
	struct prompts	*ps;
	size_t		 i;

	diag_init(&d);
	ps = prompts_load(TEST_SRCDIR "/prompts", "en", &vars, &d);
	assert_non_null(ps);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_said(ps, cases[i].lang, cases[i].name, cases[i].n,
		    cases[i].want);
	prompts_free(ps);
	diag_clear(&d);
}

/* Forms and rules that are wrong are reported; a rule of its own works. */
static void
test_plural_errors(void **state)
{
	static const char *const keys[] = { "minutes" };
	struct diag	 d;
	struct prompts	*ps;
	const char	*dir, *vals[1];
	char		*got;

	dir = write_set("en", "none", "");
	testlib_write("p/en/voice_walk_saved.txt",
	    "{minutes} {minutes|one:minute|other:minutes}\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "p/en/voice_walk_saved.txt:1: the form 'one' "
	    "needs a rule for it in plural.txt", NULL));
	diag_clear(&d);

	testlib_write("p/en/plural.txt", "# c\none: n = 1 or\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "p/en/plural.txt: 'one: n = 1 or': an operand",
	    NULL));
	diag_clear(&d);

	testlib_write("p/en/voice_walk_saved.txt",
	    "{minutes|other:minutes|one:minute}\n");
	testlib_write("p/en/plural.txt", "one: n = 1\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "p/en/voice_walk_saved.txt:1: "
	    "{minutes|other:minutes|one:minute}: the form for 'other' comes "
	    "last", NULL));
	diag_clear(&d);

	testlib_write("p/en/voice_walk_saved.txt", "{minutes|one:minute}\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "the form for 'other' is missing", NULL));
	diag_clear(&d);

	testlib_write("p/en/help.txt", "{clinic_name|one:a|other:b}\n");
	testlib_write("p/en/voice_walk_saved.txt", "{minutes} min\n");
	diag_init(&d);
	assert_null(prompts_load(dir, "en", &vars, &d));
	assert_true(has_diag(&d, "plural forms are for a count filled when "
	    "the message is sent", NULL));
	diag_clear(&d);

	/* Polish, as CLDR writes it: one, few, many. */
	testlib_write("p/en/help.txt", "Call {emergency_number}.\n");
	testlib_write("p/en/plural.txt", "one: i = 1 and v = 0 @integer 1\n"
	    "few: v = 0 and i % 10 = 2..4 and i % 100 != 12..14\n"
	    "many: v = 0 and i != 1 and i % 10 = 0..1 or v = 0 and "
	    "i % 10 = 5..9 or v = 0 and i % 100 = 12..14\n");
	testlib_write("p/en/voice_walk_saved.txt", "{minutes} "
	    "{minutes|one:minuta|few:minuty|many:minut|other:minuty}\n");
	diag_init(&d);
	ps = prompts_load(dir, "en", &vars, &d);
	assert_non_null(ps);
	{
		static const char *const want[][2] = {
			{ "1", "1 minuta" }, { "2", "2 minuty" },
			{ "4", "4 minuty" }, { "5", "5 minut" },
			{ "12", "12 minut" }, { "22", "22 minuty" },
			{ "0", "0 minut" }, { "111", "111 minut" },
			{ "many", "many minuty" },
		};
		size_t	i;

		for (i = 0; i < sizeof want / sizeof want[0]; i++) {
			vals[0] = want[i][0];
			got = prompts_expand(prompts_lookup(ps, "en",
			    "voice_walk_saved"), keys, vals, 1);
			assert_string_equal(got, want[i][1]);
			free(got);
		}
	}
	prompts_free(ps);
	diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_prompts),
		cmocka_unit_test(test_errors_have_file_and_line),
		cmocka_unit_test(test_optional_sections),
		cmocka_unit_test(test_plural_forms),
		cmocka_unit_test(test_plural_errors),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
