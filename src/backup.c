/* SPDX-License-Identifier: ISC */
/*
 * The online backup (see backup.h) and its command.  The command reads the
 * configuration file alone, not the prompts or rules: a backup must work
 * while a broken prompt waits to be fixed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backup.h"
#include "conf.h"
#include "diag.h"
#include "xmalloc.h"

#define BACKUP_EXIT_USAGE	2

static void
backup_sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Flushes the directory holding path, so the rename is durable. */
static void
backup_sync_dir(const char *path)
{
	char	*dir = xstrdup(path), *slash;
	int	 fd;

	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else
		*(slash == dir ? slash + 1 : slash) = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
backup_database(const char *path, const char *dest, int busy_ms, int *schema,
    char **err)
{
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*b;
	sqlite3_stmt	*stmt = NULL;
	char		*tmp = NULL;
	const char	*what;
	int		 fd, rc, waited = 0, ret = -1;

	*err = NULL;
	*schema = 0;
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: %s", path, src != NULL ?
		    sqlite3_errmsg(src) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(src, busy_ms);
	tmp = xasprintf("%s.tmp-XXXXXX", dest);
	if ((fd = mkstemp(tmp)) == -1) {
		*err = xasprintf("%s: %s", dest, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	close(fd);		/* mkstemp made it 0600: patient data */
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		*err = xasprintf("%s: %s", tmp, sqlite3_errmsg(dst));
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		*err = xasprintf("%s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	/* All pages in one step: one read transaction, one commit's state. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		if (waited >= busy_ms)
			break;
		backup_sleep_ms(50);
		waited += 50;
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*err = xasprintf("%s: the copy failed: %s", path,
		    sqlite3_errstr(rc));
		goto out;
	}
	/* A copy of a WAL database is marked WAL: make it one plain file. */
	what = "PRAGMA journal_mode = DELETE";
	if (sqlite3_exec(dst, what, NULL, NULL, NULL) != SQLITE_OK)
		goto sqlerr;
	what = "PRAGMA quick_check";
	if (sqlite3_prepare_v2(dst, what, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		goto sqlerr;
	if (strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") != 0) {
		*err = xasprintf("%s: the copy fails quick_check: %s", tmp,
		    (const char *)sqlite3_column_text(stmt, 0));
		goto out;
	}
	sqlite3_finalize(stmt);
	what = "PRAGMA user_version";
	if (sqlite3_prepare_v2(dst, what, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		goto sqlerr;
	*schema = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (sqlite3_close(dst) != SQLITE_OK) {
		*err = xasprintf("%s: cannot close the copy", tmp);
		goto out;
	}
	dst = NULL;
	if ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) == -1 || fsync(fd) == -1) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	if (rename(tmp, dest) == -1) {
		*err = xasprintf("%s: %s", dest, strerror(errno));
		goto out;
	}
	backup_sync_dir(dest);
	free(tmp);
	tmp = NULL;
	ret = 0;
	goto out;
sqlerr:
	*err = xasprintf("%s: %s: %s", tmp, what, sqlite3_errmsg(dst));
out:
	sqlite3_finalize(stmt);
	sqlite3_close(dst);
	sqlite3_close(src);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	return ret;
}

static void
backup_usage(FILE *fp, const char *default_conf)
{
	fprintf(fp,
"usage: clotline backup [-c FILE] DEST\n"
"\n"
"Copies the gateway's database to DEST while the gateway runs (SQLite's\n"
"online backup API): the copy is the database as of one commit, a single\n"
"file checked with quick_check, written under a temporary name and renamed\n"
"into place (mode 0600: it holds patient data).  The gateway goes on\n"
"answering meanwhile.  To restore, stop the gateway, put the copy in place\n"
"of [storage] database as the service's user and start it again\n"
"(docs/operations.md, \"Backups\").\n"
"\n"
"  -c, --config FILE   configuration file (default %s);\n"
"                      its [storage] database is copied\n"
"  -h, --help          show this help\n"
"\n"
"Exit status: 0 copied; 1 not copied (the reason on stderr); 2 usage error.\n",
	    default_conf);
}

int
backup_cmd(int argc, char **argv, const char *default_conf)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf	*conf;
	struct diag	 d;
	const char	*path = default_conf;
	char		*err;
	size_t		 i;
	int		 ch, schema;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			backup_usage(stdout, default_conf);
			return 0;
		default:
			backup_usage(stderr, default_conf);
			return BACKUP_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "clotline backup: %s\n", optind == argc ?
		    "name the file to write (DEST)" : "one DEST only");
		backup_usage(stderr, default_conf);
		return BACKUP_EXIT_USAGE;
	}
	diag_init(&d);
	conf = conf_load(path, &d);
	for (i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.v[i].text);
	diag_clear(&d);
	if (conf == NULL) {
		fprintf(stderr, "clotline backup: fix the configuration first "
		    "(clotline check-config -c %s)\n", path);
		return 1;
	}
	if (!conf_storage_is_file(conf)) {
		fprintf(stderr, "clotline backup: the store is PostgreSQL: back "
		    "it up with pg_dump or a base backup (docs/deployment.md)\n");
		conf_free(conf);
		return 1;
	}
	if (backup_database(conf->database, argv[optind],
	    conf->busy_timeout_ms, &schema, &err) == -1) {
		fprintf(stderr, "clotline backup: %s\n", err);
		free(err);
		conf_free(conf);
		return 1;
	}
	printf("%s: backup of %s (schema version %d)\n", argv[optind],
	    conf->database, schema);
	conf_free(conf);
	return 0;
}
