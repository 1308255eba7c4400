/*
 * test_change.c - the signed change: canonical encoding, the bounds-checked
 * decoder, signatures, record ids and op building (crdt/change.c).
 */
#include <stdlib.h>
#include <string.h>

#include "crdt/change.h"
#include "tests/testlib.h"

#define NOPS 6

static char long_text[CRDT_MAX_TEXT + 1];

/* Ops of every kind with both value types, extremes included. */
static void build_ops(struct crdt_op ops[NOPS], const uint8_t member[32])
{
	static const uint8_t target[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
					    9, 10, 11, 12, 13, 14, 15, 16 };
	static const uint8_t nul_bytes[5] = { 'a', 0, 'b', 0, 0xff };

	memset(long_text, 'x', CRDT_MAX_TEXT);
	long_text[CRDT_MAX_TEXT] = 0;

	crdt_op_init(&ops[0], CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&ops[0], F_ITEM_TITLE, "ladder"));
	TL_OK(crdt_op_set_int(&ops[0], F_ITEM_KIND, 1));
	TL_OK(crdt_op_set_int(&ops[0], F_ITEM_QUANTITY, -3));
	TL_OK(crdt_op_set_text(&ops[0], F_ITEM_DESCRIPTION, ""));
	TL_OK(crdt_op_set_int(&ops[0], F_ITEM_UNTIL, INT64_MAX));

	crdt_op_init(&ops[1], CRDT_OP_OWN, CRDT_R_WISH);
	ops[1].tseq = 7;
	ops[1].tidx = 3;
	TL_OK(crdt_op_set_int(&ops[1], F_WISH_WITHDRAWN, 1));
	TL_OK(crdt_op_set_int(&ops[1], F_WISH_NEEDED_BY, INT64_MIN));
	TL_OK(crdt_op_set_bytes(&ops[1], F_WISH_LOCATION, nul_bytes,
				sizeof nul_bytes));

	crdt_op_init(&ops[2], CRDT_OP_REF, CRDT_R_CLAIM);
	memcpy(ops[2].target, target, 16);
	ops[2].target_len = 16;
	TL_OK(crdt_op_set_int(&ops[2], F_CLAIM_CANCELLED, 1));

	crdt_op_init(&ops[3], CRDT_OP_REF, CRDT_R_MEMBER);
	memcpy(ops[3].target, member, 32);
	ops[3].target_len = 32;
	TL_OK(crdt_op_set_text(&ops[3], F_MEMBER_UNIT, "4b"));

	crdt_op_init(&ops[4], CRDT_OP_SELF, CRDT_R_MEMBER);
	TL_OK(crdt_op_set_text(&ops[4], F_MEMBER_NAME, "Ana"));
	TL_OK(crdt_op_set_text(&ops[4], F_MEMBER_BUILDING, long_text));
	/* an unknown field and an unknown record type travel untouched */
	TL_OK(crdt_op_set_int(&ops[4], 200, 5));

	crdt_op_init(&ops[5], CRDT_OP_CREATE, 99);
	for (unsigned f = 1; f <= CRDT_MAX_VALS; f++)
		TL_OK(crdt_op_set_int(&ops[5], f * 10, (int64_t)f - 8));

	for (int i = 0; i < NOPS; i++)
		TL_OK(crdt_op_finish(&ops[i]));
}

static void check_same_op(const struct crdt_op *a, const struct crdt_op *b,
			  int i)
{
	uint32_t k;

	TL_CHECK(a->kind == b->kind && a->rtype == b->rtype,
		 "op %d: expected kind %u rtype %u, got %u %u", i, a->kind,
		 a->rtype, b->kind, b->rtype);
	if (a->kind == CRDT_OP_OWN)
		TL_CHECK(a->tseq == b->tseq && a->tidx == b->tidx,
			 "op %d: expected OWN target (%llu, %u), got (%llu, %u)",
			 i, (unsigned long long)a->tseq, a->tidx,
			 (unsigned long long)b->tseq, b->tidx);
	if (a->kind == CRDT_OP_REF)
		TL_CHECK(a->target_len == b->target_len &&
				 !memcmp(a->target, b->target, a->target_len),
			 "op %d: expected REF target %s, got %s", i,
			 tl_hex(a->target, a->target_len),
			 tl_hex(b->target, b->target_len));
	TL_CHECK(a->nvals == b->nvals, "op %d: expected %u values, got %u", i,
		 a->nvals, b->nvals);
	for (k = 0; k < a->nvals; k++) {
		const struct crdt_val *x = &a->vals[k], *y = &b->vals[k];

		TL_CHECK(x->field == y->field && x->type == y->type,
			 "op %d val %u: expected field %u type %u, got %u %u",
			 i, k, x->field, x->type, y->field, y->type);
		if (x->type == CRDT_V_INT)
			TL_CHECK(x->i == y->i,
				 "op %d field %u: expected %lld, got %lld", i,
				 x->field, (long long)x->i, (long long)y->i);
		else
			TL_CHECK(x->len == y->len &&
					 (!x->len || !memcmp(x->p, y->p, x->len)),
				 "op %d field %u: expected %zu bytes, got %zu "
				 "(or different content)", i, x->field, x->len,
				 y->len);
	}
}

