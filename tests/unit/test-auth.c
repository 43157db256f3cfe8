/* SPDX-License-Identifier: ISC */
/*
 * Staff API tokens: loading from the environment and from a token file,
 * the checks on both, and the comparison of presented tokens.
 */
#include "testlib.h"

#include <sys/stat.h>

#include "auth.h"

#define TOKEN_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN_B "0123456789abcdef0123456789abcdef"

static void
test_none_is_disabled(void **state)
{
	struct auth	*a;
	struct diag	 d;

	diag_init(&d);
	a = auth_load(NULL, NULL, &d);
	assert_non_null(a);
	assert_int_equal(d.n, 0);
	assert_int_equal(auth_count(a), 0);
	/* Disabled means closed, never open: nothing passes, not even "". */
	assert_null(auth_check(a, "Bearer "));
	assert_null(auth_check(a, "Bearer x"));
	assert_null(auth_check(a, NULL));
	auth_free(a);
	auth_free(NULL);
	/* An empty variable is as good as unset. */
	a = auth_load(NULL, "", &d);
	assert_int_equal(auth_count(a), 0);
	auth_free(a);
	diag_clear(&d);
}

static void
test_env_token(void **state)
{
	struct auth	*a;
	struct diag	 d;
	const char	*path;

	diag_init(&d);
	path = testlib_write("env-loses.tokens", "alice " TOKEN_B "\n");
	chmod(path, 0600);
	/* The environment overrides the file. */
	a = auth_load(path, TOKEN_A, &d);
	assert_non_null(a);
	assert_int_equal(d.n, 0);
	assert_int_equal(auth_count(a), 1);
	assert_string_equal(auth_check(a, "Bearer " TOKEN_A), "api");
	assert_string_equal(auth_check(a, "bearer " TOKEN_A), "api");
	assert_null(auth_check(a, "Bearer " TOKEN_B));
	/* Prefixes, extensions, other schemes and the bare token fail. */
	assert_null(auth_check(a, "Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_null(auth_check(a, "Bearer " TOKEN_A "a"));
	assert_null(auth_check(a, "Basic " TOKEN_A));
	assert_null(auth_check(a, TOKEN_A));
	assert_null(auth_check(a, "Bearer"));
	assert_null(auth_check(a, ""));
	assert_null(auth_check(a, NULL));
	assert_null(auth_check(a, "Bearer " TOKEN_A " extra"));
	auth_free(a);
	diag_clear(&d);
}

static void
test_token_file(void **state)
{
	struct auth	*a;
	struct diag	 d;
	const char	*path;

	diag_init(&d);
	path = testlib_write("good.tokens",
	    "# staff tokens\n"
	    "\n"
	    "alice " TOKEN_A "\n"
	    "  bob\t" TOKEN_B "  \n"
	    "cccccccccccccccccccccccccccccccc\n");
	chmod(path, 0600);
	a = auth_load(path, NULL, &d);
	assert_non_null(a);
	assert_int_equal(d.n, 0);
	assert_int_equal(auth_count(a), 3);
	assert_string_equal(auth_check(a, "Bearer " TOKEN_A), "alice");
	assert_string_equal(auth_check(a, "Bearer " TOKEN_B), "bob");
	assert_string_equal(auth_check(a,
	    "Bearer cccccccccccccccccccccccccccccccc"), "api");
	/* A name is not a token. */
	assert_null(auth_check(a, "Bearer alice"));
	auth_free(a);
	diag_clear(&d);
}

static void
test_token_file_errors(void **state)
{
	struct auth	*a;
	struct diag	 d;
	const char	*path;

	diag_init(&d);
	path = testlib_write("bad.tokens",
	    "alice " TOKEN_A "\n"
	    "alice " TOKEN_B "\n"
	    "bad/name " TOKEN_B "\n"
	    "x y z\n");
	chmod(path, 0600);
	a = auth_load(path, NULL, &d);
	assert_null(a);
	assert_true(has_diag(&d, "bad.tokens:2:", "used twice"));
	assert_true(has_diag(&d, "bad.tokens:3:", "bad/name"));
	assert_true(has_diag(&d, "bad.tokens:4:", "NAME TOKEN"));
	/* No diagnostic ever shows a token. */
	assert_false(has_diag(&d, TOKEN_A, NULL));
	assert_false(has_diag(&d, TOKEN_B, NULL));
	diag_clear(&d);

	path = testlib_write("empty.tokens", "# nothing yet\n");
	chmod(path, 0600);
	assert_null(auth_load(path, NULL, &d));
	assert_true(has_diag(&d, "empty.tokens", "no token"));
	diag_clear(&d);

	assert_null(auth_load("/nonexistent/admin.token", NULL, &d));
	assert_true(has_diag(&d, "/nonexistent/admin.token", "cannot open"));
	diag_clear(&d);

	/* Short tokens and files others can read work, with a warning. */
	path = testlib_write("weak.tokens", "short\n");
	chmod(path, 0644);
	a = auth_load(path, NULL, &d);
	assert_non_null(a);
	assert_int_equal(d.nerrors, 0);
	assert_true(has_diag(&d, "weak.tokens", "shorter than 16"));
	assert_true(has_diag(&d, "weak.tokens", "chmod 600"));
	assert_string_equal(auth_check(a, "Bearer short"), "api");
	auth_free(a);
	diag_clear(&d);
}

static void
test_names(void **state)
{
	assert_true(auth_name_valid("alice"));
	assert_true(auth_name_valid("a.b-c_d@clinic"));
	assert_false(auth_name_valid(""));
	assert_false(auth_name_valid("a b"));
	assert_false(auth_name_valid("staff:ann"));
	assert_false(auth_name_valid("123456789012345678901234567890123"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none_is_disabled),
		cmocka_unit_test(test_env_token),
		cmocka_unit_test(test_token_file),
		cmocka_unit_test(test_token_file_errors),
		cmocka_unit_test(test_names),
	};
	int	rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
