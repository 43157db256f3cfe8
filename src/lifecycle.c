/* SPDX-License-Identifier: ISC */
/*
 * The daemon's life (see lifecycle.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "clock.h"
#include "conf.h"
#include "diag.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "oncall.h"
#include "outbox.h"
#include "provider.h"
#include "scheduler.h"
#include "server.h"
#include "settings.h"
#include "sms.h"
#include "storage.h"
#include "xmalloc.h"

#define LIFECYCLE_DRAIN_TICK_MS	50
/*
 * Long messages whose parts stopped coming are looked for each tick, a
 * few groups at a time, so a backlog never holds the loop.
 */
#define LIFECYCLE_PARTS_TICK_MS	1000
#define LIFECYCLE_PARTS_BATCH	8

struct lifecycle {
	struct event_base		*base;
	struct settings			*set;		/* owned: in force */
	char				*conf_path;	/* owned */
	struct storage			*st;
	struct metrics			*metrics;
	const struct provider_hooks	*hooks;
	struct outbox			*outbox;
	struct scheduler		*scheduler;
	struct oncall			*oncall;
	struct server			*server;
	struct event			*parts_ev;
	struct event			*drain_ev;
	time_t				 drain_deadline;
	int				 draining;
};

static void
lifecycle_parts_cb(evutil_socket_t fd, short events, void *arg)
{
	struct lifecycle	*lc = arg;
	struct provider_inbound	 pin;
	struct inbound_part_group g;
	struct sms_response	 res;
	int64_t			 now = clock_now();
	int			 i, rc, kick = 0;

	for (i = 0; i < LIFECYCLE_PARTS_BATCH && !lc->draining; i++) {
		rc = storage_parts_oldest(lc->st, now -
		    lc->set->conf->parts_wait, &g);
		if (rc == -1)
			lc->metrics->db_errors++;
		if (rc != 1)
			break;
		if (strcmp(g.provider, lc->hooks->name) != 0) {
			/* Kept under another provider: theirs to finish. */
			inbound_part_group_clear(&g);
			break;
		}
		memset(&pin, 0, sizeof pin);
		pin.from = g.phone;
		pin.part_ref = g.ref;
		pin.parts = g.total;
		sms_handle(lc->set, lc->st, lc->metrics, lc->hooks, &pin, now,
		    &res);
		if (res.status == 200) {
			kick |= res.queued;
			sms_done(lc->metrics, &res, 1);
		}
		free(res.body);
		inbound_part_group_clear(&g);
		if (res.status != 200)
			break;
	}
	if (kick)
		outbox_kick(lc->outbox);
}

static void
lifecycle_drain_cb(evutil_socket_t fd, short events, void *arg)
{
	struct lifecycle	*lc = arg;
	size_t			 sending = outbox_inflight(lc->outbox);
	size_t			 writing = server_writing(lc->server);

	/* (a connection reset or closed is not writing) */
	if ((writing > 0 || sending > 0) && time(NULL) < lc->drain_deadline)
		return;
	if (writing > 0)
		log_warn("shutdown: %zu replies not confirmed written after %d s "
		    "(a client may not be reading); closing", writing,
		    lc->set->conf->shutdown_timeout);
	if (sending > 0)
		log_warn("shutdown: %zu sends unanswered after %d s; the next "
		    "start treats them as unknown", sending,
		    lc->set->conf->shutdown_timeout);
	event_del(lc->drain_ev);
	event_base_loopbreak(lc->base);
}

struct lifecycle *
lifecycle_create(struct event_base *base, struct settings *set,
    struct storage *st, struct metrics *metrics, const char *conf_path,
    char **errp)
{
	struct lifecycle	*lc;

	lc = xcalloc(1, sizeof *lc);
	lc->base = base;
	lc->st = st;
	lc->metrics = metrics;
	lc->conf_path = xstrdup(conf_path);
	/* check-config made sure the name is one of the table's */
	lc->hooks = provider_find(set->conf->provider)->hooks;
	if ((lc->outbox = outbox_create(base, st, metrics, set, errp)) ==
	    NULL) {
		free(lc->conf_path);
		free(lc);
		return NULL;
	}
	lc->set = set;
	lc->scheduler = scheduler_create(base, st, metrics, set, lc->outbox);
	lc->oncall = oncall_create(base, st, metrics, set, lc->outbox);
	lc->server = server_create(base, set, st, lc->outbox, metrics);
	if ((lc->parts_ev = event_new(base, -1, EV_PERSIST, lifecycle_parts_cb,
	    lc)) == NULL ||
	    (lc->drain_ev = event_new(base, -1, EV_PERSIST, lifecycle_drain_cb,
	    lc)) == NULL)
		fatal("cannot create the daemon's timers");
	return lc;
}

