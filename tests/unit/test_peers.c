/*
 * test_peers.c - crdt/peers.c: the peers this node knows, as kept in the
 * replica's local `peers` table (what `kith peers` lists and the daemon
 * writes after each session).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/peers.h"
#include "crdt/query.h"
#include "tests/testlib.h"

#define F(state) ((struct tl_fixture *)*(state))
#define MAX_ROWS 8

struct peer_row {
	char node[65], addr[64], how[16], err[64];
	int64_t last_sync, sent, received;
	int has_sync, has_err;
};

struct listing {
	struct peer_row v[MAX_ROWS];
	int n;
};

static void copy_text(char *out, size_t cap, const struct crdt_col *c)
{
	snprintf(out, cap, "%s",
		 c && c->type == CRDT_COL_TEXT && c->s ? c->s : "");
}

static int collect(void *ctx, const struct crdt_row *row)
{
	struct listing *l = ctx;
	struct peer_row *p;
	const struct crdt_col *c;

	if (l->n == MAX_ROWS)
		return 1;
	p = &l->v[l->n++];
	memset(p, 0, sizeof *p);
	copy_text(p->node, sizeof p->node, crdt_row_get(row, "node"));
	copy_text(p->addr, sizeof p->addr, crdt_row_get(row, "addr"));
	copy_text(p->how, sizeof p->how, crdt_row_get(row, "how"));
	c = crdt_row_get(row, "last_error");
	p->has_err = c && c->type == CRDT_COL_TEXT;
	copy_text(p->err, sizeof p->err, c);
	c = crdt_row_get(row, "last_sync");
	p->has_sync = c && c->type == CRDT_COL_INT;
	p->last_sync = c ? c->i : 0;
	c = crdt_row_get(row, "sent");
	p->sent = c ? c->i : -1;
	c = crdt_row_get(row, "received");
	p->received = c ? c->i : -1;
	return 0;
}

static void list(struct crdt_replica *r, struct listing *l)
{
	memset(l, 0, sizeof *l);
	TL_OK(crdt_peers_list(r->store, collect, l));
}

static void seen_then_results(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	struct listing l;
	uint8_t node[32];

	list(r, &l);
	TL_EQ(l.n, 0, "peers of a new replica");

	tl_seed32(node, 5);
	TL_OK(crdt_peers_seen(r->store, "192.0.2.1:7714", NULL, "static", 100));
	TL_OK(crdt_peers_seen(r->store, "[fe80::1]:7714", node, "mdns", 200));
	list(r, &l);
	TL_EQ(l.n, 2, "peers after two were seen");
	TL_CHECK(!strcmp(l.v[0].addr, "[fe80::1]:7714"),
		 "most recently updated first: expected the mdns peer, got '%s'",
		 l.v[0].addr);
	TL_CHECK(!strcmp(l.v[0].node, tl_hex(node, 32)),
		 "node as lowercase hex: got '%s'", l.v[0].node);
	TL_CHECK(!strcmp(l.v[0].how, "mdns"), "how: got '%s'", l.v[0].how);
	TL_CHECK(!strcmp(l.v[1].node, ""), "unknown node: expected NULL");
	TL_CHECK(!l.v[1].has_sync, "never synced: expected last_sync NULL");

	/* a failed session, then two good ones: counters add up, the error
	 * goes, last_sync is the last success; the node learnt is kept when
	 * a later call does not know it */
	TL_OK(crdt_peers_result(r->store, "192.0.2.1:7714", node, 0, 0,
				"connection refused", 300));
	TL_OK(crdt_peers_result(r->store, "192.0.2.1:7714", NULL, 3, 4, NULL,
				400));
	list(r, &l);
	TL_CHECK(!strcmp(l.v[0].addr, "192.0.2.1:7714"), "first: got '%s'",
		 l.v[0].addr);
	TL_CHECK(!strcmp(l.v[0].node, tl_hex(node, 32)),
		 "node kept after a result without one: got '%s'", l.v[0].node);
	TL_CHECK(!l.v[0].has_err, "error cleared by a success: got '%s'",
		 l.v[0].err);
	TL_EQ(l.v[0].last_sync, 400, "last_sync");
	TL_OK(crdt_peers_result(r->store, "192.0.2.1:7714", NULL, 1, 1,
				"timed out", 500));
	list(r, &l);
	TL_EQ(l.v[0].sent, 4, "sent");
	TL_EQ(l.v[0].received, 5, "received");
	TL_EQ(l.v[0].last_sync, 400, "last_sync after a failure");
	TL_CHECK(!strcmp(l.v[0].err, "timed out"), "last_error: got '%s'",
		 l.v[0].err);

	/* a result for an address never seen adds it as static */
	TL_OK(crdt_peers_result(r->store, "198.51.100.9:7714", NULL, 0, 2, NULL,
				600));
	list(r, &l);
	TL_EQ(l.n, 3, "peers after a result from a new address");
	TL_CHECK(!strcmp(l.v[0].how, "static"), "how of a new address: got '%s'",
		 l.v[0].how);
	TL_RC(crdt_peers_seen(r->store, NULL, NULL, "static", 700), KITH_EINVAL);
}

/* The table is local: it is no part of the state replicas compare. */
static void peers_are_not_state(void **state)
{
	struct crdt_replica *r = tl_open(F(state), "r", 1);
	char before[65], after[65];

	TL_OK(tl_item(r, "ladder", NULL));
	TL_OK(tl_digest(r, before));
	TL_OK(crdt_peers_seen(r->store, "192.0.2.1:7714", NULL, "static", 1));
	TL_OK(crdt_peers_result(r->store, "192.0.2.1:7714", NULL, 1, 1, NULL,
				2));
	TL_OK(tl_digest(r, after));
	TL_CHECK(!strcmp(before, after), "digest changed by the peers table");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
	const struct CMUnitTest tests[] = {
		T(seen_then_results),
		T(peers_are_not_state),
	};
#undef T

	return cmocka_run_group_tests_name("peers", tests, tl_group_setup,
					   NULL);
}
