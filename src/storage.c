/* SPDX-License-Identifier: ISC */
/*
 * Backend selection and the storage_* wrappers (see storage.h).  The wrappers
 * are the one place that knows a store is a struct of operations.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "storage.h"
#include "xmalloc.h"

extern const struct storage_ops storage_sqlite_ops;
#ifdef HAVE_LIBPQ
extern const struct storage_ops storage_pg_ops;
#endif

static const struct storage_ops *storage_backends[] = {
	&storage_sqlite_ops,
#ifdef HAVE_LIBPQ
	&storage_pg_ops,
#endif
};
#define STORAGE_NBACKENDS \
	(sizeof storage_backends / sizeof storage_backends[0])

struct storage {
	const struct storage_ops	*ops;
	void				*impl;
	/* Group commit (storage.h): */
	int				 group;	/* its transaction is open */
	int				 member; /* a member's work is running */
	int				 lost;	/* the backend dropped it */
	storage_flush_fn		 flush;
	void				*flush_arg;
};

/*
 * The backend, for any operation: work that is not a group member's must not
 * join the group's transaction, because its own commit would then not be
 * durable when it returns.  So an open group is closed first, through its
 * owner's flush (which also answers the members).
 */
static void *
storage_impl(struct storage *st)
{
	if (st->group && !st->member) {
		if (st->flush != NULL)
			st->flush(st->flush_arg);
		/* No flush, or one that left the group open. */
		if (st->group)
			(void)storage_group_commit(st);
	}
	return st->impl;
}

struct storage *
storage_open(const char *backend, const char *location,
    const struct storage_options *opts, char **errp)
{
	struct storage	*st;
	void		*impl;
	size_t		 i;

	*errp = NULL;
	for (i = 0; i < STORAGE_NBACKENDS; i++) {
		if (strcmp(storage_backends[i]->name, backend) != 0)
			continue;
		if ((impl = storage_backends[i]->open(location, opts, errp)) == NULL)
			return NULL;
		st = xcalloc(1, sizeof *st);
		st->ops = storage_backends[i];
		st->impl = impl;
		return st;
	}
	*errp = xasprintf("unknown storage backend '%s'", backend);
	return NULL;
}

void
storage_close(struct storage *st)
{
	if (st == NULL)
		return;
	(void)storage_impl(st);	/* an open group is answered first */
	st->ops->close(st->impl);
	free(st);
}

const char *
storage_backend(const struct storage *st)
{
	return st->ops->name;
}

int
storage_backend_known(const char *backend)
{
	size_t	i;

	for (i = 0; i < STORAGE_NBACKENDS; i++)
		if (strcmp(storage_backends[i]->name, backend) == 0)
			return 1;
	return 0;
}

const char *
storage_backend_names(void)
{
#ifdef HAVE_LIBPQ
	return "sqlite, postgresql";
#else
	return "sqlite";
#endif
}

int
storage_shared(const struct storage *st)
{
	return st->ops->shared;
}

int
storage_ping(struct storage *st)
{
	return st->ops->ping(storage_impl(st));
}

void
storage_set_busy_timeout(struct storage *st, int ms)
{
	/* A setting, not a use of the store: an open group stays open. */
	st->ops->busy_timeout(st->impl, ms);
}

int
storage_schema_version(struct storage *st)
{
	return st->ops->schema_version(storage_impl(st));
}

/*
 * Inside a group member a transaction is a savepoint in the group's.  Some
 * errors (a full disk, I/O) make the backend roll back the whole of it:
 * then the group is lost, and so is everything its members did.
 */
static int
storage_member_ok(struct storage *st)
{
	if (!st->lost && !st->ops->in_transaction(st->impl))
		st->lost = 1;
	return st->lost ? -1 : 0;
}

int
storage_begin(struct storage *st)
{
	if (st->member) {
		if (storage_member_ok(st) == -1)
			return -1;
		return st->ops->savepoint(st->impl);
	}
	return st->ops->begin(storage_impl(st));
}

