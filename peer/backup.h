/*
 * backup.h - a member's keys in one file under a passphrase, and putting
 * them back into a data directory (kith backup, kith restore; the rules
 * people hear are in action/backup.h).
 *
 * What a backup holds: the identity's secret key and its head (DIR/head,
 * peer/keystore.h), the community file as it was, and for every member
 * this machine hosts (peer/hosted.h) their secret key and head.  Not the
 * replica: neighbours hold the log, and a restored machine gets it back
 * from them (a sync, a bundle).  The heads are what keep that safe: a
 * restored machine refuses to write until its replica holds the member's
 * own changes up to the head the backup recorded (crdt/replica.h), so a
 * new post never takes a seq already published, and no log forks.  What
 * the old machine wrote after the backup was made, the backup cannot
 * know: a neighbour who holds those changes brings the replica further
 * before the first post; changes that reached nobody are gone.
 *
 * File, version 1 (integers big-endian):
 *
 *   "kith-backup 1\n"     14 bytes: what the file is and its version
 *   alg:u8 ops:u64 mem:u64
 *                         the passphrase's cost (crdt/crypto.h
 *                         crdt_pwhash: alg 1 is Argon2id v1.3), stored
 *                         so that a later kith may choose another
 *   salt:16 nonce:24      random for each file
 *   len:u32               bytes of ciphertext that follow, to the end
 *   ciphertext            the contents, XChaCha20-Poly1305
 *                         (crdt_aead_seal) under crdt_pwhash(passphrase,
 *                         salt), with everything before it as associated
 *                         data: a changed byte anywhere does not open
 *
 * Contents:
 *   sk:64 seq:u64 hash:32          the identity and its head (seq 0: it
 *                                  wrote nothing)
 *   clen:u16 community:clen        the community file (0: none joined)
 *   n:u32, then n times:
 *     sk:64 seq:u64 hash:32        a hosted member and their head
 *
 * A later version says so in its first line: "kith-backup 2" and up are
 * KITH_EVERSION (upgrade kith), whatever follows.  Limits: the community
 * file as peer_community_load reads it (1023 bytes), PEER_BACKUP_HOSTED_MAX
 * hosted members; a file is read up to the size those allow.
 *
 * Ownership: struct peer_backup owns its hosted array; every secret in it
 * is wiped by peer_backup_release, and every buffer holding contents in
 * the clear is wiped before it is freed.
 */
#ifndef KITH_BACKUP_H
#define KITH_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/crypto.h"
#include "crdt/replica.h"

#define PEER_BACKUP_MAGIC "kith-backup "
#define PEER_BACKUP_VERSION 1
#define PEER_BACKUP_COMMUNITY_MAX 1023
#define PEER_BACKUP_HOSTED_MAX 100000

/* One identity: its secret key (seed || pk), public key, head. */
struct peer_backup_key {
	uint8_t sk[CRDT_SK_LEN];
	uint8_t pk[CRDT_PK_LEN];
	struct crdt_head head;
};

struct peer_backup {
	struct peer_backup_key self;
	char community[PEER_BACKUP_COMMUNITY_MAX];
	size_t community_len; /* 0: none */
	struct peer_backup_key *hosted;
	size_t nhosted, cap;
};

void peer_backup_init(struct peer_backup *b);
/* Wipe every secret and free the hosted array. */
void peer_backup_release(struct peer_backup *b);
/* The identity (its key must be loaded) and its head. */
void peer_backup_set_self(struct peer_backup *b, const struct crdt_identity *id,
			  const struct crdt_head *head);
/* Add a hosted member; KITH_ETOOBIG past PEER_BACKUP_HOSTED_MAX. */
__attribute__((warn_unused_result)) int
peer_backup_add_hosted(struct peer_backup *b, const struct crdt_identity *id,
		       const struct crdt_head *head);
/* The community file of dir into b (none: community_len 0);
 * KITH_EDECODE when it is there but damaged. */
__attribute__((warn_unused_result)) int
peer_backup_community(struct peer_backup *b, const char *dir);

/*
 * The file for b under pass (pass_len bytes) at cost p, with salt and
 * nonce from rnd (CRDT_PWHASH_SALT_LEN + CRDT_AEAD_NONCE_LEN random
 * bytes: the caller's, so tests are deterministic): *out (malloc'd, the
 * caller frees) and *len.  0, or crdt_pwhash's errors, KITH_ENOMEM.
 */
#define PEER_BACKUP_RANDOM_LEN (CRDT_PWHASH_SALT_LEN + CRDT_AEAD_NONCE_LEN)
__attribute__((warn_unused_result)) int
peer_backup_seal(const struct peer_backup *b, const char *pass,
		 size_t pass_len, const struct crdt_pwhash_params *p,
		 const uint8_t rnd[PEER_BACKUP_RANDOM_LEN], uint8_t **out,
		 size_t *len);

/*
 * Whether in (len bytes) is a backup this kith can open, before any
 * passphrase is asked for: 0; KITH_EDECODE (not a kith backup, or its
 * header is damaged: a cost out of range, bytes after its end),
 * KITH_EVERSION (a later version or passphrase algorithm: upgrade kith),
 * KITH_ETRUNCATED (shorter than its header says).
 */
__attribute__((warn_unused_result)) int
peer_backup_check(const uint8_t *in, size_t len);
/*
 * Open in with pass into b (initialised here): peer_backup_check's
 * errors, KITH_ECRYPT (a wrong passphrase, or a changed byte: the two
 * cannot be told apart), KITH_EDECODE (contents that are not a backup's:
 * a key whose halves disagree, a damaged community file), KITH_ENOMEM.
 * b holds nothing on failure.
 */
__attribute__((warn_unused_result)) int
peer_backup_open(const uint8_t *in, size_t len, const char *pass,
		 size_t pass_len, struct peer_backup *b);

/* The file at path, up to the largest backup's size, into *out (malloc'd)
 * and *len: 0, KITH_ENOTFOUND, KITH_ETOOBIG (larger: not a backup),
 * -errno. */
__attribute__((warn_unused_result)) int
peer_backup_read(const char *path, uint8_t **out, size_t *len);

/*
 * Whether b can be put into data directory dir without writing over
 * anything: 0; KITH_EEXISTS when dir holds an identity, or a hosted key
 * file that is not the same member's key under b's identity;
 * KITH_ECOMMUNITY when dir joined another community (its community file
 * differs).  Writes nothing.
 */
__attribute__((warn_unused_result)) int
peer_backup_fits(const char *dir, const struct peer_backup *b);
/*
 * Put b into dir (which must exist; call peer_backup_fits first): the
 * community file, each hosted member's key (encrypted under b's identity,
 * peer_hosted_save) and head, the identity's head, then the identity
 * itself, last: until it is in place the directory has no identity, so a
 * restore cut short (a full disk, a power cut) is run again, and files an
 * earlier attempt left that hold the same keys are taken as they are.  A
 * head already kept here that is further along is kept.  0 or the first
 * error.
 */
__attribute__((warn_unused_result)) int
peer_backup_restore(const char *dir, const struct peer_backup *b);

#endif
