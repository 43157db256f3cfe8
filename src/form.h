/* SPDX-License-Identifier: ISC */
/*
 * application/x-www-form-urlencoded bodies, as the provider posts webhooks.
 * Splitting is ours (with a field limit and explicit lengths, so decoded NUL
 * bytes survive for the signature); percent- and plus-decoding is libevent's
 * evhttp_uridecode.  Keys and values keep their order and repeats.
 */
#ifndef CLOTLINE_FORM_H
#define CLOTLINE_FORM_H

#include <stddef.h>

struct form_field {
	char	*key;		/* owned, NUL-terminated; may hold NULs */
	size_t	 keylen;
	char	*value;		/* owned, NUL-terminated; may hold NULs */
	size_t	 valuelen;
};

struct form {
	struct form_field	*fields;	/* owned */
	size_t			 n;
};

enum form_result {
	FORM_OK = 0,
	FORM_MALFORMED,		/* a field without '=' or with an empty key */
	FORM_TOO_MANY,		/* more than the allowed number of fields */
};

/*
 * Parses buf[0..len) into a new form (free with form_free).  On error *out is
 * NULL.  An empty body is a valid empty form, and buf may then be NULL.
 */
enum form_result form_parse(const char *buf, size_t len, size_t max_fields,
		    struct form **out);
void		 form_free(struct form *);
/*
 * An empty form, and a field appended to it (key and value copied; value
 * is len bytes): for parameters that came in another shape, such as JSON.
 */
struct form	*form_new(void);
void		 form_add(struct form *, const char *key, const char *value,
		    size_t len);
/*
 * The first value of key, or NULL if absent; *lenp (if not NULL) gets its
 * length.  The pointer belongs to the form.
 */
const char	*form_get(const struct form *, const char *key, size_t *lenp);
/*
 * The first value of key if it is at most max bytes of well-formed UTF-8
 * free of control characters (C0 with NUL, DEL and C1), else NULL.  For
 * identifiers and numbers that are stored, logged and served as JSON as
 * they came.
 */
const char	*form_get_text(const struct form *, const char *key, size_t max);

#endif
