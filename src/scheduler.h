/* SPDX-License-Identifier: ISC */
/*
 * The reminder scheduler: the daemon side of schedule.h and plan.h.
 *
 * At start it loads every enrolled patient with a plan from the store and
 * computes each reminder's next fire from the last one recorded in the
 * schedules table (or from when the patient last changed), keeping them in
 * one min-heap in memory with a single libevent timer armed at the
 * earliest.  When fires are due it builds each text from the plan's
 * template in the patient's language (the day's walking goal, the minutes
 * logged this week, the weekly goal), queues it in the outbox and records
 * the fire and the next one, all in one transaction, then recomputes.  A
 * fire more than [reminders] catch_up late (the gateway was down) is
 * skipped and logged instead.  Every [reminders] poll_interval it picks up
 * patients that another process (the staff CLI) or an opt-out changed,
 * found by patients.updated_at.  Opted-out, paused, removed and ended
 * patients get nothing, and the state is re-read from the store just
 * before each message is queued.
 *
 * Runs on the event loop; borrows base, storage, metrics, settings and the
 * outbox, which must outlive it.  The clock is clock.h's.
 */
#ifndef CLOTLINE_SCHEDULER_H
#define CLOTLINE_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

struct metrics;
struct outbox;
struct scheduler;
struct settings;
struct storage;

struct scheduler *scheduler_create(struct event_base *, struct storage *,
		    struct metrics *, const struct settings *, struct outbox *);
void		 scheduler_free(struct scheduler *);
/*
 * Loads the patients and arms the timer.  Returns -1 if the store could
 * not be read (already logged).
 */
int		 scheduler_start(struct scheduler *);
/* After a reload: plans and prompts from the new set; reloads patients. */
void		 scheduler_set_settings(struct scheduler *,
		    const struct settings *);
/* Queues nothing more. */
void		 scheduler_stop(struct scheduler *);
/* Patients loaded: enrolled, not paused or opted out, with a plan. */
size_t		 scheduler_patients(const struct scheduler *);
/* Reminders with a next fire still to come (for logs and benchmarks). */
size_t		 scheduler_pending(const struct scheduler *);

#endif
