/*
 * test_recon.c - range-based reconciliation of version vectors
 * (net/recon.c).
 *
 * Two net_recon instances talk in memory.  Delivery is in lockstep: every
 * "step" delivers all messages in flight at once (both HELLOs travel in
 * the same step), so steps are one-way latencies and round trips are
 * ceil(steps / 2).  The property: after the exchange each side's sends
 * are exactly the true difference of the two vectors.
 */
#include <stdlib.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/frame.h"
#include "net/proto.h"
#include "net/recon.h"
#include "tests/testlib.h"

/* Hex of a key's first 8 bytes in one of 4 rotating buffers (messages);
 * local so the test links without tests/testlib.c. */
static const char *hex8(const uint8_t *p)
{
	static char bufs[4][17];
	static unsigned next;
	char *out = bufs[next++ % 4];

	crdt_hex(out, p, 8);
	return out;
}

/* ---- vectors ------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

static void rng_pk(uint64_t *s, uint8_t pk[32])
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t v = rng_next(s);

		memcpy(pk + 8 * i, &v, 8);
	}
}

static int cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct crdt_vv_entry *)a)->pk,
		      ((const struct crdt_vv_entry *)b)->pk, 32);
}

static void vec_alloc(struct crdt_vector *v, size_t cap)
{
	v->v = calloc(cap ? cap : 1, sizeof *v->v);
	v->n = 0;
	TL_CHECK(v->v != NULL, "expected memory for %zu entries", cap);
}

static void vec_add(struct crdt_vector *v, const uint8_t pk[32], uint64_t h)
{
	memcpy(v->v[v->n].pk, pk, 32);
	v->v[v->n].seq = h;
	v->n++;
}

static void vec_sort(struct crdt_vector *v)
{
	qsort(v->v, v->n, sizeof *v->v, cmp_entry);
}

static void vec_free(struct crdt_vector *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/*
 * A random pair: `shared` authors on both sides (a fraction with differing
 * heads), `only_a` / `only_b` authors on one side only.
 */
static void make_pair(uint64_t *s, size_t shared, size_t only_a,
		      size_t only_b, unsigned diff_pct, struct crdt_vector *a,
		      struct crdt_vector *b)
{
	uint8_t pk[32];
	size_t i;

	vec_alloc(a, shared + only_a);
	vec_alloc(b, shared + only_b);
	for (i = 0; i < shared; i++) {
		uint64_t h = 1 + rng_below(s, 1000), ha = h, hb = h;

		rng_pk(s, pk);
		if (rng_below(s, 100) < diff_pct) {
			if (rng_next(s) & 1)
				ha += 1 + rng_below(s, 5);
			else
				hb += 1 + rng_below(s, 5);
		}
		vec_add(a, pk, ha);
		vec_add(b, pk, hb);
	}
	for (i = 0; i < only_a; i++) {
		rng_pk(s, pk);
		vec_add(a, pk, 1 + rng_below(s, 1000));
	}
	for (i = 0; i < only_b; i++) {
		rng_pk(s, pk);
		vec_add(b, pk, 1 + rng_below(s, 1000));
	}
	vec_sort(a);
	vec_sort(b);
}

/* ---- running a pair ----------------------------------------------------- */

#define MAX_TRANSCRIPT 16

struct msg {
	int to_dialer; /* direction */
	int type;
	uint8_t *p;
	size_t n;
};

struct run {
	struct net_recon d, l;
	struct msg t[MAX_TRANSCRIPT]; /* every message, in delivery order */
	size_t nt;
	int steps;
	size_t msgs_to_l, msgs_to_d;
	uint64_t payload; /* both directions */
};

static void record(struct run *u, int to_dialer, int type,
		   const struct crdt_buf *b)
{
	struct msg *m;

	TL_CHECK(u->nt < MAX_TRANSCRIPT, "expected at most %d messages",
		 MAX_TRANSCRIPT);
	m = &u->t[u->nt++];
	m->to_dialer = to_dialer;
	m->type = type;
	m->n = b->len;
	m->p = malloc(b->len ? b->len : 1);
	TL_CHECK(m->p != NULL, "expected memory for a message");
	if (b->len)
		memcpy(m->p, b->data, b->len);
	u->payload += b->len;
	if (to_dialer)
		u->msgs_to_d++;
	else
		u->msgs_to_l++;
}

