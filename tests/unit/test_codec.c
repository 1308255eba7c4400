/*
 * test_codec.c - bounded buffers, varints, zigzag, readers, hex
 * (crdt/codec.c).
 */
#include <string.h>

#include "crdt/codec.h"
#include "tests/testlib.h"

/* Decode one varint from p[0..n) and return it; *err gets rd.err and
 * *used the bytes consumed. */
static uint64_t rd1(const uint8_t *p, size_t n, int *err, size_t *used)
{
	struct crdt_rd r;
	uint64_t v;

	crdt_rd_init(&r, p, n);
	v = crdt_rd_varint(&r);
	*err = r.err;
	*used = r.off;
	return v;
}

static void check_varint(uint64_t v)
{
	struct crdt_buf b;
	uint64_t got;
	size_t used;
	int err;

	crdt_buf_init(&b, 64);
	TL_OK(crdt_buf_put_varint(&b, v));
	TL_CHECK(b.len == crdt_varint_len(v),
		 "varint %llu: expected %zu bytes (crdt_varint_len), wrote %zu",
		 (unsigned long long)v, crdt_varint_len(v), b.len);
	TL_CHECK(b.len >= 1 && b.len <= 10,
		 "varint %llu: expected 1..10 bytes, wrote %zu",
		 (unsigned long long)v, b.len);
	got = rd1(b.data, b.len, &err, &used);
	TL_CHECK(err == 0, "varint %llu: expected to decode, got error %d",
		 (unsigned long long)v, err);
	TL_CHECK(got == v, "varint round trip: expected %llu, got %llu",
		 (unsigned long long)v, (unsigned long long)got);
	TL_CHECK(used == b.len, "varint %llu: expected to consume %zu bytes, "
		 "consumed %zu", (unsigned long long)v, b.len, used);
	/* every proper prefix is truncated */
	if (b.len > 1) {
		got = rd1(b.data, b.len - 1, &err, &used);
		TL_CHECK(err == KITH_ETRUNCATED,
			 "varint %llu cut by one byte: expected ETRUNCATED, "
			 "got %d", (unsigned long long)v, err);
	}
	crdt_buf_release(&b);
}

static void check_svarint(int64_t v)
{
	struct crdt_buf b;
	struct crdt_rd r;
	int64_t got;

	crdt_buf_init(&b, 64);
	TL_OK(crdt_buf_put_svarint(&b, v));
	crdt_rd_init(&r, b.data, b.len);
	got = crdt_rd_svarint(&r);
	TL_CHECK(r.err == 0 && r.off == b.len,
		 "svarint %lld: expected clean decode of %zu bytes, err %d "
		 "off %zu", (long long)v, b.len, r.err, r.off);
	TL_CHECK(got == v, "svarint round trip: expected %lld, got %lld",
		 (long long)v, (long long)got);
	crdt_buf_release(&b);
}

static void varint_round_trip(void **state)
{
	static const uint64_t vals[] = {
		0,	    1,		 2,	      63,	   64,
		127,	    128,	 129,	      255,	   256,
		16383,	    16384,	 2097151,     2097152,	   UINT32_MAX,
		1ull << 32, 1ull << 35,	 1ull << 40,  (1ull << 56) - 1,
		1ull << 56, 1ull << 62,	 1ull << 63,  (1ull << 63) - 1,
		UINT64_MAX - 1, UINT64_MAX,
	};
	struct tl_env e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
		check_varint(vals[i]);
	tl_env_init(&e, 42);
	for (i = 0; i < 2000; i++) {
		uint64_t v = tl_rand(&e);

		check_varint(v >> tl_rand_below(&e, 64));
	}
}

