/*
 * test_mdns.c - net/mdns.c without a system bus: it must start, warn once
 * while retrying in the background, and stop with every libuv handle closed
 * (uv_loop_close() == 0).  The real discovery paths run against real
 * avahi-daemons in tests/netns/mdns.sh.
 *
 * DBUS_SYSTEM_BUS_ADDRESS points at a socket that does not exist, so these
 * tests never talk to the machine's own bus or publish on its LAN.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "crdt/log.h"
#include "net/mdns.h"
#include "tests/testlib.h"

static const uint8_t node[32] = { 0xab, 0xcd, 0xef, 0x01 };
static const uint8_t tag[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

struct ctx {
	struct net_mdns *m;
	uv_timer_t timer;
	int found;
};

static void on_found(void *data, const char *addr, const uint8_t n[32])
{
	struct ctx *c = data;

	(void)addr, (void)n;
	c->found++;
}

static void on_stop_timer(uv_timer_t *h)
{
	struct ctx *c = h->data;

	net_mdns_stop(c->m);
	c->m = NULL;
	uv_close((uv_handle_t *)&c->timer, NULL);
}

/* stderr into DIR/stderr while capturing; restored by capture_end. */
struct capture {
	char path[TL_PATH_MAX + 16];
	int saved;
};

static void capture_begin(struct capture *cap, const char *dir)
{
	int fd;

	snprintf(cap->path, sizeof cap->path, "%s/stderr", dir);
	fflush(stderr);
	cap->saved = dup(2);
	fd = open(cap->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	TL_CHECK(cap->saved >= 0 && fd >= 0, "expected to redirect stderr");
	dup2(fd, 2);
	close(fd);
}

/* Restore stderr and show what was captured. */
static void capture_end(struct capture *cap)
{
	char line[512];
	FILE *f;

	fflush(stderr);
	dup2(cap->saved, 2);
	close(cap->saved);
	f = fopen(cap->path, "r");
	TL_CHECK(f != NULL, "expected to read back '%s'", cap->path);
	while (fgets(line, sizeof line, f))
		fputs(line, stderr);
	fclose(f);
}

/* Lines of the captured stderr that contain needle. */
static int captured(struct capture *cap, const char *needle)
{
	char line[512];
	FILE *f = fopen(cap->path, "r");
	int n = 0;

	TL_CHECK(f != NULL, "expected to read back '%s'", cap->path);
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static int no_bus_setup(void **state)
{
	char dir[TL_PATH_MAX], addr[TL_PATH_MAX + 32];

	if (tl_mkdtemp(dir, sizeof dir))
		return -1;
	snprintf(addr, sizeof addr, "unix:path=%s/no-such-bus", dir);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1);
	*state = strdup(dir);
	return *state ? 0 : -1;
}

static int no_bus_teardown(void **state)
{
	tl_rmtree(*state);
	free(*state);
	unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
	return 0;
}

static void test_bad_args(void **state)
{
	struct net_mdns_cb cb = { on_found, NULL };
	struct net_mdns *m = (struct net_mdns *)&m;
	uv_loop_t loop;

	(void)state;
	TL_OK(uv_loop_init(&loop));
	TL_RC(net_mdns_start(&m, NULL, node, tag, 7000, &cb), KITH_EINVAL);
	TL_CHECK(m == NULL, "failed start: expected *out to be NULL");
	TL_RC(net_mdns_start(&m, &loop, node, tag, 7000, NULL), KITH_EINVAL);
	TL_RC(uv_loop_close(&loop), 0);
}

/* Stop before the loop ever runs: everything closes, nothing is found. */
static void test_stop_at_once(void **state)
{
	struct ctx c = { 0 };
	struct net_mdns_cb cb = { on_found, &c };
	struct capture cap;
	uv_loop_t loop;

	capture_begin(&cap, *state);
	TL_OK(uv_loop_init(&loop));
	TL_OK(net_mdns_start(&c.m, &loop, node, tag, 7000, &cb));
	TL_CHECK(c.m != NULL, "expected a handle without a system bus");
	net_mdns_stop(c.m);
	uv_run(&loop, UV_RUN_DEFAULT);
	TL_RC(uv_loop_close(&loop), 0);
	capture_end(&cap);
	TL_EQ(captured(&cap, "avahi-daemon is not running"), 1,
	      "warnings about the missing daemon");
	TL_EQ(c.found, 0, "peers found without a daemon");
}

/* Keep running for 2.5 s: reconnects at 0, 1 s (and 3 s) fail, one
 * warning in all; then stop from a timer callback. */
static void test_retries_warn_once(void **state)
{
	struct ctx c = { 0 };
	struct net_mdns_cb cb = { on_found, &c };
	struct capture cap;
	uv_loop_t loop;
	int saved_verbose = log_verbose;

	log_verbose = 2;
	capture_begin(&cap, *state);
	TL_OK(uv_loop_init(&loop));
	TL_OK(net_mdns_start(&c.m, &loop, node, tag, 7000, &cb));
	TL_OK(uv_timer_init(&loop, &c.timer));
	c.timer.data = &c;
	TL_OK(uv_timer_start(&c.timer, on_stop_timer, 2500, 0));
	uv_run(&loop, UV_RUN_DEFAULT);
	TL_RC(uv_loop_close(&loop), 0);
	log_verbose = saved_verbose;
	capture_end(&cap);
	TL_EQ(captured(&cap, "avahi-daemon is not running"), 1,
	      "warnings over several failed reconnects");
	TL_CHECK(captured(&cap, "cannot reach avahi") >= 2,
		 "expected at least 2 failed reconnects in 2.5 s, saw %d",
		 captured(&cap, "cannot reach avahi"));
	TL_EQ(c.found, 0, "peers found without a daemon");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test_setup_teardown(test_stop_at_once,
						no_bus_setup,
						no_bus_teardown),
		cmocka_unit_test_setup_teardown(test_retries_warn_once,
						no_bus_setup,
						no_bus_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