void
lifecycle_free(struct lifecycle *lc)
{
	if (lc == NULL)
		return;
	event_free(lc->parts_ev);
	event_free(lc->drain_ev);
	scheduler_free(lc->scheduler);
	oncall_free(lc->oncall);
	outbox_free(lc->outbox);
	server_free(lc->server);
	settings_free(lc->set);
	free(lc->conf_path);
	free(lc);
}

int
lifecycle_start(struct lifecycle *lc, char **errp)
{
	struct timeval	 tick = { 0, LIFECYCLE_PARTS_TICK_MS * 1000 };
	char		*why;

	if (server_listen(lc->server, &why) == -1) {
		*errp = xasprintf("http: %s", why);
		free(why);
		return -1;
	}
	outbox_start(lc->outbox);
	oncall_start(lc->oncall);
	if (scheduler_start(lc->scheduler) == -1) {
		*errp = xstrdup("reminders: cannot read the patients from the "
		    "database");
		return -1;
	}
	/* Only a provider that sends long messages in parts needs the wait. */
	if (lc->hooks->parts)
		event_add(lc->parts_ev, &tick);
	return 0;
}

static int
lifecycle_str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

int
lifecycle_reload(struct lifecycle *lc)
{
	struct settings		*set;
	const struct conf	*old = lc->set->conf;
	struct diag		 d;
	size_t			 i;

	diag_init(&d);
	log_notice("reload: reading %s", lc->conf_path);
	set = settings_load(lc->conf_path, &d);
	for (i = 0; i < d.n; i++) {
		if (d.v[i].severity == DIAG_ERROR)
			log_error("reload: %s", d.v[i].text);
		else
			log_warn("reload: %s", d.v[i].text);
	}
	diag_clear(&d);
	if (set == NULL) {
		log_error("reload: rejected; the previous configuration stays in force");
		return -1;
	}
	if (lifecycle_str_differs(old->listen_host, set->conf->listen_host) ||
	    old->listen_port != set->conf->listen_port ||
	    lifecycle_str_differs(old->database, set->conf->database) ||
	    lifecycle_str_differs(old->storage_backend,
	    set->conf->storage_backend) ||
	    lifecycle_str_differs(old->storage_url, set->conf->storage_url) ||
	    lifecycle_str_differs(old->port_file, set->conf->port_file))
		log_warn("reload: listen, port_file and [storage] changes take "
		    "effect only after a restart");
	if (!set->conf->verify_signatures)
		log_warn("SIGNATURE CHECKS ARE OFF (verify_signatures = no): "
		    "anyone can post webhooks; never run like this in production");
	log_set_level(set->conf->log_level);
	server_set_settings(lc->server, set);
	outbox_set_settings(lc->outbox, set);
	scheduler_set_settings(lc->scheduler, set);
	oncall_set_settings(lc->oncall, set);
	settings_free(lc->set);
	lc->set = set;
	log_notice("reload: configuration, prompts and rules reloaded");
	return 0;
}

void
lifecycle_shutdown(struct lifecycle *lc)
{
	struct timeval	tick = { 0, LIFECYCLE_DRAIN_TICK_MS * 1000 };

	if (lc->draining)
		return;
	lc->draining = 1;
	event_del(lc->parts_ev);
	scheduler_stop(lc->scheduler);
	oncall_stop(lc->oncall);
	server_stop(lc->server);
	outbox_stop(lc->outbox);
	log_notice("shutdown: no longer accepting; %zu replies and %zu sends "
	    "in flight", server_writing(lc->server),
	    outbox_inflight(lc->outbox));
	lc->drain_deadline = time(NULL) + lc->set->conf->shutdown_timeout;
	event_add(lc->drain_ev, &tick);
	lifecycle_drain_cb(-1, 0, lc);
}
