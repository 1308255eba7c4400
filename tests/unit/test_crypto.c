/*
 * test_crypto.c - signatures, hashes, community keys and tags, the
 * secretstream used by bundles, and the primitives of the session
 * handshake (crdt/crypto.c; the handshake's fixed vectors are in
 * test_shs.c).
 */
#include <string.h>

#include "crdt/crypto.h"
#include "tests/testlib.h"

static void sign_verify(void **state)
{
	static const char msg[] = "a ladder to lend, 3rd floor";
	struct crdt_identity a, b, a2;
	uint8_t sig[CRDT_SIG_LEN], sig2[CRDT_SIG_LEN], bad[sizeof msg];
	size_t i;

	(void)state;
	TL_OK(tl_identity(&a, 1));
	TL_OK(tl_identity(&b, 2));
	TL_OK(tl_identity(&a2, 1));
	TL_CHECK(!memcmp(a.pk, a2.pk, CRDT_PK_LEN),
		 "the same seed must give the same key");
	TL_CHECK(memcmp(a.pk, b.pk, CRDT_PK_LEN),
		 "different seeds must give different keys");

	crdt_sign(sig, (const uint8_t *)msg, sizeof msg, &a);
	TL_OK(crdt_verify(sig, (const uint8_t *)msg, sizeof msg, a.pk));
	crdt_sign(sig2, (const uint8_t *)msg, sizeof msg, &a2);
	TL_CHECK(!memcmp(sig, sig2, sizeof sig),
		 "Ed25519 signatures are deterministic: expected equal");

	TL_RC(crdt_verify(sig, (const uint8_t *)msg, sizeof msg, b.pk),
	      KITH_ESIG);
	TL_RC(crdt_verify(sig, (const uint8_t *)msg, sizeof msg - 1, a.pk),
	      KITH_ESIG);
	for (i = 0; i < sizeof msg; i++) {
		memcpy(bad, msg, sizeof msg);
		bad[i] ^= 0x01;
		TL_CHECK(crdt_verify(sig, bad, sizeof bad, a.pk) == KITH_ESIG,
			 "message with byte %zu flipped: expected ESIG", i);
	}
	for (i = 0; i < CRDT_SIG_LEN; i++) {
		memcpy(sig2, sig, sizeof sig);
		sig2[i] ^= 0x80;
		TL_CHECK(crdt_verify(sig2, (const uint8_t *)msg, sizeof msg,
				     a.pk) == KITH_ESIG,
			 "signature with byte %zu flipped: expected ESIG", i);
	}
	/* empty message */
	crdt_sign(sig, (const uint8_t *)"", 0, &b);
	TL_OK(crdt_verify(sig, (const uint8_t *)"", 0, b.pk));
	crdt_identity_release(&a);
	crdt_identity_release(&b);
	crdt_identity_release(&a2);
	TL_CHECK(a.sk == NULL, "release: expected sk == NULL");
	crdt_identity_release(&a); /* twice is harmless */
}

static void identity_from_sk(void **state)
{
	struct crdt_identity a, b;
	uint8_t seed[32], sk[CRDT_SK_LEN], s1[CRDT_SIG_LEN], s2[CRDT_SIG_LEN];

	(void)state;
	tl_seed32(seed, 9);
	TL_OK(crdt_identity_from_seed(&a, seed));
	/* on disk: seed || pk */
	memcpy(sk, seed, 32);
	memcpy(sk + 32, a.pk, 32);
	TL_OK(crdt_identity_from_sk(&b, sk));
	TL_CHECK(!memcmp(a.pk, b.pk, CRDT_PK_LEN),
		 "identity from sk: expected pk %s, got %s",
		 tl_hex(a.pk, 32), tl_hex(b.pk, 32));
	crdt_sign(s1, (const uint8_t *)"x", 1, &a);
	crdt_sign(s2, (const uint8_t *)"x", 1, &b);
	TL_CHECK(!memcmp(s1, s2, sizeof s1),
		 "identity from sk: expected the same signatures");
	crdt_identity_release(&a);
	crdt_identity_release(&b);
}

