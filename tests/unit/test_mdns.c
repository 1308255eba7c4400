/*
 * test_mdns.c - net/mdns.c without a system bus: it must start, warn once
 * while retrying in the background, and stop with every libuv handle closed
 * (uv_loop_close() == 0).  The real discovery paths run against real
 * avahi-daemons in tests/netns/mdns.sh and tests/netns/web_mdns.sh; the
 * pure parts of the HTTP announcement (which addresses count as LAN, the
 * service name and its cut at 63 bytes) are checked here.
 *
 * DBUS_SYSTEM_BUS_ADDRESS points at a socket that does not exist, so these
 * tests never talk to the machine's own bus or publish on its LAN.
 */
#include <arpa/inet.h>
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

/* net_mdns_http before there is a daemon: refused without a port or an
 * IP address, taken otherwise (loopback quietly ignored); stopping frees
 * what it holds (ASan in make check). */
static void test_http_no_bus(void **state)
{
	struct ctx c = { 0 };
	struct net_mdns_cb cb = { on_found, &c };
	struct sockaddr_in v4 = { .sin_family = AF_INET,
				  .sin_port = htons(7474) };
	struct sockaddr_in zero = { .sin_family = AF_INET };
	struct sockaddr un = { .sa_family = AF_UNIX };
	struct capture cap;
	uv_loop_t loop;

	capture_begin(&cap, *state);
	TL_OK(uv_loop_init(&loop));
	TL_OK(net_mdns_start(&c.m, &loop, node, tag, 7000, &cb));
	TL_RC(net_mdns_http(c.m, (struct sockaddr *)&zero, "x", 0), KITH_EINVAL);
	TL_RC(net_mdns_http(c.m, &un, "x", 0), KITH_EINVAL);
	TL_RC(net_mdns_http(c.m, NULL, "x", 0), KITH_EINVAL);
	TL_OK(net_mdns_http(c.m, (struct sockaddr *)&v4, "Elm Court", 0));
	v4.sin_addr.s_addr = htonl(0x7f000001);
	TL_OK(net_mdns_http(c.m, (struct sockaddr *)&v4, "loopback", 0));
	v4.sin_addr.s_addr = htonl(0x0a000001);
	TL_OK(net_mdns_http(c.m, (struct sockaddr *)&v4, "again", 1));
	net_mdns_stop(c.m);
	uv_run(&loop, UV_RUN_DEFAULT);
	TL_RC(uv_loop_close(&loop), 0);
	capture_end(&cap);
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

/* ADDR (IPv4 or IPv6) with port 80 counts as LAN: 1 or 0. */
static int lan(const char *addr)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(80) };

	if (inet_pton(AF_INET, addr, &v4.sin_addr) == 1)
		return net_mdns_lan((struct sockaddr *)&v4);
	if (inet_pton(AF_INET6, addr, &v6.sin6_addr) == 1)
		return net_mdns_lan((struct sockaddr *)&v6);
	fail_msg("test address '%s' does not parse", addr);
	return -1;
}

static void test_lan(void **state)
{
	struct sockaddr sa = { .sa_family = AF_UNIX };

	(void)state;
	TL_EQ(lan("127.0.0.1"), 0, "127.0.0.1 is loopback");
	TL_EQ(lan("127.9.8.7"), 0, "127.0.0.0/8 is loopback");
	TL_EQ(lan("::1"), 0, "::1 is loopback");
	TL_EQ(lan("::ffff:127.0.0.1"), 0, "::ffff:127.0.0.1 is loopback");
	TL_EQ(lan("0.0.0.0"), 1, "0.0.0.0 (every address) is LAN");
	TL_EQ(lan("::"), 1, ":: (every address) is LAN");
	TL_EQ(lan("192.168.1.20"), 1, "a private address is LAN");
	TL_EQ(lan("128.0.0.1"), 1, "128.0.0.1 is not loopback");
	TL_EQ(lan("fe80::1"), 1, "link-local IPv6 is LAN");
	TL_EQ(lan("::ffff:10.0.0.1"), 1, "::ffff:10.0.0.1 is LAN");
	TL_EQ(net_mdns_lan(&sa), 0, "not IP: not LAN");
	TL_EQ(net_mdns_lan(NULL), 0, "no address: not LAN");
}

