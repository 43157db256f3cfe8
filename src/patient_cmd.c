/* SPDX-License-Identifier: ISC */
/*
 * `clotline patient` (see patient_cmd.h): option parsing, one call into
 * staff.c per command, and output for people (aligned text) or programs
 * (--json, the same objects as the API).
 *
 * Exit codes: 0 done; 1 the change could not be made (no such patient, a
 * conflict such as an opted-out number, or the database failed); 2 the
 * command line was wrong, including a value staff.c rejects (a bad number,
 * zone, plan, date or time), so that scripts can tell "fix the command"
 * from "look at the data".
 */
#include "config.h"

#include <errno.h>
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
#include "owner.h"
#include "patient_cmd.h"
#include "settings.h"
#include "staff.h"
#include "utf8.h"
#include "storage.h"
#include "tz.h"
#include "xmalloc.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define PATIENT_CMD_SHOW_NEXT	5	/* reminders `show` lists */
#define PATIENT_CMD_LIST_PAGE	1000

/* Options, as bits, so each command can say which it takes. */
enum {
	O_CONFIG = 1 << 0,
	O_ACTOR = 1 << 1,
	O_JSON = 1 << 2,
	O_FIELDS = 1 << 3,	/* --name ... --walk-target */
	O_FORCE = 1 << 4,
	O_STATUS = 1 << 5,
	O_PLAN_FILTER = 1 << 6,
};

struct patient_cmd_args;

struct patient_cmd_def {
	const char		*name;
	const char		*args;		/* for the usage line */
	int			 nargs;		/* positional arguments */
	int			 opts;
	int			 (*fn)(const struct staff_ctx *,
				    struct patient_cmd_args *);
	const char		*help;
};

struct patient_cmd_args {
	const struct patient_cmd_def	*cmd;
	const char		*config;
	const char		*actor;
	const char		*arg;		/* PHONE or ID|PHONE */
	const char		*status;
	const char		*plan_filter;
	int			 json;
	struct staff_input	 in;
};

static int	patient_cmd_add(const struct staff_ctx *,
		    struct patient_cmd_args *);
static int	patient_cmd_list(const struct staff_ctx *,
		    struct patient_cmd_args *);
static int	patient_cmd_show(const struct staff_ctx *,
		    struct patient_cmd_args *);
static int	patient_cmd_update(const struct staff_ctx *,
		    struct patient_cmd_args *);
static int	patient_cmd_change(const struct staff_ctx *,
		    struct patient_cmd_args *);

#define COMMON (O_CONFIG | O_ACTOR | O_JSON)
static const struct patient_cmd_def patient_cmds[] = {
	{ "add", "PHONE --plan NAME [FIELDS] [--force-resubscribe]", 1,
	  COMMON | O_FIELDS | O_FORCE, patient_cmd_add,
"Enrols the patient with the E.164 number PHONE on a reminder plan, which\n"
"is a clinician's decision that the plan suits them (no exercise without the\n"
"treating doctor's advice), and queues the welcome message: it names the\n"
"clinic, says how to stop (STOP) and how to get urgent help.  Defaults: the\n"
"clinic's language and time zone, starting today on the patient's clock,\n"
"quiet hours 21:00-08:00.  A removed patient is enrolled again on the same\n"
"record.  A number that texted STOP is refused: consent is the patient's.\n" },
	{ "list", "[--status STATUS] [--plan NAME]", 0,
	  COMMON | O_STATUS | O_PLAN_FILTER, patient_cmd_list,
"Lists patients as a table (or --json).  STATUS is enrolled (the default:\n"
"everyone enrolled), active, paused, opted_out, removed or all.\n" },
	{ "show", "ID|PHONE", 1, COMMON, patient_cmd_show,
"Shows one patient's enrolment and their next reminders.\n" },
	{ "update", "ID|PHONE FIELDS", 1, COMMON | O_FIELDS, patient_cmd_update,
"Changes the fields given; an empty value ('') clears --name, --end-date\n"
"and --reminder-times, and --walk-target 0 goes back to the plan's goal.\n"
"The number cannot be changed: remove the patient and add the new one.\n" },
	{ "pause", "ID|PHONE", 1, COMMON, patient_cmd_change,
"Stops the patient's reminders (queued ones are withdrawn) until resume.\n" },
	{ "resume", "ID|PHONE [--force-resubscribe]", 1, COMMON | O_FORCE,
	  patient_cmd_change,
"Starts the patient's reminders again.  If the patient texted STOP this is\n"
"refused, unless they have told you they want messages again and you give\n"
"--force-resubscribe (recorded in the audit log).\n" },
	{ "remove", "ID|PHONE", 1, COMMON, patient_cmd_change,
"Unenrols the patient: no more reminders (queued ones are withdrawn); their\n"
"record, messages, escalations and activity are kept.  'add' enrols them\n"
"again.\n" },
};
#define PATIENT_CMD_N (sizeof patient_cmds / sizeof patient_cmds[0])

