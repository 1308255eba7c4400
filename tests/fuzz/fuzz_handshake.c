/*
 * fuzz_handshake.c - the session handshake (net/shs.c) on hostile input.
 *
 * The community key, the three identities and the default ephemeral seeds
 * are fixed, so recorded messages from the corpus pass their MACs and the
 * fuzzer reaches the boxes and signatures behind them.  The first byte
 * chooses what the rest means:
 *
 *   even  "raw": msg1 || msg2 || msg3 || msg4 (64, 64, 112, 112 bytes; a
 *         short input stops at the first incomplete message).  A server
 *         (identity S, seed B) gets msg1 and msg3, a client (identity C,
 *         seed A) gets msg2 and msg4, each after its own earlier steps.
 *   odd   "driven": a real client and server talk to each other.  Byte 1
 *         picks the identities (C, S, X, or FAKE: C's public key with X's
 *         secret key) and whether the server has another community key
 *         (bit 7), bytes 2..65 are the two ephemeral seeds, and the
 *         rest are 4-byte edits (message 0..3, offset:u16be, xor) applied
 *         to the messages in transit, or with message 4..7 a call out of
 *         order on one side before that step.
 *
 * Checked:
 *   - after any failure the state is dead and holds no secret; every later
 *     call fails with KITH_EINVAL;
 *   - a server only ever accepts the client identity C (in raw mode nobody
 *     else's messages can be made), a client only ever the server S;
 *   - when both sides finish they agree on both keys;
 *   - driven: with nothing altered the handshake succeeds; another
 *     community key (or the server's own ephemeral key in message 1)
 *     fails message 1; a FAKE client fails message 3, a FAKE server
 *     message 4; an altered message fails exactly at
 *     its receiver, with KITH_EDENIED; a call out of order fails with
 *     KITH_EINVAL (or, client_hello, writes zeros) and kills that side.
 *
 * The corpus (tests/fuzz/corpus/fuzz_handshake/) is written by this file
 * built with -DKITH_FUZZ_GEN:
 *   cc -std=c11 -D_GNU_SOURCE -I. -DKITH_FUZZ_GEN -o /tmp/gen_hs \
 *      tests/fuzz/fuzz_handshake.c crdt/[a-z]*.c net/shs.c net/frame.c \
 *      $(pkg-config --libs sqlite3 libsodium)
 *   /tmp/gen_hs tests/fuzz/corpus/fuzz_handshake
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/crypto.h"
#include "crdt/err.h"
#include "net/shs.h"

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_handshake: " __VA_ARGS__);              \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

/* FAKE claims C's public key but holds X's secret key (a member posing
 * as another): whoever talks to it must refuse its signature. */
enum { ID_C, ID_S, ID_X, ID_FAKE, NID };
static struct crdt_identity ids[NID];

static const uint8_t seed_a[32] = "fuzz-handshake-client-ephemeral";
static const uint8_t seed_b[32] = "fuzz-handshake-server-ephemeral";

