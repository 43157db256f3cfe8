/* SPDX-License-Identifier: ISC */
/*
 * The clinic console at /console/ (docs/console.md): the web page staff use
 * instead of the CLI, served by the gateway from files installed with it
 * ([admin] console_dir), so it works on a LAN with no Internet.  This
 * module serves those files with a strict Content-Security-Policy, signs
 * staff in with the same tokens as the API (auth.h), and keeps their
 * sessions: a random id in a cookie (HttpOnly, SameSite=Strict, Secure when
 * public_url is https, with an expiry) and a second random value, the CSRF
 * token, that the page sends in X-CSRF-Token with every change.
 *
 * The console adds no second path to the data: its pages call the JSON API
 * (api.c), which accepts a console session wherever it accepts a bearer
 * token.  Sessions live in memory: a restart signs everyone out, and a
 * token removed from the token file (SIGHUP) ends its sessions.
 */
#ifndef CLOTLINE_CONSOLE_H
#define CLOTLINE_CONSOLE_H

#include <stdint.h>

struct api_reply;
struct console;
struct evhttp_request;
struct settings;
struct storage;

#define CONSOLE_PREFIX		"/console"
#define CONSOLE_COOKIE		"clotline_session"
#define CONSOLE_CSRF_HEADER	"X-CSRF-Token"
#define CONSOLE_MAX_SESSIONS	256
#define CONSOLE_MAX_FILE	(512 * 1024)

enum console_session_status {
	CONSOLE_SESSION_NONE,	/* no cookie, or not a live session */
	CONSOLE_SESSION_OK,
	CONSOLE_SESSION_CSRF,	/* a change without the right CSRF token */
};

/* Borrows st, which must outlive the console. */
struct console	*console_create(struct storage *st);
void		 console_free(struct console *);
/*
 * Answers one request whose path is CONSOLE_PREFIX or below it: the
 * console's files and /console/session (sign in, who am I, sign out).
 * Adds its own headers (CSP, Set-Cookie, Location) to req; the caller
 * sends the reply and frees reply->body.
 */
void		 console_handle(struct console *, const struct settings *,
		    struct evhttp_request *req, const char *path,
		    struct api_reply *reply);
/*
 * The staff name (owned by the console, valid until the next call) of the
 * request's session cookie.  A request other than GET or HEAD must also
 * carry the session's CSRF token in X-CSRF-Token, or the answer is
 * CONSOLE_SESSION_CSRF.
 */
enum console_session_status console_session_check(struct console *,
		    const struct settings *, struct evhttp_request *req,
		    const char **name);
/* The console's directory: [admin] console_dir, else beside prompts_dir. */
char		*console_dir(const struct settings *);

#endif