static const char	*patient_cmd_default_conf = "";

static void
patient_cmd_print_fields(FILE *fp)
{
	fprintf(fp,
"Fields (add and update):\n"
"      --plan NAME             reminder plan: NAME.ini in [reminders]\n"
"                              plans_dir; required by add\n"
"      --name NAME             the patient's name, for staff only\n"
"      --language LANG         en, es or de: the language of every message\n"
"      --timezone ZONE         IANA time zone, e.g. Europe/London\n"
"      --reminder-times LIST   the patient's own times for the plan's\n"
"                              reminders, e.g. walk=10:00,strength=16:30\n"
"      --start-date DATE       first day of reminders, YYYY-MM-DD\n"
"      --end-date DATE         last day of reminders (inclusive)\n"
"      --quiet-start HH:MM     no messages from this local time ...\n"
"      --quiet-end HH:MM       ... until this one (default 21:00-08:00)\n"
"      --walk-target MINUTES   daily walking goal instead of the plan's\n");
}

static void
patient_cmd_print_common(FILE *fp)
{
	fprintf(fp,
"Common options:\n"
"  -c, --config FILE           configuration file; its [storage] database is\n"
"                              used (default %s)\n"
"      --actor NAME            who is acting, for the audit log (default:\n"
"                              $SUDO_USER, else $USER)\n"
"      --json                  print JSON, as the staff API does\n"
"  -h, --help                  show this help\n", patient_cmd_default_conf);
}

static void
patient_cmd_usage_one(FILE *fp, const struct patient_cmd_def *c)
{
	fprintf(fp, "usage: clotline patient %s %s\n"
	    "         [-c FILE] [--actor NAME] [--json]\n\n%s\n", c->name,
	    c->args, c->help);
	if (c->opts & O_FIELDS) {
		patient_cmd_print_fields(fp);
		fprintf(fp, "\n");
	}
	if (c->opts & O_FORCE)
		fprintf(fp, "      --force-resubscribe     the patient, who "
		    "texted STOP, has told you\n                              "
		    "they want messages again\n\n");
	patient_cmd_print_common(fp);
	fprintf(fp, "\nExit status: 0 done; 1 not done (no such patient, a "
	    "conflict, database\nerror); 2 usage error or a rejected value.\n");
}

void
patient_cmd_usage(FILE *fp)
{
	size_t	i;

	fprintf(fp,
"usage: clotline patient COMMAND [ARGS] [OPTIONS]\n"
"\n"
"Staff commands on the gateway's patients, working on the database named by\n"
"the configuration beside a running gateway, which notices the changes.\n"
"Every change is written to the audit log with the acting staff member.\n"
"A patient is named by their id or their E.164 number.\n"
"\n"
"Commands:\n");
	for (i = 0; i < PATIENT_CMD_N; i++)
		fprintf(fp, "  %-7s %s\n", patient_cmds[i].name, patient_cmds[i].args);
	fprintf(fp, "\n");
	patient_cmd_print_fields(fp);
	fprintf(fp, "\n");
	patient_cmd_print_common(fp);
	fprintf(fp,
"\n"
"Run 'clotline patient COMMAND --help' for one command.\n"
"\n"
"Examples:\n"
"  clotline patient add +447700900123 --plan dvt-walking \\\n"
"      --name 'Ann Smith' --timezone Europe/London --start-date 2026-01-05\n"
"  clotline patient list --status paused\n"
"  clotline patient update 12 --reminder-times walk=10:00 --end-date ''\n"
"\n"
"Exit status: 0 done; 1 not done (no such patient, a conflict such as a\n"
"number that texted STOP, a database error); 2 usage error or a rejected\n"
"value (number, zone, plan, language, date, time).\n");
}

