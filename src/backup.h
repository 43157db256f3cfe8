/* SPDX-License-Identifier: ISC */
/*
 * clotline backup: a consistent copy of the SQLite database while the
 * gateway runs, with SQLite's online backup API (one read transaction, so
 * the copy is the database as of one commit; WAL lets the gateway keep
 * writing meanwhile).  The copy is a self-contained file (rollback journal
 * mode), checked with quick_check, written under a temporary name and
 * renamed into place, so DEST is always a whole backup or the previous one.
 */
#ifndef CLOTLINE_BACKUP_H
#define CLOTLINE_BACKUP_H

/*
 * Copies the database at path to dest.  busy_ms bounds the wait for a lock.
 * Returns 0 and the copy's schema version in *schema, or -1 with *err
 * (caller frees).  Never creates path.
 */
int	backup_database(const char *path, const char *dest, int busy_ms,
	    int *schema, char **err);

/* The `clotline backup` command; returns the exit status. */
int	backup_cmd(int argc, char **argv, const char *default_conf);

#endif
