/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: X-Twilio-Signature verification with any token, URL,
 * header and parameters.  The input is four lines: auth token, URL,
 * signature header, then the form body (the rest).
 *
 * Whatever the input, verification must not crash, the fuzzed header must
 * verify only if it is the signature of the URL or one of its port
 * variants, a computed signature is 28 base64 characters, verifies, and
 * stops verifying when one character changes; and the variants the
 * provider's validators accept must verify: the URL with its scheme's
 * default port added, and with a port stripped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "fuzz.h"
#include "signature.h"
#include "xmalloc.h"

static const char fuzz_sig_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
fuzz_sig_check_form(const char *s)
{
	size_t	i;

	if (strlen(s) != SIGNATURE_SIZE - 1 || s[SIGNATURE_SIZE - 2] != '=')
		fuzz_fail("signature '%s' is not 27 base64 characters and '='", s);
	for (i = 0; i < SIGNATURE_SIZE - 2; i++)
		if (strchr(fuzz_sig_b64, s[i]) == NULL)
			fuzz_fail("signature '%s' has a non-base64 character", s);
}

/*
 * For an absolute http(s) URL whose authority has no ':', '[' or ']',
 * the same URL with port inserted after the host; else NULL.
 */
static char *
fuzz_sig_with_port(const char *url, const char *port)
{
	const char	*host, *end;
	size_t		 hlen;

	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return NULL;
	hlen = strcspn(host, "/?#");
	end = host + hlen;
	if (memchr(host, ':', hlen) != NULL || memchr(host, '[', hlen) != NULL ||
	    memchr(host, ']', hlen) != NULL)
		return NULL;
	return xasprintf("%.*s:%s%s", (int)(end - url), url, port, end);
}

static void
fuzz_sig_must(int want, const char *token, const char *url,
    const struct form *f, const char *header, const char *what)
{
	if (signature_verify(token, url, f, header) != want)
		fuzz_fail("%s: signature %s %s for '%s'", what, header,
		    want ? "does not verify" : "verifies", url);
}

static void
fuzz_sig_ports(const char *token, const char *url, const struct form *f,
    const char *sig)
{
	char	*def, *other, dsig[SIGNATURE_SIZE], osig[SIGNATURE_SIZE];

	def = fuzz_sig_with_port(url, strncasecmp(url, "https:", 6) == 0 ?
	    "443" : "80");
	other = fuzz_sig_with_port(url, "1234");
	if (def == NULL || other == NULL)
		goto out;
	if (signature_compute(token, def, f, dsig) == -1 ||
	    signature_compute(token, other, f, osig) == -1)
		fuzz_fail("signature_compute failed on a variant of '%s'", url);
	/* Signed with the default port, requested without: accepted. */
	fuzz_sig_must(1, token, url, f, dsig, "default port added");
	/* Signed without, requested with the default port: stripped. */
	fuzz_sig_must(1, token, def, f, sig, "default port stripped");
	/* Signed without, requested on another port: stripped. */
	fuzz_sig_must(1, token, other, f, sig, "other port stripped");
	/* Signed for another port: never valid for the portless URL. */
	fuzz_sig_must(0, token, url, f, osig, "signed for another port");
out:
	free(def);
	free(other);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part	 part[4];
	struct form		*f = NULL;
	char			*token, *url, *header, sig[SIGNATURE_SIZE];
	char			 bad[SIGNATURE_SIZE];
	int			 ok;

	if (fuzz_split(data, size, '\n', part, 4) < 4)
		return 0;
	if (form_parse(part[3].p, part[3].len, 1000, &f) != FORM_OK)
		return 0;
	token = fuzz_string(part[0].p, part[0].len);
	url = fuzz_string(part[1].p, part[1].len);
	header = fuzz_string(part[2].p, part[2].len);

	ok = signature_verify(token, url, f, header);
	if (signature_compute(token, url, f, sig) == -1) {
		if (*token != '\0')	/* only an empty key may be refused */
			fuzz_fail("signature_compute failed");
		if (ok)
			fuzz_fail("verified without a computable signature");
		goto out;
	}
	fuzz_sig_check_form(sig);
	/* Only an http(s) URL has port variants. */
	if (ok && strcmp(header, sig) != 0 && strncasecmp(url, "http", 4) != 0)
		fuzz_fail("header verified for a URL with no variants");
	fuzz_sig_must(1, token, url, f, sig, "computed");
	memcpy(bad, sig, sizeof bad);
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	fuzz_sig_must(0, token, url, f, bad, "one character changed");
	bad[0] = sig[0];
	bad[SIGNATURE_SIZE - 2] = '\0';	/* one character short */
	fuzz_sig_must(0, token, url, f, bad, "truncated");
	fuzz_sig_ports(token, url, f, sig);
out:
	free(token);
	free(url);
	free(header);
	form_free(f);
	return 0;
}