/* A signed change with all the ops above, as "body sig". */
static void make_signed(struct crdt_identity *id, uint64_t seq,
			struct tl_changes *out, struct crdt_op ops[NOPS],
			uint8_t prev[32])
{
	tl_seed32(prev, 1234);
	build_ops(ops, id->pk);
	TL_OK(tl_make_change(id, seq, seq > 1 ? prev : NULL,
			     (TL_EPOCH_MS << 16) | 5, ops, NOPS, out, NULL));
}

static void round_trip(void **state)
{
	struct crdt_identity id;
	struct tl_changes ch = { 0 };
	struct crdt_op ops[NOPS];
	struct crdt_change c, c2;
	struct crdt_buf b;
	uint8_t prev[32], zero[32] = { 0 }, h[32];
	uint64_t seq;

	(void)state;
	TL_OK(tl_identity(&id, 1));
	for (seq = 1; seq <= 2; seq++) {
		tl_changes_free(&ch);
		make_signed(&id, seq == 1 ? 1 : 1000000, &ch, ops, prev);
		TL_OK(crdt_change_decode(&c, ch.v[0].p, ch.v[0].len));
		TL_CHECK(!memcmp(c.author, id.pk, 32), "author: expected %s, "
			 "got %s", tl_hex(id.pk, 32), tl_hex(c.author, 32));
		TL_CHECK(c.seq == (seq == 1 ? 1 : 1000000),
			 "seq: expected %llu, got %llu",
			 (unsigned long long)(seq == 1 ? 1 : 1000000),
			 (unsigned long long)c.seq);
		TL_CHECK(!memcmp(c.prev, seq == 1 ? zero : prev, 32),
			 "prev: expected %s, got %s",
			 tl_hex(seq == 1 ? zero : prev, 32), tl_hex(c.prev, 32));
		TL_CHECK(c.hlc == ((TL_EPOCH_MS << 16) | 5),
			 "hlc: expected %llu, got %llu",
			 (unsigned long long)((TL_EPOCH_MS << 16) | 5),
			 (unsigned long long)c.hlc);
		TL_CHECK(c.nops == NOPS, "expected %d ops, got %u", NOPS,
			 c.nops);
		for (int i = 0; i < NOPS; i++)
			check_same_op(&ops[i], &c.ops[i], i);
		TL_CHECK(c.body == ch.v[0].p &&
				 c.body_len == ch.v[0].len - CRDT_SIG_LEN,
			 "body: expected to point at the input, %zu bytes",
			 ch.v[0].len - CRDT_SIG_LEN);
		crdt_hash(h, 32, c.body, c.body_len);
		TL_CHECK(!memcmp(h, c.hash, 32), "hash: expected BLAKE2b-256 "
			 "of the body");
		TL_OK(crdt_change_verify(&c));

		/* canonical: re-encoding gives the same bytes */
		crdt_buf_init(&b, CRDT_MAX_BODY);
		TL_OK(crdt_change_encode_body(&c, &b));
		TL_CHECK(b.len == c.body_len && !memcmp(b.data, c.body, b.len),
			 "re-encoding a decoded change: expected the same %zu "
			 "bytes, got %zu", c.body_len, b.len);

		/* the ops part decodes on its own */
		memset(&c2, 0, sizeof c2);
		TL_OK(crdt_ops_decode(&c2, c.body + c.ops_off,
				      c.body_len - c.ops_off));
		TL_CHECK(c2.nops == NOPS, "ops alone: expected %d, got %u",
			 NOPS, c2.nops);
		for (int i = 0; i < NOPS; i++)
			check_same_op(&ops[i], &c2.ops[i], i);
		crdt_buf_reset(&b);
		TL_OK(crdt_ops_encode(c2.ops, c2.nops, &b));
		TL_CHECK(b.len == c.body_len - c.ops_off &&
				 !memcmp(b.data, c.body + c.ops_off, b.len),
			 "ops re-encoding: expected the same bytes");
		crdt_buf_release(&b);
		crdt_change_release(&c2);
		crdt_change_release(&c);
		TL_CHECK(c.ops == NULL && c.nops == 0,
			 "release: expected no ops left");
	}
	tl_changes_free(&ch);
	crdt_identity_release(&id);
}