int
storage_commit(struct storage *st)
{
	if (st->member) {
		if (storage_member_ok(st) == -1)
			return -1;
		if (st->ops->release(st->impl) == 0)
			return 0;
		/* Undone, so the group does not keep what is answered 503. */
		storage_rollback(st);
		return -1;
	}
	return st->ops->commit(storage_impl(st));
}

void
storage_rollback(struct storage *st)
{
	if (st->member) {
		if (storage_member_ok(st) == 0)
			st->ops->rollback_savepoint(st->impl);
		(void)storage_member_ok(st);
		return;
	}
	st->ops->rollback(storage_impl(st));
}

void
storage_set_flush(struct storage *st, storage_flush_fn fn, void *arg)
{
	st->flush = fn;
	st->flush_arg = arg;
}

int
storage_group_join(struct storage *st)
{
	if (st->ops->shared && st->ops->try_locks == NULL)
		return -1;	/* its members could wait for another instance */
	if (st->group && (st->lost || !st->ops->in_transaction(st->impl))) {
		/* Its members' answers must be given before a new group. */
		st->member = 0;
		(void)storage_impl(st);
	}
	if (!st->group) {
		if (st->ops->begin(storage_impl(st)) == -1)
			return -1;
		st->group = 1;
		st->lost = 0;
	}
	st->member = 1;
	if (st->ops->try_locks != NULL)
		st->ops->try_locks(st->impl, 1);
	return 0;
}

void
storage_group_leave(struct storage *st)
{
	if (st->member && st->ops->try_locks != NULL)
		st->ops->try_locks(st->impl, 0);
	st->member = 0;
}

int
storage_member_busy(const struct storage *st)
{
	return st->member && st->ops->lock_busy != NULL &&
	    st->ops->lock_busy(st->impl);
}

int
storage_group_active(const struct storage *st)
{
	return st->group;
}

int
storage_group_commit(struct storage *st)
{
	int	lost;

	if (!st->group)
		return 0;
	lost = st->lost || !st->ops->in_transaction(st->impl);
	st->group = st->member = st->lost = 0;
	if (lost) {
		st->ops->rollback(st->impl);
		return -1;
	}
	return st->ops->commit(st->impl);
}

int
storage_inbound_find(struct storage *st, const char *provider, const char *sid,
    char **reply)
{
	*reply = NULL;
	return st->ops->inbound_find(storage_impl(st), provider, sid, reply);
}

int
storage_inbound_insert(struct storage *st, const struct inbound *in, int64_t *id)
{
	return st->ops->inbound_insert(storage_impl(st), in,
	    id);
}

int
storage_inbound_start(struct storage *st, const char *provider,
    const char *sid, const char *phone, char **reply, struct patient *p,
    int *known, char **state)
{
	void	*impl = storage_impl(st);
	int	 rc;

	*reply = NULL;
	*state = NULL;
	*known = 0;
	memset(p, 0, sizeof *p);
	if (st->ops->inbound_start != NULL)
		rc = st->ops->inbound_start(impl, provider, sid, phone, reply, p,
		    known, state);
	else if ((rc = st->ops->inbound_find(impl, provider, sid,
	    reply)) == 0 &&
	    ((*known = st->ops->patient_find(impl, phone, p)) == -1 ||
	    st->ops->conversation_get(impl, phone, state) == -1))
		rc = -1;
	if (rc == -1) {
		patient_clear(p);
		free(*state);
		*state = NULL;
		*known = 0;
	}
	return rc;
}

int
storage_part_put(struct storage *st, const struct inbound_part *p)
{
	return st->ops->part_put(storage_impl(st), p);
}

int
storage_parts_get(struct storage *st, const char *provider, const char *phone,
    const char *ref, struct inbound_part_row *rows, size_t max, size_t *n)
{
	return st->ops->parts_get(storage_impl(st), provider, phone, ref, rows,
	    max, n);
}

int
storage_parts_done(struct storage *st, const char *provider, const char *phone,
    const char *ref, int64_t now)
{
	return st->ops->parts_done(storage_impl(st), provider, phone, ref, now);
}