static void hash_and_hasher(void **state)
{
	static const char msg[] = "kith hashes";
	uint8_t h1[32], h2[32], h3[16], h4[64];
	struct crdt_hasher hs;
	size_t i;

	(void)state;
	crdt_hash(h1, 32, msg, sizeof msg);
	crdt_hash(h2, 32, msg, sizeof msg);
	TL_CHECK(!memcmp(h1, h2, 32), "hash: expected deterministic output");
	crdt_hash(h3, 16, msg, sizeof msg);
	TL_CHECK(memcmp(h1, h3, 16),
		 "BLAKE2b-128 must not be a prefix of BLAKE2b-256");
	crdt_hash(h4, 64, msg, sizeof msg);
	crdt_hash(h2, 32, msg, sizeof msg - 1);
	TL_CHECK(memcmp(h1, h2, 32), "hash of a different message: expected "
		 "a different hash");

	/* incremental hashing equals one shot, however the input is split */
	for (i = 0; i <= sizeof msg; i++) {
		crdt_hasher_init(&hs);
		crdt_hasher_update(&hs, msg, i);
		crdt_hasher_update(&hs, msg + i, sizeof msg - i);
		crdt_hasher_final(&hs, h2);
		TL_CHECK(!memcmp(h1, h2, 32),
			 "hasher split at %zu: expected %s, got %s", i,
			 tl_hex(h1, 32), tl_hex(h2, 32));
	}
}

static void equal_and_wipe(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	memset(a, 7, sizeof a);
	memset(b, 7, sizeof b);
	TL_CHECK(crdt_equal(a, b, 32), "equal buffers: expected 1");
	b[31] = 8;
	TL_CHECK(!crdt_equal(a, b, 32), "buffers differing in the last byte: "
		 "expected 0");
	TL_CHECK(crdt_equal(a, b, 31), "equal prefixes: expected 1");
	crdt_wipe(a, sizeof a);
	memset(b, 0, sizeof b);
	TL_CHECK(!memcmp(a, b, 32), "wipe: expected all zero");
}

static void community_tag_and_subkeys(void **state)
{
	uint8_t k1[32], k2[32], t1[8], t1b[8], t2[8];
	uint8_t sb1[32], sb1b[32], st1[32], sb2[32];

	(void)state;
	tl_seed32(k1, 100);
	memcpy(k2, k1, 32);
	k2[31] ^= 1;
	crdt_community_tag(t1, k1);
	crdt_community_tag(t1b, k1);
	crdt_community_tag(t2, k2);
	TL_CHECK(!memcmp(t1, t1b, 8), "tag of the same key: expected stable, "
		 "got %s then %s", tl_hex(t1, 8), tl_hex(t1b, 8));
	TL_CHECK(memcmp(t1, t2, 8), "keys differing in one bit: expected "
		 "different tags, both %s", tl_hex(t1, 8));
	TL_CHECK(memcmp(t1, k1, 8), "the tag must not reveal the key");

	crdt_community_subkey(sb1, k1, CRDT_SUBKEY_BUNDLE);
	crdt_community_subkey(sb1b, k1, CRDT_SUBKEY_BUNDLE);
	crdt_community_subkey(st1, k1, CRDT_SUBKEY_TAG);
	crdt_community_subkey(sb2, k2, CRDT_SUBKEY_BUNDLE);
	TL_CHECK(!memcmp(sb1, sb1b, 32), "subkey: expected deterministic");
	TL_CHECK(memcmp(sb1, st1, 32), "subkeys for different purposes: "
		 "expected different");
	TL_CHECK(memcmp(sb1, sb2, 32), "subkeys of different communities: "
		 "expected different");
	TL_CHECK(memcmp(sb1, k1, 32), "a subkey must not be the key itself");
	TL_CHECK(memcmp(t1, st1, 8), "the tag must not be the tag subkey");
}

/* Encrypt n chunks of the given sizes; ct gets them back to back. */
struct sealed {
	uint8_t header[CRDT_STREAM_HEADER_LEN];
	uint8_t ct[4][300 + CRDT_STREAM_ABYTES];
	size_t len[4];
	uint8_t pt[4][300];
	int n;
};

static void seal(struct sealed *s, const uint8_t key[32], int n, int final_last)
{
	static const size_t sizes[4] = { 100, 0, 300, 17 };
	struct crdt_stream ss;
	struct tl_env e;
	int i;

	tl_env_init(&e, 5);
	s->n = n;
	TL_OK(crdt_stream_push_init(&ss, s->header, key));
	for (i = 0; i < n; i++) {
		tl_rand_bytes(&e, s->pt[i], sizes[i]);
		s->len[i] = sizes[i] + CRDT_STREAM_ABYTES;
		crdt_stream_push(&ss, s->ct[i], s->pt[i], sizes[i],
				 final_last && i == n - 1);
	}
	crdt_stream_release(&ss);
}

