/* SPDX-License-Identifier: ISC */
/*
 * Provider webhook signatures (see signature.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "form.h"
#include "signature.h"
#include "xmalloc.h"

static int
signature_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
signature_field_cmp(const void *pa, const void *pb)
{
	const struct form_field	*a = *(const struct form_field *const *)pa;
	const struct form_field	*b = *(const struct form_field *const *)pb;
	int			 c;

	c = signature_bytes_cmp(a->key, a->keylen, b->key, b->keylen);
	if (c != 0)
		return c;
	return signature_bytes_cmp(a->value, a->valuelen, b->value, b->valuelen);
}

/*
 * A new HMAC-SHA1 context keyed with token.  Keying costs two provider
 * lookups (HMAC, SHA-1) and two SHA-1 blocks, and every webhook uses the same token, so the last
 * keyed context is kept (until exit, or until another token comes) and
 * each call gets a copy of it.  Not for concurrent use: the gateway is one
 * event loop.
 */
static EVP_MAC_CTX *
signature_keyed(const char *token)
{
	static EVP_MAC_CTX	*keyed;
	static char		*key;
	EVP_MAC			*mac;
	EVP_MAC_CTX		*ctx;
	OSSL_PARAM		 op[2];
	char			 digest[] = "SHA1";

	if (keyed != NULL && strcmp(key, token) == 0)
		return EVP_MAC_CTX_dup(keyed);
	/* The context holds its own reference to the implementation. */
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx == NULL)
		return NULL;
	op[0] = OSSL_PARAM_construct_utf8_string("digest", digest, 0);
	op[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, (const unsigned char *)token, strlen(token),
	    op)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	EVP_MAC_CTX_free(keyed);
	if (key != NULL) {
		OPENSSL_cleanse(key, strlen(key));
		free(key);
	}
	keyed = ctx;
	key = xstrdup(token);
	return EVP_MAC_CTX_dup(keyed);
}

int
signature_compute(const char *token, const char *url, const struct form *params,
    char out[SIGNATURE_SIZE])
{
	const struct form_field	**sorted = NULL;
	EVP_MAC_CTX		 *ctx = NULL;
	unsigned char		  md[EVP_MAX_MD_SIZE];
	size_t			  i, mdlen = 0, n = params != NULL ? params->n : 0;
	int			  rc = -1;

	if (n > 0) {
		sorted = xreallocarray(NULL, n, sizeof *sorted);
		for (i = 0; i < n; i++)
			sorted[i] = &params->fields[i];
		qsort(sorted, n, sizeof *sorted, signature_field_cmp);
	}
	if ((ctx = signature_keyed(token)) == NULL ||
	    !EVP_MAC_update(ctx, (const unsigned char *)url, strlen(url)))
		goto out;
	for (i = 0; i < n; i++) {
		/*
		 * A repeated identical key=value pair counts once: the official
		 * libraries sign a set of values (the repeated-key vector).
		 */
		if (i > 0 && signature_field_cmp(&sorted[i - 1], &sorted[i]) == 0)
			continue;
		if (!EVP_MAC_update(ctx, (const unsigned char *)sorted[i]->key,
		    sorted[i]->keylen) ||
		    !EVP_MAC_update(ctx, (const unsigned char *)sorted[i]->value,
		    sorted[i]->valuelen))
			goto out;
	}
	if (!EVP_MAC_final(ctx, md, &mdlen, sizeof md) || mdlen != 20)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	free(sorted);
	return rc;
}

/*
 * Writes url with its port removed (strip = 1) or with the scheme's default
 * port added when it has none (strip = 0) into a new string; NULL when that
 * variant is the same as url or url is not absolute.
 */
static char *
signature_url_variant(const char *url, int strip)
{
	const char	*hs, *he, *colon, *p;
	const char	*defport;

	if (strncasecmp(url, "https://", 8) == 0) {
		hs = url + 8;
		defport = ":443";
	} else if (strncasecmp(url, "http://", 7) == 0) {
		hs = url + 7;
		defport = ":80";
	} else
		return NULL;
	he = hs + strcspn(hs, "/?#");
	/* The port is after the last ':' that follows any IPv6 ']'. */
	colon = NULL;
	for (p = hs; p < he; p++) {
		if (*p == ']')
			colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	if (strip) {
		if (colon == NULL)
			return NULL;
		return xasprintf("%.*s%s", (int)(colon - url), url, he);
	}
	if (colon != NULL)
		return NULL;
	return xasprintf("%.*s%s%s", (int)(he - url), url, defport, he);
}

int
signature_verify(const char *token, const char *url, const struct form *params,
    const char *header)
{
	char	 want[SIGNATURE_SIZE];
	char	*variant;
	int	 i, ok = 0;

	if (header == NULL || strlen(header) != SIGNATURE_SIZE - 1)
		return 0;
	for (i = 0; i < 3 && !ok; i++) {
		variant = i == 0 ? xstrdup(url) : signature_url_variant(url, i == 1);
		if (variant == NULL)
			continue;
		if (signature_compute(token, variant, params, want) == 0 &&
		    CRYPTO_memcmp(want, header, SIGNATURE_SIZE - 1) == 0)
			ok = 1;
		free(variant);
	}
	return ok;
}