static void run_free(struct run *u)
{
	size_t i;

	for (i = 0; i < u->nt; i++)
		free(u->t[i].p);
	net_recon_release(&u->d);
	net_recon_release(&u->l);
}

/* Release a run and its two vectors. */
static void done3(struct run *u, struct crdt_vector *a, struct crdt_vector *b)
{
	run_free(u);
	vec_free(a);
	vec_free(b);
}

/*
 * Run a whole reconciliation of a (dialer) against b (listener).  Messages
 * of one step are those recorded since the previous step began.
 */
static void run_pair(struct run *u, const struct crdt_vector *a,
		     const struct crdt_vector *b)
{
	struct crdt_buf out;
	size_t from = 0, to, i;

	memset(u, 0, sizeof *u);
	net_recon_init(&u->d, 1, a);
	net_recon_init(&u->l, 0, b);
	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	TL_OK(net_recon_hello(&u->d, &out));
	record(u, 0, NET_MSG_HELLO, &out);
	TL_OK(net_recon_hello(&u->l, &out));
	record(u, 1, NET_MSG_HELLO, &out);
	while (from < u->nt) {
		to = u->nt;
		u->steps++;
		for (i = from; i < to; i++) {
			struct net_recon *r = u->t[i].to_dialer ? &u->d : &u->l;
			int type = 0;

			TL_OK(net_recon_recv(r, u->t[i].type, u->t[i].p,
					     u->t[i].n, &type, &out));
			if (type)
				record(u, !u->t[i].to_dialer, type, &out);
			else
				TL_EQ(out.len, 0, "no answer, empty out");
		}
		from = to;
	}
	crdt_buf_release(&out);
	TL_CHECK(net_recon_done(&u->d), "dialer: expected done when quiet");
	TL_CHECK(net_recon_done(&u->l), "listener: expected done when quiet");
	TL_EQ(u->d.bytes_out, u->l.bytes_in, "dialer out = listener in");
	TL_EQ(u->l.bytes_out, u->d.bytes_in, "listener out = dialer in");
	TL_EQ(u->d.rounds, u->msgs_to_l, "dialer rounds = messages it sent");
	TL_EQ(u->l.rounds, u->msgs_to_d, "listener rounds = messages sent");
}

static int cmp_send(const void *x, const void *y)
{
	const struct net_recon_send *a = x, *b = y;

	return memcmp(a->pk, b->pk, 32);
}

/* All sends of r, sorted by pk; *n gets how many. */
static struct net_recon_send *take_all(struct net_recon *r, size_t *n)
{
	struct net_recon_send *v = malloc((r->nsends + 1) * sizeof *v);
	size_t got = 0, k;

	TL_CHECK(v != NULL, "expected memory for sends");
	/* in odd-sized bites, to exercise partial takes */
	while ((k = net_recon_take_sends(r, v + got, 7)) > 0)
		got += k;
	TL_EQ(r->nsends, 0, "every send taken");
	qsort(v, got, sizeof *v, cmp_send);
	*n = got;
	return v;
}

/* What `mine` must send to `peer`: for each author where we are ahead. */
static struct net_recon_send *truth(const struct crdt_vector *mine,
				    const struct crdt_vector *peer, size_t *n)
{
	struct net_recon_send *v = malloc((mine->n + 1) * sizeof *v);
	size_t i;

	TL_CHECK(v != NULL, "expected memory for sends");
	*n = 0;
	for (i = 0; i < mine->n; i++) {
		uint64_t ph = crdt_vector_get(peer, mine->v[i].pk);

		if (mine->v[i].seq > ph) {
			memcpy(v[*n].pk, mine->v[i].pk, 32);
			v[*n].from = ph + 1;
			v[*n].to = mine->v[i].seq;
			(*n)++;
		}
	}
	return v;
}

