/* SPDX-License-Identifier: ISC */
/*
 * `clotline patient add|list|show|update|pause|resume|remove`: the staff
 * operations of staff.h on the gateway's database from a shell, beside a
 * running daemon (SQLite's busy timeout serialises the two; the daemon's
 * scheduler and outbox notice the changes by polling).
 */
#ifndef CLOTLINE_PATIENT_CMD_H
#define CLOTLINE_PATIENT_CMD_H

#include <stdio.h>

/* argv[0] is "patient".  Returns the process exit code (0, 1 or 2). */
int	patient_cmd(int argc, char **argv, const char *default_conf);
void	patient_cmd_usage(FILE *);

#endif
