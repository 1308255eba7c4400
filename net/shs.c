/*
 * shs.c - the session handshake (see shs.h for the protocol).
 *
 * With net/frame.c this is the session-crypto module.  Its primitives
 * (X25519, HMAC, secretbox and the Ed25519 -> Curve25519 conversions) are
 * crdt/crypto.h's wrappers of libsodium: no file but crdt/crypto.c calls
 * libsodium.
 *
 * The state machine is strict: each call checks the role and the number of
 * messages processed so far.  Any failure (bad MAC, box, signature or key,
 * or a call out of order) wipes every secret in the state and marks it dead
 * (step -1), so the only thing left to do with it is net_shs_release().
 */
#include <string.h>

#include "crdt/err.h"
#include "net/shs.h"

#define STEP_DEAD (-1)

_Static_assert(NET_SHS_MSG1 == CRDT_X25519_LEN + CRDT_MAC_LEN &&
		       NET_SHS_MSG2 == NET_SHS_MSG1 && CRDT_MAC_LEN == 32,
	       "msg1/msg2 are 32-byte key || 32-byte HMAC-SHA-512-256");
_Static_assert(NET_SHS_MSG3 ==
		       CRDT_PK_LEN + CRDT_SIG_LEN + CRDT_SECRETBOX_MAC_LEN,
	       "msg3 is a boxed key and signature");
_Static_assert(NET_SHS_MSG4 == NET_SHS_MSG3, "msg4 has msg3's shape");
_Static_assert(CRDT_X25519_LEN == 32, "X25519 sizes");

static const uint8_t label3[10] = "kith-shs-3";
static const uint8_t label4[10] = "kith-shs-4";
/* Without these, one identity at both ends would get one key both ways. */
static const uint8_t label_c2s[8] = "kith-c2s";
static const uint8_t label_s2c[8] = "kith-s2c";

/* The boxed body of messages 3 and 4. */
#define BODY_LEN (CRDT_PK_LEN + CRDT_SIG_LEN)

/* What message 3's signature covers: label || K || A || B || H(ab). */
#define SIG3_LEN (sizeof label3 + CRDT_KEY_LEN + 32 + 32 + CRDT_HASH_LEN)
/* ... and message 4's: label || K || A || B || H(ab) || C_pk || sig_C. */
#define SIG4_LEN                                                              \
	(sizeof label4 + CRDT_KEY_LEN + 32 + 32 + CRDT_HASH_LEN +            \
	 CRDT_PK_LEN + CRDT_SIG_LEN)

/* A is the client's ephemeral key, B the server's. */
static const uint8_t *eph_client(const struct net_shs *h)
{
	return h->role == NET_SHS_CLIENT ? h->eph_pk : h->peer_eph;
}

static const uint8_t *eph_server(const struct net_shs *h)
{
	return h->role == NET_SHS_SERVER ? h->eph_pk : h->peer_eph;
}

/* Wipe every secret and mark the state unusable. */
static void shs_kill(struct net_shs *h)
{
	crdt_wipe(h->K, sizeof h->K);
	crdt_wipe(h->eph_sk, sizeof h->eph_sk);
	crdt_wipe(h->ab, sizeof h->ab);
	crdt_wipe(h->x1, sizeof h->x1);
	crdt_wipe(h->x2, sizeof h->x2);
	crdt_wipe(&h->transcript, sizeof h->transcript);
	h->step = STEP_DEAD;
}

static int shs_fail(struct net_shs *h, int rc)
{
	shs_kill(h);
	return rc;
}

static int expect(const struct net_shs *h, enum net_shs_role role, int step)
{
	return h->role == role && h->step == step;
}

/* H(K || ab [|| x1]): the box keys of messages 3 and 4. */
static void box_key(uint8_t out[CRDT_KEY_LEN], const struct net_shs *h,
		    int with_x1)
{
	struct crdt_hasher s;

	crdt_hasher_init(&s);
	crdt_hasher_update(&s, h->K, sizeof h->K);
	crdt_hasher_update(&s, h->ab, sizeof h->ab);
	if (with_x1)
		crdt_hasher_update(&s, h->x1, sizeof h->x1);
	crdt_hasher_final(&s, out);
	crdt_wipe(&s, sizeof s);
}

