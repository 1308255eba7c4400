/*
 * test_shs.c - the session handshake (net/shs.c): a full handshake in
 * memory, fixed vectors for every message and key, and every way it must
 * fail: another community's key, a flipped bit anywhere, replayed messages,
 * reflected hellos, a claimed identity without its secret key, and calls
 * out of order.
 *
 * Everything is deterministic: the community key, the identities and the
 * ephemeral seeds are fixed byte patterns (not testlib's seeds, so that the
 * vectors change only when the handshake does).
 */
#include <stdio.h>
#include <string.h>

#include "crdt/codec.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/shs.h"
#include "tests/testlib.h"

/* Byte patterns: p[i] = base + i. */
#define K_BASE 0x10
#define K2_BASE 0x11 /* another community */
#define ID_C 0x20    /* client identity seed */
#define ID_S 0x40    /* server identity seed */
#define ID_X 0x30    /* a third member */
#define EPH_A 0x60   /* client ephemeral seed */
#define EPH_B 0x80   /* server ephemeral seed */
#define EPH_B2 0x90  /* another server ephemeral seed */

/*
 * Fixed vectors for K = 10 11 .. 2f, client identity seed 20 .. 3f, server
 * identity seed 40 .. 5f, ephemeral seeds 60 .. 7f (client) and 80 .. 9f
 * (server).  Computed once by this implementation and checked against an
 * independent re-implementation of shs.h's description (Python: hashlib,
 * hmac, the cryptography package and a hand-written XSalsa20-Poly1305).
 * Any change to the handshake (labels, hashing order, key derivation)
 * changes them, which is the point: it would no longer talk to deployed
 * peers.
 */
static const char vec_m1[] =
	"675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f"
	"b99e37fb3a3067fe84c3313482eb55ae85035a0fd7b6e8df2d169e798858892f";
static const char vec_m2[] =
	"493e82fc74464a59268817623d2053c5eb8e2cc4a988b4fee179ec6b010d531d"
	"39522e6f2f23b3ee39602742230f77ea8d85509481639a73e2fe344aa9098423";
static const char vec_m3[] =
	"ecf4ce2b8465e1987e9fdc0c3b8626733e4f3eb8d35ae841177fd85cb4c020db"
	"5f9d9eabd83fffe385391c398da5cf325e905ac11e5b546f4b1cb90204630024"
	"a174c9664124b0e8ca8c61f5241b95964771829bd8eacabf29c7ef23dd856d45"
	"e04bd07999ebda29d6274aae695ab08d";
static const char vec_m4[] =
	"31471da03d24d23c96b2100e35c41852b9c563019c70cc76f3ea73c249789a98"
	"c5487659f3c7a384ea0b71f249c19f4a8da35912884d4e953d852b9e25f98973"
	"e1d229e5c140804ddd7effe4445bd18911599a05feb7a2f0853a14a42db11de7"
	"c06687a2527760cc5866e39b1b8f3bdf";
static const char vec_c2s[] =
	"2b2cdb77503acca928b16b36cccb49b7dd7cbbce70841bf1f8bf414fcc71717d";
static const char vec_s2c[] =
	"417c38a9900fb2b62b9a6cccc960661e817e6bf000251551ea30352705b95543";
static const char vec_client_pk[] =
	"29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7";
static const char vec_server_pk[] =
	"2543b92ff1095511476adc8369db6ddc933665a11978dda1404ee1066ca9559d";

struct msgs {
	uint8_t m1[NET_SHS_MSG1], m2[NET_SHS_MSG2];
	uint8_t m3[NET_SHS_MSG3], m4[NET_SHS_MSG4];
	struct net_shs_result cr, sr; /* client's and server's results */
};

static void pattern(uint8_t *p, size_t n, uint8_t base)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(base + i);
}

static void identity(struct crdt_identity *id, uint8_t base)
{
	uint8_t seed[32];

	pattern(seed, sizeof seed, base);
	TL_OK(crdt_identity_from_seed(id, seed));
}