/* Pull the chunks in the order given; returns the first error and the
 * final flags seen. */
static int open_chunks(const struct sealed *s, const uint8_t key[32],
		       const int *order, int n, int *finals)
{
	struct crdt_stream ss;
	uint8_t out[300];
	int i, rc;

	rc = crdt_stream_pull_init(&ss, s->header, key);
	for (i = 0; !rc && i < n; i++) {
		int k = order[i], fin = 0;

		rc = crdt_stream_pull(&ss, out, s->ct[k], s->len[k], &fin);
		if (!rc && memcmp(out, s->pt[k], s->len[k] - CRDT_STREAM_ABYTES))
			fail_msg("chunk %d decrypted to the wrong plaintext", k);
		if (!rc)
			finals[i] = fin;
	}
	crdt_stream_release(&ss);
	return rc;
}

static void stream_round_trip(void **state)
{
	static const int order[] = { 0, 1, 2, 3 };
	struct sealed s;
	uint8_t key[32];
	int finals[4] = { -1, -1, -1, -1 };

	(void)state;
	tl_seed32(key, 77);
	seal(&s, key, 4, 1);
	TL_OK(open_chunks(&s, key, order, 4, finals));
	TL_CHECK(finals[0] == 0 && finals[1] == 0 && finals[2] == 0 &&
			 finals[3] == 1,
		 "expected FINAL only on the last chunk, got %d %d %d %d",
		 finals[0], finals[1], finals[2], finals[3]);
}

static void stream_detects_tampering(void **state)
{
	static const int order[] = { 0, 1, 2, 3 };
	static const int swapped[] = { 0, 2, 1, 3 };
	static const int skipped[] = { 0, 2, 3 };
	static const int repeated[] = { 0, 0, 1, 2, 3 };
	struct sealed s, t;
	uint8_t key[32], other[32];
	int finals[5];
	size_t k, i;

	(void)state;
	tl_seed32(key, 77);
	tl_seed32(other, 78);
	seal(&s, key, 4, 1);

	TL_RC(open_chunks(&s, other, order, 4, finals), KITH_ECRYPT);
	TL_RC(open_chunks(&s, key, swapped, 4, finals), KITH_ECRYPT);
	TL_RC(open_chunks(&s, key, skipped, 3, finals), KITH_ECRYPT);
	TL_RC(open_chunks(&s, key, repeated, 5, finals), KITH_ECRYPT);

	/* every single flipped bit of every chunk */
	for (k = 0; k < 4; k++) {
		for (i = 0; i < s.len[k] * 8; i += 3) {
			t = s;
			t.ct[k][i / 8] ^= (uint8_t)(1u << (i % 8));
			TL_CHECK(open_chunks(&t, key, order, 4, finals) ==
					 KITH_ECRYPT,
				 "chunk %zu with bit %zu flipped: expected "
				 "ECRYPT", k, i);
		}
	}
	/* a flipped header byte */
	for (i = 0; i < CRDT_STREAM_HEADER_LEN; i++) {
		t = s;
		t.header[i] ^= 0x10;
		TL_CHECK(open_chunks(&t, key, order, 4, finals) == KITH_ECRYPT,
			 "header byte %zu flipped: expected ECRYPT", i);
	}
	/* short and cut chunks */
	t = s;
	t.len[2] = CRDT_STREAM_ABYTES - 1;
	TL_RC(open_chunks(&t, key, order, 4, finals), KITH_ECRYPT);
	t = s;
	t.len[2] -= 1;
	TL_RC(open_chunks(&t, key, order, 4, finals), KITH_ECRYPT);
}

static void stream_missing_final(void **state)
{
	static const int order[] = { 0, 1, 2, 3 };
	struct sealed s;
	uint8_t key[32];
	int finals[4] = { -1, -1, -1, -1 }, i;

	(void)state;
	tl_seed32(key, 79);
	/* the writer stopped before sealing the last chunk as FINAL */
	seal(&s, key, 4, 0);
	TL_OK(open_chunks(&s, key, order, 4, finals));
	for (i = 0; i < 4; i++)
		TL_CHECK(finals[i] == 0,
			 "stream without FINAL: chunk %d reported final", i);
	/* cut after any chunk of a sealed stream: no FINAL was seen */
	seal(&s, key, 4, 1);
	for (i = 1; i < 4; i++) {
		int j;

		memset(finals, 0xff, sizeof finals);
		TL_OK(open_chunks(&s, key, order, i, finals));
		for (j = 0; j < i; j++)
			TL_CHECK(finals[j] == 0,
				 "stream cut after %d chunks: expected no "
				 "FINAL, chunk %d had one", i, j);
	}
}

