/*
 * test_admit.c - the pool of connections that have not finished the
 * handshake (net/admit.c) and the log limit: a new connection always gets
 * in; what it pushes out is from its own source when that source is over
 * its limit, else from the source holding the most; a connection that sent
 * a good first message, or has one waiting unread, is pushed out only when
 * no other is left; one younger than the grace is not pushed out before
 * the pool's hard limit; sources
 * are IPv4 addresses, IPv6 /64s (whole link-local addresses), with
 * v4-mapped IPv6 the same as IPv4.  The log limit lets a burst through per
 * interval and counts the rest.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "crdt/err.h"
#include "net/admit.h"
#include "tests/testlib.h"

/* Connections are opaque pointers: use addresses in one array. */
static char conn[NET_ADMIT_MAX + 100];
/* The clock add4() passes; grace 0 unless a test says otherwise. */
static uint64_t now = 1000000;
#define C(i) ((void *)&conn[i])

static struct sockaddr_storage v4(const char *ip, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof ss);
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &a->sin_addr) != 1)
		fail_msg("bad test address %s", ip);
	return ss;
}

static struct sockaddr_storage v6(const char *ip, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof ss);
	a->sin6_family = AF_INET6;
	a->sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1)
		fail_msg("bad test address %s", ip);
	return ss;
}

#define SA(ss) ((const struct sockaddr *)&(ss))

/* Add conn i from ip (v4), expecting victim want (-1: none). */
static void add4(struct net_admit *a, int i, const char *ip, int want)
{
	struct sockaddr_storage ss = v4(ip, 1000 + i);
	void *got = net_admit_add(a, C(i), SA(ss), now);

	if (want < 0)
		TL_CHECK(!got, "adding %d from %s: expected no eviction, got %d",
			 i, ip, (int)((char *)got - conn));
	else
		TL_CHECK(got == C(want),
			 "adding %d from %s: expected %d evicted, got %d", i, ip,
			 want, got ? (int)((char *)got - conn) : -1);
}

static void fills_up_without_eviction(void **state)
{
	struct net_admit a;
	char ip[32];
	int i;

	(void)state;
	net_admit_init(&a, 32, 8, 0, NULL);
	for (i = 0; i < 32; i++) {
		snprintf(ip, sizeof ip, "10.0.0.%d", i / 4 + 1);
		add4(&a, i, ip, -1);
	}
	TL_EQ(net_admit_count(&a), 32, "held after 32 from 8 sources");
	TL_EQ(net_admit_remove(&a, C(5)), 1, "removing a held one");
	TL_EQ(net_admit_remove(&a, C(5)), 0, "removing it again");
	TL_EQ(net_admit_remove(&a, C(150)), 0, "removing one never added");
	TL_EQ(net_admit_count(&a), 31, "held after one left");
	add4(&a, 40, "10.0.0.99", -1);
}

static void per_source_limit_evicts_own_oldest(void **state)
{
	struct net_admit a;
	struct sockaddr_storage other = v4("10.0.0.2", 1);
	int i;

	(void)state;
	net_admit_init(&a, 32, 4, 0, NULL);
	add4(&a, 100, "10.0.0.2", -1); /* older than all, other source */
	for (i = 0; i < 4; i++)
		add4(&a, i, "10.0.0.1", -1);
	/* the fifth from 10.0.0.1 pushes out 10.0.0.1's oldest, not 100 */
	add4(&a, 4, "10.0.0.1", 0);
	add4(&a, 5, "10.0.0.1", 1);
	TL_EQ(net_admit_count(&a), 5, "held: 4 + 1");
	TL_EQ(net_admit_count_src(&a, SA(other)), 1, "10.0.0.2 still held");
	/* the port does not make another source */
	add4(&a, 6, "10.0.0.1", 2);
}

static void full_pool_evicts_from_the_busiest_source(void **state)
{
	struct net_admit a;

	(void)state;
	net_admit_init(&a, 6, 4, 0, NULL);
	add4(&a, 0, "10.0.0.1", -1); /* a lone member, oldest of all */
	add4(&a, 1, "10.0.0.2", -1);
	add4(&a, 2, "10.0.0.3", -1);
	add4(&a, 3, "10.0.0.3", -1);
	add4(&a, 4, "10.0.0.3", -1);
	add4(&a, 5, "10.0.0.2", -1);
	/* full: a newcomer from anywhere pushes out 10.0.0.3's oldest */
	add4(&a, 6, "10.0.0.4", 2);
	/* .2 and .3 hold 2 each: the older of their connections goes */
	add4(&a, 7, "10.0.0.5", 1);
	add4(&a, 8, "10.0.0.6", 3);
	/* every source holds 1 now: the oldest goes, the lone member */
	add4(&a, 9, "10.0.0.7", 0);
	TL_EQ(net_admit_count(&a), 6, "held at the limit");
}

