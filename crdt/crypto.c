#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "err.h"

_Static_assert(sizeof(((struct crdt_stream *)0)->state) >=
		       sizeof(crypto_secretstream_xchacha20poly1305_state),
	       "secretstream state fits");
_Static_assert(CRDT_STREAM_HEADER_LEN ==
		       crypto_secretstream_xchacha20poly1305_HEADERBYTES,
	       "header size");
_Static_assert(CRDT_STREAM_ABYTES ==
		       crypto_secretstream_xchacha20poly1305_ABYTES,
	       "abytes");

int crdt_crypto_init(void)
{
	return sodium_init() < 0 ? KITH_EIO : 0;
}

void crdt_crypto_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

int crdt_identity_from_seed(struct crdt_identity *id, const uint8_t seed[32])
{
	id->sk = sodium_malloc(CRDT_SK_LEN);
	if (!id->sk)
		return KITH_ENOMEM;
	crypto_sign_seed_keypair(id->pk, id->sk, seed);
	return 0;
}

int crdt_identity_from_sk(struct crdt_identity *id, const uint8_t sk[64])
{
	int rc = 0;

	id->sk = sodium_malloc(CRDT_SK_LEN);
	if (!id->sk)
		return KITH_ENOMEM;
	/* The stored key is seed || pk: derive the pair from the seed and
	 * refuse a file whose two halves disagree (its signatures would
	 * never verify anywhere). */
	if (crypto_sign_seed_keypair(id->pk, id->sk, sk) != 0)
		rc = KITH_EDECODE;
	else if (sodium_memcmp(id->pk, sk + CRDT_SEED_LEN, CRDT_PK_LEN) != 0)
		rc = KITH_EDECODE;
	if (rc)
		crdt_identity_release(id);
	return rc;
}

void crdt_identity_release(struct crdt_identity *id)
{
	if (id->sk)
		sodium_free(id->sk);
	id->sk = NULL;
}

void crdt_identity_subkey(uint8_t out[CRDT_KEY_LEN],
			  const struct crdt_identity *id, enum crdt_idkey which)
{
	/* libsodium's Ed25519 secret key is seed || pk */
	crypto_kdf_derive_from_key(out, CRDT_KEY_LEN, (uint64_t)which,
				   "kith-id ", id->sk);
}

void crdt_sign(uint8_t sig[CRDT_SIG_LEN], const uint8_t *msg, size_t len,
	       const struct crdt_identity *id)
{
	crypto_sign_detached(sig, NULL, msg, len, id->sk);
}

int crdt_verify(const uint8_t sig[CRDT_SIG_LEN], const uint8_t *msg, size_t len,
		const uint8_t pk[CRDT_PK_LEN])
{
	return crypto_sign_verify_detached(sig, msg, len, pk) ? KITH_ESIG : 0;
}

void crdt_hash(uint8_t *out, size_t out_len, const void *msg, size_t len)
{
	crypto_generichash(out, out_len, msg, len, NULL, 0);
}

_Static_assert(sizeof(struct crdt_hasher) >= sizeof(crypto_generichash_state),
	       "hasher state fits");

void crdt_hasher_init(struct crdt_hasher *h)
{
	crypto_generichash_init((void *)h->state, NULL, 0, CRDT_HASH_LEN);
}

void crdt_hasher_update(struct crdt_hasher *h, const void *p, size_t n)
{
	crypto_generichash_update((void *)h->state, p, n);
}

void crdt_hasher_final(struct crdt_hasher *h, uint8_t out[CRDT_HASH_LEN])
{
	crypto_generichash_final((void *)h->state, out, CRDT_HASH_LEN);
}

int crdt_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void crdt_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

void crdt_community_subkey(uint8_t out[CRDT_KEY_LEN],
			   const uint8_t community[CRDT_KEY_LEN],
			   enum crdt_subkey which)
{
	crypto_kdf_derive_from_key(out, CRDT_KEY_LEN, (uint64_t)which,
				   "kith-com", community);
}

void crdt_community_bind(uint8_t out[CRDT_KEY_LEN],
			 const uint8_t key[CRDT_KEY_LEN],
			 const uint8_t genesis[CRDT_HASH_LEN])
{
	uint8_t msg[16 + CRDT_HASH_LEN];

	memcpy(msg, "kith community\x02", 16);
	memcpy(msg + 16, genesis, CRDT_HASH_LEN);
	crypto_generichash(out, CRDT_KEY_LEN, msg, sizeof msg, key,
			   CRDT_KEY_LEN);
}