/* ---- the handshake's primitives ------------------------------------------ */

static void mac_and_secretbox(void **state)
{
	static const uint8_t msg[] = "kith-shs: one message, one key";
	uint8_t key[32], key2[32], mac[CRDT_MAC_LEN], bad[sizeof msg];
	uint8_t nonce[CRDT_SECRETBOX_NONCE_LEN] = { 0 };
	uint8_t box[sizeof msg + CRDT_SECRETBOX_MAC_LEN], forged[sizeof box];
	uint8_t out[sizeof msg];
	size_t i;

	(void)state;
	tl_seed32(key, 1);
	tl_seed32(key2, 2);
	crdt_mac(mac, msg, sizeof msg, key);
	TL_OK(crdt_mac_verify(mac, msg, sizeof msg, key));
	TL_RC(crdt_mac_verify(mac, msg, sizeof msg, key2), KITH_ECRYPT);
	memcpy(bad, msg, sizeof msg);
	bad[3] ^= 1;
	TL_RC(crdt_mac_verify(mac, bad, sizeof bad, key), KITH_ECRYPT);

	TL_OK(crdt_secretbox_seal(box, msg, sizeof msg, nonce, key));
	TL_OK(crdt_secretbox_open(out, box, sizeof box, nonce, key));
	TL_CHECK(!memcmp(out, msg, sizeof msg), "secretbox round trip");
	TL_RC(crdt_secretbox_open(out, box, sizeof box, nonce, key2),
	      KITH_ECRYPT);
	for (i = 0; i < sizeof box; i++) {
		memcpy(forged, box, sizeof box);
		forged[i] ^= 0x80;
		TL_CHECK(crdt_secretbox_open(out, forged, sizeof forged, nonce,
					     key) == KITH_ECRYPT,
			 "box byte %zu flipped: expected ECRYPT", i);
	}
	TL_RC(crdt_secretbox_open(out, box, CRDT_SECRETBOX_MAC_LEN - 1, nonce,
				  key),
	      KITH_ECRYPT);
}

static void x25519_agreement(void **state)
{
	struct crdt_identity id, no_sk = { { 0 }, NULL };
	uint8_t a[32], b[32], A[32], B[32], ab[32], ba[32];
	uint8_t zero[32] = { 0 }, r1[32], r2[32];

	(void)state;
	tl_seed32(a, 3);
	tl_seed32(b, 4);
	crdt_x25519_base(A, a);
	crdt_x25519_base(B, b);
	TL_OK(crdt_x25519(ab, a, B));
	TL_OK(crdt_x25519(ba, b, A));
	TL_CHECK(!memcmp(ab, ba, 32), "X25519: both sides expected equal");
	TL_RC(crdt_x25519(ab, a, zero), KITH_ECRYPT);

	/* our identity's secret with their ephemeral == their ephemeral
	 * secret with our identity key (messages 3 and 4 of the handshake) */
	TL_OK(tl_identity(&id, 5));
	TL_OK(crdt_x25519_own(ab, &id, B));
	TL_OK(crdt_x25519_peer(ba, b, id.pk));
	TL_CHECK(!memcmp(ab, ba, 32),
		 "long-term X25519: both sides expected equal");
	TL_RC(crdt_x25519_own(ab, &no_sk, B), KITH_ECRYPT);
	TL_RC(crdt_x25519_peer(ab, b, zero), KITH_ECRYPT);
	crdt_identity_release(&id);

	crdt_crypto_random(r1, sizeof r1);
	crdt_crypto_random(r2, sizeof r2);
	TL_CHECK(memcmp(r1, r2, 32) && memcmp(r1, zero, 32),
		 "system randomness: expected two different non-zero draws");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_verify),
		cmocka_unit_test(identity_from_sk),
		cmocka_unit_test(hash_and_hasher),
		cmocka_unit_test(equal_and_wipe),
		cmocka_unit_test(community_tag_and_subkeys),
		cmocka_unit_test(stream_round_trip),
		cmocka_unit_test(stream_detects_tampering),
		cmocka_unit_test(stream_missing_final),
		cmocka_unit_test(mac_and_secretbox),
		cmocka_unit_test(x25519_agreement),
	};

	return cmocka_run_group_tests_name("crypto", tests, tl_group_setup,
					   NULL);
}
