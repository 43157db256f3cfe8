/* SPDX-License-Identifier: ISC */
/*
 * The outbox's rules, as pure code with time passed in: which kinds go
 * first, how often and for how long each kind is retried, the backoff with
 * jitter between attempts, the per-number token bucket, and the order of the
 * provider's delivery states.  outbox.c applies them; the unit tests pin them.
 */
#ifndef CLOTLINE_OUTBOX_POLICY_H
#define CLOTLINE_OUTBOX_POLICY_H

#include <stdint.h>

/* Queue order: lower goes first (outbound_messages.priority). */
#define OUTBOX_PRIO_EMERGENCY	0	/* on-call alert for an emergency */
#define OUTBOX_PRIO_ALERT	1	/* other staff alerts */
#define OUTBOX_PRIO_NORMAL	2	/* welcomes, replies */
#define OUTBOX_PRIO_REMINDER	3

struct outbox_kind_policy {
	const char	*kind;		/* outbound_messages.kind */
	int		 priority;	/* the default for the kind */
	int		 max_attempts;
	int64_t		 max_age;	/* seconds after created_at */
};

/*
 * The policy for kind, with the configured maximum ages for alerts and
 * reminders; NULL for a kind the outbox does not know.
 */
const struct outbox_kind_policy *outbox_policy(const char *kind,
		    int64_t alert_max_age, int64_t reminder_max_age,
		    struct outbox_kind_policy *buf);

/*
 * Milliseconds to wait before the next attempt after `attempts` failed ones
 * (1 or more): initial_ms doubled each time, capped at max_ms, then drawn
 * uniformly from its upper half with rnd so that many retries do not
 * return in step.
 */
int64_t	outbox_backoff_ms(int attempts, int64_t initial_ms, int64_t max_ms,
	    uint32_t rnd);

/*
 * The wait before the next attempt: the backoff, or the provider's
 * Retry-After seconds (-1: none) when that is longer, but never longer than
 * max_ms ([outbox] retry_max): a Retry-After of a day must not hold an
 * emergency alert past alert_max_age.  Cannot overflow for any input.
 */
int64_t	outbox_retry_delay_ms(int64_t backoff_ms, long retry_after,
	    int64_t max_ms);

/* A token bucket: rate tokens a second, holding at most burst. */
struct outbox_bucket {
	double	 rate;
	double	 burst;
	double	 tokens;
	int64_t	 last_ms;
};

void	outbox_bucket_init(struct outbox_bucket *, double rate, double burst,
	    int64_t now_ms);
/* Takes a token and returns 1, or returns 0 if none is available yet. */
int	outbox_bucket_take(struct outbox_bucket *, int64_t now_ms);
/* Milliseconds until a token is available (0 if one is now). */
int64_t	outbox_bucket_wait_ms(struct outbox_bucket *, int64_t now_ms);

/*
 * The provider's delivery states in order: accepted/queued/scheduled 1,
 * sending 2, sent 3, and the terminal delivered, undelivered, failed,
 * read, canceled 4; 0 for a state we do not know.  A state may replace the
 * current one only if it ranks higher, so a late "sent" never undoes
 * "delivered" and nothing moves a terminal state.
 */
int	outbox_delivery_rank(const char *state);
int	outbox_delivery_advances(const char *current, const char *next);

#endif
