/*
 * test_seal.c - private parts sealed to chosen members (crdt/seal.c) and
 * the sealed-box and AEAD wrappers under them (crdt/crypto.c).
 */
#include <sodium.h>
#include <string.h>

#include "crdt/seal.h"
#include "tests/testlib.h"

#define TEXT "Flat 4B, phone 0176 555 1234"
#define NIDS 5 /* 0 author, 1..3 recipients, 4 never a recipient */

struct fx {
	struct crdt_identity id[NIDS];
	struct tl_env e;
	struct crdt_env env;
	uint8_t to[NIDS][CRDT_PK_LEN];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int i;

	if (!f)
		return -1;
	for (i = 0; i < NIDS; i++) {
		if (tl_identity(&f->id[i], (uint64_t)i + 1)) {
			free(f);
			return -1;
		}
		memcpy(f->to[i], f->id[i].pk, CRDT_PK_LEN);
	}
	tl_env_init(&f->e, 42);
	f->env = tl_env_crdt(&f->e);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int i;

	for (i = 0; i < NIDS; i++)
		crdt_identity_release(&f->id[i]);
	free(f);
	return 0;
}

/* Seal TEXT from id 0 to ids 0..3. */
static size_t seal4(struct fx *f, uint8_t *out)
{
	size_t len = 0;

	TL_OK(crdt_seal(out, CRDT_SEAL_MAX, &len, TEXT, strlen(TEXT),
			f->id[0].pk, (const uint8_t(*)[CRDT_PK_LEN])f->to, 4,
			&f->env));
	TL_EQ(len, crdt_seal_size(strlen(TEXT), 4),
	      "envelope size is crdt_seal_size(len, n)");
	return len;
}

static void round_trip(void **state)
{
	struct fx *f = *state;
	uint8_t env[CRDT_SEAL_MAX];
	char out[CRDT_SEAL_MAX + 1];
	size_t len = seal4(f, env), n = 99;
	int i;

	TL_CHECK(env[0] == CRDT_SEAL_VERSION && env[1] == 4,
		 "envelope starts with version 1 and 4 recipients, got %u %u",
		 env[0], env[1]);
	TL_CHECK(!memmem(env, len, TEXT, strlen(TEXT)) &&
			 !memmem(env, len, "0176", 4),
		 "the envelope must not contain the plaintext");
	for (i = 0; i < 4; i++) {
		memset(out, 'x', sizeof out);
		TL_OK(crdt_seal_open(out, sizeof out, &n, env, len, f->id[0].pk,
				     &f->id[i]));
		TL_EQ(n, strlen(TEXT), "opened text length");
		TL_CHECK(!strcmp(out, TEXT),
			 "recipient %d: expected '%s', got '%s'", i, TEXT, out);
	}
	memset(out, 'x', sizeof out);
	TL_RC(crdt_seal_open(out, sizeof out, &n, env, len, f->id[0].pk,
			     &f->id[4]),
	      KITH_EDENIED);
	TL_CHECK(out[0] == 'x', "a denied open must leave out untouched");

	/* an envelope copied into another author's record does not open */
	TL_RC(crdt_seal_open(out, sizeof out, &n, env, len, f->id[1].pk,
			     &f->id[1]),
	      KITH_ECRYPT);

	/* out too small for the text */
	TL_RC(crdt_seal_open(out, strlen(TEXT), &n, env, len, f->id[0].pk,
			     &f->id[1]),
	      KITH_ETOOBIG);
	TL_OK(crdt_seal_open(out, strlen(TEXT) + 1, &n, env, len, f->id[0].pk,
			     &f->id[1]));

	/* the empty text */
	TL_OK(crdt_seal(env, sizeof env, &len, "", 0, f->id[0].pk,
			(const uint8_t(*)[CRDT_PK_LEN])f->to, 1, &f->env));
	TL_OK(crdt_seal_open(out, sizeof out, &n, env, len, f->id[0].pk,
			     &f->id[0]));
	TL_CHECK(n == 0 && out[0] == 0, "empty text: expected \"\", got %zu "
					"bytes", n);
}

static void recipients_listed(void **state)
{
	struct fx *f = *state;
	uint8_t env[CRDT_SEAL_MAX], pre[CRDT_SEAL_MAX_RECIPIENTS][8];
	size_t len = seal4(f, env), n = 0, i;

	TL_OK(crdt_seal_recipients(env, len, pre, CRDT_SEAL_MAX_RECIPIENTS, &n));
	TL_EQ(n, 4, "number of recipients");
	for (i = 0; i < 4; i++)
		TL_CHECK(!memcmp(pre[i], f->to[i], CRDT_SEAL_PREFIX_LEN),
			 "recipient %zu: expected prefix %s, got %s", i,
			 tl_hex(f->to[i], 8), tl_hex(pre[i], 8));
	/* only counting */
	n = 0;
	TL_OK(crdt_seal_recipients(env, len, NULL, 0, &n));
	TL_EQ(n, 4, "number of recipients without prefixes");
}

