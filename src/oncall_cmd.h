/* SPDX-License-Identifier: ISC */
/*
 * `clotline escalation list|show|ack` and `clotline inbox list|done`: what
 * needs a person, from a shell, on the gateway's database beside a running
 * daemon (whose on-call clock sees an acknowledgement at its next look).
 * The same staff.c calls, audit rows and JSON (--json) as the staff API.
 *
 * Exit codes: 0 done; 1 not done (no such escalation or message, already
 * acknowledged or done, the database failed); 2 usage error.
 */
#ifndef CLOTLINE_ONCALL_CMD_H
#define CLOTLINE_ONCALL_CMD_H

/* argv[0] is "escalation" or "inbox".  Returns the exit code. */
int	oncall_cmd(int argc, char **argv, const char *default_conf);

#endif
