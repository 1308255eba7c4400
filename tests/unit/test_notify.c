/*
 * test_notify.c - peer/notify.c, the sd_notify(3) datagram protocol: no
 * $NOTIFY_SOCKET (or an empty one) sends nothing and succeeds; a path and
 * an abstract '@name' each get exactly the state given, in one datagram;
 * RELOADING=1 carries MONOTONIC_USEC of now; a name that is neither a path
 * nor '@', one too long for a socket address, a state over
 * PEER_NOTIFY_MAX and a socket nobody listens on are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "crdt/err.h"
#include "peer/notify.h"
#include "tests/testlib.h"

/* A datagram socket bound to name (a path, or '@' for abstract). */
static int bind_dgram(const char *name)
{
	struct sockaddr_un sun;
	size_t n = strlen(name);
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (name[0] == '@')
		sun.sun_path[0] = 0;
	else
		len++;
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	return fd;
}

/* The next datagram on fd (none waiting: ""), as a string. */
static const char *take(int fd, char *buf, size_t cap)
{
	ssize_t k = recv(fd, buf, cap - 1, MSG_DONTWAIT);

	buf[k > 0 ? k : 0] = 0;
	return buf;
}

static void test_absent(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(peer_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(peer_notify("READY=1"), 0);
	assert_int_equal(peer_notify_reloading(), 0);
}

static void test_path(void **state)
{
	char dir[] = "/tmp/kith-notify.XXXXXX", path[64], buf[256];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/n.sock", dir);
	fd = bind_dgram(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(peer_notify("READY=1\nSTATUS=listening on %s, %d "
				     "peers",
				     "127.0.0.1:7473", 2),
			 0);
	assert_string_equal(take(fd, buf, sizeof buf),
			    "READY=1\nSTATUS=listening on 127.0.0.1:7473, 2 "
			    "peers");
	assert_int_equal(peer_notify("STOPPING=1"), 0);
	assert_string_equal(take(fd, buf, sizeof buf), "STOPPING=1");
	assert_string_equal(take(fd, buf, sizeof buf), "");
	close(fd);
	/* nobody listens there any more */
	unlink(path);
	assert_int_equal(peer_notify("READY=1"), -ENOENT);
	rmdir(dir);
	unsetenv("NOTIFY_SOCKET");
}

static void test_abstract_reloading(void **state)
{
	char name[64], buf[256];
	struct timespec ts;
	unsigned long long usec, now;
	int fd;

	(void)state;
	snprintf(name, sizeof name, "@kith-test-notify-%ld", (long)getpid());
	fd = bind_dgram(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(peer_notify_reloading(), 0);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	now = (unsigned long long)ts.tv_sec * 1000000ull +
	      (unsigned long long)ts.tv_nsec / 1000;
	assert_int_equal(sscanf(take(fd, buf, sizeof buf),
				"RELOADING=1\nMONOTONIC_USEC=%llu", &usec),
			 1);
	assert_true(usec <= now && now - usec < 5000000);
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void test_refused(void **state)
{
	char big[PEER_NOTIFY_MAX + 1], longname[120];

	(void)state;
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(peer_notify("READY=1"), KITH_EINVAL);
	memset(longname, 'x', sizeof longname - 1);
	longname[0] = '/';
	longname[sizeof longname - 1] = 0;
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(peer_notify("READY=1"), KITH_ETOOBIG);
	/* a path of exactly sun_path's size has no room for its NUL */
	longname[sizeof(((struct sockaddr_un *)0)->sun_path)] = 0;
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(peer_notify("READY=1"), KITH_ETOOBIG);
	setenv("NOTIFY_SOCKET", "@kith-test-notify-nobody", 1);
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_int_equal(peer_notify("STATUS=%s", big), KITH_ETOOBIG);
	assert_int_equal(peer_notify("READY=1"), -ECONNREFUSED);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_abstract_reloading),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("notify", tests, NULL, NULL);
}
