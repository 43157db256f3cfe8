/* SPDX-License-Identifier: ISC */
/*
 * Allocation helpers whose failure is fatal, as in tmux: running out of
 * memory is not a condition the gateway can answer sensibly, so callers never
 * check for NULL.  Every returned pointer is owned by the caller and freed
 * with free().
 */
#ifndef CLOTLINE_XMALLOC_H
#define CLOTLINE_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

struct evbuffer;

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Formats into a new string; caller frees. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
/* A new libevent buffer; free it with evbuffer_free or xevbuffer_take. */
struct evbuffer *xevbuffer_new(void);
/* Frees b and returns its contents as a new NUL-terminated string. */
char	*xevbuffer_take(struct evbuffer *b);

#endif