static void proven_go_last(void **state)
{
	struct net_admit a;
	int i;

	(void)state;
	net_admit_init(&a, 4, 4, 0, NULL);
	add4(&a, 0, "10.0.0.1", -1);
	net_admit_proven(&a, C(0)); /* a member, oldest, same source */
	for (i = 1; i < 4; i++)
		add4(&a, i, "10.0.0.1", -1);
	/* keyless ones push out keyless ones, oldest first, for ever */
	for (i = 4; i < 40; i++)
		add4(&a, i, "10.0.0.1", i - 3);
	/* a proven one at a busier source is spared too */
	net_admit_init(&a, 4, 4, 0, NULL);
	add4(&a, 0, "10.0.0.1", -1);
	add4(&a, 1, "10.0.0.1", -1);
	add4(&a, 2, "10.0.0.1", -1);
	add4(&a, 3, "10.0.0.2", -1);
	net_admit_proven(&a, C(0));
	net_admit_proven(&a, C(1));
	net_admit_proven(&a, C(2));
	add4(&a, 4, "10.0.0.3", 3);
	/* all proven: none is pushed out, the newcomer is held beyond the
	 * limit (no refusal either) */
	net_admit_proven(&a, C(4));
	add4(&a, 5, "10.0.0.4", -1);
	TL_EQ(net_admit_count(&a), 5, "held beyond the limit");
}

/* The hook: which connections have a message 1 waiting unread, and how
 * often each was asked. */
static int waiting_set[NET_ADMIT_MAX + 100], asked[NET_ADMIT_MAX + 100];

static int waiting_hook(void *c)
{
	int i = (int)((char *)c - conn);

	asked[i]++;
	return waiting_set[i];
}

static void unread_hello_is_spared(void **state)
{
	struct net_admit a;
	int i;

	(void)state;
	memset(waiting_set, 0, sizeof waiting_set);
	memset(asked, 0, sizeof asked);
	net_admit_init(&a, 32, 4, 0, waiting_hook);
	/* 0 is a member whose message 1 the loop has not read yet; 1-3 are
	 * keyless, and one of them (2) sent 64 bytes too */
	for (i = 0; i < 4; i++)
		add4(&a, i, "10.0.0.1", -1);
	waiting_set[0] = waiting_set[2] = 1;
	add4(&a, 4, "10.0.0.1", 1);
	TL_EQ(asked[0], 1, "the member's socket asked about once");
	add4(&a, 5, "10.0.0.1", 3);
	add4(&a, 6, "10.0.0.1", 4);
	TL_EQ(asked[0], 1, "an entry found waiting is not asked again");
	TL_EQ(asked[2], 1, "the other waiting one asked once");
	add4(&a, 7, "10.0.0.1", 5);
	add4(&a, 8, "10.0.0.1", 6);
	/* a proven one outranks one still waiting: 0 stays */
	net_admit_proven(&a, C(0));
	add4(&a, 9, "10.0.0.1", 7);
	add4(&a, 10, "10.0.0.1", 8);
	add4(&a, 11, "10.0.0.1", 9);
	/* held: 0 (proven), 2 (waiting), 10, 11: the unproven go, oldest
	 * first, however many arrive */
	add4(&a, 12, "10.0.0.1", 10);
	add4(&a, 13, "10.0.0.1", 11);
	add4(&a, 14, "10.0.0.1", 12);
	TL_EQ(net_admit_count(&a), 4, "held: the per-source limit");
	/* when every one has a rank, none goes below NET_ADMIT_MAX */
	waiting_set[14] = 1;
	net_admit_proven(&a, C(13));
	add4(&a, 15, "10.0.0.1", -1);
	TL_EQ(asked[14], 1, "14 asked");
	/* 15 is not waiting: the next newcomer pushes it out; then only
	 * waiting ones arrive, and the pool grows to NET_ADMIT_MAX */
	for (i = 16; i < NET_ADMIT_MAX + 12; i++) {
		waiting_set[i] = 1;
		add4(&a, i, "10.0.0.1", i == 16 ? 15 : -1);
	}
	TL_EQ(net_admit_count(&a), NET_ADMIT_MAX, "held: NET_ADMIT_MAX");
	/* at NET_ADMIT_MAX the oldest waiting goes (2, 14), before proven */
	waiting_set[NET_ADMIT_MAX + 12] = 1;
	add4(&a, NET_ADMIT_MAX + 12, "10.0.0.1", 2);
	add4(&a, NET_ADMIT_MAX + 13, "10.0.0.1", 14);
	for (i = 0; i < NET_ADMIT_MAX + 14; i++)
		net_admit_proven(&a, C(i));
	/* all proven: the oldest */
	add4(&a, NET_ADMIT_MAX + 14, "10.0.0.1", 0);
}

