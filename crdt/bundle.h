/*
 * bundle.h - changes carried as files (USB sticks, SD cards, e-mail).  A
 * carrier can bring back a version vector file (crdt/vector.h) so the next
 * bundle holds only what the other side lacks.
 *
 * File layout:
 *   "KITHBNDL" version:u8(1) community_tag:8 stream_header:24
 *   chunk*   chunk = len:u32le ciphertext(len)   (plaintext <= 64 KiB)
 * Chunks are crypto_secretstream_xchacha20poly1305 under a subkey of the
 * community key; the last one carries TAG_FINAL, so a truncated, reordered
 * or altered file fails as a whole.  The tag in the clear only lets us say
 * "another community" instead of "damaged".
 *
 * Plaintext: a stream of RUN, RAW and END entries (crdt/run.h), cut into
 * chunks without regard to entry boundaries.
 *
 * Import streams: it decrypts one chunk at a time and applies the changes
 * in batches as they come (crdt_runs_read, which may cut a long run after
 * a change whose own signature verifies), all inside one transaction that
 * commits only once the final chunk's tag checked and END matched, so the
 * replica is either updated with every good change or left exactly as it
 * was (a damaged or truncated file keeps nothing).  Memory stays bounded
 * by a chunk, one change and a batch, not by the file; the write lock is
 * held while the file is read.
 *
 * Design: docs/DESIGN.md s4.
 */
#ifndef KITH_BUNDLE_H
#define KITH_BUNDLE_H

#include <stdint.h>

#include "replica.h"
#include "run.h"
#include "vector.h"

#define CRDT_BUNDLE_MAX_FILE (1ull << 31)

struct crdt_export_stats {
	uint64_t changes;
	uint64_t bytes;
	uint64_t left; /* changes that did not fit under max_bytes */
};

/*
 * Write every change that `since` lacks (all when since == NULL), and the
 * fork evidence held, to path, atomically (crdt/atomic.h).
 */
__attribute__((warn_unused_result)) int
crdt_bundle_export(struct crdt_replica *r, const uint8_t community[32],
		   const struct crdt_vector *since, const char *path,
		   struct crdt_export_stats *st);

/*
 * The same with a size limit for small carriers: authors whose logs hold
 * open critical/urgent wishes or need-help check-ins go first
 * (crdt_urgent_authors, crdt/community.h), then the others; only whole
 * runs are written, while they fit under max_bytes (file size); fork
 * evidence is left out.  KITH_ETOOBIG if not even an empty bundle fits.
 * max_bytes 0: no limit (crdt_bundle_export).
 */
__attribute__((warn_unused_result)) int
crdt_bundle_export_max(struct crdt_replica *r, const uint8_t community[32],
		       const struct crdt_vector *since, uint64_t max_bytes,
		       const char *path, struct crdt_export_stats *st);

/* Decrypt, check and apply a bundle file; st is added to on success.
 * Errors are reported as if the whole file was decrypted before parsing:
 * damage to the file first (KITH_ECRYPT, KITH_ETRUNCATED, ...), then a
 * malformed plaintext (KITH_ECRYPT: sealed by a member, but malformed),
 * then the store's. */
__attribute__((warn_unused_result)) int
crdt_bundle_import(struct crdt_replica *r, const uint8_t community[32],
		   const char *path, struct crdt_apply_stats *st);

#endif
