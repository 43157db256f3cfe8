/* SPDX-License-Identifier: ISC */
/*
 * clotline: the command line.  Each command parses its own options; serve
 * wires settings, storage and the HTTP server around one event_base and
 * turns signals into reload and shutdown.
 *
 * Exit codes: 0 success, 1 runtime failure, 2 usage error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "backup.h"
#include "conf.h"
#include "diag.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "oncall_cmd.h"
#include "settings.h"
#include "storage.h"
#include "patient_cmd.h"
#include "triage_cmd.h"

#ifdef CLOTLINE_TEST_CLOCK
#include "testclock.h"
#endif

#ifndef CLOTLINE_SYSCONFDIR
#define CLOTLINE_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF CLOTLINE_SYSCONFDIR "/clotline/clotline.ini"

#define EXIT_USAGE 2

static void
usage_main(FILE *fp)
{
	fprintf(fp,
"usage: clotline COMMAND [OPTIONS]\n"
"       clotline --help | --version\n"
"\n"
"clotline is the gateway behind a clinic's patient phone number for people\n"
"recovering from deep-vein thrombosis: it receives the messaging provider's\n"
"webhooks, triages what patients say, and answers with the clinic's advice.\n"
"\n"
"Commands:\n"
"  serve          run the gateway in the foreground\n"
"  check-config   validate the configuration, prompts and rules\n"
"  backup         copy the database while the gateway runs\n"
"  triage         triage a TSV conversation file offline, or evaluate the\n"
"                 rules against a labelled one (--eval)\n"
"  patient        staff commands on patients: add, list, show, update,\n"
"                 pause, resume, remove\n"
"  escalation     escalations to on-call staff: list, show, ack\n"
"  inbox          texts waiting for a person: list, done\n"
"\n"
"Run 'clotline COMMAND --help' for a command's options.\n"
"The default configuration file is " DEFAULT_CONF ".\n");
}

static void
usage_serve(FILE *fp)
{
	fprintf(fp,
"usage: clotline serve [-c FILE]\n"
"\n"
"Runs the gateway in the foreground, logging to standard error (journald\n"
"friendly).  The database is created and migrated at start.\n"
"\n"
"  -c, --config FILE   configuration file (default " DEFAULT_CONF ")\n"
"  -h, --help          show this help\n"
"\n"
"Signals:\n"
"  SIGTERM, SIGINT     stop accepting, finish replies in flight, exit 0\n"
"  SIGHUP              reload configuration, prompts, rules and reminder\n"
"                      plans; a bad new set is logged and rejected, the\n"
"                      old one stays\n"
"\n"
"Environment:\n"
"  CLOTLINE_AUTH_TOKEN overrides [provider] auth_token\n"
"  CLOTLINE_API_SECRET overrides [provider] api_secret\n"
"  CLOTLINE_SIGNATURE_SECRET overrides [provider] signature_secret\n"
"  CLOTLINE_ADMIN_TOKEN is the staff API's token, instead of [admin] token_file\n"
"\n"
"Configuration keys:\n");
	conf_print_keys(fp);
}

static void
usage_check_config(FILE *fp)
{
	fprintf(fp,
"usage: clotline check-config [-c FILE]\n"
"\n"
"Validates the configuration file, the prompts it points at, the triage\n"
"rules and the reminder plans, printing every problem as file:line: message.\n"
"Exits 0 when all is well, 1 otherwise.\n"
"\n"
"  -c, --config FILE   configuration file (default " DEFAULT_CONF ")\n"
"  -h, --help          show this help\n");
}

/* Parses "-c FILE" and "--help" for a command; returns -1 on a usage error. */
static int
parse_conf_opt(int argc, char **argv, void (*usage)(FILE *), const char **path)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int	ch;

	*path = DEFAULT_CONF;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*path = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "clotline: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Prints every diagnostic; returns 1 if any was an error. */
static int
print_diag(const struct diag *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->v[i].text);
	return d->nerrors > 0;
}

static int
cmd_check_config(int argc, char **argv)
{
	struct settings	*set;
	struct diag	 d;
	const char	*path;
	int		 rc;

	if (parse_conf_opt(argc, argv, usage_check_config, &path) == -1)
		return EXIT_USAGE;
	diag_init(&d);
	set = settings_load(path, &d);
	rc = print_diag(&d) || set == NULL;
	if (set != NULL && !set->conf->verify_signatures)
		fprintf(stderr, "%s: warning: verify_signatures = no: webhooks "
		    "are accepted unsigned; never in production\n", path);
	if (rc == 0)
		printf("%s: configuration, prompts, rules and plans are valid\n", path);
	settings_free(set);
	diag_clear(&d);
	return rc;
}


static unsigned long long
main_monotonic_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000;
}

