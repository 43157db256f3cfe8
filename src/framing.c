/* SPDX-License-Identifier: ISC */
/*
 * Strict HTTP/1.1 request framing (see framing.h).  One state machine over
 * the bytes of a connection: the request line, the header fields (only
 * Content-Length and Transfer-Encoding are kept, the rest only checked),
 * then the body by Content-Length or by chunks.  Every rule below is one
 * RFC 9112 states for a server that must not guess where a request ends;
 * where the RFC lets a server choose between refusing and repairing, this
 * refuses, since the bytes are handed on unchanged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "framing.h"
#include "xmalloc.h"

#define FRAMING_METHOD_MAX	16
#define FRAMING_NAME_MAX	32	/* longer names are none we look at */
#define FRAMING_VALUE_MAX	64	/* longer Content-Length or
					   Transfer-Encoding values are bad */
#define FRAMING_CL_DIGITS	18	/* fits in 63 bits */

enum framing_state {
	FS_IDLE,		/* before a request */
	FS_LEAD_CR,		/* a CR of an empty line before it */
	FS_METHOD,
	FS_TARGET,
	FS_VERSION,
	FS_LINE_LF,		/* the request line's CR seen */
	FS_FIELD,		/* at the start of a header line */
	FS_NAME,
	FS_VALUE,
	FS_VALUE_LF,
	FS_HEAD_LF,		/* the empty line's CR seen */
	FS_BODY_LENGTH,		/* a Content-Length body */
	FS_CHUNK_SIZE,
	FS_CHUNK_SIZE_LF,
	FS_CHUNK_DATA,
	FS_CHUNK_DATA_CR,
	FS_CHUNK_DATA_LF,
	FS_TRAILER,		/* after the last chunk's size line */
	FS_TRAILER_LF,
	FS_DEAD,		/* refused */
};

enum framing_field {
	FIELD_OTHER,
	FIELD_LENGTH,
	FIELD_ENCODING,
};

struct framing {
	enum framing_state	 state;
	size_t			 max_head;
	size_t			 max_body;
	/* The request being read. */
	size_t			 head;		/* bytes of its head so far */
	char			 method[FRAMING_METHOD_MAX + 1];
	size_t			 methodlen;
	size_t			 targetlen;
	char			 version[9];
	size_t			 versionlen;
	char			 name[FRAMING_NAME_MAX + 1];
	size_t			 namelen;
	enum framing_field	 field;
	char			 value[FRAMING_VALUE_MAX + 1];
	size_t			 valuelen;
	int			 value_long;
	int			 ncl;		/* Content-Length headers */
	int			 nte;		/* Transfer-Encoding headers */
	int			 cl_bad;	/* 1 not a number, 2 too large */
	int			 te_bad;	/* not exactly "chunked" */
	unsigned long long	 cl;
	unsigned long long	 remaining;	/* of the body or the chunk */
	unsigned long long	 body;		/* chunked: data bytes so far */
	size_t			 wire;		/* chunked: bytes so far */
	size_t			 sizedigits;
	/* Once refused. */
	int			 status;
	const char		*reason;
};

struct framing *
framing_new(size_t max_head, size_t max_body)
{
	struct framing	*f;

	f = xcalloc(1, sizeof *f);
	f->max_head = max_head;
	f->max_body = max_body;
	f->state = FS_IDLE;
	return f;
}

void
framing_free(struct framing *f)
{
	free(f);
}

/* RFC 9110 tchar. */
static int
framing_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
framing_hexdigit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Ready for the next request on the connection. */
static void
framing_reset(struct framing *f)
{
	size_t	max_head = f->max_head, max_body = f->max_body;

	memset(f, 0, sizeof *f);
	f->max_head = max_head;
	f->max_body = max_body;
	f->state = FS_IDLE;
}

static enum framing_act
framing_refuse(struct framing *f, int status, const char *reason)
{
	f->state = FS_DEAD;
	f->status = status;
	f->reason = reason;
	return FRAMING_REFUSE;
}

/* The methods libevent reads a body for; any other must not have one. */
static int
framing_method_has_body(const struct framing *f)
{
	static const char *const	with_body[] = { "GET", "POST", "PUT",
	    "DELETE", "OPTIONS", "PATCH", "CONNECT" };
	size_t				i;

	for (i = 0; i < sizeof with_body / sizeof with_body[0]; i++)
		if (strcmp(f->method, with_body[i]) == 0)
			return 1;
	return 0;
}