static void every_truncation_fails(void **state)
{
	struct crdt_identity id;
	struct tl_changes ch = { 0 };
	struct crdt_op ops[NOPS];
	struct crdt_change c;
	uint8_t prev[32], *copy;
	size_t len, n;

	(void)state;
	TL_OK(tl_identity(&id, 2));
	make_signed(&id, 3, &ch, ops, prev);
	n = ch.v[0].len;
	for (len = 0; len < n; len++) {
		int rc;

		/* an exact-size copy so ASan sees any read past the end */
		copy = malloc(len ? len : 1);
		memcpy(copy, ch.v[0].p, len);
		rc = crdt_change_decode(&c, copy, len);
		TL_CHECK(rc < 0, "decode of the first %zu of %zu bytes: expected "
			 "an error, got %d", len, n, rc);
		TL_CHECK(c.ops == NULL, "failed decode (%zu bytes) left ops "
			 "allocated", len);
		free(copy);
	}
	/* one extra byte is an error too */
	copy = malloc(n + 1);
	memcpy(copy, ch.v[0].p, n);
	copy[n] = 0;
	if (crdt_change_decode(&c, copy, n + 1) == 0) {
		int v = crdt_change_verify(&c);

		crdt_change_release(&c);
		TL_CHECK(v != 0, "a change with a trailing byte: expected it "
			 "to fail decoding or verification");
	}
	free(copy);
	tl_changes_free(&ch);
	crdt_identity_release(&id);
}

static void flipped_bytes_never_verify(void **state)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff, 0x40 };
	struct crdt_identity id;
	struct tl_changes ch = { 0 };
	struct crdt_op ops[NOPS];
	struct crdt_change c;
	uint8_t prev[32], *copy;
	size_t pos, n, m, decoded = 0;

	(void)state;
	TL_OK(tl_identity(&id, 3));
	/* a smaller change so every position x mask stays fast */
	build_ops(ops, id.pk);
	tl_seed32(prev, 1);
	TL_OK(tl_make_change(&id, 9, prev, 12345, ops, 4, &ch, NULL));
	n = ch.v[0].len;
	copy = malloc(n);
	for (pos = 0; pos < n; pos++) {
		for (m = 0; m < sizeof masks; m++) {
			int rc;

			memcpy(copy, ch.v[0].p, n);
			copy[pos] ^= masks[m];
			rc = crdt_change_decode(&c, copy, n);
			if (rc)
				continue;
			decoded++;
			TL_CHECK(crdt_change_verify(&c) == KITH_ESIG,
				 "byte %zu ^ 0x%02x: decoded, so expected the "
				 "signature check to fail", pos, masks[m]);
			crdt_change_release(&c);
		}
	}
	/* most flips inside strings, ints and the signature still decode */
	TL_CHECK(decoded > n, "expected many flipped changes to decode (and "
		 "fail verification), only %zu did", decoded);
	free(copy);
	tl_changes_free(&ch);
	crdt_identity_release(&id);
}