static void shs_init(struct net_shs *h, enum net_shs_role role,
		     uint8_t k_base, const struct crdt_identity *me,
		     uint8_t eph_base)
{
	uint8_t K[CRDT_KEY_LEN], eph[32];

	pattern(K, sizeof K, k_base);
	pattern(eph, sizeof eph, eph_base);
	net_shs_init(h, role, K, me, eph);
}

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}

/* A dead or finished state holds no secret. */
static void check_wiped(const struct net_shs *h, const char *what)
{
	TL_CHECK(all_zero(h->K, sizeof h->K), "%s: expected K wiped", what);
	TL_CHECK(all_zero(h->eph_sk, sizeof h->eph_sk),
		 "%s: expected the ephemeral secret wiped", what);
	TL_CHECK(all_zero(h->ab, sizeof h->ab) &&
			 all_zero(h->x1, sizeof h->x1) &&
			 all_zero(h->x2, sizeof h->x2),
		 "%s: expected the shared secrets wiped", what);
}

static void check_dead(struct net_shs *h, const char *what)
{
	TL_EQ(h->step == -1, 1, what);
	check_wiped(h, what);
}

/* The whole handshake, every step expected to succeed. */
static void handshake(uint8_t k_base, const struct crdt_identity *c,
		      uint8_t a_base, const struct crdt_identity *s,
		      uint8_t b_base, struct msgs *m)
{
	struct net_shs hc, hs;

	shs_init(&hc, NET_SHS_CLIENT, k_base, c, a_base);
	shs_init(&hs, NET_SHS_SERVER, k_base, s, b_base);
	net_shs_client_hello(&hc, m->m1);
	TL_OK(net_shs_server_hello(&hs, m->m1, m->m2));
	TL_OK(net_shs_client_auth(&hc, m->m2, m->m3));
	TL_OK(net_shs_server_accept(&hs, m->m3, m->m4, &m->sr));
	TL_OK(net_shs_client_finish(&hc, m->m4, &m->cr));
	TL_EQ(hc.step, 4, "client step after finish");
	TL_EQ(hs.step, 4, "server step after accept");
	check_wiped(&hc, "finished client");
	check_wiped(&hs, "finished server");
	net_shs_release(&hc);
	net_shs_release(&hs);
}

/* Keys agree crosswise and each side learnt the other. */
static void check_result(const struct msgs *m, const struct crdt_identity *c,
			 const struct crdt_identity *s)
{
	TL_CHECK(!memcmp(m->cr.peer_pk, s->pk, CRDT_PK_LEN),
		 "client: expected the server's key, got %s",
		 tl_hex(m->cr.peer_pk, CRDT_PK_LEN));
	TL_CHECK(!memcmp(m->sr.peer_pk, c->pk, CRDT_PK_LEN),
		 "server: expected the client's key, got %s",
		 tl_hex(m->sr.peer_pk, CRDT_PK_LEN));
	TL_CHECK(!memcmp(m->cr.tx_key, m->sr.rx_key, CRDT_KEY_LEN),
		 "client tx %s != server rx %s",
		 tl_hex(m->cr.tx_key, CRDT_KEY_LEN),
		 tl_hex(m->sr.rx_key, CRDT_KEY_LEN));
	TL_CHECK(!memcmp(m->cr.rx_key, m->sr.tx_key, CRDT_KEY_LEN),
		 "client rx %s != server tx %s",
		 tl_hex(m->cr.rx_key, CRDT_KEY_LEN),
		 tl_hex(m->sr.tx_key, CRDT_KEY_LEN));
	TL_CHECK(memcmp(m->cr.tx_key, m->cr.rx_key, CRDT_KEY_LEN),
		 "expected different keys for the two directions");
	TL_CHECK(!all_zero(m->cr.tx_key, CRDT_KEY_LEN) &&
			 !all_zero(m->cr.rx_key, CRDT_KEY_LEN),
		 "expected non-zero keys");
}