/* A header line is complete: what it says about the body. */
static void
framing_field_done(struct framing *f)
{
	size_t	i;

	while (f->valuelen > 0 && (f->value[f->valuelen - 1] == ' ' ||
	    f->value[f->valuelen - 1] == '\t'))
		f->valuelen--;
	f->value[f->valuelen] = '\0';
	switch (f->field) {
	case FIELD_LENGTH:
		if (f->value_long || f->valuelen == 0) {
			f->cl_bad = f->value_long ? 2 : 1;
			break;
		}
		for (i = 0; i < f->valuelen; i++)
			if (f->value[i] < '0' || f->value[i] > '9') {
				f->cl_bad = 1;
				return;
			}
		if (f->valuelen > FRAMING_CL_DIGITS) {
			f->cl_bad = 2;
			break;
		}
		f->cl = strtoull(f->value, NULL, 10);
		break;
	case FIELD_ENCODING:
		if (f->value_long || strcasecmp(f->value, "chunked") != 0)
			f->te_bad = 1;
		break;
	case FIELD_OTHER:
		break;
	}
}

/* The head is complete: how its body is framed. */
static enum framing_act
framing_head_done(struct framing *f, int *ended)
{
	int	body;

	if (f->nte > 1)
		return framing_refuse(f, 400,
		    "Transfer-Encoding given more than once");
	if (f->nte == 1 && f->te_bad)
		return framing_refuse(f, 400,
		    "Transfer-Encoding other than chunked alone");
	if (f->nte > 0 && f->ncl > 0)
		return framing_refuse(f, 400,
		    "both Content-Length and Transfer-Encoding");
	if (f->ncl > 1)
		return framing_refuse(f, 400, "more than one Content-Length");
	if (f->ncl == 1 && f->cl_bad == 1)
		return framing_refuse(f, 400, "Content-Length is not a number");
	if (f->ncl == 1 && f->cl_bad == 2)
		return framing_refuse(f, 400, "Content-Length too large");
	if (f->nte > 0 && strcmp(f->version, "HTTP/1.0") == 0)
		return framing_refuse(f, 400,
		    "Transfer-Encoding in an HTTP/1.0 request");
	body = f->nte > 0 || (f->ncl > 0 && f->cl > 0);
	if (body && !framing_method_has_body(f))
		return framing_refuse(f, 400,
		    "a body on a request whose method has none");
	if (f->nte > 0) {
		/*
		 * Held with its head until the last chunk: libevent keeps no
		 * trailer, so a refusal half way through a body it had begun
		 * could not reach the request callback.
		 */
		f->state = FS_CHUNK_SIZE;
		f->remaining = 0;
		f->sizedigits = 0;
		return FRAMING_HOLD;
	} else if (body) {
		f->state = FS_BODY_LENGTH;
		f->remaining = f->cl;
	} else {
		*ended = 1;
		framing_reset(f);
	}
	return FRAMING_RELEASE;
}

/* Name of a header complete (at its colon). */
static enum framing_act
framing_name_done(struct framing *f)
{
	f->field = FIELD_OTHER;
	f->valuelen = 0;
	f->value_long = 0;
	if (f->namelen > FRAMING_NAME_MAX)
		return FRAMING_HOLD;
	f->name[f->namelen] = '\0';
	if (strcmp(f->name, "content-length") == 0) {
		f->field = FIELD_LENGTH;
		f->ncl++;
	} else if (strcmp(f->name, "transfer-encoding") == 0) {
		f->field = FIELD_ENCODING;
		f->nte++;
	} else if (strcasecmp(f->name, FRAMING_REFUSED_HEADER) == 0)
		return framing_refuse(f, 400, "a header reserved for the "
		    "gateway itself");
	return FRAMING_HOLD;
}

