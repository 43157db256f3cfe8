/* SPDX-License-Identifier: ISC */
/*
 * Staff API tokens (see auth.h).
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "readfile.h"
#include "xmalloc.h"

#define AUTH_DIGEST	32	/* SHA-256 */

struct auth_token {
	char		name[AUTH_NAME_MAX + 1];
	unsigned char	digest[AUTH_DIGEST];
};

struct auth {
	struct auth_token	v[AUTH_MAX_TOKENS];
	size_t			n;
};

static void
auth_digest(const char *s, size_t len, unsigned char out[AUTH_DIGEST])
{
	unsigned int	outlen = AUTH_DIGEST;

	if (EVP_Digest(s, len, out, &outlen, EVP_sha256(), NULL) != 1 ||
	    outlen != AUTH_DIGEST)
		abort();	/* SHA-256 is always there in libcrypto */
}

static int
auth_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
auth_name_valid(const char *name)
{
	size_t	n;

	n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._@-");
	return n >= 1 && n <= AUTH_NAME_MAX && name[n] == '\0';
}

/* A token is visible ASCII without spaces, as a header value carries it. */
static int
auth_token_valid(const char *tok, size_t len)
{
	size_t	i;

	if (len == 0 || len > AUTH_MAX_TOKEN_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (tok[i] <= ' ' || tok[i] > '~')
			return 0;
	return 1;
}

/*
 * "sha256:" and 64 hex digits: a token file may hold a token's digest
 * instead of the token (printf %s TOKEN | sha256sum), so the file alone
 * is no way in.
 */
static int
auth_parse_digest(const char *tok, size_t len, unsigned char out[AUTH_DIGEST])
{
	size_t	i;
	int	hi, lo;

	if (len != 7 + 2 * AUTH_DIGEST || strncmp(tok, "sha256:", 7) != 0)
		return -1;
	for (i = 0; i < AUTH_DIGEST; i++) {
		hi = auth_hexdigit(tok[7 + 2 * i]);
		lo = auth_hexdigit(tok[8 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int
auth_add(struct auth *a, const char *name, const char *tok, size_t len,
    const char *file, unsigned line, struct diag *d)
{
	unsigned char	digest[AUTH_DIGEST];
	size_t		i;
	int		is_digest;

	is_digest = file != NULL && line > 0 &&
	    auth_parse_digest(tok, len, digest) == 0;
	if (!is_digest && strncmp(tok, "sha256:", 7) == 0 && line > 0) {
		diag_error(d, file, line, "a sha256: digest must be 64 "
		    "hexadecimal digits");
		return -1;
	}
	if (!auth_token_valid(tok, len)) {
		diag_error(d, file, line, "the token must be 1 to %d visible "
		    "ASCII characters without spaces", AUTH_MAX_TOKEN_LEN);
		return -1;
	}
	if (!auth_name_valid(name)) {
		diag_error(d, file, line, "token name '%.*s' must be 1 to %d "
		    "letters, digits or ._@-", AUTH_NAME_MAX + 8, name,
		    AUTH_NAME_MAX);
		return -1;
	}
	if (a->n == AUTH_MAX_TOKENS) {
		diag_error(d, file, line, "more than %d tokens",
		    AUTH_MAX_TOKENS);
		return -1;
	}
	if (len < AUTH_MIN_TOKEN_LEN && !is_digest)
		diag_warning(d, file, line, "the token is shorter than %d "
		    "characters; use a long random one (openssl rand -hex 32)",
		    AUTH_MIN_TOKEN_LEN);
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].name, name) == 0) {
			diag_error(d, file, line, "token name '%s' is used "
			    "twice", name);
			return -1;
		}
	}
	snprintf(a->v[a->n].name, sizeof a->v[a->n].name, "%s", name);
	if (is_digest)
		memcpy(a->v[a->n].digest, digest, AUTH_DIGEST);
	else
		auth_digest(tok, len, a->v[a->n].digest);
	OPENSSL_cleanse(digest, sizeof digest);
	a->n++;
	return 0;
}

/* Parses one line of the token file: "TOKEN" or "NAME TOKEN". */
static int
auth_parse_line(struct auth *a, char *line, const char *file, unsigned lineno,
    struct diag *d)
{
	char	*p = line, *name, *tok;
	size_t	 len;

	len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		p[--len] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	tok = p + strcspn(p, " \t");
	if (*tok == '\0')
		return auth_add(a, AUTH_DEFAULT_NAME, p, strlen(p), file,
		    lineno, d);
	*tok++ = '\0';
	name = p;
	tok += strspn(tok, " \t");
	if (tok[strcspn(tok, " \t")] != '\0') {
		diag_error(d, file, lineno, "expected TOKEN or NAME TOKEN");
		return -1;
	}
	return auth_add(a, name, tok, strlen(tok), file, lineno, d);
}

static int
auth_read_file(struct auth *a, const char *file, struct diag *d)
{
	FILE		*fp;
	struct stat	 sb;
	char		 buf[AUTH_MAX_TOKEN_LEN + AUTH_NAME_MAX + 16];
	unsigned	 lineno = 0;
	size_t		 nerr = d->nerrors;
	int		 ch;

	if ((fp = readfile_open(file, READFILE_MAX_TOKENS, "admin token file",
	    d)) == NULL)
		return -1;
	if (fstat(fileno(fp), &sb) == 0 && (sb.st_mode & 077) != 0)
		diag_warning(d, file, 0, "the admin token file can be read by "
		    "others (mode %03o); chmod 600 it", (unsigned)sb.st_mode &
		    0777);
	while (fgets(buf, sizeof buf, fp) != NULL) {
		lineno++;
		if (strchr(buf, '\n') == NULL && !feof(fp)) {
			while ((ch = fgetc(fp)) != EOF && ch != '\n')
				;
			diag_error(d, file, lineno, "line is too long");
			continue;
		}
		(void)auth_parse_line(a, buf, file, lineno, d);
	}
	if (ferror(fp))
		diag_error(d, file, 0, "cannot read: %s", strerror(errno));
	fclose(fp);
	if (d->nerrors == nerr && a->n == 0)
		diag_error(d, file, 0, "the admin token file holds no token");
	return d->nerrors == nerr ? 0 : -1;
}

struct auth *
auth_load(const char *file, const char *env_token, struct diag *d)
{
	struct auth	*a;
	int		 rc = 0;

	a = xcalloc(1, sizeof *a);
	if (env_token != NULL && *env_token != '\0')
		rc = auth_add(a, AUTH_DEFAULT_NAME, env_token,
		    strlen(env_token), "CLOTLINE_ADMIN_TOKEN", 0, d);
	else if (file != NULL)
		rc = auth_read_file(a, file, d);
	if (rc == -1) {
		auth_free(a);
		return NULL;
	}
	return a;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	OPENSSL_cleanse(a, sizeof *a);
	free(a);
}

size_t
auth_count(const struct auth *a)
{
	return a != NULL ? a->n : 0;
}

const char *
auth_check(const struct auth *a, const char *header)
{
	unsigned char	 digest[AUTH_DIGEST];
	const char	*tok, *found = NULL;
	size_t		 i, len;

	if (a == NULL || a->n == 0 || header == NULL ||
	    strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	tok = header + 7;
	tok += strspn(tok, " ");
	len = strlen(tok);
	while (len > 0 && tok[len - 1] == ' ')
		len--;
	if (!auth_token_valid(tok, len))
		return NULL;
	auth_digest(tok, len, digest);
	/* Every digest is compared: no early exit on a match. */
	for (i = 0; i < a->n; i++)
		if (CRYPTO_memcmp(digest, a->v[i].digest, AUTH_DIGEST) == 0 &&
		    found == NULL)
			found = a->v[i].name;
	OPENSSL_cleanse(digest, sizeof digest);
	return found;
}

int
auth_name_known(const struct auth *a, const char *name)
{
	size_t	i;

	for (i = 0; a != NULL && i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return 1;
	return 0;
}
