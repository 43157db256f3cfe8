/* SPDX-License-Identifier: ISC */
/*
 * Dropping root to the database's owner (see owner.h).  The owner is read
 * from the file system, not configured: whoever owns the state directory is
 * who the service runs as, under the shipped unit or any other.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "owner.h"
#include "xmalloc.h"

int
owner_become_database_owner(const char *database, char **switched_to,
    char **err)
{
	struct stat	 sb;
	struct passwd	*pw;
	char		*dir, *slash;
	uid_t		 uid;
	gid_t		 gid;
	int		 rc;

	*err = NULL;
	if (switched_to != NULL)
		*switched_to = NULL;
	if (geteuid() != 0 || strncmp(database, "file:", 5) == 0 ||
	    strcmp(database, ":memory:") == 0)
		return 0;
	if ((rc = stat(database, &sb)) == -1 && errno == ENOENT) {
		dir = xstrdup(database);
		if ((slash = strrchr(dir, '/')) == NULL)
			rc = stat(".", &sb);
		else {
			*(slash == dir ? slash + 1 : slash) = '\0';
			rc = stat(dir, &sb);
		}
		free(dir);
	}
	if (rc == -1 || sb.st_uid == 0)
		return 0;	/* opening it says what is wrong, as root */
	uid = sb.st_uid;
	gid = sb.st_gid;
	if ((pw = getpwuid(uid)) != NULL) {
		gid = pw->pw_gid;
		if (initgroups(pw->pw_name, gid) == -1)
			goto fail;
	} else if (setgroups(1, &gid) == -1)
		goto fail;
	if (setgid(gid) == -1 || setuid(uid) == -1)
		goto fail;
	if (setuid(0) != -1) {	/* never half-dropped */
		errno = EPERM;
		goto fail;
	}
	if (switched_to != NULL)
		*switched_to = pw != NULL ? xstrdup(pw->pw_name) :
		    xasprintf("uid %lu", (unsigned long)uid);
	return 0;
fail:
	*err = xasprintf("cannot become uid %lu, the owner of %s: %s",
	    (unsigned long)uid, database, strerror(errno));
	return -1;
}
