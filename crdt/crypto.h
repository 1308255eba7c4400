/*
 * crypto.h - the only module that calls libsodium primitives directly.
 *
 * Everything else in kith asks this module to sign, verify, hash, derive keys
 * and encrypt bundle streams, so key handling is in one place: secret keys
 * live in sodium_malloc'd memory (guarded, locked, wiped on free), and secrets
 * copied onto the stack are wiped with sodium_memzero on every path.
 *
 * Randomness is injected (struct crdt_env in replica.h); functions here that
 * need it take the random bytes as input, so tests are deterministic.  The
 * system's randomness itself comes from crdt_crypto_random (what the real
 * environment, crdt_env_system, uses).
 *
 * No other file includes sodium.h or calls libsodium (docs/DESIGN.md s1); when
 * a module needs another primitive, it gets a wrapper here, documented with
 * the libsodium construction it uses (wire formats depend on it).
 * tests/lint/layers.sh fails the build otherwise.
 */
#ifndef KITH_CRYPTO_H
#define KITH_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRDT_PK_LEN 32
#define CRDT_SK_LEN 64
#define CRDT_SEED_LEN 32
#define CRDT_SIG_LEN 64
#define CRDT_HASH_LEN 32
#define CRDT_KEY_LEN 32
#define CRDT_TAG_LEN 8

/* sodium_init(); 0 or KITH_EIO. */
__attribute__((warn_unused_result)) int crdt_crypto_init(void);

/* n bytes from the system's cryptographic random source
 * (randombytes_buf); cannot fail. */
void crdt_crypto_random(void *buf, size_t n);

/* An Ed25519 identity; sk is sodium_malloc'd and owned by the struct. */
struct crdt_identity {
	uint8_t pk[CRDT_PK_LEN];
	uint8_t *sk;
};

/* Derive the keypair from a 32-byte seed (the caller's random bytes). */
__attribute__((warn_unused_result)) int
crdt_identity_from_seed(struct crdt_identity *id, const uint8_t seed[32]);
/* Load from a 64-byte secret key (seed || pk) as stored on disk;
 * KITH_EDECODE when the public half is not the seed's. */
__attribute__((warn_unused_result)) int
crdt_identity_from_sk(struct crdt_identity *id, const uint8_t sk[64]);
void crdt_identity_release(struct crdt_identity *id);
/* A 32-byte key only this identity can derive, one per purpose: its seed
 * as the master key of crypto_kdf_derive_from_key (context "kith-id ",
 * subkey id which).  Hosted members' keys are encrypted at rest under
 * CRDT_IDKEY_HOSTED of their host (peer/keystore.h). */
enum crdt_idkey { CRDT_IDKEY_HOSTED = 1 };
void crdt_identity_subkey(uint8_t out[CRDT_KEY_LEN],
			  const struct crdt_identity *id, enum crdt_idkey which);

void crdt_sign(uint8_t sig[CRDT_SIG_LEN], const uint8_t *msg, size_t len,
	       const struct crdt_identity *id);
__attribute__((warn_unused_result)) int
crdt_verify(const uint8_t sig[CRDT_SIG_LEN], const uint8_t *msg, size_t len,
	    const uint8_t pk[CRDT_PK_LEN]);

/* BLAKE2b of msg, out_len bytes (16..64). */
void crdt_hash(uint8_t *out, size_t out_len, const void *msg, size_t len);

/* Incremental BLAKE2b-256. */
struct crdt_hasher {
	unsigned char state[384] __attribute__((aligned(64)));
};
void crdt_hasher_init(struct crdt_hasher *h);
void crdt_hasher_update(struct crdt_hasher *h, const void *p, size_t n);
void crdt_hasher_final(struct crdt_hasher *h, uint8_t out[CRDT_HASH_LEN]);

/* Constant-time equality of secrets, MACs, keys and tags. */
int crdt_equal(const void *a, const void *b, size_t n);

void crdt_wipe(void *p, size_t n);

/* Subkeys of the community key, one per purpose (crypto_kdf). */
enum crdt_subkey { CRDT_SUBKEY_BUNDLE = 1, CRDT_SUBKEY_TAG = 2 };
void crdt_community_subkey(uint8_t out[CRDT_KEY_LEN],
			   const uint8_t community[CRDT_KEY_LEN],
			   enum crdt_subkey which);
