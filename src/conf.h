/* SPDX-License-Identifier: ISC */
/*
 * The gateway's configuration: an INI file (sections and keys as in
 * shared/spec/interface.md) read with inih, checked against one table of
 * keys, defaults and validators in conf.c.  A loaded struct conf is complete
 * and valid or it does not exist: the daemon never runs half-configured.
 *
 * Named conf, not config, because autoconf owns config.h.
 */
#ifndef CLOTLINE_CONF_H
#define CLOTLINE_CONF_H

#include <stdio.h>

#include "diag.h"
#include "log.h"

#define CONF_CHAIN_MAX	8	/* on-call numbers in all */
#define CONF_DIAL_MAX	32	/* calling codes in one map */

struct conf {
	char		*path;			/* the file it came from */

	/* [server] */
	char		*listen_host;
	int		 listen_port;		/* 0: any free port */
	char		*public_url;		/* no trailing slash */
	char		*port_file;		/* NULL when unset */
	char		*prompts_dir;
	enum log_level	 log_level;
	int		 request_timeout;	/* seconds */
	int		 shutdown_timeout;	/* seconds */

	/* [storage] */
	char		*storage_backend;	/* "sqlite" or "postgresql" */
	char		*database;		/* sqlite */
	char		*storage_url;		/* postgresql: libpq URI */
	int		 busy_timeout_ms;
	int		 claim_lease;		/* seconds (shared store) */

	/* [provider] */
	char		*provider;		/* "console" or "twilio" */
	char		*account_sid;
	char		*auth_token;		/* secret: never log */
	char		*auth_token_file;	/* where auth_token came from */
	char		*from;
	char		*api_base;		/* NULL: the provider's own */
	char		*api_key;
	char		*api_secret;		/* secret: never log */
	char		*signature_secret;	/* secret: never log */
	char		*signature_method;	/* md5hash, md5, sha1, ... */
	int		 parts_wait;		/* seconds, for a long message's parts */
	int		 verify_signatures;
	char		*console_log;		/* NULL: stderr */

	/* [outbox] */
	int		 outbox_rate;		/* messages/s per sending number */
	int		 max_in_flight;
	int		 connect_timeout;	/* seconds */
	int		 send_timeout;		/* seconds */
	int		 unknown_grace;		/* seconds */
	int		 retry_initial_ms;
	int		 retry_max;		/* seconds */
	int		 alert_max_age;		/* seconds */
	int		 reminder_max_age;	/* seconds */
	int		 loop_limit;
	int		 poll_interval;		/* seconds */
	int		 stall_after;		/* seconds */

	/* [reminders] */
	char		*plans_dir;
	int		 plans_dir_given;	/* set in the file, not defaulted */
	int		 catch_up;		/* seconds */
	int		 reminder_poll;		/* seconds */

	/* [clinic] */
	char		*clinic_name;
	char		*clinic_phone;
	char		*emergency_number;
	char		*on_call;
	char		*on_call_backup;	/* as written; NULL when unset */
	char		*emergency_numbers;	/* as written; NULL when unset */
	char		*urgent_numbers;	/* as written; NULL when unset */
	char		*timezone;
	char		*language;

	/* [escalation] */
	int		 ack_timeout;		/* seconds */
	int		 alert_stuck_after;	/* seconds */

	/*
	 * Derived when loaded: the on-call chain (on_call, then each
	 * on_call_backup in turn) and the numbers by calling code.
	 */
	char		*chain[CONF_CHAIN_MAX];	/* owned */
	size_t		 nchain;
	struct conf_dial {
		char	 prefix[8];		/* "+34" */
		char	 number[8];		/* "112" */
	}		 emergency_map[CONF_DIAL_MAX], urgent_map[CONF_DIAL_MAX];
	size_t		 nemergency, nurgent;

	/* [admin] */
	char		*token_file;
	int		 admin_allow_remote;	/* API from non-loopback peers */
	char		*console_dir;		/* NULL: prompts_dir/../console */
	int		 session_lifetime;	/* console sign-in, seconds */
};

/*
 * Reads and validates path.  On success returns a new conf (free with
 * conf_free) and may still add warnings to diag; on any error returns NULL
 * with every problem in diag as "file:line: message".  Relative paths in the
 * file are resolved against the file's own directory.  The environment
 * variable CLOTLINE_AUTH_TOKEN overrides [provider] auth_token and
 * auth_token_file (the file's first line).
 */
struct conf	*conf_load(const char *path, struct diag *);
/*
 * For check-config, which goes on to the prompts, rules and plans after a
 * bad key: as conf_load, but when the file could be read, returns the conf
 * even with errors (a bad value keeps its default) and sets *bad to 1 if
 * there were any.  Never run on such a conf.
 */
struct conf	*conf_load_lenient(const char *path, struct diag *, int *bad);
void		 conf_free(struct conf *);

/*
 * Parses a whole decimal number from min to max into *out; -1 if s is
 * anything else.  Shared with the other INI readers (plan.c).
 */
int		 conf_parse_int(const char *s, long min, long max, int *out);

/*
 * The emergency number for a patient's number: the [clinic]
 * emergency_numbers entry with the longest calling code that phone starts
 * with, else emergency_number.  phone may be NULL (the clinic's).  Borrowed.
 */
const char	*conf_emergency_number(const struct conf *, const char *phone);
/* The same for [clinic] urgent_numbers; NULL when none applies. */
const char	*conf_urgent_number(const struct conf *, const char *phone);
/* 1 if phone is one of the on-call chain's numbers. */
int		 conf_is_on_call(const struct conf *, const char *phone);

/* Prints every key with its section, default and meaning (for --help). */
void		 conf_print_keys(FILE *);

/*
 * Where [storage] backend keeps the data, for storage_open: the SQLite
 * file, or the PostgreSQL connection URI.  Borrowed from c.
 */
const char	*conf_storage_location(const struct conf *c);
/* 1 when the store is the SQLite file (a file the service user owns). */
int		 conf_storage_is_file(const struct conf *c);

#endif
