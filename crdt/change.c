#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "err.h"
#include "schema.h"

void crdt_record_id(uint8_t id[CRDT_ID_LEN], const uint8_t author[32],
		    uint64_t seq, uint32_t idx)
{
	uint8_t in[32 + 8 + 4];
	int i;

	memcpy(in, author, 32);
	for (i = 0; i < 8; i++)
		in[32 + i] = (uint8_t)(seq >> (8 * i));
	for (i = 0; i < 4; i++)
		in[40 + i] = (uint8_t)(idx >> (8 * i));
	crdt_hash(id, CRDT_ID_LEN, in, sizeof in);
}

static int encode_op(const struct crdt_op *op, struct crdt_buf *b)
{
	int rc;
	uint32_t i;

	rc = crdt_buf_put_u8(b, op->kind);
	if (!rc)
		rc = crdt_buf_put_u8(b, op->rtype);
	if (rc)
		return rc;
	switch (op->kind) {
	case CRDT_OP_OWN:
		rc = crdt_buf_put_varint(b, op->tseq);
		if (!rc)
			rc = crdt_buf_put_varint(b, op->tidx);
		break;
	case CRDT_OP_REF:
		if (op->target_len != 16 && op->target_len != 32)
			return KITH_EINVAL;
		rc = crdt_buf_put_lbytes(b, op->target, op->target_len);
		break;
	case CRDT_OP_CREATE:
	case CRDT_OP_SELF:
		break;
	default:
		return KITH_EINVAL;
	}
	if (!rc)
		rc = crdt_buf_put_varint(b, op->nvals);
	for (i = 0; !rc && i < op->nvals; i++) {
		const struct crdt_val *v = &op->vals[i];

		if (i && v->field <= op->vals[i - 1].field)
			return KITH_EINVAL;
		rc = crdt_buf_put_varint(b, (uint64_t)v->field << 1 | v->type);
		if (rc)
			break;
		if (v->type == CRDT_V_INT)
			rc = crdt_buf_put_svarint(b, v->i);
		else if (v->len > CRDT_MAX_TEXT)
			rc = KITH_ETOOBIG;
		else
			rc = crdt_buf_put_lbytes(b, v->p, v->len);
	}
	return rc;
}

int crdt_ops_encode(const struct crdt_op *ops, uint32_t nops,
		    struct crdt_buf *out)
{
	int rc;
	uint32_t i;

	if (nops < 1 || nops > CRDT_MAX_OPS)
		return KITH_EINVAL;
	rc = crdt_buf_put_varint(out, nops);
	for (i = 0; !rc && i < nops; i++)
		rc = encode_op(&ops[i], out);
	return rc;
}

int crdt_change_encode_body(const struct crdt_change *c, struct crdt_buf *out)
{
	int rc;

	if (c->seq < 1)
		return KITH_EINVAL;
	rc = crdt_buf_put_u8(out, CRDT_VERSION);
	if (!rc)
		rc = crdt_buf_put(out, c->author, CRDT_PK_LEN);
	if (!rc)
		rc = crdt_buf_put_varint(out, c->seq);
	if (!rc && c->seq > 1)
		rc = crdt_buf_put(out, c->prev, CRDT_HASH_LEN);
	if (!rc)
		rc = crdt_buf_put_varint(out, c->hlc);
	if (!rc)
		rc = crdt_ops_encode(c->ops, c->nops, out);
	return rc;
}

static void decode_op(struct crdt_rd *r, struct crdt_op *op)
{
	uint64_t n, tag;
	uint32_t i;
	const uint8_t *p;
	size_t len;

	op->kind = crdt_rd_u8(r);
	op->rtype = crdt_rd_u8(r);
	op->nvals = 0;
	op->target_len = 0;
	switch (op->kind) {
	case CRDT_OP_OWN:
		op->tseq = crdt_rd_varint(r);
		n = crdt_rd_varint(r);
		if (!r->err && (n >= CRDT_MAX_OPS || op->tseq < 1))
			r->err = KITH_EDECODE;
		op->tidx = (uint32_t)n;
		break;
	case CRDT_OP_REF:
		p = crdt_rd_lbytes(r, 32, &len);
		if (!r->err && len != 16 && len != 32)
			r->err = KITH_EDECODE;
		if (r->err)
			return;
		memcpy(op->target, p, len);
		op->target_len = len;
		break;
	case CRDT_OP_CREATE:
	case CRDT_OP_SELF:
		break;
	default:
		if (!r->err)
			r->err = KITH_EDECODE;
		return;
	}
	if (!r->err && op->rtype == 0)
		r->err = KITH_EDECODE;
	n = crdt_rd_varint(r);
	if (!r->err && n > CRDT_MAX_VALS)
		r->err = KITH_EDECODE;
	if (r->err)
		return;
	for (i = 0; i < n; i++) {
		struct crdt_val *v = &op->vals[i];

		tag = crdt_rd_varint(r);
		if (r->err)
			return;
		if ((tag >> 1) < 1 || (tag >> 1) > 255 ||
		    (i && (tag >> 1) <= op->vals[i - 1].field)) {
			r->err = KITH_EDECODE;
			return;
		}
		v->field = (uint8_t)(tag >> 1);
		v->type = tag & 1;
		v->p = NULL;
		v->len = 0;
		v->i = 0;
		if (v->type == CRDT_V_INT)
			v->i = crdt_rd_svarint(r);
		else
			v->p = crdt_rd_lbytes(r, CRDT_MAX_TEXT, &v->len);
		if (r->err)
			return;
	}
	op->nvals = (uint32_t)n;
}