void crdt_community_tag(uint8_t tag[CRDT_TAG_LEN],
			const uint8_t community[CRDT_KEY_LEN])
{
	uint8_t k[CRDT_KEY_LEN];

	crdt_community_subkey(k, community, CRDT_SUBKEY_TAG);
	crypto_generichash(tag, CRDT_TAG_LEN, (const uint8_t *)"kith tag", 8, k,
			   sizeof k);
	sodium_memzero(k, sizeof k);
}

int crdt_stream_push_init(struct crdt_stream *s,
			  uint8_t header[CRDT_STREAM_HEADER_LEN],
			  const uint8_t key[CRDT_KEY_LEN])
{
	return crypto_secretstream_xchacha20poly1305_init_push(
		       (void *)s->state, header, key)
		       ? KITH_ECRYPT
		       : 0;
}

void crdt_stream_push(struct crdt_stream *s, uint8_t *out, const uint8_t *in,
		      size_t len, int final)
{
	crypto_secretstream_xchacha20poly1305_push(
		(void *)s->state, out, NULL, in, len, NULL, 0,
		final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
}

int crdt_stream_pull_init(struct crdt_stream *s,
			  const uint8_t header[CRDT_STREAM_HEADER_LEN],
			  const uint8_t key[CRDT_KEY_LEN])
{
	return crypto_secretstream_xchacha20poly1305_init_pull(
		       (void *)s->state, header, key)
		       ? KITH_ECRYPT
		       : 0;
}

int crdt_stream_pull(struct crdt_stream *s, uint8_t *out, const uint8_t *in,
		     size_t in_len, int *final)
{
	unsigned char tag = 0;

	if (in_len < CRDT_STREAM_ABYTES)
		return KITH_ECRYPT;
	if (crypto_secretstream_xchacha20poly1305_pull(
		    (void *)s->state, out, NULL, &tag, in, in_len, NULL, 0))
		return KITH_ECRYPT;
	*final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	return 0;
}

void crdt_stream_release(struct crdt_stream *s)
{
	sodium_memzero(s->state, sizeof s->state);
}

_Static_assert(CRDT_BOX_SEALBYTES == crypto_box_SEALBYTES, "sealbytes");
_Static_assert(CRDT_AEAD_NONCE_LEN ==
		       crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	       "aead nonce");
_Static_assert(CRDT_AEAD_ABYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
	       "aead abytes");
_Static_assert(CRDT_KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
	       "aead key");

int crdt_box_seal(uint8_t *out, const uint8_t *in, size_t len,
		  const uint8_t pk[CRDT_PK_LEN],
		  const uint8_t eseed[CRDT_SEED_LEN])
{
	/* crypto_box_seal, but with the ephemeral key from eseed */
	uint8_t xpk[crypto_box_PUBLICKEYBYTES], esk[crypto_box_SECRETKEYBYTES];
	uint8_t nonce[crypto_box_NONCEBYTES];
	crypto_generichash_state st;
	int rc = 0;

	if (crypto_sign_ed25519_pk_to_curve25519(xpk, pk))
		return KITH_EINVAL;
	crypto_box_seed_keypair(out, esk, eseed);
	crypto_generichash_init(&st, NULL, 0, sizeof nonce);
	crypto_generichash_update(&st, out, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_update(&st, xpk, sizeof xpk);
	crypto_generichash_final(&st, nonce, sizeof nonce);
	if (crypto_box_easy(out + crypto_box_PUBLICKEYBYTES, in, len, nonce, xpk,
			    esk))
		rc = KITH_EINVAL; /* a low-order key: no shared secret */
	sodium_memzero(esk, sizeof esk);
	sodium_memzero(&st, sizeof st);
	return rc;
}

int crdt_box_seal_open(uint8_t *out, const uint8_t *in, size_t in_len,
		       const struct crdt_identity *id)
{
	uint8_t xpk[crypto_box_PUBLICKEYBYTES], xsk[crypto_box_SECRETKEYBYTES];
	int rc = KITH_ECRYPT;

	if (in_len < crypto_box_SEALBYTES || !id->sk ||
	    crypto_sign_ed25519_pk_to_curve25519(xpk, id->pk))
		return KITH_ECRYPT;
	if (crypto_sign_ed25519_sk_to_curve25519(xsk, id->sk) == 0 &&
	    crypto_box_seal_open(out, in, in_len, xpk, xsk) == 0)
		rc = 0;
	sodium_memzero(xsk, sizeof xsk);
	return rc;
}

void crdt_aead_seal(uint8_t *out, const uint8_t *in, size_t len,
		    const uint8_t *ad, size_t ad_len,
		    const uint8_t nonce[CRDT_AEAD_NONCE_LEN],
		    const uint8_t key[CRDT_KEY_LEN])
{
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, in, len, ad,
						   ad_len, NULL, nonce, key);
}

int crdt_aead_open(uint8_t *out, const uint8_t *in, size_t in_len,
		   const uint8_t *ad, size_t ad_len,
		   const uint8_t nonce[CRDT_AEAD_NONCE_LEN],
		   const uint8_t key[CRDT_KEY_LEN])
{
	if (in_len < crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return KITH_ECRYPT;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		       out, NULL, NULL, in, in_len, ad, ad_len, nonce, key)
		       ? KITH_ECRYPT
		       : 0;
}

/* ---- session handshake primitives (net/shs.h) -------------------------- */

_Static_assert(CRDT_MAC_LEN == crypto_auth_BYTES &&
		       CRDT_KEY_LEN == crypto_auth_KEYBYTES,
	       "MAC is 32-byte HMAC-SHA-512-256 under a 32-byte key");
_Static_assert(CRDT_X25519_LEN == crypto_scalarmult_BYTES &&
		       CRDT_X25519_LEN == crypto_scalarmult_SCALARBYTES,
	       "X25519 sizes");
_Static_assert(CRDT_SECRETBOX_NONCE_LEN == crypto_secretbox_NONCEBYTES &&
		       CRDT_SECRETBOX_MAC_LEN == crypto_secretbox_MACBYTES &&
		       CRDT_KEY_LEN == crypto_secretbox_KEYBYTES,
	       "secretbox sizes");

void crdt_mac(uint8_t mac[CRDT_MAC_LEN], const uint8_t *msg, size_t len,
	      const uint8_t key[CRDT_KEY_LEN])
{
	crypto_auth(mac, msg, len, key);
}

int crdt_mac_verify(const uint8_t mac[CRDT_MAC_LEN], const uint8_t *msg,
		    size_t len, const uint8_t key[CRDT_KEY_LEN])
{
	return crypto_auth_verify(mac, msg, len, key) ? KITH_ECRYPT : 0;
}

void crdt_x25519_base(uint8_t pk[CRDT_X25519_LEN],
		      const uint8_t sk[CRDT_X25519_LEN])
{
	crypto_scalarmult_base(pk, sk);
}

int crdt_x25519(uint8_t out[CRDT_X25519_LEN], const uint8_t sk[CRDT_X25519_LEN],
		const uint8_t pk[CRDT_X25519_LEN])
{
	return crypto_scalarmult(out, sk, pk) ? KITH_ECRYPT : 0;
}

int crdt_x25519_own(uint8_t out[CRDT_X25519_LEN],
		    const struct crdt_identity *id,
		    const uint8_t pk[CRDT_X25519_LEN])
{
	uint8_t csk[crypto_scalarmult_SCALARBYTES];
	int rc = KITH_ECRYPT;

	if (!id->sk)
		return KITH_ECRYPT;
	if (crypto_sign_ed25519_sk_to_curve25519(csk, id->sk) == 0)
		rc = crdt_x25519(out, csk, pk);
	sodium_memzero(csk, sizeof csk);
	return rc;
}

int crdt_x25519_peer(uint8_t out[CRDT_X25519_LEN],
		     const uint8_t sk[CRDT_X25519_LEN],
		     const uint8_t ed_pk[CRDT_PK_LEN])
{
	uint8_t cpk[crypto_scalarmult_BYTES];

	if (crypto_sign_ed25519_pk_to_curve25519(cpk, ed_pk))
		return KITH_ECRYPT;
	return crdt_x25519(out, sk, cpk);
}

int crdt_secretbox_seal(uint8_t *out, const uint8_t *in, size_t len,
			const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN],
			const uint8_t key[CRDT_KEY_LEN])
{
	return crypto_secretbox_easy(out, in, len, nonce, key) ? KITH_ECRYPT
							       : 0;
}

