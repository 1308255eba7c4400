/*
 * shs.h - the session handshake, after the Secure Scuttlebutt secret
 * handshake, with the community key as SSB's network key K.
 *
 * Unlike SSB, the dialer need not know the listener's identity in advance
 * (static peers are just addresses), so identities are revealed inside the
 * encrypted messages 3 and 4 and bound by signatures over the transcript,
 * and the long-term keys are mixed into the session keys (each side must
 * hold its secret key to derive them).  C = client (dialer), S = server.
 *
 *   1 C->S  A || auth_K(A)                                   64 bytes
 *   2 S->C  B || auth_K(B)                                   64 bytes
 *           ab = X25519(a, B);  k3 = H(K || ab)
 *   3 C->S  secretbox_k3(C_pk || sig_C)                      112 bytes
 *           sig_C = Sign_C("kith-shs-3" || K || A || B || H(ab))
 *           x1 = X25519(b, curve(C_pk)) = X25519(curve(c), B)
 *           k4 = H(K || ab || x1)
 *   4 S->C  secretbox_k4(S_pk || sig_S)                      112 bytes
 *           sig_S = Sign_S("kith-shs-4" || K || A || B || H(ab) || C_pk
 *                          || sig_C)
 *           x2 = X25519(a, curve(S_pk)) = X25519(curve(s), A)
 *   keys    m = H(K || ab || x1 || x2 || H(transcript 1..4))
 *           c2s = H(m || "kith-c2s" || S_pk)
 *           s2c = H(m || "kith-s2c" || C_pk)
 *           (the labels keep the two directions apart when both ends are
 *           the same identity, so frames cannot be reflected)
 *
 * auth = crypto_auth (HMAC-SHA-512-256), H = BLAKE2b-256, secretbox with a
 * zero nonce (each key is used once).  Without K, message 1 or 2 fails
 * its MAC and the other side hangs up having learnt nothing; a replayed
 * message 1 cannot be completed without the ephemeral secret a; any
 * altered byte fails a MAC, a box or a signature.
 *
 * struct net_shs is a pure state machine over byte buffers (no I/O), so it
 * can be fuzzed and tested against fixed vectors: ephemeral secrets come
 * from the caller's randomness.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_SHS_H
#define KITH_SHS_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/crypto.h"

#define NET_SHS_MSG1 64
#define NET_SHS_MSG2 64
#define NET_SHS_MSG3 112
#define NET_SHS_MSG4 112

enum net_shs_role { NET_SHS_CLIENT, NET_SHS_SERVER };

struct net_shs {
	enum net_shs_role role;
	int step; /* messages processed so far */
	uint8_t K[CRDT_KEY_LEN];
	const struct crdt_identity *me;
	uint8_t eph_pk[32], eph_sk[32];
	uint8_t peer_eph[32];
	uint8_t ab[32], x1[32], x2[32];
	uint8_t peer_pk[CRDT_PK_LEN];
	uint8_t sig_c[CRDT_SIG_LEN];
	struct crdt_hasher transcript;
};

/* Session result: both directions' keys and the authenticated peer. */
struct net_shs_result {
	uint8_t peer_pk[CRDT_PK_LEN];
	uint8_t tx_key[CRDT_KEY_LEN]; /* for what we send */
	uint8_t rx_key[CRDT_KEY_LEN]; /* for what we receive */
};

/* eph_seed: 32 random bytes for the ephemeral X25519 key. */
void net_shs_init(struct net_shs *h, enum net_shs_role role,
		  const uint8_t K[CRDT_KEY_LEN], const struct crdt_identity *me,
		  const uint8_t eph_seed[32]);
void net_shs_release(struct net_shs *h); /* wipes secrets */

/* Client: write message 1 (NET_SHS_MSG1 bytes). */
void net_shs_client_hello(struct net_shs *h, uint8_t out[NET_SHS_MSG1]);
/* Server: check message 1, write message 2.  KITH_EDENIED on a bad MAC
 * (another community or garbage). */
__attribute__((warn_unused_result)) int
net_shs_server_hello(struct net_shs *h, const uint8_t in[NET_SHS_MSG1],
		     uint8_t out[NET_SHS_MSG2]);
/* Client: check message 2, write message 3. */
__attribute__((warn_unused_result)) int
net_shs_client_auth(struct net_shs *h, const uint8_t in[NET_SHS_MSG2],
		    uint8_t out[NET_SHS_MSG3]);
/* Server: check message 3 (learns the client), write message 4, done. */
__attribute__((warn_unused_result)) int
net_shs_server_accept(struct net_shs *h, const uint8_t in[NET_SHS_MSG3],
		      uint8_t out[NET_SHS_MSG4], struct net_shs_result *res);
/* Client: check message 4 (learns the server), done. */
__attribute__((warn_unused_result)) int
net_shs_client_finish(struct net_shs *h, const uint8_t in[NET_SHS_MSG4],
		      struct net_shs_result *res);

#endif