static void varint_known_bytes(void **state)
{
	static const struct {
		uint64_t v;
		size_t n;
		uint8_t b[10];
	} cases[] = {
		{ 0, 1, { 0x00 } },
		{ 1, 1, { 0x01 } },
		{ 127, 1, { 0x7f } },
		{ 128, 2, { 0x80, 0x01 } },
		{ 300, 2, { 0xac, 0x02 } },
		{ 16384, 3, { 0x80, 0x80, 0x01 } },
		{ UINT64_MAX, 10,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct crdt_buf b;

		crdt_buf_init(&b, 16);
		TL_OK(crdt_buf_put_varint(&b, cases[i].v));
		TL_CHECK(b.len == cases[i].n && !memcmp(b.data, cases[i].b, b.len),
			 "varint %llu: expected bytes %s, got %s",
			 (unsigned long long)cases[i].v,
			 tl_hex(cases[i].b, cases[i].n), tl_hex(b.data, b.len));
		crdt_buf_release(&b);
	}
}

static void svarint_round_trip(void **state)
{
	static const int64_t vals[] = {
		0, 1, -1, 2, -2, 63, -64, 64, -65, 127, -128, 1000, -1000,
		INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, INT64_MIN + 1,
		INT64_MAX - 1,
	};
	struct crdt_buf b;
	struct tl_env e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
		check_svarint(vals[i]);
	tl_env_init(&e, 7);
	for (i = 0; i < 2000; i++)
		check_svarint((int64_t)(tl_rand(&e) >> tl_rand_below(&e, 64)) *
			       (i & 1 ? -1 : 1));
	/* zigzag: small magnitudes stay small, sign in the low bit */
	crdt_buf_init(&b, 16);
	TL_OK(crdt_buf_put_svarint(&b, -1));
	TL_OK(crdt_buf_put_svarint(&b, 1));
	TL_OK(crdt_buf_put_svarint(&b, -64));
	TL_OK(crdt_buf_put_svarint(&b, INT64_MIN));
	TL_CHECK(b.len == 13 && b.data[0] == 1 && b.data[1] == 2 &&
			 b.data[2] == 127,
		 "zigzag: expected -1 -> 01, 1 -> 02, -64 -> 7f and INT64_MIN "
		 "in 10 bytes, got %s", tl_hex(b.data, b.len));
	crdt_buf_release(&b);
}

static void varint_rejects_noncanonical(void **state)
{
	static const struct {
		size_t n;
		uint8_t b[12];
		int err;
		const char *what;
	} cases[] = {
		{ 2, { 0x80, 0x00 }, KITH_EDECODE, "0 with a zero group" },
		{ 2, { 0xff, 0x00 }, KITH_EDECODE, "127 with a zero group" },
		{ 3, { 0x81, 0x80, 0x00 }, KITH_EDECODE, "1 with two zero groups" },
		{ 10,
		  { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 },
		  KITH_EDECODE, "ten bytes of zero" },
		{ 10,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 },
		  KITH_EDECODE, "2^64 (overflow in the tenth byte)" },
		{ 10,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
		  KITH_EDECODE, "tenth byte 0x7f" },
		{ 11,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81,
		    0x01 },
		  KITH_EDECODE, "eleven bytes" },
		{ 0, { 0 }, KITH_ETRUNCATED, "empty input" },
		{ 1, { 0x80 }, KITH_ETRUNCATED, "a lone continuation byte" },
		{ 9,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		  KITH_ETRUNCATED, "nine continuation bytes" },
	};
	size_t i, used;
	int err;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t v = rd1(cases[i].b, cases[i].n, &err, &used);

		TL_CHECK(err == cases[i].err,
			 "varint %s (%s): expected error %d (%s), got %d "
			 "value %llu", cases[i].what,
			 tl_hex(cases[i].b, cases[i].n), cases[i].err,
			 kith_strerror(cases[i].err), err,
			 (unsigned long long)v);
		TL_CHECK(v == 0, "a failed varint read should return 0, got %llu",
			 (unsigned long long)v);
	}
}