int
storage_parts_oldest(struct storage *st, int64_t before,
    struct inbound_part_group *g)
{
	return st->ops->parts_oldest(storage_impl(st), before, g);
}

void
inbound_part_row_clear(struct inbound_part_row *r)
{
	free(r->sid);
	free(r->to);
	free(r->body);
	memset(r, 0, sizeof *r);
}

void
inbound_part_group_clear(struct inbound_part_group *g)
{
	free(g->provider);
	free(g->phone);
	free(g->ref);
	memset(g, 0, sizeof *g);
}

int
storage_patient_find(struct storage *st, const char *phone, struct patient *p)
{
	memset(p, 0, sizeof *p);
	return st->ops->patient_find(storage_impl(st), phone, p);
}

int
storage_patient_insert(struct storage *st, const struct patient *p, int64_t now,
    int64_t *id)
{
	return st->ops->patient_insert(storage_impl(st), p, now, id);
}

int
storage_patient_set_opt_out(struct storage *st, const char *phone,
    int opted_out, int64_t now)
{
	return st->ops->patient_set_opt_out(storage_impl(st), phone, opted_out,
	    now);
}

int
storage_patient_set_paused(struct storage *st, const char *phone, int paused,
    int64_t now)
{
	return st->ops->patient_set_paused(storage_impl(st), phone, paused,
	    now);
}

int
storage_reminder_patients(struct storage *st, int64_t since, int all,
    storage_reminder_fn fn, void *arg)
{
	return st->ops->reminder_patients(storage_impl(st), since, all, fn,
	    arg);
}

int
storage_activity_since(struct storage *st, int64_t patient_id, int64_t since,
    struct activity_row *rows, size_t max, size_t *n)
{
	return st->ops->activity_since(storage_impl(st), patient_id, since,
	    rows, max, n);
}

int
storage_schedule_put(struct storage *st, const struct schedule_row *r)
{
	return st->ops->schedule_put(storage_impl(st), r);
}

int
storage_escalation_insert(struct storage *st, const struct escalation *e,
    int64_t *id)
{
	return st->ops->escalation_insert(storage_impl(st), e, id);
}

int
storage_audit_append(struct storage *st, const struct audit *a)
{
	return st->ops->audit_append(storage_impl(st), a);
}

int
storage_conversation_get(struct storage *st, const char *phone, char **state)
{
	*state = NULL;
	return st->ops->conversation_get(storage_impl(st), phone, state);
}

int
storage_conversation_put(struct storage *st, const struct conversation *c)
{
	return st->ops->conversation_put(storage_impl(st), c);
}

int
storage_call_get(struct storage *st, const char *sid, struct call_row *c)
{
	return st->ops->call_get(storage_impl(st), sid, c);
}

int
storage_call_put(struct storage *st, const struct call *c)
{
	return st->ops->call_put(storage_impl(st), c);
}

int
storage_activity_insert(struct storage *st, const struct activity *a)
{
	return st->ops->activity_insert(storage_impl(st), a);
}

int
storage_outbound_insert(struct storage *st, const struct outbound *o,
    int64_t *id)
{
	return st->ops->outbound_insert(storage_impl(st), o, id);
}

int
storage_outbound_claim(struct storage *st, int64_t now, size_t max,
    struct outbound_row *rows, size_t *n)
{
	memset(rows, 0, max * sizeof *rows);
	return st->ops->outbound_claim(storage_impl(st), now, max, rows, n);
}

int
storage_outbound_next_due(struct storage *st, int64_t *at)
{
	*at = 0;
	return st->ops->outbound_next_due(storage_impl(st), at);
}

int
storage_outbound_stalled(struct storage *st, int64_t before)
{
	return st->ops->outbound_stalled(storage_impl(st), before);
}

int
storage_outbound_backlog(struct storage *st, int64_t now, int64_t *count,
    int64_t *oldest)
{
	*count = 0;
	*oldest = 0;
	return st->ops->outbound_backlog(storage_impl(st), now, count, oldest);
}

