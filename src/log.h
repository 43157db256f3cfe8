/* SPDX-License-Identifier: ISC */
/*
 * Logging to stderr, one line per event, for journald or a terminal.  When
 * stderr is journald's stream (JOURNAL_STREAM names it) each line carries a
 * <N> syslog priority prefix so journald files it at the right level.
 *
 * Health data rules: message bodies are logged only at debug level, and phone
 * numbers only through log_phone(), which keeps the last three digits.
 */
#ifndef CLOTLINE_LOG_H
#define CLOTLINE_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Reads JOURNAL_STREAM once: call it before logging. */
void	 log_init(const char *progname);
/* 1 if journal_stream ("DEV:INODE", may be NULL) names this stderr. */
int	 log_stderr_is_journal(const char *journal_stream);
void	 log_set_level(enum log_level);
enum log_level log_get_level(void);
/* Parses "error".."debug"; returns -1 for an unknown name. */
int	 log_level_from_name(const char *, enum log_level *);

void	 log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Logs at error level and exits 1: start-up failures and broken invariants only. */
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#define LOG_PHONE_SIZE 16
#define LOG_REDACT_DIGITS 4	/* digits in a row that log_redact_digits hides */
/*
 * Writes a redacted form of a phone number into buf ("***123": the last three
 * digits, nothing else) and returns buf.  Safe for NULL and for junk input.
 */
const char *log_phone(const char *phone, char buf[LOG_PHONE_SIZE]);
/*
 * Replaces, in place, every digit of each run of 4 or more digits (runs may
 * be split by single spaces, '-', '/' or '.', as in "485 777 3456") with
 * '#', so that numbers quoted in free text (a patient's message, a
 * provider's error) cannot identify anyone.
 */
void	 log_redact_digits(char *s);

#endif