static void check_sends(struct net_recon *r, const struct crdt_vector *mine,
			const struct crdt_vector *peer, const char *who,
			uint64_t seed)
{
	size_t ng, nw, i;
	struct net_recon_send *got = take_all(r, &ng);
	struct net_recon_send *want = truth(mine, peer, &nw);

	TL_CHECK(ng == nw, "seed %llu %s: expected %zu sends, got %zu",
		 (unsigned long long)seed, who, nw, ng);
	for (i = 0; i < nw; i++)
		TL_CHECK(!memcmp(got[i].pk, want[i].pk, 32) &&
				 got[i].from == want[i].from &&
				 got[i].to == want[i].to,
			 "seed %llu %s send %zu: expected %s %llu..%llu, got "
			 "%s %llu..%llu",
			 (unsigned long long)seed, who, i,
			 hex8(want[i].pk), (unsigned long long)want[i].from,
			 (unsigned long long)want[i].to, hex8(got[i].pk),
			 (unsigned long long)got[i].from,
			 (unsigned long long)got[i].to);
	free(got);
	free(want);
}

/* ---- tests ------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	return crdt_crypto_init();
}

static void in_sync_is_one_message_each_way(void **state)
{
	static const size_t sizes[] = {0, 1, 7, 100, 5000, 20000};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint64_t s = 42 + i, framed;
		struct crdt_vector a, b;
		struct run u;

		make_pair(&s, sizes[i], 0, 0, 0, &a, &b);
		run_pair(&u, &a, &b);
		framed = u.payload + 2 * (NET_FRAME_OVERHEAD + 1);
		TL_EQ(u.msgs_to_l, 1, "in sync: messages dialer -> listener");
		TL_EQ(u.msgs_to_d, 1, "in sync: messages listener -> dialer");
		TL_EQ(u.steps, 1, "in sync: one step (one round trip)");
		TL_CHECK(framed <= 100,
			 "in sync, n=%zu: expected <= 100 bytes framed, got "
			 "%llu", sizes[i], (unsigned long long)framed);
		TL_CHECK(u.d.in_sync && u.l.in_sync, "n=%zu: expected in_sync",
			 sizes[i]);
		TL_EQ(u.d.nsends + u.l.nsends, 0, "in sync: no sends");
		done3(&u, &a, &b);
	}
}

static void F_follows_the_larger_side(void **state)
{
	static const struct {
		size_t n;
		unsigned F;
	} cases[] = {
		{0, 1},	    {5, 1},	  {6, 1},     {13, 1}, {14, 2},
		{121, 4},   {122, 5},	  {150, 5},   {10000, 41},
		{24193, 63}, {24194, 64}, {200000, 64},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t s = 7;
		struct crdt_vector a, b;
		struct run u;

		/* one extra author on the dialer only: never in sync */
		make_pair(&s, 0, 1, cases[i].n, 0, &a, &b);
		run_pair(&u, &a, &b);
		TL_EQ(u.d.F, cases[i].F, "F on the dialer");
		TL_EQ(u.l.F, cases[i].F, "F on the listener");
		done3(&u, &a, &b);
	}
}

/* The leaf of a key, as recon.h defines it. */
static uint32_t leaf_of(const uint8_t pk[32], unsigned F)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | pk[i];
	return (uint32_t)(((unsigned __int128)v * (F * F)) >> 64);
}

/* The listener answered ENTRIES exactly for the differing buckets where it
 * holds at most max(8, F) authors, and both sides agree on the kinds. */
static void check_kinds(const struct run *u, const struct crdt_vector *b,
			uint64_t seed)
{
	unsigned k, F = u->l.F, lim = F > 8 ? F : 8;
	size_t i, count[64] = {0};

	if (u->l.in_sync)
		return;
	for (i = 0; i < b->n; i++)
		count[leaf_of(b->v[i].pk, F) / F]++;
	for (k = 0; k < F; k++) {
		TL_CHECK(u->l.sub[k] == u->d.sub[k],
			 "seed %llu bucket %u: expected both sides to agree "
			 "on its kind", (unsigned long long)seed, k);
		if (u->l.sub[k])
			TL_CHECK(u->l.sub[k] == (count[k] <= lim ? 1 : 2),
				 "seed %llu bucket %u holding %zu (F %u): "
				 "expected %s", (unsigned long long)seed, k,
				 count[k], F,
				 count[k] <= lim ? "ENTRIES" : "SUB");
	}
}

