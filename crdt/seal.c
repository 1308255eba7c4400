#include <string.h>

#include "codec.h"
#include "err.h"
#include "seal.h"

/* n is written as one varint byte */
_Static_assert(CRDT_SEAL_MAX_RECIPIENTS < 128, "recipient count is one byte");

#define HEAD_MAX (2 + CRDT_SEAL_MAX_RECIPIENTS * CRDT_SEAL_ENTRY_LEN)
#define TAIL_LEN (CRDT_AEAD_NONCE_LEN + CRDT_AEAD_ABYTES)

/* An envelope taken apart (pointers into it). */
struct view {
	size_t n;
	const uint8_t *entries; /* n * CRDT_SEAL_ENTRY_LEN */
	size_t head_len;	/* bytes before the nonce */
	const uint8_t *nonce;
	const uint8_t *box;
	size_t box_len; /* text + CRDT_AEAD_ABYTES */
};

size_t crdt_seal_size(size_t len, size_t n)
{
	return 1 + crdt_varint_len(n) + n * CRDT_SEAL_ENTRY_LEN + TAIL_LEN + len;
}

size_t crdt_seal_max_text(size_t n)
{
	size_t fixed;

	if (n > CRDT_SEAL_MAX_RECIPIENTS)
		return 0;
	fixed = crdt_seal_size(0, n);
	return fixed < CRDT_SEAL_MAX ? CRDT_SEAL_MAX - fixed : 0;
}

void crdt_seal_to_init(struct crdt_seal_to *t)
{
	memset(t, 0, sizeof *t);
}

int crdt_seal_to_add(struct crdt_seal_to *t, const uint8_t pk[CRDT_PK_LEN])
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (crdt_equal(t->pk[i], pk, CRDT_PK_LEN))
			return 0;
	if (t->n == CRDT_SEAL_MAX_RECIPIENTS)
		return KITH_ETOOBIG;
	memcpy(t->pk[t->n++], pk, CRDT_PK_LEN);
	return 0;
}

static int parse(const uint8_t *p, size_t len, struct view *v)
{
	struct crdt_rd rd;
	uint8_t version;
	uint64_t n;

	memset(v, 0, sizeof *v);
	if (len > CRDT_SEAL_MAX)
		return KITH_EDECODE;
	crdt_rd_init(&rd, p, len);
	version = crdt_rd_u8(&rd);
	n = crdt_rd_varint(&rd);
	if (rd.err)
		return KITH_EDECODE;
	if (version > CRDT_SEAL_VERSION)
		return KITH_EVERSION;
	if (version != CRDT_SEAL_VERSION || n < 1 ||
	    n > CRDT_SEAL_MAX_RECIPIENTS)
		return KITH_EDECODE;
	v->n = (size_t)n;
	v->entries = crdt_rd_bytes(&rd, v->n * CRDT_SEAL_ENTRY_LEN);
	v->head_len = rd.off;
	v->nonce = crdt_rd_bytes(&rd, CRDT_AEAD_NONCE_LEN);
	if (rd.err || crdt_rd_left(&rd) < CRDT_AEAD_ABYTES)
		return KITH_EDECODE;
	v->box_len = crdt_rd_left(&rd);
	v->box = crdt_rd_bytes(&rd, v->box_len);
	return 0;
}

/* ad = author || head, into buf (32 + HEAD_MAX bytes) */
static size_t make_ad(uint8_t *buf, const uint8_t author[CRDT_PK_LEN],
		      const uint8_t *head, size_t head_len)
{
	memcpy(buf, author, CRDT_PK_LEN);
	memcpy(buf + CRDT_PK_LEN, head, head_len);
	return CRDT_PK_LEN + head_len;
}