static void deterministic_with_injected_rng(void **state)
{
	struct fx *f = *state;
	uint8_t a[CRDT_SEAL_MAX], b[CRDT_SEAL_MAX];
	size_t la, lb;

	tl_env_init(&f->e, 7);
	la = seal4(f, a);
	tl_env_init(&f->e, 7);
	lb = seal4(f, b);
	TL_CHECK(la == lb && !memcmp(a, b, la),
		 "the same random stream must give the same envelope");
	tl_env_init(&f->e, 8);
	lb = seal4(f, b);
	TL_CHECK(memcmp(a, b, la), "another random stream must give another "
				   "envelope");
}

/* Every single-bit change anywhere makes every recipient's open fail, and
 * never hands out a text. */
static void tampering_detected(void **state)
{
	struct fx *f = *state;
	uint8_t env[CRDT_SEAL_MAX], bad[CRDT_SEAL_MAX];
	char out[CRDT_SEAL_MAX + 1];
	size_t len = seal4(f, env), n, i, head = 2 + 4 * CRDT_SEAL_ENTRY_LEN;
	int r, rc, bit;

	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 7) {
			memcpy(bad, env, len);
			bad[i] ^= (uint8_t)(1u << bit);
			for (r = 0; r < 4; r++) {
				out[0] = 'x';
				rc = crdt_seal_open(out, sizeof out, &n, bad, len,
						    f->id[0].pk, &f->id[r]);
				TL_CHECK(rc != 0,
					 "byte %zu bit %d flipped: recipient %d "
					 "must not open it",
					 i, bit, r);
				TL_CHECK(out[0] == 'x' || out[0] == 0,
					 "byte %zu flipped: out must stay empty",
					 i);
				/* past the recipient list nothing is a
				 * matter of who you are: it is tampering */
				if (i >= head)
					TL_CHECK(rc == KITH_ECRYPT,
						 "byte %zu (nonce/box) flipped: "
						 "expected ECRYPT, got %s",
						 i, kith_strerror(rc));
			}
		}
	}
	/* the sealed key of recipient 2 damaged: 2 fails, the others open */
	memcpy(bad, env, len);
	bad[2 + 2 * CRDT_SEAL_ENTRY_LEN + 20] ^= 1;
	TL_RC(crdt_seal_open(out, sizeof out, &n, bad, len, f->id[0].pk,
			     &f->id[2]),
	      KITH_ECRYPT);
	TL_RC(crdt_seal_open(out, sizeof out, &n, bad, len, f->id[0].pk,
			     &f->id[1]),
	      KITH_ECRYPT); /* the recipient list is authenticated data */
}

static void truncated_and_extended(void **state)
{
	struct fx *f = *state;
	uint8_t env[CRDT_SEAL_MAX + 1];
	char out[CRDT_SEAL_MAX + 1];
	size_t len = seal4(f, env), n, cut;
	int rc;

	for (cut = 0; cut < len; cut++) {
		rc = crdt_seal_open(out, sizeof out, &n, env, cut, f->id[0].pk,
				    &f->id[1]);
		TL_CHECK(rc == KITH_EDECODE || rc == KITH_ECRYPT,
			 "cut to %zu of %zu bytes: expected EDECODE or ECRYPT, "
			 "got %d (%s)",
			 cut, len, rc, kith_strerror(rc));
		if (cut < 2 + 4 * CRDT_SEAL_ENTRY_LEN + CRDT_AEAD_NONCE_LEN +
				  CRDT_AEAD_ABYTES)
			TL_CHECK(rc == KITH_EDECODE &&
					 crdt_seal_recipients(env, cut, NULL, 0,
							      &n) == KITH_EDECODE,
				 "cut to %zu bytes (inside the structure): "
				 "expected EDECODE",
				 cut);
	}
	env[len] = 0;
	TL_RC(crdt_seal_open(out, sizeof out, &n, env, len + 1, f->id[0].pk,
			     &f->id[1]),
	      KITH_ECRYPT);
}

