/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: the staff JSON API (/api/v1, api.c), requests built in
 * memory and answered by api_handle against a fresh in-memory store that
 * holds one patient (id 1, enrolled through the API).  The input's first
 * byte picks the method and whether the bearer token is right, wrong or
 * missing and the body is declared JSON; its first line is the request
 * target after /api/v1 (path and query); the rest is the body.
 *
 * Oracles: every request gets an answer other than 500 (the "no reply"
 * fallback) or 503 (an in-memory store never fails); 401 exactly when the
 * token is wrong or missing; a JSON answer parses, and an error's is an
 * object with "error" (and "field", when given) as strings.
 *
 * The API lives in branch staff; until it is merged (src/api.h absent)
 * this file builds a stand-in that only checks jansson's round trip, so
 * the target and its seeds stay in the build.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"

#if __has_include("api.h")

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/http_struct.h>	/* a request's method and URI, in memory */

#include "api.h"
#include "diag.h"
#include "log.h"
#include "settings.h"
#include "storage.h"
#include "xmalloc.h"

#define FUZZ_JSON_TOKEN	"fuzz-admin-token-0123456789abcdef"

static const enum evhttp_cmd_type fuzz_json_methods[8] = {
	EVHTTP_REQ_GET, EVHTTP_REQ_POST, EVHTTP_REQ_PATCH, EVHTTP_REQ_DELETE,
	EVHTTP_REQ_PUT, EVHTTP_REQ_HEAD, EVHTTP_REQ_OPTIONS, EVHTTP_REQ_GET,
};

static struct settings	*fuzz_json_set;

static void
fuzz_json_init(void)
{
	struct diag	 d;
	const char	*path;
	char		*text;

	log_set_level(LOG_LEVEL_ERROR);	/* a line a request otherwise */
	setenv("CLOTLINE_ADMIN_TOKEN", FUZZ_JSON_TOKEN, 1);
	unsetenv("CLOTLINE_AUTH_TOKEN");
	text = xasprintf("[server]\npublic_url = https://clinic.example.org\n"
	    "prompts_dir = %s/prompts\n[provider]\nauth_token = t\n"
	    "[reminders]\nplans_dir = %s/config/plans\n"
	    "[clinic]\nphone = +441234567890\non_call = +447700900123\n"
	    "[admin]\nallow_remote = yes\n", fuzz_srcdir(), fuzz_srcdir());
	path = fuzz_write("clotline.ini", text, strlen(text));
	free(text);
	diag_init(&d);
	if ((fuzz_json_set = settings_load(path, &d)) == NULL) {
		fprintf(stderr, "fuzz_json: %s\n", d.n > 0 ? d.v[0].text :
		    "the settings do not load");
		exit(1);
	}
	diag_clear(&d);
}