/* Public 8-byte tag naming a community without revealing its key. */
/* The key a community of version 2 uses on the wire: its invite key bound
 * to its genesis id (crdt/community.h), so a code re-encoded with another
 * id opens nothing of the real community. */
void crdt_community_bind(uint8_t out[CRDT_KEY_LEN],
			 const uint8_t key[CRDT_KEY_LEN],
			 const uint8_t genesis[CRDT_HASH_LEN]);
void crdt_community_tag(uint8_t tag[CRDT_TAG_LEN],
			const uint8_t community[CRDT_KEY_LEN]);

/*
 * Authenticated encryption of a stream of chunks (bundles), with
 * crypto_secretstream_xchacha20poly1305: reordering, truncation and tampering
 * are all detected; the last chunk carries the FINAL tag.
 */
#define CRDT_STREAM_HEADER_LEN 24
#define CRDT_STREAM_ABYTES 17
struct crdt_stream {
	unsigned char state[64] __attribute__((aligned(16)));
};
__attribute__((warn_unused_result)) int
crdt_stream_push_init(struct crdt_stream *s,
		      uint8_t header[CRDT_STREAM_HEADER_LEN],
		      const uint8_t key[CRDT_KEY_LEN]);
/* out must hold len + CRDT_STREAM_ABYTES bytes. */
void crdt_stream_push(struct crdt_stream *s, uint8_t *out, const uint8_t *in,
		      size_t len, int final);
__attribute__((warn_unused_result)) int
crdt_stream_pull_init(struct crdt_stream *s,
		      const uint8_t header[CRDT_STREAM_HEADER_LEN],
		      const uint8_t key[CRDT_KEY_LEN]);
/* in_len >= CRDT_STREAM_ABYTES; out gets in_len - ABYTES bytes; *final set
 * when this was the last chunk.  0 or KITH_ECRYPT. */
__attribute__((warn_unused_result)) int
crdt_stream_pull(struct crdt_stream *s, uint8_t *out, const uint8_t *in,
		 size_t in_len, int *final);
void crdt_stream_release(struct crdt_stream *s);

/*
 * Sealed boxes to a member (crdt/seal.h uses them for private parts).  The
 * recipient's Ed25519 identity key is converted to X25519
 * (crypto_sign_ed25519_pk_to_curve25519); the output is libsodium's
 * crypto_box_seal format, ephemeral pk:32 || crypto_box_easy(in) with nonce
 * BLAKE2b-192(ephemeral pk || recipient pk), CRDT_BOX_SEALBYTES longer than
 * the input.  The ephemeral key pair is derived from eseed, the caller's
 * random bytes (so tests are deterministic); never reuse an eseed.
 * Seal: 0, or KITH_EINVAL when pk is not a usable Ed25519 key.
 * Open with our identity (its secret key is converted for the call and the
 * copy wiped): out gets in_len - CRDT_BOX_SEALBYTES bytes; 0 or KITH_ECRYPT.
 */
#define CRDT_BOX_SEALBYTES 48
__attribute__((warn_unused_result)) int
crdt_box_seal(uint8_t *out, const uint8_t *in, size_t len,
	      const uint8_t pk[CRDT_PK_LEN], const uint8_t eseed[CRDT_SEED_LEN]);
__attribute__((warn_unused_result)) int
crdt_box_seal_open(uint8_t *out, const uint8_t *in, size_t in_len,
		   const struct crdt_identity *id);

/*
 * Authenticated encryption of one message under a secret key with an
 * explicit 24-byte nonce and associated data (XChaCha20-Poly1305, IETF).
 * out holds len + CRDT_AEAD_ABYTES bytes; open gives in_len - ABYTES bytes,
 * 0 or KITH_ECRYPT (also when in_len < ABYTES).
 */
#define CRDT_AEAD_NONCE_LEN 24
#define CRDT_AEAD_ABYTES 16
void crdt_aead_seal(uint8_t *out, const uint8_t *in, size_t len,
		    const uint8_t *ad, size_t ad_len,
		    const uint8_t nonce[CRDT_AEAD_NONCE_LEN],
		    const uint8_t key[CRDT_KEY_LEN]);
