/* SPDX-License-Identifier: ISC */
/*
 * Reminder plans: config/plans/<name>.ini files that staff edit, loaded as
 * one set with file:line diagnostics (check-config shows them all) and
 * swapped whole on SIGHUP.  A plan has a [plan] section (description, the
 * walking step-up and the weekly endurance goal) and one [reminder NAME]
 * section per kind of reminder, with its local time, days, template
 * (prompts/<lang>/reminder_*.txt) and optional start delay and end.
 * docs/reminders.md gives the format.
 *
 * The plan also answers, as pure functions, the questions staff and the
 * scheduler ask about one patient: their enrolment as a schedule window,
 * their reminder times with overrides applied, the day's walking goal and
 * their next reminders.
 */
#ifndef CLOTLINE_PLAN_H
#define CLOTLINE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "schedule.h"

#define PLAN_MAX_REMINDERS	16
#define PLAN_NAME_MAX		32	/* plan and reminder names */

struct activity_row;
struct patient;
struct prompts;
struct tz_zone;

struct plan_reminder {
	char			*name;		/* "walk": [reminder walk] */
	struct sched_rule	 rule;		/* time, days, delay, end */
	char			*template;	/* a reminder_* prompt */
	char			*logged_template; /* NULL: template; used when
						   activity was logged this week */
	unsigned		 line;		/* of its [reminder] header */
};

struct plan {
	char			*name;		/* the file name without .ini */
	char			*path;
	char			*description;
	int			 walk_start;	/* daily minutes in week 1 */
	int			 walk_step;	/* added each week */
	int			 walk_target;	/* the daily ceiling */
	int			 goal_min;	/* weekly endurance minutes */
	int			 goal_max;
	struct plan_reminder	 reminders[PLAN_MAX_REMINDERS];
	size_t			 nreminders;
};

struct plans;

/*
 * Loads every NAME.ini in dir.  A directory that does not exist is an
 * error, or with missing_ok (the default location, not configured) a
 * warning and an empty set.  Templates are checked against prompts: a
 * template missing from the default language is an error, from another
 * language a warning (prompts_dir names them).  prompts may be NULL to
 * skip that check.  Returns a
 * set (free with plan_set_free; may be empty) or NULL with every problem
 * in diag as file:line.
 */
struct plans	*plan_set_load(const char *dir, int missing_ok,
		    const struct prompts *, const char *prompts_dir,
		    struct diag *);
void		 plan_set_free(struct plans *);
/* The plan called name; NULL if none.  Belongs to the set. */
const struct plan *plan_find(const struct plans *, const char *name);
size_t		 plan_count(const struct plans *);
/* Plans in name order; i < plan_count. */
const struct plan *plan_get(const struct plans *, size_t i);
/* The reminder called name in plan; NULL if none. */
const struct plan_reminder *plan_reminder_find(const struct plan *,
		    const char *name);

/*
 * Checks a patient's reminder_times list ("walk=09:30,strength=17:00"):
 * well formed, and every name is a reminder of the plan.  Returns 0, or -1
 * with *why (caller frees).  NULL and "" are valid (no overrides).
 */
int		 plan_check_times(const struct plan *, const char *times,
		    char **why);
/*
 * The rules of p's reminders for patient pt, with pt's reminder_times
 * applied, into rules (PLAN_MAX_REMINDERS long), and pt's window; a patient
 * without a start date starts on the local day of created_at.  Returns the
 * number of rules, or -1 with *why (static) if pt's enrolment does not
 * parse.
 */
int		 plan_patient_rules(const struct plan *, const struct patient *,
		    const struct tz_zone *, struct sched_rule *rules,
		    struct sched_window *, const char **why);
/*
 * pt's next n reminders after `after` (out at least n long; out[i].rule
 * indexes p->reminders).  Returns how many, or -1 with *why (static).
 */
int		 plan_upcoming(const struct plan *, const struct patient *,
		    const struct tz_zone *, int64_t after,
		    struct sched_fire *out, size_t n, const char **why);
/*
 * The daily walking goal on civil day `today` for a patient who started on
 * start_day: walk_start, plus walk_step for each whole week since, up to
 * the target (target_override when > 0, else the plan's).
 */
int		 plan_walk_minutes(const struct plan *, int target_override,
		    int32_t start_day, int32_t today);

/*
 * Minutes of activity in n reports (a week's, oldest first), as the
 * weekly summary counts them: minutes as given; a distance at a walking
 * pace of PLAN_METERS_PER_MINUTE; steps at PLAN_STEPS_PER_MINUTE; a bare
 * "done" as that day's walking goal, once a day and only on a day with
 * nothing more precise.
 */
#define PLAN_METERS_PER_MINUTE	80	/* 4.8 km/h */
#define PLAN_STEPS_PER_MINUTE	100
int		 plan_week_minutes(const struct plan *, int target_override,
		    int32_t start_day, const struct tz_zone *,
		    const struct activity_row *, size_t n);
/*
 * The one definition of a day's activity, shared by the reminders, the
 * adherence CSV, the API and the console: the minutes of each of the ndays
 * civil days from `first` into out[0..ndays), each day's reports (rows,
 * oldest first, days on the patient's clock z) counted exactly as
 * plan_week_minutes counts them.  p may be NULL (a plan since removed):
 * then a bare "done" counts nothing, having no goal to stand for.
 */
void		 plan_day_minutes(const struct plan *, int target_override,
		    int32_t start_day, const struct tz_zone *,
		    const struct activity_row *, size_t n, int32_t first,
		    int32_t ndays, int *out);

#endif