int crdt_secretbox_open(uint8_t *out, const uint8_t *in, size_t in_len,
			const uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN],
			const uint8_t key[CRDT_KEY_LEN])
{
	if (in_len < crypto_secretbox_MACBYTES)
		return KITH_ECRYPT;
	return crypto_secretbox_open_easy(out, in, in_len, nonce, key)
		       ? KITH_ECRYPT
		       : 0;
}

/* ---- keys from passphrases (peer/backup.h) ----------------------------- */

_Static_assert(CRDT_PWHASH_SALT_LEN == crypto_pwhash_argon2id_SALTBYTES,
	       "pwhash salt");

const struct crdt_pwhash_params CRDT_PWHASH_DEFAULT = {
	CRDT_PWHASH_ARGON2ID13, crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
	crypto_pwhash_argon2id_MEMLIMIT_MODERATE
};

int crdt_pwhash_params_ok(const struct crdt_pwhash_params *p)
{
	return p->alg == CRDT_PWHASH_ARGON2ID13 &&
	       p->ops >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
	       p->ops <= crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE &&
	       p->mem >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
	       p->mem <= crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
}

int crdt_pwhash(uint8_t out[CRDT_KEY_LEN], const char *pass, size_t pass_len,
		const uint8_t salt[CRDT_PWHASH_SALT_LEN],
		const struct crdt_pwhash_params *p)
{
	int rc;

	if (!crdt_pwhash_params_ok(p) ||
	    pass_len > crypto_pwhash_argon2id_PASSWD_MAX) {
		sodium_memzero(out, CRDT_KEY_LEN);
		return KITH_EINVAL;
	}
	rc = crypto_pwhash(out, CRDT_KEY_LEN, pass, pass_len, salt,
			   (unsigned long long)p->ops, (size_t)p->mem,
			   crypto_pwhash_ALG_ARGON2ID13);
	if (rc) {
		sodium_memzero(out, CRDT_KEY_LEN);
		return KITH_ENOMEM; /* the parameters were checked above */
	}
	return 0;
}