static void op_finish_sorts_and_rejects_duplicates(void **state)
{
	struct crdt_op op;
	struct crdt_buf b;

	(void)state;
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&op, F_ITEM_LOCATION, "shed"));
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "saw"));
	TL_OK(crdt_op_set_int(&op, F_ITEM_KIND, 0));
	/* setting a field again replaces it */
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "bow saw"));
	TL_CHECK(op.nvals == 3, "expected 3 values after replacing one, got %u",
		 op.nvals);

	crdt_buf_init(&b, 1024);
	TL_RC(crdt_ops_encode(&op, 1, &b), KITH_EINVAL);
	TL_OK(crdt_op_finish(&op));
	TL_CHECK(op.vals[0].field == F_ITEM_KIND &&
			 op.vals[1].field == F_ITEM_TITLE &&
			 op.vals[2].field == F_ITEM_LOCATION,
		 "finish: expected fields sorted 1,2,8, got %u,%u,%u",
		 op.vals[0].field, op.vals[1].field, op.vals[2].field);
	TL_CHECK(op.vals[1].len == 7 && !memcmp(op.vals[1].p, "bow saw", 7),
		 "expected the replaced title \"bow saw\"");
	crdt_buf_reset(&b);
	TL_OK(crdt_ops_encode(&op, 1, &b));

	/* duplicates made by hand */
	op.vals[2] = op.vals[1];
	TL_RC(crdt_op_finish(&op), KITH_EINVAL);
	crdt_buf_reset(&b);
	TL_RC(crdt_ops_encode(&op, 1, &b), KITH_EINVAL);

	/* bounds of the setters */
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_RC(crdt_op_set_int(&op, 0, 1), KITH_EINVAL);
	TL_RC(crdt_op_set_int(&op, 256, 1), KITH_EINVAL);
	TL_RC(crdt_op_set_bytes(&op, 1, long_text, CRDT_MAX_TEXT + 1),
	      KITH_ETOOBIG);
	for (unsigned f = 1; f <= CRDT_MAX_VALS; f++)
		TL_OK(crdt_op_set_int(&op, f, 0));
	TL_RC(crdt_op_set_int(&op, CRDT_MAX_VALS + 1, 0), KITH_EINVAL);
	TL_OK(crdt_op_set_int(&op, 3, 9)); /* replacing still works */
	crdt_buf_release(&b);
}

static void encode_rejects_bad_changes(void **state)
{
	struct crdt_identity id;
	struct crdt_change c;
	struct crdt_op op;
	struct crdt_buf b;

	(void)state;
	TL_OK(tl_identity(&id, 4));
	crdt_buf_init(&b, 1 << 16);
	memset(&c, 0, sizeof c);
	memcpy(c.author, id.pk, 32);
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	c.ops = &op;
	c.nops = 1;
	c.seq = 0;
	TL_RC(crdt_change_encode_body(&c, &b), KITH_EINVAL);
	c.seq = 1;
	c.nops = 0;
	crdt_buf_reset(&b);
	TL_RC(crdt_change_encode_body(&c, &b), KITH_EINVAL);
	c.nops = 1;
	op.kind = 9;
	crdt_buf_reset(&b);
	TL_RC(crdt_change_encode_body(&c, &b), KITH_EINVAL);
	crdt_op_init(&op, CRDT_OP_REF, CRDT_R_ITEM);
	op.target_len = 20;
	crdt_buf_reset(&b);
	TL_RC(crdt_change_encode_body(&c, &b), KITH_EINVAL);
	op.target_len = 16;
	crdt_buf_reset(&b);
	TL_OK(crdt_change_encode_body(&c, &b));
	crdt_buf_release(&b);
	crdt_identity_release(&id);
}

/* Hand-made ops parts: nops, then raw op bytes. */
struct raw_case {
	const char *what;
	size_t n;
	uint8_t b[24];
};