/* One byte of a head or of a chunked body's framing. */
static enum framing_act
framing_byte(struct framing *f, unsigned char c, int *ended)
{
	int	d;

	if (f->state <= FS_HEAD_LF && ++f->head > f->max_head)
		return framing_refuse(f, 400, "request head too large");
	if (f->state >= FS_CHUNK_SIZE && f->state <= FS_TRAILER_LF &&
	    ++f->wire > 2 * f->max_body + 4096)
		return framing_refuse(f, 413, "chunked body too large");
	if (c == '\n' && f->state != FS_LEAD_CR && f->state != FS_LINE_LF &&
	    f->state != FS_VALUE_LF && f->state != FS_HEAD_LF &&
	    f->state != FS_CHUNK_SIZE_LF && f->state != FS_CHUNK_DATA_LF &&
	    f->state != FS_TRAILER_LF)
		return framing_refuse(f, 400, "a line ended by LF without CR");
	switch (f->state) {
	case FS_IDLE:
		if (c == '\r') {
			f->state = FS_LEAD_CR;
			return FRAMING_DROP;
		}
		if (!framing_tchar(c))
			return framing_refuse(f, 400, "not an HTTP request");
		f->method[f->methodlen++] = (char)c;
		f->state = FS_METHOD;
		return FRAMING_HOLD;
	case FS_LEAD_CR:
		if (c != '\n')
			return framing_refuse(f, 400, "CR without LF");
		f->state = FS_IDLE;
		return FRAMING_DROP;
	case FS_METHOD:
		if (c == ' ') {
			f->method[f->methodlen] = '\0';
			f->state = FS_TARGET;
			return FRAMING_HOLD;
		}
		if (!framing_tchar(c) || f->methodlen == FRAMING_METHOD_MAX)
			return framing_refuse(f, 400, "not an HTTP request");
		f->method[f->methodlen++] = (char)c;
		return FRAMING_HOLD;
	case FS_TARGET:
		if (c == ' ' && f->targetlen > 0) {
			f->state = FS_VERSION;
			return FRAMING_HOLD;
		}
		if (c < 0x21 || c > 0x7e)
			return framing_refuse(f, 400,
			    "a request target with a byte outside visible "
			    "ASCII");
		f->targetlen++;
		return FRAMING_HOLD;
	case FS_VERSION:
		if (c == '\r') {
			f->version[f->versionlen] = '\0';
			if (strcmp(f->version, "HTTP/1.1") != 0 &&
			    strcmp(f->version, "HTTP/1.0") != 0)
				return framing_refuse(f, 400,
				    "not HTTP/1.1 or HTTP/1.0");
			f->state = FS_LINE_LF;
			return FRAMING_HOLD;
		}
		if (f->versionlen == sizeof f->version - 1)
			return framing_refuse(f, 400,
			    "not HTTP/1.1 or HTTP/1.0");
		f->version[f->versionlen++] = (char)c;
		return FRAMING_HOLD;
	case FS_LINE_LF:
	case FS_VALUE_LF:
	case FS_CHUNK_SIZE_LF:
	case FS_CHUNK_DATA_LF:
		if (c != '\n')
			return framing_refuse(f, 400, "CR without LF");
		if (f->state == FS_VALUE_LF)
			framing_field_done(f);
		if (f->state == FS_CHUNK_SIZE_LF) {
			if (f->remaining == 0) {
				f->state = FS_TRAILER;
				return FRAMING_HOLD;
			}
			f->body += f->remaining;
			f->state = FS_CHUNK_DATA;
			return FRAMING_HOLD;
		}
		if (f->state == FS_CHUNK_DATA_LF) {
			f->state = FS_CHUNK_SIZE;
			f->sizedigits = 0;
			f->remaining = 0;
			return FRAMING_HOLD;
		}
		f->state = FS_FIELD;
		return FRAMING_HOLD;
	case FS_FIELD:
		if (c == '\r') {
			f->state = FS_HEAD_LF;
			return FRAMING_HOLD;
		}
		if (c == ' ' || c == '\t')
			return framing_refuse(f, 400,
			    "obsolete line folding in a header");
		if (!framing_tchar(c))
			return framing_refuse(f, 400, "a bad header name");
		f->namelen = 0;
		f->state = FS_NAME;
		/* FALLTHROUGH */
	case FS_NAME:
		if (c == ':') {
			f->state = FS_VALUE;
			return framing_name_done(f);
		}
		if (c == ' ' || c == '\t')
			return framing_refuse(f, 400,
			    "white space before a header's colon");
		if (!framing_tchar(c))
			return framing_refuse(f, 400, "a bad header name");
		if (f->namelen < FRAMING_NAME_MAX)
			f->name[f->namelen] = (char)(c >= 'A' && c <= 'Z' ?
			    c - 'A' + 'a' : c);
		if (f->namelen <= FRAMING_NAME_MAX)
			f->namelen++;
		return FRAMING_HOLD;
	case FS_VALUE:
		if (c == '\r') {
			f->state = FS_VALUE_LF;
			return FRAMING_HOLD;
		}
		if (c == '\0')
			return framing_refuse(f, 400, "a NUL in a header");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return framing_refuse(f, 400,
			    "a control character in a header");
		if (f->field == FIELD_OTHER ||
		    (f->valuelen == 0 && (c == ' ' || c == '\t')))
			return FRAMING_HOLD;
		if (f->valuelen == FRAMING_VALUE_MAX)
			f->value_long = 1;
		else
			f->value[f->valuelen++] = (char)c;
		return FRAMING_HOLD;
	case FS_HEAD_LF:
		if (c != '\n')
			return framing_refuse(f, 400, "CR without LF");
		return framing_head_done(f, ended);
	case FS_CHUNK_SIZE:
		if (c == '\r') {
			if (f->sizedigits == 0)
				return framing_refuse(f, 400,
				    "a chunk without a size");
			f->state = FS_CHUNK_SIZE_LF;
			return FRAMING_HOLD;
		}
		if (c == ';')
			return framing_refuse(f, 400,
			    "chunk extensions are not accepted");
		if ((d = framing_hexdigit(c)) < 0)
			return framing_refuse(f, 400,
			    "a chunk size that is not hexadecimal digits");
		f->sizedigits++;
		f->remaining = f->remaining * 16 + (unsigned)d;
		/* Refused as soon as it is too large: never overflows. */
		if (f->remaining > f->max_body ||
		    f->body + f->remaining > f->max_body)
			return framing_refuse(f, 413, "body too large");
		return FRAMING_HOLD;
	case FS_CHUNK_DATA_CR:
		if (c != '\r')
			return framing_refuse(f, 400,
			    "chunk data longer than its size");
		f->state = FS_CHUNK_DATA_LF;
		return FRAMING_HOLD;
	case FS_TRAILER:
		if (c == '\r') {
			f->state = FS_TRAILER_LF;
			return FRAMING_HOLD;
		}
		return framing_refuse(f, 400,
		    "trailer fields are not accepted");
	case FS_TRAILER_LF:
		if (c != '\n')
			return framing_refuse(f, 400, "CR without LF");
		*ended = 1;
		framing_reset(f);
		return FRAMING_RELEASE;
	case FS_BODY_LENGTH:
	case FS_CHUNK_DATA:
	case FS_DEAD:
		break;
	}
	abort();	/* the bulk states are never read a byte at a time */
}

