/* SPDX-License-Identifier: ISC */
/*
 * Leveled logging to stderr (see log.h).  Lines are written with one write()
 * each so concurrent writers do not interleave within a line, and control
 * characters in a message are written as '?', so each call is one line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static const char	*log_progname = "clotline";
static enum log_level	 log_level = LOG_LEVEL_INFO;
static int		 log_journal;

static const struct {
	const char	*name;
	int		 syslog_prio;
} log_levels[] = {
	[LOG_LEVEL_ERROR] =	{ "error", 3 },
	[LOG_LEVEL_WARN] =	{ "warning", 4 },
	[LOG_LEVEL_NOTICE] =	{ "notice", 5 },
	[LOG_LEVEL_INFO] =	{ "info", 6 },
	[LOG_LEVEL_DEBUG] =	{ "debug", 7 },
};

/*
 * systemd sets JOURNAL_STREAM=DEV:INODE for a service whose stderr is
 * journald's socket; the variable is inherited by everything the service
 * starts, a shell's children too, so it counts only when it names the
 * stderr this process has (systemd.exec(5)).
 */
int
log_stderr_is_journal(const char *journal_stream)
{
	struct stat		 st;
	unsigned long long	 dev, ino;
	char			*end;

	if (journal_stream == NULL || fstat(STDERR_FILENO, &st) == -1)
		return 0;
	errno = 0;
	dev = strtoull(journal_stream, &end, 10);
	if (errno != 0 || end == journal_stream || *end != ':')
		return 0;
	journal_stream = end + 1;
	ino = strtoull(journal_stream, &end, 10);
	if (errno != 0 || end == journal_stream || *end != '\0')
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname)
{
	if (progname != NULL)
		log_progname = progname;
	log_journal = log_stderr_is_journal(getenv("JOURNAL_STREAM"));
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_from_name(const char *name, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < sizeof log_levels / sizeof log_levels[0]; i++) {
		if (strcasecmp(name, log_levels[i].name) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(name, "warn") == 0) {
		*out = LOG_LEVEL_WARN;
		return 0;
	}
	return -1;
}

static void __attribute__((format(printf, 2, 0)))
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char	line[2048], *p;
	int	n, m;
	int	saved_errno = errno;

	if (level > log_level)
		return;
	if (log_journal)
		n = snprintf(line, sizeof line, "<%d>%s: ",
		    log_levels[level].syslog_prio, log_levels[level].name);
	else
		n = snprintf(line, sizeof line, "%s: %s: ", log_progname,
		    log_levels[level].name);
	if (n < 0 || (size_t)n >= sizeof line)
		n = 0;
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (m < 0)
		m = 0;
	p = line + n;
	n += m;
	if ((size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	/*
	 * One call, one line: a control character from outside (a MessageSid
	 * holding a newline, say) must not start a forged line of its own.
	 */
	for (; p < line + n; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
	errno = saved_errno;
}

#define LOG_FN(fn, level)					\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	ap;						\
								\
	va_start(ap, fmt);					\
	log_vwrite(level, fmt, ap);				\
	va_end(ap);						\
}

LOG_FN(log_error, LOG_LEVEL_ERROR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_notice, LOG_LEVEL_NOTICE)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_redact_digits(char *s)
{
	size_t	i, j, digits;
	char	*p;

	for (i = 0; s[i] != '\0'; i = j) {
		for (j = i, digits = 0; s[j] != '\0' &&
		    (isdigit((unsigned char)s[j]) || ((s[j] == ' ' ||
		    s[j] == '-' || s[j] == '/' || s[j] == '.') &&
		    j > i && isdigit((unsigned char)s[j + 1]))); j++)
			digits += isdigit((unsigned char)s[j]) != 0;
		if (digits >= LOG_REDACT_DIGITS)
			for (p = s + i; p < s + j; p++)
				if (isdigit((unsigned char)*p))
					*p = '#';
		if (j == i)
			j++;
	}
}

const char *
log_phone(const char *phone, char buf[LOG_PHONE_SIZE])
{
	char	 digits[3];
	size_t	 n = 0, i;
	const char *p;

	if (phone != NULL) {
		/* Keep only the last three digits, scanning from the end. */
		for (p = phone + strlen(phone); p > phone && n < 3; p--) {
			if (isdigit((unsigned char)p[-1]))
				digits[n++] = p[-1];
		}
	}
	memcpy(buf, "***", 3);
	for (i = 0; i < n; i++)
		buf[3 + i] = digits[n - 1 - i];
	buf[3 + n] = '\0';
	return buf;
}
