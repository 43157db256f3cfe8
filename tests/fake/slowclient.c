/* SPDX-License-Identifier: ISC */
/*
 * slowclient: HTTP clients that misbehave slowly, for the tests of the
 * gateway's deadlines and its accounting of connections
 * (tests/integration/lifecycle.sh, badinput.sh).  Plain sockets and poll;
 * it prints one line of results and exits 0, or 1 if it could not run.
 *
 *	slowclient drip PORT N INTERVAL_MS SECONDS
 *	    N connections each send a request one byte every INTERVAL_MS,
 *	    never finishing it, for up to SECONDS.  Prints "closed C of N,
 *	    last after MS ms" (C: connections the server closed).
 *	slowread PORT INTERVAL_MS SECONDS REQUEST_FILE
 *	    sends the request in REQUEST_FILE whole, with a receive buffer as
 *	    small as the system allows, then reads one byte every
 *	    INTERVAL_MS.  Prints "read B bytes, closed after MS ms" or
 *	    "read B bytes, still open".
 *	reset PORT N PATH
 *	    N connections each send "GET PATH" whole and reset the
 *	    connection (SO_LINGER 0) at once, before the answer.  Prints
 *	    "reset N".
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOWCLIENT_MAX	4096

static long long
slowclient_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long
slowclient_number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "slowclient: '%s' is not a number from %ld to "
		    "%ld\n", s, min, max);
		exit(1);
	}
	return v;
}

static int
slowclient_connect(int port, int rcvbuf)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("slowclient: socket");
		exit(1);
	}
	if (rcvbuf > 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		perror("slowclient: connect");
		exit(1);
	}
	return fd;
}

/* 1 if the server closed fd (EOF or an error; any reply is read first). */
static int
slowclient_closed(int fd)
{
	char	buf[4096];
	ssize_t	n;

	for (;;) {
		n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0)
			return 1;
		return errno != EAGAIN && errno != EWOULDBLOCK;
	}
}

static int
slowclient_drip(int port, int n, int interval, int seconds)
{
	static const char	 req[] = "POST /twilio/sms HTTP/1.1\r\n"
	    "Host: gateway.test\r\nX-Drip: ";
	int			 fd[SLOWCLIENT_MAX], open[SLOWCLIENT_MAX];
	size_t			 sent = 0;
	long long		 t0, last = 0;
	int			 i, closed = 0;
	char			 c;

	for (i = 0; i < n; i++) {
		fd[i] = slowclient_connect(port, 0);
		open[i] = 1;
	}
	t0 = slowclient_now_ms();
	while (closed < n && slowclient_now_ms() - t0 < seconds * 1000LL) {
		c = sent < sizeof req - 1 ? req[sent] : 'a';
		sent++;
		for (i = 0; i < n; i++) {
			if (!open[i])
				continue;
			if (send(fd[i], &c, 1, MSG_NOSIGNAL) != 1 ||
			    slowclient_closed(fd[i])) {
				open[i] = 0;
				closed++;
				last = slowclient_now_ms() - t0;
			}
		}
		poll(NULL, 0, interval);
	}
	printf("closed %d of %d, last after %lld ms\n", closed, n, last);
	for (i = 0; i < n; i++)
		close(fd[i]);
	return 0;
}

static int
slowclient_slowread(int port, int interval, int seconds, const char *file)
{
	char		 req[65536];
	FILE		*fp;
	size_t		 len;
	long long	 t0, total = 0;
	ssize_t		 n;
	int		 fd;
	char		 c;

	if ((fp = fopen(file, "rb")) == NULL) {
		perror(file);
		return 1;
	}
	len = fread(req, 1, sizeof req, fp);
	fclose(fp);
	fd = slowclient_connect(port, 1);	/* the system's smallest */
	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("slowclient: send");
		return 1;
	}
	t0 = slowclient_now_ms();
	while (slowclient_now_ms() - t0 < seconds * 1000LL) {
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN &&
		    errno != EWOULDBLOCK)) {
			printf("read %lld bytes, closed after %lld ms\n", total,
			    slowclient_now_ms() - t0);
			close(fd);
			return 0;
		}
		if (n == 1)
			total++;
		poll(NULL, 0, interval);
	}
	printf("read %lld bytes, still open\n", total);
	close(fd);
	return 0;
}

static int
slowclient_reset(int port, int n, const char *path)
{
	struct linger	lg = { 1, 0 };
	char		req[1024];
	int		i, fd, len;

	len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n",
	    path);
	for (i = 0; i < n; i++) {
		fd = slowclient_connect(port, 0);
		if (send(fd, req, (size_t)len, MSG_NOSIGNAL) != len) {
			perror("slowclient: send");
			return 1;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(fd);	/* RST, before the answer */
	}
	printf("reset %d\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "drip") == 0)
		return slowclient_drip((int)slowclient_number(argv[2], 1, 65535),
		    (int)slowclient_number(argv[3], 1, SLOWCLIENT_MAX),
		    (int)slowclient_number(argv[4], 1, 60000),
		    (int)slowclient_number(argv[5], 1, 600));
	if (argc == 6 && strcmp(argv[1], "slowread") == 0)
		return slowclient_slowread(
		    (int)slowclient_number(argv[2], 1, 65535),
		    (int)slowclient_number(argv[3], 1, 60000),
		    (int)slowclient_number(argv[4], 1, 600), argv[5]);
	if (argc == 5 && strcmp(argv[1], "reset") == 0)
		return slowclient_reset((int)slowclient_number(argv[2], 1, 65535),
		    (int)slowclient_number(argv[3], 1, SLOWCLIENT_MAX), argv[4]);
	fprintf(stderr, "usage: slowclient drip PORT N INTERVAL_MS SECONDS\n"
	    "       slowclient slowread PORT INTERVAL_MS SECONDS REQUEST_FILE\n"
	    "       slowclient reset PORT N PATH\n");
	return 1;
}
