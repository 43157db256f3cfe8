/* SPDX-License-Identifier: ISC */
/*
 * What the staff operations' files (staff.c, staff_patient.c,
 * staff_escalation.c, staff_report.c) share and nothing else uses.
 */
#ifndef CLOTLINE_STAFF_INT_H
#define CLOTLINE_STAFF_INT_H

#include <stdint.h>

#include "staff.h"

struct sched_window;
struct tz_zone;

#define STAFF_DAY		86400
#define STAFF_ACTIVITY_MAX	10000	/* reports read for one patient */
#define STAFF_PAGE		500	/* patients read at a time */

/* Fills *err (msg as printf says) and returns status. */
enum staff_status staff_fail(struct staff_error *err, enum staff_status status,
		    const char *field, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));
/* STAFF_FAILED: the database is unavailable. */
enum staff_status staff_store_failed(struct staff_error *err);
/* "2026-01-05" for a civil day number. */
void		staff_format_day(int32_t day, char buf[16]);
/* The zone by name from ctx's cache (which owns it); NULL if unknown. */
const struct tz_zone *staff_zone(const struct staff_ctx *, const char *name);
/* One audit_log row by ctx's actor, inside the caller's transaction. */
int		staff_audit(const struct staff_ctx *, const char *action,
		    const char *subject, const char *detail);
/* Commits if ok (and err is clear), else rolls back; err->status. */
enum staff_status staff_finish(const struct staff_ctx *, int ok,
		    struct staff_error *err);
/* The patient's first day: the start date, else the day of enrolment. */
int32_t		staff_start_day(const struct tz_zone *, const struct patient *,
		    const struct sched_window *);

#endif