static void reader_bounds_and_sticky_error(void **state)
{
	static const uint8_t in[] = { 5, 'h', 'e', 'l', 'l', 'o', 0x80 };
	struct crdt_rd r;
	const uint8_t *p;
	size_t n;

	(void)state;
	crdt_rd_init(&r, in, sizeof in);
	p = crdt_rd_lbytes(&r, 5, &n);
	TL_CHECK(p && n == 5 && !memcmp(p, "hello", 5) && r.err == 0,
		 "lbytes: expected \"hello\", got n=%zu err=%d", n, r.err);
	TL_CHECK(crdt_rd_left(&r) == 1, "expected 1 byte left, got %zu",
		 crdt_rd_left(&r));
	(void)crdt_rd_varint(&r);
	TL_CHECK(r.err == KITH_ETRUNCATED,
		 "varint running off the end: expected ETRUNCATED, got %d",
		 r.err);
	/* sticky: later reads fail without touching the input */
	TL_CHECK(crdt_rd_u8(&r) == 0 && crdt_rd_bytes(&r, 0) == NULL &&
			 r.err == KITH_ETRUNCATED,
		 "reads after an error: expected 0/NULL and the first error "
		 "kept, got err %d", r.err);

	/* lbytes longer than max is malformed, longer than input truncated */
	crdt_rd_init(&r, in, sizeof in);
	p = crdt_rd_lbytes(&r, 4, &n);
	TL_CHECK(!p && n == 0 && r.err == KITH_EDECODE,
		 "lbytes over max: expected EDECODE and n=0, got err %d n %zu",
		 r.err, n);
	crdt_rd_init(&r, in, 4);
	p = crdt_rd_lbytes(&r, 100, &n);
	TL_CHECK(!p && r.err == KITH_ETRUNCATED,
		 "lbytes past the input: expected ETRUNCATED, got %d", r.err);

	/* huge lengths cannot wrap the bounds check */
	crdt_rd_init(&r, in, sizeof in);
	(void)crdt_rd_u8(&r);
	TL_CHECK(crdt_rd_bytes(&r, SIZE_MAX) == NULL &&
			 r.err == KITH_ETRUNCATED,
		 "bytes(SIZE_MAX): expected ETRUNCATED, got %d", r.err);

	/* exact fit */
	crdt_rd_init(&r, in, sizeof in);
	TL_CHECK(crdt_rd_bytes(&r, sizeof in) == in && crdt_rd_left(&r) == 0 &&
			 r.err == 0,
		 "bytes(all): expected the whole input, err %d", r.err);
	TL_CHECK(crdt_rd_bytes(&r, 0) != NULL && r.err == 0,
		 "bytes(0) at the end: expected success, err %d", r.err);
	(void)crdt_rd_u8(&r);
	TL_CHECK(r.err == KITH_ETRUNCATED, "u8 past the end: expected "
		 "ETRUNCATED, got %d", r.err);
}

static void buf_limit_respected(void **state)
{
	static const uint8_t junk[32] = "0123456789abcdefghijklmnopqrstu";
	struct crdt_buf b;
	uint8_t snap[16];

	(void)state;
	crdt_buf_init(&b, 10);
	TL_OK(crdt_buf_put(&b, junk, 8));
	memcpy(snap, b.data, 8);
	TL_RC(crdt_buf_put(&b, junk, 3), KITH_ETOOBIG);
	TL_CHECK(b.len == 8 && !memcmp(b.data, snap, 8),
		 "put past the limit: expected the buffer unchanged (len 8), "
		 "got len %zu", b.len);
	TL_RC(crdt_buf_put(&b, junk, SIZE_MAX), KITH_ETOOBIG);
	TL_RC(crdt_buf_put(&b, junk, SIZE_MAX - 4), KITH_ETOOBIG);
	TL_CHECK(b.len == 8, "huge put: expected len 8, got %zu", b.len);
	TL_OK(crdt_buf_put(&b, junk, 2));
	TL_CHECK(b.len == 10 && b.cap <= 10,
		 "fill to the limit: expected len 10 and cap <= limit, got len "
		 "%zu cap %zu", b.len, b.cap);
	TL_RC(crdt_buf_put_u8(&b, 1), KITH_ETOOBIG);
	TL_OK(crdt_buf_put(&b, junk, 0));
	TL_CHECK(b.len == 10, "expected len 10, got %zu", b.len);
	/* usable again after reset */
	crdt_buf_reset(&b);
	TL_OK(crdt_buf_put_varint(&b, UINT64_MAX));
	TL_CHECK(b.len == 10, "varint after reset: expected 10 bytes, got %zu",
		 b.len);
	crdt_buf_release(&b);
	TL_CHECK(b.data == NULL && b.len == 0,
		 "release: expected an empty buffer");

	/* a varint that does not fit leaves no partial bytes */
	crdt_buf_init(&b, 4);
	TL_OK(crdt_buf_put_u8(&b, 0xaa));
	TL_RC(crdt_buf_put_varint(&b, UINT64_MAX), KITH_ETOOBIG);
	TL_CHECK(b.len == 1, "varint past the limit: expected len 1, got %zu",
		 b.len);
	TL_RC(crdt_buf_put_svarint(&b, INT64_MIN), KITH_ETOOBIG);
	TL_CHECK(b.len == 1, "svarint past the limit: expected len 1, got %zu",
		 b.len);
	crdt_buf_release(&b);

	/* a zero limit takes nothing */
	crdt_buf_init(&b, 0);
	TL_RC(crdt_buf_put_u8(&b, 0), KITH_ETOOBIG);
	TL_OK(crdt_buf_put(&b, junk, 0));
	crdt_buf_release(&b);
}

