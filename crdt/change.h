/*
 * change.h - a change: one local transaction of one author (docs/DESIGN.md s3).
 *
 * Wire form (canonical; exactly one encoding per change):
 *
 *   body  = version:u8(1) author:32 seq:varint [prev:32 if seq > 1]
 *           hlc:varint  ops
 *   ops   = nops:varint(1..CRDT_MAX_OPS) op*
 *   op    = kind:u8 rtype:u8 target nvals:varint(0..CRDT_MAX_VALS) val*
 *   target= CREATE: nothing          (new id = crdt_record_id(author,seq,i))
 *           OWN:    seq:varint idx:varint  (a record this author created)
 *           REF:    len:varint(16|32) id
 *           SELF:   nothing          (the author's member profile)
 *   val   = tag:varint (field << 1 | type) then svarint | len:varint bytes
 *           tags strictly ascending
 *   signed change = body sig:64      (Ed25519 over body)
 *   hash  = BLAKE2b-256(body); the next change's prev is this hash.
 *
 * A decoded change points into the buffer it was decoded from (strings are
 * not NUL-terminated); that buffer must outlive it.  crdt_change_release()
 * frees only the ops array.
 */
#ifndef KITH_CHANGE_H
#define KITH_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "crypto.h"

#define CRDT_VERSION 1
#define CRDT_MAX_OPS 4096
#define CRDT_MAX_VALS 16
#define CRDT_MAX_TEXT 4096
#define CRDT_MAX_BODY (8u << 20)
#define CRDT_ID_LEN 16

enum crdt_op_kind {
	CRDT_OP_CREATE = 1,
	CRDT_OP_OWN = 2,
	CRDT_OP_REF = 3,
	CRDT_OP_SELF = 4,
};

struct crdt_val {
	uint8_t field;
	uint8_t type; /* enum crdt_vtype */
	int64_t i;
	const uint8_t *p;
	size_t len;
};

struct crdt_op {
	uint8_t kind;
	uint8_t rtype;
	uint64_t tseq;	     /* OWN */
	uint32_t tidx;	     /* OWN */
	uint8_t target[32];  /* REF */
	size_t target_len;   /* REF: 16 or 32 */
	uint32_t nvals;
	struct crdt_val vals[CRDT_MAX_VALS];
};

struct crdt_change {
	uint8_t author[CRDT_PK_LEN];
	uint64_t seq;
	uint8_t prev[CRDT_HASH_LEN]; /* zero when seq == 1 */
	uint64_t hlc;
	uint32_t nops;
	struct crdt_op *ops;
	uint8_t sig[CRDT_SIG_LEN];
	uint8_t hash[CRDT_HASH_LEN];
	const uint8_t *body; /* into the decoded buffer */
	size_t body_len;
	size_t ops_off; /* offset of the ops part within body */
};

/* Record id of the idx-th op of (author, seq). */
void crdt_record_id(uint8_t id[CRDT_ID_LEN], const uint8_t author[32],
		    uint64_t seq, uint32_t idx);

/* Encode the body of c (author, seq, prev, hlc, ops) into out. */
__attribute__((warn_unused_result)) int
crdt_change_encode_body(const struct crdt_change *c, struct crdt_buf *out);
/* Encode just the ops part. */
__attribute__((warn_unused_result)) int
crdt_ops_encode(const struct crdt_op *ops, uint32_t nops, struct crdt_buf *out);

/*
 * Decode "body sig" (len bytes).  On success c->ops is malloc'd, c->hash is
 * computed and the signature is NOT verified (see crdt_change_verify).
 */
__attribute__((warn_unused_result)) int
crdt_change_decode(struct crdt_change *c, const uint8_t *p, size_t len);
/* Decode just an ops part into c->ops/c->nops. */
__attribute__((warn_unused_result)) int
crdt_ops_decode(struct crdt_change *c, const uint8_t *p, size_t len);
void crdt_change_release(struct crdt_change *c);

/* Verify c->sig over c->body with c->author. */
__attribute__((warn_unused_result)) int
crdt_change_verify(const struct crdt_change *c);

/* Convenience for building ops. */
void crdt_op_init(struct crdt_op *op, enum crdt_op_kind kind, unsigned rtype);
int crdt_op_set_int(struct crdt_op *op, unsigned field, int64_t v);
int crdt_op_set_text(struct crdt_op *op, unsigned field, const char *s);
int crdt_op_set_bytes(struct crdt_op *op, unsigned field, const void *p,
		      size_t n);
/* Sort values by field and reject duplicates: call before encoding. */
__attribute__((warn_unused_result)) int crdt_op_finish(struct crdt_op *op);

#endif