/* Answers one request; returns the status, body checked. */
static int
fuzz_json_request(struct api *api, enum evhttp_cmd_type method,
    const char *target, const char *auth, int json, const char *body,
    size_t len)
{
	struct evhttp_request	*req;
	struct api_reply	 reply;
	struct evhttp_uri	*uri;
	const char		*path;
	char			*full;
	json_t			*j, *e, *f;
	int			 status;

	full = xasprintf("%s%s", API_PREFIX, target);
	uri = evhttp_uri_parse_with_flags(full, 0);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	/* Only what the server would route to the API (server.c). */
	if (path == NULL || strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0 ||
	    (path[strlen(API_PREFIX)] != '\0' &&
	    path[strlen(API_PREFIX)] != '/')) {
		if (uri != NULL)
			evhttp_uri_free(uri);
		free(full);
		return -1;
	}
	req = evhttp_request_new(NULL, NULL);
	req->type = method;
	req->uri = full;		/* the request frees both */
	req->uri_elems = uri;
	if (auth != NULL)
		evhttp_add_header(evhttp_request_get_input_headers(req),
		    "Authorization", auth);
	if (json)
		evhttp_add_header(evhttp_request_get_input_headers(req),
		    "Content-Type", "application/json; charset=utf-8");
	evbuffer_add(evhttp_request_get_input_buffer(req), body, len);

	api_handle(api, fuzz_json_set, req, path, &reply);
	status = reply.status;
	if (status == 500 || status == 503 || status < 200 || status > 599)
		fuzz_fail("%s %s: status %d: %s", method == EVHTTP_REQ_GET ?
		    "GET" : "other", target, status,
		    reply.body != NULL ? reply.body : "(no body)");
	if (reply.body == NULL || reply.ctype == NULL)
		fuzz_fail("status %d without a body or type", status);
	if (strncmp(reply.ctype, "application/json", 16) == 0) {
		if ((j = json_loads(reply.body, JSON_DECODE_ANY, NULL)) == NULL)
			fuzz_fail("the answer is not JSON: %s", reply.body);
		if (status >= 400 && (!json_is_object(j) ||
		    !json_is_string(e = json_object_get(j, "error")) ||
		    ((f = json_object_get(j, "field")) != NULL &&
		    !json_is_string(f))))
			fuzz_fail("error %d is not {\"error\": ...}: %s",
			    status, reply.body);
		json_decref(j);
	}
	free(reply.body);
	evhttp_request_free(req);
	return status;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char patient[] = "{\"phone\": \"+447700900123\", "
	    "\"plan\": \"dvt-walking\", \"name\": \"Ann Smith\"}";
	struct fuzz_part	 part[2];
	struct storage		*st;
	struct api		*api;
	const char		*auth;
	char			*target, *err = NULL;
	int			 status, how;

	if (fuzz_json_set == NULL)
		fuzz_json_init();
	if (size < 1 || fuzz_split(data + 1, size - 1, '\n', part, 2) < 2)
		return 0;
	if ((st = storage_open("sqlite", ":memory:", NULL, &err)) == NULL) {
		fprintf(stderr, "fuzz_json: %s\n", err);
		exit(1);
	}
	api = api_create(st);
	if ((status = fuzz_json_request(api, EVHTTP_REQ_POST, "/patients",
	    "Bearer " FUZZ_JSON_TOKEN, 1, patient, strlen(patient))) != 201)
		fuzz_fail("the fixture patient was not enrolled: %d", status);

	how = (data[0] >> 3) & 3;	/* 0, 1: right token; 2 wrong; 3 none */
	auth = how < 2 ? "Bearer " FUZZ_JSON_TOKEN : how == 2 ?
	    "Bearer fuzz-admin-token-0123456789abcdee" : NULL;
	target = fuzz_string(part[0].p, part[0].len);
	status = fuzz_json_request(api, fuzz_json_methods[data[0] & 7], target,
	    auth, (data[0] & 0x20) == 0, part[1].p, part[1].len);
	if (status != -1 && (status == 401) != (how >= 2))
		fuzz_fail("status %d with %s token", status,
		    how < 2 ? "the right" : how == 2 ? "a wrong" : "no");
	free(target);
	api_free(api);
	storage_close(st);
	return 0;
}

#else	/* no staff API yet: jansson's round trip only */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part	 part[2];
	json_t			*v, *back;
	json_error_t		 err;
	char			*s;

	if (size < 1 || fuzz_split(data + 1, size - 1, '\n', part, 2) < 2)
		return 0;
	v = json_loadb(part[1].p, part[1].len, JSON_REJECT_DUPLICATES, &err);
	if (v == NULL)
		return 0;
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		fuzz_fail("a parsed value does not serialise");
	back = json_loads(s, JSON_DECODE_ANY, &err);
	if (back == NULL || !json_equal(v, back))
		fuzz_fail("%s does not parse back to the same value", s);
	json_decref(back);
	free(s);
	json_decref(v);
	return 0;
}

#endif
