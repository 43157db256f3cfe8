/* SPDX-License-Identifier: ISC */
/*
 * Fuzz target: HTTP/1.1 request framing, any bytes (src/framing.c): the
 * request line and header reader and the chunked body decoder that stand
 * between the socket and libevent's parser.
 *
 * The bytes are fed three ways: all at once, one byte at a time, and in
 * pieces whose sizes the input's first byte picks; each way is run as the
 * connection code runs it (held bytes kept back, released with what was
 * held, passed on, dropped, or the rest refused).  The three must hand on
 * the same bytes, end the same number of requests and refuse alike.  What
 * is handed on must then read, with a second and simpler strict parser, as
 * whole requests (at most the last one cut short by the end of the input,
 * and then only in a Content-Length body): request line, header lines of
 * token names and values free of control bytes, every line ended by CRLF,
 * a head within the limit, and a body framed by one Content-Length or by
 * chunks whose sizes are plain hexadecimal and whose data is followed by
 * CRLF, ending in "0" CRLF CRLF, within the body limit; and the number of
 * requests the framing reader said had ended.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "framing.h"
#include "fuzz.h"
#include "xmalloc.h"

#define FUZZ_FRAMING_HEAD	512
#define FUZZ_FRAMING_BODY	256

struct fuzz_framing_run {
	char	*out;		/* what was handed on */
	size_t	 outlen;
	char	*held;
	size_t	 heldlen;
	int	 ended;		/* requests ended */
	int	 begun;		/* steps that said a request began */
	int	 refused;
};

static void
fuzz_framing_append(char **buf, size_t *len, const char *p, size_t n)
{
	*buf = xreallocarray(*buf, *len + n + 1, 1);
	memcpy(*buf + *len, p, n);
	*len += n;
}

/* Feeds data in pieces of piece bytes (0: all at once). */
static void
fuzz_framing_feed(const uint8_t *data, size_t size, size_t piece,
    struct fuzz_framing_run *r)
{
	struct framing		*f;
	struct framing_step	 st;
	size_t			 off = 0, end, n;

	memset(r, 0, sizeof *r);
	f = framing_new(FUZZ_FRAMING_HEAD, FUZZ_FRAMING_BODY);
	while (off < size && !r->refused) {
		end = piece == 0 || size - off < piece ? size : off + piece;
		while (off < end && !r->refused) {
			framing_step(f, data + off, end - off, &st);
			n = st.used;
			if (n == 0 || n > end - off)
				fuzz_fail("a step used %zu of %zu bytes", n,
				    end - off);
			if (st.begun)
				r->begun++;
			switch (st.act) {
			case FRAMING_HOLD:
				fuzz_framing_append(&r->held, &r->heldlen,
				    (const char *)data + off, n);
				break;
			case FRAMING_RELEASE:
				fuzz_framing_append(&r->held, &r->heldlen,
				    (const char *)data + off, n);
				fuzz_framing_append(&r->out, &r->outlen,
				    r->held, r->heldlen);
				r->heldlen = 0;
				break;
			case FRAMING_PASS:
				if (r->heldlen != 0)
					fuzz_fail("bytes passed on while "
					    "others are held");
				fuzz_framing_append(&r->out, &r->outlen,
				    (const char *)data + off, n);
				break;
			case FRAMING_DROP:
				if (r->heldlen != 0)
					fuzz_fail("bytes dropped inside a "
					    "request");
				break;
			case FRAMING_REFUSE:
				if (st.status != 400 && st.status != 413)
					fuzz_fail("refused with %d", st.status);
				if (st.reason == NULL || *st.reason == '\0' ||
				    strpbrk(st.reason, "\r\n") != NULL)
					fuzz_fail("a refusal without a "
					    "one-line reason");
				r->refused = 1;
				break;
			}
			if (st.ended) {
				if (r->heldlen != 0)
					fuzz_fail("a request ended with "
					    "bytes still held");
				r->ended++;
			}
			off += n;
		}
	}
	framing_free(f);
	if (r->out == NULL)
		r->out = xstrdup("");
}

static void
fuzz_framing_clear(struct fuzz_framing_run *r)
{
	free(r->out);
	free(r->held);
}

static int
fuzz_framing_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' &&
	    memchr("!#$%&'*+-.^_`|~", c, 15) != NULL);
}

/* p[0..len) holds a CRLF-ended line at its start: its length, else -1. */
static long
fuzz_framing_line(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i++) {
		if (p[i] == '\r' && p[i + 1] == '\n')
			return (long)i;
		if (p[i] == '\r' || p[i] == '\n')
			return -1;
	}
	return -1;
}

/*
 * Reads one request from p[0..len): returns the bytes it took, or 0 when
 * the stream ends inside a Content-Length body (*cut set); any other
 * failure is the oracle's.
 */
