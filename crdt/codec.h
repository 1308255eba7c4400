/*
 * codec.h - bounded byte buffers and the primitive encodings of kith's
 * canonical binary format.
 *
 * struct crdt_buf is a growable output buffer with a hard size limit fixed at
 * creation (curl's dynbuf): growing past the limit fails with KITH_ETOOBIG and
 * leaves the buffer usable but unchanged.  The caller owns the buffer and
 * releases it with crdt_buf_release().
 *
 * struct crdt_rd reads from caller-owned memory; every read is bounds-checked
 * and a failed read leaves rd->err set, so a decoder can read a whole
 * structure and check once at the end.
 *
 * Integers are unsigned LEB128 varints; a canonical varint has no redundant
 * trailing zero groups (decoders reject them, so every value has exactly one
 * encoding).  Signed integers are zigzag-encoded first.
 *
 * Design: docs/DESIGN.md s3.
 */
#ifndef KITH_CODEC_H
#define KITH_CODEC_H

#include <stddef.h>
#include <stdint.h>

struct crdt_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t limit;
};

void crdt_buf_init(struct crdt_buf *b, size_t limit);
void crdt_buf_release(struct crdt_buf *b);
void crdt_buf_reset(struct crdt_buf *b);
__attribute__((warn_unused_result)) int crdt_buf_put(struct crdt_buf *b,
						      const void *p, size_t n);
__attribute__((warn_unused_result)) int crdt_buf_put_u8(struct crdt_buf *b,
							 uint8_t v);
__attribute__((warn_unused_result)) int crdt_buf_put_varint(struct crdt_buf *b,
							     uint64_t v);
__attribute__((warn_unused_result)) int crdt_buf_put_svarint(struct crdt_buf *b,
							      int64_t v);
/* varint length followed by the bytes */
__attribute__((warn_unused_result)) int crdt_buf_put_lbytes(struct crdt_buf *b,
							     const void *p,
							     size_t n);

struct crdt_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err; /* 0 or KITH_EDECODE / KITH_ETRUNCATED, sticky */
};

void crdt_rd_init(struct crdt_rd *r, const void *p, size_t len);
uint8_t crdt_rd_u8(struct crdt_rd *r);
uint64_t crdt_rd_varint(struct crdt_rd *r);
int64_t crdt_rd_svarint(struct crdt_rd *r);
/* Returns a pointer into the input, or NULL (and sets err) if short. */
const uint8_t *crdt_rd_bytes(struct crdt_rd *r, size_t n);
/* varint length (at most max) then bytes */
const uint8_t *crdt_rd_lbytes(struct crdt_rd *r, size_t max, size_t *n);
static inline size_t crdt_rd_left(const struct crdt_rd *r)
{
	return r->len - r->off;
}

size_t crdt_varint_len(uint64_t v);

/* One UTF-8 sequence at s (n > 0 bytes left): its length (1..4) and code
 * point in *cp, or 0 when it is not well-formed UTF-8 (a stray
 * continuation byte, cut short, overlong, a surrogate, past U+10FFFF).
 * Never reads past s[n - 1]. */
int crdt_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);
/* The value of one hex digit (either case), or -1. */
int crdt_hexval(char c);
/* Lowercase hex of n bytes into out (2n+1 bytes). */
void crdt_hex(char *out, const uint8_t *p, size_t n);
/* Parse exactly 2n hex chars; 0 or KITH_EDECODE. */
__attribute__((warn_unused_result)) int crdt_unhex(uint8_t *out, size_t n,
						   const char *hex);

#endif
