/* SPDX-License-Identifier: ISC */
/*
 * Outbox rules (see outbox_policy.h).
 *
 * Retry limits, by what a late message is worth: an on-call alert about a
 * patient in danger is worth sending for a day, so it retries longest; a
 * walking reminder is worthless hours late, so it expires instead (and its
 * ValidityPeriod tells the provider the same).
 */
#include "config.h"

#include <string.h>

#include "outbox_policy.h"

static const struct outbox_kind_policy outbox_policies[] = {
	{ "alert",	OUTBOX_PRIO_ALERT,	300,	24 * 3600 },
	{ "welcome",	OUTBOX_PRIO_NORMAL,	12,	24 * 3600 },
	{ "reply",	OUTBOX_PRIO_NORMAL,	6,	3600 },
	{ "reminder",	OUTBOX_PRIO_REMINDER,	8,	2 * 3600 },
};

const struct outbox_kind_policy *
outbox_policy(const char *kind, int64_t alert_max_age, int64_t reminder_max_age,
    struct outbox_kind_policy *buf)
{
	size_t	i;

	for (i = 0; i < sizeof outbox_policies / sizeof outbox_policies[0]; i++) {
		if (strcmp(outbox_policies[i].kind, kind) != 0)
			continue;
		*buf = outbox_policies[i];
		if (strcmp(kind, "alert") == 0 && alert_max_age > 0)
			buf->max_age = alert_max_age;
		if (strcmp(kind, "reminder") == 0 && reminder_max_age > 0)
			buf->max_age = reminder_max_age;
		return buf;
	}
	return NULL;
}

int64_t
outbox_backoff_ms(int attempts, int64_t initial_ms, int64_t max_ms, uint32_t rnd)
{
	int64_t	d = initial_ms, half;
	int	i;

	for (i = 1; i < attempts && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	half = d / 2;
	return d - half + (int64_t)(rnd % (uint64_t)(half + 1));
}

int64_t
outbox_retry_delay_ms(int64_t backoff_ms, long retry_after, int64_t max_ms)
{
	int64_t	delay = backoff_ms;

	if (retry_after > 0) {
		/* Compared in seconds first, so nothing is multiplied past max. */
		if ((int64_t)retry_after >= max_ms / 1000 + 1)
			return max_ms;
		if ((int64_t)retry_after * 1000 > delay)
			delay = (int64_t)retry_after * 1000;
	}
	return delay > max_ms ? max_ms : delay;
}

static void
outbox_bucket_fill(struct outbox_bucket *b, int64_t now_ms)
{
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * b->rate / 1000.0;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
	}
	if (now_ms > b->last_ms)
		b->last_ms = now_ms;
}

void
outbox_bucket_init(struct outbox_bucket *b, double rate, double burst,
    int64_t now_ms)
{
	b->rate = rate;
	b->burst = burst < 1.0 ? 1.0 : burst;
	b->tokens = b->burst;
	b->last_ms = now_ms;
}

int
outbox_bucket_take(struct outbox_bucket *b, int64_t now_ms)
{
	outbox_bucket_fill(b, now_ms);
	if (b->tokens < 1.0)
		return 0;
	b->tokens -= 1.0;
	return 1;
}

int64_t
outbox_bucket_wait_ms(struct outbox_bucket *b, int64_t now_ms)
{
	double	ms;

	outbox_bucket_fill(b, now_ms);
	if (b->tokens >= 1.0)
		return 0;
	ms = (1.0 - b->tokens) * 1000.0 / b->rate;
	return (int64_t)ms + 1;
}

int
outbox_delivery_rank(const char *state)
{
	static const struct {
		const char	*state;
		int		 rank;
	} ranks[] = {
		{ "accepted", 1 }, { "scheduled", 1 }, { "queued", 1 },
		{ "sending", 2 }, { "sent", 3 },
		{ "delivered", 4 }, { "undelivered", 4 }, { "failed", 4 },
		{ "read", 4 }, { "canceled", 4 },
	};
	size_t	i;

	if (state == NULL)
		return 0;
	for (i = 0; i < sizeof ranks / sizeof ranks[0]; i++)
		if (strcmp(ranks[i].state, state) == 0)
			return ranks[i].rank;
	return 0;
}

int
outbox_delivery_advances(const char *current, const char *next)
{
	int	rn = outbox_delivery_rank(next);

	return rn > 0 && rn > outbox_delivery_rank(current);
}