/* label || K || A || B || H(ab) into out (SIG3_LEN bytes). */
static void sig3_msg(uint8_t out[SIG3_LEN], const uint8_t label[10],
		     const struct net_shs *h)
{
	uint8_t *p = out;

	memcpy(p, label, 10);
	p += 10;
	memcpy(p, h->K, CRDT_KEY_LEN);
	p += CRDT_KEY_LEN;
	memcpy(p, eph_client(h), 32);
	p += 32;
	memcpy(p, eph_server(h), 32);
	p += 32;
	crdt_hash(p, CRDT_HASH_LEN, h->ab, sizeof h->ab);
}

/* sig4's message: the same prefix, then C_pk || sig_C. */
static void sig4_msg(uint8_t out[SIG4_LEN], const struct net_shs *h,
		     const uint8_t c_pk[CRDT_PK_LEN])
{
	sig3_msg(out, label4, h);
	memcpy(out + SIG3_LEN, c_pk, CRDT_PK_LEN);
	memcpy(out + SIG3_LEN + CRDT_PK_LEN, h->sig_c, CRDT_SIG_LEN);
}

/* X25519 of our long-term secret key (converted) and the peer's ephemeral;
 * 0, or non-zero if the key is not a usable Curve25519 point. */
static int x25519_longterm(uint8_t out[32], const struct net_shs *h)
{
	return crdt_x25519_own(out, h->me, h->peer_eph);
}

/* X25519 of our ephemeral secret and the peer's long-term key. */
static int x25519_peer_longterm(uint8_t out[32], const struct net_shs *h,
				const uint8_t ed_pk[CRDT_PK_LEN])
{
	return crdt_x25519_peer(out, h->eph_sk, ed_pk);
}

/* Check a hello (eph || auth_K(eph)), remember eph and compute ab. */
static int check_hello(struct net_shs *h, const uint8_t in[64])
{
	if (crdt_mac_verify(in + 32, in, 32, h->K))
		return KITH_EDENIED;
	/* Our own hello reflected back: refuse (it would also fail later). */
	if (crdt_equal(in, h->eph_pk, 32))
		return KITH_EDENIED;
	memcpy(h->peer_eph, in, 32);
	if (crdt_x25519(h->ab, h->eph_sk, h->peer_eph))
		return KITH_EDENIED;
	return 0;
}

static void write_hello(const struct net_shs *h, uint8_t out[64])
{
	memcpy(out, h->eph_pk, 32);
	crdt_mac(out + 32, h->eph_pk, 32, h->K);
}

/* m = H(K || ab || x1 || x2 || H(transcript)); c2s/s2c from it. */
static void derive(struct net_shs *h, const uint8_t c_pk[CRDT_PK_LEN],
		   const uint8_t s_pk[CRDT_PK_LEN], struct net_shs_result *res)
{
	uint8_t th[CRDT_HASH_LEN], m[CRDT_HASH_LEN];
	uint8_t *c2s = h->role == NET_SHS_CLIENT ? res->tx_key : res->rx_key;
	uint8_t *s2c = h->role == NET_SHS_CLIENT ? res->rx_key : res->tx_key;
	struct crdt_hasher s;

	crdt_hasher_final(&h->transcript, th);
	crdt_hasher_init(&s);
	crdt_hasher_update(&s, h->K, sizeof h->K);
	crdt_hasher_update(&s, h->ab, sizeof h->ab);
	crdt_hasher_update(&s, h->x1, sizeof h->x1);
	crdt_hasher_update(&s, h->x2, sizeof h->x2);
	crdt_hasher_update(&s, th, sizeof th);
	crdt_hasher_final(&s, m);

	crdt_hasher_init(&s);
	crdt_hasher_update(&s, m, sizeof m);
	crdt_hasher_update(&s, label_c2s, sizeof label_c2s);
	crdt_hasher_update(&s, s_pk, CRDT_PK_LEN);
	crdt_hasher_final(&s, c2s);

	crdt_hasher_init(&s);
	crdt_hasher_update(&s, m, sizeof m);
	crdt_hasher_update(&s, label_s2c, sizeof label_s2c);
	crdt_hasher_update(&s, c_pk, CRDT_PK_LEN);
	crdt_hasher_final(&s, s2c);

	crdt_wipe(m, sizeof m);
	crdt_wipe(&s, sizeof s);
}