int
storage_outbound_update(struct storage *st, const struct outbound_update *u)
{
	return st->ops->outbound_update(storage_impl(st), u);
}

int
storage_outbound_get(struct storage *st, int64_t id, const char *sid,
    struct outbound_row *r)
{
	memset(r, 0, sizeof *r);
	return st->ops->outbound_get(storage_impl(st), id, sid, r);
}

int
storage_outbound_recent(struct storage *st, int64_t id, const char *to,
    const char *body, int64_t since)
{
	return st->ops->outbound_recent(storage_impl(st), id, to, body, since);
}

int
storage_outbound_cancel(struct storage *st, const char *to, const char *kind,
    const char *why, int64_t now)
{
	return st->ops->outbound_cancel(storage_impl(st), to, kind, why, now);
}

int
storage_outbound_recover(struct storage *st, int64_t now, int64_t retry_at)
{
	return st->ops->outbound_recover(storage_impl(st), now, retry_at);
}

int
storage_escalation_alerted(struct storage *st, int64_t outbound_id, int64_t now)
{
	return st->ops->escalation_alerted(storage_impl(st), outbound_id, now);
}

int
storage_escalation_find(struct storage *st, const struct escalation_key *k,
    struct escalation_row *e)
{
	memset(e, 0, sizeof *e);
	return st->ops->escalation_find(storage_impl(st), k, e);
}

int
storage_escalation_update(struct storage *st, const struct escalation_update *u)
{
	return st->ops->escalation_update(storage_impl(st), u);
}

int
storage_escalation_alert_insert(struct storage *st,
    const struct escalation_alert *a)
{
	return st->ops->escalation_alert_insert(storage_impl(st), a);
}

int
storage_escalation_message_insert(struct storage *st,
    const struct escalation_message *m)
{
	return st->ops->escalation_message_insert(storage_impl(st), m);
}

int
storage_escalation_due(struct storage *st, int64_t now, int64_t *ids,
    size_t max, size_t *n, int64_t *next_at)
{
	*n = 0;
	*next_at = 0;
	return st->ops->escalation_due(storage_impl(st), now, ids, max, n,
	    next_at);
}

int
storage_escalation_history(struct storage *st, int64_t id,
    struct escalation_event **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return st->ops->escalation_history(storage_impl(st), id, v, n);
}

int
storage_escalation_stats(struct storage *st, int64_t stuck_before,
    struct escalation_stats *s)
{
	memset(s, 0, sizeof *s);
	return st->ops->escalation_stats(storage_impl(st), stuck_before, s);
}

int
storage_patient_get(struct storage *st, int64_t id, struct patient *p)
{
	memset(p, 0, sizeof *p);
	return st->ops->patient_get(storage_impl(st), id, p);
}

int
storage_patient_list(struct storage *st, const struct patient_filter *f,
    struct patient **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return st->ops->patient_list(storage_impl(st), f, v, n);
}

int
storage_patient_update(struct storage *st, const struct patient *p, int64_t now)
{
	return st->ops->patient_update(storage_impl(st), p, now);
}

int
storage_escalation_get(struct storage *st, int64_t id, struct escalation_row *e)
{
	memset(e, 0, sizeof *e);
	return st->ops->escalation_get(storage_impl(st), id, e);
}

int
storage_escalation_list(struct storage *st, const struct escalation_filter *f,
    struct escalation_row **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return st->ops->escalation_list(storage_impl(st), f, v, n);
}

int
storage_escalation_ack(struct storage *st, int64_t id, const char *by,
    const char *note, int64_t now)
{
	return st->ops->escalation_ack(storage_impl(st), id, by, note, now);
}

int
storage_activity_list(struct storage *st, int64_t patient_id, int64_t since,
    int64_t until, size_t max, struct activity_row **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return st->ops->activity_list(storage_impl(st), patient_id, since,
	    until, max,
	    v, n);
}

