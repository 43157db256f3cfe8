/* SPDX-License-Identifier: ISC */
/*
 * Configuration: defaults, every kind of mistake reported with file:line,
 * all problems at once, relative paths, the token override.
 */
#include "testlib.h"

#include "conf.h"
#include "diag.h"
#include "prompts.h"
#include "settings.h"

static void
test_good_file_and_defaults(void **state)
{
	struct diag	 d;
	struct conf	*c;
	const char	*path = testlib_write("good.ini", TESTLIB_CONF);

	diag_init(&d);
	c = conf_load(path, &d);
	assert_non_null(c);
	assert_int_equal(d.nerrors, 0);
	assert_string_equal(c->listen_host, "127.0.0.1");
	assert_int_equal(c->listen_port, 0);
	assert_string_equal(c->public_url, "https://clinic.example.org");
	assert_string_equal(c->provider, "console");	/* default */
	assert_true(c->verify_signatures);		/* default */
	assert_string_equal(c->timezone, "Europe/London");
	assert_string_equal(c->emergency_number, "999");
	assert_int_equal(c->request_timeout, 10);
	assert_null(c->port_file);
	conf_free(c);
	diag_clear(&d);
}

static void
test_every_problem_with_its_line(void **state)
{
	struct diag	 d;
	const char	*path = testlib_write("bad.ini",
	    "[server]\n"			/* 1 */
	    "listen = nope\n"			/* 2 */
	    "colour = blue\n"			/* 3 */
	    "[bogus]\n"				/* 4 */
	    "x = 1\n"				/* 5 */
	    "y = 2\n"				/* 6 */
	    "[clinic]\n"			/* 7 */
	    "phone = 0123\n"			/* 8 */
	    "on_call = +447700900123\n"		/* 9 */
	    "on_call = +447700900124\n"		/* 10 */
	    "timezone = Mars/Olympus\n"		/* 11 */
	    "emergency_number = nine\n"		/* 12 */
	    "[server]\n"			/* 13 */
	    "request_timeout = 0\n"		/* 14 */
	    "this line has no equals sign\n"	/* 15 */
	    "[provider]\n"			/* 16 */
	    "auth_token = x\n"			/* 17 */
	    "verify_signatures = maybe\n");	/* 18 */

	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "bad.ini:2:", "listen"));
	assert_true(has_diag(&d, "bad.ini:3:", "unknown key 'colour' in [server]"));
	/* At its header line, once, not again for each key in it. */
	assert_true(has_diag(&d, "bad.ini:4:", "unknown section [bogus]"));
	assert_false(has_diag(&d, "bad.ini:5:", NULL));
	assert_false(has_diag(&d, "bad.ini:6:", NULL));
	assert_true(has_diag(&d, "bad.ini:8:", "E.164"));
	assert_true(has_diag(&d, "bad.ini:10:", "set twice (first on line 9)"));
	assert_true(has_diag(&d, "bad.ini:11:", "time zone"));
	assert_true(has_diag(&d, "bad.ini:12:", "emergency_number"));
	assert_true(has_diag(&d, "bad.ini:14:", "from 1 to 300"));
	assert_true(has_diag(&d, "bad.ini:15:", "syntax error"));
	assert_true(has_diag(&d, "bad.ini:18:", "yes or no"));
	diag_clear(&d);
}

static void
test_required_keys(void **state)
{
	struct diag	 d;
	const char	*path = testlib_write("min.ini", "[server]\nlisten = 127.0.0.1:1\n");

	unsetenv("CLOTLINE_AUTH_TOKEN");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "[clinic] phone is required", NULL));
	assert_true(has_diag(&d, "[clinic] on_call is required", NULL));
	assert_true(has_diag(&d, "auth_token", "verify_signatures"));
	assert_true(has_diag(&d, "[server] public_url is required", NULL));
	diag_clear(&d);

	path = testlib_write("twilio.ini", TESTLIB_CONF "[provider]\nname = twilio\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "account_sid is required for twilio", NULL));
	assert_true(has_diag(&d, "from is required for twilio", NULL));
	diag_clear(&d);
}