static void young_are_spared(void **state)
{
	struct net_admit a;
	char ip[32];
	int i;

	(void)state;
	now = 1000000;
	net_admit_init(&a, 4, 2, 500, NULL);
	add4(&a, 0, "10.0.0.1", -1);
	add4(&a, 1, "10.0.0.1", -1);
	/* a third from 10.0.0.1 at once: both are young, so it is held
	 * beyond the per-source limit */
	add4(&a, 2, "10.0.0.1", -1);
	now += 499;
	add4(&a, 3, "10.0.0.1", -1);
	now += 1;
	/* 0-2 are past their grace now, 3 is not: the oldest goes */
	add4(&a, 4, "10.0.0.1", 0);
	/* the pool is over its 4: from the busiest source, past grace */
	add4(&a, 5, "10.0.0.3", 1);
	add4(&a, 6, "10.0.0.4", 2);
	/* held: 3, 4, 5, 6, all young: a newcomer is held beyond the 4 */
	add4(&a, 7, "10.0.0.5", -1);
	TL_EQ(net_admit_count(&a), 5, "held beyond the limit while young");
	/* a flood faster than the grace: the pool grows to NET_ADMIT_MAX,
	 * then the oldest young one goes */
	for (i = 8; i < NET_ADMIT_MAX + 3; i++) {
		snprintf(ip, sizeof ip, "10.2.%d.%d", i / 200, i % 200 + 1);
		add4(&a, i, ip, -1);
	}
	TL_EQ(net_admit_count(&a), NET_ADMIT_MAX, "held: NET_ADMIT_MAX");
	add4(&a, NET_ADMIT_MAX + 3, "10.9.9.9", 3);
	TL_EQ(net_admit_count(&a), NET_ADMIT_MAX, "never more");
	/* once they are old, each newcomer pushes one out again */
	now += 500;
	add4(&a, NET_ADMIT_MAX + 4, "10.9.9.10", 4);
	/* and trimming takes the pool back to its 4, the oldest first,
	 * sparing the young and the proven */
	net_admit_proven(&a, C(5));
	add4(&a, NET_ADMIT_MAX + 5, "10.9.9.11", 6);
	now += 1;
	for (i = 0; i < NET_ADMIT_MAX; i++) {
		void *got = net_admit_trim(&a, now);

		if (!got)
			break;
		TL_CHECK(got != C(5), "trim took a proven connection");
	}
	TL_EQ(net_admit_count(&a), 4, "held after trimming");
	TL_CHECK(!net_admit_trim(&a, now), "nothing more to trim");
	now = 1000000;
}

static void trim_per_source(void **state)
{
	struct net_admit a;
	int i;

	(void)state;
	now = 1000000;
	net_admit_init(&a, 32, 2, 500, NULL);
	for (i = 0; i < 6; i++)
		add4(&a, i, "10.0.0.1", -1);
	add4(&a, 6, "10.0.0.2", -1);
	TL_CHECK(!net_admit_trim(&a, now), "young ones are not trimmed");
	now += 500;
	for (i = 0; i < 4; i++)
		TL_CHECK(net_admit_trim(&a, now) == C(i),
			 "trim %d: expected 10.0.0.1's oldest, %d", i, i);
	TL_CHECK(!net_admit_trim(&a, now), "10.0.0.1 is back to 2");
	TL_EQ(net_admit_count(&a), 3, "held: 2 + 1");
	now = 1000000;
}