static int decode_ops(struct crdt_change *c, struct crdt_rd *r)
{
	uint64_t n = crdt_rd_varint(r);
	uint32_t i;

	if (r->err)
		return r->err;
	if (n < 1 || n > CRDT_MAX_OPS)
		return KITH_EDECODE;
	/* each op takes at least 3 bytes: bound the allocation by input */
	if (n > crdt_rd_left(r) / 3)
		return KITH_ETRUNCATED;
	c->ops = malloc(n * sizeof *c->ops);
	if (!c->ops)
		return KITH_ENOMEM;
	for (i = 0; i < n && !r->err; i++)
		decode_op(r, &c->ops[i]);
	c->nops = (uint32_t)n;
	if (r->err) {
		free(c->ops);
		c->ops = NULL;
		c->nops = 0;
		return r->err;
	}
	return 0;
}

int crdt_ops_decode(struct crdt_change *c, const uint8_t *p, size_t len)
{
	struct crdt_rd r;
	int rc;

	crdt_rd_init(&r, p, len);
	rc = decode_ops(c, &r);
	if (!rc && crdt_rd_left(&r)) {
		crdt_change_release(c);
		rc = KITH_EDECODE;
	}
	return rc;
}

int crdt_change_decode(struct crdt_change *c, const uint8_t *p, size_t len)
{
	struct crdt_rd r;
	const uint8_t *q;
	int rc;

	memset(c, 0, sizeof *c);
	if (len < 1 + CRDT_PK_LEN + 3 + CRDT_SIG_LEN)
		return KITH_ETRUNCATED;
	if (len > CRDT_MAX_BODY + CRDT_SIG_LEN)
		return KITH_ETOOBIG;
	crdt_rd_init(&r, p, len - CRDT_SIG_LEN);
	if (crdt_rd_u8(&r) != CRDT_VERSION)
		return KITH_EDECODE;
	q = crdt_rd_bytes(&r, CRDT_PK_LEN);
	if (q)
		memcpy(c->author, q, CRDT_PK_LEN);
	c->seq = crdt_rd_varint(&r);
	if (!r.err && c->seq < 1)
		return KITH_EDECODE;
	if (c->seq > 1) {
		q = crdt_rd_bytes(&r, CRDT_HASH_LEN);
		if (q)
			memcpy(c->prev, q, CRDT_HASH_LEN);
	}
	c->hlc = crdt_rd_varint(&r);
	if (r.err)
		return r.err;
	c->ops_off = r.off;
	rc = decode_ops(c, &r);
	if (rc)
		return rc;
	if (crdt_rd_left(&r)) {
		crdt_change_release(c);
		return KITH_EDECODE;
	}
	c->body = p;
	c->body_len = len - CRDT_SIG_LEN;
	memcpy(c->sig, p + c->body_len, CRDT_SIG_LEN);
	crdt_hash(c->hash, CRDT_HASH_LEN, c->body, c->body_len);
	return 0;
}

void crdt_change_release(struct crdt_change *c)
{
	free(c->ops);
	c->ops = NULL;
	c->nops = 0;
}

int crdt_change_verify(const struct crdt_change *c)
{
	return crdt_verify(c->sig, c->body, c->body_len, c->author);
}

void crdt_op_init(struct crdt_op *op, enum crdt_op_kind kind, unsigned rtype)
{
	memset(op, 0, sizeof *op - sizeof op->vals);
	op->kind = (uint8_t)kind;
	op->rtype = (uint8_t)rtype;
	op->nvals = 0;
}

static struct crdt_val *op_slot(struct crdt_op *op, unsigned field)
{
	uint32_t i;

	if (field < 1 || field > 255)
		return NULL;
	for (i = 0; i < op->nvals; i++)
		if (op->vals[i].field == field)
			return &op->vals[i];
	if (op->nvals >= CRDT_MAX_VALS)
		return NULL;
	op->vals[op->nvals].field = (uint8_t)field;
	return &op->vals[op->nvals++];
}

int crdt_op_set_int(struct crdt_op *op, unsigned field, int64_t v)
{
	struct crdt_val *s = op_slot(op, field);

	if (!s)
		return KITH_EINVAL;
	s->type = CRDT_V_INT;
	s->i = v;
	s->p = NULL;
	s->len = 0;
	return 0;
}

int crdt_op_set_bytes(struct crdt_op *op, unsigned field, const void *p,
		      size_t n)
{
	struct crdt_val *s = op_slot(op, field);

	if (!s)
		return KITH_EINVAL;
	if (n > CRDT_MAX_TEXT)
		return KITH_ETOOBIG;
	s->type = CRDT_V_BYTES;
	s->i = 0;
	s->p = p;
	s->len = n;
	return 0;
}

int crdt_op_set_text(struct crdt_op *op, unsigned field, const char *s)
{
	return crdt_op_set_bytes(op, field, s, strlen(s));
}

static int val_cmp(const void *a, const void *b)
{
	const struct crdt_val *x = a, *y = b;

	return (int)x->field - (int)y->field;
}

int crdt_op_finish(struct crdt_op *op)
{
	uint32_t i;

	qsort(op->vals, op->nvals, sizeof op->vals[0], val_cmp);
	for (i = 1; i < op->nvals; i++)
		if (op->vals[i].field == op->vals[i - 1].field)
			return KITH_EINVAL;
	return 0;
}
