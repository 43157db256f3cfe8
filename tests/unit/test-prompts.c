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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_prompts),
		cmocka_unit_test(test_errors_have_file_and_line),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
