/* SPDX-License-Identifier: ISC */
/*
 * Opening the files the gateway reads (configuration, staff tokens, prompts,
 * rules, plans) so that no file can stall it: only a regular file of a
 * bounded size is read.  A token_file of /dev/zero, a FIFO or a multi-
 * gigabyte file would otherwise hang check-config, or the event loop on
 * SIGHUP, reading for ever.
 */
#ifndef CLOTLINE_READFILE_H
#define CLOTLINE_READFILE_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

#define READFILE_MAX_CONF	(1024 * 1024)
#define READFILE_MAX_TOKENS	(64 * 1024)
#define READFILE_MAX_PROMPT	(64 * 1024)
#define READFILE_MAX_RULES	(8 * 1024 * 1024)
#define READFILE_MAX_PLAN	(256 * 1024)

/*
 * Opens path for reading if it is a regular file (symbolic links followed)
 * of at most max bytes; else NULL with a diagnostic at path naming what the
 * file is for ("configuration", "admin token file", ...).  Never blocks on
 * a FIFO or device.  The caller fcloses the file.
 */
FILE	*readfile_open(const char *path, size_t max, const char *what,
	    struct diag *d);
/* The same check without opening; 0 or -1 with a diagnostic. */
int	 readfile_check(const char *path, size_t max, const char *what,
	    struct diag *d);

#endif
