/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: webhook form bodies and callback query strings, any bytes.
 *
 * form_parse must accept exactly the bodies the format allows (each
 * non-empty '&'-separated piece has a '=' after a non-empty key, no raw
 * NUL, at most FUZZ_FORM_MAX fields), keep every field, and decode them so
 * that the form encoded again, every byte as %XX, parses back to the same
 * bytes; form_get finds the first field of a key.  provider_query_id must
 * find the first "id=N" piece whose N is a whole positive number.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzz.h"
#include "provider.h"
#include "xmalloc.h"

#define FUZZ_FORM_MAX	32	/* small, so that the limit is reached */

/* What form_parse should say about buf, read piece by piece. */
static enum form_result
fuzz_form_expect(const char *buf, size_t len, size_t *nfields)
{
	const char	*p = buf, *end = buf + len, *amp, *eq;

	*nfields = 0;
	if (len > 0 && memchr(buf, '\0', len) != NULL)
		return FORM_MALFORMED;
	for (; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || eq == p)
			return FORM_MALFORMED;
		if (*nfields == FUZZ_FORM_MAX)
			return FORM_TOO_MANY;
		(*nfields)++;
	}
	return FORM_OK;
}

/* Appends every byte of s as %XX. */
static void
fuzz_form_encode(char **out, size_t *used, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		snprintf(*out + *used, 4, "%%%02X", (unsigned char)s[i]);
		*used += 3;
	}
}

static void
fuzz_form_roundtrip(const struct form *f)
{
	struct form	*g;
	char		*buf;
	size_t		 i, size = 1, used = 0;

	for (i = 0; i < f->n; i++)
		size += 3 * (f->fields[i].keylen + f->fields[i].valuelen) + 2;
	buf = xmalloc(size);
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			buf[used++] = '&';
		fuzz_form_encode(&buf, &used, f->fields[i].key,
		    f->fields[i].keylen);
		buf[used++] = '=';
		fuzz_form_encode(&buf, &used, f->fields[i].value,
		    f->fields[i].valuelen);
	}
	if (form_parse(buf, used, FUZZ_FORM_MAX, &g) != FORM_OK ||
	    g->n != f->n)
		fuzz_fail("the form encoded again does not parse the same");
	for (i = 0; i < f->n; i++) {
		if (g->fields[i].keylen != f->fields[i].keylen ||
		    g->fields[i].valuelen != f->fields[i].valuelen ||
		    memcmp(g->fields[i].key, f->fields[i].key,
		    f->fields[i].keylen) != 0 ||
		    memcmp(g->fields[i].value, f->fields[i].value,
		    f->fields[i].valuelen) != 0)
			fuzz_fail("field %zu changed when encoded again", i);
	}
	form_free(g);
	free(buf);
}

static void
fuzz_form_check(const struct form *f, size_t want)
{
	const struct form_field	*fld;
	const char		*v;
	size_t			 i, j, vlen;

	if (f->n != want)
		fuzz_fail("%zu fields, expected %zu", f->n, want);
	for (i = 0; i < f->n; i++) {
		fld = &f->fields[i];
		if (fld->keylen == 0 && fld->key[0] != '\0')
			fuzz_fail("field %zu: empty key with bytes", i);
		if (fld->key[fld->keylen] != '\0' ||
		    fld->value[fld->valuelen] != '\0')
			fuzz_fail("field %zu is not NUL-terminated", i);
		if (memchr(fld->key, '\0', fld->keylen) != NULL)
			continue;	/* form_get cannot name it */
		v = form_get(f, fld->key, &vlen);
		for (j = 0; j < i; j++)
			if (f->fields[j].keylen == fld->keylen &&
			    memcmp(f->fields[j].key, fld->key, fld->keylen) == 0)
				break;
		if (v != f->fields[j].value || vlen != f->fields[j].valuelen)
			fuzz_fail("form_get of field %zu's key is not the first", i);
	}
	fuzz_form_roundtrip(f);
}

/* The id provider_query_id should find, by strtoll on each piece alone. */
static int64_t
fuzz_form_query_expect(const char *q)
{
	const char	*p = q, *amp;
	char		*piece, *end;
	long long	 v;
	int64_t		 id = 0;

	while (id == 0) {
		amp = strchr(p, '&');
		piece = amp == NULL ? xstrdup(p) : xstrndup(p, (size_t)(amp - p));
		if (strncmp(piece, "id=", 3) == 0) {
			errno = 0;
			v = strtoll(piece + 3, &end, 10);
			if (errno == 0 && v > 0 && *end == '\0')
				id = v;
		}
		free(piece);
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return id;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form		*f;
	enum form_result	 rc, want;
	size_t			 n;
	char			*q;
	int64_t			 id, wantid;

	want = fuzz_form_expect((const char *)data, size, &n);
	rc = form_parse((const char *)data, size, FUZZ_FORM_MAX, &f);
	if (rc != want)
		fuzz_fail("form_parse said %d, expected %d", (int)rc, (int)want);
	if ((rc == FORM_OK) != (f != NULL))
		fuzz_fail("form_parse said %d with form %p", (int)rc, (void *)f);
	if (f != NULL)
		fuzz_form_check(f, n);
	form_free(f);

	q = fuzz_string((const char *)data, size);
	id = provider_query_id(q);
	wantid = fuzz_form_query_expect(q);
	if (id != wantid)
		fuzz_fail("provider_query_id gave %lld, expected %lld",
		    (long long)id, (long long)wantid);
	free(q);
	return 0;
}