/* Valid UTF-8 (no sequence cut short). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int more = 0;

	for (; *p; p++) {
		if (more) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			more--;
		} else if (*p >= 0xf0) {
			more = 3;
		} else if (*p >= 0xe0) {
			more = 2;
		} else if (*p >= 0xc0) {
			more = 1;
		} else if (*p >= 0x80) {
			return 0;
		}
	}
	return more == 0;
}

static void test_cut(void **state)
{
	/* "和平里" is 9 bytes, 3 each */
	const char *zh = "\xe5\x92\x8c\xe5\xb9\xb3\xe9\x87\x8c";

	(void)state;
	TL_EQ(net_mdns_cut("abc", 5), 3, "short string whole");
	TL_EQ(net_mdns_cut("abcdef", 4), 4, "ASCII cut at max");
	TL_EQ(net_mdns_cut(zh, 9), 9, "exact fit whole");
	TL_EQ(net_mdns_cut(zh, 8), 6, "cut before the split character");
	TL_EQ(net_mdns_cut(zh, 7), 6, "cut before the split character");
	TL_EQ(net_mdns_cut(zh, 6), 6, "cut at a boundary");
	TL_EQ(net_mdns_cut(zh, 2), 0, "nothing fits");
	TL_EQ(net_mdns_cut("\xf0\x9f\x8f\xa0x", 3), 0, "4-byte char cut");
	TL_EQ(net_mdns_cut("", 0), 0, "empty");
}

static void test_http_name(void **state)
{
	char out[NET_MDNS_NAME_MAX + 1], what[200], host[100];
	size_t i;

	(void)state;
	net_mdns_http_name(out, "Elm Court", "pi.local");
	assert_string_equal(out, "kith \xe2\x80\x93 Elm Court (pi)");
	net_mdns_http_name(out, "", "pi");
	assert_string_equal(out, "kith (pi)");
	net_mdns_http_name(out, "Elm Court", "");
	assert_string_equal(out, "kith \xe2\x80\x93 Elm Court");
	net_mdns_http_name(out, "", NULL);
	assert_string_equal(out, "kith");

	/* a long Chinese name: cut at a character, the host kept whole */
	what[0] = '\0';
	for (i = 0; i < 20; i++)
		strcat(what, "\xe5\x92\x8c"); /* 60 bytes */
	net_mdns_http_name(out, what, "kitchen-pc");
	TL_CHECK(strlen(out) <= NET_MDNS_NAME_MAX, "name of %zu bytes",
		 strlen(out));
	TL_CHECK(utf8_ok(out), "name '%s' is not valid UTF-8", out);
	TL_CHECK(strstr(out, " (kitchen-pc)") &&
			 !strcmp(out + strlen(out) - 13, " (kitchen-pc)"),
		 "host kept at the end: '%s'", out);
	TL_CHECK(!strncmp(out, "kith \xe2\x80\x93 \xe5\x92\x8c", 12),
		 "starts with 'kith – ' and the name: '%s'", out);

	/* every length of what and host: always fits, always UTF-8 */
	for (i = 0; i < 70; i++) {
		size_t j;

		memset(what, 0, sizeof what);
		for (j = 0; j < i; j++)
			strcat(what, "\xc3\xa9"); /* é, 2 bytes */
		memset(host, 'h', sizeof host - 1);
		host[sizeof host - 1] = '\0';
		host[i] = '\0';
		net_mdns_http_name(out, what, host);
		TL_CHECK(strlen(out) <= NET_MDNS_NAME_MAX,
			 "what %zu chars: %zu bytes", i, strlen(out));
		TL_CHECK(utf8_ok(out), "what %zu chars: not UTF-8", i);
		TL_CHECK(i == 0 || strstr(out, "h)"), "host shown: '%s'", out);
	}
	/* a space at the cut is not left dangling before " (HOST)" */
	memset(what, 'a', 50);
	what[50] = '\0';
	what[24] = ' ';
	net_mdns_http_name(out, what, "bbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	TL_CHECK(!strstr(out, "  ("), "double space in '%s'", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_lan),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_http_name),
		cmocka_unit_test_setup_teardown(test_stop_at_once,
						no_bus_setup,
						no_bus_teardown),
		cmocka_unit_test_setup_teardown(test_http_no_bus,
						no_bus_setup,
						no_bus_teardown),
		cmocka_unit_test_setup_teardown(test_retries_warn_once,
						no_bus_setup,
						no_bus_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