static void full_handshake(void **state)
{
	struct crdt_identity c, s;
	struct msgs m, m2;

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	handshake(K_BASE, &c, EPH_A, &s, EPH_B, &m);
	check_result(&m, &c, &s);

	/* the same inputs give the same session; new ephemerals a new one */
	handshake(K_BASE, &c, EPH_A, &s, EPH_B, &m2);
	TL_CHECK(!memcmp(&m, &m2, sizeof m), "expected a deterministic run");
	handshake(K_BASE, &c, EPH_A, &s, EPH_B2, &m2);
	check_result(&m2, &c, &s);
	TL_CHECK(memcmp(m.cr.tx_key, m2.cr.tx_key, CRDT_KEY_LEN) &&
			 memcmp(m.cr.rx_key, m2.cr.rx_key, CRDT_KEY_LEN),
		 "expected fresh keys for a fresh server ephemeral");
	/* the community key is mixed in */
	handshake(K2_BASE, &c, EPH_A, &s, EPH_B, &m2);
	check_result(&m2, &c, &s);
	TL_CHECK(memcmp(m.cr.tx_key, m2.cr.tx_key, CRDT_KEY_LEN),
		 "expected the keys to depend on the community key");
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

static void same_identity_both_ends(void **state)
{
	struct crdt_identity a, a2;
	struct msgs m;

	(void)state;
	/* one member running two machines: allowed, just authenticated */
	identity(&a, ID_C);
	identity(&a2, ID_C);
	handshake(K_BASE, &a, EPH_A, &a2, EPH_B, &m);
	check_result(&m, &a, &a2);
	crdt_identity_release(&a);
	crdt_identity_release(&a2);
}

static void check_vec(const char *name, const uint8_t *p, size_t n,
		      const char *want)
{
	char got[2 * NET_SHS_MSG3 + 1];

	assert_true(n <= NET_SHS_MSG3);
	crdt_hex(got, p, n);
	TL_CHECK(strcmp(got, want) == 0, "%s: expected\n  %s\ngot\n  %s", name,
		 want, got);
}

static void fixed_vectors(void **state)
{
	struct crdt_identity c, s;
	struct msgs m;

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	check_vec("client pk", c.pk, CRDT_PK_LEN, vec_client_pk);
	check_vec("server pk", s.pk, CRDT_PK_LEN, vec_server_pk);
	handshake(K_BASE, &c, EPH_A, &s, EPH_B, &m);
	check_vec("msg1", m.m1, sizeof m.m1, vec_m1);
	check_vec("msg2", m.m2, sizeof m.m2, vec_m2);
	check_vec("msg3", m.m3, sizeof m.m3, vec_m3);
	check_vec("msg4", m.m4, sizeof m.m4, vec_m4);
	check_vec("c2s", m.cr.tx_key, CRDT_KEY_LEN, vec_c2s);
	check_vec("s2c", m.cr.rx_key, CRDT_KEY_LEN, vec_s2c);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

static void wrong_community_key(void **state)
{
	struct crdt_identity c, s, x;
	struct net_shs hc, hs;
	struct msgs m, other;
	uint8_t out[NET_SHS_MSG4];

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	identity(&x, ID_X);

	/* a server of another community refuses message 1 */
	shs_init(&hc, NET_SHS_CLIENT, K_BASE, &c, EPH_A);
	shs_init(&hs, NET_SHS_SERVER, K2_BASE, &s, EPH_B);
	net_shs_client_hello(&hc, m.m1);
	memset(out, 0xee, sizeof out);
	TL_RC(net_shs_server_hello(&hs, m.m1, out), KITH_EDENIED);
	check_dead(&hs, "server after a foreign message 1");
	TL_RC(net_shs_server_hello(&hs, m.m1, out), KITH_EINVAL);

	/* a client refuses message 2 from another community's server (one
	 * that answered that community's client) */
	handshake(K2_BASE, &x, EPH_A, &s, EPH_B, &other);
	TL_RC(net_shs_client_auth(&hc, other.m2, out), KITH_EDENIED);
	check_dead(&hc, "client after a foreign message 2");
	TL_RC(net_shs_client_auth(&hc, other.m2, out), KITH_EINVAL);
	net_shs_release(&hc);
	net_shs_release(&hs);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
	crdt_identity_release(&x);
}

/* Client advanced through the recorded messages to `step` (1 or 3). */
static void client_at(struct net_shs *h, const struct crdt_identity *c,
		      const struct msgs *m, int step)
{
	uint8_t m1[NET_SHS_MSG1], m3[NET_SHS_MSG3];

	shs_init(h, NET_SHS_CLIENT, K_BASE, c, EPH_A);
	net_shs_client_hello(h, m1);
	if (step == 3) {
		TL_OK(net_shs_client_auth(h, m->m2, m3));
		TL_CHECK(!memcmp(m3, m->m3, sizeof m3), "deterministic msg3");
	}
}

static void server_at(struct net_shs *h, const struct crdt_identity *s,
		      const struct msgs *m, uint8_t b_base)
{
	uint8_t m2[NET_SHS_MSG2];

	shs_init(h, NET_SHS_SERVER, K_BASE, s, b_base);
	TL_OK(net_shs_server_hello(h, m->m1, m2));
}

static void flipped_bits(void **state)
{
	struct crdt_identity c, s;
	struct net_shs h;
	struct net_shs_result res;
	struct msgs m;
	uint8_t bad[NET_SHS_MSG3], out[NET_SHS_MSG4];
	size_t i;
	int bit;

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	handshake(K_BASE, &c, EPH_A, &s, EPH_B, &m);

	for (i = 0; i < NET_SHS_MSG1; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, m.m1, NET_SHS_MSG1);
			bad[i] ^= (uint8_t)(1u << bit);
			shs_init(&h, NET_SHS_SERVER, K_BASE, &s, EPH_B);
			TL_CHECK(net_shs_server_hello(&h, bad, out) ==
					 KITH_EDENIED,
				 "msg1 byte %zu bit %d: expected EDENIED", i,
				 bit);
			check_dead(&h, "server after a bad msg1");
		}
	}
	for (i = 0; i < NET_SHS_MSG2; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, m.m2, NET_SHS_MSG2);
			bad[i] ^= (uint8_t)(1u << bit);
			client_at(&h, &c, &m, 1);
			TL_CHECK(net_shs_client_auth(&h, bad, out) ==
					 KITH_EDENIED,
				 "msg2 byte %zu bit %d: expected EDENIED", i,
				 bit);
			check_dead(&h, "client after a bad msg2");
		}
	}
	for (i = 0; i < NET_SHS_MSG3; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, m.m3, NET_SHS_MSG3);
			bad[i] ^= (uint8_t)(1u << bit);
			server_at(&h, &s, &m, EPH_B);
			memset(&res, 0xee, sizeof res);
			TL_CHECK(net_shs_server_accept(&h, bad, out, &res) ==
					 KITH_EDENIED,
				 "msg3 byte %zu bit %d: expected EDENIED", i,
				 bit);
			check_dead(&h, "server after a bad msg3");
			TL_CHECK(all_zero(&res, sizeof res),
				 "expected the result wiped on failure");
		}
	}
	for (i = 0; i < NET_SHS_MSG4; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, m.m4, NET_SHS_MSG4);
			bad[i] ^= (uint8_t)(1u << bit);
			client_at(&h, &c, &m, 3);
			memset(&res, 0xee, sizeof res);
			TL_CHECK(net_shs_client_finish(&h, bad, &res) ==
					 KITH_EDENIED,
				 "msg4 byte %zu bit %d: expected EDENIED", i,
				 bit);
			check_dead(&h, "client after a bad msg4");
			TL_CHECK(all_zero(&res, sizeof res),
				 "expected the result wiped on failure");
		}
	}
	/* control: the untouched messages still pass these same paths */
	client_at(&h, &c, &m, 3);
	TL_OK(net_shs_client_finish(&h, m.m4, &res));
	net_shs_release(&h);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