/* ------------------------------------------------------------ output */

static void
patient_cmd_print_json(json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (s != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

/*
 * Prints s in a column `width` characters wide (UTF-8 aware: cut on a
 * character boundary, padded by characters, not bytes).
 */
static void
patient_cmd_column(const char *raw, size_t width)
{
	size_t	 i = 0, chars = 0, start;
	char	*s;

	/* What staff typed is escaped: no control or bidi character reaches
	   the terminal (utf8.h). */
	s = utf8_escape(raw != NULL ? raw : "-");
	while (s[i] != '\0') {
		start = i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		if (++chars > width) {
			i = start;
			chars--;
			break;
		}
	}
	fwrite(s, 1, i, stdout);
	for (; chars < width + 2; chars++)
		putchar(' ');
	free(s);
}

/* Prints "  LABEL  VALUE" with VALUE escaped as in patient_cmd_column. */
static void
patient_cmd_field(const char *label, const char *value)
{
	char	*s;

	s = utf8_escape(value);
	printf("  %-15s %s\n", label, s);
	free(s);
}

static const char *
patient_cmd_or(const char *s, const char *def)
{
	return s != NULL ? s : def;
}

static int
patient_cmd_show_patient(const struct staff_ctx *ctx, const struct patient *p,
    int with_schedule)
{
	struct staff_error	 err;
	json_t			*sched = NULL, *r;
	char			 created[32], removed[32];
	size_t			 i;

	staff_time_iso(p->created_at, created);
	staff_time_iso(p->removed_at, removed);
	printf("patient %lld\n", (long long)p->id);
	printf("  phone           %s\n", p->phone);
	patient_cmd_field("name", patient_cmd_or(p->name, "-"));
	printf("  status          %s\n", staff_patient_status(p));
	patient_cmd_field("plan", patient_cmd_or(p->plan, "-"));
	printf("  reminder times  %s\n", patient_cmd_or(p->reminder_times,
	    "the plan's"));
	printf("  language        %s\n", p->language);
	printf("  timezone        %s\n", p->timezone);
	printf("  start date      %s\n", patient_cmd_or(p->start_date, "-"));
	printf("  end date        %s\n", patient_cmd_or(p->end_date, "none"));
	printf("  quiet hours     %s-%s\n", p->quiet_start, p->quiet_end);
	if (p->walk_target > 0)
		printf("  walk target     %d minutes a day\n", p->walk_target);
	else
		printf("  walk target     the plan's\n");
	printf("  record created  %s\n", created);
	if (p->removed_at != 0)
		printf("  removed at      %s\n", removed);
	if (!with_schedule)
		return 0;
	if (staff_patient_schedule(ctx, p->id, PATIENT_CMD_SHOW_NEXT, &sched,
	    &err) != STAFF_OK) {
		printf("  next reminders  unknown: %s\n", err.msg);
		return 0;
	}
	r = json_object_get(sched, "reminders");
	if (json_array_size(r) == 0)
		printf("  next reminders  none\n");
	for (i = 0; i < json_array_size(r); i++)
		printf("  %-15s %s %s (%s local)\n", i == 0 ? "next reminders" :
		    "", json_string_value(json_object_get(json_array_get(r, i),
		    "at")), json_string_value(json_object_get(json_array_get(r,
		    i), "reminder")), json_string_value(json_object_get(
		    json_array_get(r, i), "local")));
	if (json_is_integer(json_object_get(sched, "walk_minutes_today")))
		printf("  walk goal today %lld minutes\n", (long long)
		    json_integer_value(json_object_get(sched,
		    "walk_minutes_today")));
	json_decref(sched);
	return 0;
}

/* The exit code for a failed staff operation, after saying why. */
static int
patient_cmd_error(const struct patient_cmd_args *a,
    const struct staff_error *err)
{
	char	opt[40];
	size_t	i;

	if (err->field == NULL || strcmp(err->field, "id") == 0)
		fprintf(stderr, "clotline patient %s: %s\n", a->cmd->name,
		    err->msg);
	else if (strcmp(err->field, "phone") == 0)
		fprintf(stderr, "clotline patient %s: %s: %s\n", a->cmd->name,
		    "PHONE", err->msg);
	else {
		snprintf(opt, sizeof opt, "--%s", err->field);
		for (i = 0; opt[i] != '\0'; i++)
			if (opt[i] == '_')
				opt[i] = '-';
		fprintf(stderr, "clotline patient %s: %s: %s\n", a->cmd->name,
		    opt, err->msg);
	}
	return err->status == STAFF_INVALID ? EXIT_USAGE : EXIT_RUNTIME;
}

/* Prints the patient (as JSON or text) after a change; frees it. */
static int
patient_cmd_done(const struct staff_ctx *ctx, const struct patient_cmd_args *a,
    struct patient *p, const char *what)
{
	if (a->json)
		patient_cmd_print_json(staff_patient_json(p));
	else
		printf("patient %lld (%s) %s\n", (long long)p->id, p->phone,
		    what);
	(void)ctx;
	patient_clear(p);
	return 0;
}

/* ---------------------------------------------------------- commands */

static int
patient_cmd_add(const struct staff_ctx *ctx, struct patient_cmd_args *a)
{
	struct staff_error	err;
	struct patient		p;
	char			*what;
	int			rc;

	a->in.phone = a->arg;
	if (staff_patient_add(ctx, &a->in, &p, &err) != STAFF_OK)
		return patient_cmd_error(a, &err);
	if (err.warning[0] != '\0')
		fprintf(stderr, "clotline patient add: warning: %s\n",
		    err.warning);
	what = xasprintf("enrolled on plan %s from %s; the welcome message is "
	    "queued", p.plan, p.start_date);
	rc = patient_cmd_done(ctx, a, &p, what);
	free(what);
	return rc;
}

static int
patient_cmd_find(const struct staff_ctx *ctx, const struct patient_cmd_args *a,
    int64_t *id)
{
	struct staff_error	err;

	if (staff_patient_find(ctx, a->arg, id, &err) != STAFF_OK)
		return patient_cmd_error(a, &err);
	return 0;
}

static int
patient_cmd_update(const struct staff_ctx *ctx, struct patient_cmd_args *a)
{
	struct staff_error	err;
	struct patient		p;
	int64_t			id;
	int			rc;

	if ((rc = patient_cmd_find(ctx, a, &id)) != 0)
		return rc;
	if (staff_patient_update(ctx, id, &a->in, &p, &err) != STAFF_OK)
		return patient_cmd_error(a, &err);
	return patient_cmd_done(ctx, a, &p, "updated");
}

/* pause, resume and remove: the patient, one call, one line. */
static int
patient_cmd_change(const struct staff_ctx *ctx, struct patient_cmd_args *a)
{
	struct staff_error	 err;
	struct patient		 p;
	enum staff_status	 status;
	const char		*what;
	int64_t			 id;
	int			 rc;

	if ((rc = patient_cmd_find(ctx, a, &id)) != 0)
		return rc;
	if (strcmp(a->cmd->name, "pause") == 0) {
		status = staff_patient_pause(ctx, id, &p, &err);
		what = "paused: no reminders until resume";
	} else if (strcmp(a->cmd->name, "resume") == 0) {
		status = staff_patient_resume(ctx, id,
		    a->in.force_resubscribe, &p, &err);
		what = "resumed";
	} else {
		status = staff_patient_remove(ctx, id, &p, &err);
		what = "removed; the record and its history are kept";
	}
	if (status != STAFF_OK)
		return patient_cmd_error(a, &err);
	return patient_cmd_done(ctx, a, &p, what);
}

static int
patient_cmd_show(const struct staff_ctx *ctx, struct patient_cmd_args *a)
{
	struct staff_error	 err;
	struct patient		 p;
	json_t			*j, *sched;
	int64_t			 id;
	int			 rc;

	if ((rc = patient_cmd_find(ctx, a, &id)) != 0)
		return rc;
	if (staff_patient_get(ctx, id, &p, &err) != STAFF_OK)
		return patient_cmd_error(a, &err);
	if (!a->json) {
		rc = patient_cmd_show_patient(ctx, &p, 1);
		patient_clear(&p);
		return rc;
	}
	j = staff_patient_json(&p);
	if (staff_patient_schedule(ctx, id, PATIENT_CMD_SHOW_NEXT, &sched,
	    &err) == STAFF_OK)
		json_object_set_new(j, "schedule", sched);
	patient_cmd_print_json(j);
	patient_clear(&p);
	return 0;
}

static int
patient_cmd_list(const struct staff_ctx *ctx, struct patient_cmd_args *a)
{
	struct patient_filter	 f;
	struct staff_error	 err;
	struct patient		*v;
	json_t			*arr = NULL;
	size_t			 n, i, total = 0;

	memset(&f, 0, sizeof f);
	f.which = PATIENTS_ENROLLED;
	if (a->status != NULL && staff_status_filter(a->status,
	    &f.which) == -1) {
		fprintf(stderr, "clotline patient list: --status: '%s' is not "
		    "one of enrolled, active, paused, opted_out, removed, all\n",
		    a->status);
		return EXIT_USAGE;
	}
	f.plan = a->plan_filter;
	f.max = PATIENT_CMD_LIST_PAGE;
	if (a->json)
		arr = json_array();
	else
		printf("%-6s  %-16s  %-20s  %-9s  %-14s  %-10s  %-10s  %-4s  %s\n",
		    "ID", "PHONE", "NAME", "STATUS", "PLAN", "START", "END",
		    "LANG", "TIMEZONE");
	do {
		if (staff_patient_list(ctx, &f, &v, &n, &err) != STAFF_OK) {
			json_decref(arr);
			return patient_cmd_error(a, &err);
		}
		for (i = 0; i < n; i++) {
			if (arr != NULL) {
				json_array_append_new(arr,
				    staff_patient_json(&v[i]));
				continue;
			}
			printf("%-6lld  ", (long long)v[i].id);
			patient_cmd_column(v[i].phone, 16);
			patient_cmd_column(v[i].name, 20);
			patient_cmd_column(staff_patient_status(&v[i]), 9);
			patient_cmd_column(v[i].plan, 14);
			patient_cmd_column(v[i].start_date, 10);
			patient_cmd_column(v[i].end_date, 10);
			patient_cmd_column(v[i].language, 4);
			printf("%s\n", v[i].timezone);
		}
		total += n;
		if (n > 0)
			f.after_id = v[n - 1].id;
		patient_list_free(v, n);
	} while (n == f.max);
	if (arr != NULL)
		patient_cmd_print_json(json_pack("{s:o, s:I}", "patients", arr,
		    "count", (json_int_t)total));
	else
		printf("(%zu patient%s)\n", total, total == 1 ? "" : "s");
	return 0;
}

/* ------------------------------------------------------------ parsing */

enum {
	OPT_ACTOR = 256, OPT_JSON, OPT_FORCE, OPT_STATUS, OPT_NAME,
	OPT_LANGUAGE, OPT_TIMEZONE, OPT_PLAN, OPT_TIMES, OPT_START, OPT_END,
	OPT_QUIET_START, OPT_QUIET_END, OPT_WALK,
};

static const struct option patient_cmd_longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "actor", required_argument, NULL, OPT_ACTOR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "force-resubscribe", no_argument, NULL, OPT_FORCE },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "language", required_argument, NULL, OPT_LANGUAGE },
	{ "timezone", required_argument, NULL, OPT_TIMEZONE },
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "reminder-times", required_argument, NULL, OPT_TIMES },
	{ "start-date", required_argument, NULL, OPT_START },
	{ "end-date", required_argument, NULL, OPT_END },
	{ "quiet-start", required_argument, NULL, OPT_QUIET_START },
	{ "quiet-end", required_argument, NULL, OPT_QUIET_END },
	{ "walk-target", required_argument, NULL, OPT_WALK },
	{ NULL, 0, NULL, 0 },
};

