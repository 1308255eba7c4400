/*
 * fuzz_seal.c - sealed private parts (crdt/seal.c): opening crafted
 * envelopes as a fixed identity, and sealing then opening.
 *
 * Three fixed identities (common.h, FUZZ_SEAL_*): "me", who opens; "other",
 * a second recipient; "outsider", never a recipient.  The
 * first input byte chooses what the rest means:
 *
 *   bit 0 clear  "open": the rest is an envelope of a record by me (bit 1
 *                clear) or by other (bit 1 set); me and other open it.
 *   bit 0 set    "seal": the rest is  sel:u8 flip:u16be xor:u8 text.  sel's
 *                low 5 bits + 1 recipients are sealed to: me, other, then
 *                keys derived from the text (bit 5: the first is a raw
 *                32-byte slice of the input, so unusable keys occur); bit
 *                6 makes other the author instead of me.
 *
 * Checked:
 *   - open: the result is 0 or one of the documented errors;
 *     crdt_seal_recipients fails exactly when open says malformed or newer
 *     (EDECODE, EVERSION) and otherwise lists the prefixes open looked at:
 *     an opener whose key prefix is not listed gets EDENIED; a success
 *     gives a NUL-terminated text of the length the envelope implies; a
 *     failure leaves the output buffer untouched (all zero);
 *   - seal: the size is crdt_seal_size(); every recipient that opens gets
 *     the text back; the outsider gets EDENIED; the envelope does not open
 *     for another author (ECRYPT); after flipping one byte (when xor is not
 *     0) it never opens for me.  Sealing fails only with EINVAL (an
 *     unusable key) or ETOOBIG (too long for the recipients).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "crdt/err.h"
#include "crdt/seal.h"

#define FAIL(...)                                                             \
	do {                                                                  \
		fprintf(stderr, "fuzz_seal: " __VA_ARGS__);                   \
		fputc('\n', stderr);                                          \
		abort();                                                      \
	} while (0)

static struct crdt_identity me, other, outsider;
static char text_out[CRDT_SEAL_MAX + 1];
static uint8_t env_buf[CRDT_SEAL_MAX];

static void make_id(struct crdt_identity *id, uint8_t b)
{
	uint8_t seed[CRDT_SEED_LEN];

	memset(seed, b, sizeof seed);
	if (crdt_identity_from_seed(id, seed))
		FAIL("cannot make an identity");
}

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (crdt_crypto_init())
		FAIL("crdt_crypto_init");
	make_id(&me, FUZZ_SEAL_ME);
	make_id(&other, FUZZ_SEAL_OTHER);
	make_id(&outsider, FUZZ_SEAL_OUTSIDER);
}

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* Open as id; check what can be checked without knowing the text. */
static int open_as(const uint8_t *env, size_t len, const uint8_t *author,
		   const struct crdt_identity *id, size_t *text_len)
{
	uint8_t prefix[CRDT_SEAL_MAX_RECIPIENTS][CRDT_SEAL_PREFIX_LEN];
	size_t n = 0, i, out_len = (size_t)-1;
	int rc, rrc, listed = 0;

	memset(text_out, 0, sizeof text_out);
	rc = crdt_seal_open(text_out, sizeof text_out, &out_len, env, len,
			    author, id);
	rrc = crdt_seal_recipients(env, len, prefix, CRDT_SEAL_MAX_RECIPIENTS,
				   &n);
	if (rc != 0 && rc != KITH_EDENIED && rc != KITH_ECRYPT &&
	    rc != KITH_EDECODE && rc != KITH_EVERSION)
		FAIL("open: unexpected error %d (%s)", rc, kith_strerror(rc));
	if (rrc != 0 && rrc != KITH_EDECODE && rrc != KITH_EVERSION)
		FAIL("recipients: unexpected error %d", rrc);
	if ((rc == KITH_EDECODE || rc == KITH_EVERSION) != (rrc != 0) ||
	    (rrc && rrc != rc))
		FAIL("open says %d, recipients says %d", rc, rrc);
	if (rrc == 0) {
		if (n < 1 || n > CRDT_SEAL_MAX_RECIPIENTS)
			FAIL("%zu recipients", n);
		for (i = 0; i < n; i++)
			listed |= !memcmp(prefix[i], id->pk,
					  CRDT_SEAL_PREFIX_LEN);
		if (!listed && rc != KITH_EDENIED)
			FAIL("not listed, but open says %d", rc);
		if (listed && rc == KITH_EDENIED)
			FAIL("listed, but open says EDENIED");
	}
	if (rc) {
		if (!all_zero(text_out, sizeof text_out))
			FAIL("a failed open left text behind");
		return rc;
	}
	if (out_len != len - crdt_seal_size(0, n))
		FAIL("opened %zu bytes of a %zu-byte envelope for %zu", out_len,
		     len, n);
	if (text_out[out_len])
		FAIL("text not NUL-terminated");
	*text_len = out_len;
	return 0;
}

