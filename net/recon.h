/*
 * recon.h - what two replicas lack from each other, from their version
 * vectors (author -> head seq), in at most three round trips and with cost
 * that grows with the number of differing authors, not with the community.
 *
 * Round 1 (both sides at once): HELLO = version:u8 n:varint fp:16, where n
 * is the number of vector entries and fp the first 16 bytes of
 * BLAKE2b-256(pk:32 head:u64le for every entry, in pk order).  A HELLO
 * with another version is malformed.  Equal fp: in sync, both sides are
 * done (one message each way, 18..27 bytes of payload each).
 *
 * Otherwise range-based set reconciliation (Meyer; as in negentropy) over
 * the set of elements (author, head), with a fixed two-level partition of
 * the author-key space so no range bounds travel: with
 * F = clamp(round(sqrt(max(n_a, n_b) / 6)), 1, 64) agreed from both HELLOs
 * (in integers: the largest f in 1..64 that is 1 or has
 * 3 (2f - 1)^2 <= 2 max(n_a, n_b)), an author's leaf is
 * (first 8 key bytes as big-endian u64 * F * F) >> 64 (a 128-bit product)
 * and its bucket is leaf / F.  A range's fingerprint is the sum mod 2^64 of
 * h(e) = first 8 bytes, as u64 le, of BLAKE2b-256(author:32 || head:u64le).
 *
 *   RECON1 dialer -> listener:   F bucket fingerprints (u64 le each)
 *   RECON2 listener -> dialer:   count:varint, then for each differing
 *          bucket, by increasing index: index:varint kind:u8, kind 0 =
 *          ENTRIES (the listener's entries of the bucket, when it holds at
 *          most max(8, F) there) or 1 = SUB (F leaf fingerprints, u64 le)
 *   RECON3 dialer -> listener:   for each bucket of RECON2, in its order:
 *          ENTRIES: the dialer's heads for the listener's entries of the
 *          bucket; SUB: count:varint of differing leaves, then for each by
 *          increasing offset: offset in the bucket:varint and the dialer's
 *          entries of the leaf
 *   RECON4 listener -> dialer:   for each leaf listed in RECON3, in that
 *          order, the listener's heads for the dialer's entries there
 *   entries = count:varint { key_prefix:8 head:varint }, keys
 *          non-decreasing and inside the range
 *   heads = one head:varint for each entry the peer listed for the range,
 *          in its order, 0 when we lack that author (no count: the peer
 *          knows how many it listed)
 * Every message must be consumed exactly; trailing bytes are malformed.
 * An answer is heads rather than entries because the asker's keys are
 * all that matter to it: entries there would make a small replica meeting
 * a large one carry the large side's whole key list back for nothing
 * (100 KB at 10,000 authors, more than a frame past ~95,000).
 *
 * After RECON3 the listener, and after RECON4 (or RECON2 for ENTRIES
 * buckets) the dialer, know the peer's head for every author of theirs in
 * a differing range; each side then sends, for its own authors there, the
 * changes above the peer's head (authors the peer lacks entirely have head
 * 0).  Authors one side lacks are sent by the other, so key prefixes are
 * enough.  (Two authors sharing 8 key bytes, ~n^2 / 2^65, are compared as
 * one: the lower head counts, so a side may send too much, or a run the
 * peer cannot chain if it lacks the author entirely; it is not worth 24
 * more bytes a key.)
 *
 * Who sends what, and when each side is done (net_recon_done):
 *   - in sync: neither sends more than its HELLO; both done on the HELLO.
 *   - dialer: sends RECON1 when the peer's HELLO differs, RECON3 (always,
 *     possibly empty) on RECON2.  Done on RECON2 if it had no SUB bucket,
 *     else on RECON4.
 *   - listener: on a differing HELLO waits for RECON1, answers RECON2
 *     (possibly count 0), then on RECON3 is done and answers RECON4, which
 *     is sent exactly when RECON2 had a SUB bucket (possibly with no
 *     leaves, then it is empty) and omitted otherwise.
 * Anything else (a second HELLO, a message out of turn or after done, an
 * unknown type) is KITH_EDECODE and ends the reconciliation.
 *
 * Size: a message is at most NET_RECON_MAX_MSG bytes (one frame with its
 * type byte).  Entries cost ~10 bytes, so RECON3 fails with KITH_ETOOBIG
 * when the dialer holds more than ~95,000 authors in differing leaves
 * (both sides that large and mostly disjoint: not a neighbourhood).
 *
 * Pure: no I/O, no SQL.  The caller frames and sends what it produces.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_RECON_H
#define KITH_RECON_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/codec.h"
#include "crdt/vector.h"

#define NET_RECON_FP_LEN 16
/* payload bytes; with the type byte it fits one frame (net/frame.h) */
#define NET_RECON_MAX_MSG ((1u << 20) - 1)

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
	/* per bucket: 0 equal, 1 ENTRIES, 2 SUB (as RECON2 said; both sides) */
	uint8_t *sub;
	/* dialer: leaves it listed in RECON3, in wire order (RECON4's) */
	uint32_t *leaves;
	size_t nleaves, capleaves;
	uint64_t bytes_out, bytes_in; /* payload bytes, for benchmarks */
	int rounds;		      /* messages sent by this side */
};

/* mine must stay valid and unchanged while the reconciliation runs. */
void net_recon_init(struct net_recon *r, int dialer,
		    const struct crdt_vector *mine);
void net_recon_release(struct net_recon *r);

/* Our HELLO payload (out is reset first). */
__attribute__((warn_unused_result)) int
net_recon_hello(struct net_recon *r, struct crdt_buf *out);

/*
 * Process a message from the peer (HELLO or RECON1..4).  out is reset; if
 * we must answer, *out_type is set to the message type and out holds its
 * payload (else *out_type = 0).  KITH_EDECODE on a malformed or unexpected
 * message, KITH_ETOOBIG when the answer exceeds out's limit or
 * NET_RECON_MAX_MSG; after any error every later call fails too.  Sends
 * found before an error stay takeable.
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