void net_shs_init(struct net_shs *h, enum net_shs_role role,
		  const uint8_t K[CRDT_KEY_LEN], const struct crdt_identity *me,
		  const uint8_t eph_seed[32])
{
	memset(h, 0, sizeof *h);
	h->role = role;
	h->step = 0;
	memcpy(h->K, K, CRDT_KEY_LEN);
	h->me = me;
	/* X25519 clamps the scalar, so any 32 bytes will do. */
	memcpy(h->eph_sk, eph_seed, 32);
	crdt_x25519_base(h->eph_pk, h->eph_sk);
	crdt_hasher_init(&h->transcript);
}

void net_shs_release(struct net_shs *h)
{
	crdt_wipe(h, sizeof *h);
	h->me = NULL;
	h->step = STEP_DEAD;
}

/*
 * A void function cannot report misuse: called out of order it writes
 * zeros (which no server accepts) and kills the state, so the next step
 * fails with KITH_EINVAL.
 */
void net_shs_client_hello(struct net_shs *h, uint8_t out[NET_SHS_MSG1])
{
	if (!expect(h, NET_SHS_CLIENT, 0)) {
		memset(out, 0, NET_SHS_MSG1);
		shs_kill(h);
		return;
	}
	write_hello(h, out);
	crdt_hasher_update(&h->transcript, out, NET_SHS_MSG1);
	h->step = 1;
}

int net_shs_server_hello(struct net_shs *h, const uint8_t in[NET_SHS_MSG1],
			 uint8_t out[NET_SHS_MSG2])
{
	int rc;

	if (!expect(h, NET_SHS_SERVER, 0))
		return shs_fail(h, KITH_EINVAL);
	rc = check_hello(h, in);
	if (rc)
		return shs_fail(h, rc);
	write_hello(h, out);
	crdt_hasher_update(&h->transcript, in, NET_SHS_MSG1);
	crdt_hasher_update(&h->transcript, out, NET_SHS_MSG2);
	h->step = 2;
	return 0;
}

int net_shs_client_auth(struct net_shs *h, const uint8_t in[NET_SHS_MSG2],
			uint8_t out[NET_SHS_MSG3])
{
	static const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN];
	uint8_t k3[CRDT_KEY_LEN], sm[SIG3_LEN], body[BODY_LEN];
	uint8_t box[NET_SHS_MSG3];
	int rc;

	if (!expect(h, NET_SHS_CLIENT, 1))
		return shs_fail(h, KITH_EINVAL);
	rc = check_hello(h, in);
	if (rc)
		goto out;
	rc = KITH_EDENIED;
	if (x25519_longterm(h->x1, h))
		goto out;

	sig3_msg(sm, label3, h);
	crdt_sign(h->sig_c, sm, sizeof sm, h->me);
	memcpy(body, h->me->pk, CRDT_PK_LEN);
	memcpy(body + CRDT_PK_LEN, h->sig_c, CRDT_SIG_LEN);
	box_key(k3, h, 0);
	if (crdt_secretbox_seal(box, body, sizeof body, nonce, k3))
		goto out;
	memcpy(out, box, sizeof box);
	crdt_hasher_update(&h->transcript, in, NET_SHS_MSG2);
	crdt_hasher_update(&h->transcript, out, NET_SHS_MSG3);
	h->step = 3;
	rc = 0;
out:
	crdt_wipe(k3, sizeof k3);
	crdt_wipe(sm, sizeof sm);
	return rc ? shs_fail(h, rc) : 0;
}

/* Messages 3 and 4 (of one size): open the box (with k) into body = the sender's key ||
 * its signature, check the signature over sm, mix the sender's long-term
 * key into x and remember it as the peer.  0 or KITH_EDENIED. */