/* One random case. */
static void random_case(uint64_t seed, int swap)
{
	uint64_t s = seed;
	size_t shared, only_a, only_b;
	unsigned pct;
	struct crdt_vector a, b;
	struct run u;

	switch (rng_below(&s, 6)) {
	case 0: /* small */
		shared = rng_below(&s, 40);
		only_a = rng_below(&s, 10);
		only_b = rng_below(&s, 10);
		break;
	case 1: /* disjoint */
		shared = 0;
		only_a = rng_below(&s, 3000);
		only_b = rng_below(&s, 3000);
		break;
	case 2: /* one side empty */
		shared = 0;
		only_a = rng_below(&s, 5001);
		only_b = 0;
		break;
	default: /* mostly shared, a few differences */
		shared = rng_below(&s, 5001);
		only_a = rng_below(&s, 20);
		only_b = rng_below(&s, 20);
		break;
	}
	pct = (unsigned)rng_below(&s, 4) == 0 ? (unsigned)rng_below(&s, 101)
					      : (unsigned)rng_below(&s, 3);
	if (swap) {
		size_t t = only_a;

		only_a = only_b;
		only_b = t;
	}
	make_pair(&s, shared, only_a, only_b, pct, &a, &b);
	run_pair(&u, &a, &b);
	check_kinds(&u, &b, seed);
	check_sends(&u.d, &a, &b, "dialer", seed);
	check_sends(&u.l, &b, &a, "listener", seed);
	TL_CHECK(u.steps <= 5,
		 "seed %llu: expected <= 5 steps (3 round trips), got %d",
		 (unsigned long long)seed, u.steps);
	TL_CHECK(u.msgs_to_l <= 3 && u.msgs_to_d <= 3,
		 "seed %llu: expected <= 3 messages each way, got %zu / %zu",
		 (unsigned long long)seed, u.msgs_to_l, u.msgs_to_d);
	done3(&u, &a, &b);
}

static void sends_are_exactly_the_difference(void **state)
{
	uint64_t seed;

	(void)state;
	for (seed = 1; seed <= 300; seed++)
		random_case(seed, (int)(seed & 1));
}

/* Two authors sharing their first 8 key bytes, both held by both sides:
 * never a missing send, at worst an early `from`.  Both key orders, so
 * the lower of two equal-prefix heads must count whichever comes first. */
static void shared_prefix_never_loses_a_send(void **state)
{
	int order;

	(void)state;
	for (order = 0; order < 2; order++) {
		uint64_t s = 99;
		struct crdt_vector a, b;
		struct run u;
		size_t i, j;
		uint8_t pk[32];

		make_pair(&s, 50, 0, 0, 0, &a, &b);
		a.v = realloc(a.v, (a.n + 2) * sizeof *a.v);
		b.v = realloc(b.v, (b.n + 2) * sizeof *b.v);
		TL_CHECK(a.v && b.v, "expected memory");
		rng_pk(&s, pk);
		pk[31] = order ? 0xff : 0; /* X before or after Y */
		vec_add(&a, pk, 5);
		vec_add(&b, pk, 9);
		pk[31] = 0x80;
		vec_add(&a, pk, 7);
		vec_add(&b, pk, 3);
		vec_sort(&a);
		vec_sort(&b);
		run_pair(&u, &a, &b);
		for (j = 0; j < 2; j++) {
			struct net_recon *r = j ? &u.l : &u.d;
			size_t ng, nw, g = 0;
			struct net_recon_send *got = take_all(r, &ng);
			struct net_recon_send *want =
				truth(j ? &b : &a, j ? &a : &b, &nw);

			/* both sorted by pk: every wanted send is covered */
			for (i = 0; i < nw; i++) {
				while (g < ng &&
				       memcmp(got[g].pk, want[i].pk, 32) < 0)
					g++;
				TL_CHECK(g < ng &&
						 !memcmp(got[g].pk, want[i].pk,
							 32) &&
						 got[g].from <= want[i].from &&
						 got[g].to == want[i].to,
					 "order %d %s: expected a send of %s "
					 "from <= %llu", order,
					 j ? "listener" : "dialer",
					 hex8(want[i].pk),
					 (unsigned long long)want[i].from);
			}
			free(got);
			free(want);
		}
		done3(&u, &a, &b);
	}
}

