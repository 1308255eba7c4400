/*
 * recon.h - what two replicas lack from each other, from their version
 * vectors (author -> head seq), in at most three round trips and with cost
 * that grows with the number of differing authors, not with the community.
 *
 * Round 1 (both sides at once): HELLO = version:u8 n:varint fp:16, where fp
 * is a fingerprint of the whole vector.  Equal fp: in sync, done (one round
 * trip, constant bytes).
 *
 * Otherwise range-based set reconciliation (Meyer; as in negentropy) over
 * the set of elements (author, head), with a fixed two-level partition of
 * the author-key space so no range bounds travel: with
 * F = clamp(round(sqrt(max(n_a, n_b) / 6)), 1, 64) agreed from both HELLOs,
 * an author's leaf is (first 8 key bytes as big-endian u64 * F * F) >> 64
 * and its bucket is leaf / F.  A range's fingerprint is the sum mod 2^64 of
 * h(e) = first 8 bytes of BLAKE2b(author || head as u64 le).
 *
 *   RECON1 dialer -> listener:   F bucket fingerprints (u64 le each)
 *   RECON2 listener -> dialer:   for each differing bucket: index:varint
 *          then kind:u8 0 = ENTRIES (the listener's entries of the bucket,
 *          when it holds few) or 1 = SUB (F sub-range fingerprints)
 *   RECON3 dialer -> listener:   for each ENTRIES bucket its own entries of
 *          the bucket; for each SUB bucket, each differing leaf: index and
 *          its own entries of the leaf
 *   RECON4 listener -> dialer:   the listener's entries of those leaves
 *   entries = count:varint { key_prefix:8 head:varint } sorted by key
 *
 * After RECON3 the listener, and after RECON4 (or RECON2 for ENTRIES
 * buckets) the dialer, know the peer's head for every author in a differing
 * range; each side then sends, for its own authors there, the changes above
 * the peer's head (authors the peer lacks entirely have head 0).  Authors
 * one side lacks are sent by the other, so key prefixes are enough.
 *
 * Pure: no I/O, no SQL.  The caller frames and sends what it produces.
 */
#ifndef KITH_RECON_H
#define KITH_RECON_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/bundle.h"
#include "crdt/codec.h"

#define NET_RECON_FP_LEN 16
#define NET_RECON_MAX_MSG (1u << 20)

struct net_recon_send {
	uint8_t pk[32];
	uint64_t from; /* first seq the peer lacks (peer head + 1) */
	uint64_t to;   /* our head */
};

struct net_recon {
	int dialer;
	const struct crdt_vector *mine; /* sorted by pk, owned by the caller */
	uint64_t peer_n;
	unsigned F;
	int state;
	int in_sync;
	/* sends discovered but not yet taken */
	struct net_recon_send *sends;
	size_t nsends, capsends;
	/* dialer: which buckets the listener answered with SUB */
	uint8_t *sub;
	/* listener: leaves it must answer in RECON4 */
	uint32_t *leaves;
	size_t nleaves, capleaves;
	uint64_t bytes_out, bytes_in; /* payload bytes, for benchmarks */
	int rounds;		      /* messages sent by this side */
};

/* mine must stay valid and unchanged while the reconciliation runs. */
void net_recon_init(struct net_recon *r, int dialer,
		    const struct crdt_vector *mine);
void net_recon_release(struct net_recon *r);

/* Our HELLO payload. */
__attribute__((warn_unused_result)) int
net_recon_hello(struct net_recon *r, struct crdt_buf *out);

/*
 * Process a message from the peer (HELLO or RECON1..4).  If we must answer,
 * *out_type is set to the message type and out holds its payload (else
 * *out_type = 0).  KITH_EDECODE on a malformed or unexpected message.
 */
__attribute__((warn_unused_result)) int
net_recon_recv(struct net_recon *r, int type, const uint8_t *p, size_t n,
	       int *out_type, struct crdt_buf *out);

/* 1 once this side knows everything it must send. */
int net_recon_done(const struct net_recon *r);

/* Move up to max discovered sends into out; returns how many. */
size_t net_recon_take_sends(struct net_recon *r, struct net_recon_send *out,
			    size_t max);

/* Fingerprint of a whole vector (the HELLO's fp). */
void net_recon_fingerprint(const struct crdt_vector *vv,
			   uint8_t out[NET_RECON_FP_LEN]);

#endif