/* [storage]: the backend by name, what PostgreSQL needs, the lease. */
static void
test_storage_backend(void **state)
{
	struct diag	 d;
	struct conf	*c;
	const char	*path;

	diag_init(&d);
	c = conf_load(testlib_write("sq.ini", TESTLIB_CONF), &d);
	assert_non_null(c);
	assert_string_equal(c->storage_backend, "sqlite");
	assert_true(conf_storage_is_file(c));
	assert_string_equal(conf_storage_location(c), c->database);
	conf_free(c);
	diag_clear(&d);

	path = testlib_write("bk.ini", TESTLIB_CONF
	    "[storage]\nbackend = oracle\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "[storage] backend: 'oracle'", "sqlite"));
	diag_clear(&d);

#ifdef HAVE_LIBPQ
	path = testlib_write("pgno.ini", TESTLIB_CONF
	    "[storage]\nbackend = postgresql\nlease = 30\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "[storage] url is required", NULL));
	assert_true(has_diag(&d, "[storage] lease = 30 must exceed", "40 s"));
	diag_clear(&d);

	path = testlib_write("pg.ini", TESTLIB_CONF
	    "[storage]\nbackend = postgresql\n"
	    "url = postgresql:///clotline?host=/run/postgresql\n");
	diag_init(&d);
	c = conf_load(path, &d);
	assert_non_null(c);
	assert_false(conf_storage_is_file(c));
	assert_string_equal(conf_storage_location(c),
	    "postgresql:///clotline?host=/run/postgresql");
	assert_int_equal(c->claim_lease, 120);
	conf_free(c);
	diag_clear(&d);
#else
	path = testlib_write("pg.ini", TESTLIB_CONF
	    "[storage]\nbackend = postgresql\nurl = x\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "built without libpq", NULL));
	diag_clear(&d);
#endif
}

static void
test_missing_file(void **state)
{
	struct diag	d;

	diag_init(&d);
	assert_null(conf_load("/nonexistent/clotline.ini", &d));
	assert_true(has_diag(&d, "/nonexistent/clotline.ini: cannot open", NULL));
	diag_clear(&d);
}

static void
test_relative_paths_and_listen_forms(void **state)
{
	struct diag	 d;
	struct conf	*c;
	const char	*path = testlib_write("rel.ini", TESTLIB_CONF
	    "[server]\n");	/* a repeated section is allowed */
	char		 want[600];

	(void)path;
	path = testlib_write("rel2.ini",
	    "[server]\nlisten = [::1]:8081\nport_file = run/port\n"
	    "public_url = https://clinic.example.org/hooks/\n"
	    "[storage]\ndatabase = data/c.db\n"
	    "[provider]\nauth_token = t\n"
	    "[clinic]\nphone = +441234567890\non_call = +447700900123\n");
	diag_init(&d);
	c = conf_load(path, &d);
	assert_non_null(c);
	assert_string_equal(c->listen_host, "::1");
	assert_int_equal(c->listen_port, 8081);
	snprintf(want, sizeof want, "%s/run/port", testlib_tmpdir());
	assert_string_equal(c->port_file, want);
	snprintf(want, sizeof want, "%s/data/c.db", testlib_tmpdir());
	assert_string_equal(c->database, want);
	assert_string_equal(c->public_url, "https://clinic.example.org/hooks");
	conf_free(c);
	diag_clear(&d);
}

static void
test_token_from_environment_and_secret_not_echoed(void **state)
{
	struct diag	 d;
	struct conf	*c;
	const char	*path = testlib_write("env.ini", TESTLIB_CONF);

	setenv("CLOTLINE_AUTH_TOKEN", "from-env", 1);
	diag_init(&d);
	c = conf_load(path, &d);
	assert_non_null(c);
	assert_string_equal(c->auth_token, "from-env");
	conf_free(c);
	unsetenv("CLOTLINE_AUTH_TOKEN");
	diag_clear(&d);

	path = testlib_write("badurl.ini",
	    "[server]\npublic_url = ftp://x\n[provider]\nauth_token = t\n"
	    "[clinic]\nphone = +441234567890\non_call = +447700900123\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "public_url", "http://"));
	diag_clear(&d);
}

/*
 * A clinic name that is not UTF-8 (a file saved as Latin-1) would reach
 * every SMS and TwiML reply, and its last byte made prompt loading read
 * past the text (found by fuzz/fuzz_conf): refused with its line.
 */
static void
test_text_must_be_utf8(void **state)
{
	struct diag	 d;
	const char	*path = testlib_write("latin1.ini",
	    "[server]\npublic_url = https://clinic.example.org\n"
	    "[provider]\nauth_token = t\n[clinic]\nname = Klinik K\xf6ln\n"
	    "phone = +441234567890\non_call = +447700900123\n");

	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "latin1.ini:6:", "not valid UTF-8"));
	diag_clear(&d);
}

static void
test_long_line(void **state)
{
	struct diag	 d;
	char		 text[1024];

	snprintf(text, sizeof text, "%s[clinic]\nname = %0400d\n", TESTLIB_CONF, 7);
	diag_init(&d);
	assert_null(conf_load(testlib_write("long.ini", text), &d));
	assert_true(has_diag(&d, "long.ini:15:", "longer than"));
	diag_clear(&d);
}

/*
 * The on-call chain and the numbers by calling code (issue 16): the
 * longest code wins, others get emergency_number; every mistake named.
 */
static void
test_chain_and_numbers_by_country(void **state)
{
	struct diag	 d;
	struct conf	*c;
	const char	*path = testlib_write("chain.ini", TESTLIB_CONF
	    "on_call_backup = +447700900124 , +447700900125\n"
	    "emergency_numbers = +1=911, +34=112, +49=112, +1787=112\n"
	    "[escalation]\n"
	    "ack_timeout = 300\n");

	diag_init(&d);
	c = conf_load(path, &d);
	assert_non_null(c);
	assert_int_equal(c->nchain, 3);
	assert_string_equal(c->chain[0], "+447700900123");
	assert_string_equal(c->chain[2], "+447700900125");
	assert_true(conf_is_on_call(c, "+447700900124"));
	assert_false(conf_is_on_call(c, "+447700900126"));
	assert_int_equal(c->ack_timeout, 300);
	assert_int_equal(c->alert_stuck_after, 120);
	assert_string_equal(conf_emergency_number(c, "+34600000001"), "112");
	assert_string_equal(conf_emergency_number(c, "+12025550101"), "911");
	assert_string_equal(conf_emergency_number(c, "+17875550101"), "112");
	assert_string_equal(conf_emergency_number(c, "+447700900001"), "999");
	assert_string_equal(conf_emergency_number(c, "+33600000001"), "999");
	assert_string_equal(conf_emergency_number(c, NULL), "999");
	assert_string_equal(conf_urgent_number(c, "+447700900001"), "111");
	assert_null(conf_urgent_number(c, "+34600000001"));
	conf_free(c);
	diag_clear(&d);

	path = testlib_write("chainbad.ini", TESTLIB_CONF
	    "on_call_backup = +447700900123, 0207\n"
	    "emergency_numbers = +34=112, 49=112\n"
	    "urgent_numbers = +44=111, +44=112\n"
	    "[escalation]\n"
	    "ack_timeout = 0\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "chainbad.ini:", "'0207' is not an E.164"));
	assert_true(has_diag(&d, "chainbad.ini:", "entry 2: expected +CODE=NUMBER"));
	assert_true(has_diag(&d, "chainbad.ini:", "+44 is given twice"));
	assert_true(has_diag(&d, "chainbad.ini:", "ack_timeout"));
	diag_clear(&d);

	path = testlib_write("chaindup.ini", TESTLIB_CONF
	    "on_call_backup = +447700900123\n");
	diag_init(&d);
	assert_null(conf_load(path, &d));
	assert_true(has_diag(&d, "chaindup.ini:", "already on_call"));
	diag_clear(&d);
}

/* The prompts a patient is answered with carry their country's numbers. */
static void
test_prompts_by_country(void **state)
{
	struct diag		 d;
	struct settings		*s;
	const char		*t;

	diag_init(&d);
	s = settings_load(testlib_write("country.ini", TESTLIB_CONF
	    "emergency_numbers = +34=112, +1=911\n"), &d);
	assert_non_null(s);
	t = prompts_lookup(settings_prompts(s, "+34600000001"), "es",
	    "emergency");
	assert_non_null(strstr(t, "112"));
	assert_null(strstr(t, "999"));
	t = prompts_lookup(settings_prompts(s, "+12025550101"), "en",
	    "urgent_leg");
	assert_non_null(strstr(t, "call 911 now"));
	assert_null(strstr(t, "111"));
	t = prompts_lookup(settings_prompts(s, "+447700900001"), "en",
	    "urgent_leg");
	assert_non_null(strstr(t, "call 111, or call"));
	assert_non_null(strstr(t, "999"));
	/* Reminders too: the weekly summary names the emergency number. */
	t = prompts_lookup(settings_prompts(s, "+34600000001"), "en",
	    "reminder_summary");
	assert_non_null(strstr(t, "call 112"));
	/* Staff and unknown codes: the clinic's own. */
	assert_true(settings_prompts(s, NULL) == s->prompts);
	assert_true(settings_prompts(s, "+33600000001") == s->prompts);
	settings_free(s);
	diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file_and_defaults),
		cmocka_unit_test(test_every_problem_with_its_line),
		cmocka_unit_test(test_required_keys),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_storage_backend),
		cmocka_unit_test(test_relative_paths_and_listen_forms),
		cmocka_unit_test(test_token_from_environment_and_secret_not_echoed),
		cmocka_unit_test(test_text_must_be_utf8),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_chain_and_numbers_by_country),
		cmocka_unit_test(test_prompts_by_country),
	};
	int	rc;

	unsetenv("CLOTLINE_AUTH_TOKEN");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	testlib_cleanup();
	return rc;
}