static void
serve_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct lifecycle	*lc = arg;

	switch (sig) {
	case SIGHUP:
		/* systemctl reload waits from RELOADING=1 to READY=1. */
		notify_sendf("RELOADING=1\nMONOTONIC_USEC=%llu",
		    main_monotonic_usec());
		if (lifecycle_reload(lc) == 0)
			notify_send("READY=1\nSTATUS=serving; configuration "
			    "reloaded");
		else
			notify_send("READY=1\nSTATUS=serving on the previous "
			    "configuration: the reload was refused (clotline "
			    "check-config lists why)");
		break;
	case SIGTERM:
	case SIGINT:
		notify_send("STOPPING=1\nSTATUS=draining replies in flight");
		log_notice("shutdown: %s received",
		    sig == SIGTERM ? "SIGTERM" : "SIGINT");
		lifecycle_shutdown(lc);
		break;
	}
}

static int
cmd_serve(int argc, char **argv)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct event		*sigev[3];
	struct event_base	*base;
	struct settings		*set;
	struct storage		*st;
	struct storage_options	 sopts;
	struct lifecycle	*lc;
	struct metrics		 metrics;
	struct diag		 d;
	const char		*path;
	char			*err = NULL;
	size_t			 i;

	if (parse_conf_opt(argc, argv, usage_serve, &path) == -1)
		return EXIT_USAGE;
#ifdef CLOTLINE_TEST_CLOCK
	testclock_install();
#endif
	diag_init(&d);
	set = settings_load(path, &d);
	for (i = 0; i < d.n; i++)
		log_error("%s", d.v[i].text);
	diag_clear(&d);
	if (set == NULL)
		fatal("not starting: fix the configuration (clotline check-config -c %s)",
		    path);
	log_set_level(set->conf->log_level);
	if (!set->conf->verify_signatures)
		log_warn("SIGNATURE CHECKS ARE OFF (verify_signatures = no): "
		    "anyone can post webhooks; never run like this in production");

	/*
	 * SQLite waits for another process's lock by sleeping, and the daemon
	 * calls it on its event loop: background work (the outbox, the
	 * scheduler) never waits, it backs off and tries later; a request
	 * waits a little (server.c, SERVER_LOOP_BUSY_MS) and then answers 503.
	 */
	sopts.busy_timeout_ms = 0;
	sopts.lease = set->conf->claim_lease;
	if ((st = storage_open(set->conf->storage_backend,
	    conf_storage_location(set->conf), &sopts, &err)) == NULL)
		fatal("storage: %s", err);
	/* A PostgreSQL URL may carry a password: only SQLite's path is said. */
	log_info("storage: %s database%s%s at schema version %d",
	    storage_backend(st), conf_storage_is_file(set->conf) ? " " : "",
	    conf_storage_is_file(set->conf) ? set->conf->database : "",
	    storage_schema_version(st));

	signal(SIGPIPE, SIG_IGN);
	/* Only the daemon sends; the other commands never load TLS. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("cannot initialise libcurl");
	if ((base = event_base_new()) == NULL)
		fatal("cannot create the event loop");
	/*
	 * Three priorities: everything runs at the middle one (libevent's
	 * default), except the group commit (server.c) at the lowest, so it
	 * runs after the requests of a pass.
	 */
	if (event_base_priority_init(base, 3) == -1)
		fatal("cannot set up event priorities");
	metrics_init(&metrics, time(NULL));
	if ((lc = lifecycle_create(base, set, st, &metrics, path, &err)) == NULL)
		fatal("provider: %s", err);
	if (lifecycle_start(lc, &err) == -1)
		fatal("%s", err);
	for (i = 0; i < 3; i++) {
		sigev[i] = evsignal_new(base, sigs[i], serve_signal_cb, lc);
		if (sigev[i] == NULL || evsignal_add(sigev[i], NULL) == -1)
			fatal("cannot install signal handlers");
	}
	log_notice("clotline %s ready", PACKAGE_VERSION);
	if (notify_sendf("READY=1\nSTATUS=serving; clotline %s",
	    PACKAGE_VERSION) == -1)
		log_warn("systemd: cannot send READY=1 to NOTIFY_SOCKET: %s",
		    strerror(errno));
	event_base_dispatch(base);

	for (i = 0; i < 3; i++)
		event_free(sigev[i]);
	lifecycle_free(lc);
	storage_close(st);
	event_base_free(base);
	curl_global_cleanup();
	log_notice("shutdown: done");
	return 0;
}

static int
cmd_triage(int argc, char **argv)
{
	return triage_cmd(argc, argv, DEFAULT_CONF);
}

static int
cmd_backup(int argc, char **argv)
{
	return backup_cmd(argc, argv, DEFAULT_CONF);
}

static int
cmd_patient(int argc, char **argv)
{
	return patient_cmd(argc, argv, DEFAULT_CONF);
}

static int
cmd_oncall(int argc, char **argv)
{
	return oncall_cmd(argc, argv, DEFAULT_CONF);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		 (*fn)(int, char **);
	} cmds[] = {
		{ "serve", cmd_serve },
		{ "check-config", cmd_check_config },
		{ "triage", cmd_triage },
		{ "patient", cmd_patient },
		{ "escalation", cmd_oncall },
		{ "inbox", cmd_oncall },
		{ "backup", cmd_backup },
	};
	size_t	i;

	log_init("clotline");
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("clotline %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "clotline: unknown command '%s' (try clotline --help)\n",
	    argv[1]);
	return EXIT_USAGE;
}