/* Messages that reach each side before message i of transcript t. */
static void replay_to(struct net_recon *r, const struct run *t, size_t upto,
		      int to_dialer)
{
	struct crdt_buf out;
	size_t i;

	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	for (i = 0; i < upto; i++) {
		int type;

		if (t->t[i].to_dialer != to_dialer)
			continue;
		TL_OK(net_recon_recv(r, t->t[i].type, t->t[i].p, t->t[i].n,
				     &type, &out));
	}
	crdt_buf_release(&out);
}

/* Feed p[0..n) as message i's type to a side replayed up to message i. */
static int feed(const struct run *t, size_t i, const struct crdt_vector *a,
		const struct crdt_vector *b, int type, const uint8_t *p,
		size_t n)
{
	struct net_recon r;
	struct crdt_buf out;
	int to_dialer = t->t[i].to_dialer, rc, out_type = -1, rc2, ot2;

	net_recon_init(&r, to_dialer, to_dialer ? a : b);
	replay_to(&r, t, i, to_dialer);
	crdt_buf_init(&out, NET_RECON_MAX_MSG);
	rc = net_recon_recv(&r, type, p, n, &out_type, &out);
	if (rc) {
		TL_EQ(out_type, 0, "no answer after an error");
		TL_EQ(out.len, 0, "empty out after an error");
		/* sticky: a correct message no longer helps */
		rc2 = net_recon_recv(&r, t->t[i].type, t->t[i].p, t->t[i].n,
				     &ot2, &out);
		TL_RC(rc2, KITH_EDECODE);
	}
	crdt_buf_release(&out);
	net_recon_release(&r);
	return rc;
}

/* A transcript with every message kind: SUB and ENTRIES buckets. */
static void full_transcript(struct run *u, struct crdt_vector *a,
			    struct crdt_vector *b)
{
	uint64_t s = 5;
	size_t i;
	int types = 0;

	make_pair(&s, 3000, 400, 5, 2, a, b);
	run_pair(u, a, b);
	for (i = 0; i < u->nt; i++)
		types |= 1 << u->t[i].type;
	TL_CHECK(types == (1 << NET_MSG_HELLO | 1 << NET_MSG_RECON1 |
			   1 << NET_MSG_RECON2 | 1 << NET_MSG_RECON3 |
			   1 << NET_MSG_RECON4),
		 "expected every message type in the transcript, got %#x",
		 types);
}

static void truncated_messages_are_rejected(void **state)
{
	struct crdt_vector a, b;
	struct run u;
	size_t i, k;

	(void)state;
	full_transcript(&u, &a, &b);
	for (i = 0; i < u.nt; i++) {
		size_t step = u.t[i].n > 400 ? u.t[i].n / 200 : 1;

		for (k = 0; k < u.t[i].n; k += step)
			TL_CHECK(feed(&u, i, &a, &b, u.t[i].type, u.t[i].p,
				      k) == KITH_EDECODE,
				 "message %zu (type %d) cut to %zu of %zu "
				 "bytes: expected EDECODE",
				 i, u.t[i].type, k, u.t[i].n);
		/* and the last byte, and one byte too many */
		TL_RC(feed(&u, i, &a, &b, u.t[i].type, u.t[i].p,
			   u.t[i].n - 1),
		      KITH_EDECODE);
		{
			uint8_t *p = malloc(u.t[i].n + 1);

			TL_CHECK(p != NULL, "expected memory");
			memcpy(p, u.t[i].p, u.t[i].n);
			p[u.t[i].n] = 0;
			TL_RC(feed(&u, i, &a, &b, u.t[i].type, p,
				   u.t[i].n + 1),
			      KITH_EDECODE);
			free(p);
		}
		/* the untouched message is fine */
		TL_OK(feed(&u, i, &a, &b, u.t[i].type, u.t[i].p, u.t[i].n));
	}
	done3(&u, &a, &b);
}