/* The bit an option needs, so one table serves every command. */
static int
patient_cmd_opt_bit(int ch, const struct patient_cmd_def *c)
{
	switch (ch) {
	case 'c':
		return O_CONFIG;
	case OPT_ACTOR:
		return O_ACTOR;
	case OPT_JSON:
		return O_JSON;
	case OPT_FORCE:
		return O_FORCE;
	case OPT_STATUS:
		return O_STATUS;
	case OPT_PLAN:
		return (c->opts & O_PLAN_FILTER) ? O_PLAN_FILTER : O_FIELDS;
	default:
		return O_FIELDS;
	}
}

static const char *
patient_cmd_opt_name(int ch)
{
	const struct option	*o;

	for (o = patient_cmd_longopts; o->name != NULL; o++)
		if (o->val == ch)
			return o->name;
	return "?";
}

static int
patient_cmd_walk_target(const char *v, struct staff_input *in)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < 0 ||
	    n > STAFF_WALK_TARGET_MAX) {
		fprintf(stderr, "clotline patient: --walk-target: '%s' is not "
		    "a number of minutes from 0 (the plan's goal) to %d\n", v,
		    STAFF_WALK_TARGET_MAX);
		return -1;
	}
	in->walk_target = (int)n;
	in->walk_target_given = 1;
	return 0;
}

