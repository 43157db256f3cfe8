/* SPDX-License-Identifier: ISC */
/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram of "KEY=VALUE" lines to the AF_UNIX socket named by
 * NOTIFY_SOCKET.  Without the variable (not a Type=notify service) every
 * call does nothing, so the daemon runs the same anywhere.
 */
#ifndef CLOTLINE_NOTIFY_H
#define CLOTLINE_NOTIFY_H

/*
 * Sends state ("READY=1\nSTATUS=listening") to systemd.  Returns 1 if sent,
 * 0 if there is no NOTIFY_SOCKET, -1 if sending failed (errno set).
 */
int	notify_send(const char *state);
/* notify_send with a printf-style state. */
int	notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
