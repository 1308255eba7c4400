/*
 * bundle.h - changes carried as files (USB sticks, SD cards, e-mail), and
 * version vectors written to files so a carrier can ask for "what I lack".
 *
 * File layout:
 *   "KITHBNDL" version:u8(1) community_tag:8 stream_header:24
 *   chunk*   chunk = len:u32le ciphertext(len)   (plaintext <= 64 KiB)
 * Chunks are crypto_secretstream_xchacha20poly1305 under a subkey of the
 * community key; the last one carries TAG_FINAL, so a truncated, reordered
 * or altered file fails as a whole.  The tag in the clear only lets us say
 * "another community" instead of "damaged".
 *
 * Plaintext: a sequence of entries
 *   RUN  = 1 author:32 seq:varint [prev:32 if seq > 1] count:varint
 *          { hlc_delta:svarint ops_len:varint ops sig:64 } * count
 *   RAW  = 2 len:varint "body sig"      (fork evidence)
 *   END  = 0 total:varint
 * A run is one author's consecutive changes: author, seq and prev are
 * implied for all but the first, which is what makes a signed single-field
 * edit cost about 90 bytes.
 *
 * Import streams: it decrypts one chunk at a time and applies the changes
 * in batches as they come, all inside one transaction that commits only
 * once the final chunk's tag checked and END matched, so the replica is
 * either updated with every good change or left exactly as it was (a
 * damaged or truncated file keeps nothing).  Memory stays bounded by a
 * chunk, one change and a batch (about 8192 changes), not by the file;
 * the write lock is held while the file is read.  A batch ends between
 * entries, or inside a RUN right after a change whose own signature
 * verifies, so each piece of a cut run reaches crdt_apply vouched for by
 * a good signature, as when a sender cuts a run (crdt/apply.h).
 */
#ifndef KITH_BUNDLE_H
#define KITH_BUNDLE_H

#include <stdint.h>

#include "replica.h"

#define CRDT_BUNDLE_MAX_FILE (1ull << 31)

/* A version vector: author -> highest contiguous seq. */
struct crdt_vv_entry {
	uint8_t pk[CRDT_PK_LEN];
	uint64_t seq;
};
struct crdt_vector {
	struct crdt_vv_entry *v; /* sorted by pk */
	size_t n;
};

__attribute__((warn_unused_result)) int
crdt_vector_load(struct crdt_store *s, struct crdt_vector *vv);
uint64_t crdt_vector_get(const struct crdt_vector *vv, const uint8_t pk[32]);
void crdt_vector_release(struct crdt_vector *vv);
/* Text file: "kith-vector 1" then "<pk hex> <seq>" lines. */
__attribute__((warn_unused_result)) int
crdt_vector_write(const struct crdt_vector *vv, const char *path);
__attribute__((warn_unused_result)) int
crdt_vector_read(struct crdt_vector *vv, const char *path);

struct crdt_export_stats {
	uint64_t changes;
	uint64_t bytes;
	uint64_t left; /* changes that did not fit under max_bytes */
};

/*
 * Write every change that `since` lacks (all when since == NULL) to path,
 * atomically (temp file, fsync, rename).
 */
__attribute__((warn_unused_result)) int
crdt_bundle_export(struct crdt_replica *r, const uint8_t community[32],
		   const struct crdt_vector *since, const char *path,
		   struct crdt_export_stats *st);

/*
 * The plaintext entries (RUN, END) on their own, for sessions (net/): a
 * sink receives the bytes.  crdt_runs_write appends one RUN of the author's
 * changes from..to (KITH_ENOTFOUND if not all held); crdt_runs_end appends
 * END with the number of changes written.  crdt_runs_apply checks and
 * applies such a sequence in one transaction, all or nothing.
 */
struct crdt_sink {
	int (*put)(void *ctx, const void *p, size_t n);
	void *ctx;
};
__attribute__((warn_unused_result)) int
crdt_runs_write(struct crdt_store *s, const uint8_t pk[32], uint64_t from,
		uint64_t to, struct crdt_sink *k);
__attribute__((warn_unused_result)) int crdt_runs_end(struct crdt_sink *k,
						      uint64_t total);
/* 1 if the stored change (pk, seq) carries a signature of its own that was
 * checked good on apply: a sender ends a run only on such a change (see
 * crdt/apply.h on what a run's signature vouches for).  No verification
 * here: a stretch without one is shorter than CRDT_SIG_EVERY changes. */
int crdt_runs_sig_ok(struct crdt_store *s, const uint8_t pk[32], uint64_t seq);
/* on_run (optional) is told each RUN's author, first seq and count.
 * strict: if any change is rejected, keep nothing and return KITH_ESIG
 * (sessions: a frame is applied whole or not at all); otherwise the good
 * changes are kept and the bad ones counted (bundles). */
typedef void (*crdt_run_fn)(void *ctx, const uint8_t pk[32], uint64_t first,
			    uint64_t count);
__attribute__((warn_unused_result)) int
crdt_runs_apply(struct crdt_replica *r, const uint8_t *p, size_t n, int strict,
		struct crdt_apply_stats *st, crdt_run_fn on_run, void *ctx);

/*
 * The same with a size limit for small carriers: authors whose logs hold
 * open critical/urgent wishes or need-help check-ins go first
 * (crdt/community.h), then the others; only whole runs are written, while
 * they fit under max_bytes (file size); fork evidence is left out.
 * KITH_ETOOBIG if not even an empty bundle fits.
 */
__attribute__((warn_unused_result)) int
crdt_bundle_export_max(struct crdt_replica *r, const uint8_t community[32],
		       const struct crdt_vector *since, uint64_t max_bytes,
		       const char *path, struct crdt_export_stats *st);

/* Decrypt, check and apply a bundle file. */
__attribute__((warn_unused_result)) int
crdt_bundle_import(struct crdt_replica *r, const uint8_t community[32],
		   const char *path, struct crdt_apply_stats *st);

#endif
