/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the request target of a request line, any bytes
 * (src/reqtarget.c).
 *
 * reqtarget_parse must accept exactly the origin-form targets: a first '/'
 * not followed by another, visible ASCII only, no '#'.  An accepted target
 * is its path, then '?' and the query when it has one, byte for byte; the
 * path holds no '?'.  Where libevent's own URI parser (which the request
 * line went through before the gateway saw it) reads an accepted target, it
 * finds the same path and query: routing and signing never disagree with
 * what libevent hands the staff API.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "fuzz.h"
#include "reqtarget.h"
#include "xmalloc.h"

/* Whether the target is origin form, read a second way. */
static int
fuzz_reqtarget_expect(const char *s, size_t len)
{
	size_t	i;

	if (len < 1 || s[0] != '/' || (len > 1 && s[1] == '/'))
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '!' || s[i] > '~' || s[i] == '#')
			return 0;
	return 1;
}

static int
fuzz_reqtarget_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reqtarget	 t;
	struct evhttp_uri	*uri;
	char			*s, *joined;
	size_t			 len;
	int			 rc, want;
	const char		*q;

	s = fuzz_string((const char *)data, size);
	len = strlen(s);	/* the request line ends a target at a NUL */
	want = fuzz_reqtarget_expect(s, len);
	rc = reqtarget_parse(s, &t);
	if ((rc == 0) != want)
		fuzz_fail("reqtarget_parse says %d, origin form is %d", rc, want);
	if (rc == -1) {
		if (t.path != NULL || t.query != NULL)
			fuzz_fail("a refused target left a path or query");
		free(s);
		return 0;
	}
	if (strchr(t.path, '?') != NULL)
		fuzz_fail("the path holds a '?'");
	joined = t.query != NULL ? xasprintf("%s?%s", t.path, t.query) :
	    xstrdup(t.path);
	if (strcmp(joined, s) != 0)
		fuzz_fail("path and query do not give back the target");
	free(joined);
	if ((uri = evhttp_uri_parse_with_flags(s,
	    EVHTTP_URI_NONCONFORMANT)) != NULL) {
		q = evhttp_uri_get_query(uri);
		if (!fuzz_reqtarget_streq(evhttp_uri_get_path(uri), t.path) ||
		    !fuzz_reqtarget_streq(q, t.query))
			fuzz_fail("libevent reads path '%s' query '%s', we "
			    "read '%s' '%s'", evhttp_uri_get_path(uri),
			    q != NULL ? q : "(none)", t.path,
			    t.query != NULL ? t.query : "(none)");
		if (evhttp_uri_get_host(uri) != NULL ||
		    evhttp_uri_get_scheme(uri) != NULL)
			fuzz_fail("libevent reads a host or scheme in an "
			    "origin-form target");
		evhttp_uri_free(uri);
	}
	reqtarget_clear(&t);
	free(s);
	return 0;
}
