/* SPDX-License-Identifier: ISC */
/*
 * `clotline triage`: the offline contract of spec/triage.md (TSV in, one
 * "conv<TAB>level<TAB>rules" line out per message) and the evaluator
 * (`--eval FILE`: confusion matrix, emergency recall, under-triage count and
 * accuracy against a labelled corpus).  It calls triage_step exactly as the
 * daemon does, with each conversation's messages a minute apart.
 */
#ifndef CLOTLINE_TRIAGE_CMD_H
#define CLOTLINE_TRIAGE_CMD_H

#include <stdio.h>

/* argv[0] is "triage".  Returns the process exit code (0, 1 or 2). */
int	triage_cmd(int argc, char **argv, const char *default_conf);
void	triage_cmd_usage(FILE *);

#endif
