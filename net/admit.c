#include <netinet/in.h>
#include <string.h>

#include "admit.h"

/* The source a connection is counted under (see admit.h). */
static void src_key(uint8_t key[16], const struct sockaddr *sa)
{
	memset(key, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)sa;

		key[10] = key[11] = 0xff; /* ::ffff:a.b.c.d, as v4-mapped */
		memcpy(key + 12, &a->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)sa;
		const uint8_t *b = a->sin6_addr.s6_addr;
		int v4mapped = IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
		int linklocal = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;

		memcpy(key, b, v4mapped || linklocal ? 16 : 8);
	} else {
		key[0] = 0xff; /* unknown: one source, outside both ranges */
		key[15] = 0x01;
	}
}

void net_admit_init(struct net_admit *a, unsigned max, unsigned per_src,
		    uint64_t grace_ms, int (*waiting)(void *conn))
{
	memset(a, 0, sizeof *a);
	a->grace_ms = grace_ms;
	a->waiting = waiting;
	a->max = max > NET_ADMIT_MAX ? NET_ADMIT_MAX : max ? max : 1;
	a->per_src = per_src ? per_src : 1;
}

static unsigned count_key(const struct net_admit *a, const uint8_t key[16])
{
	unsigned i, n = 0;

	for (i = 0; i < a->n; i++)
		n += !memcmp(a->e[i].src, key, 16); /* addresses, not secrets */
	return n;
}

static void remove_at(struct net_admit *a, unsigned i)
{
	a->e[i] = a->e[--a->n];
	memset(&a->e[a->n], 0, sizeof a->e[0]);
}

static int young(const struct net_admit *a, const struct net_admit_entry *e,
		 uint64_t now)
{
	return now - e->since_ms < a->grace_ms;
}

/* The first candidate to evict among those from key (or all when key is
 * NULL), in the order admit.h gives. */
static int pick(const struct net_admit *a, const uint8_t *key, uint64_t now)
{
	int best = -1;
	unsigned i, best_count = 0;

	for (i = 0; i < a->n; i++) {
		const struct net_admit_entry *e = &a->e[i];
		unsigned cnt;

		if (key && memcmp(e->src, key, 16))
			continue;
		cnt = key ? 0 : count_key(a, e->src);
		if (best >= 0) {
			const struct net_admit_entry *b = &a->e[best];

			if (e->rank != b->rank) {
				if (e->rank > b->rank)
					continue;
			} else if (young(a, e, now) != young(a, b, now)) {
				if (young(a, e, now))
					continue;
			} else if (cnt != best_count) {
				if (cnt < best_count)
					continue;
			} else if (e->seq > b->seq) {
				continue;
			}
		}
		best = (int)i;
		best_count = cnt;
	}
	return best;
}

/* pick(), after asking the hook about unproven ones it would choose:
 * each is asked once at most, so this ends within n rounds.  With
 * any == 0, only an unproven connection past its grace, else -1. */
static int victim(struct net_admit *a, const uint8_t *key, uint64_t now,
		  int any)
{
	unsigned round;
	int v = -1;

	for (round = 0; round <= a->n; round++) {
		v = pick(a, key, now);
		if (v < 0 || a->e[v].rank || !a->waiting ||
		    !a->waiting(a->e[v].conn))
			break;
		a->e[v].rank = 1;
	}
	if (v >= 0 && !any && (a->e[v].rank || young(a, &a->e[v], now)))
		return -1;
	return v;
}

void *net_admit_add(struct net_admit *a, void *conn, const struct sockaddr *src,
		    uint64_t now_ms)
{
	uint8_t key[16];
	void *out = NULL;
	int v = -1;

	src_key(key, src);
	if (count_key(a, key) >= a->per_src)
		v = victim(a, key, now_ms, 0);
	if (v < 0 && a->n >= a->max)
		v = victim(a, NULL, now_ms, 0);
	if (v < 0 && a->n >= NET_ADMIT_MAX)
		v = victim(a, NULL, now_ms, 1);
	if (v >= 0) {
		out = a->e[v].conn;
		remove_at(a, (unsigned)v);
	}
	if (a->n >= NET_ADMIT_MAX) /* cannot happen; never write past */
		return conn;
	a->e[a->n].conn = conn;
	memcpy(a->e[a->n].src, key, 16);
	a->e[a->n].seq = a->next_seq++;
	a->e[a->n].since_ms = now_ms;
	a->e[a->n].rank = 0;
	a->n++;
	return out;
}

void *net_admit_trim(struct net_admit *a, uint64_t now_ms)
{
	void *out;
	unsigned i;
	int v = -1;

	for (i = 0; v < 0 && i < a->n; i++)
		if (count_key(a, a->e[i].src) > a->per_src)
			v = victim(a, a->e[i].src, now_ms, 0);
	if (v < 0 && a->n > a->max)
		v = victim(a, NULL, now_ms, 0);
	if (v < 0)
		return NULL;
	out = a->e[v].conn;
	remove_at(a, (unsigned)v);
	return out;
}

void net_admit_proven(struct net_admit *a, void *conn)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (a->e[i].conn == conn)
			a->e[i].rank = 2;
}

int net_admit_remove(struct net_admit *a, void *conn)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (a->e[i].conn == conn) {
			remove_at(a, i);
			return 1;
		}
	return 0;
}

unsigned net_admit_count(const struct net_admit *a)
{
	return a->n;
}

unsigned net_admit_count_src(const struct net_admit *a,
			     const struct sockaddr *src)
{
	uint8_t key[16];

	src_key(key, src);
	return count_key(a, key);
}

/* ---- log limit ---------------------------------------------------------- */

void net_loglimit_init(struct net_loglimit *l, uint64_t interval_ms,
		       unsigned burst)
{
	memset(l, 0, sizeof *l);
	l->interval_ms = interval_ms;
	l->burst = burst;
}

int net_loglimit_take(struct net_loglimit *l, uint64_t now_ms)
{
	if (!l->used || now_ms - l->window_start >= l->interval_ms) {
		l->window_start = now_ms;
		l->used = 0;
	}
	if (l->used < l->burst) {
		l->used++;
		return 1;
	}
	l->suppressed++;
	return 0;
}

uint64_t net_loglimit_flush(struct net_loglimit *l)
{
	uint64_t n = l->suppressed;

	l->suppressed = 0;
	return n;
}