static void fuzz_open(const uint8_t *data, size_t size, int by_other)
{
	const uint8_t *author = by_other ? other.pk : me.pk;
	size_t tl;

	if (open_as(data, size, author, &me, &tl) == 0 &&
	    open_as(data, size, by_other ? me.pk : other.pk, &me, &tl) == 0)
		FAIL("an envelope opens for two authors");
	(void)open_as(data, size, author, &other, &tl);
	(void)open_as(data, size, author, &outsider, &tl);
}

/* A usable key made from bytes (the public key of a seed). */
static void key_from(uint8_t pk[CRDT_PK_LEN], const uint8_t *p, size_t n,
		     unsigned salt)
{
	struct crdt_identity id;
	uint8_t seed[CRDT_SEED_LEN];
	size_t i;

	memset(seed, (int)salt, sizeof seed);
	for (i = 0; i < n && i < sizeof seed; i++)
		seed[i] ^= p[i];
	seed[CRDT_SEED_LEN - 1] = (uint8_t)(0x80 | salt);
	if (crdt_identity_from_seed(&id, seed))
		FAIL("cannot make an identity");
	memcpy(pk, id.pk, CRDT_PK_LEN);
	crdt_identity_release(&id);
}

static void fuzz_seal(const uint8_t *data, size_t size)
{
	uint8_t to[CRDT_SEAL_MAX_RECIPIENTS][CRDT_PK_LEN];
	const struct crdt_identity *author;
	const uint8_t *text;
	size_t n, len, env_len = 0, tl, i, flip;
	unsigned sel;
	uint8_t x;
	int rc, raw = 0;

	if (size < 4)
		return;
	sel = data[0];
	flip = (size_t)data[1] << 8 | data[2];
	x = data[3];
	text = data + 4;
	len = size - 4;
	author = sel & 0x40 ? &other : &me;
	n = (sel & 31) + 1;
	memcpy(to[0], me.pk, CRDT_PK_LEN);
	if (n > 1)
		memcpy(to[1], other.pk, CRDT_PK_LEN);
	for (i = 2; i < n; i++)
		key_from(to[i], text, len, (unsigned)i);
	if ((sel & 0x20) && n > 2 && len >= CRDT_PK_LEN) {
		memcpy(to[2], text, CRDT_PK_LEN);
		raw = 1;
	}
	rc = crdt_seal(env_buf, sizeof env_buf, &env_len, text, len,
		       author->pk, (const uint8_t(*)[CRDT_PK_LEN])to, n,
		       &fuzz_env);
	if (rc == KITH_ETOOBIG) {
		if (len <= crdt_seal_max_text(n))
			FAIL("ETOOBIG for %zu bytes to %zu", len, n);
		return;
	}
	if (rc == KITH_EINVAL && raw)
		return;
	if (rc)
		FAIL("seal: %d (%s)", rc, kith_strerror(rc));
	if (len > crdt_seal_max_text(n))
		FAIL("sealed %zu bytes, more than fits for %zu", len, n);
	if (env_len != crdt_seal_size(len, n))
		FAIL("envelope of %zu bytes, expected %zu", env_len,
		     crdt_seal_size(len, n));
	rc = open_as(env_buf, env_len, author->pk, &me, &tl);
	if (rc || tl != len || memcmp(text_out, text, len))
		FAIL("me: round trip failed (%d)", rc);
	if (n > 1) {
		rc = open_as(env_buf, env_len, author->pk, &other, &tl);
		if (rc || tl != len || memcmp(text_out, text, len))
			FAIL("other: round trip failed (%d)", rc);
	}
	rc = open_as(env_buf, env_len, author->pk, &outsider, &tl);
	if (rc != KITH_EDENIED &&
	    !(raw && !memcmp(to[2], outsider.pk, CRDT_SEAL_PREFIX_LEN)))
		FAIL("outsider: %d, expected EDENIED", rc);
	rc = open_as(env_buf, env_len, author == &me ? other.pk : me.pk, &me,
		     &tl);
	if (rc != KITH_ECRYPT)
		FAIL("opened for another author: %d", rc);
	if (x) {
		env_buf[flip % env_len] ^= x;
		rc = open_as(env_buf, env_len, author->pk, &me, &tl);
		if (rc == 0)
			FAIL("opened after flipping byte %zu", flip % env_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_seal(data + 1, size - 1);
	else
		fuzz_open(data + 1, size - 1, data[0] & 2);
	return 0;
}