int
storage_inbox_insert(struct storage *st, const struct inbox_item *it,
    int64_t *id)
{
	return st->ops->inbox_insert(storage_impl(st), it, id);
}

int
storage_inbox_get(struct storage *st, int64_t id, struct inbox_row *r)
{
	memset(r, 0, sizeof *r);
	return st->ops->inbox_get(storage_impl(st), id, r);
}

int
storage_inbox_list(struct storage *st, int open_only, size_t max,
    struct inbox_row **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return st->ops->inbox_list(storage_impl(st), open_only, max, v, n);
}

int
storage_inbox_done(struct storage *st, int64_t id, const char *by,
    const char *note, int64_t now)
{
	return st->ops->inbox_done(storage_impl(st), id, by, note, now);
}

int
storage_message_list(struct storage *st, const char *phone, int64_t before,
    size_t max, struct message_row **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	return st->ops->message_list(storage_impl(st), phone, before, max, v,
	    n);
}

void
message_row_clear(struct message_row *m)
{
	free(m->kind);
	free(m->body);
	free(m->level);
	free(m->rules);
	free(m->reply);
	free(m->status);
	memset(m, 0, sizeof *m);
}

void
message_list_free(struct message_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		message_row_clear(&v[i]);
	free(v);
}

void
outbound_row_clear(struct outbound_row *r)
{
	free(r->kind);
	free(r->to);
	free(r->body);
	free(r->status);
	free(r->delivery);
	free(r->provider_sid);
	memset(r, 0, sizeof *r);
}

void
patient_clear(struct patient *p)
{
	free(p->phone);
	free(p->name);
	free(p->language);
	free(p->timezone);
	free(p->plan);
	free(p->reminder_times);
	free(p->start_date);
	free(p->end_date);
	free(p->quiet_start);
	free(p->quiet_end);
	memset(p, 0, sizeof *p);
}

void
patient_list_free(struct patient *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		patient_clear(&v[i]);
	free(v);
}

void
escalation_row_clear(struct escalation_row *e)
{
	free(e->phone);
	free(e->level);
	free(e->excerpt);
	free(e->rules);
	free(e->acknowledged_by);
	free(e->ack_note);
	free(e->concepts);
	free(e->patient_name);
	free(e->alerted_to);
	memset(e, 0, sizeof *e);
}

void
escalation_history_free(struct escalation_event *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].level);
		free(v[i].text);
		free(v[i].reply);
		free(v[i].to);
		free(v[i].reason);
		free(v[i].status);
	}
	free(v);
}

void
escalation_list_free(struct escalation_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		escalation_row_clear(&v[i]);
	free(v);
}

void
call_row_clear(struct call_row *c)
{
	free(c->state);
	free(c->last_twiml);
	memset(c, 0, sizeof *c);
}

void
inbox_row_clear(struct inbox_row *r)
{
	free(r->phone);
	free(r->reason);
	free(r->done_by);
	free(r->note);
	free(r->body);
	free(r->level);
	memset(r, 0, sizeof *r);
}

void
inbox_list_free(struct inbox_row *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		inbox_row_clear(&v[i]);
	free(v);
}

int
storage_reminder_slot_take(struct storage *st, int64_t patient_id,
    const char *reminder, int32_t day, int64_t now)
{
	return st->ops->reminder_slot_take(storage_impl(st), patient_id,
	    reminder, day, now);
}

struct storage_watch {
	const struct storage_ops	*ops;
	void				*impl;
};

struct storage_watch *
storage_watch_new(struct storage *st, struct event_base *base,
    void (*cb)(void *), void *arg)
{
	struct storage_watch	*w;
	void			*impl;

	if (st->ops->watch_new == NULL ||
	    (impl = st->ops->watch_new(st->impl, base, cb, arg)) == NULL)
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->ops = st->ops;
	w->impl = impl;
	return w;
}

void
storage_watch_free(struct storage_watch *w)
{
	if (w == NULL)
		return;
	w->ops->watch_free(w->impl);
	free(w);
}