/* Parses argv of one command into *a; returns -1 after a usage error. */
static int
patient_cmd_parse(const struct patient_cmd_def *c, int argc, char **argv,
    struct patient_cmd_args *a)
{
	int	ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", patient_cmd_longopts,
	    NULL)) != -1) {
		if (ch == 'h') {
			patient_cmd_usage_one(stdout, c);
			exit(0);
		}
		if (ch == '?' || ch == ':')
			goto usage;
		if ((c->opts & patient_cmd_opt_bit(ch, c)) == 0) {
			fprintf(stderr, "clotline patient %s: %s does not take "
			    "--%s\n", c->name, c->name, patient_cmd_opt_name(ch));
			goto usage;
		}
		switch (ch) {
		case 'c':		a->config = optarg; break;
		case OPT_ACTOR:		a->actor = optarg; break;
		case OPT_JSON:		a->json = 1; break;
		case OPT_FORCE:		a->in.force_resubscribe = 1; break;
		case OPT_STATUS:	a->status = optarg; break;
		case OPT_NAME:		a->in.name = optarg; break;
		case OPT_LANGUAGE:	a->in.language = optarg; break;
		case OPT_TIMEZONE:	a->in.timezone = optarg; break;
		case OPT_TIMES:		a->in.reminder_times = optarg; break;
		case OPT_START:		a->in.start_date = optarg; break;
		case OPT_END:		a->in.end_date = optarg; break;
		case OPT_QUIET_START:	a->in.quiet_start = optarg; break;
		case OPT_QUIET_END:	a->in.quiet_end = optarg; break;
		case OPT_PLAN:
			if (c->opts & O_PLAN_FILTER)
				a->plan_filter = optarg;
			else
				a->in.plan = optarg;
			break;
		case OPT_WALK:
			if (patient_cmd_walk_target(optarg, &a->in) == -1)
				return -1;
			break;
		}
	}
	if (argc - optind < c->nargs) {
		fprintf(stderr, "clotline patient %s: missing %s\n", c->name,
		    c->nargs == 1 && strcmp(c->name, "add") == 0 ? "PHONE" :
		    "ID|PHONE");
		goto usage;
	}
	if (argc - optind > c->nargs) {
		fprintf(stderr, "clotline patient %s: unexpected argument "
		    "'%s'\n", c->name, argv[optind + c->nargs]);
		goto usage;
	}
	if (c->nargs == 1)
		a->arg = argv[optind];
	return 0;