static void malformed_headers(void **state)
{
	struct fx *f = *state;
	uint8_t env[CRDT_SEAL_MAX];
	char out[CRDT_SEAL_MAX + 1];
	size_t len = seal4(f, env), n;

	env[0] = 2;
	TL_RC(crdt_seal_open(out, sizeof out, &n, env, len, f->id[0].pk,
			     &f->id[1]),
	      KITH_EVERSION);
	TL_RC(crdt_seal_recipients(env, len, NULL, 0, &n), KITH_EVERSION);
	env[0] = 0;
	TL_RC(crdt_seal_recipients(env, len, NULL, 0, &n), KITH_EDECODE);
	env[0] = 1;
	env[1] = 0; /* no recipients */
	TL_RC(crdt_seal_recipients(env, len, NULL, 0, &n), KITH_EDECODE);
	env[1] = CRDT_SEAL_MAX_RECIPIENTS + 1;
	TL_RC(crdt_seal_recipients(env, len, NULL, 0, &n), KITH_EDECODE);
	env[1] = 0x84; /* non-canonical varint 4: 0x84 0x00 */
	env[2] = 0x00;
	TL_RC(crdt_seal_recipients(env, len, NULL, 0, &n), KITH_EDECODE);
	TL_RC(crdt_seal_recipients(env, CRDT_SEAL_MAX + 1, NULL, 0, &n),
	      KITH_EDECODE);
}

static void limits(void **state)
{
	struct fx *f = *state;
	static uint8_t many[CRDT_SEAL_MAX_RECIPIENTS + 1][CRDT_PK_LEN];
	static char text[CRDT_SEAL_MAX + 2];
	uint8_t env[CRDT_SEAL_MAX];
	char out[CRDT_SEAL_MAX + 1];
	struct crdt_identity id;
	size_t len, n, max, k;
	int rc;

	for (k = 0; k <= CRDT_SEAL_MAX_RECIPIENTS; k++) {
		TL_OK(tl_identity(&id, 100 + k));
		memcpy(many[k], id.pk, CRDT_PK_LEN);
		crdt_identity_release(&id);
	}
	memset(text, 'a', sizeof text - 1);
	TL_RC(crdt_seal(env, sizeof env, &len, "x", 1, f->id[0].pk,
			(const uint8_t(*)[CRDT_PK_LEN])many, 0, &f->env),
	      KITH_EINVAL);
	TL_RC(crdt_seal(env, sizeof env, &len, "x", 1, f->id[0].pk,
			(const uint8_t(*)[CRDT_PK_LEN])many,
			CRDT_SEAL_MAX_RECIPIENTS + 1, &f->env),
	      KITH_ETOOBIG);
	TL_EQ(crdt_seal_max_text(CRDT_SEAL_MAX_RECIPIENTS + 1), 0,
	      "max text for too many recipients");

	/* exactly the longest text fits, one byte more does not */
	for (k = 1; k <= CRDT_SEAL_MAX_RECIPIENTS; k += 31) {
		max = crdt_seal_max_text(k);
		TL_CHECK(max > 0 && max < CRDT_SEAL_MAX,
			 "max text for %zu recipients: got %zu", k, max);
		TL_OK(crdt_seal(env, sizeof env, &len, text, max, f->id[0].pk,
				(const uint8_t(*)[CRDT_PK_LEN])many, k, &f->env));
		TL_EQ(len, CRDT_SEAL_MAX, "the longest envelope fills a field");
		TL_OK(tl_identity(&id, 100 + k - 1)); /* the last recipient */
		n = 0;
		rc = crdt_seal_open(out, sizeof out, &n, env, len, f->id[0].pk,
				    &id);
		crdt_identity_release(&id);
		TL_OK(rc);
		TL_EQ(n, max, "the longest text opens whole");
		TL_RC(crdt_seal_open(out, sizeof out, &n, env, len, f->id[0].pk,
				     &f->id[0]),
		      KITH_EDENIED);
		TL_RC(crdt_seal(env, sizeof env, &len, text, max + 1,
				f->id[0].pk,
				(const uint8_t(*)[CRDT_PK_LEN])many, k, &f->env),
		      KITH_ETOOBIG);
	}
	/* too long for any recipient list */
	TL_RC(crdt_seal(env, sizeof env, &len, text, CRDT_SEAL_MAX + 1,
			f->id[0].pk, (const uint8_t(*)[CRDT_PK_LEN])many, 1,
			&f->env),
	      KITH_ETOOBIG);
	/* the caller's buffer too small */
	TL_RC(crdt_seal(env, crdt_seal_size(1, 1) - 1, &len, "x", 1,
			f->id[0].pk, (const uint8_t(*)[CRDT_PK_LEN])many, 1,
			&f->env),
	      KITH_ETOOBIG);
	/* a key that is no usable point (the identity, small order) */
	memset(many[0], 0, CRDT_PK_LEN);
	many[0][0] = 1;
	TL_RC(crdt_seal(env, sizeof env, &len, "x", 1, f->id[0].pk,
			(const uint8_t(*)[CRDT_PK_LEN])many, 1, &f->env),
	      KITH_EINVAL);
}

