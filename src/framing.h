/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.1 request framing (RFC 9112), checked strictly, byte by byte, before
 * libevent's parser sees a request.  libevent reads requests leniently: bare
 * LF line ends, a NUL that silently ends a header value, obsolete line
 * folding, "Transfer-Encoding: gzip, chunked" or a second Transfer-Encoding
 * header, chunk sizes like "0x3" or "3 junk", chunk data not followed by CRLF,
 * a Content-Length on HEAD.  Where a proxy in front reads the same bytes
 * differently, the two disagree on where a request ends, and a request can
 * be smuggled past the proxy.  This reader refuses every such request, so
 * libevent is only ever handed requests that both read the same way.
 *
 * The caller feeds the connection's bytes as they arrive; each framing_step
 * says what to do with the next run of them: hold them (a head, or a head
 * and its chunked body, not yet complete), release them with everything
 * held (complete and valid), pass them on at once (a Content-Length body,
 * whose head was released alone), drop them (empty lines before a request)
 * or refuse the request.  Nothing of a refused request has been released,
 * so the caller can hand libevent a refusal in its place.  After a refusal
 * the connection is finished: nothing more is read.
 *
 * Pure: no I/O, no allocation after framing_new.
 */
#ifndef CLOTLINE_FRAMING_H
#define CLOTLINE_FRAMING_H

#include <stddef.h>

/*
 * The header a refusal is handed to the request callback under (see
 * framing_refusal).  A request that sends it itself is refused.
 */
#define FRAMING_REFUSED_HEADER	"X-Clotline-Refused"

enum framing_act {
	FRAMING_HOLD,		/* keep them: a head or chunked body, unfinished */
	FRAMING_RELEASE,	/* they finish a head or chunked body: hand on
				   everything held, then them */
	FRAMING_PASS,		/* hand them on now (Content-Length body) */
	FRAMING_DROP,		/* drop them (empty lines before a request) */
	FRAMING_REFUSE,		/* the request cannot be framed safely */
};

struct framing_step {
	size_t			 used;	/* bytes of the input this step covers */
	enum framing_act	 act;
	int			 begun;	/* a request began in them */
	int			 ended;	/* a request is complete with them */
	/* REFUSE only: */
	int			 status;	/* 400, or 413 for a body too large */
	const char		*reason;	/* static text, one line */
};

struct framing;

/*
 * A reader for one connection: heads (request line, headers, the empty
 * line) of at most max_head bytes, chunked bodies of at most max_body data
 * bytes.  Content-Length bodies are passed on whatever their length; the
 * HTTP server refuses those over its own limit.  Free with framing_free.
 */
struct framing	*framing_new(size_t max_head, size_t max_body);
void		 framing_free(struct framing *);
/*
 * Reads from p[0..len), len > 0, as far as one action goes, and says what to
 * do with those bytes in *step (step->used >= 1).  After a REFUSE every
 * further step is the same REFUSE.
 */
void		 framing_step(struct framing *, const unsigned char *p,
		    size_t len, struct framing_step *step);
/*
 * The bytes that hand a refusal to the HTTP server in place of the refused
 * request: a request of its own, carrying FRAMING_REFUSED_HEADER: "STATUS
 * reason", that asks for the connection to close.  Returns a new string;
 * the caller frees it.
 */
char		*framing_refusal(const struct framing_step *step);
/*
 * Reads the value of FRAMING_REFUSED_HEADER back: *status and a pointer to
 * the reason inside value.  Returns -1 if value is not one.
 */
int		 framing_refusal_parse(const char *value, int *status,
		    const char **reason);

#endif
