/*
 * hosted.h - the keys of members this machine hosts: neighbours without a
 * device, whose changes a host enters for them (docs/DESIGN.md s5).
 *
 *   DIR/hosted/          mode 0700
 *   DIR/hosted/HEX       one hosted member (HEX: their public key):
 *                        "kith-hosted 1" (14 bytes with its newline), a
 *                        24-byte nonce, then their 64-byte secret key
 *                        encrypted with XChaCha20-Poly1305 (crdt_aead_seal)
 *                        under the host's CRDT_IDKEY_HOSTED subkey, with
 *                        the member's and the host's public keys as
 *                        associated data: 0600
 *   DIR/hosted/HEX.head  that member's head file (peer/keystore.h)
 *
 * The key is the host's identity: only a machine holding the host's
 * identity opens these files, a file copied into another data directory
 * or renamed to another member does not open.  A member's key is loaded
 * one at a time, for the one command or page acting as them, into
 * guarded memory (crdt_identity), and released after; a building's
 * machine may host thousands without holding them all.
 *
 * Ownership: the caller owns the identities it passes and gets.
 */
#ifndef KITH_HOSTED_H
#define KITH_HOSTED_H

#include <stdint.h>

#include "crdt/crypto.h"

/* Save member's key for host.  KITH_EEXISTS when already hosted here. */
__attribute__((warn_unused_result)) int
peer_hosted_save(const char *dir, const struct crdt_identity *host,
		 const struct crdt_identity *member);
/* Load the key of hosted member pk into out: KITH_ENOTFOUND when this
 * machine does not host them, KITH_ECRYPT when the file does not open
 * under host (another host's file, damaged), KITH_EDECODE when it is not
 * a hosted key file. */
__attribute__((warn_unused_result)) int
peer_hosted_load(const char *dir, const struct crdt_identity *host,
		 const uint8_t pk[CRDT_PK_LEN], struct crdt_identity *out);
/* Whether DIR/hosted/HEX exists (no key needed). */
int peer_hosted_here(const char *dir, const uint8_t pk[CRDT_PK_LEN]);
/* Call fn for each hosted member's public key, in no set order, until it
 * returns non-zero (that is returned).  0 when none. */
__attribute__((warn_unused_result)) int
peer_hosted_each(const char *dir,
		 int (*fn)(void *ctx, const uint8_t pk[CRDT_PK_LEN]),
		 void *ctx);
/* Forget hosted member pk: their key file is overwritten and removed,
 * their head file removed.  KITH_ENOTFOUND when not hosted here. */
__attribute__((warn_unused_result)) int
peer_hosted_remove(const char *dir, const uint8_t pk[CRDT_PK_LEN]);

#endif
