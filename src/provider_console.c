/* SPDX-License-Identifier: ISC */
/*
 * The console adapter, the embedded default: every outbound message becomes
 * one line in [provider] console_log (or on stderr when unset), so the
 * gateway is fully usable without a provider account.  The line is the
 * message as delivered, with its text, so the file holds patient data and
 * is created mode 0600.  Format, one message per line:
 *
 *	2026-11-21T09:30:00Z id=12 to=+447700900123 segments=1 body="..."
 *
 * with the body as a JSON string (quotes, backslashes and control
 * characters escaped).  The outcome is delivered from the loop, as for a
 * real provider.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "clock.h"
#include "conf.h"
#include "log.h"
#include "provider.h"
#include "segments.h"
#include "xmalloc.h"

struct console {
	struct event_base	*base;
	FILE			*fp;	/* NULL: stderr */
};

struct console_call {
	struct provider_result	 res;
	provider_done_fn	 done;
	void			*arg;
};

static void
console_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct console_call	*call = arg;

	call->done(&call->res, call->arg);
	free(call);
}

static int
console_send(void *arg, const struct provider_message *m, provider_done_fn done,
    void *darg)
{
	struct console		*co = arg;
	struct console_call	*call;
	struct segments		 sg;
	struct timeval		 now = { 0, 0 };
	FILE			*fp = co->fp != NULL ? co->fp : stderr;
	json_t			*js;
	char			*body, stamp[32];
	time_t			 t = (time_t)clock_now();
	int			 bad;

	js = json_string(m->body);
	body = js != NULL ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
	json_decref(js);
	segments_count(m->body, &sg);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	bad = fprintf(fp, "%s id=%lld to=%s segments=%zu body=%s\n", stamp,
	    (long long)m->id, m->to, sg.count, body != NULL ? body : "\"\"") < 0;
	bad |= fflush(fp) != 0;
	free(body);

	call = xcalloc(1, sizeof *call);
	call->done = done;
	call->arg = darg;
	call->res.retry_after = -1;
	if (bad) {
		/* A full disk is a retry, as a provider outage would be. */
		call->res.outcome = PROVIDER_RETRY;
		snprintf(call->res.detail, sizeof call->res.detail,
		    "console log: %s", strerror(errno));
	} else {
		call->res.outcome = PROVIDER_SENT;
		snprintf(call->res.sid, sizeof call->res.sid, "console-%lld",
		    (long long)m->id);
		snprintf(call->res.status, sizeof call->res.status, "delivered");
		snprintf(call->res.detail, sizeof call->res.detail, "written");
	}
	if (event_base_once(co->base, -1, EV_TIMEOUT, console_done_cb, call,
	    &now) == -1) {
		free(call);
		return -1;
	}
	return 0;
}

static void *
console_create(const struct provider_env *env, char **errp)
{
	struct console	*co;
	struct stat	 sb;
	int		 fd;

	co = xcalloc(1, sizeof *co);
	co->base = env->base;
	if (env->conf->console_log == NULL) {
		log_warn("provider: console writes outbound messages, text "
		    "included, to stderr; set [provider] console_log to keep "
		    "them out of the log");
		return co;
	}
	/* Message text and numbers: the owner's alone, a file kept too. */
	fd = open(env->conf->console_log, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0600);
	if (fd != -1 && fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0) {
		if (fchmod(fd, sb.st_mode & 0700) == -1) {
			*errp = xasprintf("cannot make console_log %s private "
			    "(chmod 600): %s", env->conf->console_log,
			    strerror(errno));
			close(fd);
			free(co);
			return NULL;
		}
		log_notice("provider: console_log %s was readable by others "
		    "(mode %03o); made it the owner's alone",
		    env->conf->console_log, (unsigned)sb.st_mode & 0777);
	}
	if (fd == -1 || (co->fp = fdopen(fd, "a")) == NULL) {
		*errp = xasprintf("cannot open console_log %s: %s",
		    env->conf->console_log, strerror(errno));
		if (fd != -1)
			close(fd);
		free(co);
		return NULL;
	}
	log_info("provider: console: outbound messages go to %s",
	    env->conf->console_log);
	return co;
}

static void
console_free(void *arg)
{
	struct console	*co = arg;

	if (co == NULL)
		return;
	if (co->fp != NULL)
		fclose(co->fp);
	free(co);
}

const struct provider_ops provider_console_ops = {
	.name = "console",
	/* Webhooks as Twilio posts them, so a bench can play the provider. */
	.hooks = &provider_twilio_hooks,
	.check = provider_twilio_check_token,
	.create = console_create,
	.free = console_free,
	.send = console_send,
};