static void replayed_messages(void **state)
{
	struct crdt_identity c, s;
	struct net_shs h;
	struct net_shs_result res;
	struct msgs m;
	uint8_t out[NET_SHS_MSG4];

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	handshake(K_BASE, &c, EPH_A, &s, EPH_B, &m);

	/* An eavesdropper replays msg1 to a fresh server: the MAC holds (it
	 * cannot tell), but the server's new ephemeral key makes the
	 * recorded msg3 worthless. */
	server_at(&h, &s, &m, EPH_B2);
	TL_RC(net_shs_server_accept(&h, m.m3, out, &res), KITH_EDENIED);
	check_dead(&h, "server after a replayed msg3");
	/* control: only the fresh ephemeral stops it */
	server_at(&h, &s, &m, EPH_B);
	TL_OK(net_shs_server_accept(&h, m.m3, out, &res));

	/* The same against a client: a recorded msg2 passes its MAC, the
	 * recorded msg4 does not open under the client's new ephemeral. */
	shs_init(&h, NET_SHS_CLIENT, K_BASE, &c, EPH_B2);
	net_shs_client_hello(&h, out);
	TL_OK(net_shs_client_auth(&h, m.m2, out));
	TL_RC(net_shs_client_finish(&h, m.m4, &res), KITH_EDENIED);
	check_dead(&h, "client after a replayed msg4");
	net_shs_release(&h);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

static void reflected_hello(void **state)
{
	struct crdt_identity c, s;
	struct net_shs h, mirror;
	uint8_t own[NET_SHS_MSG1], out[NET_SHS_MSG3];

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);

	/* the client's own msg1 sent back as msg2 */
	shs_init(&h, NET_SHS_CLIENT, K_BASE, &c, EPH_A);
	net_shs_client_hello(&h, own);
	TL_RC(net_shs_client_auth(&h, own, out), KITH_EDENIED);
	check_dead(&h, "client after its own hello");

	/* a msg1 carrying the server's own ephemeral key */
	shs_init(&mirror, NET_SHS_CLIENT, K_BASE, &c, EPH_B);
	net_shs_client_hello(&mirror, own);
	shs_init(&h, NET_SHS_SERVER, K_BASE, &s, EPH_B);
	TL_RC(net_shs_server_hello(&h, own, out), KITH_EDENIED);
	check_dead(&h, "server after its own hello");
	net_shs_release(&mirror);
	net_shs_release(&h);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

/* A member who knows K claims another member's key without its secret. */
static void claimed_identity(void **state)
{
	struct crdt_identity c, s, x, fake;
	struct net_shs hc, hs;
	struct net_shs_result res;
	struct msgs m;

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	identity(&x, ID_X);

	/* client: x's secret key, c's public key */
	fake.sk = x.sk;
	memcpy(fake.pk, c.pk, CRDT_PK_LEN);
	shs_init(&hc, NET_SHS_CLIENT, K_BASE, &fake, EPH_A);
	shs_init(&hs, NET_SHS_SERVER, K_BASE, &s, EPH_B);
	net_shs_client_hello(&hc, m.m1);
	TL_OK(net_shs_server_hello(&hs, m.m1, m.m2));
	TL_OK(net_shs_client_auth(&hc, m.m2, m.m3));
	TL_RC(net_shs_server_accept(&hs, m.m3, m.m4, &res), KITH_EDENIED);
	check_dead(&hs, "server after a false claim");

	/* server: x's secret key, s's public key */
	fake.sk = x.sk;
	memcpy(fake.pk, s.pk, CRDT_PK_LEN);
	shs_init(&hc, NET_SHS_CLIENT, K_BASE, &c, EPH_A);
	shs_init(&hs, NET_SHS_SERVER, K_BASE, &fake, EPH_B);
	net_shs_client_hello(&hc, m.m1);
	TL_OK(net_shs_server_hello(&hs, m.m1, m.m2));
	TL_OK(net_shs_client_auth(&hc, m.m2, m.m3));
	TL_OK(net_shs_server_accept(&hs, m.m3, m.m4, &res));
	TL_RC(net_shs_client_finish(&hc, m.m4, &res), KITH_EDENIED);
	check_dead(&hc, "client after a false claim");
	net_shs_release(&hc);
	net_shs_release(&hs);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
	crdt_identity_release(&x);
}

static void out_of_order(void **state)
{
	struct crdt_identity c, s;
	struct net_shs h;
	struct net_shs_result res;
	struct msgs m;
	uint8_t out[NET_SHS_MSG4];

	(void)state;
	identity(&c, ID_C);
	identity(&s, ID_S);
	handshake(K_BASE, &c, EPH_A, &s, EPH_B, &m);

	/* server: accept before hello; client steps on a server */
	shs_init(&h, NET_SHS_SERVER, K_BASE, &s, EPH_B);
	TL_RC(net_shs_server_accept(&h, m.m3, out, &res), KITH_EINVAL);
	check_dead(&h, "server after accept before hello");
	TL_RC(net_shs_server_hello(&h, m.m1, out), KITH_EINVAL);
	shs_init(&h, NET_SHS_SERVER, K_BASE, &s, EPH_B);
	TL_RC(net_shs_client_auth(&h, m.m2, out), KITH_EINVAL);
	shs_init(&h, NET_SHS_SERVER, K_BASE, &s, EPH_B);
	TL_RC(net_shs_client_finish(&h, m.m4, &res), KITH_EINVAL);
	/* client_hello on a server writes zeros and kills it */
	shs_init(&h, NET_SHS_SERVER, K_BASE, &s, EPH_B);
	memset(out, 0xee, sizeof out);
	net_shs_client_hello(&h, out);
	TL_CHECK(all_zero(out, NET_SHS_MSG1), "expected a zero msg1");
	check_dead(&h, "server after client_hello");
	TL_RC(net_shs_server_hello(&h, m.m1, out), KITH_EINVAL);
	/* server: hello twice; accept twice */
	server_at(&h, &s, &m, EPH_B);
	TL_RC(net_shs_server_hello(&h, m.m1, out), KITH_EINVAL);
	server_at(&h, &s, &m, EPH_B);
	TL_OK(net_shs_server_accept(&h, m.m3, out, &res));
	TL_RC(net_shs_server_accept(&h, m.m3, out, &res), KITH_EINVAL);

	/* client: auth before hello, finish before auth, server steps */
	shs_init(&h, NET_SHS_CLIENT, K_BASE, &c, EPH_A);
	TL_RC(net_shs_client_auth(&h, m.m2, out), KITH_EINVAL);
	check_dead(&h, "client after auth before hello");
	client_at(&h, &c, &m, 1);
	TL_RC(net_shs_client_finish(&h, m.m4, &res), KITH_EINVAL);
	client_at(&h, &c, &m, 1);
	TL_RC(net_shs_server_hello(&h, m.m1, out), KITH_EINVAL);
	client_at(&h, &c, &m, 3);
	TL_RC(net_shs_server_accept(&h, m.m3, out, &res), KITH_EINVAL);
	/* hello twice: the second writes zeros, the state is dead */
	client_at(&h, &c, &m, 1);
	memset(out, 0xee, sizeof out);
	net_shs_client_hello(&h, out);
	TL_CHECK(all_zero(out, NET_SHS_MSG1), "expected a zero msg1");
	TL_RC(net_shs_client_auth(&h, m.m2, out), KITH_EINVAL);
	/* finished: nothing more */
	client_at(&h, &c, &m, 3);
	TL_OK(net_shs_client_finish(&h, m.m4, &res));
	TL_RC(net_shs_client_finish(&h, m.m4, &res), KITH_EINVAL);
	/* released: nothing at all */
	client_at(&h, &c, &m, 1);
	net_shs_release(&h);
	check_dead(&h, "released client");
	TL_RC(net_shs_client_auth(&h, m.m2, out), KITH_EINVAL);
	crdt_identity_release(&c);
	crdt_identity_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_handshake),
		cmocka_unit_test(same_identity_both_ends),
		cmocka_unit_test(fixed_vectors),
		cmocka_unit_test(wrong_community_key),
		cmocka_unit_test(flipped_bits),
		cmocka_unit_test(replayed_messages),
		cmocka_unit_test(reflected_hello),
		cmocka_unit_test(claimed_identity),
		cmocka_unit_test(out_of_order),
	};

	return cmocka_run_group_tests_name("shs", tests, tl_group_setup, NULL);
}
