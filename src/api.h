/* SPDX-License-Identifier: ISC */
/*
 * The staff JSON API under /api/v1 (docs/api.md): bearer-token checks,
 * strict routing (no path tricks), request bodies decoded against a table
 * of known fields and types, and one call into staff*.c per route.  The
 * routes table in api.c is the list of what the API does.
 *
 * Errors are JSON objects {"error": "...", "field": "name"}: 400 for bad
 * input (malformed JSON, a wrong type, an unknown field, a value staff*.c
 * rejects), 401 without the right token, 403 when the API is disabled or
 * the client is not on loopback, 404, 405 with Allow, 409 for conflicts,
 * 413, 415, and 503 when the database is unavailable.
 */
#ifndef CLOTLINE_API_H
#define CLOTLINE_API_H

struct api;
struct console;
struct evhttp_request;
struct settings;
struct storage;

#define API_PREFIX	"/api/v1"
#define API_MAX_BODY	(16 * 1024)

/* What the server sends back: the body is owned by the struct. */
struct api_reply {
	int		 status;
	const char	*ctype;
	char		*body;
	int		 changed;	/* a change was made (the outbox may
					   have mail) */
};

/* Borrows st, which must outlive the API. */
struct api	*api_create(struct storage *st);
void		 api_free(struct api *);
/*
 * Lets the API accept the clinic console's sessions (console.h) as well as
 * bearer tokens; console is borrowed and must outlive the API.
 */
void		 api_set_console(struct api *, struct console *console);
/* 1 if the client connected from a loopback address (127.0.0.0/8, ::1). */
int		 api_peer_is_loopback(struct evhttp_request *);
/*
 * Answers one request whose path is API_PREFIX or below it, with set the
 * settings in force.  Adds its own headers (Allow, WWW-Authenticate,
 * Location) to req; the caller sends the reply and frees reply->body.
 */
void		 api_handle(struct api *, const struct settings *set,
		    struct evhttp_request *req, const char *path,
		    struct api_reply *reply);

#endif
