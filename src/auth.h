/* SPDX-License-Identifier: ISC */
/*
 * Bearer tokens for the staff API (/api/v1).  Tokens come from [admin]
 * token_file (one per line, "TOKEN" or "NAME TOKEN", so each member of staff
 * can have their own and the audit log says who did what) or from the
 * environment variable CLOTLINE_ADMIN_TOKEN, which overrides the file.
 *
 * A line of the token file may give the token's SHA-256 digest instead,
 * "NAME sha256:HEX" (64 hex digits, printf %s TOKEN | sha256sum), so that a
 * copy of the file is no login.
 *
 * Only SHA-256 digests of the tokens are kept.  A presented token is hashed
 * and compared with every digest using CRYPTO_memcmp, so neither the time
 * taken nor an early exit tells a caller how much of a token was right or
 * how long the real one is.  A set with no tokens means the API is disabled:
 * it is never open.
 */
#ifndef CLOTLINE_AUTH_H
#define CLOTLINE_AUTH_H

#include <stddef.h>

#include "diag.h"

#define AUTH_MAX_TOKENS		64
#define AUTH_MIN_TOKEN_LEN	16	/* shorter ones are warned about */
#define AUTH_MAX_TOKEN_LEN	512
#define AUTH_NAME_MAX		32
#define AUTH_DEFAULT_NAME	"api"	/* a token given without a name */

struct auth;

/*
 * Loads the tokens: env_token if it is not NULL or empty, else file if it is
 * not NULL, else none.  Returns a set (free with auth_free) or NULL with
 * every problem in diag as file:line; tokens are never echoed.  A token file
 * others may read is warned about.
 */
struct auth	*auth_load(const char *file, const char *env_token,
		    struct diag *);
void		 auth_free(struct auth *);
/* How many tokens are configured (0: the staff API is disabled). */
size_t		 auth_count(const struct auth *);
/*
 * Checks the value of an Authorization header ("Bearer TOKEN"; header may
 * be NULL).  Returns the token's name (belongs to the set), or NULL when
 * the header is missing, malformed or the token is wrong.
 */
const char	*auth_check(const struct auth *, const char *header);
/* 1 if a token called name is configured (a console session's owner). */
int		 auth_name_known(const struct auth *, const char *name);
/* 1 if name is a valid staff name: 1 to 32 of [A-Za-z0-9._@-]. */
int		 auth_name_valid(const char *name);

#endif