static void setup(void)
{
	static int done;
	uint8_t seed[32];
	int i;

	if (done)
		return;
	done = 1;
	if (crdt_crypto_init())
		FAIL("crdt_crypto_init failed");
	for (i = 0; i < ID_FAKE; i++) {
		memset(seed, 0x51 + i, sizeof seed);
		if (crdt_identity_from_seed(&ids[i], seed))
			FAIL("cannot make identity %d", i);
	}
	memcpy(ids[ID_FAKE].pk, ids[ID_C].pk, CRDT_PK_LEN);
	ids[ID_FAKE].sk = ids[ID_X].sk; /* shared, never released */
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

static int same(const void *a, const void *b, size_t n)
{
	return crdt_equal(a, b, n);
}

/* A failed state: dead, wiped, and refusing everything. */
static void check_dead(struct net_shs *h, const char *who)
{
	static const uint8_t zero[NET_SHS_MSG3];
	struct net_shs_result res;
	uint8_t out[NET_SHS_MSG4];

	if (h->step != -1)
		FAIL("%s: failed but step is %d", who, h->step);
	if (!all_zero(h->K, sizeof h->K) ||
	    !all_zero(h->eph_sk, sizeof h->eph_sk) ||
	    !all_zero(h->ab, sizeof h->ab) || !all_zero(h->x1, sizeof h->x1) ||
	    !all_zero(h->x2, sizeof h->x2))
		FAIL("%s: failed but secrets remain", who);
	if (net_shs_server_hello(h, zero, out) != KITH_EINVAL ||
	    net_shs_client_auth(h, zero, out) != KITH_EINVAL ||
	    net_shs_server_accept(h, zero, out, &res) != KITH_EINVAL ||
	    net_shs_client_finish(h, zero, &res) != KITH_EINVAL)
		FAIL("%s: a dead state answered", who);
}

static void check_pair(const struct net_shs_result *cr,
		       const struct net_shs_result *sr,
		       const struct crdt_identity *c,
		       const struct crdt_identity *s)
{
	if (!same(cr->peer_pk, s->pk, CRDT_PK_LEN))
		FAIL("client learnt the wrong server");
	if (!same(sr->peer_pk, c->pk, CRDT_PK_LEN))
		FAIL("server learnt the wrong client");
	if (!same(cr->tx_key, sr->rx_key, CRDT_KEY_LEN) ||
	    !same(cr->rx_key, sr->tx_key, CRDT_KEY_LEN))
		FAIL("the two sides disagree on the keys");
	if (same(cr->tx_key, cr->rx_key, CRDT_KEY_LEN))
		FAIL("one key for both directions");
}

static void run_raw(const uint8_t *d, size_t n)
{
	struct net_shs hs, hc;
	struct net_shs_result sr, cr;
	uint8_t out[NET_SHS_MSG4];
	int s_ok = 0, c_ok = 0, rc;

	net_shs_init(&hs, NET_SHS_SERVER, fuzz_community, &ids[ID_S], seed_b);
	net_shs_init(&hc, NET_SHS_CLIENT, fuzz_community, &ids[ID_C], seed_a);
	net_shs_client_hello(&hc, out);
	if (n < NET_SHS_MSG1)
		goto out;
	rc = net_shs_server_hello(&hs, d, out);
	if (rc && rc != KITH_EDENIED)
		FAIL("server_hello: unexpected %d", rc);
	if (rc)
		check_dead(&hs, "server");
	if (n < NET_SHS_MSG1 + NET_SHS_MSG2)
		goto out;
	rc = net_shs_client_auth(&hc, d + NET_SHS_MSG1, out);
	if (rc && rc != KITH_EDENIED)
		FAIL("client_auth: unexpected %d", rc);
	if (rc)
		check_dead(&hc, "client");
	if (n < NET_SHS_MSG1 + NET_SHS_MSG2 + NET_SHS_MSG3)
		goto out;
	if (hs.step == 2) {
		rc = net_shs_server_accept(&hs, d + 128, out, &sr);
		if (rc && rc != KITH_EDENIED)
			FAIL("server_accept: unexpected %d", rc);
		if (rc)
			check_dead(&hs, "server");
		else if (!same(sr.peer_pk, ids[ID_C].pk, CRDT_PK_LEN))
			FAIL("server accepted an unknown client");
		s_ok = !rc;
	}
	if (n < NET_SHS_MSG1 + NET_SHS_MSG2 + NET_SHS_MSG3 + NET_SHS_MSG4)
		goto out;
	if (hc.step == 3) {
		rc = net_shs_client_finish(&hc, d + 240, &cr);
		if (rc && rc != KITH_EDENIED)
			FAIL("client_finish: unexpected %d", rc);
		if (rc)
			check_dead(&hc, "client");
		else if (!same(cr.peer_pk, ids[ID_S].pk, CRDT_PK_LEN))
			FAIL("client accepted an unknown server");
		c_ok = !rc;
	}
	if (s_ok && c_ok)
		check_pair(&cr, &sr, &ids[ID_C], &ids[ID_S]);
out:
	net_shs_release(&hs);
	net_shs_release(&hc);
}

struct edit {
	unsigned msg, off;
	uint8_t x;
};

/* A call out of order on h (the side about to receive a message). */
static void misuse(struct net_shs *h, int is_client, unsigned how,
		   const char *who)
{
	static const uint8_t junk[NET_SHS_MSG3];
	struct net_shs_result res;
	uint8_t out[NET_SHS_MSG4];
	int step = h->step, rc = 0;

	memset(out, 0xee, sizeof out);
	switch (how % 3) {
	case 0: /* the other role's call */
		rc = is_client ? net_shs_server_hello(h, junk, out)
			       : net_shs_client_auth(h, junk, out);
		break;
	case 1: /* its own other step */
		if (is_client && step == 1)
			rc = net_shs_client_finish(h, junk, &res);
		else if (is_client)
			rc = net_shs_client_auth(h, junk, out);
		else if (step == 0)
			rc = net_shs_server_accept(h, junk, out, &res);
		else
			rc = net_shs_server_hello(h, junk, out);
		break;
	default: /* hello again */
		net_shs_client_hello(h, out);
		if (!all_zero(out, NET_SHS_MSG1))
			FAIL("%s: client_hello out of order wrote a hello",
			     who);
		rc = KITH_EINVAL;
		break;
	}
	if (rc != KITH_EINVAL)
		FAIL("%s: call out of order gave %d", who, rc);
	check_dead(h, who);
}

static void run_driven(const uint8_t *d, size_t n)
{
	const struct crdt_identity *c, *s;
	uint8_t K2[CRDT_KEY_LEN], m[4][NET_SHS_MSG3];
	static const size_t mlen[4] = { NET_SHS_MSG1, NET_SHS_MSG2,
					NET_SHS_MSG3, NET_SHS_MSG4 };
	struct edit ed[16];
	size_t ne = 0, i;
	struct net_shs hs, hc;
	struct net_shs_result sr, cr;
	int altered[4] = { 0 }, mis[4] = { 0 }, other_k, mirror, rc = 0, j;
	unsigned pick;

	if (n < 65)
		return;
	pick = d[0];
	c = &ids[(pick & 0x7f) % NID];
	s = &ids[(pick & 0x7f) / NID % NID];
	other_k = (pick & 0x80) != 0;
	memcpy(K2, fuzz_community, sizeof K2);
	K2[0] ^= 1;
	for (i = 65; i + 4 <= n && ne < 16; i += 4) {
		ed[ne].msg = d[i] & 7;
		ed[ne].off = ((unsigned)d[i + 1] << 8 | d[i + 2]);
		ed[ne].x = d[i + 3];
		if (ed[ne].msg < 4)
			ed[ne].off %= mlen[ed[ne].msg];
		else
			mis[ed[ne].msg - 4] = 1 + ed[ne].x;
		ne++;
	}

	net_shs_init(&hc, NET_SHS_CLIENT, fuzz_community, c, d + 1);
	net_shs_init(&hs, NET_SHS_SERVER, other_k ? K2 : fuzz_community, s,
		     d + 33);
	/* equal ephemeral keys (equal seeds, up to clamping) look like a
	 * reflected hello, which the server refuses */
	mirror = same(hc.eph_pk, hs.eph_pk, 32);
	net_shs_client_hello(&hc, m[0]);
	for (j = 0; j < 4; j++) {
		struct net_shs *rx = j % 2 ? &hc : &hs;
		const char *who = j % 2 ? "client" : "server";
		uint8_t orig[NET_SHS_MSG3], scratch[NET_SHS_MSG3];

		/* alter message j in transit; altered if any byte differs */
		memcpy(orig, m[j], mlen[j]);
		for (i = 0; i < ne; i++)
			if (ed[i].msg == (unsigned)j)
				m[j][ed[i].off] ^= ed[i].x;
		altered[j] = !same(orig, m[j], mlen[j]);
		if (mis[j]) {
			/* and then its proper step fails too */
			misuse(rx, j % 2, mis[j] - 1, who);
			rc = j % 2 ? net_shs_client_auth(rx, m[j], scratch)
				   : net_shs_server_hello(rx, m[j], scratch);
			if (rc != KITH_EINVAL)
				FAIL("%s: dead state gave %d", who, rc);
			break;
		}
		switch (j) {
		case 0:
			rc = net_shs_server_hello(&hs, m[0], m[1]);
			break;
		case 1:
			rc = net_shs_client_auth(&hc, m[1], m[2]);
			break;
		case 2:
			rc = net_shs_server_accept(&hs, m[2], m[3], &sr);
			break;
		default:
			rc = net_shs_client_finish(&hc, m[3], &cr);
			break;
		}
		if (j == 0 && (other_k || mirror)) {
			if (rc != KITH_EDENIED)
				FAIL("another community's server, or a "
				     "mirrored key: gave %d",
				     rc);
		} else if (altered[j]) {
			if (rc != KITH_EDENIED)
				FAIL("altered message %d: %s gave %d", j + 1,
				     who, rc);
		} else if ((j == 2 && c == &ids[ID_FAKE]) ||
			   (j == 3 && s == &ids[ID_FAKE])) {
			if (rc != KITH_EDENIED)
				FAIL("%s accepted a false identity: %d", who,
				     rc);
		} else if (rc) {
			FAIL("intact message %d: %s gave %d", j + 1, who, rc);
		}
		if (rc) {
			check_dead(rx, who);
			break;
		}
	}
	if (j == 4)
		check_pair(&cr, &sr, c, s);
	net_shs_release(&hs);
	net_shs_release(&hc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (size < 1)
		return 0;
	if (data[0] & 1)
		run_driven(data + 1, size - 1);
	else
		run_raw(data + 1, size - 1);
	return 0;
}

#ifdef KITH_FUZZ_GEN
/* Write the seed corpus into argv[1]. */
static void put(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (fuzz_write_file(path, p, n))
		FAIL("cannot write '%s'", path);
}

/* msg1..4 of a session between c (seed A) and s (seed B), as far as it
 * goes (a false identity stops it at message 3 or 4). */
static void record(const struct crdt_identity *c,
		   const struct crdt_identity *s, uint8_t *p)
{
	struct net_shs hs, hc;
	struct net_shs_result sr, cr;

	memset(p, 0, 352);
	net_shs_init(&hs, NET_SHS_SERVER, fuzz_community, s, seed_b);
	net_shs_init(&hc, NET_SHS_CLIENT, fuzz_community, c, seed_a);
	net_shs_client_hello(&hc, p);
	if (net_shs_server_hello(&hs, p, p + 64) ||
	    net_shs_client_auth(&hc, p + 64, p + 128))
		FAIL("cannot record");
	if (!net_shs_server_accept(&hs, p + 128, p + 240, &sr) &&
	    !net_shs_client_finish(&hc, p + 240, &cr))
		FAIL("a false identity was accepted");
	net_shs_release(&hs);
	net_shs_release(&hc);
}

int main(int argc, char **argv)
{
	struct net_shs hs, hc;
	struct net_shs_result sr, cr;
	uint8_t in[1 + 64 + 64 + 112 + 112], *p = in + 1;
	uint8_t dr[1 + 1 + 64 + 8];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	setup();
	/* raw: a recorded session between C (seed A) and S (seed B) */
	net_shs_init(&hs, NET_SHS_SERVER, fuzz_community, &ids[ID_S], seed_b);
	net_shs_init(&hc, NET_SHS_CLIENT, fuzz_community, &ids[ID_C], seed_a);
	net_shs_client_hello(&hc, p);
	if (net_shs_server_hello(&hs, p, p + 64) ||
	    net_shs_client_auth(&hc, p + 64, p + 128) ||
	    net_shs_server_accept(&hs, p + 128, p + 240, &sr) ||
	    net_shs_client_finish(&hc, p + 240, &cr))
		FAIL("the recorded handshake failed");
	in[0] = 0;
	put(argv[1], "raw-session", in, sizeof in);
	put(argv[1], "raw-msg1-msg2", in, 1 + 128);
	put(argv[1], "raw-msg1", in, 1 + 64);
	in[1 + 128 + 5] ^= 0x20; /* msg3 altered */
	put(argv[1], "raw-bad-msg3", in, sizeof in);
	net_shs_release(&hs);
	net_shs_release(&hc);

	/* raw: sessions with a false client, then a false server, whose
	 * boxes open but whose signatures do not hold */
	record(&ids[ID_FAKE], &ids[ID_S], p);
	put(argv[1], "raw-false-client", in, sizeof in);
	record(&ids[ID_C], &ids[ID_FAKE], p);
	put(argv[1], "raw-false-server", in, sizeof in);

	/* driven: intact; an edit to msg3; another community; a misuse */
	memset(dr, 0, sizeof dr);
	dr[0] = 1;
	dr[1] = ID_C + NID * ID_S;
	memcpy(dr + 2, seed_a, 32);
	memcpy(dr + 34, seed_b, 32);
	put(argv[1], "driven-intact", dr, 1 + 1 + 64);
	dr[1] = ID_C + NID * ID_C;
	put(argv[1], "driven-same-identity", dr, 1 + 1 + 64);
	dr[1] = ID_C + NID * ID_S;
	memcpy(dr + 66, "\x02\x00\x30\x01", 4);
	put(argv[1], "driven-edit-msg3", dr, 1 + 1 + 64 + 4);
	memcpy(dr + 66, "\x03\x00\x6f\x80", 4);
	put(argv[1], "driven-edit-msg4", dr, 1 + 1 + 64 + 4);
	memcpy(dr + 66, "\x06\x00\x00\x01", 4);
	put(argv[1], "driven-misuse", dr, 1 + 1 + 64 + 4);
	dr[1] = 0x80 | (ID_C + NID * ID_S);
	put(argv[1], "driven-other-community", dr, 1 + 1 + 64);
	dr[1] = ID_FAKE + NID * ID_S;
	put(argv[1], "driven-false-client", dr, 1 + 1 + 64);
	dr[1] = ID_C + NID * ID_FAKE;
	put(argv[1], "driven-false-server", dr, 1 + 1 + 64);
	printf("fuzz_handshake: wrote the corpus into %s\n", argv[1]);
	return 0;
}
#endif
