#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "err.h"

void crdt_buf_init(struct crdt_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

void crdt_buf_release(struct crdt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void crdt_buf_reset(struct crdt_buf *b)
{
	b->len = 0;
}

static int buf_grow(struct crdt_buf *b, size_t n)
{
	size_t need, cap;
	uint8_t *p;

	if (n > b->limit || b->len > b->limit - n)
		return KITH_ETOOBIG;
	need = b->len + n;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->limit)
		cap = b->limit;
	p = realloc(b->data, cap);
	if (!p)
		return KITH_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int crdt_buf_put(struct crdt_buf *b, const void *p, size_t n)
{
	int rc = buf_grow(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int crdt_buf_put_u8(struct crdt_buf *b, uint8_t v)
{
	return crdt_buf_put(b, &v, 1);
}

int crdt_buf_put_varint(struct crdt_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		tmp[n++] = c | (v ? 0x80 : 0);
	} while (v);
	return crdt_buf_put(b, tmp, n);
}

int crdt_buf_put_svarint(struct crdt_buf *b, int64_t v)
{
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);

	return crdt_buf_put_varint(b, z);
}

int crdt_buf_put_lbytes(struct crdt_buf *b, const void *p, size_t n)
{
	size_t len0 = b->len;
	int rc = crdt_buf_put_varint(b, n);

	if (!rc)
		rc = crdt_buf_put(b, p, n);
	if (rc)
		b->len = len0; /* all or nothing, as codec.h promises */
	return rc;
}

size_t crdt_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

void crdt_rd_init(struct crdt_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->err = 0;
}

uint8_t crdt_rd_u8(struct crdt_rd *r)
{
	if (r->err)
		return 0;
	if (r->off >= r->len) {
		r->err = KITH_ETRUNCATED;
		return 0;
	}
	return r->p[r->off++];
}

uint64_t crdt_rd_varint(struct crdt_rd *r)
{
	uint64_t v = 0;
	unsigned shift = 0;

	for (;;) {
		uint8_t c;

		if (r->err)
			return 0;
		if (r->off >= r->len) {
			r->err = KITH_ETRUNCATED;
			return 0;
		}
		c = r->p[r->off++];
		if (shift == 63 && (c & 0x7e)) {
			r->err = KITH_EDECODE; /* overflows 64 bits */
			return 0;
		}
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (c == 0 && shift) {
				r->err = KITH_EDECODE; /* non-canonical */
				return 0;
			}
			return v;
		}
		shift += 7;
		if (shift > 63) {
			r->err = KITH_EDECODE;
			return 0;
		}
	}
}

int64_t crdt_rd_svarint(struct crdt_rd *r)
{
	uint64_t z = crdt_rd_varint(r);

	return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

const uint8_t *crdt_rd_bytes(struct crdt_rd *r, size_t n)
{
	const uint8_t *p;

	if (r->err)
		return NULL;
	if (n > r->len - r->off) {
		r->err = KITH_ETRUNCATED;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

const uint8_t *crdt_rd_lbytes(struct crdt_rd *r, size_t max, size_t *n)
{
	uint64_t l = crdt_rd_varint(r);

	*n = 0;
	if (r->err)
		return NULL;
	if (l > max) {
		r->err = KITH_EDECODE;
		return NULL;
	}
	*n = (size_t)l;
	return crdt_rd_bytes(r, (size_t)l);
}

void crdt_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

int crdt_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int crdt_unhex(uint8_t *out, size_t n, const char *hex)
{
	size_t i;

	if (strlen(hex) != 2 * n)
		return KITH_EDECODE;
	for (i = 0; i < n; i++) {
		int hi = crdt_hexval(hex[2 * i]), lo = crdt_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return KITH_EDECODE;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* One UTF-8 sequence at s (n > 0 bytes left): its length and code point,
 * or 0 when it is not valid UTF-8 (cut short, overlong, a surrogate). */
int crdt_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	int len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}
