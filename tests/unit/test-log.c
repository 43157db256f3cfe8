/* SPDX-License-Identifier: ISC */
/*
 * Phone numbers in logs keep their last three digits and nothing else; one
 * call writes one line, whatever its arguments hold.
 */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static void
test_redaction(void **state)
{
	char	buf[LOG_PHONE_SIZE];

	assert_string_equal(log_phone("+447700900123", buf), "***123");
	assert_string_equal(log_phone("+1 (415) 867-5309", buf), "***309");
	assert_string_equal(log_phone("+12", buf), "***12");
	assert_string_equal(log_phone("", buf), "***");
	assert_string_equal(log_phone(NULL, buf), "***");
	assert_string_equal(log_phone("client:alice", buf), "***");
	assert_null(strstr(log_phone("+447700900123", buf), "4477"));
}

static void
test_redact_digits(void **state)
{
	char	a[] = "The 'To' number +33600000000 is not a valid phone number.";
	char	b[] = "To number: +61 412 345 678, is not a mobile number";
	char	c[] = "my NHS number is 485 777 3456 and I walked 20 min";
	char	d[] = "error 123 at 10.5";

	log_redact_digits(a);
	assert_string_equal(a, "The 'To' number +########### is not a valid "
	    "phone number.");
	log_redact_digits(b);
	assert_string_equal(b, "To number: +## ### ### ###, is not a mobile number");
	log_redact_digits(c);
	assert_string_equal(c, "my NHS number is ### ### #### and I walked 20 min");
	log_redact_digits(d);		/* short runs are kept */
	assert_string_equal(d, "error 123 at 10.5");
}

static void
test_level_names(void **state)
{
	enum log_level	l;

	assert_int_equal(log_level_from_name("debug", &l), 0);
	assert_int_equal(l, LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_from_name("WARN", &l), 0);
	assert_int_equal(l, LOG_LEVEL_WARN);
	assert_int_equal(log_level_from_name("loud", &l), -1);
}

/* What log_info writes to stderr, read back through a pipe. */
static void
test_one_line(void **state)
{
	char	buf[256];
	ssize_t	len;
	int	fds[2], saved;

	unsetenv("JOURNAL_STREAM");
	log_init("clotline");
	log_set_level(LOG_LEVEL_INFO);
	assert_int_equal(pipe(fds), 0);
	saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	log_info("sms: %s from %s", "SM1\nclotline: error: forged\r",
	    "\t\x1b[31m\x7f\xc3\xa9");
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(fds[1]);
	len = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	assert_true(len > 0);
	buf[len] = '\0';
	/* Control characters become '?'; UTF-8 (é) is kept. */
	assert_string_equal(buf, "clotline: info: sms: SM1?clotline: error: "
	    "forged? from ??[31m?\xc3\xa9\n");
}

/*
 * JOURNAL_STREAM counts only when it names this stderr: a terminal or a
 * pipe with the variable inherited from a service gets plain lines.
 */
static void
test_journal_stream(void **state)
{
	struct stat	st;
	char		buf[256], var[64];
	ssize_t		len;
	int		fds[2], saved;

	assert_int_equal(pipe(fds), 0);
	saved = dup(STDERR_FILENO);
	assert_int_equal(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(var, sizeof var, "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	assert_true(log_stderr_is_journal(var));
	assert_false(log_stderr_is_journal(NULL));
	assert_false(log_stderr_is_journal("8:1"));
	assert_false(log_stderr_is_journal(""));
	assert_false(log_stderr_is_journal("junk"));
	snprintf(var, sizeof var, "%llu:%llux", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	assert_false(log_stderr_is_journal(var));
	snprintf(var, sizeof var, "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", var, 1);
	log_init("clotline");
	log_set_level(LOG_LEVEL_INFO);
	log_error("matched");
	setenv("JOURNAL_STREAM", "8:1", 1);
	log_init("clotline");
	log_error("inherited");
	unsetenv("JOURNAL_STREAM");
	log_init("clotline");
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(fds[1]);
	len = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	assert_true(len > 0);
	buf[len] = '\0';
	assert_string_equal(buf, "<3>error: matched\nclotline: error: inherited\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_redaction),
		cmocka_unit_test(test_redact_digits),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_journal_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
