/* SPDX-License-Identifier: ISC */
/*
 * Form body parsing (see form.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "form.h"
#include "utf8.h"
#include "xmalloc.h"

static char *
form_decode(const char *s, size_t len, size_t *outlen)
{
	char	*raw, *dec;

	raw = xstrndup(s, len);
	dec = evhttp_uridecode(raw, 1, outlen);
	free(raw);
	if (dec == NULL)
		abort();	/* libevent only fails on allocation */
	return dec;
}

enum form_result
form_parse(const char *buf, size_t len, size_t max_fields, struct form **out)
{
	struct form		*f;
	struct form_field	*fld;
	const char		*p = buf, *end = buf + len, *amp, *eq;
	enum form_result	 rc = FORM_MALFORMED;

	*out = NULL;
	if (len == 0) {		/* buf may be NULL (an empty evbuffer) */
		*out = xcalloc(1, sizeof **out);
		return FORM_OK;
	}
	/* A raw NUL is never part of a urlencoded body (a decoded %00 may be). */
	if (memchr(buf, '\0', len) != NULL)
		return FORM_MALFORMED;
	f = xcalloc(1, sizeof *f);
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {		/* tolerate "a=1&&b=2" and a trailing '&' */
			p++;
			continue;
		}
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || eq == p)
			goto fail;
		if (f->n == max_fields) {
			rc = FORM_TOO_MANY;
			goto fail;
		}
		f->fields = xreallocarray(f->fields, f->n + 1, sizeof *f->fields);
		fld = &f->fields[f->n++];
		fld->key = form_decode(p, (size_t)(eq - p), &fld->keylen);
		fld->value = form_decode(eq + 1, (size_t)(amp - eq - 1),
		    &fld->valuelen);
		p = amp + 1;
	}
	*out = f;
	return FORM_OK;
fail:
	form_free(f);
	return rc;
}

struct form *
form_new(void)
{
	return xcalloc(1, sizeof (struct form));
}

void
form_add(struct form *f, const char *key, const char *value, size_t len)
{
	struct form_field	*fld;

	f->fields = xreallocarray(f->fields, f->n + 1, sizeof *f->fields);
	fld = &f->fields[f->n++];
	fld->keylen = strlen(key);
	fld->key = xstrdup(key);
	fld->valuelen = len;
	fld->value = xmalloc(len + 1);
	memcpy(fld->value, value, len);
	fld->value[len] = '\0';
}

void
form_free(struct form *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->fields[i].key);
		free(f->fields[i].value);
	}
	free(f->fields);
	free(f);
}

const char *
form_get(const struct form *f, const char *key, size_t *lenp)
{
	size_t	i, klen = strlen(key);

	for (i = 0; i < f->n; i++) {
		if (f->fields[i].keylen == klen &&
		    memcmp(f->fields[i].key, key, klen) == 0) {
			if (lenp != NULL)
				*lenp = f->fields[i].valuelen;
			return f->fields[i].value;
		}
	}
	return NULL;
}

const char *
form_get_text(const struct form *f, const char *key, size_t max)
{
	const char	*v;
	size_t		 len, i;

	if ((v = form_get(f, key, &len)) == NULL || len > max ||
	    !utf8_valid(v, len))
		return NULL;
	for (i = 0; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return NULL;
		/* C1 controls, U+0080 to U+009F: 0xc2 0x80-0x9f in UTF-8. */
		if ((unsigned char)v[i] == 0xc2 && i + 1 < len &&
		    (unsigned char)v[i + 1] < 0xa0)
			return NULL;
	}
	return v;
}
