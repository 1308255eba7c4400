/*
 * seal.h - private parts: text only chosen members can read.
 *
 * A wish or a member profile can carry a private part (address, phone,
 * medical detail).  It travels in the signed change as an opaque byte field
 * (F_WISH_PRIVATE, F_MEMBER_PRIVATE; CRDT_F_BLOB), so every replica stores
 * and forwards it, but only its recipients can open it: a random content
 * key encrypts the text once, and that key is sealed to each recipient's
 * identity key (Ed25519, converted to X25519; see crdt_box_seal in
 * crypto.h).  Who the recipients are is the caller's choice (the CLI seals
 * to the author, the coordinators, members named with --private-to and a
 * wish's accepted helper).
 *
 * Envelope (version 1; all of it must fit in one field, CRDT_SEAL_MAX):
 *
 *   envelope  = version:u8(1) n:varint(1..CRDT_SEAL_MAX_RECIPIENTS)
 *               recipient*n nonce:24 box
 *   recipient = prefix:8   the first 8 bytes of the recipient's Ed25519 key
 *               sealed:80  crdt_box_seal(content key:32) to that key
 *   box       = XChaCha20-Poly1305-IETF(text, key = content key, nonce,
 *               ad = author:32 || every envelope byte before the nonce)
 *
 * so an envelope is 1 + 1 + 88 n + 24 + 16 + len(text) bytes.  The prefix
 * only saves a recipient from trying every entry; an opener tries each
 * entry with its prefix.  The associated data binds the text to the
 * recipient list and to the author of the record that carries it: an
 * envelope copied into another member's record does not open.
 *
 * Limits of what this protects: the number of recipients, their key
 * prefixes and the text's length are visible to everyone; the log is
 * grow-only, so whoever could open an earlier version keeps it.
 *
 * Randomness (content key, nonce, ephemeral keys) comes from the injected
 * struct crdt_env, so tests are deterministic.  Secrets on the stack (the
 * content key, ephemeral seeds) are wiped on every path.
 *
 * Design: docs/DESIGN.md s5.
 */
#ifndef KITH_SEAL_H
#define KITH_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "change.h"
#include "crypto.h"
#include "replica.h"

#define CRDT_SEAL_VERSION 1
#define CRDT_SEAL_PREFIX_LEN 8
#define CRDT_SEAL_ENTRY_LEN                                                   \
	(CRDT_SEAL_PREFIX_LEN + CRDT_KEY_LEN + CRDT_BOX_SEALBYTES) /* 88 */
#define CRDT_SEAL_MAX_RECIPIENTS 32
#define CRDT_SEAL_MAX CRDT_MAX_TEXT /* a whole envelope: one field value */

/* Envelope size for a text of len bytes and n recipients. */
size_t crdt_seal_size(size_t len, size_t n);
/* The longest text that fits for n recipients (0 when none does). */
size_t crdt_seal_max_text(size_t n);

/* A set of recipients (no duplicates), in the order added. */
struct crdt_seal_to {
	uint8_t pk[CRDT_SEAL_MAX_RECIPIENTS][CRDT_PK_LEN];
	size_t n;
};
void crdt_seal_to_init(struct crdt_seal_to *t);
/* 0 (also when pk is in the set already) or KITH_ETOOBIG when full. */
__attribute__((warn_unused_result)) int
crdt_seal_to_add(struct crdt_seal_to *t, const uint8_t pk[CRDT_PK_LEN]);

/*
 * Seal text (len bytes) from author to the n recipient keys into out (cap
 * bytes); *out_len gets the envelope size.  KITH_EINVAL when n == 0 or a
 * key is not a usable Ed25519 key; KITH_ETOOBIG when n exceeds
 * CRDT_SEAL_MAX_RECIPIENTS, the envelope would exceed CRDT_SEAL_MAX, or cap
 * is too small.
 */
__attribute__((warn_unused_result)) int
crdt_seal(uint8_t *out, size_t cap, size_t *out_len, const void *text,
	  size_t len, const uint8_t author[CRDT_PK_LEN],
	  const uint8_t (*to)[CRDT_PK_LEN], size_t n,
	  const struct crdt_env *env);

/*
 * Open an envelope of a record written by author, as identity id: the text
 * into out (cap bytes, NUL-terminated, so cap >= CRDT_SEAL_MAX + 1 always
 * suffices), its length in *out_len.  KITH_EDENIED when id is not a
 * recipient, KITH_ECRYPT when it is but the envelope was tampered with (or
 * belongs to another author), KITH_EDECODE when malformed or truncated,
 * KITH_EVERSION for a newer envelope version, KITH_ETOOBIG when cap is too
 * small.  out holds nothing on failure.
 */
__attribute__((warn_unused_result)) int
crdt_seal_open(char *out, size_t cap, size_t *out_len, const uint8_t *env,
	       size_t len, const uint8_t author[CRDT_PK_LEN],
	       const struct crdt_identity *id);

/*
 * The recipients of an envelope, as key prefixes: *n gets their number and
 * the first min(n, cap) prefixes are copied (prefix may be NULL with cap
 * 0).  0, KITH_EDECODE or KITH_EVERSION.
 */
__attribute__((warn_unused_result)) int
crdt_seal_recipients(const uint8_t *env, size_t len,
		     uint8_t (*prefix)[CRDT_SEAL_PREFIX_LEN], size_t cap,
		     size_t *n);

#endif