static size_t
fuzz_framing_request(const char *p, size_t len, int *cut)
{
	const char	*line, *colon;
	size_t		 off = 0, i, head, n;
	long		 l;
	int		 ncl = 0, nte = 0, sp = 0, hex;
	unsigned long	 cl = 0, size, body = 0;
	char		 name[40], method[20];

	*cut = 0;
	/* the request line */
	if ((l = fuzz_framing_line(p, len)) <= 0)
		fuzz_fail("no request line handed on");
	for (i = 0; i < (size_t)l; i++) {
		if (p[i] == ' ')
			sp++;
		else if (sp == 0 && !fuzz_framing_tchar((unsigned char)p[i]))
			fuzz_fail("a method that is not a token");
		else if (sp == 1 && ((unsigned char)p[i] < 0x21 ||
		    (unsigned char)p[i] > 0x7e))
			fuzz_fail("a target byte outside visible ASCII");
	}
	if (sp != 2 || (l < 9 || (memcmp(p + l - 9, " HTTP/1.1", 9) != 0 &&
	    memcmp(p + l - 9, " HTTP/1.0", 9) != 0)))
		fuzz_fail("a request line not METHOD TARGET HTTP/1.x");
	n = (size_t)((const char *)memchr(p, ' ', (size_t)l) - p);
	if (n >= sizeof method)
		fuzz_fail("a long method handed on");
	memcpy(method, p, n);
	method[n] = '\0';
	off = (size_t)l + 2;
	/* header lines up to the empty one */
	for (;;) {
		if ((l = fuzz_framing_line(p + off, len - off)) < 0)
			fuzz_fail("a head handed on that does not end in "
			    "CRLF CRLF");
		line = p + off;
		off += (size_t)l + 2;
		if (l == 0)
			break;
		if ((colon = memchr(line, ':', (size_t)l)) == NULL ||
		    colon == line)
			fuzz_fail("a header line without a name and colon");
		for (i = 0; line + i < colon; i++)
			if (!fuzz_framing_tchar((unsigned char)line[i]))
				fuzz_fail("a header name that is not a token");
		for (i = (size_t)(colon - line) + 1; i < (size_t)l; i++)
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f)
				fuzz_fail("a control byte in a header value");
		n = (size_t)(colon - line);
		if (n < sizeof name) {
			memcpy(name, line, n);
			name[n] = '\0';
			if (strcasecmp(name, FRAMING_REFUSED_HEADER) == 0)
				fuzz_fail("the refusal header handed on");
			if (strcasecmp(name, "content-length") == 0) {
				ncl++;
				cl = strtoul(colon + 1, NULL, 10);
			}
			if (strcasecmp(name, "transfer-encoding") == 0)
				nte++;
		}
	}
	head = off;
	if (head > FUZZ_FRAMING_HEAD)
		fuzz_fail("a head of %zu bytes handed on", head);
	if (ncl > 1 || nte > 1 || (ncl && nte))
		fuzz_fail("ambiguous framing handed on");
	if ((ncl && cl > 0) || nte) {
		if (strcmp(method, "HEAD") == 0 || strcmp(method, "TRACE") == 0)
			fuzz_fail("a body on %s handed on", method);
	}
	if (ncl) {
		if (len - off < cl) {
			*cut = 1;
			return 0;
		}
		return off + cl;
	}
	if (!nte)
		return off;
	/* chunks, strictly */
	for (;;) {
		if ((l = fuzz_framing_line(p + off, len - off)) <= 0)
			fuzz_fail("a chunk size line handed on malformed");
		size = 0;
		for (i = 0; i < (size_t)l; i++) {
			char c = p[off + i];

			hex = c >= '0' && c <= '9' ? c - '0' :
			    c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (hex < 0)
				fuzz_fail("a chunk size not hexadecimal");
			if (size > FUZZ_FRAMING_BODY)
				fuzz_fail("a chunk size over the limit");
			size = size * 16 + (unsigned long)hex;
		}
		off += (size_t)l + 2;
		if (size == 0)
			break;
		body += size;
		if (body > FUZZ_FRAMING_BODY)
			fuzz_fail("a chunked body over the limit handed on");
		if (len - off < size + 2 || p[off + size] != '\r' ||
		    p[off + size + 1] != '\n')
			fuzz_fail("chunk data not followed by CRLF");
		off += size + 2;
	}
	if (len - off < 2 || p[off] != '\r' || p[off + 1] != '\n')
		fuzz_fail("a chunked body without its final CRLF");
	return off + 2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_framing_run	 all, bytes, pieces;
	size_t			 off = 0, n;
	int			 requests = 0, cut = 0;

	if (size == 0)
		return 0;
	fuzz_framing_feed(data, size, 0, &all);
	fuzz_framing_feed(data, size, 1, &bytes);
	fuzz_framing_feed(data, size, 1 + data[0] % 13, &pieces);
	if (all.outlen != bytes.outlen || all.outlen != pieces.outlen ||
	    memcmp(all.out, bytes.out, all.outlen) != 0 ||
	    memcmp(all.out, pieces.out, all.outlen) != 0)
		fuzz_fail("fed differently, different bytes handed on "
		    "(%zu, %zu, %zu)", all.outlen, bytes.outlen,
		    pieces.outlen);
	if (all.ended != bytes.ended || all.ended != pieces.ended ||
	    all.refused != bytes.refused || all.refused != pieces.refused)
		fuzz_fail("fed differently, requests ended %d %d %d, refused "
		    "%d %d %d", all.ended, bytes.ended, pieces.ended,
		    all.refused, bytes.refused, pieces.refused);
	if (all.begun == 0 && all.outlen > 0)
		fuzz_fail("bytes handed on without a request begun");
	while (off < all.outlen) {
		n = fuzz_framing_request(all.out + off, all.outlen - off, &cut);
		if (cut)
			break;
		off += n;
		requests++;
	}
	if (requests != all.ended)
		fuzz_fail("%d whole requests handed on, %d said ended",
		    requests, all.ended);
	if (cut && (all.refused || all.heldlen != 0))
		fuzz_fail("a body cut short, yet refused or holding bytes");
	fuzz_framing_clear(&all);
	fuzz_framing_clear(&bytes);
	fuzz_framing_clear(&pieces);
	return 0;
}