static void mutated_messages_never_crash(void **state)
{
	struct crdt_vector a, b;
	struct run u;
	uint64_t s = 1234;
	size_t i, k;

	(void)state;
	full_transcript(&u, &a, &b);
	for (i = 0; i < u.nt; i++) {
		for (k = 0; k < 60; k++) {
			uint8_t *p = malloc(u.t[i].n + 1);
			size_t flips = 1 + rng_below(&s, 4), f;
			int rc;

			TL_CHECK(p != NULL, "expected memory");
			memcpy(p, u.t[i].p, u.t[i].n);
			for (f = 0; f < flips && u.t[i].n; f++)
				p[rng_below(&s, u.t[i].n)] ^=
					(uint8_t)(1 + rng_below(&s, 255));
			rc = feed(&u, i, &a, &b, u.t[i].type, p, u.t[i].n);
			TL_CHECK(rc == 0 || rc == KITH_EDECODE,
				 "message %zu mutated: expected 0 or EDECODE, "
				 "got %d", i, rc);
			free(p);
		}
	}
	done3(&u, &a, &b);
}

/*
 * MSG(&m, v, ...): reset m and write a message: each value is a varint
 * (kinds 0/1 and small counts are one byte, the same as u8), except that
 * KEY(x) writes the 8-byte key prefix x big-endian.
 */
#define END UINT64_MAX
#define KEY(x) (END - 1), (x)
#define MSG(m, ...) msg_((m), (const uint64_t[]){__VA_ARGS__, END})
static void msg_(struct crdt_buf *m, const uint64_t *v)
{
	crdt_buf_reset(m);
	for (; *v != END; v++) {
		if (*v == END - 1) {
			uint8_t k[8];
			int i;

			v++;
			for (i = 0; i < 8; i++)
				k[i] = (uint8_t)(*v >> (56 - 8 * i));
			TL_OK(crdt_buf_put(m, k, 8));
		} else {
			TL_OK(crdt_buf_put_varint(m, *v));
		}
	}
}

/* Index of the first message of this type in the transcript. */
static size_t find_msg(const struct run *u, int type)
{
	size_t i;

	for (i = 0; i < u->nt && u->t[i].type != type; i++)
		;
	TL_CHECK(i < u->nt, "expected a message of type %d", type);
	return i;
}