void
framing_step(struct framing *f, const unsigned char *p, size_t len,
    struct framing_step *st)
{
	enum framing_act	 act, run = FRAMING_HOLD;
	size_t			 i = 0, n;
	int			 kind_drop, ended = 0, started = 0;

	memset(st, 0, sizeof *st);
	if (f->state == FS_BODY_LENGTH) {
		n = len < f->remaining ? len : (size_t)f->remaining;
		f->remaining -= n;
		st->used = n;
		st->act = FRAMING_PASS;
		if (f->remaining == 0) {
			st->ended = 1;
			framing_reset(f);
		}
		return;
	}
	while (i < len && f->state != FS_DEAD) {
		if (f->state == FS_CHUNK_DATA) {
			if (started && run != FRAMING_HOLD)
				break;
			n = len - i < f->remaining ? len - i :
			    (size_t)f->remaining;
			if ((f->wire += n) > 2 * f->max_body + 4096) {
				framing_refuse(f, 413, "chunked body too large");
				break;
			}
			f->remaining -= n;
			if (f->remaining == 0)
				f->state = FS_CHUNK_DATA_CR;
			i += n;
			run = FRAMING_HOLD;
			started = 1;
			continue;
		}
		/* Empty lines before a request are dropped, the rest held. */
		kind_drop = (f->state == FS_IDLE && p[i] == '\r') ||
		    f->state == FS_LEAD_CR;
		if (started && kind_drop != (run == FRAMING_DROP))
			break;
		if (f->state == FS_IDLE)
			st->begun = 1;
		act = framing_byte(f, p[i], &ended);
		i++;
		if (act == FRAMING_REFUSE)
			break;
		if (act == FRAMING_RELEASE) {
			st->act = FRAMING_RELEASE;
			st->used = i;
			st->ended = ended;
			return;
		}
		run = act;
		started = 1;
	}
	if (f->state == FS_DEAD) {
		st->act = FRAMING_REFUSE;
		st->used = len;
		st->status = f->status;
		st->reason = f->reason;
		return;
	}
	st->act = run;
	st->used = i;
}

char *
framing_refusal(const struct framing_step *st)
{
	return xasprintf("GET / HTTP/1.1\r\nHost: clotline\r\n"
	    "Connection: close\r\n%s: %d %s\r\nContent-Length: 0\r\n\r\n",
	    FRAMING_REFUSED_HEADER, st->status, st->reason);
}

int
framing_refusal_parse(const char *value, int *status, const char **reason)
{
	if (value == NULL || value[0] < '1' || value[0] > '5' ||
	    value[1] < '0' || value[1] > '9' || value[2] < '0' ||
	    value[2] > '9' || value[3] != ' ')
		return -1;
	*status = (value[0] - '0') * 100 + (value[1] - '0') * 10 +
	    (value[2] - '0');
	*reason = value + 4;
	return 0;
}