static void sources_v6_and_mapped(void **state)
{
	struct net_admit a;
	struct sockaddr_storage s1 = v6("2001:db8:1:2::1", 1),
				s2 = v6("2001:db8:1:2:ffff::9", 2),
				s3 = v6("2001:db8:1:3::1", 3),
				ll1 = v6("fe80::1", 4), ll2 = v6("fe80::2", 5),
				m = v6("::ffff:10.0.0.1", 6), p4 = v4("10.0.0.1", 7),
				lo = v4("127.0.0.1", 8), lo2 = v4("127.0.0.2", 9);

	(void)state;
	net_admit_init(&a, 32, 8, 0, NULL);
	TL_CHECK(!net_admit_add(&a, C(0), SA(s1), now), "s1 fits");
	TL_CHECK(!net_admit_add(&a, C(1), SA(ll1), now), "ll1 fits");
	TL_CHECK(!net_admit_add(&a, C(2), SA(m), now), "mapped fits");
	TL_CHECK(!net_admit_add(&a, C(3), SA(lo), now), "127.0.0.1 fits");
	TL_CHECK(!net_admit_add(&a, C(4), NULL, now), "no address fits");
	TL_EQ(net_admit_count_src(&a, SA(s2)), 1, "same /64 is the same source");
	TL_EQ(net_admit_count_src(&a, SA(s3)), 0, "another /64 is another");
	TL_EQ(net_admit_count_src(&a, SA(ll2)), 0,
	      "another link-local address is another source");
	TL_EQ(net_admit_count_src(&a, SA(p4)), 1,
	      "v4-mapped IPv6 and IPv4 are the same source");
	TL_EQ(net_admit_count_src(&a, SA(lo2)), 0,
	      "127.0.0.2 is not 127.0.0.1");
	TL_EQ(net_admit_count_src(&a, NULL), 1, "unknown is one source");
}

static void init_limits(void **state)
{
	struct net_admit a;
	char ip[32];
	int i;

	(void)state;
	net_admit_init(&a, 1000, 1000, 0, NULL);
	TL_EQ(a.max, NET_ADMIT_MAX, "max capped at NET_ADMIT_MAX");
	for (i = 0; i < NET_ADMIT_MAX; i++) {
		snprintf(ip, sizeof ip, "10.1.%d.%d", i / 200, i % 200 + 1);
		add4(&a, i, ip, -1);
	}
	add4(&a, NET_ADMIT_MAX, "10.9.9.9", 0);
	TL_EQ(net_admit_count(&a), NET_ADMIT_MAX, "never past NET_ADMIT_MAX");
	net_admit_init(&a, 0, 0, 0, NULL);
	add4(&a, 0, "10.0.0.1", -1);
	add4(&a, 1, "10.0.0.2", 0);
}

static void loglimit(void **state)
{
	struct net_loglimit l;
	uint64_t t = 1000000;
	int i, let = 0;

	(void)state;
	net_loglimit_init(&l, 10000, 3);
	for (i = 0; i < 100; i++)
		let += net_loglimit_take(&l, t + (uint64_t)i * 10);
	TL_EQ(let, 3, "lines let through in one window");
	TL_EQ(net_loglimit_flush(&l), 97, "lines held back");
	TL_EQ(net_loglimit_flush(&l), 0, "flush resets the count");
	TL_EQ(net_loglimit_take(&l, t + 9999), 0, "still the same window");
	TL_EQ(net_loglimit_take(&l, t + 10000), 1, "a new window");
	TL_EQ(net_loglimit_take(&l, t + 10001), 1, "its second line");
	TL_EQ(net_loglimit_take(&l, t + 10002), 1, "its third line");
	TL_EQ(net_loglimit_take(&l, t + 10003), 0, "its fourth is held");
	TL_EQ(net_loglimit_flush(&l), 2, "held back: 1 + 1");
	/* a window starts with its first line, not on a fixed grid */
	TL_EQ(net_loglimit_take(&l, t + 50000), 1, "after a quiet time");
	TL_EQ(net_loglimit_take(&l, t + 50001), 1, "its second line");
	TL_EQ(net_loglimit_take(&l, t + 50002), 1, "its third line");
	TL_EQ(net_loglimit_take(&l, t + 59999), 0, "10 s after its start");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fills_up_without_eviction),
		cmocka_unit_test(per_source_limit_evicts_own_oldest),
		cmocka_unit_test(full_pool_evicts_from_the_busiest_source),
		cmocka_unit_test(proven_go_last),
		cmocka_unit_test(unread_hello_is_spared),
		cmocka_unit_test(young_are_spared),
		cmocka_unit_test(trim_per_source),
		cmocka_unit_test(sources_v6_and_mapped),
		cmocka_unit_test(init_limits),
		cmocka_unit_test(loglimit),
	};

	return cmocka_run_group_tests_name("admit", tests, NULL, NULL);
}