static void decoder_rejects_malformed_ops(void **state)
{
	static const struct raw_case cases[] = {
		{ "zero ops", 1, { 0 } },
		{ "op kind 0", 4, { 1, 0, 2, 0 } },
		{ "op kind 5", 4, { 1, 5, 2, 0 } },
		{ "record type 0", 4, { 1, 1, 0, 0 } },
		{ "17 values", 4, { 1, 1, 2, 17 } },
		{ "field 0", 6, { 1, 1, 2, 1, 0x00, 0x02 } },
		{ "field 256", 7, { 1, 1, 2, 1, 0x80, 0x04, 0x02 } },
		{ "fields descending", 9,
		  { 1, 1, 2, 2, (2 << 1), 0x02, (1 << 1), 0x02, 0 } },
		{ "duplicate field", 8, { 1, 1, 2, 2, (2 << 1), 0x02, (2 << 1), 0x02 } },
		{ "REF with a 20-byte target", 24,
		  { 1, 3, 2, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0 } },
		{ "OWN with seq 0", 5, { 1, 2, 2, 0, 0 } },
		{ "OWN with index 4096", 7, { 1, 2, 2, 1, 0x80, 0x20, 0 } },
		{ "text longer than declared input", 6,
		  { 1, 1, 2, 1, (1 << 1) | 1, 5 } },
		{ "text over CRDT_MAX_TEXT", 8,
		  { 1, 1, 2, 1, (1 << 1) | 1, 0x81, 0x20, 0 } },
		{ "trailing byte", 5, { 1, 1, 2, 0, 0 } },
		{ "two ops, one given", 4, { 2, 1, 2, 0 } },
		{ "4096 ops in 4 bytes", 5, { 0x80, 0x20, 1, 2, 0 } },
		{ "4097 ops", 3, { 0x81, 0x20, 0 } },
		{ "non-canonical count", 5, { 0x81, 0x00, 1, 2, 0 } },
	};
	struct crdt_change c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t *copy = malloc(cases[i].n ? cases[i].n : 1);
		int rc;

		memcpy(copy, cases[i].b, cases[i].n);
		memset(&c, 0, sizeof c);
		rc = crdt_ops_decode(&c, copy, cases[i].n);
		TL_CHECK(rc < 0, "ops decode of %s: expected an error, got %d",
			 cases[i].what, rc);
		TL_CHECK(c.ops == NULL, "ops decode of %s failed but left ops "
			 "allocated", cases[i].what);
		free(copy);
	}
	/* and the well-formed neighbours of those cases decode */
	{
		static const uint8_t ok[] = { 1, 1, 2, 2, (1 << 1), 0x02,
					      (2 << 1) | 1, 1, 'x' };

		memset(&c, 0, sizeof c);
		TL_OK(crdt_ops_decode(&c, ok, sizeof ok));
		TL_CHECK(c.nops == 1 && c.ops[0].nvals == 2 &&
				 c.ops[0].vals[0].i == 1 &&
				 c.ops[0].vals[1].len == 1,
			 "expected one op with int 1 and text \"x\"");
		crdt_change_release(&c);
	}
}

/* Whole changes with a bad header, signed correctly over the bad body. */
static void decoder_rejects_malformed_headers(void **state)
{
	struct crdt_identity id;
	struct crdt_buf b;
	struct crdt_change c;
	uint8_t sig[64], prev[32] = { 0 };
	static const uint8_t ops[] = { 1, 1, 2, 0 };
	int variant;

	(void)state;
	TL_OK(tl_identity(&id, 5));
	for (variant = 0; variant < 5; variant++) {
		int rc;

		crdt_buf_init(&b, 4096);
		TL_OK(crdt_buf_put_u8(&b, variant == 0 ? 2 : CRDT_VERSION));
		TL_OK(crdt_buf_put(&b, id.pk, 32));
		TL_OK(crdt_buf_put_varint(&b, variant == 1 ? 0 : 2));
		if (variant != 2) /* seq 2 without prev */
			TL_OK(crdt_buf_put(&b, prev, 32));
		if (variant == 3) /* non-canonical hlc */
			TL_OK(crdt_buf_put(&b, "\x80\x00", 2));
		else
			TL_OK(crdt_buf_put_varint(&b, 99));
		TL_OK(crdt_buf_put(&b, ops, sizeof ops));
		if (variant == 4) /* a trailing byte after the ops */
			TL_OK(crdt_buf_put_u8(&b, 0));
		crdt_sign(sig, b.data, b.len, &id);
		TL_OK(crdt_buf_put(&b, sig, 64));
		rc = crdt_change_decode(&c, b.data, b.len);
		TL_CHECK(rc < 0, "header variant %d: expected a decode error, "
			 "got %d", variant, rc);
		crdt_buf_release(&b);
	}
	/* the plain version of the same change decodes */
	crdt_buf_init(&b, 4096);
	TL_OK(crdt_buf_put_u8(&b, CRDT_VERSION));
	TL_OK(crdt_buf_put(&b, id.pk, 32));
	TL_OK(crdt_buf_put_varint(&b, 2));
	TL_OK(crdt_buf_put(&b, prev, 32));
	TL_OK(crdt_buf_put_varint(&b, 99));
	TL_OK(crdt_buf_put(&b, ops, sizeof ops));
	crdt_sign(sig, b.data, b.len, &id);
	TL_OK(crdt_buf_put(&b, sig, 64));
	TL_OK(crdt_change_decode(&c, b.data, b.len));
	TL_OK(crdt_change_verify(&c));
	crdt_change_release(&c);
	crdt_buf_release(&b);

	/* over the size limit: refused before reading */
	{
		size_t big = CRDT_MAX_BODY + CRDT_SIG_LEN + 1;
		uint8_t *p = calloc(1, big);

		TL_RC(crdt_change_decode(&c, p, big), KITH_ETOOBIG);
		free(p);
	}
	crdt_identity_release(&id);
}