/* ---- stored hashes of PINs (peer/pins.h) -------------------------------- */

_Static_assert(CRDT_PWHASH_STR_LEN == crypto_pwhash_argon2id_STRBYTES,
	       "pwhash string");

const struct crdt_pwhash_params CRDT_PWHASH_PIN = {
	CRDT_PWHASH_ARGON2ID13, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
	crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE
};

int crdt_pwhash_str(char out[CRDT_PWHASH_STR_LEN], const char *pass,
		    size_t pass_len, const struct crdt_pwhash_params *p)
{
	if (!crdt_pwhash_params_ok(p) ||
	    pass_len > crypto_pwhash_argon2id_PASSWD_MAX) {
		memset(out, 0, CRDT_PWHASH_STR_LEN);
		return KITH_EINVAL;
	}
	if (crypto_pwhash_argon2id_str(out, pass, pass_len,
				       (unsigned long long)p->ops,
				       (size_t)p->mem)) {
		memset(out, 0, CRDT_PWHASH_STR_LEN);
		return KITH_ENOMEM;
	}
	return 0;
}

/* The cost a stored string asks for, within crdt_pwhash_params_ok: a
 * crafted file must not make the daemon hash for minutes. */
static int str_cost_ok(const char *str)
{
	struct crdt_pwhash_params p = { CRDT_PWHASH_ARGON2ID13, 0, 0 };
	unsigned long long m, t, par;

	if (strncmp(str, "$argon2id$v=19$", 15) ||
	    sscanf(str + 15, "m=%llu,t=%llu,p=%llu$", &m, &t, &par) != 3 ||
	    par != 1 || m > UINT64_MAX / 1024)
		return 0;
	p.ops = t;
	p.mem = (uint64_t)m * 1024;
	return crdt_pwhash_params_ok(&p);
}

int crdt_pwhash_str_verify(const char *str, const char *pass, size_t pass_len)
{
	if (!memchr(str, 0, CRDT_PWHASH_STR_LEN) || !str_cost_ok(str) ||
	    pass_len > crypto_pwhash_argon2id_PASSWD_MAX)
		return KITH_EDENIED;
	return crypto_pwhash_argon2id_str_verify(str, pass, pass_len)
		       ? KITH_EDENIED
		       : 0;
}