static void recipient_set(void **state)
{
	struct fx *f = *state;
	struct crdt_seal_to t;
	struct crdt_identity id;
	size_t k;

	crdt_seal_to_init(&t);
	TL_OK(crdt_seal_to_add(&t, f->to[0]));
	TL_OK(crdt_seal_to_add(&t, f->to[1]));
	TL_OK(crdt_seal_to_add(&t, f->to[0]));
	TL_EQ(t.n, 2, "a key added twice counts once");
	for (k = 2; k < CRDT_SEAL_MAX_RECIPIENTS; k++) {
		TL_OK(tl_identity(&id, 200 + k));
		TL_OK(crdt_seal_to_add(&t, id.pk));
		crdt_identity_release(&id);
	}
	TL_EQ(t.n, CRDT_SEAL_MAX_RECIPIENTS, "set is full");
	TL_OK(crdt_seal_to_add(&t, f->to[1])); /* present: still fine */
	TL_RC(crdt_seal_to_add(&t, f->to[4]), KITH_ETOOBIG);
	TL_EQ(t.n, CRDT_SEAL_MAX_RECIPIENTS, "a refused key is not added");
}

/* crdt_box_seal speaks libsodium's crypto_box_seal format both ways. */
static void box_seal_is_libsodium_format(void **state)
{
	struct fx *f = *state;
	uint8_t key[CRDT_KEY_LEN] = "a content key of thirty-two byte";
	uint8_t box[CRDT_KEY_LEN + CRDT_BOX_SEALBYTES], back[CRDT_KEY_LEN];
	uint8_t seed[CRDT_SEED_LEN] = { 9 }, xpk[32], xsk[32];

	TL_OK(crdt_box_seal(box, key, sizeof key, f->id[1].pk, seed));
	TL_CHECK(crypto_sign_ed25519_pk_to_curve25519(xpk, f->id[1].pk) == 0 &&
			 crypto_sign_ed25519_sk_to_curve25519(xsk, f->id[1].sk) ==
				 0,
		 "key conversion");
	TL_CHECK(crypto_box_seal_open(back, box, sizeof box, xpk, xsk) == 0 &&
			 !memcmp(back, key, sizeof key),
		 "libsodium's crypto_box_seal_open must open crdt_box_seal");
	TL_RC(crdt_box_seal_open(back, box, sizeof box, &f->id[2]),
	      KITH_ECRYPT);
	TL_CHECK(crypto_box_seal(box, key, sizeof key, xpk) == 0,
		 "crypto_box_seal");
	memset(back, 0, sizeof back);
	TL_OK(crdt_box_seal_open(back, box, sizeof box, &f->id[1]));
	TL_CHECK(!memcmp(back, key, sizeof key),
		 "crdt_box_seal_open must open libsodium's crypto_box_seal");
	TL_RC(crdt_box_seal_open(back, box, CRDT_BOX_SEALBYTES - 1, &f->id[1]),
	      KITH_ECRYPT);
	sodium_memzero(xsk, sizeof xsk);
}

static void aead(void **state)
{
	static const uint8_t key[CRDT_KEY_LEN] = { 1, 2, 3 };
	static const uint8_t nonce[CRDT_AEAD_NONCE_LEN] = { 4, 5, 6 };
	uint8_t ct[sizeof TEXT + CRDT_AEAD_ABYTES], pt[sizeof TEXT];

	(void)state;
	crdt_aead_seal(ct, (const uint8_t *)TEXT, sizeof TEXT,
		       (const uint8_t *)"ad", 2, nonce, key);
	TL_OK(crdt_aead_open(pt, ct, sizeof ct, (const uint8_t *)"ad", 2, nonce,
			     key));
	TL_CHECK(!memcmp(pt, TEXT, sizeof TEXT), "aead round trip");
	TL_RC(crdt_aead_open(pt, ct, sizeof ct, (const uint8_t *)"AD", 2,
			     nonce, key),
	      KITH_ECRYPT);
	TL_RC(crdt_aead_open(pt, ct, CRDT_AEAD_ABYTES - 1, NULL, 0, nonce, key),
	      KITH_ECRYPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(recipients_listed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deterministic_with_injected_rng,
						setup, teardown),
		cmocka_unit_test_setup_teardown(tampering_detected, setup,
						teardown),
		cmocka_unit_test_setup_teardown(truncated_and_extended, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_headers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(limits, setup, teardown),
		cmocka_unit_test_setup_teardown(recipient_set, setup, teardown),
		cmocka_unit_test_setup_teardown(box_seal_is_libsodium_format,
						setup, teardown),
		cmocka_unit_test(aead),
	};

	return cmocka_run_group_tests_name("seal", tests, tl_group_setup, NULL);
}