static void huge_counts_are_rejected(void **state)
{
	struct crdt_vector a, b;
	struct run u;
	struct crdt_buf m;
	size_t k, r2, r3, r4;
	unsigned F, bk;

	(void)state;
	full_transcript(&u, &a, &b);
	F = u.d.F;
	TL_EQ(F, 24, "F for 3400 authors");
	r2 = find_msg(&u, NET_MSG_RECON2);
	r3 = find_msg(&u, NET_MSG_RECON3);
	r4 = find_msg(&u, NET_MSG_RECON4);
	crdt_buf_init(&m, 1 << 16);

#define BAD(idx, type)                                                        \
	TL_RC(feed(&u, (idx), &a, &b, (type), m.data, m.len), KITH_EDECODE)
	/* RECON2: 2^60 buckets; an ENTRIES bucket of 2^62 entries; a bucket
	 * past F; kind 2; a repeated bucket; an entry outside its bucket
	 * (key ff.. is in the last one); keys out of order */
	MSG(&m, 1ull << 60);
	BAD(r2, NET_MSG_RECON2);
	MSG(&m, 1, 0, 0, 1ull << 62, KEY(1), 1);
	BAD(r2, NET_MSG_RECON2);
	MSG(&m, 1, (uint64_t)F, 0, 0);
	BAD(r2, NET_MSG_RECON2);
	MSG(&m, 1, 0, 2, 0);
	BAD(r2, NET_MSG_RECON2);
	MSG(&m, 2, 0, 0, 0, 0, 0, 0);
	BAD(r2, NET_MSG_RECON2);
	MSG(&m, 1, 0, 0, 1, KEY(UINT64_MAX), 1);
	BAD(r2, NET_MSG_RECON2);
	MSG(&m, 1, 0, 0, 2, KEY(2), 1, KEY(1), 1);
	BAD(r2, NET_MSG_RECON2);
	/* one ENTRIES bucket with an empty list is well formed */
	MSG(&m, 1, 0, 0, 0);
	TL_OK(feed(&u, r2, &a, &b, NET_MSG_RECON2, m.data, m.len));

	/* RECON3 (every bucket is SUB here: the listener holds ~125 authors
	 * a bucket): 2^40 leaves; a leaf of 2^50 entries */
	for (bk = 0; bk < F; bk++)
		TL_EQ(u.l.sub[bk], 2, "every bucket SUB here");
	MSG(&m, 1ull << 40);
	BAD(r3, NET_MSG_RECON3);
	MSG(&m, 1, 0, 1ull << 50);
	BAD(r3, NET_MSG_RECON3);
	/* one leaf named twice; the same with two leaves is well formed */
	for (k = 0; k < 2; k++) {
		MSG(&m, 2, 0, 0, (uint64_t)k, 0);
		for (bk = 1; bk < F; bk++)
			TL_OK(crdt_buf_put_varint(&m, 0));
		TL_RC(feed(&u, r3, &a, &b, NET_MSG_RECON3, m.data, m.len),
		      k ? 0 : KITH_EDECODE);
	}

	/* RECON4: one head where many are due; a varint past 64 bits; a
	 * non-canonical varint */
	MSG(&m, 1ull << 50);
	BAD(r4, NET_MSG_RECON4);
	crdt_buf_reset(&m);
	TL_OK(crdt_buf_put(&m, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
			   10));
	BAD(r4, NET_MSG_RECON4);
	crdt_buf_reset(&m);
	TL_OK(crdt_buf_put(&m, "\x80\x00", 2));
	BAD(r4, NET_MSG_RECON4);
#undef BAD
	crdt_buf_release(&m);
	done3(&u, &a, &b);
}

static void wrong_order_and_version_are_rejected(void **state)
{
	struct crdt_vector a, b;
	struct run u;
	struct crdt_buf out;
	struct net_recon r;
	uint8_t hello[64];
	size_t hn, i;
	int type, t;

	(void)state;
	full_transcript(&u, &a, &b);
	crdt_buf_init(&out, NET_RECON_MAX_MSG);

	/* bad version, every other byte kept */
	TL_CHECK(u.t[0].type == NET_MSG_HELLO && u.t[0].n < sizeof hello,
		 "expected the dialer's HELLO first");
	hn = u.t[0].n;
	memcpy(hello, u.t[0].p, hn);
	for (i = 0; i < 256; i++) {
		if (i == NET_PROTO_VERSION)
			continue;
		hello[0] = (uint8_t)i;
		TL_RC(feed(&u, 0, &a, &b, NET_MSG_HELLO, hello, hn),
		      KITH_EDECODE);
	}
	/* any message but HELLO first, on both sides */
	for (t = 0; t <= 12; t++) {
		if (t == NET_MSG_HELLO)
			continue;
		TL_RC(feed(&u, 0, &a, &b, t, u.t[0].p, u.t[0].n),
		      KITH_EDECODE);
		TL_RC(feed(&u, 1, &a, &b, t, u.t[1].p, u.t[1].n),
		      KITH_EDECODE);
	}
	/* each message to the wrong side, or twice, or out of turn */
	for (i = 2; i < u.nt; i++) {
		size_t j;

		for (t = NET_MSG_HELLO; t <= NET_MSG_RECON4; t++)
			if (t != u.t[i].type)
				TL_RC(feed(&u, i, &a, &b, t, u.t[i].p,
					   u.t[i].n),
				      KITH_EDECODE);
		for (j = 0; j < u.nt; j++)
			if (u.t[j].to_dialer != u.t[i].to_dialer &&
			    u.t[j].type != NET_MSG_HELLO)
				TL_RC(feed(&u, i, &a, &b, u.t[j].type,
					   u.t[j].p, u.t[j].n),
				      KITH_EDECODE);
	}
	/* after done (both sides), nothing more is accepted */
	for (t = 0; t < 2; t++) {
		net_recon_init(&r, t, t ? &a : &b);
		replay_to(&r, &u, u.nt, t);
		TL_CHECK(net_recon_done(&r), "expected done after the replay");
		TL_RC(net_recon_recv(&r, NET_MSG_HELLO, u.t[0].p, u.t[0].n,
				     &type, &out),
		      KITH_EDECODE);
		net_recon_release(&r);
	}
	/* a HELLO after an in-sync HELLO */
	net_recon_init(&r, 1, &a);
	TL_OK(net_recon_hello(&r, &out));
	memcpy(hello, out.data, out.len);
	hn = out.len;
	TL_OK(net_recon_recv(&r, NET_MSG_HELLO, hello, hn, &type, &out));
	TL_CHECK(net_recon_done(&r) && type == 0,
		 "equal HELLO: expected done without an answer");
	TL_RC(net_recon_recv(&r, NET_MSG_HELLO, hello, hn, &type, &out),
	      KITH_EDECODE);
	net_recon_release(&r);
	/* oversized input, without reading it */
	net_recon_init(&r, 0, &b);
	TL_RC(net_recon_recv(&r, NET_MSG_HELLO, hello,
			     (size_t)NET_RECON_MAX_MSG + 1, &type, &out),
	      KITH_EDECODE);
	net_recon_release(&r);
	crdt_buf_release(&out);
	done3(&u, &a, &b);
}