static int open_body(struct net_shs *h, const uint8_t in[NET_SHS_MSG3],
		     const uint8_t k[CRDT_KEY_LEN], const uint8_t *sm,
		     size_t smlen, uint8_t body[BODY_LEN], uint8_t x[32])
{
	static const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN];

	if (crdt_secretbox_open(body, in, NET_SHS_MSG3, nonce, k) ||
	    crdt_verify(body + CRDT_PK_LEN, sm, smlen, body) ||
	    x25519_peer_longterm(x, h, body))
		return KITH_EDENIED;
	memcpy(h->peer_pk, body, CRDT_PK_LEN);
	return 0;
}

/* The last message is through: the session keys and the peer into res;
 * nothing secret is needed any more. */
static void finish(struct net_shs *h, const uint8_t c_pk[CRDT_PK_LEN],
		   const uint8_t s_pk[CRDT_PK_LEN], struct net_shs_result *res)
{
	derive(h, c_pk, s_pk, res);
	memcpy(res->peer_pk, h->peer_pk, CRDT_PK_LEN);
	shs_kill(h);
	h->step = 4;
}

/* The common end of the last two steps: on failure nothing of res is
 * left and the state is dead. */
static int finish_rc(struct net_shs *h, struct net_shs_result *res, int rc)
{
	if (rc) {
		crdt_wipe(res, sizeof *res);
		shs_kill(h);
	}
	return rc;
}

int net_shs_server_accept(struct net_shs *h, const uint8_t in[NET_SHS_MSG3],
			  uint8_t out[NET_SHS_MSG4], struct net_shs_result *res)
{
	static const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN];
	uint8_t k3[CRDT_KEY_LEN], k4[CRDT_KEY_LEN], body[BODY_LEN];
	uint8_t sm[SIG4_LEN], box[NET_SHS_MSG4];
	int rc;

	if (!expect(h, NET_SHS_SERVER, 2))
		return shs_fail(h, KITH_EINVAL);
	box_key(k3, h, 0);
	sig3_msg(sm, label3, h);
	rc = open_body(h, in, k3, sm, SIG3_LEN, body, h->x1);
	if (rc)
		goto out;
	memcpy(h->sig_c, body + CRDT_PK_LEN, CRDT_SIG_LEN);

	rc = KITH_EDENIED;
	sig4_msg(sm, h, h->peer_pk);
	memcpy(body, h->me->pk, CRDT_PK_LEN);
	crdt_sign(body + CRDT_PK_LEN, sm, sizeof sm, h->me);
	box_key(k4, h, 1);
	if (crdt_secretbox_seal(box, body, sizeof body, nonce, k4))
		goto out;
	if (x25519_longterm(h->x2, h))
		goto out;

	crdt_hasher_update(&h->transcript, in, NET_SHS_MSG3);
	crdt_hasher_update(&h->transcript, box, NET_SHS_MSG4);
	finish(h, h->peer_pk, h->me->pk, res);
	memcpy(out, box, sizeof box);
	rc = 0;
out:
	crdt_wipe(k3, sizeof k3);
	crdt_wipe(k4, sizeof k4);
	crdt_wipe(sm, sizeof sm);
	return finish_rc(h, res, rc);
}

int net_shs_client_finish(struct net_shs *h, const uint8_t in[NET_SHS_MSG4],
			  struct net_shs_result *res)
{
	uint8_t k4[CRDT_KEY_LEN], body[BODY_LEN], sm[SIG4_LEN];
	int rc;

	if (!expect(h, NET_SHS_CLIENT, 3))
		return shs_fail(h, KITH_EINVAL);
	box_key(k4, h, 1);
	sig4_msg(sm, h, h->me->pk);
	rc = open_body(h, in, k4, sm, sizeof sm, body, h->x2);
	if (rc)
		goto out;
	crdt_hasher_update(&h->transcript, in, NET_SHS_MSG4);
	finish(h, h->me->pk, h->peer_pk, res);
out:
	crdt_wipe(k4, sizeof k4);
	crdt_wipe(sm, sizeof sm);
	return finish_rc(h, res, rc);
}
