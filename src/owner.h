/* SPDX-License-Identifier: ISC */
/*
 * The staff CLI run as root on the service's database.  SQLite creates the
 * database and its -wal and -shm files as whoever opens them; a root-owned
 * file in the service's state directory is one the service (User=clotline)
 * can no longer write.  So root first becomes the database's owner.
 */
#ifndef CLOTLINE_OWNER_H
#define CLOTLINE_OWNER_H

/*
 * If running as root and the database file (or, before it exists, its
 * directory) belongs to another user, switches this process to that user
 * and their groups for good.  Returns 0 (switched, or nothing to do), or -1
 * with *err (caller frees) if the switch failed: then nothing may be opened.
 * *switched_to (may be NULL) gets the user's name, or NULL; caller frees.
 */
int	owner_become_database_owner(const char *database, char **switched_to,
	    char **err);

#endif
