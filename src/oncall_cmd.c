/* SPDX-License-Identifier: ISC */
/*
 * `clotline escalation ...` and `clotline inbox ...` (see oncall_cmd.h):
 * option parsing, one call into staff.c per command, output for people
 * (aligned text, numbers as stored: staff read them to call back) or
 * programs (--json, the API's objects).
 */
#include "config.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "conf.h"
#include "diag.h"
#include "log.h"
#include "oncall_cmd.h"
#include "owner.h"
#include "settings.h"
#include "staff.h"
#include "storage.h"
#include "tz.h"
#include "xmalloc.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define ONCALL_CMD_LIMIT_DEFAULT	50
#define ONCALL_CMD_LIMIT_MAX		1000

struct oncall_cmd_args {
	const char	*group;		/* "escalation" or "inbox" */
	const char	*cmd;
	const char	*config;
	const char	*actor;
	const char	*note;
	const char	*patient;
	const char	*since;
	const char	*id;
	long		 limit;
	long		 before;
	int		 open;
	int		 all;
	int		 json;
};

static void
oncall_cmd_usage(FILE *fp, const char *group, const char *conf)
{
	if (strcmp(group, "inbox") == 0)
		fprintf(fp,
"usage: clotline inbox list [--all] [--limit N] [-c FILE] [--json]\n"
"       clotline inbox done ID [--note TEXT] [--actor NAME] [-c FILE] [--json]\n"
"\n"
"The staff review inbox: texts a person must read (the patient asked for\n"
"someone, or the triage engine could not place the message), newest first.\n"
"list shows the waiting ones (--all: the done ones too); done marks one\n"
"handled, with an optional note, in the audit log as the acting staff\n"
"member.\n");
	else
		fprintf(fp,
"usage: clotline escalation list [--open] [--patient ID|PHONE] [--since DATE]\n"
"                                [--limit N] [--before ID] [-c FILE] [--json]\n"
"       clotline escalation show ID [-c FILE] [--json]\n"
"       clotline escalation ack ID [--note TEXT] [--actor NAME] [-c FILE] [--json]\n"
"\n"
"Escalations: one per patient episode, with the on-call number holding it.\n"
"list shows them newest first (--open: unacknowledged only; --since a date\n"
"or a UTC time such as 2026-01-05T09:30:00Z; --before ID: the next page).\n"
"show gives one with the episode's messages, the replies and every alert.\n"
"ack acknowledges one, which stops its on-call chain; the note and the\n"
"acting staff member go on the escalation and into the audit log.\n");
	fprintf(fp,
"\n"
"  -c, --config FILE   configuration file; its [storage] database is used\n"
"                      (default %s)\n"
"      --actor NAME    who is acting (default: $SUDO_USER, else $USER)\n"
"      --json          print JSON, as the staff API does\n"
"  -h, --help          show this help\n"
"\n"
"Exit status: 0 done; 1 not done (no such %s, already handled, database\n"
"error); 2 usage error.\n", conf, group);
}

