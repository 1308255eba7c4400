/*
 * keystore.h - the data directory: where it is, the member's identity, the
 * community key, and invite codes.
 *
 *   DIR/identity     Ed25519 secret key, 64 bytes, mode 0600
 *   DIR/member       on a linked device only: "kith-member 1", then the
 *                    member its identity belongs to (hex), 0600; the
 *                    identity signs as one of that member's devices
 *                    (docs/DESIGN.md s5)
 *   DIR/community    "kith-community 1", name, key (hex), then creator (hex;
 *                    communities created before genesis records) or
 *                    genesis (hex: the community id), 0600
 *   DIR/replica.db   the replica (crdt/store.h)
 *   DIR/head         "kith-head 1", author (hex), seq, hash (hex), 0600:
 *                    the identity's newest change committed on this
 *                    machine, kept next to the identity so that a lost,
 *                    damaged or rolled-back replica.db is noticed before
 *                    the author writes over its own published log
 *                    (crdt/replica.h has the rules and crash windows)
 *   DIR/hosted/        the members this machine hosts (peer/hosted.h),
 *                    each with its own head file there
 *
 * Key files are written to a temp file, fsync'd and renamed into place,
 * then the directory is fsync'd (so the rename itself survives a power
 * cut); an identity is never overwritten.  Secrets read from disk are
 * wiped from the stack buffers they pass through.
 *
 * The head file is not secret, but 0600 like its neighbours.  Losing it
 * only loses the protection: the replica is the truth then and the next
 * open writes a new one.  Deleting it is also the way out for a member
 * who knows the missing changes are gone for good (no neighbour, bundle
 * or backup holds them): the next write reuses their seqs.
 *
 * Invite code: "kith1" + base32 (RFC 4648, lowercase, no padding) of
 *   version:u8 key:32 id:32 name_len:u8 name checksum:4
 * where checksum = BLAKE2b-32 of what precedes it, so a mistyped code is
 * rejected instead of joining a community that does not exist.  Spaces,
 * dashes and case are ignored when reading a code; otherwise a code has
 * one spelling (the unused bits of the last character are zero).
 *   version 2: id is the community's genesis id (crdt/community.h).  The
 *     creator is whoever signed the genesis change, learnt from the
 *     replica, never from the code; and the key used on the wire is the
 *     key bound to the id (crdt_community_bind), so a member who re-encodes
 *     a code with an id of their own gets a newcomer nowhere but to them.
 *   version 1 (older communities): id is the creator's key, taken on
 *     trust.
 * A code of a later version gets KITH_EVERSION ("upgrade kith").
 *
 * Link code (`kith device add`, action/device.h): "kithlink1" + base32 of
 *   version:u8 (1) invite:(version key id name_len name, as above)
 *   seed:32 member:32 seq:u64 (big-endian) head:32 checksum:4
 * the seed of a key, the member it belongs to, and that key's head: the
 * seq and hash of its newest change (for a new device: its first, the
 * claim of the member, already in the member's replica).  A key that is
 * the member's own (member = its public key) hands a hosted member over
 * to a device of their own (`kith member handover`).  It is a secret
 * like the identity file: whoever holds it can write as that key.
 *
 * Design: docs/DESIGN.md s5.
 */
#ifndef KITH_KEYSTORE_H
#define KITH_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "crdt/crypto.h"
#include "crdt/replica.h"

#define PEER_NAME_MAX 64
#define PEER_PATH_MAX 4096
#define PEER_INVITE_MAX 256
#define PEER_LINK_MAX 512

struct peer_community {
	char name[PEER_NAME_MAX + 1];
	uint8_t key[CRDT_KEY_LEN];
	uint8_t creator[CRDT_PK_LEN]; /* version 1 only */
	uint8_t genesis[CRDT_HASH_LEN]; /* version 2: the community id */
	int version;		       /* 1 or 2 */
};

/* The key bundles and sessions use (version 2: bound to the genesis). */
void peer_community_wire_key(const struct peer_community *c,
			     uint8_t out[CRDT_KEY_LEN]);

/* --home, else $KITH_HOME, else $XDG_DATA_HOME/kith, else
 * ~/.local/share/kith. */