int crdt_seal(uint8_t *out, size_t cap, size_t *out_len, const void *text,
	      size_t len, const uint8_t author[CRDT_PK_LEN],
	      const uint8_t (*to)[CRDT_PK_LEN], size_t n,
	      const struct crdt_env *env)
{
	uint8_t key[CRDT_KEY_LEN], eseed[CRDT_SEED_LEN];
	uint8_t ad[CRDT_PK_LEN + HEAD_MAX];
	size_t size, i, head_len, ad_len;
	uint8_t *p;
	int rc = 0;

	if (n == 0)
		return KITH_EINVAL;
	if (n > CRDT_SEAL_MAX_RECIPIENTS || len > CRDT_SEAL_MAX)
		return KITH_ETOOBIG;
	size = crdt_seal_size(len, n);
	if (size > CRDT_SEAL_MAX || size > cap)
		return KITH_ETOOBIG;
	p = out;
	*p++ = CRDT_SEAL_VERSION;
	*p++ = (uint8_t)n;
	env->random(env->ctx, key, sizeof key);
	for (i = 0; i < n; i++) {
		memcpy(p, to[i], CRDT_SEAL_PREFIX_LEN);
		env->random(env->ctx, eseed, sizeof eseed);
		rc = crdt_box_seal(p + CRDT_SEAL_PREFIX_LEN, key, sizeof key,
				   to[i], eseed);
		if (rc)
			goto out;
		p += CRDT_SEAL_ENTRY_LEN;
	}
	head_len = (size_t)(p - out);
	env->random(env->ctx, p, CRDT_AEAD_NONCE_LEN);
	ad_len = make_ad(ad, author, out, head_len);
	crdt_aead_seal(p + CRDT_AEAD_NONCE_LEN, text, len, ad, ad_len, p, key);
	*out_len = size;
out:
	crdt_wipe(key, sizeof key);
	crdt_wipe(eseed, sizeof eseed);
	return rc;
}

int crdt_seal_open(char *out, size_t cap, size_t *out_len, const uint8_t *env,
		   size_t len, const uint8_t author[CRDT_PK_LEN],
		   const struct crdt_identity *id)
{
	uint8_t key[CRDT_KEY_LEN], ad[CRDT_PK_LEN + HEAD_MAX];
	struct view v;
	size_t i, text_len, ad_len;
	int rc, mine = 0, opened = 0;

	rc = parse(env, len, &v);
	if (rc)
		return rc;
	text_len = v.box_len - CRDT_AEAD_ABYTES;
	if (cap < text_len + 1)
		return KITH_ETOOBIG;
	for (i = 0; i < v.n && !opened; i++) {
		const uint8_t *e = v.entries + i * CRDT_SEAL_ENTRY_LEN;

		if (!crdt_equal(e, id->pk, CRDT_SEAL_PREFIX_LEN))
			continue;
		mine = 1;
		opened = crdt_box_seal_open(key, e + CRDT_SEAL_PREFIX_LEN,
					    CRDT_KEY_LEN + CRDT_BOX_SEALBYTES,
					    id) == 0;
	}
	if (!opened) {
		rc = mine ? KITH_ECRYPT : KITH_EDENIED;
		goto out;
	}
	ad_len = make_ad(ad, author, env, v.head_len);
	rc = crdt_aead_open((uint8_t *)out, v.box, v.box_len, ad, ad_len,
			    v.nonce, key);
	if (rc) {
		crdt_wipe(out, text_len);
		goto out;
	}
	out[text_len] = 0;
	*out_len = text_len;
out:
	crdt_wipe(key, sizeof key);
	return rc;
}

int crdt_seal_recipients(const uint8_t *env, size_t len,
			 uint8_t (*prefix)[CRDT_SEAL_PREFIX_LEN], size_t cap,
			 size_t *n)
{
	struct view v;
	size_t i;
	int rc = parse(env, len, &v);

	if (rc)
		return rc;
	*n = v.n;
	for (i = 0; i < v.n && i < cap; i++)
		memcpy(prefix[i], v.entries + i * CRDT_SEAL_ENTRY_LEN,
		       CRDT_SEAL_PREFIX_LEN);
	return 0;
}
