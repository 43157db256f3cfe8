/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the configuration file (conf.c, through inih), any bytes
 * as clotline.ini in a private directory.
 *
 * conf_load must return a configuration exactly when it reported no
 * error, and one that holds what the table promises: a listen address and
 * port, E.164 numbers, a known provider, a public URL without a trailing
 * slash, in-range timeouts, and whatever signature checking needs; its
 * values must make the shipped prompts (prompts_load, with the clinic's
 * name and numbers filled in) load without fault and in valid UTF-8, since
 * they become SMS and TwiML.  And conf_load must never echo the auth
 * token: when the file sets one (a line "auth_token = VALUE" at the start
 * of a line, VALUE 12 bytes or more and nowhere else in the file), no
 * diagnostic may contain it unless the same file with another value gives
 * a diagnostic that contains it too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "diag.h"
#include "fuzz.h"
#include "phone.h"
#include "prompts.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * The value of an unindented "auth_token = VALUE" line, or NULL; caller
 * frees.  *offp gets its offset in s.
 */
static char *
fuzz_conf_token(const char *s, size_t len, size_t *offp)
{
	const char	*p = s, *end = s + len, *eol, *v;
	size_t		 vlen;

	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) < 10 || memcmp(p, "auth_token", 10) != 0)
			continue;
		for (v = p + 10; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		if (v == eol || *v++ != '=')
			continue;
		while (v < eol && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(eol - v);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\r' ||
		    v[vlen - 1] == '\t'))
			vlen--;
		if (vlen < 12 || memchr(v, '\0', vlen) != NULL)
			continue;
		/* Its own line only: elsewhere it could be echoed rightly. */
		if (memmem(v + vlen, (size_t)(end - v - vlen), v, vlen) != NULL ||
		    memmem(s, (size_t)(v - s), v, vlen) != NULL)
			continue;
		*offp = (size_t)(v - s);
		return xstrndup(v, vlen);
	}
	return NULL;
}

/* 1 if a diagnostic of d contains s. */
static int
fuzz_conf_said(const struct diag *d, const char *s)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		if (strstr(d->v[i].text, s) != NULL)
			return 1;
	return 0;
}

/*
 * The token must not be echoed.  Whether a diagnostic holds it is judged
 * against the same file with the token's value overwritten: if that one's
 * diagnostics hold the string too, it is text of their own ("verify_
 * signatures = yes") or another line's, and proves nothing.
 */
static void
fuzz_conf_secret(const uint8_t *data, size_t size, const struct diag *d)
{
	struct conf	*c;
	struct diag	 d2;
	char		*token, *copy;
	size_t		 off;

	if ((token = fuzz_conf_token((const char *)data, size, &off)) == NULL)
		return;
	if (!fuzz_conf_said(d, token)) {
		free(token);
		return;
	}
	copy = fuzz_string((const char *)data, size);
	memset(copy + off, 'Z', strlen(token));
	diag_init(&d2);
	c = conf_load(fuzz_write("clotline.ini", copy, size), &d2);
	if (!fuzz_conf_said(&d2, token))
		fuzz_fail("the auth token '%s' is echoed", token);
	conf_free(c);
	diag_clear(&d2);
	free(copy);
	free(token);
}

static void
fuzz_conf_sane(const struct conf *c)
{
	size_t	n;

	if (c->listen_host == NULL || *c->listen_host == '\0' ||
	    c->listen_port < 0 || c->listen_port > 65535)
		fuzz_fail("listen address");
	if ((c->from != NULL && !phone_is_e164(c->from)) ||
	    !phone_is_e164(c->clinic_phone) || !phone_is_e164(c->on_call))
		fuzz_fail("a number is not E.164");
	if (strcmp(c->provider, "console") != 0 &&
	    strcmp(c->provider, "twilio") != 0)
		fuzz_fail("provider '%s'", c->provider);
	if (c->public_url != NULL && ((n = strlen(c->public_url)) == 0 ||
	    c->public_url[n - 1] == '/'))
		fuzz_fail("public_url '%s'", c->public_url);
	if (c->verify_signatures && (c->public_url == NULL ||
	    c->auth_token == NULL || *c->auth_token == '\0'))
		fuzz_fail("signatures verified without a URL or token");
	if (c->request_timeout < 1 || c->request_timeout > 300 ||
	    c->send_timeout < 1 || c->outbox_rate < 1 || c->max_in_flight < 1 ||
	    c->retry_initial_ms < 10 || c->loop_limit < 1)
		fuzz_fail("a number out of its range");
	if (c->database == NULL || c->prompts_dir == NULL ||
	    c->emergency_number == NULL || c->language == NULL ||
	    c->timezone == NULL || c->clinic_name == NULL)
		fuzz_fail("a key with a default is unset");
}

/* The shipped prompts rendered with c's values. */
static void
fuzz_conf_prompts(const struct conf *c)
{
	struct prompt_vars	 vars;
	struct prompts		*p;
	struct diag		 d;
	const char		*text;
	char			*dir;
	int			 id;

	vars.emergency_number = c->emergency_number;
	vars.urgent_number = conf_urgent_number(c, "+44");
	vars.clinic_name = c->clinic_name;
	vars.clinic_phone = c->clinic_phone;
	dir = xasprintf("%s/prompts", fuzz_srcdir());
	diag_init(&d);
	p = prompts_load(dir, "en", &vars, &d);
	if ((p == NULL) != (d.nerrors > 0))
		fuzz_fail("prompts_load: prompts %p with %zu errors", (void *)p,
		    d.nerrors);
	for (id = 0; p != NULL && id < PROMPT_COUNT; id++) {
		text = prompts_get(p, c->language, (enum prompt_id)id);
		if (!utf8_valid(text, strlen(text)))
			fuzz_fail("prompt %s is not valid UTF-8",
			    prompts_name((enum prompt_id)id));
	}
	prompts_free(p);
	diag_clear(&d);
	free(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 once;
	struct conf	*c;
	struct diag	 d;
	const char	*path;

	if (!once) {
		unsetenv("CLOTLINE_AUTH_TOKEN");
		once = 1;
	}
	path = fuzz_write("clotline.ini", data, size);
	diag_init(&d);
	c = conf_load(path, &d);
	if ((c == NULL) != (d.nerrors > 0))
		fuzz_fail("conf_load: conf %p with %zu errors", (void *)c,
		    d.nerrors);
	if (c != NULL) {
		fuzz_conf_sane(c);
		fuzz_conf_prompts(c);
	}
	fuzz_conf_secret(data, size, &d);
	conf_free(c);
	diag_clear(&d);
	return 0;
}