/* Without SUB buckets RECON4 is omitted and both sides still finish. */
static void no_sub_bucket_finishes_without_recon4(void **state)
{
	uint64_t s = 11;
	struct crdt_vector a, b;
	struct run u;
	size_t i;

	(void)state;
	/* the listener empty: every differing bucket is ENTRIES */
	make_pair(&s, 0, 2000, 0, 0, &a, &b);
	run_pair(&u, &a, &b);
	for (i = 0; i < u.nt; i++)
		TL_CHECK(u.t[i].type != NET_MSG_RECON4,
			 "no SUB bucket: expected no RECON4");
	TL_EQ(u.steps, 4, "HELLO, RECON1, RECON2, RECON3");
	check_sends(&u.d, &a, &b, "dialer", 11);
	check_sends(&u.l, &b, &a, "listener", 11);
	done3(&u, &a, &b);
	/* the dialer empty: SUB buckets, RECON4 carries everything */
	make_pair(&s, 0, 0, 2000, 0, &a, &b);
	run_pair(&u, &a, &b);
	TL_EQ(u.steps, 5, "HELLO, RECON1..4");
	check_sends(&u.d, &a, &b, "dialer", 12);
	check_sends(&u.l, &b, &a, "listener", 12);
	done3(&u, &a, &b);
}

/* A reply that does not fit the caller's buffer is TOOBIG, not a crash. */
static void small_out_buffer_is_toobig(void **state)
{
	struct crdt_vector a, b;
	struct run u;
	struct net_recon r;
	struct crdt_buf out;
	int type;

	(void)state;
	full_transcript(&u, &a, &b);
	net_recon_init(&r, 1, &a);
	crdt_buf_init(&out, 32);
	TL_RC(net_recon_recv(&r, u.t[1].type, u.t[1].p, u.t[1].n, &type,
			     &out),
	      KITH_ETOOBIG);
	TL_EQ(type, 0, "no answer on TOOBIG");
	crdt_buf_release(&out);
	net_recon_release(&r);
	done3(&u, &a, &b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_sync_is_one_message_each_way),
		cmocka_unit_test(F_follows_the_larger_side),
		cmocka_unit_test(sends_are_exactly_the_difference),
		cmocka_unit_test(shared_prefix_never_loses_a_send),
		cmocka_unit_test(no_sub_bucket_finishes_without_recon4),
		cmocka_unit_test(truncated_messages_are_rejected),
		cmocka_unit_test(mutated_messages_never_crash),
		cmocka_unit_test(huge_counts_are_rejected),
		cmocka_unit_test(wrong_order_and_version_are_rejected),
		cmocka_unit_test(small_out_buffer_is_toobig),
	};

	return cmocka_run_group_tests_name("recon", tests, group_setup, NULL);
}