usage:
	fprintf(stderr, "usage: clotline patient %s %s\n(clotline patient %s "
	    "--help for more)\n", c->name, c->args, c->name);
	return -1;
}

/* The acting staff member: --actor, else the login behind sudo, else us. */
static const char *
patient_cmd_actor_name(const char *given)
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

int
patient_cmd(int argc, char **argv, const char *default_conf)
{
	const struct patient_cmd_def	*c = NULL;
	struct patient_cmd_args	 a;
	struct staff_ctx	 ctx;
	struct settings		*set;
	struct storage		*st = NULL;
	struct storage_options	 sopts;
	struct diag		 d;
	const char		*who;
	char			 actor[64], *err = NULL;
	size_t			 i;
	int			 rc = EXIT_RUNTIME;

	patient_cmd_default_conf = default_conf;
	if (argc < 2) {
		patient_cmd_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		patient_cmd_usage(stdout);
		return 0;
	}
	for (i = 0; i < PATIENT_CMD_N; i++)
		if (strcmp(argv[1], patient_cmds[i].name) == 0)
			c = &patient_cmds[i];
	if (c == NULL) {
		fprintf(stderr, "clotline patient: unknown command '%s' (one of "
		    "add, list, show, update, pause, resume, remove)\n",
		    argv[1]);
		return EXIT_USAGE;
	}
	memset(&a, 0, sizeof a);
	a.cmd = c;
	a.config = default_conf;
	staff_input_init(&a.in);
	if (patient_cmd_parse(c, argc - 1, argv + 1, &a) == -1)
		return EXIT_USAGE;
	who = patient_cmd_actor_name(a.actor);
	if (staff_actor(who, actor, sizeof actor) == NULL) {
		fprintf(stderr, "clotline patient %s: --actor: '%s' is not a "
		    "staff name (1 to 32 letters, digits or ._@-)\n", c->name,
		    who != NULL ? who : "");
		return EXIT_USAGE;
	}

	/* Only problems matter here; the daemon logs the rest. */
	log_set_level(LOG_LEVEL_WARN);
	diag_init(&d);
	set = settings_load(a.config, &d);
	for (i = 0; i < d.n; i++)
		if (d.v[i].severity == DIAG_ERROR)
			fprintf(stderr, "%s\n", d.v[i].text);
	diag_clear(&d);
	if (set == NULL) {
		fprintf(stderr, "clotline patient %s: fix the configuration "
		    "first (clotline check-config -c %s)\n", c->name, a.config);
		return EXIT_RUNTIME;
	}
	/* As root, become the service user that owns the database. */
	if (conf_storage_is_file(set->conf) &&
	    owner_become_database_owner(set->conf->database, NULL, &err) == -1) {
		fprintf(stderr, "clotline patient %s: %s (run it as the "
		    "service user: sudo -u clotline clotline patient ...)\n",
		    c->name, err);
		free(err);
		settings_free(set);
		return EXIT_RUNTIME;
	}
	sopts.busy_timeout_ms = set->conf->busy_timeout_ms;
	sopts.lease = set->conf->claim_lease;
	if ((st = storage_open(set->conf->storage_backend,
	    conf_storage_location(set->conf), &sopts, &err)) == NULL) {
		fprintf(stderr, "clotline patient %s: %s\n", c->name, err);
		free(err);
		goto out;
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.st = st;
	ctx.set = set;
	ctx.zones = tz_cache_create();
	ctx.actor = actor;
	ctx.now = (int64_t)time(NULL);
	rc = c->fn(&ctx, &a);
	tz_cache_free(ctx.zones);
out:
	storage_close(st);
	settings_free(set);
	return rc;
}