__attribute__((warn_unused_result)) int
crdt_aead_open(uint8_t *out, const uint8_t *in, size_t in_len,
	       const uint8_t *ad, size_t ad_len,
	       const uint8_t nonce[CRDT_AEAD_NONCE_LEN],
	       const uint8_t key[CRDT_KEY_LEN]);

/*
 * The primitives of the session handshake (net/shs.h); keys and outputs
 * are 32 bytes.
 *
 * MAC: HMAC-SHA-512-256 (crypto_auth).  Verify is constant time: 0, or
 * KITH_ECRYPT.
 */
#define CRDT_MAC_LEN 32
void crdt_mac(uint8_t mac[CRDT_MAC_LEN], const uint8_t *msg, size_t len,
	      const uint8_t key[CRDT_KEY_LEN]);
__attribute__((warn_unused_result)) int
crdt_mac_verify(const uint8_t mac[CRDT_MAC_LEN], const uint8_t *msg,
		size_t len, const uint8_t key[CRDT_KEY_LEN]);

/*
 * X25519 (crypto_scalarmult).  A secret is any 32 bytes (the scalar is
 * clamped); the functions that compute a shared secret return 0, or
 * KITH_ECRYPT when the other key is not a usable point (the result would
 * be all zero) - then out must not be used.
 *   _base:  the public key of secret sk.
 *   _own:   our identity's long-term Ed25519 secret key, converted to
 *           X25519 (crypto_sign_ed25519_sk_to_curve25519; the converted
 *           copy is wiped), with the peer's X25519 key pk.  KITH_ECRYPT
 *           also when the identity has no secret key.
 *   _peer:  our X25519 secret sk with the peer's long-term Ed25519 key,
 *           converted (crypto_sign_ed25519_pk_to_curve25519); KITH_ECRYPT
 *           also when ed_pk is not a valid Ed25519 key.
 */
#define CRDT_X25519_LEN 32
void crdt_x25519_base(uint8_t pk[CRDT_X25519_LEN],
		      const uint8_t sk[CRDT_X25519_LEN]);
__attribute__((warn_unused_result)) int
crdt_x25519(uint8_t out[CRDT_X25519_LEN], const uint8_t sk[CRDT_X25519_LEN],
	    const uint8_t pk[CRDT_X25519_LEN]);
__attribute__((warn_unused_result)) int
crdt_x25519_own(uint8_t out[CRDT_X25519_LEN], const struct crdt_identity *id,
		const uint8_t pk[CRDT_X25519_LEN]);
__attribute__((warn_unused_result)) int
crdt_x25519_peer(uint8_t out[CRDT_X25519_LEN],
		 const uint8_t sk[CRDT_X25519_LEN],
		 const uint8_t ed_pk[CRDT_PK_LEN]);

/*
 * One message under a secret key and a 24-byte nonce, XSalsa20-Poly1305
 * (crypto_secretbox_easy): out holds len + CRDT_SECRETBOX_MAC_LEN bytes,
 * the MAC first.  Open gives in_len - CRDT_SECRETBOX_MAC_LEN bytes: 0, or
 * KITH_ECRYPT (forged, altered, wrong key, or in_len < MAC_LEN).
 */
#define CRDT_SECRETBOX_NONCE_LEN 24
#define CRDT_SECRETBOX_MAC_LEN 16
__attribute__((warn_unused_result)) int
crdt_secretbox_seal(uint8_t *out, const uint8_t *in, size_t len,
		    const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN],
		    const uint8_t key[CRDT_KEY_LEN]);
__attribute__((warn_unused_result)) int
crdt_secretbox_open(uint8_t *out, const uint8_t *in, size_t in_len,
		    const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN],
		    const uint8_t key[CRDT_KEY_LEN]);