/*
 * codec.h: "growing past the limit fails with KITH_ETOOBIG and leaves the
 * buffer usable but unchanged" - also for length-prefixed bytes, whose
 * length varint alone would still fit.
 */
static void buf_lbytes_past_limit_unchanged(void **state)
{
	static const uint8_t junk[16] = "0123456789abcde";
	struct crdt_buf b;
	size_t len;
	int rc;

	(void)state;
	crdt_buf_init(&b, 10);
	TL_OK(crdt_buf_put_lbytes(&b, junk, 9));
	TL_CHECK(b.len == 10, "lbytes(9) in 10: expected len 10, got %zu",
		 b.len);
	crdt_buf_reset(&b);
	TL_OK(crdt_buf_put_u8(&b, 0x55));
	rc = crdt_buf_put_lbytes(&b, junk, 9);
	len = b.len;
	crdt_buf_release(&b);
	TL_CHECK(rc == KITH_ETOOBIG, "lbytes past the limit: expected ETOOBIG, "
		 "got %d", rc);
	TL_CHECK(len == 1,
		 "lbytes past the limit: expected the buffer unchanged (len 1), "
		 "got len %zu (the length prefix was left behind)", len);
}

static void hex_round_trip(void **state)
{
	uint8_t all[256], back[256];
	char hex[513];
	int i;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	crdt_hex(hex, all, sizeof all);
	TL_CHECK(strlen(hex) == 512, "hex of 256 bytes: expected 512 chars, "
		 "got %zu", strlen(hex));
	TL_CHECK(!strncmp(hex, "000102", 6) && !strcmp(hex + 506, "fdfeff"),
		 "hex: expected lowercase 000102..fdfeff, got %.6s..%s", hex,
		 hex + 506);
	memset(back, 0, sizeof back);
	TL_OK(crdt_unhex(back, sizeof back, hex));
	TL_CHECK(!memcmp(all, back, sizeof all), "unhex(hex(x)) != x");
	TL_OK(crdt_unhex(back, 4, "DEADbeef"));
	TL_CHECK(back[0] == 0xde && back[1] == 0xad && back[2] == 0xbe &&
			 back[3] == 0xef,
		 "unhex of mixed case: expected deadbeef, got %s",
		 tl_hex(back, 4));
	TL_OK(crdt_unhex(back, 0, ""));
	crdt_hex(hex, all, 0);
	TL_CHECK(hex[0] == 0, "hex of 0 bytes: expected \"\"");
}

static void hex_rejects_bad_input(void **state)
{
	static const char *const bad[] = {
		"abc",	       /* odd */
		"ab",	       /* too short */
		"abcdef01",    /* too long */
		"abcdeg",      /* not hex */
		"abcd f",      /* space */
		"0x1234",      /* prefix */
		"-12345",      /* sign */
		"",	       /* empty */
		"ab\xff" "cde", /* high byte */
	};
	uint8_t out[3];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		TL_CHECK(crdt_unhex(out, 3, bad[i]) == KITH_EDECODE,
			 "unhex(3, \"%s\"): expected EDECODE", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(varint_round_trip),
		cmocka_unit_test(varint_known_bytes),
		cmocka_unit_test(svarint_round_trip),
		cmocka_unit_test(varint_rejects_noncanonical),
		cmocka_unit_test(reader_bounds_and_sticky_error),
		cmocka_unit_test(buf_limit_respected),
		cmocka_unit_test(buf_lbytes_past_limit_unchanged),
		cmocka_unit_test(hex_round_trip),
		cmocka_unit_test(hex_rejects_bad_input),
	};

	return cmocka_run_group_tests_name("codec", tests, tl_group_setup,
					   NULL);
}