static void
oncall_cmd_print_json(json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

static const char *
oncall_cmd_or(const char *s, const char *def)
{
	return s != NULL && *s != '\0' ? s : def;
}

static int
oncall_cmd_fail(const struct oncall_cmd_args *a, const struct staff_error *err)
{
	fprintf(stderr, "clotline %s %s: %s\n", a->group, a->cmd, err->msg);
	return err->status == STAFF_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
}

static int
oncall_cmd_id(const struct oncall_cmd_args *a, int64_t *id)
{
	if (a->id == NULL || staff_parse_id(a->id, id) == -1) {
		fprintf(stderr, "clotline %s %s: '%s' is not an id\n", a->group,
		    a->cmd, a->id != NULL ? a->id : "");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- escalations */

static int
oncall_cmd_esc_list(const struct staff_ctx *ctx, struct oncall_cmd_args *a)
{
	struct escalation_filter f;
	struct staff_error	 err;
	struct escalation_row	*v;
	json_t			*arr, *o;
	char			 at[32];
	size_t			 n, i;

	memset(&f, 0, sizeof f);
	f.open_only = a->open;
	f.before_id = a->before;
	f.max = (size_t)a->limit;
	if (a->patient != NULL && staff_patient_find(ctx, a->patient,
	    &f.patient_id, &err) != STAFF_OK)
		return oncall_cmd_fail(a, &err);
	if (a->since != NULL && staff_parse_time(a->since, &f.since) == -1) {
		fprintf(stderr, "clotline escalation list: --since: '%s' is "
		    "not a date (2026-01-05) or a UTC time "
		    "(2026-01-05T09:30:00Z)\n", a->since);
		return EXIT_USAGE;
	}
	if (staff_escalation_list(ctx, &f, &v, &n, &err) != STAFF_OK)
		return oncall_cmd_fail(a, &err);
	if (a->json) {
		arr = json_array();
		for (i = 0; i < n; i++) {
			o = staff_escalation_json(&v[i]);
			(void)staff_escalation_episode(ctx, v[i].id, o, &err);
			json_array_append_new(arr, o);
		}
		oncall_cmd_print_json(json_pack("{s:o, s:o}", "escalations",
		    arr, "next_before", n == f.max && n > 0 ?
		    json_integer(v[n - 1].id) : json_null()));
		escalation_list_free(v, n);
		return 0;
	}
	printf("%-6s %-9s %-20s %-16s %-20s %-4s %-4s %s\n", "ID", "LEVEL",
	    "CREATED", "PHONE", "PATIENT", "MSGS", "ALRT", "STATE");
	for (i = 0; i < n; i++) {
		staff_time_iso(v[i].created_at, at);
		printf("%-6lld %-9s %-20s %-16s %-20.20s %-4d %-4d ",
		    (long long)v[i].id, v[i].level, at, v[i].phone,
		    oncall_cmd_or(v[i].patient_name, "-"), v[i].nmessages,
		    v[i].nalerts);
		if (v[i].acknowledged_at != 0)
			printf("acknowledged by %s\n", v[i].acknowledged_by);
		else
			printf("open, with %s\n", oncall_cmd_or(v[i].alerted_to,
			    "nobody yet"));
	}
	printf("(%zu escalation%s%s)\n", n, n == 1 ? "" : "s",
	    n == f.max && n > 0 ? "; more with --before" : "");
	escalation_list_free(v, n);
	return 0;
}

static void
oncall_cmd_esc_print(const struct escalation_row *e, json_t *episode)
{
	json_t		*msgs, *alerts, *m;
	char		 t[32];
	size_t		 i;

	printf("escalation %lld\n", (long long)e->id);
	printf("  level           %s\n", e->level);
	printf("  patient         %s (%s)\n", oncall_cmd_or(e->patient_name,
	    "not enrolled"), e->phone);
	printf("  red flags       %s\n", oncall_cmd_or(e->concepts, "-"));
	staff_time_iso(e->created_at, t);
	printf("  created         %s\n", t);
	if (e->acknowledged_at != 0) {
		staff_time_iso(e->acknowledged_at, t);
		printf("  acknowledged    %s by %s\n", t, e->acknowledged_by);
		if (e->ack_note != NULL)
			printf("  note            %s\n", e->ack_note);
	} else {
		printf("  state           open, with %s\n",
		    oncall_cmd_or(e->alerted_to, "nobody yet"));
		if (e->next_alert_at != 0) {
			staff_time_iso(e->next_alert_at, t);
			printf("  next on-call at %s unless acknowledged\n", t);
		}
	}
	msgs = json_object_get(episode, "messages");
	alerts = json_object_get(episode, "alerts");
	printf("  messages:\n");
	for (i = 0; i < json_array_size(msgs); i++) {
		m = json_array_get(msgs, i);
		printf("    %s %-9s %s%s\n",
		    json_string_value(json_object_get(m, "at")),
		    oncall_cmd_or(json_string_value(json_object_get(m,
		    "level")), "-"),
		    oncall_cmd_or(json_string_value(json_object_get(m, "text")),
		    "-"), json_is_true(json_object_get(m, "alerted")) ?
		    "  [alerted]" : "");
		if (json_string_value(json_object_get(m, "reply")) != NULL)
			printf("      told: %s\n", json_string_value(
			    json_object_get(m, "reply")));
	}
	printf("  alerts:\n");
	for (i = 0; i < json_array_size(alerts); i++) {
		m = json_array_get(alerts, i);
		printf("    %s to %s (%s): %s\n",
		    json_string_value(json_object_get(m, "at")),
		    oncall_cmd_or(json_string_value(json_object_get(m, "to")),
		    "-"), oncall_cmd_or(json_string_value(json_object_get(m,
		    "reason")), "-"), oncall_cmd_or(json_string_value(
		    json_object_get(m, "status")), "-"));
	}
}

static int
oncall_cmd_esc_show(const struct staff_ctx *ctx, struct oncall_cmd_args *a)
{
	struct staff_error	err;
	struct escalation_row	e;
	json_t			*o;
	int64_t			id;

	if (oncall_cmd_id(a, &id) == -1)
		return EXIT_USAGE;
	if (staff_escalation_get(ctx, id, &e, &err) != STAFF_OK)
		return oncall_cmd_fail(a, &err);
	o = staff_escalation_json(&e);
	if (staff_escalation_episode(ctx, id, o, &err) != STAFF_OK) {
		json_decref(o);
		escalation_row_clear(&e);
		return oncall_cmd_fail(a, &err);
	}
	if (a->json)
		oncall_cmd_print_json(o);
	else {
		oncall_cmd_esc_print(&e, o);
		json_decref(o);
	}
	escalation_row_clear(&e);
	return 0;
}

static int
oncall_cmd_esc_ack(const struct staff_ctx *ctx, struct oncall_cmd_args *a)
{
	struct staff_error	err;
	struct escalation_row	e;
	int64_t			id;

	if (oncall_cmd_id(a, &id) == -1)
		return EXIT_USAGE;
	if (staff_escalation_ack(ctx, id, a->note, &e, &err) != STAFF_OK)
		return oncall_cmd_fail(a, &err);
	if (a->json)
		oncall_cmd_print_json(staff_escalation_json(&e));
	else
		printf("escalation %lld (%s, %s) acknowledged by %s; its on-call "
		    "chain is stopped\n", (long long)e.id, e.level, e.phone,
		    e.acknowledged_by);
	escalation_row_clear(&e);
	return 0;
}

/* ---------------------------------------------------------------- inbox */

static int
oncall_cmd_inbox_list(const struct staff_ctx *ctx, struct oncall_cmd_args *a)
{
	struct staff_error	 err;
	struct inbox_row	*v;
	json_t			*arr;
	char			 at[32];
	size_t			 n, i;

	if (staff_inbox_list(ctx, !a->all, (size_t)a->limit, &v, &n,
	    &err) != STAFF_OK)
		return oncall_cmd_fail(a, &err);
	if (a->json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, staff_inbox_json(&v[i]));
		oncall_cmd_print_json(json_pack("{s:o}", "inbox", arr));
		inbox_list_free(v, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		staff_time_iso(v[i].created_at, at);
		printf("%lld  %s  %s  %s%s%s\n    %s\n", (long long)v[i].id, at,
		    v[i].phone, v[i].reason, v[i].done_at != 0 ? ", done by " :
		    "", v[i].done_at != 0 ? v[i].done_by : "",
		    oncall_cmd_or(v[i].body, "-"));
	}
	printf("(%zu message%s %s)\n", n, n == 1 ? "" : "s", a->all ? "" :
	    "waiting");
	inbox_list_free(v, n);
	return 0;
}

static int
oncall_cmd_inbox_done(const struct staff_ctx *ctx, struct oncall_cmd_args *a)
{
	struct staff_error	err;
	struct inbox_row	r;
	int64_t			id;

	if (oncall_cmd_id(a, &id) == -1)
		return EXIT_USAGE;
	if (staff_inbox_done(ctx, id, a->note, &r, &err) != STAFF_OK)
		return oncall_cmd_fail(a, &err);
	if (a->json)
		oncall_cmd_print_json(staff_inbox_json(&r));
	else
		printf("inbox message %lld (%s) done by %s\n", (long long)r.id,
		    r.phone, r.done_by);
	inbox_row_clear(&r);
	return 0;
}

/* ------------------------------------------------------------- the rest */

static const struct {
	const char	*group;
	const char	*cmd;
	int		 takes_id;
	int		 (*fn)(const struct staff_ctx *, struct oncall_cmd_args *);
	const char	*opts;		/* options it takes, ",name," */
} oncall_cmds[] = {
	{ "escalation", "list", 0, oncall_cmd_esc_list,
	  ",open,patient,since,limit,before," },
	{ "escalation", "show", 1, oncall_cmd_esc_show, "," },
	{ "escalation", "ack", 1, oncall_cmd_esc_ack, ",note," },
	{ "inbox", "list", 0, oncall_cmd_inbox_list, ",all,limit," },
	{ "inbox", "done", 1, oncall_cmd_inbox_done, ",note," },
};

static const char *
oncall_cmd_actor_name(const char *given)
{
	const struct passwd	*pw;
	const char		*s;

	if (given != NULL)
		return given;
	if ((s = getenv("SUDO_USER")) != NULL && *s != '\0')
		return s;
	if ((s = getenv("USER")) != NULL && *s != '\0')
		return s;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return NULL;
}

/* A whole number from 1 to max; -1 for anything else. */
static long
oncall_cmd_number(const char *s, long max)
{
	char	*end;
	long	 v;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= 1 && v <= max ? v : -1;
}

int
oncall_cmd(int argc, char **argv, const char *default_conf)
{
	enum { O_ACTOR = 256, O_JSON, O_NOTE, O_OPEN, O_ALL, O_PATIENT,
	    O_SINCE, O_LIMIT, O_BEFORE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "actor", required_argument, NULL, O_ACTOR },
		{ "json", no_argument, NULL, O_JSON },
		{ "note", required_argument, NULL, O_NOTE },
		{ "open", no_argument, NULL, O_OPEN },
		{ "all", no_argument, NULL, O_ALL },
		{ "patient", required_argument, NULL, O_PATIENT },
		{ "since", required_argument, NULL, O_SINCE },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "before", required_argument, NULL, O_BEFORE },
		{ NULL, 0, NULL, 0 },
	};
	struct oncall_cmd_args	 a;
	struct staff_ctx	 ctx;
	struct settings		*set;
	struct storage		*st = NULL;
	struct storage_options	 sopts;
	struct diag		 d;
	const char		*group = argv[0], *who, *name = NULL;
	char			 actor[64], key[24], *err = NULL;
	size_t			 i, which = SIZE_MAX;
	int			 ch, rc = EXIT_RUNTIME;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		oncall_cmd_usage(argc < 2 ? stderr : stdout, group,
		    default_conf);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < sizeof oncall_cmds / sizeof oncall_cmds[0]; i++)
		if (strcmp(oncall_cmds[i].group, group) == 0 &&
		    strcmp(oncall_cmds[i].cmd, argv[1]) == 0)
			which = i;
	if (which == SIZE_MAX) {
		fprintf(stderr, "clotline %s: unknown command '%s' (one of %s)\n",
		    group, argv[1], strcmp(group, "inbox") == 0 ? "list, done" :
		    "list, show, ack");
		return EXIT_USAGE;
	}
	memset(&a, 0, sizeof a);
	a.group = group;
	a.cmd = argv[1];
	a.config = default_conf;
	a.limit = ONCALL_CMD_LIMIT_DEFAULT;
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		for (i = 0; longopts[i].name != NULL; i++)
			if (longopts[i].val == ch)
				name = longopts[i].name;
		snprintf(key, sizeof key, ",%s,", name != NULL ? name : "");
		if (ch == '?' || ch == ':')
			goto usage;
		if (ch >= O_NOTE && strstr(oncall_cmds[which].opts, key) ==
		    NULL) {
			fprintf(stderr, "clotline %s %s does not take --%s\n",
			    group, a.cmd, name);
			goto usage;
		}
		switch (ch) {
		case 'c':	a.config = optarg; break;
		case 'h':
			oncall_cmd_usage(stdout, group, default_conf);
			return 0;
		case O_ACTOR:	a.actor = optarg; break;
		case O_JSON:	a.json = 1; break;
		case O_NOTE:	a.note = optarg; break;
		case O_OPEN:	a.open = 1; break;
		case O_ALL:	a.all = 1; break;
		case O_PATIENT:	a.patient = optarg; break;
		case O_SINCE:	a.since = optarg; break;
		case O_LIMIT:
			if ((a.limit = oncall_cmd_number(optarg,
			    ONCALL_CMD_LIMIT_MAX)) == -1) {
				fprintf(stderr, "clotline %s %s: --limit: from "
				    "1 to %d\n", group, a.cmd,
				    ONCALL_CMD_LIMIT_MAX);
				return EXIT_USAGE;
			}
			break;
		case O_BEFORE:
			if ((a.before = oncall_cmd_number(optarg,
			    999999999999999999L)) == -1) {
				fprintf(stderr, "clotline %s %s: --before: an "
				    "id\n", group, a.cmd);
				return EXIT_USAGE;
			}
			break;
		}
	}
	if (argc - optind != oncall_cmds[which].takes_id) {
		fprintf(stderr, "clotline %s %s: %s\n", group, a.cmd,
		    argc - optind < oncall_cmds[which].takes_id ? "missing ID" :
		    "unexpected argument");
		goto usage;
	}
	if (oncall_cmds[which].takes_id)
		a.id = argv[optind];
	who = oncall_cmd_actor_name(a.actor);
	if (staff_actor(who, actor, sizeof actor) == NULL) {
		fprintf(stderr, "clotline %s %s: --actor: '%s' is not a staff "
		    "name (1 to 32 letters, digits or ._@-)\n", group, a.cmd,
		    who != NULL ? who : "");
		return EXIT_USAGE;
	}

	log_set_level(LOG_LEVEL_WARN);
	diag_init(&d);
	set = settings_load(a.config, &d);
	for (i = 0; i < d.n; i++)
		if (d.v[i].severity == DIAG_ERROR)
			fprintf(stderr, "%s\n", d.v[i].text);
	diag_clear(&d);
	if (set == NULL) {
		fprintf(stderr, "clotline %s %s: fix the configuration first "
		    "(clotline check-config -c %s)\n", group, a.cmd, a.config);
		return EXIT_RUNTIME;
	}
	/* As root, become the service user that owns the database (owner.h). */
	if (conf_storage_is_file(set->conf) &&
	    owner_become_database_owner(set->conf->database, NULL, &err) == -1) {
		fprintf(stderr, "clotline %s %s: %s (run it as the service "
		    "user: sudo -u clotline clotline %s ...)\n", group, a.cmd,
		    err, group);
		free(err);
		settings_free(set);
		return EXIT_RUNTIME;
	}
	sopts.busy_timeout_ms = set->conf->busy_timeout_ms;
	sopts.lease = set->conf->claim_lease;
	if ((st = storage_open(set->conf->storage_backend,
	    conf_storage_location(set->conf), &sopts, &err)) == NULL) {
		fprintf(stderr, "clotline %s %s: %s\n", group, a.cmd, err);
		free(err);
		goto out;
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.st = st;
	ctx.set = set;
	ctx.zones = tz_cache_create();
	ctx.actor = actor;
	ctx.now = (int64_t)time(NULL);
	rc = oncall_cmds[which].fn(&ctx, &a);
	tz_cache_free(ctx.zones);
out:
	storage_close(st);
	settings_free(set);
	return rc;
usage:
	fprintf(stderr, "(clotline %s --help for more)\n", group);
	return EXIT_USAGE;
}