static void signature_checks(void **state)
{
	struct crdt_identity a, b;
	struct tl_changes ch = { 0 };
	struct crdt_op op;
	struct crdt_change c;
	uint8_t *copy;

	(void)state;
	TL_OK(tl_identity(&a, 6));
	TL_OK(tl_identity(&b, 7));
	crdt_op_init(&op, CRDT_OP_CREATE, CRDT_R_ITEM);
	TL_OK(crdt_op_set_text(&op, F_ITEM_TITLE, "drill"));
	TL_OK(crdt_op_finish(&op));
	TL_OK(tl_make_change(&a, 1, NULL, 1, &op, 1, &ch, NULL));
	TL_OK(crdt_change_decode(&c, ch.v[0].p, ch.v[0].len));
	TL_OK(crdt_change_verify(&c));
	crdt_change_release(&c);

	/* b signs a change that claims a as its author */
	copy = malloc(ch.v[0].len);
	memcpy(copy, ch.v[0].p, ch.v[0].len);
	crdt_sign(copy + ch.v[0].len - 64, copy, ch.v[0].len - 64, &b);
	TL_OK(crdt_change_decode(&c, copy, ch.v[0].len));
	TL_RC(crdt_change_verify(&c), KITH_ESIG);
	crdt_change_release(&c);

	/* an all-zero signature */
	memset(copy + ch.v[0].len - 64, 0, 64);
	TL_OK(crdt_change_decode(&c, copy, ch.v[0].len));
	TL_RC(crdt_change_verify(&c), KITH_ESIG);
	crdt_change_release(&c);
	free(copy);
	tl_changes_free(&ch);
	crdt_identity_release(&a);
	crdt_identity_release(&b);
}

static void record_ids(void **state)
{
	struct crdt_identity a, b;
	uint8_t ids[8][16], again[16];
	struct {
		const uint8_t *pk;
		uint64_t seq;
		uint32_t idx;
	} keys[8];
	int i, j;

	(void)state;
	TL_OK(tl_identity(&a, 8));
	TL_OK(tl_identity(&b, 9));
	keys[0].pk = a.pk, keys[0].seq = 1, keys[0].idx = 0;
	keys[1].pk = a.pk, keys[1].seq = 1, keys[1].idx = 1;
	keys[2].pk = a.pk, keys[2].seq = 2, keys[2].idx = 0;
	keys[3].pk = b.pk, keys[3].seq = 1, keys[3].idx = 0;
	keys[4].pk = a.pk, keys[4].seq = 1ull << 32, keys[4].idx = 0;
	keys[5].pk = a.pk, keys[5].seq = 0, keys[5].idx = 1;
	keys[6].pk = a.pk, keys[6].seq = 256, keys[6].idx = 0;
	keys[7].pk = a.pk, keys[7].seq = 1, keys[7].idx = 256;
	for (i = 0; i < 8; i++)
		crdt_record_id(ids[i], keys[i].pk, keys[i].seq, keys[i].idx);
	for (i = 0; i < 8; i++)
		for (j = i + 1; j < 8; j++)
			TL_CHECK(memcmp(ids[i], ids[j], 16),
				 "record ids %d and %d: expected different, "
				 "both %s", i, j, tl_hex(ids[i], 16));
	crdt_record_id(again, a.pk, 1, 1);
	TL_CHECK(!memcmp(again, ids[1], 16), "record id: expected "
		 "deterministic");
	crdt_identity_release(&a);
	crdt_identity_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(every_truncation_fails),
		cmocka_unit_test(flipped_bytes_never_verify),
		cmocka_unit_test(op_finish_sorts_and_rejects_duplicates),
		cmocka_unit_test(encode_rejects_bad_changes),
		cmocka_unit_test(decoder_rejects_malformed_ops),
		cmocka_unit_test(decoder_rejects_malformed_headers),
		cmocka_unit_test(signature_checks),
		cmocka_unit_test(record_ids),
	};

	return cmocka_run_group_tests_name("change", tests, tl_group_setup,
					   NULL);
}