__attribute__((warn_unused_result)) int
peer_home(const char *arg, char *out, size_t cap);
/* Create DIR (and parents) with mode 0700 if missing. */
__attribute__((warn_unused_result)) int peer_home_ensure(const char *dir);
/* DIR/name into out. */
__attribute__((warn_unused_result)) int
peer_path(char *out, size_t cap, const char *dir, const char *name);

/* Write DIR/name 0600 whole or not at all: temp file, fsync, then link
 * (overwrite 0: KITH_EEXISTS when it exists) or rename, then fsync DIR. */
__attribute__((warn_unused_result)) int
peer_write_secret(const char *dir, const char *name, const void *p, size_t n,
		  int overwrite);
/* fsync directory dir, so that a file created, renamed or linked in it
 * (or a directory made in it) is on disk; 0 or -errno. */
__attribute__((warn_unused_result)) int peer_sync_dir(const char *dir);
/* Read up to cap bytes of DIR/name; KITH_ENOTFOUND when missing. */
__attribute__((warn_unused_result)) int
peer_read_file(const char *dir, const char *name, uint8_t *buf, size_t cap,
	       size_t *len);
/* Make a new identity from env randomness; KITH_EEXISTS if one exists. */
__attribute__((warn_unused_result)) int
peer_identity_create(const char *dir, const struct crdt_env *env,
		     struct crdt_identity *id);
/* KITH_ENOIDENT when there is none. */
__attribute__((warn_unused_result)) int
peer_identity_load(const char *dir, struct crdt_identity *id);

/* The member a linked device belongs to (DIR/member); KITH_ENOTFOUND
 * on a member's own machine (the identity is the member), KITH_EDECODE
 * when damaged. */
__attribute__((warn_unused_result)) int
peer_member_load(const char *dir, uint8_t member[CRDT_PK_LEN]);
/* Write DIR/member once (KITH_EEXISTS when there is one). */
__attribute__((warn_unused_result)) int
peer_member_save(const char *dir, const uint8_t member[CRDT_PK_LEN]);

/* The head recorded for author pk (DIR/head, or a hosted member's own);
 * KITH_ENOTFOUND when there is no head
 * file or it belongs to another identity, KITH_EDECODE when damaged. */
__attribute__((warn_unused_result)) int
peer_head_load(const char *dir, const uint8_t pk[CRDT_PK_LEN],
	       struct crdt_head *h);
/* Replace the head file (temp, fsync, rename, fsync of DIR). */
__attribute__((warn_unused_result)) int
peer_head_save(const char *dir, const uint8_t pk[CRDT_PK_LEN],
	       const struct crdt_head *h);

/* KITH_ENOCOMMUNITY when there is none. */
__attribute__((warn_unused_result)) int
peer_community_load(const char *dir, struct peer_community *c);
/* The text of a community file (len bytes, as peer_community_load reads
 * it) into c; KITH_EDECODE when it is not one. */
__attribute__((warn_unused_result)) int
peer_community_parse(const char *text, size_t len, struct peer_community *c);
/* KITH_EEXISTS if one is already joined. */
__attribute__((warn_unused_result)) int
peer_community_save(const char *dir, const struct peer_community *c);
void peer_community_wipe(struct peer_community *c);

__attribute__((warn_unused_result)) int
peer_invite_encode(const struct peer_community *c, char *out, size_t cap);
/* KITH_ECHECKSUM on a mistyped code, KITH_EDECODE if not a code at all. */
__attribute__((warn_unused_result)) int
peer_invite_decode(const char *code, struct peer_community *c);

/* A device's link code, decoded. */
struct peer_link {
	struct peer_community community;
	uint8_t seed[32];		/* the device's key */
	uint8_t member[CRDT_PK_LEN];	/* whose key it is */
	uint64_t seq;			/* its head: newest seq (>= 1) */
	uint8_t head[CRDT_HASH_LEN];	/* ... and that change's hash */
};

__attribute__((warn_unused_result)) int
peer_link_encode(const struct peer_link *l, char *out, size_t cap);
/* KITH_ECHECKSUM on a mistyped code, KITH_EDECODE if not a link code,
 * KITH_EVERSION from a later kith; l is wiped on failure. */
__attribute__((warn_unused_result)) int
peer_link_decode(const char *code, struct peer_link *l);
void peer_link_wipe(struct peer_link *l);

#endif
