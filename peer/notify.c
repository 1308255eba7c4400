#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "crdt/err.h"
#include "notify.h"

/* The socket $NOTIFY_SOCKET names into sun; its length into *len. */
static int notify_addr(const char *name, struct sockaddr_un *sun,
		       socklen_t *len)
{
	size_t n = strlen(name);

	if (name[0] != '/' && name[0] != '@')
		return KITH_EINVAL;
	if (n > sizeof sun->sun_path ||
	    (name[0] == '/' && n == sizeof sun->sun_path))
		return KITH_ETOOBIG;
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, name, n);
	if (name[0] == '@') {
		/* abstract: the name is exactly these bytes, no NUL after */
		sun->sun_path[0] = 0;
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}

static int notify_send(const char *state, size_t n)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	ssize_t k;
	int fd = -1, rc;

	if (!name || !*name)
		return 0;
	rc = notify_addr(name, &sun, &len);
	if (rc)
		goto out;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	k = sendto(fd, state, n, MSG_NOSIGNAL, (struct sockaddr *)&sun, len);
	if (k < 0)
		rc = -errno;
	else if ((size_t)k != n)
		rc = KITH_EIO;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int peer_notify(const char *fmt, ...)
{
	char buf[PEER_NOTIFY_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		return KITH_ETOOBIG;
	return notify_send(buf, (size_t)n);
}

int peer_notify_reloading(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return -errno;
	return peer_notify("RELOADING=1\nMONOTONIC_USEC=%llu",
			   (unsigned long long)ts.tv_sec * 1000000ull +
				   (unsigned long long)ts.tv_nsec / 1000);
}
