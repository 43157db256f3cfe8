/* SPDX-License-Identifier: ISC */
/*
 * The request target of an HTTP/1.1 request line (RFC 9112 3.2), in origin
 * form only: a path that starts with exactly one '/', then an optional
 * query after the first '?'.  Every route the gateway serves is reached this
 * way, and the signature the provider sends covers exactly this path and
 * query after public_url, so routing and signing read the same two strings.
 * Absolute form (http://host/path), authority form, asterisk form (*),
 * a fragment ('#'), a path starting with "//" (which URI parsers read as a
 * host) and any byte outside visible ASCII are refused.
 */
#ifndef CLOTLINE_REQTARGET_H
#define CLOTLINE_REQTARGET_H

#include <stddef.h>

struct reqtarget {
	char	*path;		/* owned: from the first '/' up to the first '?' */
	char	*query;		/* owned: after the first '?', or NULL without one */
};

/*
 * Parses raw (NUL-terminated, as the request line gave it) into *out, which
 * the caller clears with reqtarget_clear.  Returns 0, or -1 (with *out empty)
 * when raw is not an origin-form target.
 */
int	reqtarget_parse(const char *raw, struct reqtarget *out);
/* Frees what *t owns; an empty or cleared target is fine. */
void	reqtarget_clear(struct reqtarget *t);

#endif
