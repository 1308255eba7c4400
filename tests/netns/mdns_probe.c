/*
 * mdns_probe.c - net/mdns.c on its own, for the network namespace tests.
 *
 *   mdns_probe NODEHEX TAGHEX PORT SECONDS [-v|-vv]
 *
 * Publishes a kith service for node NODEHEX (64 hex) of community tag
 * TAGHEX (16 hex) on PORT and prints "found ADDR NODEHEX" on stdout for
 * every discovery.  Exits 0 after SECONDS or on SIGTERM/SIGINT, after the
 * loop has been emptied: uv_loop_close() must return 0 (asserted).  Logs
 * (log.h) go to stderr.  Exit 2 on bad arguments, 1 if start fails.
 *
 * Build by hand (the Makefile does not know it):
 *   cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. \
 *      tests/netns/mdns_probe.c net/mdns.c crdt/log.c \
 *      $(pkg-config --cflags --libs libuv avahi-client)
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "crdt/log.h"
#include "net/mdns.h"

struct probe {
	uv_loop_t loop;
	uv_timer_t timer;
	uv_signal_t sigterm, sigint;
	struct net_mdns *mdns;
	int stopped;
};

static int unhex(uint8_t *out, size_t n, const char *s)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static void on_found(void *data, const char *addr, const uint8_t node[32])
{
	int i;

	(void)data;
	printf("found %s ", addr);
	for (i = 0; i < 32; i++)
		printf("%02x", node[i]);
	printf("\n");
	fflush(stdout);
}

static void stop(struct probe *p)
{
	if (p->stopped)
		return;
	p->stopped = 1;
	uv_close((uv_handle_t *)&p->timer, NULL);
	uv_close((uv_handle_t *)&p->sigterm, NULL);
	uv_close((uv_handle_t *)&p->sigint, NULL);
	net_mdns_stop(p->mdns);
	p->mdns = NULL;
}

static void on_timer(uv_timer_t *h)
{
	stop(h->data);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)signum;
	stop(h->data);
}

int main(int argc, char **argv)
{
	struct probe p;
	struct net_mdns_cb cb = { on_found, NULL };
	uint8_t node[32], tag[8];
	long port, secs;
	int rc;

	memset(&p, 0, sizeof p);
	if (argc < 5 || unhex(node, sizeof node, argv[1]) ||
	    unhex(tag, sizeof tag, argv[2])) {
		fprintf(stderr, "usage: mdns_probe NODEHEX TAGHEX PORT SECONDS "
				"[-v|-vv]\n");
		return 2;
	}
	port = strtol(argv[3], NULL, 10);
	secs = strtol(argv[4], NULL, 10);
	if (port < 1 || port > 65535 || secs < 1 || secs > 86400) {
		fprintf(stderr, "mdns_probe: bad port or seconds\n");
		return 2;
	}
	if (argc > 5)
		log_verbose = strcmp(argv[5], "-vv") == 0 ? 2 : 1;

	rc = uv_loop_init(&p.loop);
	assert(rc == 0);
	uv_timer_init(&p.loop, &p.timer);
	p.timer.data = &p;
	uv_timer_start(&p.timer, on_timer, (uint64_t)secs * 1000, 0);
	uv_signal_init(&p.loop, &p.sigterm);
	p.sigterm.data = &p;
	uv_signal_start(&p.sigterm, on_signal, SIGTERM);
	uv_signal_init(&p.loop, &p.sigint);
	p.sigint.data = &p;
	uv_signal_start(&p.sigint, on_signal, SIGINT);

	rc = net_mdns_start(&p.mdns, &p.loop, node, tag, (uint16_t)port, &cb);
	if (rc) {
		fprintf(stderr, "mdns_probe: cannot start: %d\n", rc);
		stop(&p);
		uv_run(&p.loop, UV_RUN_DEFAULT);
		rc = uv_loop_close(&p.loop);
		assert(rc == 0);
		return 1;
	}
	printf("started\n");
	fflush(stdout);
	uv_run(&p.loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&p.loop);
	assert(rc == 0);
	fprintf(stderr, "mdns_probe: clean exit\n");
	return 0;
}