/*
 * A key from a passphrase (crypto_pwhash, Argon2id v1.3): 32 bytes from
 * the passphrase and a 16-byte random salt, at a cost (operations and
 * memory) that is stored next to the salt, so a file made with one cost
 * opens with whatever a later kith chooses (peer/backup.h).
 *
 * The cost kith uses, CRDT_PWHASH_DEFAULT, is libsodium's MODERATE (3
 * passes over 256 MiB, about a second on a laptop, a few on a Raspberry
 * Pi 3), not INTERACTIVE (64 MiB): what it protects is a backup file that
 * holds every key of a member and of the neighbours they host, made once
 * in a while and carried off the machine on a USB stick or a cloud drive
 * - a file that can be lost and then guessed at offline for as long as
 * the finder likes.  The one wait, at backup and at restore, is worth the
 * four times as much work per guess.  (SENSITIVE, 1 GiB, would not run on
 * the small machines a building keeps.)
 *
 * A cost read from a file is accepted from libsodium's minimum up to
 * SENSITIVE (4 passes, 1 GiB): crdt_pwhash_params_ok, so a damaged or
 * crafted file cannot make a restore run for hours or ask for more
 * memory than a machine has.  There is no cheaper cost for tests in the
 * product: a test that wants speed passes its own params here.
 *
 * crdt_pwhash: 0, KITH_EINVAL (params out of range, or a passphrase
 * libsodium refuses), KITH_ENOMEM (the memory could not be had); out is
 * wiped on failure.
 */
#define CRDT_PWHASH_SALT_LEN 16
enum crdt_pwhash_alg { CRDT_PWHASH_ARGON2ID13 = 1 };
struct crdt_pwhash_params {
	uint8_t alg;	  /* enum crdt_pwhash_alg */
	uint64_t ops;	  /* passes */
	uint64_t mem;	  /* bytes */
};
extern const struct crdt_pwhash_params CRDT_PWHASH_DEFAULT;
/* 1 when p is a cost this kith computes (see above), else 0. */
int crdt_pwhash_params_ok(const struct crdt_pwhash_params *p);
__attribute__((warn_unused_result)) int
crdt_pwhash(uint8_t out[CRDT_KEY_LEN], const char *pass, size_t pass_len,
	    const uint8_t salt[CRDT_PWHASH_SALT_LEN],
	    const struct crdt_pwhash_params *p);

/*
 * A stored hash of a short secret (a web login PIN, peer/pins.h):
 * crypto_pwhash_str, Argon2id, the string "$argon2id$v=19$m=...,t=...,
 * p=1$SALT$HASH" that carries its own salt and cost, so a PIN set under
 * one cost still checks after a later kith chooses another.
 *
 * CRDT_PWHASH_PIN is libsodium's INTERACTIVE (2 passes over 64 MiB, about
 * a tenth of a second on a laptop, under a second on a Raspberry Pi 3),
 * not the MODERATE of a backup: a PIN is checked by the daemon each time
 * someone logs in, one at a time, and a building's machine must get
 * through a morning's logins while it syncs.  What guards a PIN is not
 * the cost of one guess but the web app's limit on guesses (a growing
 * delay and a lock per address, web/throttle.h); the hashes stay on this
 * machine (0600 files, never in the replica) and a six-digit PIN falls
 * to an offline search at any cost we could afford, so the cost only has
 * to make a stolen file slower to search than to forget.
 *
 * crdt_pwhash_str: 0, KITH_EINVAL (params out of range, or a secret
 * libsodium refuses), KITH_ENOMEM.  crdt_pwhash_str_verify: 0 when pass
 * matches str, KITH_EDENIED when it does not or str is not a hash this
 * kith reads (malformed, another algorithm, a cost past
 * crdt_pwhash_params_ok's limit).  Both take the secret's bytes; neither
 * keeps a copy.
 */
#define CRDT_PWHASH_STR_LEN 128 /* crypto_pwhash_STRBYTES, with its NUL */
extern const struct crdt_pwhash_params CRDT_PWHASH_PIN;
__attribute__((warn_unused_result)) int
crdt_pwhash_str(char out[CRDT_PWHASH_STR_LEN], const char *pass,
		size_t pass_len, const struct crdt_pwhash_params *p);
__attribute__((warn_unused_result)) int
crdt_pwhash_str_verify(const char *str, const char *pass, size_t pass_len);

#endif
